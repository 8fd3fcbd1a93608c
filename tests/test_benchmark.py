"""Tests of comparing jobcentres: funnel, shrinkage, group differences, best practice."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap.benchmark import FLAGS, best_practice, compare_groups, funnel, shrink_rates
from jobhandicap.datasets import ExampleData, load_example
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
    UnknownLabelError,
)
from jobhandicap.stats import benjamini_hochberg, funnel_p_value
from jobhandicap.strategy import score_strategies

NUM = [12, 30, 45, 8, 60, 22, 15, 70, 5, 33]
DEN = [20, 50, 80, 20, 90, 40, 30, 100, 15, 50]
PRO = [0.52, 0.61, 0.47, 0.58, 0.66, 0.55, 0.49, 0.63, 0.57, 0.60, 0.51, 0.59]
OTHER = [0.44, 0.50, 0.39, 0.47, 0.53, 0.41, 0.46, 0.49, 0.43, 0.52, 0.38, 0.45]
OTHER += [0.48, 0.42, 0.51, 0.40]


def units(count: list[int], total: list[int], codes: list[int] | None = None) -> pd.DataFrame:
    codes = codes if codes is not None else [100 + i for i in range(len(count))]
    return pd.DataFrame(
        {
            "jobcentre": np.asarray(codes, dtype=np.int64),
            "entered_job": np.asarray(count, dtype=np.int64),
            "persons": np.asarray(total, dtype=np.int64),
        }
    )


def reference_units() -> pd.DataFrame:
    return units(NUM, DEN)


def group_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rate": PRO + OTHER,
            "type": pd.array(["pro"] * len(PRO) + ["other"] * len(OTHER), dtype="string"),
        }
    )


@pytest.fixture(scope="module")
def example() -> ExampleData:
    return load_example()


# Hypothesis strategies: per-unit totals and counts -----------------------------------------


@st.composite
def unit_tables(draw: st.DrawFn, min_units: int = 2, max_units: int = 12) -> pd.DataFrame:
    k = draw(st.integers(min_units, max_units))
    totals = draw(st.lists(st.integers(1, 400), min_size=k, max_size=k))
    shares = draw(st.lists(st.floats(0, 1), min_size=k, max_size=k))
    counts = [int(np.floor(s * t)) for s, t in zip(shares, totals, strict=True)]
    codes = draw(st.permutations(list(range(100, 100 + k))))
    return units(counts, totals, list(codes))


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


# funnel: reference values --------------------------------------------------------------------


def test_funnel_reproduces_the_exact_binomial_limits_around_a_target() -> None:
    result = funnel(
        units([6, 30, 120], [10, 50, 200]), count="entered_job", total="persons", target=0.6
    )
    assert result["n"].tolist() == [10, 50, 200]
    low, high = result["low_95"].to_numpy(), result["high_95"].to_numpy()
    assert (low[0], high[0]) == pytest.approx((0.229918, 0.852982), abs=1e-6)
    assert (low[1], high[1]) == pytest.approx((0.451665, 0.724055), abs=1e-6)
    assert (low[2], high[2]) == pytest.approx((0.529118, 0.664856), abs=1e-6)
    wide = (result["low_99_8"].iloc[0], result["high_99_8"].iloc[0])
    assert wide == pytest.approx((0.056912, 0.983462), abs=1e-6)
    assert result.attrs["target"] == 0.6


def test_funnel_overdispersion_reproduces_spiegelhalters_estimates() -> None:
    result = funnel(reference_units(), count="entered_job", total="persons", overdispersion=True)
    assert result.attrs["phi"] == pytest.approx(1.320474, abs=1e-6)
    assert result.attrs["tau2"] == pytest.approx(0.00245442, abs=1e-8)
    assert result.attrs["overdispersion"] is True
    p0 = sum(NUM) / sum(DEN)
    assert result.attrs["target"] == pytest.approx(p0)
    # Limits: sin²(arcsin √p0 ± z √(1/4n + τ²)).
    n = np.asarray(DEN, dtype=float)
    half = 1.959964 * np.sqrt(1 / (4 * n) + 0.00245442)
    centre = np.arcsin(np.sqrt(p0))
    assert result["low_95"].to_numpy() == pytest.approx(np.sin(centre - half) ** 2, abs=1e-6)
    assert result["high_95"].to_numpy() == pytest.approx(np.sin(centre + half) ** 2, abs=1e-6)


def test_funnel_reports_the_estimates_even_when_the_limits_do_not_use_them() -> None:
    result = funnel(reference_units(), count="entered_job", total="persons")
    assert result.attrs["phi"] == pytest.approx(1.320474, abs=1e-6)
    assert result.attrs["overdispersion"] is False
    assert result.attrs["limits"] == (0.95, 0.998)
    assert result.attrs["adjust"] is None


def test_funnel_columns_wilson_interval_and_p_values() -> None:
    result = funnel(units([35, 6], [82, 10]), count="entered_job", total="persons", target=0.6)
    assert list(result.columns) == [
        "jobcentre", "n", "count", "share", "ci_low", "ci_high", "p_value",
        "low_95", "high_95", "flag_95", "low_99_8", "high_99_8", "flag_99_8",
    ]  # fmt: skip
    assert (result["ci_low"].iloc[0], result["ci_high"].iloc[0]) == pytest.approx(
        (0.325419, 0.534788), abs=1e-6
    )
    assert (result["ci_low"].iloc[1], result["ci_high"].iloc[1]) == pytest.approx(
        (0.312674, 0.831820), abs=1e-6
    )
    assert result["p_value"].to_numpy() == pytest.approx(funnel_p_value([35, 6], [82, 10], 0.6))
    assert result["n"].dtype == np.int64
    assert result["count"].dtype == np.int64
    assert list(result["flag_95"].cat.categories) == list(FLAGS)


def test_funnel_names_the_level_columns_by_per_cent() -> None:
    result = funnel(reference_units(), count="entered_job", total="persons", limits=[0.9, 0.999])
    assert {"low_90", "high_90", "flag_90", "low_99_9", "high_99_9", "flag_99_9"} <= set(
        result.columns
    )
    single = funnel(reference_units(), count="entered_job", total="persons", limits=0.95)
    assert [c for c in single.columns if c.startswith("flag")] == ["flag_95"]


def test_funnel_sums_rows_of_a_unit_first() -> None:
    long = pd.DataFrame(
        {
            "jobcentre": [147, 101, 147, 101, 151],
            "year": [2019, 2019, 2020, 2020, 2020],
            "entered_job": [10, 3, 20, 3, 8],
            "persons": [40, 10, 60, 10, 20],
        },
        index=[0, 0, 1, 1, 2],  # duplicate labels must not confuse the sums
    )
    result = funnel(long, count="entered_job", total="persons")
    summed = funnel(
        units([6, 30, 8], [20, 100, 20], [101, 147, 151]), count="entered_job", total="persons"
    )
    pd.testing.assert_frame_equal(result, summed)
    assert result["jobcentre"].tolist() == [101, 147, 151]


def test_funnel_without_units_takes_each_row_as_a_unit() -> None:
    frame = reference_units().drop(columns="jobcentre")
    result = funnel(frame, count="entered_job", total="persons", unit=None)
    assert result.columns[0] == "n"
    assert result["n"].tolist() == DEN


def test_funnel_flags_a_clear_outlier_both_ways() -> None:
    result = funnel(
        units([50, 50, 50, 95, 5], [100] * 5), count="entered_job", total="persons", target=0.5
    )
    assert result["flag_95"].tolist() == ["within", "within", "within", "above", "below"]


def test_funnel_fdr_flags_follow_benjamini_hochberg() -> None:
    counts = [50, 52, 48, 55, 45, 61, 39, 75, 50, 51]
    frame = units(counts, [100] * len(counts))
    plain = funnel(frame, count="entered_job", total="persons", target=0.5)
    fdr = funnel(frame, count="entered_job", total="persons", target=0.5, adjust="fdr")
    pd.testing.assert_series_equal(plain["p_value"], fdr["p_value"])
    for level, suffix in ((0.95, "95"), (0.998, "99_8")):
        rejected = benjamini_hochberg(fdr["p_value"].to_numpy(), alpha=1 - level)
        flagged = fdr[f"flag_{suffix}"].to_numpy() != "within"
        assert (flagged == rejected).all()
    # The unadjusted funnel flags 61 and 39 at 95 %; BH keeps only the clearest.
    assert (plain["flag_95"] != "within").sum() > (fdr["flag_95"] != "within").sum() >= 1
    assert fdr["flag_95"].iloc[7] == "above"
    assert fdr.attrs["adjust"] == "fdr"


def test_funnel_overdispersion_widens_the_limits_and_calms_the_flags() -> None:
    counts = [10, 40, 25, 70, 15, 55, 30, 85, 20, 60]
    frame = units(counts, [100] * len(counts))
    plain = funnel(frame, count="entered_job", total="persons")
    wide = funnel(frame, count="entered_job", total="persons", overdispersion=True)
    assert wide.attrs["tau2"] > 0
    assert (wide["low_95"] < plain["low_95"]).all()
    assert (wide["high_95"] > plain["high_95"]).all()
    assert (wide["flag_95"] != "within").sum() < (plain["flag_95"] != "within").sum()
    # The p-value matches the overdispersed test.
    p0, tau2 = wide.attrs["target"], wide.attrs["tau2"]
    z = (np.arcsin(np.sqrt(0.85)) - np.arcsin(np.sqrt(p0))) / np.sqrt(1 / 400 + tau2)
    from scipy.stats import norm

    assert wide["p_value"].iloc[7] == pytest.approx(2 * norm.sf(abs(z)))


# funnel: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "column"),
    [
        ([5, 12], [10, 10], "entered_job"),  # count > total
        ([-1, 3], [10, 10], "entered_job"),
        ([np.nan, 3], [10, 10], "entered_job"),
        ([2.5, 3], [10, 10], "entered_job"),
        ([2, 3], [10, np.nan], "persons"),
        ([2, 3], [10, -4], "persons"),
    ],
)
def test_funnel_refuses_bad_counts_naming_the_row(
    count: list[float], total: list[float], column: str
) -> None:
    frame = pd.DataFrame(
        {"jobcentre": [101, 147], "entered_job": count, "persons": total}, index=[7, 8]
    )
    with pytest.raises(SchemaError) as caught:
        funnel(frame, count="entered_job", total="persons")
    problems = caught.value.problems
    assert column in problems["column"].tolist()
    assert set(problems["row"].dropna().tolist()) <= {7, 8}


def test_funnel_lists_every_bad_row() -> None:
    frame = units([5, 12, -1], [10, 10, 10])
    with pytest.raises(SchemaError) as caught:
        funnel(frame, count="entered_job", total="persons")
    assert sorted(caught.value.problems["row"].tolist()) == [1, 2]


@pytest.mark.parametrize("target", [0.0, 1.0, 1.5, -0.1, float("nan"), "half"])
def test_funnel_refuses_a_target_outside_zero_one(target: object) -> None:
    with pytest.raises(JobhandicapError, match="target"):
        funnel(reference_units(), count="entered_job", total="persons", target=target)  # type: ignore[arg-type]


def test_funnel_refuses_a_single_unit() -> None:
    frame = units([3, 4], [10, 10], [101, 101])
    with pytest.raises(JobhandicapError, match="at least two"):
        funnel(frame, count="entered_job", total="persons")


def test_funnel_refuses_a_unit_without_people() -> None:
    with pytest.raises(SchemaError, match="total is 0"):
        funnel(units([0, 4], [0, 10]), count="entered_job", total="persons")


def test_funnel_refuses_missing_columns_units_and_options() -> None:
    with pytest.raises(MissingColumnsError):
        funnel(reference_units(), count="jobs", total="persons")
    frame = reference_units().astype({"jobcentre": "Int64"})
    frame.loc[2, "jobcentre"] = pd.NA
    with pytest.raises(SchemaError, match="cannot be compared"):
        funnel(frame, count="entered_job", total="persons")
    with pytest.raises(JobhandicapError, match="adjust"):
        funnel(reference_units(), count="entered_job", total="persons", adjust="bonferroni")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="limits"):
        funnel(reference_units(), count="entered_job", total="persons", limits=(0.95, 1.2))
    with pytest.raises(JobhandicapError, match="differ"):
        funnel(reference_units(), count="entered_job", total="persons", limits=(0.95, 0.95))
    with pytest.raises(SchemaError, match="numbers"):
        funnel(
            reference_units().astype({"persons": "string"}), count="entered_job", total="persons"
        )
    with pytest.raises(JobhandicapError, match="same column"):
        funnel(reference_units(), count="persons", total="persons")


def test_funnel_and_shrink_rates_keep_their_old_argument_names_with_a_warning() -> None:
    frame = reference_units()
    with pytest.warns(DeprecationWarning, match=r"funnel\(levels=\.\.\.\) is deprecated"):
        old = funnel(frame, count="entered_job", total="persons", levels=0.95)  # type: ignore[call-arg]
    new = funnel(frame, count="entered_job", total="persons", limits=0.95)
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(DeprecationWarning, match=r"funnel\(by=\.\.\.\)"):
        funnel(frame, count="entered_job", total="persons", by="jobcentre")  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match=r"shrink_rates\(by=\.\.\.\)"):
        shrink_rates(frame, count="entered_job", total="persons", by="jobcentre")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="both"):
        funnel(frame, count="entered_job", total="persons", levels=0.95, limits=0.95)  # type: ignore[call-arg]


def test_funnel_warns_once_for_units_with_few_persons() -> None:
    frame = units([35, 6, 150], [82, 10, 200])
    with pytest.warns(SmallSampleWarning, match=r"1 of 3 .* fewer than 30 persons") as caught:
        funnel(frame, count="entered_job", total="persons")
    assert len([w for w in caught if w.category is SmallSampleWarning]) == 1
    assert caught[0].filename == __file__  # points at the caller, not the library
    large = units([35, 60, 150], [82, 100, 200])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        funnel(large, count="entered_job", total="persons")


def test_benchmark_options_raise_value_and_type_errors() -> None:
    frame = reference_units()
    with pytest.raises(OptionError):
        funnel(frame, count="entered_job", total="persons", target=1.5)
    with pytest.raises(ArgumentTypeError):
        funnel(frame, count="entered_job", total="persons", target="half")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        funnel(frame, count="entered_job", total="persons", limits="95")  # type: ignore[arg-type]
    with pytest.raises(OptionError):
        shrink_rates(frame, count="entered_job", total="persons", family="normal")  # type: ignore[arg-type]
    with pytest.raises(OptionError):
        shrink_rates(frame, count="entered_job", total="persons", per=-1)
    with pytest.raises(MissingColumnsError):
        funnel(frame, count="entered_job", total="persons", unit="municipality")
    renamed = group_frame().rename(columns={"type": "reference"})
    with pytest.raises(OptionError, match="reference"):
        compare_groups(renamed, value="rate", by="reference")


# funnel: properties --------------------------------------------------------------------------


@given(unit_tables())
def test_funnel_limits_lie_in_zero_one_around_the_target_and_nest(frame: pd.DataFrame) -> None:
    result = funnel(frame, count="entered_job", total="persons")
    p0 = result.attrs["target"]
    for suffix in ("95", "99_8"):
        low, high = result[f"low_{suffix}"].to_numpy(), result[f"high_{suffix}"].to_numpy()
        assert ((low >= 0) & (low <= p0 + 1e-12) & (high >= p0 - 1e-12) & (high <= 1)).all()
    assert (result["low_99_8"] <= result["low_95"] + 1e-12).all()
    assert (result["high_99_8"] >= result["high_95"] - 1e-12).all()
    assert ((result["p_value"] >= 0) & (result["p_value"] <= 1)).all()
    assert ((result["ci_low"] <= result["share"]) & (result["share"] <= result["ci_high"])).all()


@given(unit_tables(), st.booleans())
def test_funnel_flags_agree_with_the_limits(frame: pd.DataFrame, wide: bool) -> None:
    result = funnel(frame, count="entered_job", total="persons", overdispersion=wide)
    for suffix in ("95", "99_8"):
        rate = result["share"].to_numpy()
        expected = np.where(
            rate > result[f"high_{suffix}"].to_numpy(),
            "above",
            np.where(rate < result[f"low_{suffix}"].to_numpy(), "below", "within"),
        )
        assert result[f"flag_{suffix}"].astype(str).tolist() == expected.tolist()


@given(unit_tables(min_units=3))
def test_funnel_fdr_flags_only_units_on_the_right_side(frame: pd.DataFrame) -> None:
    result = funnel(frame, count="entered_job", total="persons", adjust="fdr")
    p0 = result.attrs["target"]
    flag = result["flag_95"].astype(str).to_numpy()
    rate = result["share"].to_numpy()
    assert (rate[flag == "above"] > p0).all()
    assert (rate[flag == "below"] < p0).all()
    rejected = benjamini_hochberg(result["p_value"].to_numpy(), alpha=0.05)
    assert ((flag != "within") == rejected).all()


@given(unit_tables(), st.integers(0, 2**16))
def test_funnel_ignores_row_order_and_keeps_its_input(frame: pd.DataFrame, seed: int) -> None:
    before = frame.copy(deep=True)
    result = funnel(frame, count="entered_job", total="persons", overdispersion=True)
    pd.testing.assert_frame_equal(frame, before)
    again = funnel(
        shuffled(frame, seed), count="entered_job", total="persons", overdispersion=True
    )
    pd.testing.assert_frame_equal(result, again, check_exact=False, rtol=1e-12)
    assert result.attrs["phi"] == pytest.approx(again.attrs["phi"], rel=1e-12)


@given(unit_tables(), st.integers(0, 2**16))
def test_funnel_permuting_units_permutes_results(frame: pd.DataFrame, seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(frame))
    rows = frame.drop(columns="jobcentre")
    result = funnel(rows, count="entered_job", total="persons", unit=None)
    permuted = funnel(rows.iloc[order], count="entered_job", total="persons", unit=None)
    expected = result.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(permuted, expected, check_exact=False, rtol=1e-12)


# shrink_rates --------------------------------------------------------------------------------


def test_shrink_rates_reproduces_the_binomial_reference() -> None:
    result = shrink_rates(reference_units(), count="entered_job", total="persons")
    expected = [0.604799, 0.603657, 0.583733, 0.563165, 0.638904, 0.586742, 0.576065,
                0.659412, 0.561143, 0.627452]  # fmt: skip
    assert result["shrunk"].to_numpy() == pytest.approx(expected, abs=1e-6)
    assert result["raw"].to_numpy() == pytest.approx(np.divide(NUM, DEN))
    assert list(result.columns) == ["jobcentre", "n", "count", "raw", "shrunk", "weight"]
    assert result.attrs["mean"] == pytest.approx(sum(NUM) / sum(DEN))
    assert result.attrs["family"] == "binomial"


def test_shrink_rates_reproduces_the_poisson_reference_per_thousand() -> None:
    frame = pd.DataFrame(
        {
            "municipality": [101, 147, 151, 153, 155, 157, 159],
            "cases": [3, 10, 0, 25, 7, 2, 40],
            "population": [1200, 5000, 800, 9000, 1500, 300, 11000],
        }
    )
    result = shrink_rates(
        frame, count="cases", total="population", unit="municipality", family="poisson", per=1000
    )
    expected = [2.9908, 2.8133, 2.9023, 2.9443, 3.1379, 3.0758, 3.2422]
    assert result["shrunk"].to_numpy() == pytest.approx(expected, abs=1e-4)
    assert result["raw"].iloc[0] == pytest.approx(2.5)
    assert result.attrs["per"] == 1000


def test_shrink_rates_scales_a_binomial_share() -> None:
    plain = shrink_rates(reference_units(), count="entered_job", total="persons")
    percent = shrink_rates(reference_units(), count="entered_job", total="persons", per=100)
    assert percent["shrunk"].to_numpy() == pytest.approx(100 * plain["shrunk"].to_numpy())
    assert percent["weight"].to_numpy() == pytest.approx(plain["weight"].to_numpy())
    assert percent.attrs["between_variance"] == pytest.approx(
        1e4 * plain.attrs["between_variance"]
    )


def test_shrink_rates_shrinks_everyone_to_the_mean_without_between_variance() -> None:
    result = shrink_rates(units([5, 10, 20], [10, 20, 40]), count="entered_job", total="persons")
    assert result["shrunk"].to_numpy() == pytest.approx([0.5, 0.5, 0.5])
    assert (result["weight"] == 0).all()


def test_shrink_rates_refuses_bad_input() -> None:
    with pytest.raises(SchemaError):
        shrink_rates(units([12, 3], [10, 10]), count="entered_job", total="persons")
    with pytest.raises(JobhandicapError, match="family"):
        shrink_rates(reference_units(), count="entered_job", total="persons", family="normal")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="per"):
        shrink_rates(reference_units(), count="entered_job", total="persons", per=0)
    with pytest.raises(JobhandicapError, match="at least two"):
        shrink_rates(units([3], [10]), count="entered_job", total="persons")


@given(unit_tables(), st.sampled_from(["binomial", "poisson"]))
def test_shrunk_rates_lie_between_raw_and_mean(frame: pd.DataFrame, family: str) -> None:
    result = shrink_rates(frame, count="entered_job", total="persons", family=family)  # type: ignore[arg-type]
    mean = result.attrs["mean"]
    raw, shrunk = result["raw"].to_numpy(), result["shrunk"].to_numpy()
    tol = 1e-12
    assert (np.minimum(raw, mean) - tol <= shrunk).all()
    assert (shrunk <= np.maximum(raw, mean) + tol).all()
    assert ((result["weight"] >= 0) & (result["weight"] <= 1)).all()


@given(unit_tables(), st.integers(0, 2**16))
def test_shrink_rates_ignores_row_order_and_keeps_its_input(
    frame: pd.DataFrame, seed: int
) -> None:
    before = frame.copy(deep=True)
    result = shrink_rates(frame, count="entered_job", total="persons")
    pd.testing.assert_frame_equal(frame, before)
    again = shrink_rates(shuffled(frame, seed), count="entered_job", total="persons")
    pd.testing.assert_frame_equal(result, again, check_exact=False, rtol=1e-10)


@given(unit_tables(min_units=3))
def test_larger_units_keep_more_of_their_own_rate(frame: pd.DataFrame) -> None:
    result = shrink_rates(frame, count="entered_job", total="persons").sort_values("n")
    weight = result["weight"].to_numpy()
    assert (np.diff(weight) >= -1e-12).all()


# compare_groups ------------------------------------------------------------------------------


def test_compare_groups_reproduces_the_welch_reference() -> None:
    result = compare_groups(
        group_frame(), value="rate", by="type", reference="other", n_boot=2000, seed=42
    )
    assert len(result) == 1
    row = result.iloc[0]
    assert (row["type"], row["reference"]) == ("pro", "other")
    assert (row["n"], row["n_reference"]) == (12, 16)
    assert row["difference"] == pytest.approx(0.11, abs=1e-6)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.067158, 0.152842), abs=1e-6)
    assert row["mean"] == pytest.approx(np.mean(PRO))
    assert row["mean_reference"] == pytest.approx(np.mean(OTHER))
    assert 0.05 < row["boot_ci_low"] < 0.11 < row["boot_ci_high"] < 0.17
    # Hedges' g = d (1 - 3/(4(n1 + n2) - 9)), d over the pooled standard deviation.
    pooled = np.sqrt((11 * np.var(PRO, ddof=1) + 15 * np.var(OTHER, ddof=1)) / 26)
    assert row["hedges_g"] == pytest.approx(0.11 / pooled * (1 - 3 / (4 * 28 - 9)), abs=1e-6)
    assert list(result.columns) == [
        "type", "reference", "n", "n_reference", "difference", "ci_low", "ci_high",
        "boot_ci_low", "boot_ci_high", "hedges_g", "mean", "mean_reference",
    ]  # fmt: skip
    assert result["type"].dtype == "string"


def test_compare_groups_default_reference_is_the_first_sorted_group() -> None:
    result = compare_groups(group_frame(), value="rate", by="type", n_boot=200, seed=1)
    assert result["reference"].tolist() == ["other"]
    assert result["difference"].iloc[0] == pytest.approx(0.11)


def test_compare_groups_follows_categorical_order_and_keeps_the_dtype() -> None:
    frame = pd.DataFrame(
        {
            "rate": [0.30, 0.32, 0.28, 0.20, 0.22, 0.10, 0.12, 0.11, np.nan],
            "strategy": pd.Categorical(
                ["proactive"] * 3 + ["diffuse"] * 2 + ["reactive"] * 3 + ["reactive"],
                categories=["proactive", "diffuse", "reactive"],
            ),
        }
    )
    result = compare_groups(frame, value="rate", by="strategy", n_boot=200, seed=1)
    assert result["reference"].astype(str).tolist() == ["proactive", "proactive"]
    assert result["strategy"].astype(str).tolist() == ["diffuse", "reactive"]
    assert isinstance(result["strategy"].dtype, pd.CategoricalDtype)
    assert result["n"].tolist() == [2, 3]  # the missing rate is left out
    against_reactive = compare_groups(
        frame, value="rate", by="strategy", reference="reactive", n_boot=200, seed=1
    )
    assert (against_reactive["difference"] > 0).all()


def test_compare_groups_warns_and_gives_nan_for_a_single_value() -> None:
    frame = pd.DataFrame({"rate": [0.1, 0.2, 0.3, 0.5], "g": ["a", "a", "a", "b"]})
    with pytest.warns(SmallSampleWarning):
        result = compare_groups(frame, value="rate", by="g", n_boot=100, seed=1)
    row = result.iloc[0]
    assert row["difference"] == pytest.approx(0.3)
    assert np.isnan(row["ci_low"])
    assert np.isnan(row["boot_ci_high"])
    assert np.isfinite(row["hedges_g"])


def test_compare_groups_refuses_bad_input() -> None:
    frame = group_frame()
    with pytest.raises(UnknownLabelError, match="middle"):
        compare_groups(frame, value="rate", by="type", reference="middle")
    with pytest.raises(JobhandicapError, match="two groups"):
        compare_groups(frame[frame["type"] == "pro"], value="rate", by="type")
    with pytest.raises(MissingColumnsError):
        compare_groups(frame, value="entry", by="type")
    with pytest.raises(SchemaError, match="finite"):
        compare_groups(
            frame.assign(rate=frame["rate"].replace(0.52, np.inf)), value="rate", by="type"
        )
    with pytest.raises(OptionError, match="n_boot"):
        compare_groups(frame, value="rate", by="type", n_boot=0)
    with pytest.raises(OptionError, match="method"):
        compare_groups(frame, value="rate", by="type", method="normal")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="seed"):
        compare_groups(frame, value="rate", by="type", seed="one")  # type: ignore[arg-type]
    with pytest.warns(DeprecationWarning, match=r"compare_groups\(group=\.\.\.\)"):
        old = compare_groups(frame, value="rate", group="type", n_boot=50)  # type: ignore[call-arg]
    pd.testing.assert_frame_equal(old, compare_groups(frame, value="rate", by="type", n_boot=50))


def test_compare_groups_is_reproducible_by_default_and_warns_on_small_groups() -> None:
    frame = group_frame()  # 12 and 16 units: below the small-base threshold of 30
    with pytest.warns(SmallSampleWarning, match="fewer than 30 units"):
        first = compare_groups(frame, value="rate", by="type", n_boot=200)
    with pytest.warns(SmallSampleWarning):
        second = compare_groups(frame, value="rate", by="type", n_boot=200)
    pd.testing.assert_frame_equal(first, second)


def test_compare_groups_bca_gives_an_interval_around_the_difference() -> None:
    result = compare_groups(
        group_frame(), value="rate", by="type", n_boot=1000, seed=3, method="bca"
    )
    row = result.iloc[0]
    assert row["boot_ci_low"] < row["difference"] < row["boot_ci_high"]
    assert result.attrs["method"] == "bca"


# Rates to three decimals (subnormal spreads would only test floating-point underflow).
rates = st.integers(0, 1000).map(lambda v: v / 1000)
sample_values = st.lists(rates, min_size=2, max_size=15)


@given(sample_values, sample_values, st.integers(0, 2**16))
@settings(max_examples=examples(30))
def test_compare_groups_is_reproducible_and_ignores_row_order(
    a: list[float], b: list[float], seed: int
) -> None:
    frame = pd.DataFrame({"value": a + b, "g": ["a"] * len(a) + ["b"] * len(b)})
    before = frame.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        first = compare_groups(frame, value="value", by="g", n_boot=200, seed=seed)
        second = compare_groups(frame, value="value", by="g", n_boot=200, seed=seed)
        permuted = compare_groups(
            shuffled(frame, seed), value="value", by="g", n_boot=200, seed=seed
        )
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, permuted)
    row = first.iloc[0]
    assert row["ci_low"] <= row["difference"] + 1e-12
    assert row["difference"] <= row["ci_high"] + 1e-12
    assert row["boot_ci_low"] <= row["boot_ci_high"]


@given(sample_values, sample_values, st.floats(-1, 1))
@settings(max_examples=examples(30))
def test_compare_groups_difference_shifts_with_the_group(
    a: list[float], b: list[float], shift: float
) -> None:
    frame = pd.DataFrame({"value": a + b, "g": ["a"] * len(a) + ["b"] * len(b)})
    moved = frame.assign(value=frame["value"] + np.where(frame["g"] == "b", shift, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        base = compare_groups(frame, value="value", by="g", n_boot=50, seed=1)
        after = compare_groups(moved, value="value", by="g", n_boot=50, seed=1)
    assert after["difference"].iloc[0] == pytest.approx(
        base["difference"].iloc[0] + shift, abs=1e-9
    )


# best_practice -------------------------------------------------------------------------------


def test_best_practice_on_the_example_data(example: ExampleData) -> None:
    result = best_practice(example.outcomes, example.profiles, year=2019)
    assert len(result) == example.profiles["jobcentre"].nunique()
    assert result["jobcentre"].is_monotonic_increasing
    assert list(result.columns) == [
        "jobcentre", "n", "count", "share", "ci_low", "ci_high", "shrunk", "weight",
        "high_95", "positive_deviant", "score", "rank", "strategy",
    ]  # fmt: skip
    deviants = result[result["positive_deviant"]]
    assert len(deviants) > 0
    assert (deviants["shrunk"] > deviants["high_95"]).all()
    # Every positive deviant is above the funnel on its raw rate too.
    year = example.outcomes[example.outcomes["year"] == 2019]
    flags = funnel(year, count="entered_job", total="persons", limits=0.95)
    above = set(flags.loc[flags["flag_95"] == "above", "jobcentre"])
    assert set(deviants["jobcentre"]) <= above
    # The strategy columns are score_strategies' own.
    scores = score_strategies(example.profiles).set_index("jobcentre")
    assert result.set_index("jobcentre")["score"].to_numpy() == pytest.approx(
        scores.loc[result["jobcentre"], "score"].to_numpy(), nan_ok=True
    )
    # The simulated world makes proactive jobcentres better: no reactive positive deviant.
    assert (deviants["strategy"] == "proactive").sum() > (deviants["strategy"] == "reactive").sum()
    assert result.attrs["year"] == (2019,)


def test_best_practice_is_stricter_with_overdispersion(example: ExampleData) -> None:
    plain = best_practice(example.outcomes, example.profiles, year=2019)
    wide = best_practice(example.outcomes, example.profiles, year=2019, overdispersion=True)
    assert set(wide.loc[wide["positive_deviant"], "jobcentre"]) <= set(
        plain.loc[plain["positive_deviant"], "jobcentre"]
    )


def test_best_practice_pools_years_and_keeps_its_inputs(example: ExampleData) -> None:
    outcomes, profiles = example.outcomes.copy(deep=True), example.profiles.copy(deep=True)
    pooled = best_practice(example.outcomes, example.profiles, year=[2019, 2020])
    pd.testing.assert_frame_equal(outcomes, example.outcomes)
    pd.testing.assert_frame_equal(profiles, example.profiles)
    both = example.outcomes[example.outcomes["year"].isin([2019, 2020])]
    expected = both.groupby("jobcentre")["persons"].sum().to_numpy()
    assert pooled["n"].to_numpy().tolist() == expected.tolist()


def test_best_practice_small_frames_and_missing_profiles() -> None:
    outcomes = pd.DataFrame(
        {
            "jobcentre": [101, 147, 151, 153, 155],
            "year": 2020,
            "entered_job": [400, 200, 210, 190, 5],
            "persons": [1000, 1000, 1000, 1000, 10],
        }
    )
    profiles = pd.DataFrame(
        {
            "jobcentre": [101, 147, 151, 153],
            "political_focus": pd.array([5, 2, 3, 1], dtype="Int64"),
            "management_priority": pd.array([5, 2, 3, 1], dtype="Int64"),
        }
    )
    from jobhandicap.strategy import Indicator, StrategySpec

    spec = StrategySpec(
        [Indicator("political_focus", goalposts=(1, 5)),
         Indicator("management_priority", goalposts=(1, 5))]
    )  # fmt: skip
    result = best_practice(outcomes, profiles, spec=spec)
    assert result["positive_deviant"].tolist() == [True, False, False, False, False]
    assert result["strategy"].astype(str).iloc[0] == "proactive"
    assert pd.isna(result["strategy"].iloc[4])  # no profile
    with pytest.raises(JobhandicapError, match="year"):
        best_practice(outcomes, profiles, year=2019, spec=spec)
    with pytest.raises(MissingColumnsError):
        best_practice(outcomes.drop(columns="persons"), profiles, spec=spec)
    with pytest.raises(JobhandicapError, match="matched"):
        best_practice(outcomes, profiles.astype({"jobcentre": "string"}), spec=spec)
