"""Tests of jh.compare_processing_time and the estimators of jobhandicap.stats.survival_tests."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.cases import reduce_decisions
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    MissingColumnsError,
    OptionError,
)
from jobhandicap.stats import (
    bootstrap_median_survival,
    logrank_from_counts,
    logrank_trend,
    restricted_mean_difference,
    restricted_mean_from_counts,
)

# METHODS.md §5: 36 cases; status 0 = open, 1 = decided, 2 = withdrawn.
TIME = [54, 42, 12, 6, 27, 6, 21, 108, 9, 27, 75, 18, 87, 6, 63, 9, 6, 3,
        27, 15, 48, 3, 51, 3, 24, 3, 3, 12, 57, 6, 21, 36, 12, 15, 27, 3]  # fmt: skip
STATUS = [1, 0, 1, 1, 2, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 2, 1,
          1, 0, 1, 1, 0, 2, 1, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1]  # fmt: skip
GROUP = ["old"] * 18 + ["new"] * 18
JC = ["A", "B", "C"] * 12
YEAR = [1, 1, 1, 2, 2, 2, 3, 3, 3] * 4
EXTRACTED = pd.Timestamp("2021-01-31")


def make_cases(
    time: Sequence[int], status: Sequence[int], **columns: Sequence[object]
) -> pd.DataFrame:
    """Cases ending ``time`` days after application: open ones at EXTRACTED, others in 2020."""
    days = pd.to_timedelta(np.asarray(time, dtype=np.int64), unit="D")
    state = np.asarray(status)
    closed = state != 0
    start = pd.Timestamp("2020-01-01")
    applied = pd.Series(EXTRACTED - days).mask(pd.Series(closed), start)
    decision = pd.Series(["granted" if s == 1 else "withdrawn" if s == 2 else None for s in state])
    return pd.DataFrame(
        {
            "applied": applied,
            "decided": pd.Series(pd.to_datetime(start + days)).where(closed),
            "decision": pd.Categorical(decision, categories=["granted", "refused", "withdrawn"]),
            **{name: list(values) for name, values in columns.items()},
        }
    )


def reference() -> pd.DataFrame:
    return make_cases(TIME, STATUS, group=GROUP, jc=JC, period=YEAR)


def counts(keys: list[str]) -> pd.DataFrame:
    """Reduced counts of the reference cases (event = decided)."""
    frame = pd.DataFrame(
        {"time": np.asarray(TIME, float), "events": np.asarray(STATUS) == 1}
        | {"group": GROUP, "jc": JC, "year": YEAR}
    )
    table = frame.groupby([*keys, "time"]).agg(events=("events", "sum"), n=("events", "size"))
    return table.reset_index().assign(censored=lambda f: f["n"] - f["events"]).drop(columns="n")


def cell(frame: pd.DataFrame, row: object, column: str) -> float:
    """One number of a result frame, by index label and column."""
    return float(frame[column].to_numpy(np.float64)[frame.index.get_loc(row)])


def compare(cases: pd.DataFrame, by: str, **options: object) -> jh.ProcessingTimeComparison:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        return jh.compare_processing_time(
            cases,
            by,
            extracted=EXTRACTED,
            **options,  # type: ignore[arg-type]
        )


def test_logrank_reproduces_methods_5_1() -> None:
    test = logrank_from_counts(counts(["group"]), "group")
    assert test.groups["group"].tolist() == ["new", "old"]
    np.testing.assert_allclose(test.observed, [13, 12])
    np.testing.assert_allclose(test.expected, [10.8165, 14.1835], atol=5e-5)
    assert (test.observed - test.expected)[1] == pytest.approx(-2.18352, abs=5e-6)  # U (old)
    assert test.variance[1, 1] == pytest.approx(5.39038, abs=5e-6)
    assert test.statistic == pytest.approx(0.884493, abs=5e-7)
    assert test.df == 1
    assert test.p_value == pytest.approx(0.346974, abs=5e-7)


def test_stratified_logrank_reproduces_methods_5_2() -> None:
    table = counts(["group", "jc"])
    per_stratum = {"A": (6, 6, 7.73276, 4.26724), "B": (1, 3, 2.04545, 1.95455)}
    per_stratum["C"] = (5, 4, 5.18333, 3.81667)  # O (old, new), E (old, new)
    for jc, (o_old, o_new, e_old, e_new) in per_stratum.items():
        one = logrank_from_counts(table[table["jc"] == jc], "group")  # order: new, old
        np.testing.assert_allclose(one.observed, [o_new, o_old])
        np.testing.assert_allclose(one.expected, [e_new, e_old], atol=5e-6)
    test = logrank_from_counts(table, "group", strata="jc")
    assert (test.observed - test.expected)[1] == pytest.approx(-2.96154, abs=5e-6)
    assert test.variance[1, 1] == pytest.approx(5.09081, abs=5e-6)
    assert test.statistic == pytest.approx(1.72286, abs=5e-6)
    assert test.p_value == pytest.approx(0.189326, abs=5e-7)


def test_three_years_and_trend_reproduce_methods_5_3() -> None:
    test = logrank_from_counts(counts(["year"]), "year")
    np.testing.assert_allclose(test.observed, [8, 7, 10])
    np.testing.assert_allclose(test.expected, [10.2878, 8.52101, 6.19116], atol=5e-5)
    expected_variance = [
        [5.375524, -3.202899, -2.172625],
        [-3.202899, 5.183707, -1.980808],
        [-2.172625, -1.980808, 4.153433],
    ]
    np.testing.assert_allclose(test.variance, expected_variance, atol=5e-7)
    assert test.statistic == pytest.approx(3.51342, abs=5e-6)
    assert test.df == 2
    assert test.p_value == pytest.approx(0.172612, abs=5e-7)
    trend = logrank_trend(test, [1, 2, 3])
    assert trend.u == pytest.approx(6.09666, abs=5e-6)
    assert trend.variance == pytest.approx(13.8742, abs=5e-5)
    assert trend.statistic == pytest.approx(2.67902, abs=5e-6)
    assert trend.p_value == pytest.approx(0.101678, abs=5e-7)
    assert trend.z > 0  # more decisions than expected in later years


def test_restricted_mean_reproduces_methods_5_4() -> None:
    table = restricted_mean_from_counts(counts(["group"]), 60)
    old, new = table.iloc[1], table.iloc[0]
    assert (old["rmst"], old["se"]) == (
        pytest.approx(31.5359, abs=5e-5),
        pytest.approx(5.77233, abs=5e-6),
    )
    assert (new["rmst"], new["se"]) == (
        pytest.approx(25.1644, abs=5e-5),
        pytest.approx(4.90357, abs=5e-6),
    )
    assert new["last_time"] == 57  # carried flat to 60
    pooled = restricted_mean_from_counts(counts([]), 60).iloc[0]
    assert (pooled["rmst"], pooled["se"]) == (
        pytest.approx(28.4739, abs=5e-5),
        pytest.approx(3.85970, abs=5e-6),
    )
    change = restricted_mean_difference(new["rmst"], new["se"], old["rmst"], old["se"])
    assert float(change.difference) == pytest.approx(-6.37147, abs=5e-6)
    assert float(change.se) == pytest.approx(7.57395, abs=5e-6)
    assert float(change.ci_low) == pytest.approx(-21.2162, abs=5e-5)
    assert float(change.ci_high) == pytest.approx(8.47320, abs=5e-6)
    assert float(change.p_value) == pytest.approx(0.400216, abs=5e-7)


def test_compare_processing_time_reproduces_methods_5_1_2_4_from_cases() -> None:
    with pytest.warns(DataQualityWarning, match="beyond the last time of 1 group"):
        result = compare(reference(), "group", strata="jc", tau=60, reference="old")
    tests = result.tests.set_index("test")
    assert tests.loc["log-rank", "statistic"] == pytest.approx(0.884493, abs=5e-7)
    assert tests.loc["stratified log-rank", "statistic"] == pytest.approx(1.72286, abs=5e-6)
    assert tests.loc["stratified log-rank", "strata"] == 3
    assert list(tests.index) == ["log-rank", "stratified log-rank"]  # strings are not ordered
    groups = result.groups.set_index("group")
    assert groups.loc["old", "rmst_days"] == pytest.approx(31.5359, abs=5e-5)
    assert groups.loc["new", "rmst_se"] == pytest.approx(4.90357, abs=5e-6)
    assert groups[["decided", "open", "withdrawn"]].sum().tolist() == [25, 6, 5]
    row = result.differences.iloc[0]
    assert (row["group"], row["reference"], row["n"]) == ("new", "old", 36)
    assert row["rmst_difference_days"] == pytest.approx(-6.37147, abs=5e-6)
    assert row["rmst_difference_ci_low"] == pytest.approx(-21.2162, abs=5e-5)
    assert row["rmst_p_value"] == pytest.approx(0.400216, abs=5e-7)
    assert result.tau_days == 60


def test_compare_processing_time_reproduces_methods_5_3_with_the_trend() -> None:
    result = compare(reference().rename(columns={"period": "year"}), "year", tau=60)
    tests = result.tests.set_index("test")
    assert tests.loc["log-rank", "statistic"] == pytest.approx(3.51342, abs=5e-6)
    assert tests.loc["log-rank", "df"] == 2
    assert tests.loc["trend", "statistic"] == pytest.approx(2.67902, abs=5e-6)
    assert tests.loc["trend", "p_value"] == pytest.approx(0.101678, abs=5e-7)
    assert cell(tests, "trend", "z") > 0
    # Scores given explicitly, and reversed: same statistic, opposite sign.
    reversed_ = compare(reference(), "period", tau=60, scores={1: 3, 2: 2, 3: 1})
    trend = reversed_.tests.set_index("test").loc["trend"]
    assert trend["statistic"] == pytest.approx(2.67902, abs=5e-6)
    assert trend["z"] == pytest.approx(-cell(tests, "trend", "z"))


def test_numeric_codes_get_no_trend_test_by_default() -> None:
    """Jobcentre numbers are labels, not scores: the trend test needs year or scores=."""
    cases = reference().assign(jobcentre=[101, 147, 851] * 12)
    assert compare(cases, "jobcentre", tau=60).tests["test"].tolist() == ["log-rank"]
    given = compare(cases, "jobcentre", tau=60, scores=[1, 2, 3]).tests
    assert given["test"].tolist() == ["log-rank", "trend"]


def test_withdrawn_cases_are_censored_not_dropped() -> None:
    """Withdrawals stay in the risk sets up to their day (unlike processing_time)."""
    cases = reference()
    result = compare(cases, "group", tau=50)
    assert result.groups["n"].sum() == 36
    kept = cases[cases["decision"] != "withdrawn"]
    without = compare(kept, "group", tau=50)
    assert without.groups["n"].sum() == 31
    assert not np.isclose(
        cell(result.tests, 0, "statistic"),
        cell(without.tests, 0, "statistic"),
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    "name", ["time", "n", "events", "censored", "withdrawn", "median_days", "reference"]
)
def test_a_group_or_stratum_named_like_a_count_is_refused(name: str) -> None:
    """Such a name overwrote the groups with counts (or the counts with groups) silently."""
    cases = reference()
    with pytest.raises(OptionError, match=f"'{name}' are named like.*'time', 'n', 'events'"):
        compare(cases.assign(**{name: cases["group"]}), name)
    with pytest.raises(OptionError, match=f"'{name}' are named like"):
        compare(cases.assign(**{name: cases["jc"]}), "group", strata=name)


@pytest.mark.parametrize("name", ["time", "n", "withdrawn"])
def test_reductions_refuse_a_group_named_like_their_columns(name: str) -> None:
    import polars as pl

    cases = reference().assign(**{name: GROUP})
    for frame in (cases, pl.from_pandas(cases)):
        with pytest.raises(OptionError, match=f"'{name}' are named like"):
            reduce_decisions(frame, name, extracted=EXTRACTED)
    with pytest.raises(OptionError, match=f"'{name}' are named like"):
        jh.processing_time(cases, by=name, extracted=EXTRACTED)


def test_bootstrap_of_medians_is_reproducible_and_resamples_counts() -> None:
    table = counts(["group"])
    first = bootstrap_median_survival(table, n_boot=50, seed=7)[1]
    second = bootstrap_median_survival(table, n_boot=50, seed=7)[1]
    np.testing.assert_array_equal(first, second)
    assert first.shape == (50, 2)
    # One time only: every resample's median is that time.
    single = pd.DataFrame({"time": [4.0], "events": [5], "censored": [0]})
    assert (bootstrap_median_survival(single, n_boot=9, seed=1)[1] == 4.0).all()


def test_median_difference_and_its_interval() -> None:
    result = compare(reference(), "group", tau=50, reference="old", n_boot=199)
    groups = result.groups.set_index("group")
    row = result.differences.iloc[0]
    assert row["median_difference_days"] == (
        cell(groups, "new", "median_days") - cell(groups, "old", "median_days")
    )
    assert row["ci_low"] <= row["ci_high"]
    assert row["ci_low"] <= row["median_difference_days"] <= row["ci_high"]
    again = compare(reference(), "group", tau=50, reference="old", n_boot=199)
    pd.testing.assert_frame_equal(result.differences, again.differences)


def test_default_tau_is_the_last_time_every_group_reaches() -> None:
    result = compare(reference(), "group")
    assert result.tau_days == 57  # "new" ends at 57, "old" at 108
    assert (result.groups["tau_days"] == 57).all()
    assert (result.groups["rmst_days"] <= 57).all()


# ---------------------------------------------------------------------------------------------
# Errors


def test_one_group_is_refused() -> None:
    cases = reference().assign(group="all")
    with pytest.raises(OptionError, match="at least two groups"):
        compare(cases, "group")


def test_unknown_columns_are_missing_columns_errors() -> None:
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        compare(reference(), "no_such_column")
    with pytest.raises(MissingColumnsError, match="nor_this"):
        compare(reference(), "group", strata="nor_this")


@pytest.mark.parametrize("tau", [0, -5, float("inf"), float("nan")])
def test_a_bad_tau_is_an_option_error(tau: float) -> None:
    with pytest.raises(OptionError, match="tau"):
        compare(reference(), "group", tau=tau)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ArgumentTypeError, match="tau"):
        compare(reference(), "group", tau="60")
    with pytest.raises(OptionError, match="reference must be one of the groups"):
        compare(reference(), "group", reference="middle")
    with pytest.raises(OptionError, match="scores"):
        compare(reference(), "group", scores=[1, 2, 3])
    with pytest.raises(OptionError, match="missing for"):
        compare(reference(), "group", scores={"old": 1})
    with pytest.raises(OptionError, match="share a column"):
        compare(reference(), "group", strata="group")
    with pytest.raises(OptionError, match="level"):
        compare(reference(), "group", level=95)
    with pytest.raises(OptionError, match="n_boot"):
        compare(reference(), "group", n_boot=0)


def test_all_cases_censored_gives_undefined_tests_with_a_warning() -> None:
    cases = make_cases(TIME, [0] * 36, group=GROUP)
    with pytest.warns(DataQualityWarning, match="undefined"):
        result = compare(cases, "group", tau=30, n_boot=19)
    assert result.tests["statistic"].isna().all()
    assert result.tests["p_value"].isna().all()
    assert (result.groups["median_days"] == np.inf).all()
    np.testing.assert_allclose(result.groups["rmst_days"], 30.0)


# ---------------------------------------------------------------------------------------------
# Properties

records = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
        st.integers(0, 60),
        st.sampled_from([0, 1, 1, 1, 2]),
    ),
    min_size=4,
    max_size=60,
).filter(lambda rows: len({row[0] for row in rows}) >= 2 and any(r[3] == 1 for r in rows))


def frame_of(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    group, stratum, time, status = zip(*rows, strict=True)
    return make_cases(time, status, group=group, stratum=stratum)


def quiet(cases: pd.DataFrame, by: str, **options: object) -> jh.ProcessingTimeComparison:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jh.compare_processing_time(
            cases,
            by,
            extracted=EXTRACTED,
            n_boot=49,
            **options,  # type: ignore[arg-type]
        )


def assert_same(first: jh.ProcessingTimeComparison, second: jh.ProcessingTimeComparison) -> None:
    for name in ("tests", "groups", "differences"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


@settings(max_examples=examples(40), deadline=None)
@given(records, st.randoms(use_true_random=False))
def test_row_order_does_not_matter_and_input_is_untouched(
    rows: list[tuple[str, str, int, int]], random: object
) -> None:
    cases = frame_of(rows)
    before = cases.copy(deep=True)
    result = quiet(cases, "group", strata="stratum", tau=60)
    pd.testing.assert_frame_equal(cases, before)
    shuffled = cases.sample(frac=1.0, random_state=np.random.default_rng(len(rows)))
    assert_same(result, quiet(shuffled, "group", strata="stratum", tau=60))


@settings(max_examples=examples(40), deadline=None)
@given(records)
def test_relabelling_the_groups_keeps_the_tests(rows: list[tuple[str, str, int, int]]) -> None:
    cases = frame_of(rows)
    renamed = cases.assign(group=cases["group"].map({"a": "z", "b": "y", "c": "x"}))
    first = quiet(cases, "group", strata="stratum", tau=60).tests
    second = quiet(renamed, "group", strata="stratum", tau=60).tests
    np.testing.assert_allclose(first["statistic"], second["statistic"], rtol=1e-9, atol=1e-12)
    assert first["df"].tolist() == second["df"].tolist()


@settings(max_examples=examples(40), deadline=None)
@given(records)
def test_reversed_scores_flip_the_trend(rows: list[tuple[str, str, int, int]]) -> None:
    cases = frame_of(rows)
    k = cases["group"].nunique()
    up = quiet(cases, "group", tau=60, scores=list(range(1, k + 1))).tests.set_index("test")
    down = quiet(cases, "group", tau=60, scores=list(range(k, 0, -1))).tests.set_index("test")
    assert up.loc["trend", "statistic"] == pytest.approx(
        down.loc["trend", "statistic"], rel=1e-9, nan_ok=True
    )
    assert up.loc["trend", "z"] == pytest.approx(-cell(down, "trend", "z"), rel=1e-9, nan_ok=True)


@settings(max_examples=examples(40), deadline=None)
@given(records, st.lists(st.tuples(st.integers(0, 60), st.sampled_from([0, 1, 2])), min_size=1))
def test_a_stratum_with_one_group_contributes_nothing(
    rows: list[tuple[str, str, int, int]], extra: list[tuple[int, int]]
) -> None:
    cases = frame_of(rows)
    time, status = zip(*extra, strict=True)
    lonely = make_cases(time, status, group=["a"] * len(extra), stratum=["lonely"] * len(extra))
    both = pd.concat([cases, lonely], ignore_index=True)
    first = quiet(cases, "group", strata="stratum", tau=60).tests.set_index("test")
    second = quiet(both, "group", strata="stratum", tau=60).tests.set_index("test")
    stratified = "stratified log-rank"
    assert first.loc[stratified, "statistic"] == pytest.approx(
        second.loc[stratified, "statistic"], rel=1e-9, abs=1e-12, nan_ok=True
    )


@settings(max_examples=examples(40), deadline=None)
@given(records)
def test_one_stratum_is_the_unstratified_test(rows: list[tuple[str, str, int, int]]) -> None:
    cases = frame_of(rows).assign(stratum="only")
    tests = quiet(cases, "group", strata="stratum", tau=60).tests.set_index("test")
    assert tests.loc["stratified log-rank", "statistic"] == pytest.approx(
        tests.loc["log-rank", "statistic"], rel=1e-12, nan_ok=True
    )


@settings(max_examples=examples(40), deadline=None)
@given(records, st.floats(1.0, 90.0))
def test_restricted_means_lie_between_zero_and_tau(
    rows: list[tuple[str, str, int, int]], tau: float
) -> None:
    groups = quiet(frame_of(rows), "group", tau=tau).groups
    assert (groups["rmst_days"] >= 0).all()
    assert (groups["rmst_days"] <= tau + 1e-9).all()
    assert (groups["rmst_se"] >= 0).all()
    assert (groups["rmst_ci_low"] <= groups["rmst_ci_high"]).all()


@settings(max_examples=examples(20), deadline=None)
@given(records, st.integers(0, 2**31))
def test_the_bootstrap_is_reproducible_by_seed(
    rows: list[tuple[str, str, int, int]], seed: int
) -> None:
    cases = frame_of(rows)
    first = quiet(cases, "group", tau=60, seed=seed).differences
    pd.testing.assert_frame_equal(first, quiet(cases, "group", tau=60, seed=seed).differences)


def test_logrank_degenerate_tables_follow_survdiff() -> None:
    # Everyone decided on one day: no variance, the test is undefined.
    tied = pd.DataFrame(
        {"group": ["a", "b"], "time": [5.0, 5.0], "events": [1, 1], "censored": [0, 0]}
    )
    test = logrank_from_counts(tied, "group")
    assert np.isnan(test.statistic)
    assert np.isnan(test.p_value)
    assert test.df == 0
    # A group with no expected events (censored before the first decision) is left out of
    # the quadratic form and of the degrees of freedom, as in survdiff.
    early = pd.DataFrame(
        {
            "group": ["a", "a", "b", "b", "c"],
            "time": [3.0, 8.0, 4.0, 9.0, 1.0],
            "events": [1, 1, 1, 0, 0],
            "censored": [0, 0, 0, 1, 1],
        }
    )
    three = logrank_from_counts(early, "group")
    two = logrank_from_counts(early[early["group"] != "c"], "group")
    assert three.df == 1
    assert three.statistic == pytest.approx(two.statistic, rel=1e-12)


def test_decisions_outside_the_canonical_three_are_refused() -> None:
    """'Withdrawn' (capitalised) counted as a decision, silently, before."""
    import polars as pl

    cases = reference()
    cases["decision"] = cases["decision"].astype("string").str.capitalize()
    with pytest.raises(
        jh.SchemaError, match=r"30 case.*'granted', 'refused', 'withdrawn'"
    ) as info:
        compare(cases, "group")
    problems = info.value.problems
    assert problems["row"].tolist()[:2] == [2, 4]  # row positions 0 and 2, as a spreadsheet
    assert "validate_cases" in str(info.value)
    with pytest.raises(jh.SchemaError, match=r"30 case.*decision other than"):
        jh.processing_time(pl.from_pandas(cases), extracted=EXTRACTED)


def test_engine_text_dates_are_a_schema_error() -> None:
    import polars as pl

    cases = reference().assign(applied=lambda f: f["applied"].dt.strftime("%Y-%m-%d"))
    with pytest.raises(jh.SchemaError, match="wrong type") as info:
        compare(pl.from_pandas(cases), "group")  # type: ignore[arg-type]
    assert info.value.problems["column"].tolist() == ["applied"]
    assert "convert" in str(info.value)


def test_a_missing_stratum_leaves_the_case_in_the_unstratified_results() -> None:
    cases = reference()
    cases["jc"] = cases["jc"].astype(object)
    cases.loc[[0, 1, 2], "jc"] = None
    with pytest.warns(DataQualityWarning, match="3 case.*no label in strata"):
        result = compare(cases, "group", strata="jc", tau=60)
    tests = result.tests.set_index("test")
    assert tests.loc["log-rank", "statistic"] == pytest.approx(0.884493, abs=5e-7)
    assert tests.loc["log-rank", "n"] == 36
    assert tests.loc["stratified log-rank", "n"] == 33
    assert result.groups["n"].sum() == 36
