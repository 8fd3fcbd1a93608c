"""Tests of jobhandicap.stats.survival: Kaplan–Meier curves, bands and quantiles."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.stats import (
    kaplan_meier,
    kaplan_meier_from_counts,
    median_survival,
    reduce_survival,
    survival_quantiles,
)

# METHODS.md, "Processing time".
T = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
DECIDED = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
Z95 = 1.959963984540054


def _naive_km(durations: Sequence[float], observed: Sequence[int]) -> pd.DataFrame:
    """Textbook Kaplan–Meier with Greenwood's variance, one time at a time (test oracle)."""
    rows = []
    survival, greenwood = 1.0, 0.0
    for t in sorted(set(durations)):
        at_risk = sum(1 for d in durations if d >= t)
        events = sum(1 for d, o in zip(durations, observed, strict=True) if d == t and o)
        censored = sum(1 for d, o in zip(durations, observed, strict=True) if d == t and not o)
        survival *= 1.0 - events / at_risk
        if events and events < at_risk:
            greenwood += events / (at_risk * (at_risk - events))
        rows.append((float(t), at_risk, events, censored, survival, greenwood))
    return pd.DataFrame(
        rows, columns=["time", "at_risk", "events", "censored", "survival", "greenwood"]
    )


def _step(km: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    """Evaluate the survival step function of an ungrouped table at ``times``."""
    index = np.searchsorted(km["time"].to_numpy(), times, side="right") - 1
    values = np.concatenate([[1.0], km["survival"].to_numpy()])
    return values[index + 1]


# -- reference values ------------------------------------------------------------------------


def test_reference_survival() -> None:
    km = kaplan_meier(T, DECIDED)
    survival = dict(zip(km["time"], km["survival"], strict=True))
    expected = {
        5: 0.916667,
        8: 0.833333,
        12: 0.740741,
        15: 0.648148,
        21: 0.540123,
        30: 0.432099,
        40: 0.288066,
    }
    for t, value in expected.items():
        assert survival[float(t)] == pytest.approx(value, abs=1e-6)
    assert survival[60.0] == pytest.approx(0.288066, abs=1e-6)
    assert km["at_risk"].tolist() == [12, 11, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def test_reference_log_log_band_at_30() -> None:
    km = kaplan_meier(T, DECIDED)
    at_30 = km[km["time"] == 30.0]
    assert at_30["ci_low"].item() == pytest.approx(0.141010, abs=1e-6)
    assert at_30["ci_high"].item() == pytest.approx(0.698076, abs=1e-6)


def test_reference_median_and_quantiles() -> None:
    km = kaplan_meier(T, DECIDED)
    q = survival_quantiles(km).iloc[0]
    assert q["n"] == 12
    assert q["events"] == 7
    assert q["q50"] == 30.0
    assert q["q50_ci_low"] == 8.0
    assert q["q50_ci_high"] == math.inf
    assert q["q25"] == 12.0
    assert q["q75"] == math.inf
    median = median_survival(km).iloc[0]
    assert (median["median"], median["ci_low"], median["ci_high"]) == (30.0, 8.0, math.inf)


def test_closed_cases_alone_give_a_biased_median() -> None:
    closed = [t for t, d in zip(T, DECIDED, strict=True) if d]
    km = kaplan_meier(closed, [1] * len(closed))
    assert median_survival(km)["median"].item() == 15.0


@pytest.mark.parametrize("transform", ["log", "plain", "log-log"])
def test_bands_match_textbook_formulas(transform: str) -> None:
    km = kaplan_meier(T, DECIDED, transform=transform, level=0.9)  # type: ignore[arg-type]
    naive = _naive_km(T, DECIDED)
    z = 1.6448536269514722
    s = naive["survival"].to_numpy()
    sigma = np.sqrt(naive["greenwood"].to_numpy())
    if transform == "log":
        low, high = s * np.exp(-z * sigma), np.minimum(1.0, s * np.exp(z * sigma))
    elif transform == "plain":
        low, high = np.maximum(0.0, s - z * s * sigma), np.minimum(1.0, s + z * s * sigma)
    else:
        low = s ** np.exp(-z * sigma / np.log(s))
        high = s ** np.exp(z * sigma / np.log(s))
    np.testing.assert_allclose(km["ci_low"], low, rtol=1e-12)
    np.testing.assert_allclose(km["ci_high"], high, rtol=1e-12)


def test_reduce_survival_counts() -> None:
    counts = reduce_survival(T, DECIDED)
    assert list(counts.columns) == ["time", "events", "censored"]
    row = counts.set_index("time").loc[8.0]
    assert (row["events"], row["censored"]) == (1, 1)
    assert counts["events"].sum() == 7
    assert counts["censored"].sum() == 5


def test_two_step_equals_one_call() -> None:
    groups = ["a", "b"] * 6
    direct = kaplan_meier(T, DECIDED, groups=groups)
    counts = reduce_survival(T, DECIDED, groups=groups)
    pd.testing.assert_frame_equal(direct, kaplan_meier_from_counts(counts))


def test_counts_in_any_row_order() -> None:
    counts = reduce_survival(T, DECIDED, groups=["a", "b"] * 6)
    shuffled = counts.iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        kaplan_meier_from_counts(counts), kaplan_meier_from_counts(shuffled)
    )


def test_group_column_names_and_dtypes() -> None:
    km = kaplan_meier([1, 2, 3], [1, 0, 1], groups=np.array(["x", "y", "x"]))
    assert list(km.columns[:2]) == ["group", "time"]
    assert km["group"].dtype == pd.StringDtype()
    series = pd.Series([10, 20, 10], name="jobcentre")
    assert kaplan_meier([1, 2, 3], [1, 0, 1], groups=series).columns[0] == "jobcentre"
    frame = pd.DataFrame({"region": ["n", "n", "s"], "scheme": ["a", "b", "a"]})
    km = kaplan_meier([1, 2, 3], [1, 0, 1], groups=frame)
    assert list(km.columns) == [
        "region",
        "scheme",
        "time",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]


def test_categorical_groups_keep_category_order() -> None:
    labels = pd.Series(pd.Categorical(["b", "a", "b"], categories=["b", "a", "c"]), name="g")
    km = kaplan_meier([1, 2, 3], [1, 1, 0], groups=labels)
    assert km["g"].tolist() == ["b", "b", "a"]
    assert isinstance(km["g"].dtype, pd.CategoricalDtype)
    quantiles = survival_quantiles(km)
    assert quantiles["g"].tolist() == ["b", "a"]  # unobserved "c" gives no row


def test_curve_reaching_zero() -> None:
    km = kaplan_meier([1, 2, 3], [1, 1, 1])
    assert km["survival"].tolist()[-1] == 0.0
    assert km["ci_low"].tolist()[-1] == 0.0
    assert np.isnan(km["ci_high"].to_numpy()[-1])
    median = median_survival(km).iloc[0]
    assert median["median"] == 2.0
    assert median["ci_low"] <= 2.0 <= median["ci_high"]


def test_no_event_yet_gives_degenerate_band() -> None:
    km = kaplan_meier([1, 2, 3], [0, 1, 1])
    first = km.iloc[0]
    assert (first["survival"], first["ci_low"], first["ci_high"]) == (1.0, 1.0, 1.0)


def test_exact_half_counts_as_the_median() -> None:
    # (7/8)(6/7)(5/6)(4/5) = 1/2 exactly, whatever the floating-point rounding.
    km = kaplan_meier(list(range(1, 9)), [1] * 8)
    assert median_survival(km)["median"].item() == 4.0


def test_empty_input() -> None:
    km = kaplan_meier([], [])
    assert km.empty
    assert list(km.columns) == [
        "time",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]
    assert survival_quantiles(km).empty


def test_quantile_level_recomputes_the_band() -> None:
    km = kaplan_meier(T, DECIDED)
    wide = survival_quantiles(km, (0.5,), level=0.99)
    narrow = survival_quantiles(kaplan_meier(T, DECIDED, level=0.99), (0.5,))
    pd.testing.assert_frame_equal(wide, narrow)
    assert survival_quantiles(km, (0.5,), level=0.5)["q50_ci_high"].item() == 40.0


def test_quantile_column_names() -> None:
    names = survival_quantiles(kaplan_meier(T, DECIDED), (0.125, 0.9)).columns.tolist()
    assert names == [
        "n",
        "q12.5",
        "q12.5_ci_low",
        "q12.5_ci_high",
        "q90",
        "q90_ci_low",
        "q90_ci_high",
        "events",
    ]


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("durations", "observed", "message"),
    [
        ([1, -2, 3], [1, 1, 1], "non-negative"),
        ([1, np.nan, 3], [1, 1, 1], "finite"),
        ([1, 2, 3], [1, 1], "same length"),
        ([1, 2, 3], [1, 2, 0], "observed must be 1"),
        ([1, 2, 3], [1, np.nan, 0], "observed must be 1"),
        (["a", "b"], [1, 1], "durations must be numbers"),
        ([[1, 2]], [[1, 1]], "one-dimensional"),
    ],
)
def test_bad_cases(durations: npt.ArrayLike, observed: npt.ArrayLike, message: str) -> None:
    with pytest.raises(JobhandicapError, match=message):
        kaplan_meier(durations, observed)


