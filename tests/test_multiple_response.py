"""Tests of jh.multiple_response, its pattern reduction and the 0/1 answers of tick items."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from jobhandicap import reference
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
)
from jobhandicap.survey import MultipleResponse, multiple_response, reduce_patterns
from test_stats_multiple import X

OPTIONS = [f"o{j}" for j in range(1, 7)]


def long_survey(ticks: np.ndarray, *, wave: int = 2018, prefix: str = "r") -> pd.DataFrame:
    """The long survey frame of a respondents × options 0/1 matrix (NaN: no answer)."""
    n, k = ticks.shape
    values = np.asarray(ticks, dtype=np.float64).ravel()
    answers = pd.array([None if np.isnan(v) else int(v) for v in values.tolist()], dtype="Int64")
    return pd.DataFrame(
        {
            "respondent": pd.array(np.repeat([f"{prefix}{i}" for i in range(n)], k), "string"),
            "wave": np.full(n * k, wave, dtype=np.int64),
            "item": pd.array(np.tile(OPTIONS[:k], n), dtype="string"),
            "answer": answers,
        }
    )


REFERENCE = long_survey(X)


def test_shares_and_wilson_intervals_reproduce_methods() -> None:
    result = multiple_response(REFERENCE, OPTIONS)
    options = result.options
    assert list(options.columns) == [
        "wave", "option", "n", "count", "share", "ci_low", "ci_high",
        "rank", "rank_ci_low", "rank_ci_high",
    ]  # fmt: skip
    assert options["n"].tolist() == [82] * 6
    assert options["count"].tolist() == [46, 40, 26, 31, 15, 5]
    expected = [
        (0.560976, 0.453229, 0.663265),
        (0.487805, 0.382609, 0.594092),
        (0.317073, 0.226481, 0.424038),
        (0.378049, 0.280784, 0.486229),
        (0.182927, 0.114110, 0.280122),
        (0.0609756, 0.0263240, 0.134920),
    ]
    got = options[["share", "ci_low", "ci_high"]].to_numpy()
    np.testing.assert_allclose(got, np.asarray(expected), rtol=1e-5)
    assert options["rank"].tolist() == [1, 2, 4, 3, 5, 6]


def test_cochran_q_reproduces_methods() -> None:
    test = multiple_response(REFERENCE, OPTIONS).test
    assert list(test.columns) == ["wave", "n", "options", "statistic", "df", "p_value", "method"]
    row = test.iloc[0]
    assert (int(row["n"]), int(row["options"]), int(row["df"])) == (82, 6, 5)
    assert row["statistic"] == pytest.approx(77.8035, abs=5e-5)
    assert row["p_value"] == pytest.approx(2.41619e-15, rel=1e-5)
    assert row["method"] == "cochran_q"


def test_number_ticked() -> None:
    ticked = multiple_response(REFERENCE, OPTIONS).ticked
    assert ticked["ticked"].tolist() == list(range(7))
    counts = np.bincount(X.sum(axis=1), minlength=7)
    assert ticked["count"].tolist() == counts.tolist()
    assert ticked.loc[0, "count"] == 13
    assert ticked.loc[6, "count"] == 1
    assert ticked["share"].sum() == pytest.approx(1.0)
    assert (ticked["ci_low"] <= ticked["share"]).all()


def test_pattern_reduction() -> None:
    table = reduce_patterns(REFERENCE, OPTIONS)
    assert list(table.columns) == ["wave", *OPTIONS, "n"]
    assert int(table["n"].sum()) == 82
    assert len(table) == len(np.unique(X, axis=0))
    weighted = (table[OPTIONS].to_numpy() * table["n"].to_numpy()[:, None]).sum(axis=0)
    assert weighted.tolist() == [46, 40, 26, 31, 15, 5]
    # Counts only: the tables of two halves of the respondents add up to the whole.
    first = REFERENCE["respondent"].isin([f"r{i}" for i in range(40)])
    parts = pd.concat(
        [reduce_patterns(REFERENCE[first], OPTIONS), reduce_patterns(REFERENCE[~first], OPTIONS)]
    )
    summed = parts.groupby(["wave", *OPTIONS])["n"].sum().reset_index()
    pd.testing.assert_frame_equal(summed, table, check_dtype=False)


def test_the_base_is_who_answered_the_set() -> None:
    ticks = np.array(
        [[1, 0, np.nan], [np.nan, np.nan, np.nan], [0, 0, 0], [1, np.nan, 1]], dtype=float
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        result = multiple_response(long_survey(ticks), OPTIONS[:3], n_boot=9)
    # Respondent 1 answered no option: out of the base; empty options count as not ticked.
    assert result.options["n"].tolist() == [3, 3, 3]
    assert result.options["count"].tolist() == [2, 0, 1]
    assert result.ticked["count"].tolist() == [1, 1, 1, 0]


def test_waves_and_groups() -> None:
    later = long_survey(X[::-1], wave=2019)
    survey = pd.concat([REFERENCE, later], ignore_index=True)
    both = multiple_response(survey, OPTIONS, n_boot=99)
    assert both.options["wave"].tolist() == [2018] * 6 + [2019] * 6
    assert both.test["statistic"].tolist() == pytest.approx([77.8035] * 2, abs=5e-5)
    one = multiple_response(survey, OPTIONS, wave=2019, n_boot=99)
    assert one.options["wave"].unique().tolist() == [2019]
    region = np.where(np.arange(82) < 41, "north", "south")
    grouped = REFERENCE.assign(region=np.repeat(region, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        by_region = multiple_response(grouped, OPTIONS, by="region", n_boot=99)
    assert list(by_region.options.columns[:3]) == ["wave", "region", "option"]
    assert by_region.test["n"].tolist() == [41, 41]
    assert by_region.options.groupby("region")["count"].sum().sum() == X.sum()


def test_small_groups_warn_once() -> None:
    with pytest.warns(SmallSampleWarning) as caught:
        multiple_response(long_survey(X[:10]), OPTIONS, n_boot=9)
    assert len([w for w in caught if w.category is SmallSampleWarning]) == 1


def test_reproducible_and_seeded() -> None:
    first = multiple_response(REFERENCE, OPTIONS, n_boot=199, seed=3)
    again = multiple_response(REFERENCE, OPTIONS, n_boot=199, seed=3)
    pd.testing.assert_frame_equal(first.options, again.options)
    assert isinstance(first, MultipleResponse)
    assert "options=6 rows" in repr(first)


def test_the_example_set_reproduces_the_published_ranking() -> None:
    survey = jh.load_example().survey
    result = multiple_response(survey, "schemes_used_for", wave=2018)
    top = result.options.nsmallest(4, "rank")["option"].tolist()
    assert set(top) == {
        "schemes_used_for_sickness_benefit",
        "schemes_used_for_flex_job_unemployment_benefit",
        "schemes_used_for_resource_course",
        "schemes_used_for_job_clarification_course",
    }
    assert result.options["n"].iloc[0] < 82  # some jobcentres skipped the set
    assert result.test["p_value"].iloc[0] < 1e-10


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        (["o1"], OptionError, "at least 2 options"),
        (["o1", "o1"], OptionError, "twice"),
        (["o1", "nothing"], OptionError, "unknown item"),
        ("no_such_set", OptionError, "multiple-response set"),
        ([1, 2], ArgumentTypeError, "options"),
    ],
)
def test_bad_options(options: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        multiple_response(REFERENCE, options)  # type: ignore[arg-type]


def test_a_likert_item_is_not_an_option() -> None:
    likert = REFERENCE.assign(answer=REFERENCE["answer"].where(REFERENCE["item"] != "o2", 4))
    with pytest.raises(OptionError, match="'o2' has 4"):
        multiple_response(likert, OPTIONS)


def test_other_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        multiple_response(REFERENCE, OPTIONS, by="no_such_column")
    with pytest.raises(OptionError, match="level"):
        multiple_response(REFERENCE, OPTIONS, level=95)
    with pytest.raises(ArgumentTypeError, match="wave"):
        multiple_response(REFERENCE, OPTIONS, wave="2018")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="no respondent answered"):
        multiple_response(REFERENCE, OPTIONS, wave=1999)
    varying = REFERENCE.assign(region=np.tile(["a", "b"], len(REFERENCE) // 2))
    with pytest.raises(OptionError, match="varies within one respondent"):
        multiple_response(varying, OPTIONS, by="region")
    with pytest.raises(ArgumentTypeError):
        multiple_response(REFERENCE.to_dict(), OPTIONS)  # type: ignore[arg-type]


small_ticks = st.lists(
    st.lists(st.sampled_from([0, 1, None]), min_size=3, max_size=3), min_size=2, max_size=20
)


@settings(deadline=None)
@given(small_ticks, st.randoms(use_true_random=False))
def test_row_order_and_respondent_labels_do_not_matter(
    rows: list[list[int | None]], random: object
) -> None:
    ticks = np.asarray([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    survey = long_survey(ticks)
    if survey["answer"].isna().all():
        return
    before = survey.copy()
    order = list(range(len(survey)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = survey.iloc[order].reset_index(drop=True)
    relabelled = survey.assign(respondent=survey["respondent"].str.replace("r", "jc", regex=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        base = multiple_response(survey, OPTIONS[:3], n_boot=19)
        for other in (shuffled, relabelled):
            again = multiple_response(other, OPTIONS[:3], n_boot=19)
            pd.testing.assert_frame_equal(
                again.options.drop(columns=["rank_ci_low", "rank_ci_high"]),
                base.options.drop(columns=["rank_ci_low", "rank_ci_high"]),
            )
            pd.testing.assert_frame_equal(again.ticked, base.ticked)
    pd.testing.assert_frame_equal(survey, before)  # input not mutated
    options = base.options
    assert (
        (options["ci_low"] <= options["share"]) & (options["share"] <= options["ci_high"])
    ).all()
    assert ((options["rank"] >= 1) & (options["rank"] <= 3)).all()
    assert (options["rank_ci_low"] <= options["rank_ci_high"]).all()
    assert int(base.ticked["count"].sum()) == int(options["n"].iloc[0])


# --------------------------------------------------------------------------------------------
# The 0/1 answers of tick items in the canonical survey frame


def test_item_sets_come_from_the_instruments() -> None:
    sets = reference.item_sets()
    assert list(sets) == ["schemes_used_for"]
    assert len(sets["schemes_used_for"]) == len(jh.TargetGroup)
    table = reference.instruments("survey")
    assert table.loc[table["scale"].notna(), "item"].tolist() == list(sets["schemes_used_for"])


def test_validation_accepts_ticks_only_in_tick_items() -> None:
    raw = pd.DataFrame(
        {
            "respondent": ["a", "b", "c", "a", "b"],
            "wave": 2018,
            "item": ["schemes_used_for_student", "schemes_used_for_student", "mine", "mine", "q"],
            "answer": ["0", 1, 0, "1", "4"],
        }
    )
    survey = jh.validate_survey(raw)
    assert survey["answer"].tolist() == [0, 1, 0, 1, 4]
    bad = pd.DataFrame(
        {
            "respondent": ["a", "a", "b", "c", "c"],
            "wave": 2018,
            "item": [
                "political_focus",
                "schemes_used_for_student",
                "q",
                "q",
                "schemes_used_for_flex_job",
            ],
            "answer": [0, 3, 0, 4, "ved ikke"],
        }
    )
    with pytest.raises(SchemaError) as caught:
        jh.validate_survey(bad)
    problems = caught.value.problems
    assert problems["row"].tolist() == [2, 3, 4, 6]
    assert "'political_focus' is a Likert item" in problems["message"].iloc[0]
    assert "tick item" in problems["message"].iloc[1]
    assert "'q' is a Likert item" in problems["message"].iloc[2]


def test_zero_outside_the_survey_is_still_refused() -> None:
    with pytest.raises(SchemaError):
        jh.validate_survey(
            pd.DataFrame({"respondent": ["a"], "wave": [2018], "item": ["q"], "answer": [-1]})
        )


def test_tick_items_have_no_model_form_but_round_trip_through_files() -> None:
    survey = jh.validate_survey(
        pd.DataFrame({"respondent": ["a", "b"], "wave": 2018, "item": "mine", "answer": [0, 1]})
    )
    with pytest.raises(SchemaError, match="tick items"):
        jh.from_frame(survey, jh.SurveyAnswer)
    buffer = io.StringIO()
    jh.write_csv(survey, "survey", buffer)
    text = buffer.getvalue()
    assert ";0\r\n" in text
    assert ";1\r\n" in text
    back = jh.read_survey(io.BytesIO(text.encode("utf-8")), format="csv")
    pd.testing.assert_frame_equal(back, survey)


def test_a_duplicate_tick_is_refused_not_settled_silently() -> None:
    flipped = 1 - int(REFERENCE["answer"].iloc[0])
    first = REFERENCE.iloc[[0]].assign(answer=pd.array([flipped], dtype="Int64"))
    with pytest.raises(JobhandicapError, match="twice in wave"):
        multiple_response(pd.concat([REFERENCE, first], ignore_index=True), OPTIONS)
