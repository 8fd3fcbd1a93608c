"""Outcomes adjusted for framework conditions: the GLM, observed/expected, Poisson funnels.

Reference values: METHODS.md §6 (risk-adjusted comparison of 12 jobcentres: R ``glm`` =
statsmodels, exact Garwood intervals, ``poisson.test``) and §8.1 (Spiegelhalter's exact Poisson
funnel limits around O/E = 1).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap import ExpectedOutcomes, expected_outcomes, read_outcomes, validate_outcomes
from jobhandicap.benchmark import best_practice, compare_groups, funnel
from jobhandicap.datasets import ExampleData, load_example
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    UnknownLabelError,
)
from jobhandicap.stats import (
    fit_glm,
    poisson_test,
    ratio_funnel_limits,
    ratio_overdispersion,
)
from jobhandicap.strategy import score_strategies

PERSONS = [84, 156, 63, 210, 118, 95, 142, 77, 188, 59, 131, 104]
ENTERED = [45, 65, 25, 72, 49, 38, 70, 41, 95, 20, 60, 42]
SA_SHARE = [19.1, 20.4, 19.3, 29.4, 21.5, 20.5, 14.3, 20.2, 18.3, 21.4, 28.5, 13.4]
UNEMP = [5.8, 6.4, 5.5, 6.1, 10.5, 6.3, 9.3, 3.8, 5.7, 8.8, 6.9, 10.2]
PERSONS_U50 = [63, 112, 44, 139, 74, 65, 102, 45, 105, 38, 79, 76]
COVARIATES = ["sa_share", "unemp"]

# §6, expected counts and O/E with the exact interval: (E, O/E, low, high) per jobcentre.
BINOMIAL_TABLE = [
    (39.5843, 1.13681, 0.829200, 1.52115),
    (70.4159, 0.923086, 0.712419, 1.17655),
    (29.8711, 0.836929, 0.541616, 1.23547),
    (80.4433, 0.895040, 0.700314, 1.12716),
    (45.0519, 1.08763, 0.804638, 1.43791),
    (42.9467, 0.884817, 0.626149, 1.21448),
    (65.0195, 1.07660, 0.839262, 1.36022),
    (37.9274, 1.08101, 0.775753, 1.46651),
    (90.1290, 1.05404, 0.852785, 1.28851),
    (24.0347, 0.832129, 0.508286, 1.28516),
    (49.5993, 1.20970, 0.923125, 1.55712),
    (46.9767, 0.894061, 0.644360, 1.20851),
]
POISSON_TABLE = [
    (39.5734, 1.13713, 0.829428, 1.52157),
    (70.2248, 0.925599, 0.714358, 1.17975),
    (29.8733, 0.836867, 0.541576, 1.23538),
    (80.4098, 0.895413, 0.700606, 1.12762),
    (45.1734, 1.08471, 0.802474, 1.43404),
    (42.8304, 0.887220, 0.627850, 1.21778),
    (65.0151, 1.07667, 0.839319, 1.36031),
    (38.0492, 1.07755, 0.773270, 1.46182),
    (90.2444, 1.05270, 0.851694, 1.28687),
    (23.9922, 0.833603, 0.509186, 1.28743),
    (49.6466, 1.20854, 0.922244, 1.55563),
    (46.9672, 0.894241, 0.644490, 1.20875),
]
# §6, indirect standardisation: (E, SMR, low, high, p).
SMR_TABLE = [
    (36.5400, 1.23153, 0.898284, 1.64788, 0.159187),
    (66.9600, 0.970729, 0.749188, 1.23727, 0.902616),
    (26.8200, 0.932140, 0.603232, 1.37602, 0.846499),
    (88.0200, 0.817996, 0.640031, 1.03013, 0.0881132),
    (48.7200, 1.00575, 0.744057, 1.32965, 0.942824),
    (40.2000, 0.945274, 0.668932, 1.29746, 0.812794),
    (60.9600, 1.14829, 0.895151, 1.45080, 0.248364),
    (31.2000, 1.31410, 0.943023, 1.78273, 0.0878807),
    (75.3000, 1.26162, 1.02073, 1.54227, 0.0282489),
    (24.5400, 0.814996, 0.497821, 1.25870, 0.418831),
    (53.5200, 1.12108, 0.855499, 1.44305, 0.373531),
    (44.8800, 0.935829, 0.674463, 1.26497, 0.764889),
]
# §8.1: expected count -> interpolated counts at p = 0.001, 0.025, 0.975, 0.999, and O/E.
FUNNEL_COUNTS = {
    5.0: (-0.851587, 0.542066, 9.37656, 12.7714),
    20.0: (7.16919, 11.2050, 28.7458, 34.7135),
    100.0: (70.0653, 80.3663, 119.581, 131.805),
}
FUNNEL_RATIOS = {
    5.0: (-0.170317, 0.108413, 1.87531, 2.55427),
    20.0: (0.358459, 0.560250, 1.43729, 1.73568),
    100.0: (0.700653, 0.803663, 1.19581, 1.31805),
}


def twelve() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "jobcentre": np.arange(1, 13, dtype=np.int64),
            "persons": np.asarray(PERSONS, dtype=np.int64),
            "entered_job": np.asarray(ENTERED, dtype=np.int64),
            "sa_share": SA_SHARE,
            "unemp": UNEMP,
        }
    )


def strata_rows() -> pd.DataFrame:
    """§6 as a long table, one row per jobcentre and age stratum (O all in the first)."""
    frame = twelve()
    under = np.asarray(PERSONS_U50, dtype=np.int64)
    return pd.concat(
        [
            frame.assign(age="under 50", persons=under),
            frame.assign(age="50+", persons=frame["persons"] - under, entered_job=0),
        ],
        ignore_index=True,
    )


def close(actual: object, expected: object, digits: int = 6) -> None:
    """Agreement to ``digits`` significant digits (the printed precision of METHODS.md)."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=0.6 * 10.0 ** (1 - digits),
        atol=1e-12,
    )


