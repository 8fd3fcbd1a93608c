"""Tests of the cross-tabulations of two survey items: crosstab, item_association,
top_box_difference and their reduction, reduce_answer_pairs."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap._reduce import combine
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.report import build_report
from jobhandicap.survey import (
    crosstab,
    item_association,
    reduce_answer_pairs,
    top_box_difference,
)

# METHODS.md §1: item A in rows, item B in columns, n = 82.
T = np.array(
    [
        [3, 2, 1, 0, 0],
        [2, 5, 3, 1, 0],
        [1, 3, 8, 5, 2],
        [0, 2, 6, 12, 5],
        [0, 1, 3, 7, 10],
    ]
)


def survey_of(table: npt.NDArray[np.int64], *, wave: int = 2018) -> pd.DataFrame:
    """A long survey whose respondents' answers to items a and b cross-tabulate to ``table``."""
    i, j = np.nonzero(table)
    counts = table[i, j]
    a = np.repeat(i + 1, counts)
    b = np.repeat(j + 1, counts)
    names = [f"jc{k:03d}" for k in range(a.size)]
    return pd.DataFrame(
        {
            "respondent": pd.array(names * 2, dtype="string"),
            "wave": np.full(2 * a.size, wave, dtype=np.int64),
            "item": pd.array(["a"] * a.size + ["b"] * a.size, dtype="string"),
            "answer": pd.array(np.concatenate([a, b]), dtype="Int64"),
        }
    )


SURVEY = survey_of(T)


# --------------------------------------------------------------------------------------------
# Reference values
# --------------------------------------------------------------------------------------------


def test_reduction_counts_the_pairs_of_the_same_respondents() -> None:
    pairs = reduce_answer_pairs(SURVEY, "a", "b")
    assert list(pairs.columns) == [
        "wave",
        "row_item",
        "column_item",
        "row_answer",
        "column_answer",
        "n",
    ]
    table = np.zeros((5, 5), dtype=np.int64)
    table[pairs["row_answer"] - 1, pairs["column_answer"] - 1] = pairs["n"]
    np.testing.assert_array_equal(table, T)
    assert (pairs["n"] > 0).all()


def test_crosstab_counts_row_shares_and_wilson() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = crosstab(SURVEY, "a", "b")
    assert len(table) == 25
    np.testing.assert_array_equal(table["count"].to_numpy().reshape(5, 5), T)
    np.testing.assert_array_equal(table["n"].to_numpy().reshape(5, 5)[:, 0], T.sum(axis=1))
    row = table[(table["row_answer"] == 4) & (table["column_answer"] == 4)].iloc[0]
    expected = jh.stats.wilson_interval(12, 25)
    assert row["share"] == pytest.approx(12 / 25)
    assert row["ci_low"] == pytest.approx(expected.ci_low)
    assert row["ci_high"] == pytest.approx(expected.ci_high)
    assert table["table_share"].sum() == pytest.approx(1.0)


def test_item_association_reproduces_methods_section_1() -> None:
    result = item_association(SURVEY, "a", "b", exact="never")
    row = result.iloc[0]
    assert row["n"] == 82
    assert row["chi2"] == pytest.approx(51.2903, rel=1e-5)
    assert row["df"] == 16
    assert row["chi2_p"] == pytest.approx(1.42513e-05, rel=1e-5)
    assert row["g2"] == pytest.approx(47.8565, rel=1e-5)
    assert row["g2_p"] == pytest.approx(5.00282e-05, rel=1e-5)
    assert row["mantel_m2"] == pytest.approx(35.0970, rel=1e-5)
    assert row["mantel_p"] == pytest.approx(3.13683e-09, rel=1e-5)
    assert row["tau_b"] == pytest.approx(0.544256, rel=1e-5)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.409843, 0.678669), rel=1e-5)
    assert row["gamma"] == pytest.approx(0.683236, rel=1e-5)
    assert (row["gamma_ci_low"], row["gamma_ci_high"]) == pytest.approx(
        (0.534631, 0.831841), rel=1e-5
    )
    assert row["z"] == pytest.approx(7.46242, rel=1e-5)
    assert row["exact_method"] == "none"
    assert np.isnan(row["exact_p"])
    assert row["min_expected"] == pytest.approx(0.439024, rel=1e-5)


