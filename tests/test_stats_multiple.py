"""Tests of jobhandicap.stats.multiple against METHODS.md §3 (82 respondents × 6 options)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobhandicap.errors import ArgumentTypeError, JobhandicapError, OptionError
from jobhandicap.stats import (
    cochran_q,
    mcnemar_exact,
    mcnemar_test,
    paired_difference_wald,
    rank_intervals,
)

# fmt: off
ROWS = [
    "110000", "100000", "111111", "000000", "000000", "010000", "000000", "110000", "000100",
    "101111", "100000", "011100", "111010", "100110", "100000", "010100", "111000", "101100",
    "000000", "100000", "110000", "101101", "100100", "111000", "110000", "111000", "010000",
    "000000", "111110", "000100", "011110", "011100", "110010", "100000", "111100", "000100",
    "100000", "111110", "010000", "000000", "100010", "110000", "110000", "010000", "000100",
    "111110", "000100", "000010", "100000", "101100", "100000", "001000", "000000", "000000",
    "111110", "100000", "100100", "000000", "100000", "000000", "111001", "010000", "010000",
    "100000", "111110", "011100", "110100", "010110", "100000", "110000", "010000", "000000",
    "010101", "011000", "000000", "111000", "111100", "111100", "000100", "100000", "111110",
    "000000",
]
# fmt: on
X = np.array([[int(c) for c in row] for row in ROWS], dtype=np.int64)


def patterns(ticks: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    unique, counts = np.unique(ticks, axis=0, return_counts=True)
    return unique, counts


def test_the_reference_data_are_as_methods_says() -> None:
    assert X.shape == (82, 6)
    assert X.sum(axis=0).tolist() == [46, 40, 26, 31, 15, 5]
    assert int((X.sum(axis=1) == 0).sum()) == 13
    assert int((X.sum(axis=1) == 6).sum()) == 1


def test_cochran_q_reproduces_methods() -> None:
    result = cochran_q(X)
    assert result.statistic == pytest.approx(77.8035, abs=5e-5)
    assert result.df == 5
    # The survival function, not 1 - cdf: coin's 2.44249e-15 is the cancelled value.
    assert result.p_value == pytest.approx(2.41619e-15, rel=1e-5)


def test_cochran_q_on_patterns_equals_on_rows() -> None:
    unique, counts = patterns(X)
    assert cochran_q(unique, counts) == cochran_q(X)


def test_cochran_q_ignores_respondents_who_ticked_all_or_none() -> None:
    informative = X[(X.sum(axis=1) > 0) & (X.sum(axis=1) < 6)]
    assert cochran_q(informative).statistic == pytest.approx(cochran_q(X).statistic)


def test_cochran_q_without_information_is_nan() -> None:
    result = cochran_q([[1, 1], [0, 0]])
    assert np.isnan(result.statistic)
    assert np.isnan(result.p_value)


def test_mcnemar_reproduces_methods() -> None:
    table = X[:, 0], X[:, 1]
    b = int(((table[0] == 1) & (table[1] == 0)).sum())
    c = int(((table[0] == 0) & (table[1] == 1)).sum())
    assert (b, c) == (21, 15)
    plain = mcnemar_test(b, c)
    assert plain.statistic == pytest.approx(1.0)
    assert plain.p_value == pytest.approx(0.317311, abs=5e-7)
    corrected = mcnemar_test(b, c, method="corrected")
    assert corrected.statistic == pytest.approx(0.694444, abs=5e-7)
    assert corrected.p_value == pytest.approx(0.404657, abs=5e-7)
    exact = mcnemar_test(b, c, method="exact")
    assert exact.statistic == 15.0
    assert exact.p_value == pytest.approx(0.405032, abs=5e-7)
    assert exact.p_value == mcnemar_exact(b, c)


def test_mcnemar_broadcasts_and_gives_nan_without_discordant_pairs() -> None:
    result = mcnemar_test([21, 0], [15, 0])
    assert isinstance(result.statistic, np.ndarray)
    assert result.statistic[0] == pytest.approx(1.0)
    assert np.isnan(result.statistic[1])
    assert np.isnan(result.p_value[1])
    assert mcnemar_test(0, 0, method="exact").p_value == 1.0


def test_paired_difference_wald_reproduces_methods() -> None:
    est = paired_difference_wald(21, 15, 82)
    assert est.estimate == pytest.approx(0.0731707, abs=5e-8)
    assert est.ci_low == pytest.approx(-0.0693641, abs=5e-8)
    assert est.ci_high == pytest.approx(0.215706, abs=5e-7)
    se = (est.ci_high - est.estimate) / 1.959963984540054
    assert se == pytest.approx(0.0727232, abs=5e-8)


def test_rank_intervals_on_the_reference_data() -> None:
    result = rank_intervals(X)
    assert result.rank.tolist() == [1, 2, 4, 3, 5, 6]
    assert (result.ci_low <= result.rank).all()
    assert (result.rank <= result.ci_high).all()
    # Option 6 (5 of 82) is last in every plausible world; options 1 and 2 are not separable.
    assert (result.ci_low[5], result.ci_high[5]) == (6, 6)
    assert result.ci_low[1] == 1


def test_rank_intervals_are_reproducible_and_seeded() -> None:
    first = rank_intervals(X, n_boot=199, seed=7)
    again = rank_intervals(X, n_boot=199, seed=7)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    unique, counts = patterns(X)
    on_patterns = rank_intervals(unique, counts, n_boot=199, seed=7)
    np.testing.assert_array_equal(first.rank, on_patterns.rank)


def test_ties_share_the_best_rank() -> None:
    result = rank_intervals([[1, 1, 0], [1, 1, 0], [0, 0, 1]], n_boot=9)
    assert result.rank.tolist() == [1, 1, 3]


@pytest.mark.parametrize(
    ("ticks", "match"),
    [
        ([1, 0, 1], "2-D"),
        ([[1], [0]], "at least 2 options"),
        ([[1, 2], [0, 1]], "0 .not ticked. or 1"),
        ([[1, np.nan], [0, 1]], "0 .not ticked. or 1"),
    ],
)
def test_bad_ticks_are_refused(ticks: object, match: str) -> None:
    with pytest.raises(JobhandicapError, match=match):
        cochran_q(ticks)  # type: ignore[arg-type]


def test_bad_counts_and_options_are_refused() -> None:
    with pytest.raises(JobhandicapError, match="one whole number per row"):
        cochran_q([[1, 0], [0, 1]], counts=[1, 2, 3])
    with pytest.raises(JobhandicapError, match="negative"):
        cochran_q([[1, 0], [0, 1]], counts=[1, -2])
    with pytest.raises(OptionError, match="method"):
        mcnemar_test(1, 2, method="yates")  # type: ignore[call-overload]
    with pytest.raises(JobhandicapError, match="b \\+ c is larger than n"):
        paired_difference_wald(5, 6, 10)
    with pytest.raises(OptionError, match="n_boot"):
        rank_intervals(X, n_boot=0)
    with pytest.raises(ArgumentTypeError, match="seed"):
        rank_intervals(X, seed="1")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="at least one respondent"):
        rank_intervals([[1, 0]], counts=[0])


tick_rows = st.lists(
    st.lists(st.integers(0, 1), min_size=3, max_size=3), min_size=1, max_size=25
).map(lambda rows: np.asarray(rows, dtype=np.int64))


@settings(deadline=None)
@given(tick_rows, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(ticks: npt.NDArray[np.int64], random: object) -> None:
    order = np.arange(len(ticks))
    random.shuffle(order)  # type: ignore[attr-defined]
    before = ticks.copy()
    q, shuffled = cochran_q(ticks), cochran_q(ticks[order])
    np.testing.assert_array_equal(ticks, before)  # input not mutated
    if np.isnan(q.statistic):
        assert np.isnan(shuffled.statistic)
    else:
        assert shuffled.statistic == pytest.approx(q.statistic)
        assert 0.0 <= q.p_value <= 1.0
        assert q.statistic >= 0.0
    ranks = rank_intervals(ticks, n_boot=19, seed=1)
    np.testing.assert_array_equal(ranks.rank, rank_intervals(ticks[order], n_boot=19).rank)
    assert ((ranks.ci_low >= 1) & (ranks.ci_high <= 3) & (ranks.ci_low <= ranks.ci_high)).all()


@settings(deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_mcnemar_and_difference_bounds(b: int, c: int, concordant: int) -> None:
    for method in ("uncorrected", "corrected", "exact"):
        p = mcnemar_test(b, c, method=method).p_value
        assert np.isnan(p) or 0.0 <= p <= 1.0
    n = b + c + concordant
    if n:
        est = paired_difference_wald(b, c, n)
        assert est.ci_low <= est.estimate <= est.ci_high
        swapped = paired_difference_wald(c, b, n)
        assert swapped.estimate == pytest.approx(-est.estimate)