# ---------------------------------------------------------------------------------------------
# The GLM (METHODS §6)


def test_binomial_glm_reproduces_r_glm() -> None:
    fit = fit_glm(ENTERED, np.column_stack([SA_SHARE, UNEMP]), total=PERSONS, terms=COVARIATES)
    assert fit.terms == ("intercept", "sa_share", "unemp")
    close(fit.coefficients, [0.875031, -0.0333106, -0.0610273])
    close(fit.standard_errors, [0.378494, 0.0114100, 0.0303747])
    close([fit.deviance, fit.pearson_chi2, fit.aic], [14.0131, 14.0214, 81.5130])
    assert fit.df_residual == 9
    assert fit.df_null == 11
    close(fit.fitted, [row[0] for row in BINOMIAL_TABLE])
    assert fit.fitted.sum() == pytest.approx(622.0, abs=1e-8)


def test_poisson_glm_with_offset_reproduces_r_glm() -> None:
    fit = fit_glm(
        ENTERED,
        np.column_stack([SA_SHARE, UNEMP]),
        family="poisson",
        offset=np.log(PERSONS),
        terms=COVARIATES,
    )
    close(fit.coefficients, [-0.187917, -0.0191258, -0.0343861])
    close(fit.standard_errors, [0.283422, 0.00873748, 0.0226508])
    close([fit.deviance, fit.pearson_chi2, fit.aic], [7.86160, 7.88672, 82.3121])
    assert fit.df_residual == 9
    close(fit.fitted, [row[0] for row in POISSON_TABLE])


def test_glm_null_deviance_and_dispersion() -> None:
    fit = fit_glm(ENTERED, np.column_stack([SA_SHARE, UNEMP]), total=PERSONS)
    empty = fit_glm(ENTERED, np.empty((12, 0)), total=PERSONS)
    assert fit.null_deviance == pytest.approx(empty.deviance, rel=1e-10)
    assert fit.dispersion == pytest.approx(fit.pearson_chi2 / 9)
    poisson = fit_glm(ENTERED, np.empty((12, 0)), family="poisson", offset=np.log(PERSONS))
    pooled = np.asarray(PERSONS) * sum(ENTERED) / sum(PERSONS)
    np.testing.assert_allclose(poisson.fitted, pooled, rtol=1e-10)
    assert poisson.deviance == pytest.approx(poisson.null_deviance, rel=1e-10)


def test_glm_refuses_a_rank_deficient_design_naming_the_columns() -> None:
    design = np.column_stack([SA_SHARE, UNEMP, 2.0 * np.asarray(SA_SHARE) - 1.0])
    with pytest.raises(JobhandicapError, match=r"rank deficient.*'sa_share'.*'twice'"):
        fit_glm(ENTERED, design, total=PERSONS, terms=["sa_share", "unemp", "twice"])
    with pytest.raises(JobhandicapError, match="rank deficient"):
        fit_glm(ENTERED, np.full((12, 1), 3.0), total=PERSONS)
    with pytest.raises(JobhandicapError, match="only 2 observations"):
        fit_glm([1, 2], np.column_stack([[1.0, 2.0], [3.0, 1.0]]), total=[5, 5])


