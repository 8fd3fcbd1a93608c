"""Tests of jobhandicap.stats.design against METHODS.md §4 (R ``survey``) and by properties."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _design_data import AGE, FPC, JC, LIKERT, SEX, STAFF, STRATUM, WEIGHT, Y
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    OptionError,
    SchemaError,
)
from jobhandicap.stats.design import design_interval, design_mean, rake_weights

TOL = 1e-6


def first(values: npt.NDArray[np.float64]) -> float:
    return float(values[0])


def test_stratified_share_matches_r_survey() -> None:
    result = design_mean(Y, WEIGHT, strata=STRATUM, fpc=FPC, interval="normal")
    assert first(result.estimate) == pytest.approx(0.546667, abs=TOL)
    assert first(result.se) == pytest.approx(0.0813770, abs=TOL)
    assert first(result.total) == pytest.approx(328.000, abs=TOL)
    assert first(result.total_se) == pytest.approx(48.8262, abs=1e-4)
    assert first(result.deff) == pytest.approx(1.11658, abs=1e-5)
    assert first(result.deff_replace) == pytest.approx(1.04214, abs=1e-5)
    assert first(result.df) == 38.0
    assert first(result.n_eff) == pytest.approx(40 / 1.04214491, abs=1e-4)
    # confint(svymean(...)): the normal quantile.
    assert first(result.ci_low) == pytest.approx(0.387171, abs=TOL)
    assert first(result.ci_high) == pytest.approx(0.706163, abs=TOL)


@pytest.mark.parametrize(
    ("interval", "df", "low", "high"),
    [
        ("t", 38.0, 0.381927, 0.711406),
        ("logit", 38.0, 0.382834, 0.700978),  # svyciprop(method="logit"), default df = degf
        ("logit", np.inf, 0.387845, 0.696525),  # svyciprop(method="logit", df=Inf)
        ("normal", 38.0, 0.387171, 0.706163),  # the normal quantile whatever df
    ],
)
def test_intervals_match_r_survey(interval: str, df: float, low: float, high: float) -> None:
    bounds = design_interval(0.546666666667, 0.0813770374, df, method=interval)  # type: ignore[arg-type]
    assert float(bounds.ci_low) == pytest.approx(low, abs=TOL)
    assert float(bounds.ci_high) == pytest.approx(high, abs=TOL)


def test_stratified_likert_mean_matches_r_survey() -> None:
    result = design_mean(LIKERT, WEIGHT, strata=STRATUM, fpc=FPC, interval="normal")
    assert first(result.estimate) == pytest.approx(3.61333, abs=1e-5)
    assert first(result.se) == pytest.approx(0.173973, abs=TOL)
    assert first(result.deff) == pytest.approx(1.06116, abs=1e-5)
    assert first(result.deff_replace) == pytest.approx(0.990416, abs=TOL)
    assert first(result.ci_low) == pytest.approx(3.27235, abs=1e-5)
    assert first(result.ci_high) == pytest.approx(3.95431, abs=1e-5)


def test_one_stage_cluster_sample_matches_r_survey() -> None:
    weights = [5.0] * len(JC)
    result = design_mean(STAFF, weights, clusters=JC, fpc=[40] * len(JC), interval="t")
    assert first(result.estimate) == pytest.approx(3.23810, abs=1e-5)
    assert first(result.se) == pytest.approx(0.207719, abs=TOL)
    assert first(result.deff) == pytest.approx(1.95036, abs=1e-5)
    assert first(result.deff_replace) == pytest.approx(1.56029, abs=1e-5)
    assert first(result.df) == 7.0
    assert first(result.ci_low) == pytest.approx(2.74692, abs=1e-5)
    assert first(result.ci_high) == pytest.approx(3.72927, abs=1e-5)
    normal = design_mean(STAFF, weights, clusters=JC, fpc=[40] * len(JC), interval="normal")
    assert first(normal.ci_low) == pytest.approx(2.83097, abs=1e-5)
    assert first(normal.ci_high) == pytest.approx(3.64522, abs=1e-5)
    without = design_mean(STAFF, weights, clusters=JC)
    assert first(without.se) == pytest.approx(0.232237, abs=TOL)
    assert first(without.deff_replace) == pytest.approx(1.95036, abs=1e-5)


def raked() -> npt.NDArray[np.float64]:
    sex = (np.array(SEX) == "M").astype(np.int64)
    age = np.array(AGE, dtype=np.int64) - 1
    result = rake_weights(
        WEIGHT, [(sex, [340.0, 260.0]), (age, [180.0, 270.0, 150.0])], tol=1e-14, max_iter=200
    )
    assert result.converged
    return result.weights


def test_raking_matches_r_survey() -> None:
    weights = raked()
    assert weights.sum() == pytest.approx(600.0, abs=1e-9)
    cells = {
        (1, "F", 1): 8.54788,
        (1, "M", 3): 10.1773,
        (2, "F", 2): 16.6353,
        (2, "M", 1): 20.2398,
    }
    for (stratum, sex, age), expected in cells.items():
        where = [i for i in range(40) if STRATUM[i] == stratum and SEX[i] == sex and AGE[i] == age]
        assert weights[where] == pytest.approx(expected, abs=1e-4)


def test_variance_after_raking_is_calibrates_greg_variance() -> None:
    weights = raked()
    greg = design_mean(
        Y, weights, strata=STRATUM, fpc=FPC, calibration=[SEX, AGE], base_weights=WEIGHT
    )
    assert first(greg.estimate) == pytest.approx(0.548375, abs=TOL)
    assert first(greg.se) == pytest.approx(0.0804784, abs=TOL)  # calibrate(calfun="raking")
    likert = design_mean(
        LIKERT, weights, strata=STRATUM, fpc=FPC, calibration=[SEX, AGE], base_weights=WEIGHT
    )
    assert first(likert.estimate) == pytest.approx(3.61072, abs=1e-5)
    assert first(likert.se) == pytest.approx(0.172918, abs=TOL)
    fixed = design_mean(Y, weights, strata=STRATUM, fpc=FPC)
    assert first(fixed.se) == pytest.approx(0.0819194, abs=TOL)  # raked weights as fixed


def naive_domain(
    y: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    strata: npt.NDArray[np.int64],
    domain: npt.NDArray[np.bool_],
) -> tuple[float, float]:
    """The textbook domain estimator, respondent by respondent (the oracle)."""
    total = w[domain].sum()
    mean = (w * y)[domain].sum() / total
    z = np.where(domain, w * (y - mean) / total, 0.0)
    variance = 0.0
    for h in np.unique(strata):
        part = z[strata == h]
        variance += len(part) / (len(part) - 1) * ((part - part.mean()) ** 2).sum()
    return float(mean), float(np.sqrt(variance))


@st.composite
def samples(draw: st.DrawFn) -> tuple[npt.NDArray[np.float64], ...]:
    size = draw(st.integers(6, 40))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=size, max_size=size)), float)
    w = np.array(
        draw(st.lists(st.floats(0.5, 20.0), min_size=size, max_size=size)), dtype=np.float64
    )
    strata = np.arange(size) % draw(st.integers(1, 3))
    groups = np.array(draw(st.lists(st.integers(0, 2), min_size=size, max_size=size)))
    return y, w, strata.astype(np.float64), groups.astype(np.float64)


@given(samples())
def test_domains_agree_with_the_naive_oracle(sample: tuple[npt.NDArray[np.float64], ...]) -> None:
    y, w, strata, groups = sample
    result = design_mean(y, w, strata=strata, groups=groups)
    for position, label in enumerate(np.unique(groups)):
        mean, se = naive_domain(y, w, strata.astype(np.int64), groups == label)
        assert result.estimate[position] == pytest.approx(mean, abs=1e-9)
        assert result.se[position] == pytest.approx(se, abs=1e-9)


@given(samples(), st.floats(0.01, 100.0), st.randoms(use_true_random=False))
def test_scaled_weights_and_row_order_change_nothing(
    sample: tuple[npt.NDArray[np.float64], ...], factor: float, random: object
) -> None:
    y, w, strata, groups = sample
    before = [a.copy() for a in sample]
    result = design_mean(y, w, strata=strata, groups=groups)
    scaled = design_mean(y, w * factor, strata=strata, groups=groups)
    order = np.arange(len(y))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = design_mean(y[order], w[order], strata=strata[order], groups=groups[order])
    for other in (scaled, shuffled):
        np.testing.assert_allclose(other.estimate, result.estimate, atol=1e-9)
        np.testing.assert_allclose(other.se, result.se, atol=1e-9)
        np.testing.assert_allclose(
            other.deff_replace, result.deff_replace, atol=1e-7, equal_nan=True
        )
    assert all((a == b).all() for a, b in zip(before, sample, strict=True))
    assert (
        (result.ci_low <= result.estimate + 1e-12) & (result.estimate <= result.ci_high + 1e-12)
    ).all()


@given(st.lists(st.integers(0, 1), min_size=3, max_size=60))
def test_equal_weights_give_the_plain_share_and_its_standard_error(values: list[int]) -> None:
    y = np.array(values, dtype=np.float64)
    result = design_mean(y, np.full(len(y), 3.0))
    n = len(y)
    assert first(result.estimate) == pytest.approx(y.mean(), abs=1e-12)
    assert first(result.se) == pytest.approx(y.std(ddof=1) / np.sqrt(n), abs=1e-12)


@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=40),
    st.lists(st.floats(0.5, 5.0), min_size=46, max_size=46),
)
def test_raking_reproduces_its_margins(cells: list[tuple[int, int]], start: list[float]) -> None:
    # Every sex × age cell holds a respondent, so the margins can be met.
    every = [(s, a) for s in (0, 1) for a in (0, 1, 2)] + cells
    sex = np.array([c[0] for c in every], dtype=np.int64)
    age = np.array([c[1] for c in every], dtype=np.int64)
    weights = np.array(start[: len(every)])
    result = rake_weights(weights, [(sex, [40.0, 60.0]), (age, [20.0, 30.0, 50.0])], max_iter=500)
    assert result.converged
    np.testing.assert_allclose(np.bincount(sex, result.weights), [40.0, 60.0], rtol=1e-8)
    np.testing.assert_allclose(np.bincount(age, result.weights), [20.0, 30.0, 50.0], rtol=1e-8)
    assert (result.weights > 0).all()
    assert weights.tolist() == start[: len(every)]


def test_bad_designs_get_one_clear_error() -> None:
    with pytest.raises(SchemaError, match="finite and greater than 0"):
        design_mean([1, 0], [1.0, 0.0])
    with pytest.raises(SchemaError, match="single PSU"):
        design_mean([1, 0, 1], [1.0, 1.0, 1.0], strata=[1, 1, 2])
    with pytest.raises(SchemaError, match="smaller than its sample"):
        design_mean([1, 0, 1], [1.0, 1.0, 1.0], fpc=[2, 2, 2])
    with pytest.raises(SchemaError, match="the same for every"):
        design_mean([1, 0, 1, 0], [1.0] * 4, strata=[1, 1, 2, 2], fpc=[9, 8, 9, 9])
    with pytest.raises(OptionError, match="one per respondent"):
        design_mean([1, 0, 1], [1.0, 1.0])
    with pytest.raises(OptionError, match="go together"):
        design_mean([1, 0, 1], [1.0] * 3, calibration=[[0, 1, 1]])
    with pytest.raises(OptionError, match="method must be one of"):
        design_interval(0.5, 0.1, method="wald")  # type: ignore[arg-type]


def test_bad_margins_get_one_clear_error() -> None:
    codes = np.array([0, 0, 1, 1])
    with pytest.raises(OptionError, match="totals differ"):
        rake_weights([1.0] * 4, [(codes, [2.0, 2.0]), (codes[::-1], [3.0, 3.0])])
    with pytest.raises(OptionError, match="empty cell"):
        rake_weights([1.0] * 4, [(codes, [2.0, 2.0, 1.0])])
    with pytest.raises(OptionError, match="outside"):
        rake_weights([1.0] * 4, [(np.array([0, 0, 1, 2]), [2.0, 2.0])])
    with pytest.raises(ArgumentTypeError, match="integers"):
        rake_weights([1.0] * 4, [(np.array([0.0, 0, 1, 1]), [2.0, 2.0])])
    # Margins that cannot be met together: every respondent has (sex 0, age 0) or (1, 1).
    with pytest.warns(DataQualityWarning, match="did not meet the margins"):
        result = rake_weights([1.0] * 4, [(codes, [2.0, 8.0]), (codes, [5.0, 5.0])], max_iter=5)
    assert not result.converged
    assert result.iterations == 5


def naive_greg(
    y: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    base: npt.NDArray[np.float64],
    dummies: npt.NDArray[np.float64],
    strata: npt.NDArray[np.int64],
    domain: npt.NDArray[np.bool_],
) -> float:
    """The GREG standard error of a domain mean, respondent by respondent (the oracle)."""
    total = w[domain].sum()
    mean = (w * y)[domain].sum() / total
    u = np.where(domain, (y - mean) / total, 0.0)
    slope = np.linalg.pinv(dummies.T @ (base[:, None] * dummies)) @ (dummies.T @ (base * u))
    z = w * (u - dummies @ slope)
    variance = 0.0
    for h in np.unique(strata):
        part = z[strata == h]
        variance += len(part) / (len(part) - 1) * ((part - part.mean()) ** 2).sum()
    return float(np.sqrt(variance))


@given(samples(), st.lists(st.integers(0, 1), min_size=40, max_size=40))
def test_greg_domains_agree_with_the_naive_oracle(
    sample: tuple[npt.NDArray[np.float64], ...], margin: list[int]
) -> None:
    y, base, strata, groups = sample
    sex = np.array(margin[: len(y)], dtype=np.int64)
    # Any positive final weights will do for the algebra: the oracle uses the same ones.
    final = base * (1.0 + 0.3 * sex)
    dummies = np.column_stack([sex == 0, sex == 1]).astype(np.float64)
    result = design_mean(
        y, final, strata=strata, groups=groups, calibration=[sex], base_weights=base
    )
    for position, label in enumerate(np.unique(groups)):
        expected = naive_greg(y, final, base, dummies, strata.astype(np.int64), groups == label)
        assert result.se[position] == pytest.approx(expected, abs=1e-9)
