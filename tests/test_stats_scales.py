"""Tests of jobhandicap.stats.scales against METHODS.md and by properties."""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap.errors import DataQualityWarning, JobhandicapError, SmallSampleWarning
from jobhandicap.stats.scales import (
    cronbach_alpha,
    cronbach_alpha_from_covariance,
    fisher_interval,
    mcdonald_omega,
    mcdonald_omega_from_correlation,
    standardised_alpha,
)

TOL = 1e-6

ITEMS = {
    "q1": [4, 5, 3, 4, 2, 5, 4, 3, 4, 5],
    "q2": [4, 4, 3, 5, 2, 5, 3, 3, 4, 4],
    "q3": [3, 5, 2, 4, 1, 4, 4, 2, 3, 5],
    "q4": [5, 4, 3, 4, 2, 5, 4, 3, 5, 4],
}
MATRIX = np.array(list(ITEMS.values()), dtype=float).T


def implied(loadings: npt.ArrayLike) -> npt.NDArray[np.float64]:
    lam = np.asarray(loadings, dtype=float)
    return np.outer(lam, lam) + np.diag(1.0 - lam**2)


def true_omega(loadings: npt.ArrayLike) -> float:
    lam = np.asarray(loadings, dtype=float)
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + (1.0 - lam**2).sum()))


item_tables = st.integers(3, 25).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(1, 5), min_size=n, max_size=n), min_size=2, max_size=6
    ).map(lambda cols: np.array(cols, dtype=float).T)
)
loading_vectors = st.lists(st.floats(0.2, 0.95), min_size=3, max_size=8)


# --------------------------------------------------------------------------------------------
# Reference values (METHODS.md)
# --------------------------------------------------------------------------------------------


def test_cronbach_alpha_reference() -> None:
    est = cronbach_alpha(MATRIX)
    assert math.isclose(est.estimate, 0.920354, abs_tol=TOL)
    assert math.isclose(est.ci_low, 0.790463, abs_tol=TOL)
    assert math.isclose(est.ci_high, 0.977780, abs_tol=TOL)
    assert all(type(v) is float for v in est)


def test_cronbach_alpha_data_frame_and_nullable_columns() -> None:
    frame = pd.DataFrame(ITEMS)
    assert math.isclose(cronbach_alpha(frame).estimate, 0.920354, abs_tol=TOL)
    nullable = frame.astype("Int64")
    with_missing = pd.concat(
        [nullable, pd.DataFrame({"q1": [pd.NA], "q2": [3], "q3": [2], "q4": [1]}).astype("Int64")],
        ignore_index=True,
    )
    est = cronbach_alpha(with_missing)  # listwise deletion drops the incomplete row
    assert math.isclose(est.ci_low, 0.790463, abs_tol=TOL)


def test_standardised_alpha_reference() -> None:
    assert math.isclose(standardised_alpha(MATRIX), 0.929239, abs_tol=TOL)
    assert math.isclose(standardised_alpha(pd.DataFrame(ITEMS)), 0.929239, abs_tol=TOL)


def test_implied_matrix_reference() -> None:
    corr = implied([0.8, 0.7, 0.6, 0.5])
    assert math.isclose(mcdonald_omega_from_correlation(corr), 0.749446, abs_tol=TOL)
    assert math.isclose(cronbach_alpha_from_covariance(corr), 0.742055, abs_tol=TOL)


def test_omega_from_covariance_is_scale_free() -> None:
    corr = implied([0.8, 0.7, 0.6, 0.5])
    sd = np.array([1.0, 2.0, 0.5, 3.0])
    assert math.isclose(
        mcdonald_omega_from_correlation(corr * np.outer(sd, sd)), 0.749446, abs_tol=TOL
    )


def test_alpha_from_covariance_matches_items() -> None:
    cov = np.cov(MATRIX, rowvar=False)
    assert math.isclose(cronbach_alpha_from_covariance(cov), 0.920354, abs_tol=TOL)
    corr = np.corrcoef(MATRIX, rowvar=False)
    assert math.isclose(cronbach_alpha_from_covariance(corr), 0.929239, abs_tol=TOL)


def test_omega_of_items_uses_their_correlations() -> None:
    corr = np.corrcoef(MATRIX, rowvar=False)
    assert math.isclose(
        mcdonald_omega(MATRIX), mcdonald_omega_from_correlation(corr), abs_tol=1e-12
    )
    assert 0.9 < mcdonald_omega(MATRIX) < 1.0


def test_fisher_reference() -> None:
    est = fisher_interval(0.30, 82)
    assert math.isclose(est.estimate, 0.30, abs_tol=TOL)
    assert math.isclose(est.ci_low, 0.088772, abs_tol=TOL)
    assert math.isclose(est.ci_high, 0.485406, abs_tol=TOL)
    arr = fisher_interval(np.array([0.30, -0.30]), 82)
    np.testing.assert_allclose(arr.ci_low, [0.088772, -0.485406], atol=TOL)