def test_bad_options() -> None:
    with pytest.raises(JobhandicapError, match="transform"):
        kaplan_meier(T, DECIDED, transform="logit")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="level"):
        kaplan_meier(T, DECIDED, level=95)
    with pytest.raises(JobhandicapError, match="one label per case"):
        kaplan_meier(T, DECIDED, groups=["a"])
    with pytest.raises(JobhandicapError, match="missing labels"):
        kaplan_meier([1, 2], [1, 1], groups=["a", None])
    with pytest.raises(JobhandicapError, match="clash"):
        kaplan_meier([1, 2], [1, 1], groups=pd.Series(["a", "b"], name="time"))


def test_bad_counts() -> None:
    with pytest.raises(MissingColumnsError, match="censored"):
        kaplan_meier_from_counts(pd.DataFrame({"time": [1.0], "events": [1]}))
    duplicated = pd.DataFrame({"time": [1.0, 1.0], "events": [1, 1], "censored": [0, 0]})
    with pytest.raises(JobhandicapError, match="at most one row"):
        kaplan_meier_from_counts(duplicated)
    fractional = pd.DataFrame({"time": [1.0], "events": [0.5], "censored": [0]})
    with pytest.raises(JobhandicapError, match="whole counts"):
        kaplan_meier_from_counts(fractional)
    negative = pd.DataFrame({"time": [-1.0], "events": [1], "censored": [0]})
    with pytest.raises(JobhandicapError, match="non-negative times"):
        kaplan_meier_from_counts(negative)