def test_item_association_exact_tests_of_the_collapsed_tables() -> None:
    collapsed = item_association(SURVEY, "a", "b", collapse=[(1, 2, 3), (4, 5)], exact="always")
    top = collapsed.iloc[0]
    assert top["exact_method"] == "exact"
    assert top["exact_p"] == pytest.approx(5.37237e-06, rel=1e-5)
    assert top["exact_se"] == 0.0
    three = item_association(SURVEY, "a", "b", collapse=[(1, 2), (3,), (4, 5)], exact="always")
    assert three.iloc[0]["exact_p"] == pytest.approx(1.17345e-07, rel=1e-5)


def test_item_association_monte_carlo_when_enumeration_is_infeasible() -> None:
    result = item_association(SURVEY, "a", "b", draws=200_000, seed=2018).iloc[0]
    assert result["exact_method"] == "monte carlo"
    assert abs(result["exact_p"] - 8.37845e-05) < 3 * result["exact_se"]


def test_top_box_difference_reproduces_methods_section_2() -> None:
    # 20 of 35 in the top-2 box in one group, 12 of 47 in the other.
    answers = [5] * 20 + [2] * 15 + [4] * 12 + [3] * 35
    survey = pd.DataFrame(
        {
            "respondent": pd.array([f"jc{k:02d}" for k in range(82)], dtype="string"),
            "wave": 2018,
            "item": pd.array(["focus"] * 82, dtype="string"),
            "answer": pd.array(answers, dtype="Int64"),
            "proactive": [True] * 35 + [False] * 47,
        }
    )
    row = top_box_difference(survey, "focus", "proactive").iloc[0]
    assert (row["group"], row["reference"]) == ("True", "False")
    assert (row["n"], row["count"], row["n_reference"], row["count_reference"]) == (35, 20, 47, 12)
    assert row["difference"] == pytest.approx(0.316109, abs=1e-6)
    assert row["ci_low"] == pytest.approx(0.101505, abs=1e-6)
    assert row["ci_high"] == pytest.approx(0.496898, abs=1e-6)
    assert row["share_ci_low"] == pytest.approx(0.408574, abs=1e-6)
    assert row["reference_ci_high"] == pytest.approx(0.395082, abs=1e-6)
    assert row["chi2"] == pytest.approx(8.42432, rel=1e-5)
    assert row["p_value"] == pytest.approx(0.00370236, rel=1e-5)


def test_top_box_difference_by_another_item() -> None:
    result = top_box_difference(SURVEY, "b", "a").iloc[0]
    # a in its top 2 (rows 4, 5): 46 respondents, 34 of them with b in its top 2.
    assert (result["n"], result["count"]) == (46, 34)
    assert (result["n_reference"], result["count_reference"]) == (36, 8)
    assert result["group"] == "top 2"


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

answer_pairs = st.lists(
    st.tuples(st.sampled_from([1, 2, 3, 4, 5, 9, None]), st.sampled_from([1, 2, 3, 4, 5, 9])),
    min_size=2,
    max_size=40,
)


def survey_from_pairs(pairs: list[tuple[int | None, int]]) -> pd.DataFrame:
    names = [f"r{k}" for k in range(len(pairs))]
    return pd.DataFrame(
        {
            "respondent": pd.array(names * 2, dtype="string"),
            "wave": 2018,
            "item": pd.array(["a"] * len(pairs) + ["b"] * len(pairs), dtype="string"),
            "answer": pd.array([p[0] for p in pairs] + [p[1] for p in pairs], dtype="Int64"),
        }
    )


def quietly(function: object, *args: object, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)  # type: ignore[operator,no-any-return]