def test_glm_refuses_separation() -> None:
    # Every unit above 5 enters a job, none at or below: complete separation.
    x = np.arange(1.0, 11.0)
    count = np.where(x > 5, 10, 0)
    with pytest.raises(JobhandicapError, match="separated"):
        fit_glm(count, x, total=np.full(10, 10))
    # Poisson: no events at all in the group with indicator 0 (its mean runs to 0).
    group = (x > 5).astype(np.float64)
    with pytest.raises(JobhandicapError, match="separated"):
        fit_glm(np.where(x > 5, 7, 0), group, family="poisson")


def test_glm_refuses_non_convergence_and_bad_options() -> None:
    design = np.column_stack([SA_SHARE, UNEMP])
    with pytest.raises(JobhandicapError, match="did not converge in 1 iterations"):
        fit_glm(ENTERED, design, total=PERSONS, max_iter=1)
    with pytest.raises(OptionError, match="family"):
        fit_glm(ENTERED, design, total=PERSONS, family="gamma")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="total"):
        fit_glm(ENTERED, design)
    with pytest.raises(JobhandicapError, match="whole numbers"):
        fit_glm([1.5, *ENTERED[1:]], design, total=PERSONS)
    with pytest.raises(JobhandicapError, match="at least the count"):
        fit_glm([100, *ENTERED[1:]], design, total=PERSONS)
    with pytest.raises(JobhandicapError, match="finite"):
        fit_glm(ENTERED, np.column_stack([[np.nan, *SA_SHARE[1:]], UNEMP]), total=PERSONS)
    with pytest.raises(JobhandicapError, match="one row per observation"):
        fit_glm(ENTERED, design[:5], total=PERSONS)


@settings(max_examples=examples(30))
@given(
    data=st.lists(
        st.tuples(st.integers(1, 200), st.floats(0.05, 0.95), st.floats(-2.0, 2.0)),
        min_size=4,
        max_size=15,
    ),
    seed=st.integers(0, 2**16),
)
def test_glm_score_equations_hold(data: list[tuple[int, float, float]], seed: int) -> None:
    """At the estimate X'(y - mu) = 0, so the fitted counts add up to the observed ones."""
    n = np.asarray([d[0] for d in data], dtype=np.float64)
    p = np.asarray([d[1] for d in data])
    x = np.asarray([d[2] for d in data])
    rng = np.random.default_rng(seed)
    y = rng.binomial(n.astype(np.int64), p).astype(np.float64)
    if np.ptp(x) < 1e-3:
        return
    try:
        fit = fit_glm(y, x, total=n)
    except JobhandicapError as error:  # separated draws are refused, not mis-fitted
        message = str(error)
        assert "separated" in message
        return
    design = np.column_stack([np.ones_like(x), x])
    scale = np.abs(design.T) @ n
    np.testing.assert_array_less(np.abs(design.T @ (y - fit.fitted)), 1e-6 * scale + 1e-8)
    assert fit.deviance >= -1e-9
    assert fit.deviance <= fit.null_deviance + 1e-8


# ---------------------------------------------------------------------------------------------
# Exact tests and funnel limits for ratios (METHODS §6, §8.1)


def test_poisson_test_reproduces_r_poisson_test() -> None:
    observed = np.asarray(ENTERED)
    expected = np.asarray([row[0] for row in SMR_TABLE])
    close(poisson_test(observed, expected), [row[4] for row in SMR_TABLE])
    assert poisson_test(3, 3.0) == 1.0
    # R: poisson.test(0, 3)$p.value = 0.08329560; poisson.test(10, 0.5)$p.value = 1.70967e-10
    assert poisson_test(0, 3.0) == pytest.approx(0.0832956, rel=1e-6)
    assert poisson_test(10, 0.5) == pytest.approx(1.70967e-10, rel=1e-5)
    with pytest.raises(JobhandicapError, match="expected"):
        poisson_test(3, 0.0)
    with pytest.raises(JobhandicapError, match="whole counts"):
        poisson_test(2.5, 3.0)


