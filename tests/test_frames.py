"""Tests of the canonical frame schemas and of models <-> frames (jobhandicap.frames)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from _grant_columns import no_grant_periods
from jobhandicap import frames
from jobhandicap.domain import (
    Case,
    CompensationScheme,
    Decision,
    Jobcentre,
    KeyPersonModel,
    Likert,
    Municipality,
    OrganisationProfile,
    Region,
    StaffAnswer,
    SurveyAnswer,
    TargetGroup,
)
from jobhandicap.errors import JobhandicapError, MissingColumnsError, SchemaError
from jobhandicap.frames import (
    CANONICAL_COLUMNS,
    SCHEMAS,
    empty_frame,
    from_frame,
    to_frame,
    validate_cases,
    validate_profiles,
    validate_staff,
    validate_survey,
)
from jobhandicap.testing import cases, municipality_codes, profiles, staff_answers, survey_answers

STRING = pd.StringDtype()


def categories(enum: Any) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([m.value for m in enum], ordered=False)


# The contract (contract.md), written out literally.
EXPECTED_DTYPES: dict[str, dict[str, Any]] = {
    "cases": {
        "case_id": STRING,
        "municipality": np.dtype("int64"),
        "jobcentre": np.dtype("int64"),
        "scheme": categories(CompensationScheme),
        "target_group": categories(TargetGroup),
        "applied": np.dtype("datetime64[ns]"),
        "decided": np.dtype("datetime64[ns]"),
        "decision": categories(Decision),
        "amount_dkk": np.dtype("float64"),
        "decision_detail": pd.CategoricalDtype(["partial", "lapsed"], ordered=False),
        "granted_from": np.dtype("datetime64[ns]"),
        "granted_to": np.dtype("datetime64[ns]"),
        "hours_per_week": np.dtype("float64"),
        "yearly_amount_dkk": np.dtype("float64"),
        "person": STRING,
    },
    "survey": {
        "respondent": STRING,
        "wave": np.dtype("int64"),
        "item": STRING,
        "answer": pd.Int64Dtype(),
    },
    "staff": {
        "respondent": STRING,
        "jobcentre": np.dtype("int64"),
        "item": STRING,
        "value": np.dtype("float64"),
    },
    "profiles": {
        "jobcentre": np.dtype("int64"),
        "political_focus": pd.Int64Dtype(),
        "management_priority": pd.Int64Dtype(),
        "employer_outreach": pd.Int64Dtype(),
        "external_collaboration": pd.Int64Dtype(),
        "written_strategy": pd.BooleanDtype(),
        "screening_at_intake": pd.BooleanDtype(),
        "key_person_model": categories(KeyPersonModel),
        "staff_training": np.dtype("float64"),
        "target_groups_covered": pd.Int64Dtype(),
    },
    "population": {
        "municipality": np.dtype("int64"),
        "year": np.dtype("int64"),
        "population": np.dtype("int64"),
    },
    "outcomes": {
        "jobcentre": np.dtype("int64"),
        "year": np.dtype("int64"),
        "persons": np.dtype("int64"),
        "entered_job": np.dtype("int64"),
        "social_assistance_pct": np.dtype("float64"),
        "unemployment_pct": np.dtype("float64"),
    },
    "people": {
        "age": np.dtype("int64"),
        "sex": pd.CategoricalDtype(["female", "male"]),
        "employed": pd.BooleanDtype(),
        "gali": pd.CategoricalDtype(
            ["not limited", "limited but not severely", "severely limited"]
        ),
        **{
            f"wg_{d}": pd.CategoricalDtype(
                ["no difficulty", "some difficulty", "a lot of difficulty", "cannot do at all"]
            )
            for d in ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
        },
        "weight": np.dtype("float64"),
    },
}


def assert_dtypes(frame: pd.DataFrame, kind: str) -> None:
    expected = EXPECTED_DTYPES[kind]
    assert list(frame.columns) == list(expected)
    for name, dtype in expected.items():
        actual = frame[name].dtype
        assert actual == dtype, (name, actual, dtype)
        if isinstance(dtype, pd.CategoricalDtype):
            assert isinstance(actual, pd.CategoricalDtype)
            assert list(actual.categories) == list(dtype.categories)
            assert not actual.ordered
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.index.start == 0


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXPECTED_DTYPES))
def test_empty_frame_has_canonical_columns_and_dtypes(kind: str) -> None:
    frame = empty_frame(kind)
    assert len(frame) == 0
    assert_dtypes(frame, kind)
    assert CANONICAL_COLUMNS[kind] == tuple(EXPECTED_DTYPES[kind])
    assert SCHEMAS[kind].names == CANONICAL_COLUMNS[kind]


def test_schema_constants_are_exported() -> None:
    assert frames.CASES_SCHEMA is SCHEMAS["cases"]
    assert frames.PEOPLE_SCHEMA.kind == "people"
    assert frames.CASES_SCHEMA.key == ("case_id",)
    assert frames.CASES_SCHEMA["jobcentre"].derived
    assert frames.CASES_SCHEMA.required == (
        "case_id",
        "municipality",
        "scheme",
        "target_group",
        "applied",
    )
    assert frames.PROFILES_SCHEMA["staff_training"].maximum == 1
    with pytest.raises(KeyError):
        frames.CASES_SCHEMA["no such column"]


def test_empty_frame_unknown_kind_suggests() -> None:
    with pytest.raises(SchemaError, match="case") as info:
        empty_frame("case")
    assert "cases" in str(info.value)


def test_empty_frames_are_independent() -> None:
    first = empty_frame("cases")
    first["extra"] = 1
    assert "extra" not in empty_frame("cases").columns


# --------------------------------------------------------------------------------------------
# to_frame: reference values
# --------------------------------------------------------------------------------------------

REFERENCE_CASES = [
    Case(
        case_id="A-1",
        municipality=563,
        scheme="aids",
        target_group="flexjob",
        applied=dt.date(2019, 1, 3),
        decided=dt.date(2019, 2, 1),
        decision="granted",
        amount_dkk=12_500.5,
    ),
    Case(
        case_id="A-2",
        municipality=183,
        scheme="mentorstøtte",
        target_group="sygedagpenge",
        applied=dt.date(2021, 12, 31),
    ),
    Case(
        case_id="A-3",
        municipality=183,
        scheme="personlig assistance",
        target_group="fleksjob",
        applied=dt.date(2022, 1, 1),
        decided=dt.date(2022, 1, 1),
        decision="refused",
    ),
]


def test_to_frame_cases_reference_values() -> None:
    frame = to_frame(REFERENCE_CASES)
    assert_dtypes(frame, "cases")
    expected = pd.DataFrame(
        {
            "case_id": pd.array(["A-1", "A-2", "A-3"], dtype=STRING),
            "municipality": [563, 183, 183],
            # Fanø is served by Esbjerg; Ishøj by Vallensbæk until the end of 2021.
            "jobcentre": [561, 187, 183],
            "scheme": pd.Categorical(
                ["aids", "mentor support", "personal assistance"],
                dtype=categories(CompensationScheme),
            ),
            "target_group": pd.Categorical(
                ["flex-job", "sickness benefit", "flex-job"], dtype=categories(TargetGroup)
            ),
            "applied": pd.to_datetime(["2019-01-03", "2021-12-31", "2022-01-01"]).astype(
                "datetime64[ns]"
            ),
            "decided": pd.Series(["2019-02-01", None, "2022-01-01"], dtype="datetime64[ns]"),
            "decision": pd.Categorical(["granted", None, "refused"], dtype=categories(Decision)),
            "amount_dkk": [12_500.5, np.nan, np.nan],
            "decision_detail": pd.Categorical(
                [None] * 3, dtype=pd.CategoricalDtype(["partial", "lapsed"])
            ),
            **no_grant_periods(3),
        }
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_to_frame_other_models_reference_values() -> None:
    survey = to_frame(
        [
            SurveyAnswer(respondent="Aarhus", wave=2018, item="q1", answer="ved ikke"),
            SurveyAnswer(respondent="Aarhus", wave=2018, item="q2"),
        ]
    )
    assert_dtypes(survey, "survey")
    assert survey["answer"].tolist() == [9, pd.NA]
    staff = to_frame([StaffAnswer(respondent="S1", jobcentre=561, item="k1", value=None)])
    assert_dtypes(staff, "staff")
    assert np.isnan(staff["value"].iloc[0])
    profile = to_frame(
        [OrganisationProfile(jobcentre=101, written_strategy=False, staff_training=0.25)]
    )
    assert_dtypes(profile, "profiles")
    row = profile.iloc[0]
    assert row["written_strategy"] is np.False_ or row["written_strategy"] is False
    assert pd.isna(row["political_focus"])
    assert pd.isna(row["key_person_model"])
    assert row["staff_training"] == 0.25


def test_to_frame_municipality_and_jobcentre() -> None:
    municipality = Municipality(code=101, name="København", region="Hovedstaden")
    frame = to_frame([municipality])
    assert list(frame.columns) == ["code", "name", "region"]
    assert frame["code"].dtype == np.dtype("int64")
    assert frame["name"].dtype == STRING
    assert frame["region"].dtype == categories(Region)
    jobcentre = Jobcentre(
        code=561, name="Jobcenter Esbjerg", municipalities=(561, 563), valid_from="2007-01-01"
    )
    frame = to_frame([jobcentre])
    assert list(frame.columns) == ["code", "name", "municipalities", "valid_from", "valid_to"]
    assert frame["municipalities"].dtype == np.dtype(object)
    assert frame.loc[0, "municipalities"] == (561, 563)
    assert frame["valid_from"].dtype == np.dtype("datetime64[ns]")
    assert frame["valid_to"].isna().all()
    assert from_frame(frame, Jobcentre) == [jobcentre]
    empty = to_frame([], model=Jobcentre)
    assert list(empty.columns) == list(frame.columns)
    assert (empty.dtypes == frame.dtypes).all()


def test_to_frame_empty_needs_model() -> None:
    with pytest.raises(JobhandicapError, match="model="):
        to_frame([])
    assert_dtypes(to_frame([], model=Case), "cases")
    assert_dtypes(to_frame(iter(()), model=SurveyAnswer), "survey")


def test_to_frame_rejects_mixed_and_unknown_types() -> None:
    answer = SurveyAnswer(respondent="A", wave=2018, item="q")
    with pytest.raises(JobhandicapError, match="one model type"):
        to_frame([REFERENCE_CASES[0], answer])
    with pytest.raises(JobhandicapError, match="one model type"):
        to_frame([answer], model=Case)
    with pytest.raises(JobhandicapError, match="no frame form"):
        to_frame([1, 2])
    with pytest.raises(JobhandicapError, match="no frame form"):
        from_frame(pd.DataFrame({"a": [1]}), dict)


def test_to_frame_case_before_the_jobcentres_is_an_error() -> None:
    early = attrs.evolve(REFERENCE_CASES[1], applied=dt.date(2006, 12, 31), case_id="B")
    with pytest.raises(SchemaError, match="no jobcentre") as info:
        to_frame([REFERENCE_CASES[0], early])
    problems = info.value.problems
    assert problems["row"].tolist() == [1]
    assert problems["column"].tolist() == ["applied"]


def test_to_frame_accepts_any_iterable() -> None:
    expected = to_frame(REFERENCE_CASES)
    pd.testing.assert_frame_equal(to_frame(tuple(REFERENCE_CASES)), expected)
    pd.testing.assert_frame_equal(to_frame(c for c in REFERENCE_CASES), expected)


# --------------------------------------------------------------------------------------------
# to_frame / from_frame: properties
# --------------------------------------------------------------------------------------------

municipalities = st.builds(
    Municipality,
    code=municipality_codes(),
    name=st.text(alphabet="abcæøåABC -", min_size=1, max_size=12).filter(lambda s: s.strip()),
    region=st.sampled_from(Region),
)


@st.composite
def jobcentres(draw: st.DrawFn) -> Jobcentre:
    members = draw(st.lists(municipality_codes(), min_size=1, max_size=4, unique=True))
    start = draw(st.dates(dt.date(2007, 1, 1), dt.date(2030, 1, 1)))
    end = draw(st.none() | st.dates(start, dt.date(2040, 1, 1)))
    return Jobcentre(
        code=draw(st.sampled_from(members)),
        name=draw(st.sampled_from(["Jobcenter A", "Jobcenter Øst", "B"])),
        municipalities=tuple(members),
        valid_from=start,
        valid_to=end,
    )


MODELS: dict[type, Any] = {
    Case: cases(),
    SurveyAnswer: survey_answers(),
    StaffAnswer: staff_answers(),
    OrganisationProfile: profiles(),
    Municipality: municipalities,
    Jobcentre: jobcentres(),
}
KINDS = {
    Case: "cases",
    SurveyAnswer: "survey",
    StaffAnswer: "staff",
    OrganisationProfile: "profiles",
}


@pytest.mark.parametrize("model", list(MODELS), ids=lambda m: m.__name__)
@given(data=st.data())
def test_round_trip(model: type, data: st.DataObject) -> None:
    records = data.draw(st.lists(MODELS[model], max_size=25))
    frame = to_frame(records, model=model)
    assert len(frame) == len(records)
    assert isinstance(frame.index, pd.RangeIndex)
    back = from_frame(frame, model)
    assert back == records
    assert all(type(r) is model for r in back)
    if model in KINDS:
        assert_dtypes(frame, KINDS[model])


@given(records=st.lists(cases(), max_size=25))
@settings(max_examples=examples(30))
def test_round_trip_keeps_field_types(records: list[Case]) -> None:
    for original, back in zip(
        records, from_frame(to_frame(records, model=Case), Case), strict=True
    ):
        for field in attrs.fields(Case):
            assert type(getattr(back, field.name)) is type(getattr(original, field.name))


@given(
    records=st.lists(profiles(), max_size=15, unique_by=lambda p: p.jobcentre),
)
def test_profile_round_trip_keeps_plain_ints(records: list[OrganisationProfile]) -> None:
    back = from_frame(to_frame(records, model=OrganisationProfile), OrganisationProfile)
    for profile in back:
        assert profile.political_focus is None or type(profile.political_focus) is int
        assert profile.written_strategy is None or type(profile.written_strategy) is bool


CANONICAL_VALIDATORS = {
    Case: validate_cases,
    SurveyAnswer: validate_survey,
    StaffAnswer: validate_staff,
    OrganisationProfile: validate_profiles,
}
UNIQUE_BY = {
    Case: lambda c: c.case_id,
    SurveyAnswer: lambda a: (a.respondent, a.wave, a.item),
    StaffAnswer: lambda a: (a.jobcentre, a.respondent, a.item),
    OrganisationProfile: lambda p: p.jobcentre,
}


@pytest.mark.parametrize("model", list(CANONICAL_VALIDATORS), ids=lambda m: m.__name__)
@given(data=st.data())
@settings(max_examples=examples(30))
def test_to_frame_output_is_canonical(model: type, data: st.DataObject) -> None:
    records = data.draw(st.lists(MODELS[model], max_size=25, unique_by=UNIQUE_BY[model]))
    frame = to_frame(records, model=model)
    pd.testing.assert_frame_equal(CANONICAL_VALIDATORS[model](frame), frame)


@given(records=st.lists(cases(), min_size=1, max_size=25), seed=st.integers(0, 2**32 - 1))
def test_to_frame_follows_record_order(records: list[Case], seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(records))
    shuffled = to_frame([records[i] for i in order])
    expected = to_frame(records).iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(shuffled, expected)


@given(records=st.lists(cases(), max_size=15, unique_by=lambda c: c.case_id))
def test_from_frame_does_not_mutate_and_ignores_extras(records: list[Case]) -> None:
    frame = to_frame(records, model=Case).assign(note="x", jobcentre=-7)
    before = frame.copy(deep=True)
    assert from_frame(frame, Case) == records
    pd.testing.assert_frame_equal(frame, before)


# --------------------------------------------------------------------------------------------
# from_frame of raw frames
# --------------------------------------------------------------------------------------------


def test_from_frame_reads_raw_cells() -> None:
    raw = pd.DataFrame(
        {
            "case_id": ["A-1"],
            "municipality": ["0563"],
            "scheme": ["Hjælpemidler"],
            "target_group": ["FLEXJOB"],
            "applied": ["03-01-2019"],
            "decided": ["01.02.2019"],
            "decision": ["bevilget"],
            "amount_dkk": ["12500.5"],
        }
    )
    assert from_frame(raw, Case) == [REFERENCE_CASES[0]]


def test_from_frame_reports_rows_of_a_bad_frame() -> None:
    raw = pd.DataFrame(
        {"respondent": ["A", "B"], "wave": [2018, 2018], "item": ["q", "q"], "answer": [3, 7]},
        index=[10, 11],
    )
    with pytest.raises(SchemaError) as info:
        from_frame(raw, SurveyAnswer)
    assert info.value.problems[["row", "column"]].values.tolist() == [[3, "answer"]]


def test_from_frame_missing_columns() -> None:
    with pytest.raises(MissingColumnsError) as info:
        from_frame(pd.DataFrame({"code": [101]}), Municipality)
    assert info.value.missing == ("name", "region")
    with pytest.raises(MissingColumnsError):
        from_frame(pd.DataFrame({"respondent": ["A"]}), SurveyAnswer)
    with pytest.raises(SchemaError, match="DataFrame"):
        from_frame([1, 2], Case)  # type: ignore[arg-type]


def test_from_frame_of_empty_frames() -> None:
    for model, strategy in MODELS.items():
        assert strategy is not None
        assert from_frame(to_frame([], model=model), model) == []


def test_likert_answers_come_back_as_members() -> None:
    answers = [
        SurveyAnswer(respondent="A", wave=2018, item=f"q{i}", answer=code)
        for i, code in enumerate([1, 2, 3, 4, 5, 9, None])
    ]
    back = from_frame(to_frame(answers), SurveyAnswer)
    assert [a.answer for a in back] == [*list(Likert), None]
