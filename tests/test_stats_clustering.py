"""Tests of jobhandicap.stats.clustering: ICC, design effect, cluster-robust variance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats as sps

from jobhandicap.errors import JobhandicapError, OptionError
from jobhandicap.stats import (
    cluster_anova,
    cluster_robust_difference,
    cluster_robust_mean,
    design_effect,
    intraclass_correlation,
)
from jobhandicap.stats._core import FloatArray

# METHODS.md §4.3: one-stage cluster sample, 42 staff in 8 of 40 jobcentres.
SIZES = [4, 6, 5, 7, 3, 6, 5, 6]
LIKERT = [2, 3, 4, 1, 2, 1, 4, 3, 3, 2, 3, 3, 3, 2, 5, 3, 3, 2, 2, 3, 3]
LIKERT += [3, 4, 4, 4, 2, 4, 4, 3, 3, 4, 5, 3, 5, 3, 5, 4, 5, 5, 3, 2, 4]
CLUSTER = np.repeat(np.arange(8), SIZES)
Y = np.asarray(LIKERT, dtype=np.float64)


def reduce(y: FloatArray, cluster: np.ndarray, rows: np.ndarray | None = None) -> list[FloatArray]:
    """n, Σy, Σy² per cluster (of the rows selected by ``rows``)."""
    weight = np.ones(y.size) if rows is None else rows.astype(np.float64)
    return [np.bincount(cluster, weight * y**p).astype(np.float64) for p in (0, 1, 2)]


# -- reference values ------------------------------------------------------------------------


def test_anova_reproduces_methods_4_3() -> None:
    anova = cluster_anova(*reduce(Y, CLUSTER))
    assert anova.msb == pytest.approx(2.27483, abs=5e-6)
    assert anova.msw == pytest.approx(0.932213, abs=5e-7)
    assert anova.k0 == pytest.approx(5.21088, abs=5e-6)
    assert (anova.df_between, anova.df_within, anova.n, anova.clusters) == (7, 34, 42, 8)


def test_icc_reproduces_methods_4_3_for_both_group_sizes() -> None:
    k0 = intraclass_correlation(*reduce(Y, CLUSTER))
    mean = intraclass_correlation(*reduce(Y, CLUSTER), size="mean")
    assert k0.icc == pytest.approx(0.216542, abs=5e-7)
    assert mean.icc == pytest.approx(0.215276, abs=5e-7)  # multilevel::ICC1
    assert k0.icc2 == pytest.approx(0.590205, abs=5e-7)  # multilevel::ICC2
    assert mean.icc2 == k0.icc2
    assert k0.size == pytest.approx(5.21088, abs=5e-6)
    assert mean.size == 5.25


def test_icc_interval_is_searles_f_interval() -> None:
    # Written out: F = MSB/MSW, F_L = F / F_.975(7, 34), F_U = F * F_.975(34, 7).
    f = 2.274829931972785 / 0.9322128851540616
    k0 = 42 / 7 - 232 / 42 / 7
    f_low, f_high = f / sps.f.ppf(0.975, 7, 34), f * sps.f.ppf(0.975, 34, 7)
    result = intraclass_correlation(*reduce(Y, CLUSTER))
    assert result.ci_low == pytest.approx((f_low - 1) / (f_low + k0 - 1), rel=1e-9)
    assert result.ci_high == pytest.approx((f_high - 1) / (f_high + k0 - 1), rel=1e-9)
    assert result.p_value == pytest.approx(sps.f.sf(f, 7, 34), rel=1e-9)


def test_icc_of_shrout_and_fleiss_targets_matches_psych() -> None:
    # Shrout & Fleiss (1979), six targets × four judges; R psych::ICC: ICC1 = 0.17,
    # F = 1.8 on (5, 18), p = 0.16, bounds -0.13 and 0.72 (two decimals).
    ratings = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
        dtype=np.float64,
    )
    result = intraclass_correlation(np.full(6, 4), ratings.sum(1), (ratings**2).sum(1))
    assert round(result.icc, 2) == 0.17
    assert (round(result.ci_low, 2), round(result.ci_high, 2)) == (-0.13, 0.72)
    assert round(result.p_value, 2) == 0.16


def test_cluster_robust_mean_reproduces_r_survey_without_fpc() -> None:
    result = cluster_robust_mean(*reduce(Y, CLUSTER))
    assert result.estimate == pytest.approx(3.23810, abs=5e-6)
    assert result.se == pytest.approx(0.232237, abs=5e-7)
    assert result.deff == pytest.approx(1.95036, abs=5e-6)  # deff "replace" without fpc
    assert result.df == 7
    # R's t7 interval with fpc (2.74692 - 3.72927) has the half-width times sqrt(1 - 8/40).
    half = (result.ci_high - result.ci_low) / 2 * math.sqrt(1 - 8 / 40)
    assert result.estimate - half == pytest.approx(2.74692, abs=5e-6)
    assert result.estimate + half == pytest.approx(3.72927, abs=5e-6)


def _ols_cr1(y: FloatArray, group: np.ndarray, cluster: np.ndarray) -> tuple[float, float]:
    """Slope of y on a group indicator and its CR1 standard error (C/(C-1)), by matrices."""
    x = np.column_stack([np.ones(y.size), group.astype(np.float64)])
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    residual = y - x @ beta
    labels = np.unique(cluster)
    scores = np.array([x[cluster == c].T @ residual[cluster == c] for c in labels])
    c = labels.size
    variance = c / (c - 1) * bread @ (scores.T @ scores) @ bread
    return float(beta[1]), float(np.sqrt(variance[1, 1]))


@pytest.mark.parametrize("crossed", [False, True])
def test_cluster_robust_difference_is_the_cr1_sandwich_of_the_regression(crossed: bool) -> None:
    group = (np.arange(Y.size) % 2 == 0) if crossed else CLUSTER < 4
    slope, se = _ols_cr1(Y, group, CLUSTER)
    result = cluster_robust_difference(*reduce(Y, CLUSTER, group), *reduce(Y, CLUSTER, ~group))
    assert result.estimate == pytest.approx(slope, rel=1e-12)
    assert result.se == pytest.approx(se, rel=1e-10)
    half = sps.t.ppf(0.975, 7) * se
    assert (result.ci_low, result.ci_high) == pytest.approx((slope - half, slope + half))
    naive = Y[group].var(ddof=1) / group.sum() + Y[~group].var(ddof=1) / (~group).sum()
    assert result.deff == pytest.approx(se**2 / naive, rel=1e-10)


def test_design_effect_variants() -> None:
    icc = 0.216542
    # Kish: 1 + (sum n^2 / N - 1) icc = 1 + (232/42 - 1) icc; mean size: 1 + (5.25 - 1) icc.
    assert design_effect(icc, SIZES) == pytest.approx(1 + (232 / 42 - 1) * icc, rel=1e-12)
    assert design_effect(icc, SIZES, variant="mean") == pytest.approx(1 + 4.25 * icc, rel=1e-12)
    sizes = np.asarray(SIZES, dtype=np.float64)
    cv = sizes.std() / sizes.mean()
    kish = 1 + (sizes.mean() * (1 + cv**2) - 1) * icc
    assert design_effect(icc, SIZES) == pytest.approx(kish, rel=1e-12)


def test_leading_axes_are_separate_problems_and_empty_clusters_are_absent() -> None:
    n, sums, squares = reduce(Y, CLUSTER)
    first = CLUSTER < 5
    part = reduce(Y, CLUSTER, first)
    stacked = [np.vstack([a, b]) for a, b in zip((n, sums, squares), part, strict=True)]
    both = intraclass_correlation(*stacked)
    alone = intraclass_correlation(*(a[:5] for a in part))
    whole = intraclass_correlation(n, sums, squares)
    assert both.icc[0] == pytest.approx(whole.icc)
    assert both.icc[1] == pytest.approx(alone.icc)
    assert both.ci_high[1] == pytest.approx(alone.ci_high)
    deff = design_effect(both.icc, stacked[0])
    assert deff[1] == pytest.approx(design_effect(alone.icc, part[0][:5]))


# -- undefined and bad input -------------------------------------------------------------------


def test_undefined_icc_is_nan() -> None:
    one_cluster = intraclass_correlation([5], [15.0], [50.0])
    singletons = intraclass_correlation([1, 1, 1], [1.0, 2.0, 4.0], [1.0, 4.0, 16.0])
    constant = intraclass_correlation([2, 3], [6.0, 9.0], [18.0, 27.0])
    for result in (one_cluster, singletons, constant):
        assert all(math.isnan(v) for v in result[:5])
    assert math.isnan(cluster_robust_mean([5], [15.0], [50.0]).ci_low)


def test_no_variation_within_clusters_gives_icc_one() -> None:
    result = intraclass_correlation([2, 3], [2.0, 9.0], [2.0, 27.0])
    assert (result.icc, result.ci_low, result.ci_high, result.icc2) == (1.0, 1.0, 1.0, 1.0)


def test_bad_input_is_refused() -> None:
    with pytest.raises(JobhandicapError, match="non-negative"):
        cluster_anova([2, -1], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(JobhandicapError, match="one entry per cluster"):
        intraclass_correlation([2, 2, 2], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(JobhandicapError, match="scalars"):
        cluster_anova(2, 1.0, 1.0)
    with pytest.raises(JobhandicapError, match="finite"):
        cluster_robust_mean([2, 2], [1.0, np.inf], [1.0, 1.0])
    with pytest.raises(OptionError, match="size"):
        intraclass_correlation([2, 2], [1.0, 2.0], [1.0, 2.0], size="median")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="variant"):
        design_effect(0.1, [2, 2], variant="cv")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="level"):
        intraclass_correlation([2, 2], [1.0, 2.0], [1.0, 2.0], level=95)
    with pytest.raises(JobhandicapError, match="same clusters"):
        cluster_robust_difference([2, 2], [1.0, 2.0], [1.0, 2.0], [1], [1.0], [1.0])


# -- properties ----------------------------------------------------------------------------------


@st.composite
def clustered(draw: st.DrawFn) -> tuple[FloatArray, np.ndarray]:
    """Answers 1-5 in 2-8 clusters of 1-6 members, at least one cluster of two."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=8))
    assume(max(sizes) >= 2)
    cluster = np.repeat(np.arange(len(sizes)), sizes)
    y = np.asarray(draw(st.lists(st.integers(1, 5), min_size=cluster.size, max_size=cluster.size)))
    return y.astype(np.float64), cluster