@pytest.mark.parametrize("expected", sorted(FUNNEL_RATIOS))
def test_ratio_funnel_limits_reproduce_spiegelhalter(expected: float) -> None:
    low_998, low_95, high_95, high_998 = FUNNEL_RATIOS[expected]
    low, high = ratio_funnel_limits(expected, level=0.95)
    close([low, high], [low_95, high_95])
    low, high = ratio_funnel_limits(expected, level=0.998)
    close(high, high_998)
    # The interpolated lower limit goes below 0 at E = 5 (-0.170317); it is clipped at 0.
    close(low, max(low_998, 0.0))
    counts = FUNNEL_COUNTS[expected]
    close(np.asarray(ratio_funnel_limits(expected, level=0.95)) * expected, counts[1:3])


def test_the_negative_lower_limit_at_small_expected_counts_is_clipped_at_zero() -> None:
    assert ratio_funnel_limits(5.0, level=0.998).low == 0.0
    low = ratio_funnel_limits(np.array([0.5, 5.0, 20.0]), level=0.998).low
    assert (low >= 0.0).all()
    assert low[2] > 0.0


def test_overdispersed_ratio_limits_widen_on_the_square_root_scale() -> None:
    low, high = ratio_funnel_limits(100.0, overdispersion=0.01)
    z = 1.959963984540054
    assert low == pytest.approx((1 - z * np.sqrt(1 / 400 + 0.01)) ** 2)
    assert high == pytest.approx((1 + z * np.sqrt(1 / 400 + 0.01)) ** 2)
    exact_low, exact_high = ratio_funnel_limits(100.0)
    assert low < exact_low
    assert high > exact_high
    with pytest.raises(JobhandicapError, match="overdispersion"):
        ratio_funnel_limits(100.0, overdispersion=-1.0)


def test_ratio_overdispersion() -> None:
    expected = np.asarray([row[0] for row in SMR_TABLE])
    phi, tau2 = ratio_overdispersion(ENTERED, expected)
    z = 2.0 * (np.sqrt(ENTERED) - np.sqrt(expected))
    low, high = np.percentile(z, [10, 90])
    assert phi == pytest.approx(float(np.mean(np.clip(z, low, high) ** 2)))
    assert tau2 >= 0.0
    _, spread = ratio_overdispersion(np.asarray(ENTERED) * 3, expected)
    assert spread > 0.1
    with pytest.raises(JobhandicapError, match="two units"):
        ratio_overdispersion([3], [2.0])


# ---------------------------------------------------------------------------------------------
# expected_outcomes (METHODS §6)


@pytest.mark.parametrize(
    ("family", "table"), [("binomial", BINOMIAL_TABLE), ("poisson", POISSON_TABLE)]
)
def test_expected_outcomes_reproduce_the_adjusted_table(
    family: str, table: list[tuple[float, ...]]
) -> None:
    result = expected_outcomes(twelve(), COVARIATES, family=family)  # type: ignore[arg-type]
    units = result.units
    assert list(units.columns) == [
        "jobcentre",
        "n",
        "count",
        "expected",
        "ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "share",
        "expected_share",
    ]
    assert units["jobcentre"].tolist() == list(range(1, 13))
    assert units["count"].tolist() == ENTERED
    for column, position in (("expected", 0), ("ratio", 1), ("ci_low", 2), ("ci_high", 3)):
        close(units[column], [row[position] for row in table])
    assert result.overall["count"].item() == 622
    assert result.overall["expected"].item() == pytest.approx(622.0, abs=1e-8)
    assert result.overall["ratio"].item() == pytest.approx(1.0, abs=1e-12)
    assert result.fit is not None
    assert result.fit.df_residual == 9
    assert result.method.startswith(family)


def test_expected_outcomes_coefficients_frame() -> None:
    result = expected_outcomes(twelve(), COVARIATES)
    coefficients = result.coefficients
    assert list(coefficients.columns) == [
        "term",
        "coefficient",
        "se",
        "ci_low",
        "ci_high",
        "z",
        "p_value",
    ]
    assert coefficients["term"].tolist() == ["intercept", "sa_share", "unemp"]
    close(coefficients["coefficient"], [0.875031, -0.0333106, -0.0610273])
    close(coefficients["se"], [0.378494, 0.0114100, 0.0303747])
    z = coefficients["coefficient"] / coefficients["se"]
    np.testing.assert_allclose(coefficients["z"], z)
    half = 1.959963984540054 * coefficients["se"]
    np.testing.assert_allclose(coefficients["ci_high"], coefficients["coefficient"] + half)
    assert isinstance(result, ExpectedOutcomes)
    assert "ExpectedOutcomes(units=12 rows" in repr(result)


