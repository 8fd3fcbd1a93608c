"""Tests of jobhandicap.stats.proportions against METHODS.md and by properties."""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jobhandicap.errors import JobhandicapError, SmallSampleWarning
from jobhandicap.stats import Estimate
from jobhandicap.stats.proportions import (
    clopper_pearson_interval,
    mcnemar_exact,
    newcombe_difference,
    nonresponse_bounds,
    paired_difference,
    poisson_interval,
    wilson_interval,
)

TOL = 1e-6


def close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=0.0, abs_tol=TOL)


@st.composite
def count_and_base(draw: st.DrawFn, max_n: int = 500) -> tuple[int, int]:
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


@st.composite
def count_base_population(draw: st.DrawFn) -> tuple[int, int, int]:
    big = draw(st.integers(1, 400))
    n = draw(st.integers(1, big))
    return draw(st.integers(0, n)), n, big


tables = st.tuples(*(st.integers(0, 60) for _ in range(4))).filter(lambda t: sum(t) > 0)


# --------------------------------------------------------------------------------------------
# Reference values (METHODS.md)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        (35, 82, 0.325419, 0.534788),
        (0, 94, 0.0, 0.039262),
        (6, 10, 0.312674, 0.831820),
        (31, 86, 0.266970, 0.465893),
    ],
)
def test_wilson_reference(count: int, n: int, low: float, high: float) -> None:
    est = wilson_interval(count, n)
    assert close(est.estimate, count / n)
    assert close(est.ci_low, low)
    assert close(est.ci_high, high)


def test_wilson_reference_vectorised() -> None:
    est = wilson_interval(np.array([35, 0, 6, 31]), np.array([82, 94, 10, 86]))
    np.testing.assert_allclose(est.ci_low, [0.325419, 0.0, 0.312674, 0.266970], atol=TOL)
    np.testing.assert_allclose(est.ci_high, [0.534788, 0.039262, 0.831820, 0.465893], atol=TOL)


def test_clopper_pearson_reference() -> None:
    est = clopper_pearson_interval(35, 82)
    assert close(est.ci_low, 0.318156)
    assert close(est.ci_high, 0.540946)


def test_clopper_pearson_edges_exact() -> None:
    est = clopper_pearson_interval(np.array([0, 10]), np.array([10, 10]))
    assert est.ci_low[0] == 0.0
    assert est.ci_high[1] == 1.0
    # x = 0: upper limit 1 - (α/2)^(1/n)
    assert close(est.ci_high[0], 1 - 0.025 ** (1 / 10))
    assert close(est.ci_low[1], 0.025 ** (1 / 10))


def test_finite_population_reference() -> None:
    est = wilson_interval(35, 82, population=94)
    assert close(est.estimate, 35 / 82)
    assert close(est.ci_low, 0.388927)
    assert close(est.ci_high, 0.465611)


def test_census_has_zero_width() -> None:
    est = wilson_interval(np.array([35, 0, 94]), 94, population=94)
    np.testing.assert_array_equal(est.ci_low, est.estimate)
    np.testing.assert_array_equal(est.ci_high, est.estimate)
    one = wilson_interval(1, 1, population=1)
    assert (one.ci_low, one.ci_high) == (1.0, 1.0)


def test_nonresponse_bounds_reference() -> None:
    low, high = nonresponse_bounds(35, 82, 94)
    assert close(low, 0.372340)
    assert close(high, 0.5)


def test_newcombe_reference() -> None:
    est = newcombe_difference(56, 70, 48, 80)
    assert close(est.estimate, 0.2)
    assert close(est.ci_low, 0.052431)
    assert close(est.ci_high, 0.333873)


@pytest.mark.parametrize(
    ("table", "delta", "low", "high"),
    [
        ((59, 6, 16, 80), -0.062112, -0.118621, -0.004625),
        ((25, 9, 4, 42), 0.0625, -0.027540, 0.150623),
    ],
)
def test_paired_reference(
    table: tuple[int, int, int, int], delta: float, low: float, high: float
) -> None:
    est = paired_difference(*table)
    assert close(est.estimate, delta)
    assert close(est.ci_low, low)
    assert close(est.ci_high, high)


