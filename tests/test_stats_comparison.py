"""Tests of jobhandicap.stats.comparison: funnels, overdispersion, shrinkage, differences."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jobhandicap.errors import JobhandicapError
from jobhandicap.stats import (
    Estimate,
    benjamini_hochberg,
    benjamini_hochberg_adjusted,
    funnel_limits,
    funnel_p_value,
    hedges_g,
    overdispersion,
    shrink_binomial,
    shrink_poisson,
    welch_difference,
)
from jobhandicap.stats.comparison import FunnelMethod

# METHODS.md, "Comparing jobcentres".
NUM = [12, 30, 45, 8, 60, 22, 15, 70, 5, 33]
DEN = [20, 50, 80, 20, 90, 40, 30, 100, 15, 50]
PRO = [0.52, 0.61, 0.47, 0.58, 0.66, 0.55, 0.49, 0.63, 0.57, 0.60, 0.51, 0.59]
OTHER = [0.44, 0.50, 0.39, 0.47, 0.53, 0.41, 0.46, 0.49, 0.43, 0.52, 0.38, 0.45, 0.48, 0.42]
OTHER += [0.51, 0.40]


# -- reference values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "level", "low", "high"),
    [
        (10, 0.95, 0.229918, 0.852982),
        (10, 0.998, 0.056912, 0.983462),
        (50, 0.95, 0.451665, 0.724055),
        (200, 0.95, 0.529118, 0.664856),
    ],
)
def test_exact_funnel_reference(n: int, level: float, low: float, high: float) -> None:
    limits = funnel_limits(0.6, n, level=level)
    assert limits.low == pytest.approx(low, abs=1e-6)
    assert limits.high == pytest.approx(high, abs=1e-6)
    assert isinstance(limits.low, float)


def test_exact_funnel_vectorised() -> None:
    low, high = funnel_limits(0.6, np.array([10, 50, 200]))
    np.testing.assert_allclose(low, [0.229918, 0.451665, 0.529118], atol=1e-6)
    np.testing.assert_allclose(high, [0.852982, 0.724055, 0.664856], atol=1e-6)


def test_normal_and_arcsine_funnel_formulas() -> None:
    z = 1.959963984540054
    low, high = funnel_limits(0.6, 50, method="normal")
    half = z * math.sqrt(0.6 * 0.4 / 50)
    assert (low, high) == pytest.approx((0.6 - half, 0.6 + half), abs=1e-12)
    low, high = funnel_limits(0.6, 50, method="arcsine")
    centre = math.asin(math.sqrt(0.6))
    half = z / (2 * math.sqrt(50))
    expected = (math.sin(centre - half) ** 2, math.sin(centre + half) ** 2)
    assert (low, high) == pytest.approx(expected, abs=1e-12)
    low, high = funnel_limits(0.6, 50, overdispersion=0.00245442)
    half = z * math.sqrt(1 / 200 + 0.00245442)
    expected = (math.sin(centre - half) ** 2, math.sin(centre + half) ** 2)
    assert (low, high) == pytest.approx(expected, abs=1e-12)


def test_overdispersion_reference() -> None:
    phi, tau2 = overdispersion(NUM, DEN)
    assert phi == pytest.approx(1.320474, abs=1e-6)
    assert tau2 == pytest.approx(0.00245442, abs=1e-8)
    pooled = sum(NUM) / sum(DEN)
    assert overdispersion(NUM, DEN, target=pooled) == pytest.approx((phi, tau2), abs=1e-15)


def test_shrink_binomial_reference() -> None:
    result = shrink_binomial(NUM, DEN)
    expected = [
        0.604799,
        0.603657,
        0.583733,
        0.563165,
        0.638904,
        0.586742,
        0.576065,
        0.659412,
        0.561143,
        0.627452,
    ]
    np.testing.assert_allclose(result.shrunk, expected, atol=1e-6)
    np.testing.assert_allclose(result.raw, np.array(NUM) / np.array(DEN))
    assert result.mean == pytest.approx(300 / 495)
    assert result.between_variance > 0


def test_shrink_poisson_reference() -> None:
    result = shrink_poisson([3, 10, 0, 25, 7, 2, 40], [1200, 5000, 800, 9000, 1500, 300, 11000])
    expected = [2.9908, 2.8133, 2.9023, 2.9443, 3.1379, 3.0758, 3.2422]
    np.testing.assert_allclose(result.shrunk, expected, atol=1e-4)
    assert result.mean == pytest.approx(87 / 28800 * 1000)
    per_person = shrink_poisson(
        [3, 10, 0, 25, 7, 2, 40], [1200, 5000, 800, 9000, 1500, 300, 11000], per=1.0
    )
    np.testing.assert_allclose(per_person.shrunk * 1000, result.shrunk)
    assert per_person.between_variance * 1e6 == pytest.approx(result.between_variance)


def test_welch_reference() -> None:
    estimate = welch_difference(PRO, OTHER)
    assert isinstance(estimate, Estimate)
    assert estimate.estimate == pytest.approx(0.11, abs=1e-6)
    assert estimate.ci_low == pytest.approx(0.067158, abs=1e-6)
    assert estimate.ci_high == pytest.approx(0.152842, abs=1e-6)


def test_welch_drops_nan() -> None:
    with_nan = welch_difference([*PRO, math.nan], [math.nan, *OTHER])
    assert with_nan == pytest.approx(welch_difference(PRO, OTHER))


def test_hedges_reference() -> None:
    # Independent computation with the statistics module.
    n1, n2 = len(PRO), len(OTHER)
    pooled = math.sqrt(
        ((n1 - 1) * statistics.variance(PRO) + (n2 - 1) * statistics.variance(OTHER))
        / (n1 + n2 - 2)
    )
    d = (statistics.fmean(PRO) - statistics.fmean(OTHER)) / pooled
    g = hedges_g(PRO, OTHER)
    assert g == pytest.approx(d * (1 - 3 / (4 * (n1 + n2) - 9)), rel=1e-12)
    assert g == pytest.approx(2.039376, abs=1e-6)
    assert hedges_g([3, 4, 5, 6], [1, 2, 3, 4]) == pytest.approx(1.347125, abs=1e-6)


def test_benjamini_hochberg_reference() -> None:
    # Benjamini & Hochberg (1995), section 4: 15 p-values, 4 rejected at q* = 0.05.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240]
    p += [0.4262, 0.5719, 0.6528, 0.7590, 1.0]
    rejected = benjamini_hochberg(p, alpha=0.05)
    assert rejected.tolist() == [True] * 4 + [False] * 11
    adjusted = benjamini_hochberg_adjusted(p)
    # R: p.adjust(p, "BH")[1:5]
    np.testing.assert_allclose(
        adjusted[:5], [0.0015, 0.0030, 0.0095, 0.035625, 0.0603], atol=1e-10
    )


def test_benjamini_hochberg_missing_values() -> None:
    p = np.array([0.01, np.nan, 0.04])
    adjusted = benjamini_hochberg_adjusted(p)
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], [0.02, 0.04])
    assert benjamini_hochberg(p).tolist() == [True, False, True]


def test_funnel_p_value_reference() -> None:
    def pmf(k: int) -> float:
        return math.comb(10, k) * 0.6**k * 0.4 ** (10 - k)

    below = sum(pmf(k) for k in range(2)) + pmf(2) / 2
    assert funnel_p_value(2, 10, 0.6) == pytest.approx(2 * below, rel=1e-12)
    above = sum(pmf(k) for k in range(10, 10)) + pmf(10) / 2
    assert funnel_p_value(10, 10, 0.6) == pytest.approx(2 * above, rel=1e-12)
    assert funnel_p_value(0, 10, 0.0) == 1.0


# -- bad input ---------------------------------------------------------------------------------


def test_funnel_bad_input() -> None:
    with pytest.raises(JobhandicapError, match="target must be a proportion"):
        funnel_limits(1.2, 10)
    with pytest.raises(JobhandicapError, match="n must be positive"):
        funnel_limits(0.5, [10, 0])
    with pytest.raises(JobhandicapError, match="whole numbers"):
        funnel_limits(0.5, 10.5)
    assert funnel_limits(0.5, 10.5, method="normal").low < 0.5
    with pytest.raises(JobhandicapError, match="method"):
        funnel_limits(0.5, 10, method="poisson")  # type: ignore[call-overload]
    with pytest.raises(JobhandicapError, match="method='arcsine'"):
        funnel_limits(0.5, 10, method="exact", overdispersion=0.01)
    with pytest.raises(JobhandicapError, match="non-negative"):
        funnel_limits(0.5, 10, overdispersion=-0.01)
    with pytest.raises(JobhandicapError, match="level"):
        funnel_limits(0.5, 10, level=1.0)


def test_funnel_p_value_bad_input() -> None:
    with pytest.raises(JobhandicapError, match="between 0 and total"):
        funnel_p_value(11, 10, 0.5)
    with pytest.raises(JobhandicapError, match="total must be positive"):
        funnel_p_value(0, 0, 0.5)
    with pytest.raises(JobhandicapError, match="target"):
        funnel_p_value(1, 10, -0.1)


@pytest.mark.parametrize("function", [overdispersion, shrink_binomial])
def test_binomial_counts_bad_input(function: Callable[..., object]) -> None:
    with pytest.raises(JobhandicapError, match="cannot exceed"):
        function([5, 3], [4, 10])
    with pytest.raises(JobhandicapError, match="non-negative"):
        function([-1, 3], [4, 10])
    with pytest.raises(JobhandicapError, match="positive"):
        function([0, 3], [0, 10])
    with pytest.raises(JobhandicapError, match="same"):
        function([1, 3], [4, 10, 5])


def test_other_bad_input() -> None:
    with pytest.raises(JobhandicapError, match="at least two units"):
        overdispersion([1], [2])
    with pytest.raises(JobhandicapError, match="target"):
        overdispersion(NUM, DEN, target=2.0)
    with pytest.raises(JobhandicapError, match="exposure must be finite and positive"):
        shrink_poisson([1, 2], [100, 0])
    with pytest.raises(JobhandicapError, match="per"):
        shrink_poisson([1, 2], [100, 10], per=0)
    with pytest.raises(JobhandicapError, match="at least two"):
        welch_difference([1.0], [1.0, 2.0])
    with pytest.raises(JobhandicapError, match="finite"):
        welch_difference([1.0, math.inf], [1.0, 2.0])
    with pytest.raises(JobhandicapError, match="neither sample varies"):
        hedges_g([1.0, 1.0], [1.0, 1.0])
    with pytest.raises(JobhandicapError, match="between 0 and 1"):
        benjamini_hochberg([0.5, 1.5])
    with pytest.raises(JobhandicapError, match="alpha"):
        benjamini_hochberg([0.5], alpha=0)


# -- properties --------------------------------------------------------------------------------

proportions = st.floats(min_value=0.0, max_value=1.0)
sizes = st.integers(min_value=1, max_value=500)
levels = st.sampled_from([0.8, 0.95, 0.998])


@given(proportions, st.lists(sizes, min_size=1, max_size=10), levels)
def test_funnel_limits_bracket_the_target(p0: float, n: list[int], level: float) -> None:
    methods: list[FunnelMethod] = ["exact", "normal", "arcsine"]
    for method in methods:
        low, high = funnel_limits(p0, n, level=level, method=method)
        assert np.all((low >= 0.0) & (high <= 1.0))
        assert np.all(low <= p0 + 1e-12)
        assert np.all(high >= p0 - 1e-12)


@given(proportions, sizes, levels)
def test_exact_funnel_vector_equals_scalar(p0: float, n: int, level: float) -> None:
    vector = funnel_limits(p0, [n, n + 1], level=level)
    scalar = funnel_limits(p0, n, level=level)
    assert vector.low[0] == scalar.low
    assert vector.high[0] == scalar.high


@given(st.floats(min_value=0.01, max_value=0.99), sizes, sizes)
def test_normal_funnel_widens_as_n_falls(p0: float, n1: int, n2: int) -> None:
    assume(n1 < n2)
    small = funnel_limits(p0, n1, method="normal")
    large = funnel_limits(p0, n2, method="normal")
    assert small.low <= large.low
    assert small.high >= large.high


@given(st.floats(min_value=0.01, max_value=0.99), sizes, st.floats(0.0, 0.05))
def test_overdispersion_widens_funnel(p0: float, n: int, tau2: float) -> None:
    plain = funnel_limits(p0, n, method="arcsine")
    wide = funnel_limits(p0, n, overdispersion=tau2)
    assert wide.low <= plain.low + 1e-15
    assert wide.high >= plain.high - 1e-15


units = st.lists(
    st.tuples(st.integers(min_value=1, max_value=200), st.floats(min_value=0.0, max_value=1.0)),
    min_size=2,
    max_size=15,
).map(lambda rows: ([round(n * f) for n, f in rows], [n for n, _ in rows]))


@given(units, st.randoms(use_true_random=False))
def test_overdispersion_properties(data: tuple[list[int], list[int]], rnd: object) -> None:
    count, total = data
    phi, tau2 = overdispersion(count, total)
    assert phi >= 0.0
    assert tau2 >= 0.0
    assert (tau2 == 0.0) == (len(count) * phi <= len(count) - 1)
    order = list(range(len(count)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = overdispersion([count[i] for i in order], [total[i] for i in order])
    assert shuffled == pytest.approx((phi, tau2), rel=1e-9, abs=1e-15)


@given(units)
def test_binomial_shrinkage_between_raw_and_mean(data: tuple[list[int], list[int]]) -> None:
    count, total = data
    count_in, total_in = np.array(count), np.array(total)
    result = shrink_binomial(count_in, total_in)
    np.testing.assert_array_equal(count_in, count)
    np.testing.assert_array_equal(total_in, total)
    low = np.minimum(result.raw, result.mean) - 1e-12
    high = np.maximum(result.raw, result.mean) + 1e-12
    assert np.all((result.shrunk >= low) & (result.shrunk <= high))
    assert np.all((result.weight >= 0.0) & (result.weight <= 1.0))
    assert result.between_variance >= 0.0
    # Larger units keep more of their own rate.
    order = np.argsort(total_in, kind="stable")
    assert np.all(np.diff(result.weight[order]) >= -1e-12)


@given(
    st.lists(
        st.tuples(st.integers(0, 100), st.floats(min_value=1.0, max_value=1e5)),
        min_size=1,
        max_size=15,
    )
)
def test_poisson_shrinkage_between_raw_and_mean(rows: list[tuple[int, float]]) -> None:
    count = [c for c, _ in rows]
    exposure = [e for _, e in rows]
    result = shrink_poisson(count, exposure)
    low = np.minimum(result.raw, result.mean) * (1 - 1e-12) - 1e-12
    high = np.maximum(result.raw, result.mean) * (1 + 1e-12) + 1e-12
    assert np.all((result.shrunk >= low) & (result.shrunk <= high))


samples = st.lists(st.floats(min_value=-100.0, max_value=100.0), min_size=2, max_size=20)


@given(samples, samples, st.floats(min_value=-10.0, max_value=10.0))
def test_welch_properties(x: list[float], y: list[float], shift: float) -> None:
    x_in, y_in = np.array(x), np.array(y)
    result = welch_difference(x_in, y_in)
    np.testing.assert_array_equal(x_in, x)
    np.testing.assert_array_equal(y_in, y)
    assert result.ci_low <= result.estimate <= result.ci_high
    swapped = welch_difference(y, x)
    assert swapped.estimate == pytest.approx(-result.estimate, abs=1e-9)
    assert swapped.ci_low == pytest.approx(-result.ci_high, abs=1e-9)
    moved = welch_difference(x, [v + shift for v in y])
    assert moved.estimate == pytest.approx(result.estimate - shift, abs=1e-9)
    narrow = welch_difference(x, y, level=0.8)
    assert result.ci_low <= narrow.ci_low + 1e-12
    assert narrow.ci_high <= result.ci_high + 1e-12


@given(samples, samples, st.floats(min_value=0.01, max_value=100.0))
def test_hedges_properties(x: list[float], y: list[float], scale: float) -> None:
    assume(np.ptp(x) > 1e-3 or np.ptp(y) > 1e-3)
    g = hedges_g(x, y)
    assert hedges_g(y, x) == pytest.approx(-g, rel=1e-9, abs=1e-12)
    scaled = hedges_g([scale * v for v in x], [scale * v for v in y])
    assert scaled == pytest.approx(g, rel=1e-6, abs=1e-9)
    assert np.sign(g) == np.sign(np.mean(x) - np.mean(y)) or abs(g) < 1e-9


p_value_lists = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30)


@given(p_value_lists, st.randoms(use_true_random=False))
def test_benjamini_hochberg_properties(p: list[float], rnd: object) -> None:
    p_in = np.array(p)
    adjusted = benjamini_hochberg_adjusted(p_in)
    np.testing.assert_array_equal(p_in, p)
    assert np.all(adjusted >= p_in - 1e-15)
    assert np.all(adjusted <= 1.0)
    # Ordering is kept: a smaller p-value never gets a larger adjusted value.
    order = np.argsort(p_in, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-15)
    # More rejections at a larger alpha; the set does not depend on the order of the tests.
    strict, loose = benjamini_hochberg(p_in, alpha=0.01), benjamini_hochberg(p_in, alpha=0.1)
    assert np.all(loose[strict])
    permutation = list(range(len(p)))
    rnd.shuffle(permutation)  # type: ignore[attr-defined]
    shuffled = benjamini_hochberg(p_in[permutation], alpha=0.1)
    np.testing.assert_array_equal(shuffled, loose[permutation])
    # The step-up definition: reject the k smallest, k the largest with p_(k) <= k alpha / m.
    ranked = np.sort(p_in)
    passing = np.flatnonzero(ranked <= np.arange(1, len(p) + 1) * 0.1 / len(p))
    k = passing[-1] + 1 if passing.size else 0
    assert loose.sum() == k


@given(sizes, st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_funnel_p_value_properties(n: int, fraction: float, p0: float) -> None:
    count = round(n * fraction)
    p = funnel_p_value(count, n, p0)
    assert 0.0 <= p <= 1.0
    # Symmetry: successes against p0 are failures against 1 - p0.
    assert funnel_p_value(n - count, n, 1.0 - p0) == pytest.approx(p, abs=1e-12)


def test_welch_interval_survives_tiny_variances() -> None:
    # Regression: squaring a variance of 1e-155 once underflowed to a 0/0 degrees of freedom.
    from jobhandicap.stats import welch_difference

    estimate = welch_difference([0.0, 1e-155], [0.0, 0.0])
    assert np.isfinite(estimate.ci_low)
    assert np.isfinite(estimate.ci_high)
    assert estimate.ci_low <= estimate.estimate <= estimate.ci_high