def test_indirect_standardisation_reproduces_the_smr_table() -> None:
    result = expected_outcomes(strata_rows(), strata="age", rates={"under 50": 0.48, "50+": 0.30})
    units = result.units
    assert units["n"].tolist() == PERSONS
    assert units["count"].tolist() == ENTERED
    for column, position in (
        ("expected", 0),
        ("ratio", 1),
        ("ci_low", 2),
        ("ci_high", 3),
        ("p_value", 4),
    ):
        close(units[column], [row[position] for row in SMR_TABLE])
    overall = result.overall.iloc[0]
    assert overall["count"] == 622
    close(
        [overall["expected"], overall["ratio"], overall["ci_low"], overall["ci_high"]],
        [597.660, 1.04073, 0.960534, 1.12583],
    )
    assert result.fit is None
    assert result.coefficients["term"].tolist() == ["50+", "under 50"]
    assert result.coefficients["coefficient"].tolist() == [0.30, 0.48]
    assert "indirect standardisation" in result.method


def test_internal_standardisation_uses_each_strata_pooled_rate() -> None:
    rows = strata_rows()
    result = expected_outcomes(rows, strata="age")
    under = rows["age"] == "under 50"
    rate = rows.loc[under, "entered_job"].sum() / rows.loc[under, "persons"].sum()
    np.testing.assert_allclose(result.units["expected"], rate * np.asarray(PERSONS_U50))
    assert result.overall["ratio"].item() == pytest.approx(1.0)
    assert "internal" in result.method


def test_adjusting_for_nothing_or_a_constant_is_the_raw_comparison() -> None:
    frame = twelve().assign(constant=7.5)
    pooled = sum(ENTERED) / sum(PERSONS)
    raw = expected_outcomes(frame)
    np.testing.assert_allclose(raw.units["expected"], pooled * np.asarray(PERSONS))
    assert raw.coefficients["term"].tolist() == ["intercept"]
    with pytest.warns(DataQualityWarning, match="'constant'.* do not vary"):
        constant = expected_outcomes(frame, ["constant"])
    pd.testing.assert_frame_equal(constant.units, raw.units, rtol=1e-9)
    assert constant.coefficients["term"].tolist() == ["intercept", "constant"]
    assert constant.coefficients["coefficient"].isna().tolist() == [False, True]
    single = expected_outcomes(frame.assign(stratum="all"), strata="stratum")
    pd.testing.assert_frame_equal(single.units, raw.units, rtol=1e-9)


def test_rows_of_a_unit_are_fitted_separately_and_summed() -> None:
    frame = twelve()
    years = pd.concat(
        [frame.assign(year=2019), frame.assign(year=2020, unemp=frame["unemp"] + 1.0)],
        ignore_index=True,
    )
    result = expected_outcomes(years, COVARIATES)
    assert len(result.units) == 12
    assert result.units["count"].tolist() == [2 * e for e in ENTERED]
    assert result.fit is not None
    fitted = result.fit.fitted
    np.testing.assert_allclose(result.units["expected"], fitted[:12] + fitted[12:])
    per_row = expected_outcomes(years, COVARIATES, unit=None)
    assert len(per_row.units) == 24
    assert "jobcentre" not in per_row.units.columns


def test_expected_outcomes_errors() -> None:
    frame = twelve()
    with pytest.raises(MissingColumnsError, match="nope"):
        expected_outcomes(frame, ["nope"])
    with pytest.raises(OptionError, match="family"):
        expected_outcomes(frame, COVARIATES, family="gamma")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="not both"):
        expected_outcomes(frame.assign(s="a"), COVARIATES, strata="s")
    with pytest.raises(OptionError, match="strata="):
        expected_outcomes(frame, rates={"a": 0.3})
    with pytest.raises(OptionError, match="level"):
        expected_outcomes(frame, COVARIATES, level=95)
    with pytest.raises(ArgumentTypeError, match="covariates"):
        expected_outcomes(frame, [1])  # type: ignore[list-item]
    with pytest.raises(OptionError, match="cannot be both"):
        expected_outcomes(frame, ["persons"])
    gap = frame.assign(sa_share=frame["sa_share"].mask(frame.index == 3))
    with pytest.raises(SchemaError) as caught:
        expected_outcomes(gap, COVARIATES)
    assert caught.value.problems["column"].tolist() == ["sa_share"]
    with pytest.raises(JobhandicapError, match="rank deficient"):
        expected_outcomes(frame.assign(twice=frame["sa_share"] * 2), ["sa_share", "twice"])
    with pytest.raises(UnknownLabelError, match="under 50"):
        expected_outcomes(strata_rows(), strata="age", rates={"50+": 0.3})
    with pytest.raises(OptionError, match="at least 0"):
        expected_outcomes(strata_rows(), strata="age", rates={"50+": -0.3, "under 50": 0.4})
    with pytest.raises(JobhandicapError, match="expect no outcome"):
        expected_outcomes(strata_rows(), strata="age", rates={"50+": 0.0, "under 50": 0.0})
    with pytest.raises(SchemaError):
        expected_outcomes(frame.assign(entered_job=frame["persons"] + 1))