def test_bad_quantiles() -> None:
    km = kaplan_meier(T, DECIDED)
    with pytest.raises(JobhandicapError, match="strictly between 0 and 1"):
        survival_quantiles(km, (0.5, 1.0))
    with pytest.raises(JobhandicapError, match="repeat"):
        survival_quantiles(km, (0.5, 0.5))
    with pytest.raises(MissingColumnsError, match="ci_low"):
        survival_quantiles(km.drop(columns="ci_low"))


# -- properties --------------------------------------------------------------------------------

durations_st = st.integers(min_value=0, max_value=30)
cases_st = st.lists(st.tuples(durations_st, st.booleans()), min_size=1, max_size=40)
grouped_cases_st = st.lists(
    st.tuples(durations_st, st.booleans(), st.sampled_from(["a", "b", "c"])),
    min_size=1,
    max_size=40,
)


def _split(cases: list[tuple[int, bool]]) -> tuple[list[int], list[int]]:
    return [t for t, _ in cases], [int(o) for _, o in cases]


@given(cases_st, st.sampled_from(["log-log", "log", "plain"]))
def test_curve_bounds_and_monotone(cases: list[tuple[int, bool]], transform: str) -> None:
    t, o = _split(cases)
    km = kaplan_meier(t, o, transform=transform)  # type: ignore[arg-type]
    s = km["survival"].to_numpy()
    assert np.all((s >= 0.0) & (s <= 1.0))
    assert np.all(np.diff(s) <= 1e-15)
    low, high = km["ci_low"].to_numpy(), km["ci_high"].to_numpy()
    defined = ~np.isnan(high)
    assert np.all(defined | (s == 0.0))
    assert np.all((low >= 0.0) & (low <= s + 1e-12))
    assert np.all((high[defined] <= 1.0) & (high[defined] >= s[defined] - 1e-12))


@given(cases_st)
def test_matches_textbook_oracle(cases: list[tuple[int, bool]]) -> None:
    t, o = _split(cases)
    km = kaplan_meier(t, o)
    naive = _naive_km(t, o)
    for column in ["time", "at_risk", "events", "censored"]:
        assert km[column].tolist() == naive[column].tolist()
    np.testing.assert_allclose(km["survival"], naive["survival"], rtol=1e-12, atol=1e-15)


@given(st.lists(durations_st, min_size=1, max_size=40))
def test_no_censoring_is_one_minus_ecdf(durations: list[int]) -> None:
    km = kaplan_meier(durations, [1] * len(durations))
    data = np.array(durations)
    ecdf = np.array([(data <= t).mean() for t in km["time"]])
    np.testing.assert_allclose(km["survival"], 1.0 - ecdf, atol=1e-12)


@given(cases_st, durations_st)
def test_adding_a_censored_case_never_lowers_survival(
    cases: list[tuple[int, bool]], extra: int
) -> None:
    t, o = _split(cases)
    before = kaplan_meier(t, o)
    after = kaplan_meier([*t, extra], [*o, 0])
    grid = np.arange(0, 32, 0.5)
    assert np.all(_step(after, grid) >= _step(before, grid) - 1e-12)


@given(cases_st, st.floats(min_value=0.1, max_value=100.0))
def test_scaling_durations_scales_quantiles(cases: list[tuple[int, bool]], c: float) -> None:
    t, o = _split(cases)
    base = survival_quantiles(kaplan_meier(t, o)).drop(columns=["n", "events"])
    scaled = survival_quantiles(kaplan_meier([c * x for x in t], o)).drop(columns=["n", "events"])
    np.testing.assert_allclose(scaled.to_numpy(), c * base.to_numpy(), rtol=1e-12)


