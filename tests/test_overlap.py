"""Partially overlapping samples: ``stats.overlap_difference`` and ``wave_change`` (issue 15).

Reference values from METHODS.md section 7: 30 respondents in both waves with the paired table
(w1, w2) = (1,1): 12, (1,0): 5, (0,1): 9, (0,0): 4; 25 in wave 1 only (13 yes), 20 in wave 2
only (14 yes); and the example of R package Partiallyoverlapping's ``Prop.test``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap._reduce import combine
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats import (
    OverlapDifference,
    newcombe_difference,
    overlap_difference,
    paired_difference,
)
from jobhandicap.stats._core import FloatArray
from jobhandicap.stats.proportions import OverlapVariance
from jobhandicap.survey import reduce_pairs, wave_change
from jobhandicap.survey._common import NO_ANSWER

TOL = 1e-6

#: METHODS.md section 7: a, b, c, d of the paired units, then the unpaired counts and bases.
SECTION_7 = (12, 5, 9, 4, 13, 25, 14, 20)
#: Prop.test's example: 15 paired units, 9 in sample 1 only (5 yes), 6 in sample 2 only (6 yes).
PACKAGE_EXAMPLE = (8, 1, 3, 3, 5, 9, 6, 6)


# --------------------------------------------------------------------------------------------
# stats.overlap_difference: reference values
# --------------------------------------------------------------------------------------------


def test_unpooled_reference_values() -> None:
    est = overlap_difference(*SECTION_7)
    assert est.estimate == pytest.approx(30 / 55 - 35 / 50, abs=1e-15)
    assert est.estimate == pytest.approx(-0.154545, abs=TOL)
    assert est.se == pytest.approx(0.0929256, abs=1e-7)
    assert est.z == pytest.approx(-1.66311, abs=1e-5)
    assert est.p_value == pytest.approx(0.0962904, abs=1e-7)
    assert (est.ci_low, est.ci_high) == pytest.approx((-0.336676, 0.0275853), abs=TOL)


def test_pooled_reference_values_of_derrick_et_al() -> None:
    est = overlap_difference(*SECTION_7, variance="pooled")
    assert est.estimate == pytest.approx(-0.154545, abs=TOL)
    assert est.se == pytest.approx(0.0944923, abs=1e-7)
    assert est.z == pytest.approx(-1.63553, abs=1e-5)
    assert est.p_value == pytest.approx(0.101937, abs=TOL)
    assert (est.ci_low, est.ci_high) == pytest.approx((-0.339747, 0.0306561), abs=TOL)


def test_package_example() -> None:
    pooled = overlap_difference(*PACKAGE_EXAMPLE, variance="pooled")
    assert pooled.p_value == pytest.approx(0.0527772, abs=1e-7)
    assert round(pooled.p_value, 3) == 0.053  # as the package documents it
    unpooled = overlap_difference(*PACKAGE_EXAMPLE)
    assert unpooled.se == pytest.approx(0.109153, abs=TOL)
    assert unpooled.p_value == pytest.approx(0.0382437, abs=1e-7)


def test_without_pairs_the_two_variances_are_the_classical_ones() -> None:
    # METHODS.md section 7, "for contrast": prop.test(c(30, 35), c(55, 50), correct = FALSE).
    unpooled = overlap_difference(0, 0, 0, 0, 30, 55, 35, 50)
    assert (unpooled.ci_low, unpooled.ci_high) == pytest.approx((-0.337442, 0.0283507), abs=TOL)
    pooled = overlap_difference(0, 0, 0, 0, 30, 55, 35, 50, variance="pooled")
    assert pooled.z**2 == pytest.approx(2.65253, abs=1e-5)
    assert pooled.p_value == pytest.approx(0.103385, abs=TOL)


def test_without_unpaired_units_it_is_the_wald_interval_of_a_paired_difference() -> None:
    a, b, c, d = 25, 9, 4, 42
    n = a + b + c + d
    est = overlap_difference(a, b, c, d, 0, 0, 0, 0)
    assert est.estimate == pytest.approx((b - c) / n)
    wald = math.sqrt(((b + c) / n - ((b - c) / n) ** 2) / n)
    assert est.se == pytest.approx(wald, rel=1e-12)


def test_scalars_give_floats_and_arrays_give_arrays() -> None:
    one: OverlapDifference[float] = overlap_difference(*SECTION_7)
    assert isinstance(one, OverlapDifference)
    assert all(isinstance(v, float) for v in one)
    columns = [np.array(pair) for pair in zip(SECTION_7, PACKAGE_EXAMPLE, strict=True)]
    many: OverlapDifference[FloatArray] = overlap_difference(*columns)
    assert all(isinstance(v, np.ndarray) and v.shape == (2,) for v in many)
    for field in OverlapDifference._fields:
        assert getattr(many, field)[0] == pytest.approx(getattr(one, field), abs=1e-15)


def test_level_widens_the_interval() -> None:
    narrow = overlap_difference(*SECTION_7, level=0.8)
    wide = overlap_difference(*SECTION_7, level=0.99)
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high
    assert wide.se == narrow.se


# --------------------------------------------------------------------------------------------
# stats.overlap_difference: properties
# --------------------------------------------------------------------------------------------


@st.composite
def overlap_counts(draw: st.DrawFn) -> tuple[int, ...]:
    """A paired table and the unpaired counts and bases of the two samples (none empty)."""
    a, b, c, d = (draw(st.integers(0, 25)) for _ in range(4))
    n1, n2 = draw(st.integers(0, 40)), draw(st.integers(0, 40))
    if a + b + c + d + min(n1, n2) == 0:
        n1, n2 = n1 + 1, n2 + 1
    return a, b, c, d, draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


VARIANCES: st.SearchStrategy[OverlapVariance] = st.sampled_from(["unpooled", "pooled"])


@given(overlap_counts(), VARIANCES)
def test_interval_contains_the_difference_of_the_shares(
    counts: tuple[int, ...], variance: OverlapVariance
) -> None:
    a, b, c, d, x1, n1, x2, n2 = counts
    est = overlap_difference(*counts, variance=variance)
    k = a + b + c + d
    assert est.estimate == (a + b + x1) / (k + n1) - (a + c + x2) / (k + n2)
    assert -1.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
    assert est.se >= 0.0
    assert 0.0 <= est.p_value <= 1.0


@given(overlap_counts(), VARIANCES)
def test_swapping_the_samples_negates_the_difference(
    counts: tuple[int, ...], variance: OverlapVariance
) -> None:
    a, b, c, d, x1, n1, x2, n2 = counts
    est = overlap_difference(*counts, variance=variance)
    swapped = overlap_difference(a, c, b, d, x2, n2, x1, n1, variance=variance)
    assert swapped.estimate == pytest.approx(-est.estimate, abs=1e-12)
    assert swapped.ci_low == pytest.approx(-est.ci_high, abs=1e-12)
    assert swapped.ci_high == pytest.approx(-est.ci_low, abs=1e-12)
    assert swapped.se == pytest.approx(est.se, abs=1e-12)
    assert swapped.p_value == pytest.approx(est.p_value, abs=1e-12)


@given(st.lists(overlap_counts(), min_size=1, max_size=10), st.data())
def test_vectorised_equals_scalar_in_any_order_and_inputs_not_mutated(
    rows: list[tuple[int, ...]], data: st.DataObject
) -> None:
    columns = [np.array(v, dtype=np.int64) for v in zip(*rows, strict=True)]
    copies = [v.copy() for v in columns]
    many = overlap_difference(*columns)
    for column, copy in zip(columns, copies, strict=True):
        np.testing.assert_array_equal(column, copy)
    for i, row in enumerate(rows):
        one = overlap_difference(*row)
        assert many.ci_low[i] == pytest.approx(one.ci_low, abs=1e-12)
        assert many.p_value[i] == pytest.approx(one.p_value, abs=1e-12)
    order = np.array(data.draw(st.permutations(range(len(rows)))))
    shuffled = overlap_difference(*(v[order] for v in columns))
    np.testing.assert_array_equal(shuffled.ci_high, many.ci_high[order])


# --------------------------------------------------------------------------------------------
# stats.overlap_difference: edges and bad input
# --------------------------------------------------------------------------------------------


def test_no_spread_and_no_difference_gives_p_one_and_zero_width() -> None:
    est = overlap_difference(5, 0, 0, 0, 3, 3, 2, 2)
    assert (est.estimate, est.ci_low, est.ci_high, est.se) == (0.0, 0.0, 0.0, 0.0)
    assert est.p_value == 1.0


def test_an_empty_sample_gives_nan_and_one_warning() -> None:
    with pytest.warns(SmallSampleWarning, match="sample size") as caught:
        est = overlap_difference([0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 2], [1, 1], [3, 2])
    assert len(caught) == 1
    assert np.isnan(est.estimate[0])
    assert np.isnan(est.p_value[0])
    assert np.isfinite(est.estimate[1])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((12, 5, 9, 4, 26, 25, 14, 20), "count1 is larger than n1"),
        ((12, 5, 9, 4, 13, 25, 21, 20), "count2 is larger than n2"),
        ((12, -5, 9, 4, 13, 25, 14, 20), "b is negative"),
        ((12, 5, 9.5, 4, 13, 25, 14, 20), "c is not a whole number"),
        ((12, 5, 9, float("nan"), 13, 25, 14, 20), "d is missing"),
        (([1, 2], 5, 9, 4, 13, 25, [1, 2, 3], 20), "cannot be broadcast"),
    ],
)
def test_bad_counts_are_refused(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(JobhandicapError, match=message):
        overlap_difference(*arguments)  # type: ignore[call-overload]


def test_bad_options_are_refused() -> None:
    with pytest.raises(OptionError, match="variance must be one of 'unpooled', 'pooled'"):
        overlap_difference(*SECTION_7, variance="welch")  # type: ignore[call-overload]
    with pytest.raises(ArgumentTypeError, match="variance"):
        overlap_difference(*SECTION_7, variance=1)  # type: ignore[call-overload]
    with pytest.raises(OptionError, match="level"):
        overlap_difference(*SECTION_7, level=95)


# --------------------------------------------------------------------------------------------
# wave_change
# --------------------------------------------------------------------------------------------


def _runs(*runs: tuple[int | None, int]) -> list[int | None]:
    """Answers written as runs: ``_runs((5, 2), (None, 1))`` is ``[5, 5, None]``."""
    return [answer for answer, times in runs for _ in range(times)]


def _survey(
    early: list[int | None], late: list[int | None], names: list[str], item: str = "focus"
) -> pd.DataFrame:
    """A two-wave survey; ``None`` in a wave leaves that respondent's row out of it."""
    rows = [
        (name, wave, item, answer)
        for wave, answers in ((2017, early), (2018, late))
        for name, answer in zip(names, answers, strict=True)
        if answer is not None
    ]
    return pd.DataFrame(rows, columns=["respondent", "wave", "item", "answer"]).astype(
        {"respondent": "string", "wave": "int64", "item": "string", "answer": "Int64"}
    )