@st.composite
def adjusted_frames(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(4, 12))
    persons = draw(st.lists(st.integers(20, 400), min_size=size, max_size=size))
    shares = draw(st.lists(st.floats(0.15, 0.85), min_size=size, max_size=size))
    covariate = draw(
        st.lists(
            st.floats(0.0, 10.0, allow_nan=False).map(lambda v: round(v, 1)),
            min_size=size,
            max_size=size,
        )
    )
    codes = draw(st.permutations(list(range(101, 101 + size))))
    return pd.DataFrame(
        {
            "jobcentre": np.asarray(codes, dtype=np.int64),
            "persons": np.asarray(persons, dtype=np.int64),
            "entered_job": np.round(np.asarray(persons) * np.asarray(shares)).astype(np.int64),
            "condition": covariate,
            "stratum": np.asarray(["a", "b"] * size)[:size],
        }
    )


def _adjust(frame: pd.DataFrame, **options: object) -> ExpectedOutcomes | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return expected_outcomes(frame, **options)  # type: ignore[arg-type]
        except JobhandicapError as error:  # a constant or separating draw
            message = str(error)
            assert "rank deficient" in message or "separated" in message
            return None


@settings(max_examples=examples(30))
@given(
    frame=adjusted_frames(),
    seed=st.integers(0, 2**16),
    family=st.sampled_from(["binomial", "poisson"]),
)
def test_expected_outcomes_properties(frame: pd.DataFrame, seed: int, family: str) -> None:
    before = frame.copy(deep=True)
    result = _adjust(frame, covariates=["condition"], family=family)
    pd.testing.assert_frame_equal(frame, before)  # not modified
    if result is None:
        return
    units = result.units
    # bounds: the interval holds the ratio; the GLM's expected counts add up to the observed
    assert (units["ci_low"] <= units["ratio"] + 1e-12).all()
    assert (units["ratio"] <= units["ci_high"] + 1e-12).all()
    assert units["p_value"].between(0.0, 1.0).all()
    assert (units["expected"] > 0).all()
    assert units["expected"].sum() == pytest.approx(units["count"].sum(), rel=1e-7)
    # row order does not matter
    shuffled = frame.sample(frac=1.0, random_state=seed)
    again = _adjust(shuffled, covariates=["condition"], family=family)
    assert again is not None
    pd.testing.assert_frame_equal(again.units, units, rtol=1e-7)
    # relabelling the units relabels the rows
    relabelled = frame.assign(jobcentre=frame["jobcentre"] + 1000)
    renamed = _adjust(relabelled, covariates=["condition"], family=family)
    assert renamed is not None
    pd.testing.assert_frame_equal(
        renamed.units.drop(columns="jobcentre"), units.drop(columns="jobcentre"), rtol=1e-7
    )
    # adjusting for a constant is the raw comparison: E = persons * pooled rate
    raw = _adjust(frame.assign(condition=1.0), covariates=["condition"], family=family)
    assert raw is not None
    pooled = frame["entered_job"].sum() / frame["persons"].sum()
    np.testing.assert_allclose(raw.units["expected"], raw.units["n"] * pooled, rtol=1e-7)
    standardised = _adjust(frame, strata="stratum")
    assert standardised is not None
    assert standardised.overall["ratio"].item() == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# funnel, best_practice and compare_groups with expected counts


def adjusted_units() -> pd.DataFrame:
    return expected_outcomes(twelve(), COVARIATES).units


