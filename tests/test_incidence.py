"""Tests of decision_incidence and the Aalen–Johansen estimator (METHODS.md §5.5)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats import (
    cumulative_incidence_at,
    cumulative_incidence_from_counts,
    kaplan_meier,
)

EXTRACTED = pd.Timestamp("2021-01-31")
START = pd.Timestamp("2020-01-01")

# METHODS.md §5.5: 36 cases; status 0 open (censored), 1 decided, 2 withdrawn.
TIME = [54, 42, 12, 6, 27, 6, 21, 108, 9, 27, 75, 18, 87, 6, 63, 9, 6, 3]
TIME += [27, 15, 48, 3, 51, 3, 24, 3, 3, 12, 57, 6, 21, 36, 12, 15, 27, 3]
STATUS = [1, 0, 1, 1, 2, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 2, 1]
STATUS += [1, 0, 1, 1, 0, 2, 1, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1]
GROUP = ["old"] * 18 + ["new"] * 18


def make_cases(
    durations: Sequence[int], statuses: Sequence[int], groups: Sequence[str] | None = None
) -> pd.DataFrame:
    """Cases by status: 1 decided and 2 withdrawn `duration` days after applying on START,
    0 open at EXTRACTED, applied `duration` days before it."""
    days = pd.Series(pd.to_timedelta(np.asarray(durations, dtype=np.int64), unit="D"))
    status = pd.Series(np.asarray(statuses, dtype=np.int64))
    closed = status > 0
    decision = pd.Series(
        [{1: "granted", 2: "withdrawn"}.get(int(code)) for code in status], dtype="string"
    )
    frame = pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(len(status))],
            "applied": pd.Series(START, index=status.index).where(closed, EXTRACTED - days),
            "decided": (START + days).where(closed),
            "decision": pd.Categorical(
                decision.where(closed, None), categories=["granted", "refused", "withdrawn"]
            ),
        }
    )
    if groups is not None:
        frame["group"] = list(groups)
    return frame


def reference() -> pd.DataFrame:
    return make_cases(TIME, STATUS, GROUP)


def incidence(cases: pd.DataFrame, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return jh.decision_incidence(cases, extracted=EXTRACTED, **options)  # type: ignore[arg-type]


def at(result: pd.DataFrame, outcome: str, days: float, **group: str) -> pd.Series:
    rows = (result["outcome"] == outcome) & (result["days"] == days)
    for column, label in group.items():
        rows &= result[column] == label
    assert rows.sum() == 1
    return result.loc[rows].iloc[0]


# ---------------------------------------------------------------------------------------------
# Reference values (METHODS.md §5.5, R survival 3.5-3 survfit; etm)


@pytest.mark.parametrize(
    ("days", "share", "se", "low", "high"),
    [
        (30, 0.594136, 0.0830172, 0.451803, 0.781308),
        (60, 0.694927, 0.0803413, 0.554027, 0.871661),
    ],
)
def test_cif_decided_reproduces_survfit(
    days: float, share: float, se: float, low: float, high: float
) -> None:
    row = at(incidence(reference(), times=[30, 60]), "decided", days)
    assert row["share"] == pytest.approx(share, abs=5e-7)
    assert row["se"] == pytest.approx(se, abs=5e-8)
    assert row["ci_low"] == pytest.approx(low, abs=5e-7)
    assert row["ci_high"] == pytest.approx(high, abs=5e-7)
    assert row["n"] == 36


@pytest.mark.parametrize(
    ("days", "share", "se"), [(30, 0.112654, 0.0530989), (60, 0.151138, 0.0628629)]
)
def test_cif_withdrawn_reproduces_survfit(days: float, share: float, se: float) -> None:
    row = at(incidence(reference(), times=[30, 60]), "withdrawn", days)
    assert row["share"] == pytest.approx(share, abs=5e-7)
    assert row["se"] == pytest.approx(se, abs=5e-8)


@pytest.mark.parametrize(
    ("group", "days", "share"),
    [("old", 30, 0.555556), ("new", 30, 0.638889), ("old", 60, 0.622222), ("new", 60, 0.763889)],
)
def test_cif_decided_by_group_reproduces_survfit(group: str, days: float, share: float) -> None:
    result = incidence(reference(), by="group", times=[30, 60])
    assert at(result, "decided", days, group=group)["share"] == pytest.approx(share, abs=5e-7)


def test_stats_estimator_reproduces_the_reference_from_counts() -> None:
    frame = pd.DataFrame({"time": TIME, "status": STATUS})
    counts = (
        pd.crosstab(frame["time"], frame["status"])
        .rename(columns={0: "censored", 1: "decided", 2: "withdrawn"})
        .reset_index()
    )
    curves = cumulative_incidence_from_counts(counts, ["decided", "withdrawn"])
    read = cumulative_incidence_at(curves, [30, 60])
    assert read["incidence"].to_numpy() == pytest.approx(
        [0.594136, 0.694927, 0.112654, 0.151138], abs=5e-7
    )
    assert read["se"].to_numpy() == pytest.approx(
        [0.0830172, 0.0803413, 0.0530989, 0.0628629], abs=5e-8
    )


def test_the_result_layout() -> None:
    result = incidence(reference(), by="group", times=60)
    assert list(result.columns) == [
        "group",
        "outcome",
        "days",
        "n",
        "share",
        "ci_low",
        "ci_high",
        "se",
        "events",
        "waiting",
    ]
    assert result["group"].tolist() == ["new", "new", "old", "old"]
    assert result["outcome"].tolist() == ["decided", "withdrawn"] * 2


# ---------------------------------------------------------------------------------------------
# Special cases


def test_a_day_beyond_the_last_observation_carries_the_last_value() -> None:
    result = incidence(reference(), times=[108, 500])
    last, beyond = at(result, "decided", 108), at(result, "decided", 500)
    for column in ("share", "se", "ci_low", "ci_high", "events", "waiting"):
        assert beyond[column] == last[column]
    assert beyond["waiting"] == 0


def test_before_the_first_event_nothing_has_happened() -> None:
    result = incidence(reference(), times=[0, 2])
    assert (result["share"] == 0).all()
    assert (result["ci_low"] == 0).all()
    assert (result["ci_high"] == 0).all()
    assert (result["waiting"] == 36).all()


def test_withdrawal_is_competing_not_censoring_nor_dropped() -> None:
    result = incidence(reference(), times=60)
    share = at(result, "decided", 60)["share"]
    # Censoring withdrawals (1 - KM with withdrawals censored) overstates the decisions.
    km = kaplan_meier(TIME, np.asarray(STATUS) == 1)
    censoring = 1.0 - km.loc[km["time"] <= 60, "survival"].iloc[-1]
    assert censoring > share + 0.02
    assert at(result, "decided", 60)["n"] == 36  # withdrawn cases are in the base


def test_a_case_withdrawn_after_extraction_is_censored_there() -> None:
    cases = make_cases([10, 20], [1, 2])
    after = EXTRACTED + pd.Timedelta(days=1)
    late = cases.assign(decided=cases["decided"].where(cases.index == 0, after))
    result = incidence(late, times=400)
    assert at(result, "withdrawn", 400)["share"] == 0
    assert at(result, "withdrawn", 400)["events"] == 0


def test_times_are_checked() -> None:
    cases = reference()
    with pytest.raises(OptionError, match="times"):
        incidence(cases, times=[-1])
    with pytest.raises(OptionError, match="times"):
        incidence(cases, times=[float("nan")])
    with pytest.raises(OptionError, match="times"):
        incidence(cases, times=[])
    with pytest.raises(ArgumentTypeError, match="times"):
        incidence(cases, times="30")
    with pytest.raises(ArgumentTypeError, match="times"):
        incidence(cases, times=[30, "60"])
    with pytest.raises(ArgumentTypeError, match="times"):
        incidence(cases, times=[True])
    # Repeated and unsorted days are read once each, in increasing order.
    result = incidence(cases, times=[60, 30, 60])
    assert result["days"].tolist() == [30.0, 60.0, 30.0, 60.0]


def test_bad_options_and_columns_are_library_errors() -> None:
    cases = reference()
    with pytest.raises(OptionError, match="level"):
        incidence(cases, level=1.5)
    with pytest.raises(MissingColumnsError, match="nope"):
        incidence(cases, by="nope")
    with pytest.raises(OptionError, match="outcome"):
        incidence(cases.assign(outcome="x"), by="outcome")
    with pytest.raises(JobhandicapError, match="extracted"):
        jh.decision_incidence(cases)


def test_small_groups_warn_once() -> None:
    with pytest.warns(SmallSampleWarning, match="new: 18") as caught:
        jh.decision_incidence(reference(), by="group", extracted=EXTRACTED)
    assert len(caught) == 1


def test_stats_estimator_refuses_bad_counts() -> None:
    counts = pd.DataFrame({"time": [1.0, 2.0], "a": [1, 1], "censored": [0, 1]})
    with pytest.raises(MissingColumnsError, match="b"):
        cumulative_incidence_from_counts(counts, ["a", "b"])
    with pytest.raises(JobhandicapError, match="counts"):
        cumulative_incidence_from_counts(counts.assign(a=[1, -1]), ["a"])
    with pytest.raises(JobhandicapError, match="twice"):
        cumulative_incidence_from_counts(counts.assign(time=[1.0, 1.0]), ["a"])
    with pytest.raises(JobhandicapError, match="transform"):
        cumulative_incidence_from_counts(counts, ["a"], transform="logit")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="causes"):
        cumulative_incidence_from_counts(counts, [])
    with pytest.raises(JobhandicapError, match="missing labels"):
        cumulative_incidence_from_counts(
            counts.assign(g=pd.Series(["a", None], dtype="string")), ["a"]
        )
    curves = cumulative_incidence_from_counts(counts, ["a"])
    with pytest.raises(JobhandicapError, match="times"):
        cumulative_incidence_at(curves, [-1.0])


@pytest.mark.parametrize("transform", ["log", "log-log", "plain"])
def test_every_interval_holds_the_estimate(transform: str) -> None:
    frame = pd.DataFrame({"time": TIME, "status": STATUS})
    counts = (
        pd.crosstab(frame["time"], frame["status"])
        .rename(columns={0: "censored", 1: "decided", 2: "withdrawn"})
        .reset_index()
    )
    curves = cumulative_incidence_from_counts(
        counts,
        ["decided", "withdrawn"],
        transform=transform,  # type: ignore[arg-type]
    )
    assert (curves["ci_low"] <= curves["incidence"] + 1e-12).all()
    assert (curves["incidence"] <= curves["ci_high"] + 1e-12).all()
    assert ((curves["ci_low"] >= 0) & (curves["ci_high"] <= 1)).all()


# ---------------------------------------------------------------------------------------------
# Properties

statuses = st.lists(
    st.tuples(st.integers(0, 120), st.sampled_from([0, 1, 1, 2]), st.sampled_from("abc")),
    min_size=1,
    max_size=40,
)
days_strategy = st.lists(st.integers(0, 150), min_size=1, max_size=4)


def split(cohort: list[tuple[int, int, str]]) -> tuple[list[int], list[int], list[str]]:
    return [c[0] for c in cohort], [c[1] for c in cohort], [c[2] for c in cohort]


def step(table: pd.DataFrame, column: str, days: float, before: float) -> float:
    """The value of a step curve at ``days`` (``before`` its first time)."""
    rows = table.loc[table["time"] <= days, column]
    return float(rows.iloc[-1]) if len(rows) else before


@given(statuses, days_strategy)
@settings(max_examples=examples(60))
# Every case ended by day 1: the expanded variance sums cancelled to 2e-16, an SE of 1.5e-8.
@example(cohort=[(0, 0, "a"), (0, 1, "a"), (1, 1, "a")], days=[1])
def test_without_withdrawals_it_is_one_minus_kaplan_meier(
    cohort: list[tuple[int, int, str]], days: list[int]
) -> None:
    durations, status, _ = split(cohort)
    status = [1 if s == 2 else s for s in status]
    result = incidence(make_cases(durations, status), times=days)
    km = kaplan_meier(durations, np.asarray(status) == 1)
    greenwood = np.cumsum(
        np.where(
            km["at_risk"] > km["events"],
            km["events"] / (km["at_risk"] * np.maximum(km["at_risk"] - km["events"], 1)),
            0.0,
        )
    )
    km = km.assign(se=km["survival"] * np.sqrt(greenwood))
    for day in set(days):
        row = at(result, "decided", day)
        assert row["share"] == pytest.approx(1 - step(km, "survival", day, 1.0), abs=1e-12)
        assert row["se"] == pytest.approx(step(km, "se", day, 0.0), abs=1e-9)
        assert at(result, "withdrawn", day)["share"] == 0


@given(statuses, days_strategy)
def test_all_cases_censored_gives_zero(
    cohort: list[tuple[int, int, str]], days: list[int]
) -> None:
    durations, _, groups = split(cohort)
    result = incidence(make_cases(durations, [0] * len(durations), groups), by="group", times=days)
    assert (result["share"] == 0).all()
    assert (result["ci_high"] == 0).all()
    assert (result["events"] == 0).all()


@given(statuses, days_strategy)
@settings(max_examples=examples(60))
def test_decided_withdrawn_and_waiting_add_up_to_one(
    cohort: list[tuple[int, int, str]], days: list[int]
) -> None:
    durations, status, _ = split(cohort)
    result = incidence(make_cases(durations, status), times=days)
    km = kaplan_meier(durations, np.asarray(status) > 0)
    for day in set(days):
        total = at(result, "decided", day)["share"] + at(result, "withdrawn", day)["share"]
        assert total + step(km, "survival", day, 1.0) == pytest.approx(1.0, abs=1e-12)


@given(statuses, days_strategy)
def test_monotone_in_time_and_bounded(cohort: list[tuple[int, int, str]], days: list[int]) -> None:
    durations, status, groups = split(cohort)
    result = incidence(make_cases(durations, status, groups), by="group", times=days)
    for _, curve in result.groupby(["group", "outcome"]):
        assert (np.diff(curve["share"].to_numpy()) >= -1e-12).all()
        assert (np.diff(curve["events"].to_numpy()) >= 0).all()
        assert (np.diff(curve["waiting"].to_numpy()) <= 0).all()
    assert ((result["ci_low"] >= 0) & (result["ci_high"] <= 1)).all()
    assert (result["ci_low"] <= result["share"] + 1e-12).all()
    assert (result["share"] <= result["ci_high"] + 1e-12).all()


@given(statuses, days_strategy, st.randoms(use_true_random=False))
@settings(max_examples=examples(30))
def test_row_order_relabelling_and_input_untouched(
    cohort: list[tuple[int, int, str]], days: list[int], random: object
) -> None:
    durations, status, groups = split(cohort)
    cases = make_cases(durations, status, groups)
    before = cases.copy(deep=True)
    result = incidence(cases, by="group", times=days)
    pd.testing.assert_frame_equal(cases, before)

    order = list(range(len(cases)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = incidence(cases.iloc[order].reset_index(drop=True), by="group", times=days)
    pd.testing.assert_frame_equal(result, shuffled)

    names = {"a": "zeta", "b": "alpha", "c": "mu"}
    relabelled = incidence(cases.assign(group=cases["group"].map(names)), by="group", times=days)
    expected = result.assign(group=result["group"].map(names))
    key = ["group", "outcome", "days"]
    pd.testing.assert_frame_equal(
        relabelled.sort_values(key).reset_index(drop=True),
        expected.sort_values(key).reset_index(drop=True),
    )


@given(statuses, days_strategy)
@settings(max_examples=examples(30))
def test_groups_are_estimated_as_if_alone(
    cohort: list[tuple[int, int, str]], days: list[int]
) -> None:
    durations, status, groups = split(cohort)
    cases = make_cases(durations, status, groups)
    together = incidence(cases, by="group", times=days)
    for label, part in cases.groupby("group"):
        alone = incidence(part.reset_index(drop=True), times=days)
        mine = together.loc[together["group"] == label].drop(columns="group")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)


count_rows = st.lists(
    st.tuples(
        st.sampled_from(["x", "y"]),
        st.integers(0, 30),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda row: (row[0], row[1]),
)


@given(count_rows, st.randoms(use_true_random=False))
@settings(max_examples=examples(60))
def test_stats_curves_add_up_and_ignore_row_order(
    rows: list[tuple[str, int, int, int, int]], random: object
) -> None:
    counts = pd.DataFrame(rows, columns=["unit", "time", "a", "b", "censored"])
    curves = cumulative_incidence_from_counts(counts, ["a", "b"])
    wide = curves.pivot_table(
        index=["unit", "time"], columns="cause", values="incidence", observed=True
    )
    survival = curves.groupby(["unit", "time"], observed=True)["survival"].first()
    assert (wide["a"] + wide["b"] + survival).to_numpy() == pytest.approx(1.0, abs=1e-12)
    assert (curves["se"] >= 0).all()
    for _, curve in curves.groupby(["unit", "cause"], observed=True):
        assert (np.diff(curve["incidence"].to_numpy()) >= -1e-12).all()
    order = list(range(len(counts)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = cumulative_incidence_from_counts(counts.iloc[order], ["a", "b"])
    pd.testing.assert_frame_equal(curves, shuffled)
    for unit, part in counts.groupby("unit"):
        alone = cumulative_incidence_from_counts(part.drop(columns="unit"), ["a", "b"])
        mine = curves.loc[curves["unit"] == unit].drop(columns="unit").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)
    read = cumulative_incidence_at(curves, [0, 10, 100])
    assert (read.groupby(["unit", "cause"], observed=True)["n"].nunique() == 1).all()
    assert (read["waiting"] >= 0).all()


@pytest.mark.parametrize("name", ["time", "censored", "n", "events"])
def test_a_group_named_like_a_column_of_the_reduced_table_is_refused(name: str) -> None:
    cases = reference()
    with pytest.raises(OptionError, match=f"'{name}' are named like.*'time', 'censored'"):
        incidence(cases.assign(**{name: cases["group"]}), by=name)