def section_7_survey(item: str = "focus") -> pd.DataFrame:
    """METHODS.md section 7 as a survey: wave 1 is 2017, yes is 5 and no is 1."""
    early = _runs((5, 12), (5, 5), (1, 9), (1, 4), (5, 13), (1, 12), (None, 20))
    late = _runs((5, 12), (1, 5), (5, 9), (1, 4), (None, 25), (5, 14), (1, 6))
    names = [f"jc{i:03d}" for i in range(len(early))]
    return _survey(early, late, names, item)


def test_wave_change_partially_overlapping_reference_values() -> None:
    change = wave_change(section_7_survey(), item="focus").iloc[0]
    assert change["method"] == "partially overlapping"
    assert (change["n_earlier"], change["n_later"]) == (55, 50)
    assert (change["n_paired"], change["n_earlier_only"], change["n_later_only"]) == (30, 25, 20)
    assert (change["earlier_share"], change["later_share"]) == (30 / 55, 35 / 50)
    # Later minus earlier: METHODS.md's wave 1 minus wave 2, negated.
    assert change["difference"] == 35 / 50 - 30 / 55
    assert (change["ci_low"], change["ci_high"]) == pytest.approx((-0.0275853, 0.336676), abs=TOL)
    assert change["p_value"] == pytest.approx(0.0962904, abs=1e-7)
    newcombe = newcombe_difference(35, 50, 30, 55)
    assert change["independent_ci_low"] == pytest.approx(newcombe.ci_low, abs=1e-15)