@given(grouped_cases_st)
@settings(max_examples=examples(30))
def test_grouped_equals_separate(cases: list[tuple[int, bool, str]]) -> None:
    t = [c[0] for c in cases]
    o = [int(c[1]) for c in cases]
    g = [c[2] for c in cases]
    km = kaplan_meier(t, o, groups=g)
    quantiles = survival_quantiles(km)
    for label in sorted(set(g)):
        keep = [i for i, x in enumerate(g) if x == label]
        alone = kaplan_meier([t[i] for i in keep], [o[i] for i in keep])
        part = km[km["group"] == label].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, rtol=1e-12)
        q_alone = survival_quantiles(alone)
        q_part = quantiles[quantiles["group"] == label].drop(columns="group")
        pd.testing.assert_frame_equal(q_part.reset_index(drop=True), q_alone)


@given(grouped_cases_st, st.randoms(use_true_random=False))
def test_row_order_invariance(cases: list[tuple[int, bool, str]], rnd: object) -> None:
    shuffled = list(cases)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]

    def run(rows: list[tuple[int, bool, str]]) -> pd.DataFrame:
        return kaplan_meier(
            [r[0] for r in rows], [int(r[1]) for r in rows], groups=[r[2] for r in rows]
        )

    pd.testing.assert_frame_equal(run(cases), run(shuffled))


@given(cases_st)
def test_quantile_interval_contains_estimate(cases: list[tuple[int, bool]]) -> None:
    t, o = _split(cases)
    q = survival_quantiles(kaplan_meier(t, o)).iloc[0]
    for label in ["q25", "q50", "q75"]:
        assert q[f"{label}_ci_low"] <= q[label] <= q[f"{label}_ci_high"]
    assert q["q25"] <= q["q50"] <= q["q75"]


@given(cases_st)
@settings(max_examples=examples(30))
def test_inputs_not_modified(cases: list[tuple[int, bool]]) -> None:
    t, o = _split(cases)
    durations = np.array(t, dtype=float)
    observed = np.array(o)
    groups = pd.Series(["a"] * len(t), name="jobcentre")
    kept = durations.copy(), observed.copy(), groups.copy()
    km = kaplan_meier(durations, observed, groups=groups)
    km_copy = km.copy()
    survival_quantiles(km, level=0.9)
    np.testing.assert_array_equal(durations, kept[0])
    np.testing.assert_array_equal(observed, kept[1])
    pd.testing.assert_series_equal(groups, kept[2])
    pd.testing.assert_frame_equal(km, km_copy)


@given(grouped_cases_st)
def test_summed_partial_reductions_equal_whole(cases: list[tuple[int, bool, str]]) -> None:
    t = [c[0] for c in cases]
    o = [int(c[1]) for c in cases]
    g = [c[2] for c in cases]
    half = len(cases) // 2
    # Two "regions" reduced separately (pandas 2.2 warns when concatenating an empty frame).
    cuts = [slice(0, half), slice(half, None)] if half else [slice(None)]
    parts = pd.concat([reduce_survival(t[c], o[c], groups=g[c]) for c in cuts])
    summed = parts.groupby(["group", "time"], as_index=False)[["events", "censored"]].sum()
    pd.testing.assert_frame_equal(
        kaplan_meier_from_counts(summed), kaplan_meier(t, o, groups=g), check_dtype=False
    )


@given(
    st.lists(
        st.tuples(
            st.integers(-3, 900),
            st.sampled_from(["b", "a", "ø", "c"]),
            st.sampled_from(["x", "y", "z"]),
        ),
        max_size=60,
    ),
    st.permutations([0, 1, 2]),
)
def test_factorize_groups_numbers_groups_as_a_sorted_groupby(
    rows: list[tuple[int, str, str]], order: list[int]
) -> None:
    from jobhandicap.stats._core import factorize_groups

    frame = pd.DataFrame(rows, columns=["number", "text", "category"]).astype(
        {"number": "int64", "text": "string"}
    )
    frame["category"] = pd.Categorical(frame["category"], categories=["z", "x", "y"])
    keys = frame[[frame.columns[i] for i in order]]
    codes, groups = factorize_groups(keys)
    expected = keys.groupby(list(keys.columns), sort=True, observed=True).ngroup()
    assert codes.tolist() == expected.tolist()
    assert len(groups) == len(keys.drop_duplicates())
    assert groups.dtypes.tolist() == keys.dtypes.tolist()
    for code, row in enumerate(groups.itertuples(index=False)):
        assert (keys[codes == code].to_numpy() == np.asarray(row, dtype=object)).all()