def test_paired_reference_vectorised() -> None:
    a, b, c, d = (np.array(v) for v in zip((59, 6, 16, 80), (25, 9, 4, 42), strict=True))
    est = paired_difference(a, b, c, d)
    np.testing.assert_allclose(est.ci_low, [-0.118621, -0.027540], atol=TOL)
    np.testing.assert_allclose(est.ci_high, [-0.004625, 0.150623], atol=TOL)


def test_paired_phi_correction_branches() -> None:
    # ad - bc = 1 <= n/2: phi corrected to 0, so the interval equals the independent-style
    # square-and-add of the two marginal Wilson intervals.
    a, b, c, d = 1, 1, 0, 1
    est = paired_difference(a, b, c, d)
    n = a + b + c + d
    l1, u1 = wilson_interval(a + b, n)[1:]
    l2, u2 = wilson_interval(a + c, n)[1:]
    p1, p2 = (a + b) / n, (a + c) / n
    assert close(est.ci_low, (b - c) / n - math.hypot(p1 - l1, u2 - p2))
    assert close(est.ci_high, (b - c) / n + math.hypot(u1 - p1, p2 - l2))
    # a zero margin gives phi = 0 as well
    est0 = paired_difference(0, 3, 0, 5)
    assert -1 <= est0.ci_low <= est0.estimate <= est0.ci_high <= 1


def test_mcnemar_reference() -> None:
    assert close(mcnemar_exact(9, 4), 0.266846)
    np.testing.assert_allclose(mcnemar_exact([9, 0, 5], [4, 0, 5]), [0.266846, 1.0, 1.0], atol=TOL)


def test_poisson_reference() -> None:
    zero = poisson_interval(0)
    assert zero.ci_low == 0.0
    assert close(zero.ci_high, -math.log(0.025))  # exact: P(X = 0 | mu) = 0.025
    ten = poisson_interval(10, exposure=10_000, per=1000)
    assert close(ten.estimate, 1.0)
    assert close(ten.ci_low, 0.4795389)  # Garwood's table: 4.795389 for x = 10
    assert close(ten.ci_high, 1.8390356)  # 18.390356


# --------------------------------------------------------------------------------------------
# Output types
# --------------------------------------------------------------------------------------------


def test_scalars_give_floats_and_arrays_give_arrays() -> None:
    est = wilson_interval(3, 10)
    assert isinstance(est, Estimate)
    assert all(type(v) is float for v in est)
    est2 = wilson_interval([3], [10])
    assert all(isinstance(v, np.ndarray) and v.shape == (1,) for v in est2)
    assert type(mcnemar_exact(3, 4)) is float
    low, high = nonresponse_bounds(3, 10, 12)
    assert type(low) is float
    assert type(high) is float


def test_broadcasting() -> None:
    est = wilson_interval(np.array([[1], [2]]), np.array([5, 10, 20]))
    assert est.ci_low.shape == (2, 3)
    assert close(est.ci_low[1, 2], wilson_interval(2, 20).ci_low)


def test_pandas_input() -> None:
    est = wilson_interval(pd.Series([35, 6]), pd.array([82, 10], dtype="Int64"))
    np.testing.assert_allclose(est.ci_low, [0.325419, 0.312674], atol=TOL)


def test_fractional_counts_allowed_on_request() -> None:
    with pytest.raises(JobhandicapError, match="whole number"):
        wilson_interval(2.5, 7.3)
    est = wilson_interval(2.5, 7.3, fractional=True)
    assert 0 < est.ci_low < 2.5 / 7.3 < est.ci_high < 1
    diff = newcombe_difference(2.5, 7.3, 1.5, 8.2, fractional=True)
    assert diff.ci_low < diff.estimate < diff.ci_high