def test_the_old_pairs_only_difference_could_contradict_the_shares() -> None:
    # The bug of issue 15: the pairs fell (3 of 10 yes, then 2 of 10) while the waves' shares
    # rose (3 of 10, then 12 of 20); the difference now has the sign of the shares.
    early = _runs((5, 3), (1, 7), (None, 10))
    late = _runs((5, 2), (1, 8), (5, 10))
    with pytest.warns(SmallSampleWarning, match="10"):
        change = wave_change(_survey(early, late, [f"r{i}" for i in range(20)]), item="focus")
    row = change.iloc[0]
    pairs_only = paired_difference(2, 0, 1, 7)
    assert pairs_only.estimate < 0 < row["later_share"] - row["earlier_share"]
    assert row["difference"] == 12 / 20 - 3 / 10
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]


def test_all_paired_and_none_paired_keep_their_methods() -> None:
    names = [f"r{i}" for i in range(40)]
    early = _runs((5, 1), (1, 1), (4, 1), (2, 1)) * 10
    late = _runs((5, 1), (5, 1), (1, 1), (2, 1)) * 10
    paired = wave_change(_survey(early, late, names), item="focus").iloc[0]
    assert paired["method"] == "paired"
    assert (paired["n_earlier_only"], paired["n_later_only"]) == (0, 0)
    expected = paired_difference(10, 10, 10, 10)
    assert (paired["ci_low"], paired["ci_high"]) == pytest.approx(
        (expected.ci_low, expected.ci_high), abs=1e-15
    )
    nobody = _runs((None, 40))
    apart = _survey(early + nobody, nobody + late, names + [f"s{i}" for i in range(40)])
    with pytest.warns(DataQualityWarning, match="could not pair any"):
        independent = wave_change(apart, item="focus").iloc[0]
    assert independent["method"] == "independent"
    assert (independent["n_earlier_only"], independent["n_later_only"]) == (40, 40)
    assert independent["ci_low"] == independent["independent_ci_low"]