@settings(max_examples=examples(60))
@given(answer_pairs, st.randoms(use_true_random=False))
def test_row_order_and_respondent_labels_do_not_matter(
    pairs: list[tuple[int | None, int]], random: object
) -> None:
    survey = survey_from_pairs(pairs)
    before = survey.copy()
    order = np.random.default_rng(len(pairs)).permutation(len(survey))
    shuffled = survey.iloc[order].reset_index(drop=True)
    relabelled = survey.assign(respondent=survey["respondent"].str.replace("r", "x", regex=False))
    for function in (crosstab, reduce_answer_pairs):
        expected = quietly(function, survey, "a", "b")
        pd.testing.assert_frame_equal(quietly(function, shuffled, "a", "b"), expected)
        pd.testing.assert_frame_equal(quietly(function, relabelled, "a", "b"), expected)
    pd.testing.assert_frame_equal(survey, before)
    if survey["answer"].isin([1, 2, 3, 4, 5]).sum() >= 2 * len(pairs) - 1:
        one = quietly(item_association, survey, "a", "b", exact="never")
        two = quietly(item_association, shuffled, "a", "b", exact="never")
        pd.testing.assert_frame_equal(one, two)


@settings(max_examples=examples(60))
@given(answer_pairs)
def test_shares_and_intervals_are_in_bounds(pairs: list[tuple[int | None, int]]) -> None:
    survey = survey_from_pairs(pairs)
    try:
        table = quietly(crosstab, survey, "a", "b", dont_know="include")
    except OptionError:  # nobody answered both
        return
    shown = table[table["n"] > 0]
    assert ((shown["ci_low"] <= shown["share"]) & (shown["share"] <= shown["ci_high"])).all()
    assert shown.groupby("row_answer")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert int(table["count"].sum()) == sum(1 for a, _ in pairs if a is not None)


# --------------------------------------------------------------------------------------------
# Warnings and bad input
# --------------------------------------------------------------------------------------------


def test_small_tables_warn_once() -> None:
    small = survey_of(np.array([[3, 1], [1, 4]]))
    with pytest.warns(SmallSampleWarning, match="fewer than 30"):
        crosstab(small, "a", "b")