def test_level_changes_width() -> None:
    narrow = wilson_interval(35, 82, level=0.8)
    wide = wilson_interval(35, 82, level=0.99)
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "n", "message"),
    [
        (11, 10, "larger than n"),
        ([1, 11], [10, 10], "larger than n at position 1"),
        (-1, 10, "negative"),
        (np.nan, 10, "missing"),
        ([1.0, np.nan], [3, 4], "missing"),
        (1.5, 10, "whole number"),
        (1, 10.5, "whole number"),
        (1, np.inf, "infinite"),
        ([1, 2], [3, 4, 5], "broadcast"),
        (["a"], [3], "numbers"),
    ],
)
def test_wilson_bad_input(count: npt.ArrayLike, n: npt.ArrayLike, message: str) -> None:
    with pytest.raises(JobhandicapError, match=message):
        wilson_interval(count, n)


def test_population_smaller_than_n() -> None:
    with pytest.raises(JobhandicapError, match="n is larger than population"):
        wilson_interval(3, 10, population=8)
    with pytest.raises(JobhandicapError, match="n is larger than population"):
        nonresponse_bounds(3, 10, 8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clopper_pearson_interval(5, 4), "larger than n"),
        (lambda: newcombe_difference(1, 5, 6, 5), "count2 is larger than n2"),
        (lambda: newcombe_difference([1, 2], [5, 5], [1, 2, 3], [5, 5, 5]), "broadcast"),
        (lambda: paired_difference(1, -2, 3, 4), "b is negative"),
        (lambda: paired_difference(1, 2, np.nan, 4), "c is missing"),
        (lambda: mcnemar_exact(1.5, 2), "whole number"),
        (lambda: poisson_interval(-1), "negative"),
        (lambda: poisson_interval(3, exposure=-2.0), "exposure"),
        (lambda: poisson_interval(3, per=0), "per"),
        (lambda: poisson_interval([1, 2], exposure=[1.0, 2.0, 3.0]), "broadcast"),
        (lambda: wilson_interval(1, 10, level=1.5), "level"),
    ],
)
def test_other_bad_input(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(JobhandicapError, match=message):
        call()


def test_zero_base_gives_nan_and_one_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = wilson_interval(np.array([0, 1, 0, 0]), np.array([0, 2, 0, 0]))
    assert [w.category for w in caught] == [SmallSampleWarning]
    assert np.isnan(est.estimate[[0, 2, 3]]).all()
    assert np.isnan(est.ci_low[[0, 2, 3]]).all()
    assert np.isnan(est.ci_high[[0, 2, 3]]).all()
    assert not np.isnan(est.ci_low[1])


@pytest.mark.parametrize(
    "call",
    [
        lambda: wilson_interval(0, 0),
        lambda: wilson_interval(0, 0, population=5),
        lambda: clopper_pearson_interval([0, 0], [0, 0]),
        lambda: newcombe_difference(0, 0, 1, 2),
        lambda: paired_difference(0, 0, 0, 0),
        lambda: poisson_interval(0, exposure=0.0),
        lambda: nonresponse_bounds(0, 0, 0),
    ],
)
def test_zero_base_warns_everywhere(call: object) -> None:
    assert callable(call)
    with pytest.warns(SmallSampleWarning):
        result = call()
    assert np.isnan(np.asarray(result[-1], dtype=float)).all()


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@given(count_and_base(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_bounds(xn: tuple[int, int], level: float) -> None:
    x, n = xn
    est = wilson_interval(x, n, level=level)
    assert 0.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
    cp = clopper_pearson_interval(x, n, level=level)
    assert 0.0 <= cp.ci_low <= cp.estimate <= cp.ci_high <= 1.0


@given(count_and_base())
def test_wilson_symmetry(xn: tuple[int, int]) -> None:
    x, n = xn
    est = wilson_interval(x, n)
    mirror = wilson_interval(n - x, n)
    assert math.isclose(est.ci_low, 1.0 - mirror.ci_high, abs_tol=1e-12)
    assert math.isclose(est.ci_high, 1.0 - mirror.ci_low, abs_tol=1e-12)


@given(st.integers(1, 300))
def test_limits_non_decreasing_in_count(n: int) -> None:
    x = np.arange(n + 1)
    for est in (wilson_interval(x, n), clopper_pearson_interval(x, n)):
        assert (np.diff(est.ci_low) >= -1e-12).all()
        assert (np.diff(est.ci_high) >= -1e-12).all()


@given(count_base_population())
def test_finite_population_inside_plain(xnbig: tuple[int, int, int]) -> None:
    x, n, big = xnbig
    plain = wilson_interval(x, n)
    fpc = wilson_interval(x, n, population=big)
    assert plain.ci_low - 1e-12 <= fpc.ci_low <= fpc.estimate <= fpc.ci_high
    assert fpc.ci_high <= plain.ci_high + 1e-12


@given(count_base_population())
def test_nonresponse_bounds_contain_share(xnbig: tuple[int, int, int]) -> None:
    x, n, big = xnbig
    low, high = nonresponse_bounds(x, n, big)
    assert 0.0 <= low <= x / n <= high <= 1.0
    assert math.isclose(high - low, (big - n) / big, abs_tol=1e-12)


@given(count_and_base(200), count_and_base(200))
def test_newcombe_antisymmetry_and_bounds(first: tuple[int, int], second: tuple[int, int]) -> None:
    est = newcombe_difference(*first, *second)
    swapped = newcombe_difference(*second, *first)
    assert -1.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
    assert math.isclose(est.ci_low, -swapped.ci_high, abs_tol=1e-12)
    assert math.isclose(est.ci_high, -swapped.ci_low, abs_tol=1e-12)


@given(tables)
def test_paired_swap_and_bounds(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    est = paired_difference(a, b, c, d)
    swapped = paired_difference(a, c, b, d)
    assert -1.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
    assert math.isclose(est.ci_low, -swapped.ci_high, abs_tol=1e-12)
    assert math.isclose(est.ci_high, -swapped.ci_low, abs_tol=1e-12)


@given(st.lists(tables, min_size=1, max_size=8))
def test_paired_vectorised_equals_scalar(rows: list[tuple[int, int, int, int]]) -> None:
    a, b, c, d = (np.array(v) for v in zip(*rows, strict=True))
    est = paired_difference(a, b, c, d)
    for i, row in enumerate(rows):
        one = paired_difference(*row)
        assert math.isclose(est.ci_low[i], one.ci_low, abs_tol=1e-12)
        assert math.isclose(est.ci_high[i], one.ci_high, abs_tol=1e-12)


@given(st.integers(0, 80), st.integers(0, 80))
def test_mcnemar_is_a_symmetric_probability(b: int, c: int) -> None:
    p = mcnemar_exact(b, c)
    assert 0.0 <= p <= 1.0
    assert p == mcnemar_exact(c, b)
    if b == c:
        assert p == 1.0


@given(st.integers(0, 500), st.floats(1.0, 1e6), st.sampled_from([1.0, 1000.0]))
def test_poisson_bounds_and_monotone(count: int, exposure: float, per: float) -> None:
    est = poisson_interval(count, exposure=exposure, per=per)
    assert 0.0 <= est.ci_low <= est.estimate <= est.ci_high
    more = poisson_interval(count + 1, exposure=exposure, per=per)
    assert more.ci_low >= est.ci_low
    assert more.ci_high >= est.ci_high


@given(st.lists(count_and_base(), min_size=1, max_size=20))
def test_inputs_not_mutated(pairs: list[tuple[int, int]]) -> None:
    x = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    x_copy, n_copy = x.copy(), n.copy()
    wilson_interval(x, n)
    wilson_interval(x, n, population=n + 3)
    clopper_pearson_interval(x, n)
    newcombe_difference(x, n, x, n)
    nonresponse_bounds(x, n, n + 1)
    paired_difference(x, n - x, x, n)
    poisson_interval(x, exposure=n)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(n, n_copy)


@given(st.lists(count_and_base(), min_size=2, max_size=20), st.data())
def test_elementwise_order_invariance(pairs: list[tuple[int, int]], data: st.DataObject) -> None:
    assume(len(set(pairs)) > 1)
    x = np.array([p[0] for p in pairs])
    n = np.array([p[1] for p in pairs])
    perm = np.array(data.draw(st.permutations(range(len(pairs)))))
    est = wilson_interval(x, n)
    shuffled = wilson_interval(x[perm], n[perm])
    np.testing.assert_array_equal(shuffled.ci_low, est.ci_low[perm])
    np.testing.assert_array_equal(shuffled.ci_high, est.ci_high[perm])
