"""The scalar and array forms of the estimators agree, and their types say what they return.

Every broadcasting estimator of ``jobhandicap.stats`` has two overloads: scalars in, floats out
(``Estimate[float]``); array-likes in, float64 arrays out (``Estimate[FloatArray]``). The
annotated assignments below are checked by ``mypy --strict`` (which runs over the tests); the
properties check at run time that the two forms give the same numbers, element by element,
and the types the overloads promise.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap._defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap.stats import (
    Estimate,
    bootstrap_difference,
    bootstrap_interval,
    clopper_pearson_interval,
    fisher_interval,
    funnel_limits,
    funnel_p_value,
    mcnemar_exact,
    newcombe_difference,
    nonresponse_bounds,
    poisson_interval,
    wilson_interval,
)
from jobhandicap.stats._core import FloatArray
from jobhandicap.stats.comparison import FunnelLimits

LEVELS = st.sampled_from([0.8, 0.9, 0.95, 0.99])
#: Target proportions. scipy's binomial pmf overflows (OverflowError) for p near the smallest
#: normal double (2.2e-308), so the few values below 1e-300 are left out.
TARGETS = st.floats(0.0, 1.0).filter(lambda p: p == 0.0 or p >= 1e-300)


@st.composite
def count_and_base(draw: st.DrawFn, max_n: int = 300) -> tuple[int, int]:
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


@st.composite
def count_base_population(draw: st.DrawFn) -> tuple[int, int, int]:
    big = draw(st.integers(1, 400))
    n = draw(st.integers(1, big))
    return draw(st.integers(0, n)), n, big


def rows_of(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, min_size=1, max_size=12)


def columns(rows: Sequence[Sequence[float]]) -> list[list[float]]:
    return [list(column) for column in zip(*rows, strict=True)]


def assert_same(array: FloatArray, scalars: Sequence[float]) -> None:
    """An array result equals the scalar results, NaN where they are NaN, bit for bit."""
    assert isinstance(array, np.ndarray)
    assert array.dtype == np.float64
    assert array.shape == (len(scalars),)
    np.testing.assert_array_equal(array, np.array(scalars, dtype=np.float64))


def assert_estimates_agree(array: Estimate[FloatArray], scalars: list[Estimate[float]]) -> None:
    for field in range(3):
        assert all(type(one[field]) is float for one in scalars)
        assert_same(array[field], [one[field] for one in scalars])


# --------------------------------------------------------------------------------------------
# Static types of the overloads (checked by mypy; the asserts check them at run time)
# --------------------------------------------------------------------------------------------


def test_overloads_give_floats_for_scalars_and_arrays_for_array_likes() -> None:
    one: Estimate[float] = wilson_interval(3, 10)
    many: Estimate[FloatArray] = wilson_interval([3, 4], [10, 10])
    share: float = one.estimate
    shares: FloatArray = many.estimate
    assert type(share) is float
    assert isinstance(shares, np.ndarray)
    assert shares.shape == (2,)

    numpy_scalars: Estimate[float] = wilson_interval(np.int64(3), np.float64(10.0))
    assert all(type(value) is float for value in numpy_scalars)
    p: float = mcnemar_exact(3, 4)
    ps: FloatArray = mcnemar_exact([3], [4])
    low, high = nonresponse_bounds(3, 10, 12)
    lows, highs = nonresponse_bounds([3], [10], [12])
    limits: FunnelLimits[float] = funnel_limits(0.6, 10)
    limit_arrays: FunnelLimits[FloatArray] = funnel_limits(0.6, [10, 20])
    p_value: float = funnel_p_value(2, 10, 0.6)
    p_values: FloatArray = funnel_p_value([2], [10], 0.6)
    assert all(type(v) is float for v in (p, low, high, *limits, p_value))
    assert all(isinstance(v, np.ndarray) for v in (ps, lows, highs, *limit_arrays, p_values))


def test_a_zero_dimensional_array_still_gives_floats() -> None:
    # Typed as the array case (np.ndarray is not a Scalar); at run time it is a scalar.
    values: tuple[object, ...] = tuple(wilson_interval(np.array(3), np.array(10)))
    assert all(type(value) is float for value in values)


# --------------------------------------------------------------------------------------------
# Scalar and array forms agree element by element
# --------------------------------------------------------------------------------------------


@given(rows_of(count_and_base()), LEVELS)
def test_wilson_array_equals_scalars(rows: list[tuple[int, int]], level: float) -> None:
    counts, bases = columns(rows)
    assert_estimates_agree(
        wilson_interval(counts, bases, level=level),
        [wilson_interval(x, n, level=level) for x, n in rows],
    )


@given(rows_of(count_base_population()))
def test_finite_population_wilson_array_equals_scalars(rows: list[tuple[int, int, int]]) -> None:
    counts, bases, populations = columns(rows)
    assert_estimates_agree(
        wilson_interval(counts, bases, population=populations),
        [wilson_interval(x, n, population=big) for x, n, big in rows],
    )


@given(rows_of(count_and_base()), LEVELS)
def test_clopper_pearson_array_equals_scalars(rows: list[tuple[int, int]], level: float) -> None:
    counts, bases = columns(rows)
    assert_estimates_agree(
        clopper_pearson_interval(counts, bases, level=level),
        [clopper_pearson_interval(x, n, level=level) for x, n in rows],
    )


@given(rows_of(count_base_population()))
def test_nonresponse_bounds_array_equals_scalars(rows: list[tuple[int, int, int]]) -> None:
    counts, bases, populations = columns(rows)
    lows, highs = nonresponse_bounds(counts, bases, populations)
    scalars = [nonresponse_bounds(x, n, big) for x, n, big in rows]
    assert_same(lows, [low for low, _ in scalars])
    assert_same(highs, [high for _, high in scalars])


@given(rows_of(st.tuples(count_and_base(), count_and_base())))
def test_newcombe_array_equals_scalars(
    rows: list[tuple[tuple[int, int], tuple[int, int]]],
) -> None:
    x1, n1 = columns([first for first, _ in rows])
    x2, n2 = columns([second for _, second in rows])
    assert_estimates_agree(
        newcombe_difference(x1, n1, x2, n2),
        [newcombe_difference(a, m, b, k) for (a, m), (b, k) in rows],
    )


@given(rows_of(st.tuples(st.integers(0, 80), st.integers(0, 80))))
def test_mcnemar_array_equals_scalars(rows: list[tuple[int, int]]) -> None:
    b, c = columns(rows)
    assert_same(mcnemar_exact(b, c), [mcnemar_exact(x, y) for x, y in rows])


@given(rows_of(st.tuples(st.integers(0, 500), st.floats(1.0, 1e6))), st.sampled_from([1.0, 1e3]))
def test_poisson_array_equals_scalars(rows: list[tuple[int, float]], per: float) -> None:
    counts, exposures = columns(rows)
    assert_estimates_agree(
        poisson_interval(counts, exposure=exposures, per=per),
        [poisson_interval(x, exposure=e, per=per) for x, e in rows],
    )


@given(rows_of(st.tuples(st.floats(-1.0, 1.0), st.integers(4, 5000))), LEVELS)
def test_fisher_array_equals_scalars(rows: list[tuple[float, int]], level: float) -> None:
    rs, ns = columns(rows)
    assert_estimates_agree(
        fisher_interval(rs, ns, level=level), [fisher_interval(r, n, level=level) for r, n in rows]
    )


@given(
    TARGETS,
    rows_of(st.integers(1, 2000)),
    st.sampled_from(["exact", "normal", "arcsine"]),
)
def test_funnel_limits_array_equals_scalars(p0: float, sizes: list[int], method: Any) -> None:
    limits = funnel_limits(p0, sizes, method=method)
    scalars = [funnel_limits(p0, n, method=method) for n in sizes]
    assert all(type(value) is float for one in scalars for value in one)
    assert_same(limits.low, [one.low for one in scalars])
    assert_same(limits.high, [one.high for one in scalars])


@given(rows_of(count_and_base(1000)), TARGETS)
def test_funnel_p_value_array_equals_scalars(rows: list[tuple[int, int]], p0: float) -> None:
    counts, totals = columns(rows)
    p_values = funnel_p_value(counts, totals, p0)
    scalars = [funnel_p_value(x, n, p0) for x, n in rows]
    assert all(type(value) is float for value in scalars)
    assert_same(p_values, scalars)


# --------------------------------------------------------------------------------------------
# Bounds and monotonicity where the existing tests have none
# --------------------------------------------------------------------------------------------


@given(count_and_base(), LEVELS, LEVELS)
def test_clopper_pearson_bounds_and_nested_levels(
    xn: tuple[int, int], level: float, other: float
) -> None:
    x, n = xn
    narrow, wide = sorted([level, other])
    inner = clopper_pearson_interval(x, n, level=narrow)
    outer = clopper_pearson_interval(x, n, level=wide)
    assert 0.0 <= inner.ci_low <= inner.estimate <= inner.ci_high <= 1.0
    assert outer.ci_low <= inner.ci_low + 1e-12
    assert outer.ci_high >= inner.ci_high - 1e-12


@given(st.integers(1, 300))
def test_clopper_pearson_limits_non_decreasing_in_count(n: int) -> None:
    est = clopper_pearson_interval(np.arange(n + 1), n)
    assert np.all(np.diff(est.ci_low) >= -1e-12)
    assert np.all(np.diff(est.ci_high) >= -1e-12)


@given(count_base_population())
def test_finite_population_bounds(xnbig: tuple[int, int, int]) -> None:
    x, n, big = xnbig
    est = wilson_interval(x, n, population=big)
    assert 0.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0


@given(count_and_base(1000), TARGETS)
def test_funnel_p_value_is_a_probability(xn: tuple[int, int], p0: float) -> None:
    x, n = xn
    assert 0.0 <= funnel_p_value(x, n, p0) <= 1.0


# --------------------------------------------------------------------------------------------
# Reproducible by default: the library's seed and number of resamples
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [bootstrap_interval, bootstrap_difference])
def test_bootstraps_default_to_the_library_seed_and_size(function: Callable[..., Any]) -> None:
    parameters = inspect.signature(function).parameters
    assert parameters["seed"].default == DEFAULT_SEED == 2018
    assert parameters["n_boot"].default == DEFAULT_N_BOOT == 1_999


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=4, max_size=20))
def test_bootstrap_without_a_seed_is_reproducible(values: list[float]) -> None:
    first = bootstrap_interval(values, np.mean, n_boot=199)
    again = bootstrap_interval(values, np.mean, n_boot=199)
    seeded = bootstrap_interval(values, np.mean, n_boot=199, seed=DEFAULT_SEED)
    assert first == again == seeded
    x, y = values[: len(values) // 2], values[len(values) // 2 :]
    difference = bootstrap_difference(x, y, n_boot=199)
    assert difference == bootstrap_difference(x, y, n_boot=199, seed=DEFAULT_SEED)