# --------------------------------------------------------------------------------------------
# Bad input and small samples
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (MATRIX[:, :1], "at least 2 items"),
        (MATRIX[:, 0], "2-D"),
        (np.ones((5, 3)), "zero variance"),
        (pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}), "column 'a'"),
        ([[1, 2], [3, np.inf]], "infinite"),
    ],
)
def test_cronbach_bad_input(items: npt.ArrayLike, message: str) -> None:
    with pytest.raises(JobhandicapError, match=message):
        cronbach_alpha(items)


def test_too_few_complete_rows_warn() -> None:
    one_row = np.array([[1.0, 2.0, 3.0], [np.nan, 1.0, 2.0]])
    with pytest.warns(SmallSampleWarning):
        est = cronbach_alpha(one_row)
    assert all(math.isnan(v) for v in est)
    with pytest.warns(SmallSampleWarning):
        assert math.isnan(standardised_alpha(one_row))
    with pytest.warns(SmallSampleWarning):
        assert math.isnan(mcdonald_omega(one_row))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mcdonald_omega(MATRIX[:, :2]), "at least 3 items"),
        (lambda: mcdonald_omega_from_correlation(np.eye(2)), "at least 3"),
        (lambda: mcdonald_omega_from_correlation(np.ones((3, 3))), "positive definite"),
        (lambda: mcdonald_omega_from_correlation(np.ones((3, 4))), "square"),
        (lambda: mcdonald_omega_from_correlation([[1, 0.5, 0], [0.2, 1, 0], [0.0, 0, 1]]), "symm"),
        (lambda: cronbach_alpha_from_covariance([[1, np.nan], [np.nan, 1]]), "missing"),
        (lambda: cronbach_alpha_from_covariance([[1, -1], [-1, 1]]), "sum to zero"),
        (lambda: standardised_alpha(np.column_stack([MATRIX, np.ones(10)])), "constant"),
        (lambda: fisher_interval(1.2, 50), "between -1 and 1"),
        (lambda: fisher_interval(np.nan, 50), "between -1 and 1"),
        (lambda: fisher_interval(0.3, -5), "n must be"),
        (lambda: fisher_interval([0.1, 0.2], [10, 20, 30]), "broadcast"),
        (lambda: cronbach_alpha(MATRIX, level=0), "level"),
    ],
)
def test_other_bad_input(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(JobhandicapError, match=message):
        call()


def test_fisher_small_n_is_nan_with_one_warning() -> None:
    with pytest.warns(SmallSampleWarning) as record:
        est = fisher_interval(np.array([0.5, 0.5, 0.5]), np.array([3, 2, 10]))
    assert len(record) == 1
    assert np.isnan(est.ci_low[:2]).all()
    assert np.isnan(est.estimate[:2]).all()
    assert not np.isnan(est.ci_low[2])


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::jobhandicap.errors.DataQualityWarning")
@given(item_tables, st.integers(0, 5), st.floats(-10, 10))
def test_alpha_unchanged_by_shifting_an_item(
    items: npt.NDArray[np.float64], column: int, shift: float
) -> None:
    if items.sum(axis=1).var() == 0:
        with pytest.raises(JobhandicapError):
            cronbach_alpha(items)
        return
    shifted = items.copy()
    shifted[:, column % items.shape[1]] += shift
    before, after = cronbach_alpha(items), cronbach_alpha(shifted)
    for x, y in zip(before, after, strict=True):
        assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.filterwarnings("ignore::jobhandicap.errors.DataQualityWarning")
@given(item_tables, st.data())
def test_alpha_row_order_invariant_and_inside_interval(
    items: npt.NDArray[np.float64], data: st.DataObject
) -> None:
    if items.sum(axis=1).var() == 0:
        return
    perm = np.array(data.draw(st.permutations(range(items.shape[0]))))
    copy = items.copy()
    est = cronbach_alpha(items)
    assert est.ci_low <= est.estimate <= est.ci_high <= 1.0
    shuffled = cronbach_alpha(items[perm])
    assert math.isclose(est.estimate, shuffled.estimate, rel_tol=1e-9, abs_tol=1e-12)
    np.testing.assert_array_equal(items, copy)


@given(loading_vectors)
def test_alpha_at_most_omega_on_implied_matrices(loadings: list[float]) -> None:
    corr = implied(loadings)
    copy = corr.copy()
    omega = mcdonald_omega_from_correlation(corr)
    assert cronbach_alpha_from_covariance(corr) <= omega + 1e-9
    assert math.isclose(omega, true_omega(loadings), abs_tol=TOL)
    np.testing.assert_array_equal(corr, copy)


@given(st.floats(0.2, 0.95), st.integers(3, 8))
def test_alpha_equals_omega_for_equal_loadings(loading: float, k: int) -> None:
    corr = implied([loading] * k)
    assert math.isclose(
        cronbach_alpha_from_covariance(corr), mcdonald_omega_from_correlation(corr), abs_tol=TOL
    )


@given(
    st.lists(st.floats(-0.99, 0.99), min_size=1, max_size=10),
    st.integers(4, 5000),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_fisher_bounds_and_monotone(rs: list[float], n: int, level: float) -> None:
    r = np.sort(np.array(rs))
    est = fisher_interval(r, n, level=level)
    assert (est.ci_low >= -1).all()
    assert (est.ci_low <= r + 1e-12).all()
    assert (r <= est.ci_high + 1e-12).all()
    assert (est.ci_high <= 1).all()
    assert (np.diff(est.ci_low) >= -1e-12).all()
    assert (np.diff(est.ci_high) >= -1e-12).all()
    mirrored = fisher_interval(-r, n, level=level)
    np.testing.assert_allclose(mirrored.ci_low, -est.ci_high, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Issue 13: undefined standardised alpha, constant items, negative loadings
# --------------------------------------------------------------------------------------------

#: Two items correlating -1: 1 + (k - 1) r = 0 exactly (standardised alpha was -inf).
OPPOSITE = [[1.0, 2.0], [2.0, 1.0], [3.0, 0.0]]
#: Three items at 120 degrees: every correlation -1/2 = -1/(k - 1), zero but for rounding
#: (standardised alpha was of the order of 5e15).
TRIANGLE = [[1.0, 0.0, -1.0], [0.0, -1.0, 1.0], [-1.0, 1.0, 0.0]]


@pytest.mark.parametrize("items", [OPPOSITE, TRIANGLE])
def test_standardised_alpha_refuses_where_it_is_undefined(items: list[list[float]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division-by-zero RuntimeWarning either
        with pytest.raises(JobhandicapError, match=r"undefined.*-1/\(k - 1\)"):
            standardised_alpha(items)


def test_alpha_refuses_a_total_variance_that_is_zero_but_for_rounding() -> None:
    # Totals 0.3, 0.30000000000000004, 0.3: alpha was -2.6e31.
    with pytest.raises(JobhandicapError, match="zero variance"):
        cronbach_alpha([[0.1, 0.2], [0.2, 0.1], [0.3, 0.0]])
    with pytest.raises(JobhandicapError, match="sum to zero"):
        cronbach_alpha_from_covariance(np.corrcoef(np.array(TRIANGLE), rowvar=False))


@given(item_tables)
@pytest.mark.filterwarnings("ignore::jobhandicap.errors.DataQualityWarning")
def test_standardised_alpha_is_finite_at_most_one_or_refused(
    items: npt.NDArray[np.float64],
) -> None:
    try:
        value = standardised_alpha(items)
    except JobhandicapError:
        return
    assert math.isfinite(value)
    assert value <= 1.0 + 1e-12


def test_a_constant_item_in_alpha_warns_naming_it() -> None:
    frame = pd.DataFrame(ITEMS).assign(q5=3)
    with pytest.warns(DataQualityWarning, match=r"item 'q5' is constant.*adds nothing") as caught:
        est = cronbach_alpha(frame)
    assert len(caught) == 1
    k = 5  # the constant item still counts among the items
    expected = k / (k - 1) * (1 - MATRIX.var(axis=0, ddof=1).sum() / MATRIX.sum(1).var(ddof=1))
    assert math.isclose(est.estimate, expected, rel_tol=1e-12)
    with pytest.warns(DataQualityWarning, match=r"item column 4 is constant"):
        cronbach_alpha(frame.to_numpy())


def test_reference_values_raise_no_data_quality_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        assert math.isclose(cronbach_alpha(pd.DataFrame(ITEMS)).estimate, 0.920354, abs_tol=TOL)
        assert math.isclose(standardised_alpha(MATRIX), 0.929239, abs_tol=TOL)
        corr = implied([0.8, 0.7, 0.6, 0.5])
        assert math.isclose(mcdonald_omega_from_correlation(corr), 0.749446, abs_tol=TOL)
        mcdonald_omega(pd.DataFrame(ITEMS))


def test_a_negative_loading_in_omega_warns_naming_the_item() -> None:
    corr = implied([0.8, 0.7, 0.6, -0.5])
    with pytest.warns(DataQualityWarning, match=r"item loads negatively.*column 3 \(-0\.500\)"):
        omega = mcdonald_omega_from_correlation(corr)
    # The fit is exact: omega counts the item against the scale.
    assert math.isclose(omega, true_omega([0.8, 0.7, 0.6, -0.5]), abs_tol=TOL)
    names = ["q1", "q2", "q3", "q4"]
    with pytest.warns(DataQualityWarning, match=r"'q4' \(-0\.500\).*reverse-coded"):
        mcdonald_omega_from_correlation(pd.DataFrame(corr, index=names, columns=names))
    reversed_item = pd.DataFrame(ITEMS).assign(q4=lambda f: 6 - f["q4"])
    with pytest.warns(DataQualityWarning, match=r"item loads negatively.*'q4'.*Scale\(reversed"):
        mcdonald_omega(reversed_item)