@given(clustered())
def test_icc_is_bounded_and_ignores_the_clusters_order(
    data: tuple[FloatArray, np.ndarray],
) -> None:
    y, cluster = data
    result = intraclass_correlation(*reduce(y, cluster))
    assume(not math.isnan(result.icc))
    assert result.icc <= 1.0 + 1e-12
    assert result.icc >= -1.0 / (result.size - 1.0) - 1e-12
    assert result.ci_low - 1e-12 <= result.icc <= result.ci_high + 1e-12
    order = np.random.default_rng(cluster.size).permutation(cluster.max() + 1)
    relabelled = intraclass_correlation(*reduce(y, order[cluster]))
    assert relabelled.icc == pytest.approx(result.icc, rel=1e-9, abs=1e-12)
    assert relabelled.ci_low == pytest.approx(result.ci_low, rel=1e-9, abs=1e-12)
    shifted = intraclass_correlation(*reduce(3.0 * y + 7.0, cluster))
    assert shifted.icc == pytest.approx(result.icc, rel=1e-7, abs=1e-9)


@given(clustered())
def test_design_effect_is_at_least_one_for_positive_icc(
    data: tuple[FloatArray, np.ndarray],
) -> None:
    _, cluster = data
    sizes = np.bincount(cluster)
    for icc in (0.0, 0.1, 0.5, 1.0):
        kish = design_effect(icc, sizes)
        mean = design_effect(icc, sizes, variant="mean")
        assert kish >= mean - 1e-12 >= 1.0 - 1e-12  # Σn²/N ≥ N/J
    if len(set(sizes.tolist())) == 1:
        assert design_effect(0.3, sizes) == pytest.approx(
            design_effect(0.3, sizes, variant="mean")
        )


@given(clustered())
def test_cluster_robust_mean_of_singletons_is_the_plain_standard_error(
    data: tuple[FloatArray, np.ndarray],
) -> None:
    y, _ = data
    singletons = np.arange(y.size)
    assume(y.size >= 2 and y.std() > 0)
    result = cluster_robust_mean(*reduce(y, singletons))
    assert result.se == pytest.approx(y.std(ddof=1) / math.sqrt(y.size), rel=1e-9)
    assert result.deff == pytest.approx(1.0, rel=1e-9)