def test_a_single_category_gives_nan_tests_and_a_warning() -> None:
    flat = survey_of(np.array([[0, 0], [20, 30]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        with pytest.warns(DataQualityWarning, match="single answer"):
            result = item_association(flat, "a", "b")
    assert np.isnan(result["chi2_p"].iloc[0])


def test_twice_answered_item_is_an_error() -> None:
    doubled = pd.concat([SURVEY, SURVEY.iloc[:1]], ignore_index=True)
    with pytest.raises(JobhandicapError, match="twice"):
        crosstab(doubled, "a", "b")


#: Arguments of the wrong type or value, typed Any so that the type checker lets them through.
WAVE_TEXT: Any = "2018"
ROWS_LIST: Any = ["a"]
KEEP: Any = "keep"
TOP: Any = "top"
MAYBE: Any = "maybe"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: crosstab(SURVEY, "a", "nope"), OptionError, "unknown item"),
        (lambda: crosstab(SURVEY, "a", "a"), OptionError, "two different items"),
        (lambda: crosstab(SURVEY, "a", "b", wave=2017), OptionError, "unknown wave"),
        (lambda: crosstab(SURVEY, "a", "b", wave=WAVE_TEXT), ArgumentTypeError, "wave"),
        (lambda: crosstab(SURVEY, ROWS_LIST, "b"), ArgumentTypeError, "rows"),
        (lambda: crosstab(SURVEY, "a", "b", dont_know=KEEP), OptionError, "dont_know"),
        (lambda: crosstab(SURVEY, "a", "b", by="region"), MissingColumnsError, "region"),
        (lambda: crosstab(SURVEY, "a", "b", by="row_item"), OptionError, "by cannot"),
        (lambda: item_association(SURVEY, "a", "b", exact=MAYBE), OptionError, "exact"),
        (lambda: item_association(SURVEY, "a", "b", collapse=[(1, 2)]), OptionError, "collapse"),
        (lambda: item_association(SURVEY, "a", "b", collapse=TOP), ArgumentTypeError, "coll"),
        (lambda: item_association(SURVEY, "a"), OptionError, "two items"),
        (lambda: item_association(SURVEY, "a", "b", draws=0), OptionError, "draws"),
        (lambda: top_box_difference(SURVEY, "a", "nothing"), MissingColumnsError, "items"),
        (lambda: top_box_difference(SURVEY, "a", "a"), OptionError, "another item"),
        (lambda: top_box_difference(SURVEY, "a", "wave"), OptionError, "another item"),
        (lambda: top_box_difference(SURVEY, "a", "b", boxes=0), OptionError, "boxes"),
        (
            lambda: top_box_difference(SURVEY.assign(g=np.arange(len(SURVEY)) % 3), "a", "g"),
            OptionError,
            "two values",
        ),
    ],
)
def test_bad_input_gets_one_clear_error(call: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        quietly(call)


@settings(max_examples=examples(30))
@given(answer_pairs, st.integers(0, 40))
def test_reductions_of_parts_add_up_to_the_whole(
    pairs: list[tuple[int | None, int]], cut: int
) -> None:
    survey = survey_from_pairs(pairs)
    first = survey["respondent"].isin([f"r{k}" for k in range(cut)]).to_numpy()
    whole = reduce_answer_pairs(survey, "a", "b")
    parts = [reduce_answer_pairs(survey[mask], "a", "b") for mask in (first, ~first)]
    keys = ["wave", "row_item", "column_item", "row_answer", "column_answer"]
    combined = combine([p for p in parts if len(p)] or [whole], keys)
    pd.testing.assert_frame_equal(combined, whole, check_dtype=False)


@pytest.mark.slow
def test_report_shows_the_cross_tabulation_in_both_languages(tmp_path: Path) -> None:
    survey = jh.load_example().survey
    for lang in ("en", "da"):
        result = build_report({"survey": survey}, tmp_path / lang, lang=lang)
        table = result.tables["survey_crosstab"]
        assert len(table) == 25
        assert int(table["count"].sum()) == 80
        association = result.tables["survey_association"]
        expected = item_association(survey, "political_focus", "scheme_focus", wave=2018)
        assert association["tau_b"].iloc[0] == pytest.approx(expected["tau_b"].iloc[0])
        difference = result.tables["survey_top_box_difference"]
        assert (difference["n"].iloc[0], difference["n_reference"].iloc[0]) == (35, 45)
        page = result.path.read_text(encoding="utf-8")
        assert ("Kendall's τ-b" if lang == "en" else "Kendalls τ-b") in page.replace("&#x27;", "'")
        assert (tmp_path / lang / "tables" / "survey_crosstab.csv").exists()


@pytest.mark.slow
def test_report_leaves_the_cross_tabulation_out_without_both_items(tmp_path: Path) -> None:
    survey = jh.load_example().survey
    only = survey[survey["item"] != "scheme_focus"]
    result = build_report({"survey": only}, tmp_path)
    assert "survey_crosstab" not in result.tables
    assert "survey_top_box" in result.tables


def recorded(function: object, *args: object, **kwargs: object) -> tuple[pd.Series, list[str]]:
    """The first row of ``function``'s result, and the messages of its data-quality warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)  # type: ignore[operator]
    messages = [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]
    return result.iloc[0], messages


def test_a_single_answer_has_no_test_at_all() -> None:
    # Item a answered 3 by everyone: nothing to test, the exact test included.
    survey = survey_from_pairs([(3, 1), (3, 2), (3, 2), (3, 5)])
    row, caught = recorded(item_association, survey, "a", "b", exact="always")
    assert any("single answer" in message for message in caught)
    assert np.isnan(row["chi2_p"])
    assert np.isnan(row["exact_p"])
    assert row["exact_method"] == "none"
    with pytest.raises(OptionError, match="two different items"):
        item_association(survey, "a", "a")


def test_answers_without_a_group_are_left_out_with_a_warning() -> None:
    survey = pd.DataFrame(
        {
            "respondent": pd.array([f"jc{k}" for k in range(6)], dtype="string"),
            "wave": 2018,
            "item": pd.array(["focus"] * 6, dtype="string"),
            "answer": pd.array([5, 4, 2, 1, 5, 3], dtype="Int64"),
            "proactive": pd.array([True, True, False, False, None, False], dtype="boolean"),
        }
    )
    row, caught = recorded(top_box_difference, survey, "focus", "proactive")
    assert any("1 answer(s) to 'focus' have no value in 'proactive'" in m for m in caught)
    assert (row["n"], row["n_reference"]) == (2, 3)
