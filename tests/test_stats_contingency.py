"""Tests of jobhandicap.stats.contingency against METHODS.md §1 and by properties."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jobhandicap.errors import ArgumentTypeError, JobhandicapError, OptionError
from jobhandicap.stats import contingency as ct

# METHODS.md §1: two 5-point items, n = 82, and its collapses.
T = np.array(
    [
        [3, 2, 1, 0, 0],
        [2, 5, 3, 1, 0],
        [1, 3, 8, 5, 2],
        [0, 2, 6, 12, 5],
        [0, 1, 3, 7, 10],
    ]
)
T2 = np.array([[34, 12], [8, 28]])
T3 = np.array([[12, 4, 1], [4, 8, 7], [3, 9, 34]])
CA_X = np.array([0, 3, 9, 19, 15])
CA_N = np.array([6, 13, 21, 25, 17])


def rel(actual: float, expected: float, digits: float = 1e-5) -> None:
    assert actual == pytest.approx(expected, rel=digits)


# --------------------------------------------------------------------------------------------
# Reference values (METHODS.md §1.1–1.3)
# --------------------------------------------------------------------------------------------


def test_pearson_and_likelihood_ratio_reference() -> None:
    chi2 = ct.pearson_chi2(T)
    rel(chi2.statistic, 51.2903)
    assert chi2.df == 16
    rel(chi2.p_value, 1.42513e-05)
    g2 = ct.likelihood_ratio_g2(T)
    rel(g2.statistic, 47.8565)
    assert g2.df == 16
    rel(g2.p_value, 5.00282e-05)


def test_fisher_2x2_reference() -> None:
    two = ct.fisher_2x2(T2)
    rel(two.p_value, 5.37237e-06)
    rel(two.odds_ratio, 9.91667)
    # The precise conditional MLE and exact interval (METHODS.md §1.1 note a), not R's.
    rel(two.conditional_odds_ratio, 9.58287)
    rel(two.ci_low, 3.21601)
    rel(two.ci_high, 31.7341)
    rel(ct.fisher_2x2(T2, alternative="greater").p_value, 3.12823e-06)


def test_fisher_exact_enumerates_3x3_and_2x2() -> None:
    three = ct.fisher_exact(T3)
    assert three.method == "exact"
    assert three.se == 0.0
    rel(three.p_value, 1.17345e-07)
    two = ct.fisher_exact(T2)
    assert two.method == "exact"
    rel(two.p_value, 5.37237e-06)


def test_fisher_exact_5x5_monte_carlo_within_its_standard_error() -> None:
    # The 5×5 table has too many tables to enumerate: the Monte Carlo p must cover the exact
    # network-algorithm value 8.37845e-05 within three standard errors.
    result = ct.fisher_exact(T, draws=400_000, seed=2018)
    assert result.method == "monte carlo"
    assert result.se > 0
    assert abs(result.p_value - 8.37845e-05) < 3 * result.se


def test_fisher_exact_is_reproducible_by_seed() -> None:
    first = ct.fisher_exact(T, draws=2_000, seed=7)
    assert first == ct.fisher_exact(T, draws=2_000, seed=7)


def test_linear_by_linear_and_cochran_armitage_reference() -> None:
    trend = ct.linear_by_linear(T)
    rel(trend.statistic, 35.0970)
    rel(trend.z, 5.92427)
    rel(trend.p_value, 3.13683e-09)
    armitage = ct.cochran_armitage(CA_X, CA_N)
    rel(armitage.z, 5.03991)
    rel(armitage.statistic, 25.4007)
    rel(armitage.p_value, 4.65756e-07)
    # The permutation version: M² of the 2×k table, (N − 1)/N · Z².
    permutation = ct.linear_by_linear(np.stack([CA_X, CA_N - CA_X]))
    rel(permutation.statistic, 25.0909)
    rel(permutation.p_value, 5.46901e-07)


def test_gamma_and_tau_b_reference() -> None:
    gamma = ct.goodman_kruskal_gamma(T)
    rel(gamma.estimate, 0.683236)
    rel(gamma.se, 0.0758202)
    rel(gamma.ci_low, 0.534631)
    rel(gamma.ci_high, 0.831841)
    rel(gamma.se_null, 0.0915568)
    tau = ct.kendall_tau_b(T)
    rel(tau.estimate, 0.544256)
    rel(tau.se, 0.0685794)
    rel(tau.ci_low, 0.409843)
    rel(tau.ci_high, 0.678669)
    rel(tau.se_null, 0.0729329)
    # The ASE0 test (not the permutation Kendall test, z = 5.98): one z for both measures.
    rel(tau.z, 7.46242)
    rel(gamma.z, 7.46242)
    rel(tau.p_value, 8.49456e-14, 1e-4)


def test_tau_b_standard_error_does_not_change_on_transposition() -> None:
    # DescTools' asymmetric SE (METHODS.md §1.2) is not what is computed.
    assert ct.kendall_tau_b(T.T).se == pytest.approx(ct.kendall_tau_b(T).se, rel=1e-12)


def test_stacks_give_the_results_of_each_table() -> None:
    stack = np.stack([T, T.T, T[::-1]])
    tau = ct.kendall_tau_b(stack)
    assert tau.estimate.shape == (3,)
    assert tau.estimate[2] == pytest.approx(-ct.kendall_tau_b(T).estimate)
    chi2 = ct.pearson_chi2(stack)
    np.testing.assert_allclose(chi2.statistic, 51.2903, rtol=1e-5)
    fisher = ct.fisher_2x2(np.stack([T2, T2.T]))
    np.testing.assert_allclose(fisher.p_value, 5.37237e-06, rtol=1e-5)


def test_empty_categories_change_nothing_but_a_single_category_has_no_test() -> None:
    padded = np.zeros((7, 6), dtype=np.int64)
    padded[1:6, :5] = T
    chi2 = ct.pearson_chi2(padded)
    rel(chi2.statistic, 51.2903)
    assert chi2.df == 16
    rel(ct.likelihood_ratio_g2(padded).statistic, 47.8565)
    rel(ct.kendall_tau_b(padded).estimate, 0.544256)
    rel(ct.fisher_exact(np.pad(T3, 1)).p_value, 1.17345e-07)
    single = np.array([[5, 3, 0], [0, 0, 0]])
    assert np.isnan(ct.pearson_chi2(single).p_value)
    assert np.isnan(ct.kendall_tau_b(single).z)
    assert ct.fisher_exact(single).p_value == 1.0


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

small_tables = hnp.arrays(
    np.int64, st.tuples(st.integers(2, 4), st.integers(2, 4)), elements=st.integers(0, 8)
).filter(lambda t: t.sum() > 0)


@given(small_tables)
def test_p_values_and_measures_are_in_bounds(table: npt.NDArray[np.int64]) -> None:
    for result in (ct.pearson_chi2(table), ct.likelihood_ratio_g2(table)):
        assert np.isnan(result.p_value) or 0.0 <= result.p_value <= 1.0
        assert np.isnan(result.statistic) or result.statistic >= -1e-9
    for measure in (ct.kendall_tau_b(table), ct.goodman_kruskal_gamma(table)):
        if np.isfinite(measure.estimate):
            assert -1.0 - 1e-12 <= measure.estimate <= 1.0 + 1e-12
            assert measure.ci_low <= measure.ci_high
    exact = ct.fisher_exact(table, limit=20_000, draws=200)
    assert 0.0 < exact.p_value <= 1.0


@given(small_tables)
def test_exact_enumeration_matches_monte_carlo_scale(table: npt.NDArray[np.int64]) -> None:
    exact = ct.fisher_exact(table, limit=20_000)
    forced = ct.fisher_exact(table, limit=1, draws=2_000, seed=1)
    if exact.method == "exact" and forced.method == "monte carlo":
        assert abs(forced.p_value - exact.p_value) <= 5 * forced.se + 2e-3


@given(small_tables)
def test_transposing_keeps_the_tests_and_symmetric_measures(
    table: npt.NDArray[np.int64],
) -> None:
    a, b = ct.pearson_chi2(table), ct.pearson_chi2(table.T)
    assert a.df == b.df
    np.testing.assert_allclose(a.statistic, b.statistic, rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(
        ct.kendall_tau_b(table).estimate, ct.kendall_tau_b(table.T).estimate, equal_nan=True
    )
    one = ct.fisher_exact(table, limit=20_000, draws=500)
    other = ct.fisher_exact(table.T, limit=20_000, draws=500)
    assert one.method == other.method
    if one.method == "exact":
        assert one.p_value == pytest.approx(other.p_value)
    else:
        assert abs(one.p_value - other.p_value) <= 5 * (one.se + other.se)


@given(small_tables)
def test_inputs_are_not_mutated(table: npt.NDArray[np.int64]) -> None:
    before = table.copy()
    ct.kendall_tau_b(table)
    ct.fisher_exact(table, limit=20_000, draws=50)
    ct.linear_by_linear(table)
    np.testing.assert_array_equal(table, before)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    [[1, 2, 3], [[1, 2]], [[1, -2], [3, 4]], [[1.5, 2], [3, 4]], [[1, np.nan], [3, 4]]],
)
def test_bad_tables_are_refused(table: object) -> None:
    with pytest.raises(JobhandicapError, match="table"):
        ct.pearson_chi2(table)  # type: ignore[arg-type]


def test_bad_options_are_refused() -> None:
    with pytest.raises(JobhandicapError, match="2×2"):
        ct.fisher_2x2(T3)
    with pytest.raises(OptionError, match="alternative"):
        ct.fisher_2x2(T2, alternative="bigger")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="draws"):
        ct.fisher_exact(T, draws=0)
    with pytest.raises(ArgumentTypeError, match="seed"):
        ct.fisher_exact(T, seed="1")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="one table"):
        ct.fisher_exact(np.stack([T2, T2]))
    with pytest.raises(JobhandicapError, match="row_scores"):
        ct.linear_by_linear(T, row_scores=[1, 2])
    with pytest.raises(JobhandicapError, match="shape"):
        ct.cochran_armitage([1, 2], [3, 4, 5])
    with pytest.raises(ValueError, match="level"):
        ct.kendall_tau_b(T, level=95)
