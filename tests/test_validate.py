"""Tests of the validate_* functions of jobhandicap.frames."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from _grant_columns import no_grant_periods
from jobhandicap import reference
from jobhandicap.domain import CompensationScheme, Decision, KeyPersonModel, Likert, TargetGroup
from jobhandicap.errors import MissingColumnsError, SchemaError, UnknownLabelError
from jobhandicap.frames import (
    SCHEMAS,
    empty_frame,
    validate_cases,
    validate_kind,
    validate_outcomes,
    validate_people,
    validate_population,
    validate_profiles,
    validate_sampled_survey,
    validate_staff,
    validate_survey,
)
from jobhandicap.testing import (
    case_frames,
    profile_frames,
    sampled_survey_frames,
    staff_frames,
    survey_frames,
)

Validator = Callable[[pd.DataFrame], pd.DataFrame]
VALIDATORS: dict[str, Validator] = {
    "cases": validate_cases,
    "survey": validate_survey,
    "staff": validate_staff,
    "profiles": validate_profiles,
    "population": validate_population,
    "outcomes": validate_outcomes,
    "people": validate_people,
    "sampled_survey": validate_sampled_survey,
}
CODES = sorted(reference.municipalities()["code"].tolist())


# --------------------------------------------------------------------------------------------
# Strategies for the kinds jobhandicap.testing has no strategy for
# --------------------------------------------------------------------------------------------


@st.composite
def population_frames(draw: st.DrawFn, min_size: int = 0) -> pd.DataFrame:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(CODES), st.integers(2007, 2030)),
            min_size=min_size,
            max_size=20,
            unique=True,
        )
    )
    sizes = draw(st.lists(st.integers(1, 900_000), min_size=len(keys), max_size=len(keys)))
    return validate_population(
        pd.DataFrame(
            {
                "municipality": [k[0] for k in keys],
                "year": [k[1] for k in keys],
                "population": sizes,
            }
        )
    )


@st.composite
def outcome_frames(draw: st.DrawFn, min_size: int = 0) -> pd.DataFrame:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(CODES), st.integers(2007, 2030)),
            min_size=min_size,
            max_size=20,
            unique=True,
        )
    )
    persons = draw(st.lists(st.integers(0, 5000), min_size=len(keys), max_size=len(keys)))
    entered = [draw(st.integers(0, p)) for p in persons]
    return validate_outcomes(
        pd.DataFrame(
            {
                "jobcentre": [k[0] for k in keys],
                "year": [k[1] for k in keys],
                "persons": persons,
                "entered_job": entered,
            }
        )
    )


DIFFICULTY = ["no difficulty", "some difficulty", "a lot of difficulty", "cannot do at all"]
WG = [
    f"wg_{d}" for d in ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
]


@st.composite
def people_frames(draw: st.DrawFn, min_size: int = 0) -> pd.DataFrame:
    n = draw(st.integers(min_size, 20))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=n, max_size=n))

    return validate_people(
        pd.DataFrame(
            {
                "age": column(st.integers(16, 99)),
                "sex": column(st.sampled_from(["female", "male"])),
                "employed": column(st.booleans()),
                "gali": column(
                    st.none()
                    | st.sampled_from(
                        ["not limited", "limited but not severely", "severely limited"]
                    )
                ),
                **{name: column(st.none() | st.sampled_from(DIFFICULTY)) for name in WG},
                "weight": column(st.floats(0.01, 1000)),
            }
        )
    )


FRAMES: dict[str, Callable[..., st.SearchStrategy[pd.DataFrame]]] = {
    "cases": case_frames,
    "survey": survey_frames,
    "staff": staff_frames,
    "profiles": profile_frames,
    "population": population_frames,
    "outcomes": outcome_frames,
    "people": people_frames,
    "sampled_survey": sampled_survey_frames,
}


# --------------------------------------------------------------------------------------------
# Reference values
# --------------------------------------------------------------------------------------------


def raw_cases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": ["A-1", "A-2", "A-3", "=cmd|'/c calc'!A0"],
            "municipality": ["0563", "Århus", 183, "Københavns Kommune"],
            "scheme": ["Hjælpemidler", "PERSONAL ASSISTANCE", "mentor-støtte", "aids"],
            "target_group": ["sygedagpenge", "Flex job", "fleksjob", "Ressourceforløb"],
            "applied": ["03-01-2019", "2019-02-01", "31/12/2021", "2022-01-01 00:00:00"],
            "decided": ["01.02.2019", None, "2022-01-02", ""],
            "decision": ["Bevilget", np.nan, "afslag", " "],
            "amount_dkk": ["12500.5", None, None, np.nan],
            "note": ["extra", "columns", "are", "dropped"],
        },
        index=[2, 3, 4, 5],
    )


def expected_cases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": pd.array(["A-1", "A-2", "A-3", "=cmd|'/c calc'!A0"], dtype="string"),
            "municipality": [563, 751, 183, 101],
            "jobcentre": [561, 751, 187, 101],
            "scheme": pd.Categorical(
                ["aids", "personal assistance", "mentor support", "aids"],
                dtype=pd.CategoricalDtype([m.value for m in CompensationScheme]),
            ),
            "target_group": pd.Categorical(
                ["sickness benefit", "flex-job", "flex-job", "resource course"],
                dtype=pd.CategoricalDtype([m.value for m in TargetGroup]),
            ),
            "applied": pd.to_datetime(
                ["2019-01-03", "2019-02-01", "2021-12-31", "2022-01-01"]
            ).astype("datetime64[ns]"),
            "decided": pd.Series(["2019-02-01", None, "2022-01-02", None], dtype="datetime64[ns]"),
            "decision": pd.Categorical(
                ["granted", None, "refused", None],
                dtype=pd.CategoricalDtype([m.value for m in Decision]),
            ),
            "amount_dkk": [12500.5, np.nan, np.nan, np.nan],
            "decision_detail": pd.Categorical(
                [None] * 4, dtype=pd.CategoricalDtype(["partial", "lapsed"])
            ),
            **no_grant_periods(4),
        }
    )


def test_validate_cases_reference_values() -> None:
    pd.testing.assert_frame_equal(validate_cases(raw_cases()), expected_cases())


def test_validate_cases_accepts_object_and_str_columns() -> None:
    raw = raw_cases()
    as_objects = raw.astype(object)
    as_strings = raw.astype({"case_id": "string", "scheme": "string", "applied": "string"})
    pd.testing.assert_frame_equal(validate_cases(as_objects), expected_cases())
    pd.testing.assert_frame_equal(validate_cases(as_strings), expected_cases())


def test_validate_cases_accepts_dates_as_values() -> None:
    raw = raw_cases().drop(columns=["note"])
    expected = expected_cases()
    as_datetime = raw.assign(
        applied=expected["applied"].to_numpy() + np.timedelta64(13, "h"),
        decided=expected["decided"].to_numpy(),
    )
    pd.testing.assert_frame_equal(validate_cases(as_datetime), expected)
    decided: list[Any] = [None if pd.isna(d) else d.to_pydatetime() for d in expected["decided"]]
    as_dates = raw.assign(
        applied=pd.Series([d.date() for d in expected["applied"]], index=raw.index),
        decided=pd.Series(decided, index=raw.index, dtype=object),
    )
    pd.testing.assert_frame_equal(validate_cases(as_dates), expected)
    aware = raw.assign(applied=expected["applied"].dt.tz_localize("Europe/Copenhagen").array)
    pd.testing.assert_frame_equal(validate_cases(aware), expected)
    seconds = raw.assign(applied=expected["applied"].astype("datetime64[s]").to_numpy())
    pd.testing.assert_frame_equal(validate_cases(seconds), expected)


def test_validate_cases_mixed_date_formats_in_one_column() -> None:
    raw = raw_cases().assign(applied=["2019-01-03", "01-02-2019", "31.12.2021", "1/1/2022"])
    pd.testing.assert_frame_equal(validate_cases(raw), expected_cases())


def test_validate_cases_optional_columns() -> None:
    raw = raw_cases().drop(columns=["decided", "decision", "amount_dkk"])
    result = validate_cases(raw)
    assert list(result.columns) == list(SCHEMAS["cases"].names)
    assert result["decided"].isna().all()
    assert result["decision"].isna().all()
    assert result["amount_dkk"].isna().all()
    pd.testing.assert_frame_equal(result.dtypes.to_frame(), empty_frame("cases").dtypes.to_frame())
    without_amount = validate_cases(raw_cases().drop(columns=["amount_dkk", "note"]))
    assert without_amount["amount_dkk"].isna().all()


def test_validate_cases_all_open_from_csv() -> None:
    # A CSV reader gives all-empty columns as float NaN.
    raw = raw_cases().assign(decided=np.nan, decision=np.nan, amount_dkk=np.nan)
    result = validate_cases(raw)
    assert result["decided"].isna().all()
    assert result["decision"].isna().all()


def test_validate_cases_ignores_a_given_jobcentre() -> None:
    raw = raw_cases().assign(jobcentre=pd.Series(["x", 1, 2, None], index=[2, 3, 4, 5]))
    pd.testing.assert_frame_equal(validate_cases(raw), expected_cases())


def test_validate_cases_numbers_as_case_ids() -> None:
    raw = raw_cases().assign(case_id=[12345, 12346.0, "A-3", 7]).astype({"case_id": object})
    assert validate_cases(raw)["case_id"].tolist() == ["12345", "12346", "A-3", "7"]


def test_validate_survey_reference_values() -> None:
    raw = pd.DataFrame(
        {
            "respondent": ["Jobcenter Aarhus"] * 7,
            "wave": ["2018", 2018, 2018.0, 2018, 2018, 2018, 2018],
            "item": [f"q{i}" for i in range(7)],
            "answer": ["I meget høj grad", "ved ikke", 1, "4", 5.0, None, "  "],
        }
    )
    result = validate_survey(raw)
    assert result["answer"].dtype == pd.Int64Dtype()
    assert result["answer"].tolist() == [5, 9, 1, 4, 5, pd.NA, pd.NA]
    assert result["wave"].tolist() == [2018] * 7


@pytest.mark.parametrize("answer", [0, 6, 8, 10, "7", 2.5, "maybe", True])
def test_survey_answer_outside_the_scale(answer: object) -> None:
    raw = pd.DataFrame(
        {
            "respondent": ["A", "B"],
            "wave": [2018, 2018],
            "item": ["q", "q"],
            "answer": [3, answer],
        },
    )
    with pytest.raises(SchemaError) as info:
        validate_survey(raw)
    problems = info.value.problems
    assert problems[["row", "column"]].values.tolist() == [[3, "answer"]]
    assert "1-5, 9" in text(problems, 0)


def test_validate_staff_reference_values() -> None:
    raw = pd.DataFrame(
        {
            "respondent": ["S1", "S1", "S2"],
            "jobcentre": ["Esbjerg", 561, "0101"],
            "item": ["k1", "k2", "k1"],
            "value": ["4", None, 2.5],
        }
    )
    result = validate_staff(raw)
    assert result["jobcentre"].tolist() == [561, 561, 101]
    assert result["value"].tolist()[0] == 4.0
    assert np.isnan(result["value"].tolist()[1])


def test_validate_profiles_reference_values() -> None:
    raw = pd.DataFrame(
        {
            "jobcentre": [561, "Aarhus"],
            "political_focus": ["I høj grad", 9],
            "management_priority": [5, "ved ikke"],
            "employer_outreach": [None, 1],
            "external_collaboration": ["3", "slet ikke"],
            "written_strategy": ["Ja", False],
            "screening_at_intake": ["nej", None],
            "key_person_model": ["Specialiseret team", "spread specialization"],
            "staff_training": ["0.5", 1],
            "target_groups_covered": [14, "0"],
        }
    )
    result = validate_profiles(raw)
    assert result["jobcentre"].tolist() == [561, 751]
    assert result["political_focus"].tolist() == [4, pd.NA]
    assert result["management_priority"].tolist() == [5, pd.NA]
    assert result["external_collaboration"].tolist() == [3, 1]
    assert result["written_strategy"].tolist() == [True, False]
    assert result["screening_at_intake"].tolist() == [False, pd.NA]
    assert result["key_person_model"].tolist() == [
        KeyPersonModel.SPECIALISED_TEAM.value,
        KeyPersonModel.SPREAD_SPECIALISATION.value,
    ]
    assert result["staff_training"].tolist() == [0.5, 1.0]
    assert result["target_groups_covered"].tolist() == [14, 0]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("staff_training", 1.5, "from 0 to 1"),
        ("staff_training", -0.1, "from 0 to 1"),
        ("staff_training", "much", "expected a number"),
        ("target_groups_covered", 15, "from 0 to 14"),
        ("target_groups_covered", -1, "from 0 to 14"),
        ("target_groups_covered", 2.5, "whole number"),
        ("political_focus", 6, "score 1-5"),
        ("political_focus", 0, "score 1-5"),
        ("written_strategy", "maybe", "yes or no"),
        ("key_person_model", "specialist team", "'specialised team'"),
        ("jobcentre", 411, "Christiansø"),
    ],
)
def test_profile_problems(column: str, value: Any, message: str) -> None:
    raw = pd.DataFrame(
        {
            "jobcentre": [561, 101],
            "political_focus": [4, 3],
            "management_priority": [5, 2],
            "employer_outreach": [None, 1],
            "external_collaboration": [3, 3],
            "written_strategy": [True, False],
            "screening_at_intake": [False, None],
            "key_person_model": ["specialised team", None],
            "staff_training": [0.5, 1.0],
            "target_groups_covered": [14, 0],
        },
        index=[7, 8],
    )
    raw = with_cell(raw, 1, column, value)
    with pytest.raises(SchemaError) as info:
        validate_profiles(raw)
    problems = info.value.problems
    assert problems[["row", "column"]].values.tolist() == [[3, column]]
    assert message in text(problems, 0)


def test_validate_population_reference_values() -> None:
    raw = pd.DataFrame(
        {
            "municipality": ["København", "0147"],
            "year": [2018, "2018"],
            "population": [420_000, "68000"],
        }
    )
    result = validate_population(raw)
    assert result.to_dict("list") == {
        "municipality": [101, 147],
        "year": [2018, 2018],
        "population": [420_000, 68_000],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "of 1 or more"),
        (-5, "of 1 or more"),
        (2.5, "whole number"),
        ("2,5", "whole number"),
        ("abc", "whole number"),
        (np.inf, "whole number"),
        (None, "required"),
    ],
)
def test_population_problems(value: Any, message: str) -> None:
    raw = pd.DataFrame({"municipality": [101, 147], "year": [2018, 2018], "population": [5, 6]})
    raw = with_cell(raw, 1, "population", value)
    with pytest.raises(SchemaError) as info:
        validate_population(raw)
    assert info.value.problems[["row", "column"]].values.tolist() == [[3, "population"]]
    assert message in text(info.value.problems)


def test_outcomes_entered_job_at_most_persons() -> None:
    raw = pd.DataFrame(
        {
            "jobcentre": [561, 101, 147],
            "year": [2019] * 3,
            "persons": [40, 10, 3],
            "entered_job": [41, 10, 4],
        }
    )
    with pytest.raises(SchemaError) as info:
        validate_outcomes(raw)
    problems = info.value.problems
    assert problems[["row", "column"]].values.tolist() == [[2, "entered_job"], [4, "entered_job"]]
    assert problems["message"].tolist() == ["more than the 40 persons", "more than the 3 persons"]
    assert validate_outcomes(raw.iloc[[1]])["entered_job"].tolist() == [10]


def test_validate_people_reference_values() -> None:
    raw = pd.DataFrame(
        {
            "age": [34, "51"],
            "sex": ["Kvinde", "M"],
            "employed": ["ja", 0],
            "gali": ["not limited", "Severely limited"],
            "wg_walking": ["Some difficulty", "kan slet ikke"],
            "weight": [1.5, 2],
        }
    )
    result = validate_people(raw)
    assert list(result.columns) == list(SCHEMAS["people"].names)
    assert result["sex"].tolist() == ["female", "male"]
    assert result["employed"].tolist() == [True, False]
    assert result["wg_walking"].tolist() == ["some difficulty", "cannot do at all"]
    assert result["wg_seeing"].isna().all()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("weight", 0, "greater than 0"),
        ("weight", -1.0, "greater than 0"),
        ("age", 130, "from 0 to 120"),
        ("sex", "x", "not a sex"),
        ("gali", "limitd", "did you mean 'limited but not severely'"),
        ("employed", None, "required"),
        ("wg_seeing", "blind", "Accepted"),
    ],
)
def test_people_problems(column: str, value: Any, message: str) -> None:
    raw = pd.DataFrame(
        {
            "age": [40, 41],
            "sex": ["male", "female"],
            "employed": [True, False],
            "gali": [None, "not limited"],
            "wg_seeing": [None, None],
            "weight": [1.0, 1.0],
        }
    ).astype(object)
    raw = with_cell(raw, 1, column, value)
    with pytest.raises(SchemaError) as info:
        validate_people(raw)
    assert info.value.problems[["row", "column"]].values.tolist() == [[3, column]]
    assert message in text(info.value.problems)


# --------------------------------------------------------------------------------------------
# Problems of cases, each detected with the right row and column
# --------------------------------------------------------------------------------------------


def cases_with(**columns: list[Any]) -> pd.DataFrame:
    base: dict[str, list[Any]] = {
        "case_id": ["A", "B", "C"],
        "municipality": [101, 101, 101],
        "scheme": ["aids"] * 3,
        "target_group": ["flex-job"] * 3,
        "applied": ["2019-01-10"] * 3,
        "decided": ["2019-02-01", None, "2019-03-01"],
        "decision": ["granted", None, "refused"],
        "amount_dkk": [100.0, None, None],
    }
    base.update(columns)
    return pd.DataFrame(base, index=[10, 11, 12])


def with_cell(frame: pd.DataFrame, position: int, column: str, value: Any) -> pd.DataFrame:
    """A copy of ``frame`` whose cell at (position, column) holds ``value``."""
    values = frame[column].astype(object).tolist()
    values[position] = value
    return frame.assign(**{column: pd.Series(values, index=frame.index, dtype=object)})


def text(problems: pd.DataFrame, row: int = 0, column: str = "message") -> str:
    return str(problems[column].iloc[row])


def problems_of(frame: pd.DataFrame, validator: Validator = validate_cases) -> pd.DataFrame:
    with pytest.raises(SchemaError) as info:
        validator(frame)
    return info.value.problems


def where(problems: pd.DataFrame) -> list[list[Any]]:
    return problems[["row", "column"]].values.tolist()


def test_valid_base_case_frame() -> None:
    assert len(validate_cases(cases_with())) == 3


def test_decision_before_application() -> None:
    problems = problems_of(cases_with(decided=["2019-01-09", None, "2019-01-10"]))
    assert where(problems) == [[2, "decided"]]
    assert text(problems, 0) == "decided before the application date 2019-01-10"
    assert text(problems, 0, "value") == "2019-01-09"


def test_decision_without_date_and_date_without_decision() -> None:
    problems = problems_of(
        cases_with(decided=[None, "2019-02-01", "2019-03-01"], amount_dkk=[None] * 3)
    )
    assert where(problems) == [[2, "decided"], [3, "decision"]]
    assert text(problems, 0) == "a granted case needs a decision date"
    assert "needs a decision" in text(problems, 1)


@pytest.mark.parametrize(
    ("decision", "decided", "state"),
    [
        ("refused", "2019-02-01", "refused"),
        ("withdrawn", "2019-02-01", "withdrawn"),
        (None, None, "open"),
    ],
)
def test_amount_only_on_granted_cases(
    decision: str | None, decided: str | None, state: str
) -> None:
    frame = cases_with(
        decided=["2019-02-01", decided, "2019-03-01"],
        decision=["granted", decision, "refused"],
        amount_dkk=[100.0, 50.0, None],
    )
    problems = problems_of(frame)
    assert where(problems) == [[3, "amount_dkk"]]
    assert text(problems, 0) == f"only granted cases carry an amount; this one is {state}"


def test_negative_amount() -> None:
    problems = problems_of(cases_with(amount_dkk=[-1.0, None, None]))
    assert where(problems) == [[2, "amount_dkk"]]
    assert "from 0 to 1e+10" in text(problems, 0)


def test_text_in_a_numeric_column() -> None:
    problems = problems_of(cases_with(amount_dkk=["12.500,00", None, None]))
    assert where(problems) == [[2, "amount_dkk"]]
    assert text(problems, 0) == "expected a number"


def test_duplicate_case_ids_list_every_row() -> None:
    frame = pd.concat([cases_with(), cases_with().assign(case_id=["A", "D", "A"])])
    frame.index = pd.RangeIndex(20, 26)
    problems = problems_of(frame)
    assert where(problems) == [[2, "case_id"], [5, "case_id"], [7, "case_id"]]
    assert set(problems["message"]) == {"duplicate case_id: 3 rows have this value"}


def test_unknown_municipality() -> None:
    problems = problems_of(cases_with(municipality=[411, "Ålbrog", "0101"]))
    assert where(problems) == [[2, "municipality"], [3, "municipality"]]
    assert "Christiansø" in text(problems, 0)
    assert "did you mean 'Aalborg'" in text(problems, 1)


def test_unknown_labels_with_close_matches() -> None:
    problems = problems_of(
        cases_with(scheme=["hjælpemidlr", "aids", "aids"], decision=["bevilgt", None, "refused"])
    )
    assert where(problems) == [[2, "scheme"], [2, "decision"]]
    assert "did you mean 'hjælpemidler'" in text(problems, 0)
    assert "(accepted values listed below)" in text(problems, 0)  # seven schemes: said once
    assert "did you mean 'bevilget'" in text(problems, 1)
    assert "'withdrawn'" in text(problems, 1)  # three decisions: said on the line


@pytest.mark.parametrize("value", ["2019-13-45", "31-02-2019", "yesterday", "2019/01/10", 43466])
def test_unreadable_dates(value: Any) -> None:
    frame = with_cell(cases_with(), 1, "applied", value)
    problems = problems_of(frame)
    assert where(problems) == [[3, "applied"]]
    message = text(problems, 0)
    if message != "not a calendar date":
        assert "ISO (2019-01-03), dd-mm-yyyy, dd.mm.yyyy or dd/mm/yyyy" in message


@pytest.mark.parametrize(
    "value", ["10-01-0019", "0019-01-10", "1.1.3000", dt.date(1850, 1, 1), dt.datetime(2500, 1, 1)]
)
def test_implausible_dates(value: Any) -> None:
    problems = problems_of(with_cell(cases_with(), 0, "applied", value))
    assert where(problems) == [[2, "applied"]]
    assert text(problems) == "expected a date from 1900 to 2199"


def test_implausible_datetime_values() -> None:
    days = np.array(["1899-12-31", "2019-01-10", "2019-01-10"], dtype="datetime64[s]")
    problems = problems_of(cases_with().assign(applied=days))
    assert where(problems) == [[2, "applied"]]
    assert text(problems) == "expected a date from 1900 to 2199"


def test_application_before_the_jobcentres() -> None:
    problems = problems_of(cases_with(applied=["2006-12-31", "2019-01-10", "2019-01-10"]))
    assert where(problems) == [[2, "applied"]]
    assert text(problems, 0) == "no jobcentre served municipality 101 on 2006-12-31"


def test_missing_required_value() -> None:
    problems = problems_of(cases_with(case_id=["A", "  ", None]))
    assert where(problems) == [[3, "case_id"], [4, "case_id"]]
    assert text(problems, 0) == "missing value: case_id is required"


def test_several_problems_in_several_rows_are_all_listed_in_order() -> None:
    frame = cases_with(
        municipality=[101, 9999, 101],
        scheme=["aids", "aids", "nonsense"],
        applied=["2019-01-10", "2019-01-10", "soon"],
        amount_dkk=[-5.0, None, None],
    )
    with pytest.raises(SchemaError) as info:
        validate_cases(frame)
    assert where(info.value.problems) == [
        [2, "amount_dkk"],
        [3, "municipality"],
        [4, "scheme"],
        [4, "applied"],
    ]
    assert "the cases table does not meet its schema (4 problems)" in str(info.value)


def test_missing_columns() -> None:
    frame = cases_with().drop(columns=["scheme", "applied"])
    with pytest.raises(MissingColumnsError) as info:
        validate_cases(frame)
    error = info.value
    assert error.missing == ("scheme", "applied")
    assert "case_id" in error.available
    assert isinstance(error, KeyError)
    with pytest.raises(MissingColumnsError) as info:
        validate_cases(cases_with().drop(columns=["decision"]))
    assert info.value.missing == ("decision",)
    with pytest.raises(MissingColumnsError) as info:
        validate_cases(cases_with().drop(columns=["decided"]))
    assert info.value.missing == ("decided",)


@pytest.mark.parametrize(
    "column", ["case_id", "municipality", "scheme", "applied", "decision", "amount_dkk"]
)
def test_unhashable_cells_are_reported(column: str) -> None:
    frame = with_cell(cases_with(), 1, column, ["a", "list"])
    problems = problems_of(frame)
    assert where(problems) == [[3, column]]
    assert text(problems, 0, "value") == "['a', 'list']"


def test_categorical_input_in_another_category_order() -> None:
    frame = validate_cases(cases_with())
    categories = list(reversed(frame["scheme"].cat.categories))
    shuffled = frame.assign(scheme=frame["scheme"].cat.reorder_categories(categories))
    pd.testing.assert_frame_equal(validate_cases(shuffled), frame)
    fewer = frame.assign(scheme=frame["scheme"].astype(str).astype("category"))
    pd.testing.assert_frame_equal(validate_cases(fewer), frame)


def test_not_a_frame_and_repeated_columns() -> None:
    with pytest.raises(SchemaError, match="DataFrame"):
        validate_cases([1, 2])  # type: ignore[call-overload]
    frame = pd.concat([cases_with(), cases_with()[["scheme"]]], axis=1)
    with pytest.raises(SchemaError, match="repeated") as info:
        validate_cases(frame)
    assert info.value.problems["column"].tolist() == ["scheme"]


def test_rows_are_spreadsheet_rows_when_the_index_is_not_integer() -> None:
    frame = cases_with(scheme=["aids", "x", "aids"])
    frame.index = pd.Index(["a", "b", "c"])
    assert where(problems_of(frame)) == [[3, "scheme"]]


def test_result_has_a_fresh_range_index() -> None:
    result = validate_cases(cases_with())
    assert isinstance(result.index, pd.RangeIndex)
    assert result.index.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("scheme", "target_group", "decision"),
    [
        ("Hjælpemidler", "Sygedagpenge", "Bevilget"),
        ("AIDS", "SICKNESS BENEFIT", "GRANTED"),
        ("aids", "sickness benefit", "granted"),
        ("hJÆLPEmidler", "sickness-benefit", "bevilget"),
        (" Arbejdsredskaber ", "Sygedagpenge", "bevilling"),
    ],
)
def test_labels_in_any_language_and_case(scheme: str, target_group: str, decision: str) -> None:
    frame = cases_with(
        scheme=[scheme] * 3,
        target_group=[target_group] * 3,
        decision=[decision, None, decision],
        amount_dkk=[1.0, None, 2.0],
    )
    result = validate_cases(frame)
    assert result["scheme"].tolist() == ["aids"] * 3
    assert result["target_group"].tolist() == ["sickness benefit"] * 3
    assert result["decision"].tolist()[0] == "granted"


@pytest.mark.parametrize("kind", sorted(VALIDATORS))
def test_empty_frame_with_the_columns(kind: str) -> None:
    columns = SCHEMAS[kind].required
    raw = pd.DataFrame({name: pd.Series([], dtype=object) for name in columns})
    pd.testing.assert_frame_equal(VALIDATORS[kind](raw), empty_frame(kind))
    pd.testing.assert_frame_equal(VALIDATORS[kind](empty_frame(kind)), empty_frame(kind))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FRAMES))
@given(data=st.data())
@settings(max_examples=examples(30))
def test_idempotent_on_canonical_frames(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind]())
    validate = VALIDATORS[kind]
    once = validate(frame)
    pd.testing.assert_frame_equal(once, frame)
    pd.testing.assert_frame_equal(validate(once), once)


@pytest.mark.parametrize("kind", sorted(FRAMES))
@given(data=st.data())
def test_row_order(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind]())
    order = data.draw(st.permutations(list(range(len(frame)))))
    shuffled = frame.iloc[order]
    expected = frame.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(VALIDATORS[kind](shuffled), expected)


BAD_CELLS: dict[str, Any] = {
    "text": "   ",
    "integer": "twelve",
    "number": "twelve",
    "municipality": 411,
    "category": "no such label",
    "likert": 7,
    "date": "2019-02-30",
    "boolean": "maybe",
}


@pytest.mark.parametrize("kind", sorted(FRAMES))
@given(data=st.data())
@settings(max_examples=examples(30))
def test_any_single_bad_cell_is_reported_where_it_is(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind](min_size=1))
    # A blank cell of an optional text column (a sampled survey's stratum) is a missing value.
    columns = [
        spec
        for spec in SCHEMAS[kind].columns
        if not spec.derived and not (spec.kind == "text" and spec.nullable)
    ]
    spec = data.draw(st.sampled_from(columns))
    position = data.draw(st.integers(0, len(frame) - 1))
    shifted = frame.set_axis(frame.index + 100)
    raw = with_cell(shifted, position, spec.name, BAD_CELLS[spec.kind])
    before = raw.copy(deep=True)
    with pytest.raises(SchemaError) as info:
        VALIDATORS[kind](raw)
    assert where(info.value.problems) == [[position + 2, spec.name]]  # as a spreadsheet shows
    pd.testing.assert_frame_equal(raw, before)


@given(data=st.data())
@settings(max_examples=examples(30))
def test_several_bad_rows_are_all_listed(data: st.DataObject) -> None:
    frame = data.draw(case_frames(min_size=2))
    rows = data.draw(
        st.lists(st.integers(0, len(frame) - 1), min_size=2, max_size=len(frame), unique=True)
    )
    raw = frame
    for row in rows:
        raw = with_cell(raw, row, "target_group", "unheard of")
    with pytest.raises(SchemaError) as info:
        validate_cases(raw)
    assert where(info.value.problems) == [[row + 2, "target_group"] for row in sorted(rows)]


_DETAIL_LABELS = frozenset(SCHEMAS["cases"]["decision_detail"].aliases)


def raw_spelling(data: st.DataObject, frame: pd.DataFrame) -> pd.DataFrame:
    """Spell a canonical cases frame the way exports do: labels, codes and dates as text."""
    n = len(frame)

    def pick(options: Callable[[Any], list[Any]], column: str) -> list[Any]:
        values = frame[column].tolist()
        choices = data.draw(st.lists(st.integers(0, 99), min_size=n, max_size=n))
        out = []
        for value, choice in zip(values, choices, strict=True):
            variants = options(value)
            out.append(variants[choice % len(variants)])
        return out

    def labels(enum: Any) -> Callable[[Any], list[Any]]:
        def variants(value: Any) -> list[Any]:
            if pd.isna(value):
                return [None, np.nan, "", "  "]
            # Labels that say more than the value ("Delvis bevilget") also set decision_detail.
            spelled = [s for s in enum.labels()[enum(value)] if s not in _DETAIL_LABELS]
            return spelled + [s.upper() for s in spelled] + [f" {s.title()} " for s in spelled]

        return variants

    names = reference.municipalities().set_index("code")["name"].to_dict()

    def municipality(code: int) -> list[Any]:
        return [code, f"{code:04d}", str(code), names[code], names[code].upper(), float(code)]

    def day(value: Any) -> list[Any]:
        if pd.isna(value):
            return [None, "", np.nan]
        stamp = pd.Timestamp(value)
        return [
            stamp.strftime("%Y-%m-%d"),
            stamp.strftime("%d-%m-%Y"),
            stamp.strftime("%d.%m.%Y"),
            f"{stamp.day}/{stamp.month}/{stamp.year}",
            stamp.date(),
            stamp,
        ]

    def detail(value: Any) -> list[Any]:
        if pd.isna(value):
            return [None, ""]
        spec = SCHEMAS["cases"]["decision_detail"]
        return [value, *(label.upper() for label, v in spec.aliases.items() if v == value)]

    def amount(value: float) -> list[Any]:
        return [None, ""] if np.isnan(value) else [value, repr(value), str(value)]

    return pd.DataFrame(
        {
            "case_id": frame["case_id"].astype(object),
            "municipality": pick(municipality, "municipality"),
            "scheme": pick(labels(CompensationScheme), "scheme"),
            "target_group": pick(labels(TargetGroup), "target_group"),
            "applied": pick(day, "applied"),
            "decided": pick(day, "decided"),
            "decision": pick(labels(Decision), "decision"),
            "amount_dkk": pick(amount, "amount_dkk"),
            "decision_detail": pick(detail, "decision_detail"),
            "granted_from": pick(day, "granted_from"),
            "granted_to": pick(
                lambda v: [*day(v), *(["løbende"] if pd.isna(v) else [])], "granted_to"
            ),
            "hours_per_week": pick(amount, "hours_per_week"),
            "yearly_amount_dkk": pick(amount, "yearly_amount_dkk"),
            "person": frame["person"].astype(object),
        },
        dtype=object,
    )


@given(data=st.data())
def test_raw_spellings_validate_to_the_canonical_frame(data: st.DataObject) -> None:
    frame = data.draw(case_frames())
    raw = raw_spelling(data, frame)
    before = raw.copy(deep=True)
    pd.testing.assert_frame_equal(validate_cases(raw), frame)
    pd.testing.assert_frame_equal(raw, before)


@given(data=st.data())
@settings(max_examples=examples(30))
def test_likert_labels_validate(data: st.DataObject) -> None:
    frame = data.draw(survey_frames())
    answers = [
        None
        if pd.isna(a)
        else data.draw(st.sampled_from([a, str(a), *Likert.labels()[Likert(a)]]))
        for a in frame["answer"]
    ]
    raw = frame.assign(answer=pd.Series(answers, dtype=object))
    pd.testing.assert_frame_equal(validate_survey(raw), frame)


@pytest.mark.parametrize("kind", sorted(FRAMES))
@given(data=st.data())
@settings(max_examples=examples(30))
def test_input_not_mutated_and_extra_columns_dropped(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind]())
    raw = frame.astype(object).assign(extra="x")
    before = raw.copy(deep=True)
    result = VALIDATORS[kind](raw)
    pd.testing.assert_frame_equal(raw, before)
    if kind == "sampled_survey":
        # A sampled survey keeps the respondent's further columns, as they are.
        kept = [c for c in raw.columns if c not in SCHEMAS[kind].names]
        pd.testing.assert_frame_equal(result[kept], raw[kept].reset_index(drop=True))
        result = result.drop(columns=kept)
        frame = frame[list(SCHEMAS[kind].names)]
    pd.testing.assert_frame_equal(result, frame)


def test_result_does_not_share_memory_with_input() -> None:
    frame = validate_cases(cases_with())
    result = validate_cases(frame)
    result.loc[0, "amount_dkk"] = 7.0
    result.loc[0, "municipality"] = 147
    assert frame.loc[0, "amount_dkk"] == 100.0
    assert frame.loc[0, "municipality"] == 101


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_validate_kind_is_the_validator_of_the_kind(kind: str) -> None:
    raw = empty_frame(kind)
    pd.testing.assert_frame_equal(validate_kind(raw, kind), VALIDATORS[kind](raw))


def test_validate_kind_dispatches_checks_across_columns() -> None:
    bad = cases_with(applied=["2019-03-10"] * 3)  # after two of the decision dates
    with pytest.raises(SchemaError, match="does not meet"):
        validate_kind(bad, "cases")


def test_validate_kind_rejects_an_unknown_kind_with_close_matches() -> None:
    with pytest.raises(UnknownLabelError, match="case"):
        validate_kind(pd.DataFrame(), "casse")


@pytest.mark.parametrize("value", ["blind", "some dificulty", "cannot d", "a lot of dificulty"])
def test_a_hint_and_the_accepted_labels_read_as_sentences(value: str) -> None:
    raw = pd.DataFrame(
        {"age": [40], "sex": ["male"], "employed": [True], "wg_seeing": [value], "weight": [1.0]}
    ).astype(object)
    with pytest.raises(SchemaError) as info:
        validate_people(raw)
    message = text(info.value.problems)
    assert "Accepted: 'no difficulty'" in message
    assert "?." not in message  # "did you mean 'x'? Accepted: …", never "'x'?. Accepted"
    assert ".." not in message