def test_a_dont_know_excluded_in_one_wave_leaves_the_respondent_to_the_other() -> None:
    names = [f"r{i}" for i in range(4)]
    survey = _survey([5, 9, 1, 4], [5, 4, 9, 1], names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        included = wave_change(survey, item="focus").iloc[0]
        excluded = wave_change(survey, item="focus", dont_know="exclude").iloc[0]
    assert (included["method"], included["n_paired"]) == ("paired", 4)
    assert excluded["method"] == "partially overlapping"
    assert (excluded["n_paired"], excluded["n_earlier_only"], excluded["n_later_only"]) == (
        2,
        1,
        1,
    )
    assert excluded["difference"] == 2 / 3 - 2 / 3


def test_several_items_equal_one_item_at_a_time() -> None:
    survey = pd.concat(
        [section_7_survey("focus"), _survey([5, 1, 4], [1, 1, 5], ["a", "b", "c"], "priority")],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        both = wave_change(survey, item=["priority", "focus"])
        alone = [wave_change(survey, item=name) for name in ("priority", "focus")]
    pd.testing.assert_frame_equal(both, pd.concat(alone, ignore_index=True))


@st.composite
def two_wave_surveys(draw: st.DrawFn) -> pd.DataFrame:
    """Respondents answering (or skipping, or leaving blank) an item in one or both waves."""
    answers = st.sampled_from([1, 2, 3, 4, 5, 9, None, "absent"])
    size = draw(st.integers(1, 40))
    pairs = [(draw(answers), draw(answers)) for _ in range(size)]
    rows = [
        (f"r{i}", wave, "focus", answer)
        for i, pair in enumerate(pairs)
        for wave, answer in zip((2017, 2018), pair, strict=True)
        if answer != "absent"
    ]
    # Both waves present, through one respondent answering both or two answering one each.
    rows += [("x", 2017, "focus", 5), (draw(st.sampled_from(["x", "y"])), 2018, "focus", 1)]
    return pd.DataFrame(rows, columns=["respondent", "wave", "item", "answer"]).astype(
        {"respondent": "string", "wave": "int64", "item": "string", "answer": "Int64"}
    )


def _quiet_change(survey: pd.DataFrame, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        return wave_change(survey, item="focus", **options)  # type: ignore[arg-type]


@settings(max_examples=examples(60))
@given(two_wave_surveys(), st.sampled_from(["include", "exclude"]), st.integers(1, 4))
def test_the_difference_never_contradicts_the_shares(
    survey: pd.DataFrame, dont_know: str, boxes: int
) -> None:
    row = _quiet_change(survey, dont_know=dont_know, boxes=boxes).iloc[0]
    shares = row["later_share"] - row["earlier_share"]
    assert row["difference"] == shares
    assert np.sign(row["difference"]) == np.sign(row["later_share"] - row["earlier_share"])
    assert -1.0 <= row["ci_low"] <= row["difference"] <= row["ci_high"] <= 1.0
    assert row["n_earlier"] == row["n_paired"] + row["n_earlier_only"]
    assert row["n_later"] == row["n_paired"] + row["n_later_only"]
    expected = (
        "independent"
        if row["n_paired"] == 0
        else "paired"
        if row["n_earlier_only"] == row["n_later_only"] == 0
        else "partially overlapping"
    )
    assert row["method"] == expected
    assert (row["method"] == "independent") == np.isnan(row["p_value"])


@settings(max_examples=examples(45))
@given(two_wave_surveys(), st.randoms(use_true_random=False))
def test_row_order_and_respondent_names_do_not_matter_and_input_is_kept(
    survey: pd.DataFrame, random: object
) -> None:
    before = survey.copy(deep=True)
    result = _quiet_change(survey)
    pd.testing.assert_frame_equal(survey, before)
    order = list(range(len(survey)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = survey.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(_quiet_change(shuffled), result)
    names = sorted(set(survey["respondent"]))
    new = names.copy()
    random.shuffle(new)  # type: ignore[attr-defined]
    renamed = survey.assign(
        respondent=survey["respondent"].map(dict(zip(names, new, strict=True))).astype("string")
    )
    pd.testing.assert_frame_equal(_quiet_change(renamed), result)


def test_swapping_the_waves_negates_a_partially_overlapping_change() -> None:
    survey = section_7_survey()
    forward = wave_change(survey, item="focus", waves=(2017, 2018)).iloc[0]
    backward = wave_change(survey, item="focus", waves=(2018, 2017)).iloc[0]
    assert backward["difference"] == -forward["difference"]
    assert backward["ci_low"] == pytest.approx(-forward["ci_high"], abs=1e-12)
    assert (backward["n_earlier_only"], backward["n_later_only"]) == (20, 25)


# --------------------------------------------------------------------------------------------
# reduce_pairs(unpaired=True)
# --------------------------------------------------------------------------------------------


def _pandas_outer_pairs(survey: pd.DataFrame) -> pd.DataFrame:
    answered = survey.dropna(subset=["answer"])
    early = answered[answered["wave"] == 2017][["item", "respondent", "answer"]]
    late = answered[answered["wave"] == 2018][["item", "respondent", "answer"]]
    both = early.merge(late, on=["item", "respondent"], how="outer", suffixes=("_e", "_l"))
    return (
        both.fillna({"answer_e": NO_ANSWER, "answer_l": NO_ANSWER})
        .groupby(["item", "answer_e", "answer_l"], sort=True)
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"answer_e": "earlier", "answer_l": "later"})
        .astype({"earlier": "int64", "later": "int64", "item": "string", "n": "int64"})
    )


@settings(max_examples=examples(45))
@given(two_wave_surveys())
def test_reduce_pairs_with_unpaired_equals_a_pandas_outer_join(survey: pd.DataFrame) -> None:
    table = reduce_pairs(survey, items=["focus"], waves=(2017, 2018), unpaired=True)
    pd.testing.assert_frame_equal(table, _pandas_outer_pairs(survey), check_index_type=False)
    answered = (table["earlier"] != NO_ANSWER) & (table["later"] != NO_ANSWER)
    paired = table[answered].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        paired,
        reduce_pairs(survey, items=["focus"], waves=(2017, 2018)),
        check_index_type=False,
    )
    assert not ((table["earlier"] == NO_ANSWER) & (table["later"] == NO_ANSWER)).any()
    assert table["n"].sum() == survey.dropna(subset=["answer"])["respondent"].nunique()


@settings(max_examples=examples(45))
@given(two_wave_surveys(), st.integers(0, 40))
def test_reduce_pairs_with_unpaired_of_parts_splitting_the_respondents_add_up(
    survey: pd.DataFrame, cut: int
) -> None:
    first = survey["respondent"].isin([f"r{i}" for i in range(cut)])
    parts = [
        reduce_pairs(part, items=["focus"], waves=(2017, 2018), unpaired=True)
        for part in (survey[first], survey[~first])
    ]
    whole = reduce_pairs(survey, items=["focus"], waves=(2017, 2018), unpaired=True)
    combined = combine(parts, ["item", "earlier", "later"])
    pd.testing.assert_frame_equal(combined, whole, check_dtype=False, check_index_type=False)