def test_funnel_with_expected_draws_exact_poisson_limits_around_one() -> None:
    units = adjusted_units()
    result = funnel(units, count="count", total="n", expected="expected")
    assert list(result.columns[:8]) == [
        "jobcentre",
        "n",
        "count",
        "expected",
        "ratio",
        "ci_low",
        "ci_high",
        "p_value",
    ]
    close(result["ratio"], [row[1] for row in BINOMIAL_TABLE])
    close(result["ci_low"], [row[2] for row in BINOMIAL_TABLE])
    low, high = ratio_funnel_limits(units["expected"].to_numpy(), level=0.95)
    np.testing.assert_allclose(result["low_95"], low)
    np.testing.assert_allclose(result["high_95"], high)
    np.testing.assert_allclose(result["p_value"], poisson_test(units["count"], units["expected"]))
    assert (result["flag_95"] == "within").all()
    assert result.attrs["target"] == 1.0
    assert result.attrs["expected"] == "expected"


def test_funnel_with_expected_reproduces_the_reference_limits() -> None:
    frame = pd.DataFrame(
        {"unit": [1, 2, 3], "count": [5, 20, 100], "n": [50, 50, 500], "e": [5.0, 20.0, 100.0]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = funnel(frame, count="count", total="n", unit="unit", expected="e")
    close(result["low_95"], [FUNNEL_RATIOS[e][1] for e in (5.0, 20.0, 100.0)])
    close(result["high_99_8"], [FUNNEL_RATIOS[e][3] for e in (5.0, 20.0, 100.0)])
    # pinned: the negative interpolated lower limit at E = 5 is clipped at 0
    assert result["low_99_8"].iloc[0] == 0.0
    close(result["low_99_8"].iloc[1:], [FUNNEL_RATIOS[e][0] for e in (20.0, 100.0)])


def test_funnel_with_expected_overdispersion_and_fdr() -> None:
    units = adjusted_units().assign(count=lambda f: f["count"] * 3, n=lambda f: f["n"] * 3)
    plain = funnel(units, count="count", total="n", expected="expected")
    wide = funnel(units, count="count", total="n", expected="expected", overdispersion=True)
    assert wide.attrs["overdispersion"] is True
    phi, tau2 = ratio_overdispersion(units["count"], units["expected"])
    assert wide.attrs["phi"] == pytest.approx(phi)
    assert wide.attrs["tau2"] == pytest.approx(tau2)
    assert tau2 > 0
    assert (wide["high_95"] > plain["high_95"]).all()
    given = funnel(units, count="count", total="n", expected="expected", overdispersion=0.05)
    assert given.attrs["tau2"] == 0.05
    fdr = funnel(units, count="count", total="n", expected="expected", adjust="fdr")
    assert set(fdr["flag_95"]) <= {"below", "within", "above"}
    with pytest.raises(OptionError, match="square-root"):
        funnel(units, count="count", total="n", expected="expected", overdispersion=-1.0)


def test_funnel_with_expected_errors_and_row_order() -> None:
    units = adjusted_units()
    with pytest.raises(OptionError, match="target"):
        funnel(units, count="count", total="n", expected="expected", target=0.4)
    with pytest.raises(MissingColumnsError, match="nope"):
        funnel(units, count="count", total="n", expected="nope")
    with pytest.raises(OptionError, match="already the count"):
        funnel(units, count="count", total="n", expected="count")
    with pytest.raises(SchemaError):
        funnel(units.assign(expected=0.0), count="count", total="n", expected="expected")
    before = units.copy(deep=True)
    result = funnel(units, count="count", total="n", expected="expected")
    pd.testing.assert_frame_equal(units, before)
    shuffled = funnel(
        units.iloc[::-1].reset_index(drop=True), count="count", total="n", expected="expected"
    )
    pd.testing.assert_frame_equal(shuffled, result)


@pytest.fixture(scope="module")
def example() -> ExampleData:
    return load_example()


FRAMEWORK = ["social_assistance_pct", "unemployment_pct"]


def test_best_practice_with_expected_flags_on_the_ratio_funnel(example: ExampleData) -> None:
    outcomes = example.outcomes[example.outcomes["year"] == 2019]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adjusted = expected_outcomes(outcomes, FRAMEWORK).units
        best = best_practice(
            adjusted, example.profiles, count="count", total="n", expected="expected"
        )
        raw = best_practice(outcomes, example.profiles)
    assert len(best) == 94
    assert "ratio" in best.columns
    assert "share" not in best.columns
    deviants = best[best["positive_deviant"]]
    assert (deviants["shrunk"] > deviants["high_95"]).all()
    assert (deviants["ratio"] > 1.0).all()
    assert best.attrs["expected"] == "expected"
    assert best.attrs["target"] == 1.0
    # adjustment takes some of the proactive jobcentres' advantage away
    proactive = best["strategy"] == "proactive"
    assert (
        best.loc[proactive, "positive_deviant"].sum()
        <= raw.loc[raw["strategy"] == "proactive", "positive_deviant"].sum()
    )


def test_adjustment_shrinks_the_proactive_advantage_in_the_example(
    example: ExampleData,
) -> None:
    """Truth 10 of the example data: the raw comparison is confounded by the conditions."""
    outcomes = example.outcomes
    scores = score_strategies(example.profiles)[["jobcentre", "strategy"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = expected_outcomes(outcomes).units.merge(scores, on="jobcentre")
        adjusted = expected_outcomes(outcomes, FRAMEWORK).units.merge(scores, on="jobcentre")
        raw_gap = compare_groups(raw, value="ratio", by="strategy", reference="reactive")
        adjusted_gap = compare_groups(adjusted, value="ratio", by="strategy", reference="reactive")
    proactive_raw = raw_gap.loc[raw_gap["strategy"] == "proactive", "difference"].item()
    proactive_adjusted = adjusted_gap.loc[
        adjusted_gap["strategy"] == "proactive", "difference"
    ].item()
    assert 0 < proactive_adjusted < proactive_raw


def test_framework_conditions_are_read_and_validated(tmp_path: Path) -> None:
    path = tmp_path / "resultater.csv"
    path.write_text(
        "Jobcenter;År;Personer;I_job;Kontanthjælp_pct;Ledighedsprocent\n"
        "561;2019;40;3;3,2;4,5\n101;2019;400;90;5,1;6,0\n",
        encoding="utf-8",
    )
    outcomes = read_outcomes(path)
    assert outcomes["social_assistance_pct"].tolist() == [3.2, 5.1]
    assert outcomes["unemployment_pct"].tolist() == [4.5, 6.0]
    without = validate_outcomes(outcomes.drop(columns=["unemployment_pct"]))
    assert without["unemployment_pct"].isna().all()
    with pytest.raises(SchemaError) as caught:
        validate_outcomes(outcomes.assign(unemployment_pct=[4.5, 120.0]))
    assert caught.value.problems["column"].tolist() == ["unemployment_pct"]
    with pytest.raises(SchemaError, match="covariate"):
        expected_outcomes(without, ["social_assistance_pct", "unemployment_pct"])


@pytest.mark.parametrize("name", ["ratio", "n", "count", "expected", "expected_share"])
def test_a_unit_named_like_a_result_column_is_refused(name: str) -> None:
    outcomes = pd.DataFrame(
        {
            name: [f"u{i}" for i in range(4)],
            "persons": [50, 60, 70, 80],
            "entered_job": [20, 25, 30, 41],
            "x": [1.0, 2.0, 3.0, 5.0],
        }
    )
    with pytest.raises(OptionError, match=f"unit column '{name}' is named like a column"):
        expected_outcomes(outcomes, ["x"], unit=name)
    if name == "expected_share":  # not a column of the funnel
        return
    frame = outcomes.assign(e=[21.0, 24.0, 31.0, 40.0])
    with pytest.raises(OptionError, match=f"unit column '{name}'"):
        funnel(frame, count="entered_job", total="persons", expected="e", unit=name)


@pytest.mark.parametrize("name", ["share", "low_95", "flag_99"])
def test_funnel_refuses_a_unit_named_like_its_columns(name: str) -> None:
    frame = pd.DataFrame({name: ["a", "b", "c"], "k": [10, 12, 14], "t": [40, 50, 60]})
    with pytest.raises(OptionError, match=f"unit column '{name}'"):
        funnel(frame, count="k", total="t", unit=name)


def test_messages_show_plain_values_of_units() -> None:
    outcomes = pd.DataFrame(
        {
            "jobcentre": np.array([1, 2, 3], dtype=np.int64),
            "persons": [0, 60, 70],
            "entered_job": [0, 25, 30],
            "x": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(SchemaError) as caught:
        expected_outcomes(outcomes, ["x"])
    assert "jobcentre=1:" in str(caught.value)
    assert "np." not in str(caught.value)
