"""Tests of the case-review indicators."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap.cases import grant_rate, processing_time, survival_table
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
)

EXTRACTED = pd.Timestamp("2021-01-31")
REFERENCE_T = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
REFERENCE_DECIDED = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]


def make_cases(
    durations: Sequence[int],
    decided: Sequence[int],
    *,
    groups: Sequence[str] | None = None,
    withdrawn: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Decided cases applied 2020-01-01; open ones applied `duration` days before extraction."""
    start = pd.Timestamp("2020-01-01")
    days = pd.Series(pd.to_timedelta(np.asarray(durations, dtype=np.int64), unit="D"))
    closed = pd.Series(np.asarray(decided, dtype=bool))
    status = pd.Series(["granted"] * len(closed), dtype=object).where(closed, None)
    if withdrawn is not None:
        status = status.mask(pd.Series(np.asarray(withdrawn, dtype=bool)) & closed, "withdrawn")
    labels: list[str] = list(groups) if groups is not None else ["aids"] * len(closed)
    return pd.DataFrame(
        {
            "applied": pd.Series(start, index=closed.index).where(closed, EXTRACTED - days),
            "decided": (start + days).where(closed),
            "decision": pd.Categorical(status, categories=["granted", "refused", "withdrawn"]),
            "scheme": pd.Categorical(labels),
        }
    )


def reference_cases() -> pd.DataFrame:
    return make_cases(REFERENCE_T, REFERENCE_DECIDED)


cohorts = st.lists(st.tuples(st.integers(0, 200), st.booleans()), min_size=1, max_size=40)


def test_processing_time_reproduces_the_kaplan_meier_reference() -> None:
    row = processing_time(reference_cases(), extracted=EXTRACTED).iloc[0]
    assert row["n"] == 12
    assert row["decided"] == 7
    assert row["open"] == 5
    assert row["median_days"] == 30
    assert row["ci_low"] == 8
    assert row["ci_high"] == np.inf
    assert row["q25_days"] == 12
    assert row["q75_days"] == np.inf


def test_survival_table_reproduces_the_reference_curve_and_band() -> None:
    table = survival_table(reference_cases(), extracted=EXTRACTED)
    at = table.set_index("time")["survival"]
    band = table.set_index("time")[["ci_low", "ci_high"]]
    expected = {
        5: 0.916667,
        8: 0.833333,
        12: 0.740741,
        15: 0.648148,
        21: 0.540123,
        30: 0.432099,
        40: 0.288066,
    }
    for time, survival in expected.items():
        assert at[float(time)] == pytest.approx(survival, abs=1e-6)
    assert tuple(band.loc[30.0]) == pytest.approx((0.141010, 0.698076), abs=1e-6)


def test_dropping_open_cases_biases_the_median_down() -> None:
    cases = reference_cases()
    right = processing_time(cases, extracted=EXTRACTED)["median_days"].iloc[0]
    closed_only = processing_time(cases.dropna(subset=["decided"]))["median_days"].iloc[0]
    assert closed_only == 15
    assert right == 30


def test_cases_decided_after_extraction_are_censored_there() -> None:
    cases = make_cases([10, 20], [1, 1])
    early_cut = pd.Timestamp("2020-01-15")
    row = processing_time(cases, extracted=early_cut).iloc[0]
    assert row["decided"] == 1
    assert row["open"] == 1


def test_withdrawn_cases_are_left_out_and_counted() -> None:
    cases = make_cases([10, 20, 30], [1, 1, 1], withdrawn=[0, 0, 1])
    row = processing_time(cases).iloc[0]
    assert row["withdrawn"] == 1
    assert row["n"] == 2
    assert row["median_days"] == 10


def test_within_share_and_groups() -> None:
    cases = make_cases([10, 20, 40, 5], [1, 1, 1, 1], groups=["aids", "aids", "aids", "mentor"])
    result = processing_time(cases, by="scheme", within=30)
    aids = result.set_index("scheme").loc["aids"]
    assert aids["share_within"] == pytest.approx(2 / 3)
    assert aids["share_within_ci_low"] <= aids["share_within"] <= aids["share_within_ci_high"]
    assert result["scheme"].tolist() == ["aids", "mentor"]


def test_group_by_application_year() -> None:
    cases = make_cases([10, 20], [1, 1]).assign(
        applied=pd.to_datetime(["2019-05-01", "2020-05-01"]),
        decided=pd.to_datetime(["2019-05-11", "2020-05-21"]),
    )
    result = processing_time(cases, by="year")
    assert result["year"].tolist() == [2019, 2020]
    assert result["median_days"].tolist() == [10, 20]


def test_grant_rate_reference() -> None:
    cases = pd.DataFrame(
        {"decision": ["granted"] * 6 + ["refused"] * 4 + ["withdrawn", None], "scheme": "aids"}
    )
    row = grant_rate(cases).iloc[0]
    assert (row["n"], row["count"], row["share"]) == (10, 6, 0.6)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.312674, 0.831820), abs=1e-6)


@given(cohorts)
def test_survival_is_non_increasing_within_unit_interval(cohort: list[tuple[int, bool]]) -> None:
    cases = make_cases(
        [d for d, _ in cohort],
        [int(o) for o, _ in zip([o for _, o in cohort], cohort, strict=True)],
    )
    table = survival_table(cases, extracted=EXTRACTED)
    survival = table["survival"].to_numpy()
    assert ((survival >= 0) & (survival <= 1)).all()
    assert (np.diff(survival) <= 1e-12).all()


@given(cohorts, st.integers(0, 200))
@settings(max_examples=examples(30))
def test_an_added_open_case_never_lowers_survival(
    cohort: list[tuple[int, bool]], extra: int
) -> None:
    durations = [d for d, _ in cohort]
    observed = [int(o) for _, o in cohort]
    before = survival_table(make_cases(durations, observed), extracted=EXTRACTED)
    after = survival_table(make_cases([*durations, extra], [*observed, 0]), extracted=EXTRACTED)
    times = np.union1d(before["time"], after["time"])

    def curve(table: pd.DataFrame) -> np.ndarray:
        index = np.searchsorted(table["time"].to_numpy(), times, side="right") - 1
        values = table["survival"].to_numpy()
        return np.where(index >= 0, values[np.clip(index, 0, None)], 1.0)

    assert (curve(after) >= curve(before) - 1e-12).all()


@given(st.lists(st.integers(1, 100), min_size=1, max_size=30), st.integers(2, 4))
@settings(max_examples=examples(30))
def test_scaling_durations_scales_the_median(durations: list[int], factor: int) -> None:
    plain = processing_time(make_cases(durations, [1] * len(durations)))
    scaled = processing_time(make_cases([d * factor for d in durations], [1] * len(durations)))
    assert scaled["median_days"].iloc[0] == pytest.approx(plain["median_days"].iloc[0] * factor)


@given(cohorts)
@settings(max_examples=examples(30))
def test_indicators_invariant_to_row_order_and_input_untouched(
    cohort: list[tuple[int, bool]],
) -> None:
    groups = ["aids" if i % 2 else "mentor support" for i in range(len(cohort))]
    cases = make_cases([d for d, _ in cohort], [int(o) for _, o in cohort], groups=groups)
    original = cases.copy(deep=True)
    shuffled = cases.sample(frac=1.0, random_state=np.random.default_rng(1))
    for function in (processing_time, survival_table):
        pd.testing.assert_frame_equal(
            function(cases, by="scheme", extracted=EXTRACTED),
            function(shuffled, by="scheme", extracted=EXTRACTED),
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)  # a scheme with only open cases
        pd.testing.assert_frame_equal(
            grant_rate(cases, by="scheme"), grant_rate(shuffled, by="scheme")
        )
    pd.testing.assert_frame_equal(cases, original)


def test_open_cases_need_an_extraction_date() -> None:
    with pytest.raises(JobhandicapError, match="extracted="):
        processing_time(reference_cases())


def test_extraction_before_an_application_is_refused() -> None:
    with pytest.raises(OptionError, match="before the application date"):
        processing_time(reference_cases(), extracted="2019-12-31")
    with pytest.raises(OptionError, match="must be a date"):
        processing_time(reference_cases(), extracted="yesterday")
    with pytest.raises(ArgumentTypeError, match="must be a date"):
        processing_time(reference_cases(), extracted=[2021, 1, 31])  # type: ignore[arg-type]


def test_unknown_grouping_columns_and_missing_columns() -> None:
    with pytest.raises(MissingColumnsError, match="region"):
        processing_time(reference_cases(), by="region", extracted=EXTRACTED)
    with pytest.raises(MissingColumnsError, match="decided"):
        processing_time(reference_cases().drop(columns="decided"), extracted=EXTRACTED)
    with pytest.raises(OptionError, match="within"):
        processing_time(reference_cases(), extracted=EXTRACTED, within=-1)
    with pytest.raises(ArgumentTypeError, match="within"):
        processing_time(reference_cases(), extracted=EXTRACTED, within="30")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="level"):
        grant_rate(reference_cases(), level=95)
    # An unknown grouping column is the same error everywhere (it was a plain
    # JobhandicapError in grant_rate).
    for function in (processing_time, survival_table, grant_rate):
        with pytest.raises(MissingColumnsError, match="region"):
            function(reference_cases(), by="region")
    with pytest.raises(ArgumentTypeError, match="DataFrame"):
        grant_rate(reference_cases().to_dict())  # type: ignore[arg-type]


def test_small_bases_warn_once_per_call_naming_the_groups() -> None:
    few = make_cases([5, 8, 12], [1, 1, 0], groups=["aids", "aids", "job aids"])
    for function in (processing_time, survival_table):
        with pytest.warns(SmallSampleWarning, match="2 of 2 .* cases") as caught:
            function(few, by="scheme", extracted=EXTRACTED)
        assert len([w for w in caught if w.category is SmallSampleWarning]) == 1
        assert "aids: 2" in str(caught[0].message)
    many = make_cases([5] * 40, [1] * 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        processing_time(many, extracted=EXTRACTED)
        grant_rate(many)
    with pytest.warns(SmallSampleWarning, match="decided cases"):
        grant_rate(few, by="scheme")


def test_within_share_when_every_case_is_decided() -> None:
    result = processing_time(make_cases([5, 10, 20], [1, 1, 1]), within=30).iloc[0]
    assert result["share_within"] == 1.0
    assert result["share_within_ci_high"] == 1.0
    assert np.isnan(result["share_within_ci_low"])


def test_year_grouping_names_a_missing_application_date() -> None:
    cases = make_cases([10, 20], [1, 1])
    cases.loc[1, "applied"] = pd.NaT
    with pytest.raises(JobhandicapError, match="no 'applied' date at row 1"):
        grant_rate(cases, by="year")


# --------------------------------------------------------------------------------------------
# Issue 13: negative durations, cases withdrawn after the extraction date
# --------------------------------------------------------------------------------------------


def _with_early_decision(groups: Sequence[str] | None = None) -> pd.DataFrame:
    """Three decided cases; the one at position 1 is decided 10 days before it was applied."""
    cases = make_cases([10, 20, 30], [1, 1, 1], groups=groups).assign(
        case_id=pd.array(["c1", "c2", "c3"], dtype="string")
    )
    return cases.assign(
        decided=cases["decided"].mask(cases.index == 1, cases["applied"] - _days(10))
    )


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


@pytest.mark.parametrize("function", [processing_time, survival_table])
def test_a_decision_before_the_application_is_a_schema_error_naming_the_row(
    function: Callable[..., pd.DataFrame],
) -> None:
    # Grouped, the negative duration used to land in another group's curve.
    cases = _with_early_decision(groups=["mentor", "aids", "aids"])
    with pytest.raises(SchemaError) as caught:
        function(cases, by="scheme", extracted=EXTRACTED)
    problems = caught.value.problems
    assert problems["row"].tolist() == [3]  # position 1 is row 3 in a spreadsheet
    assert problems["column"].tolist() == ["decided"]
    assert problems["value"].tolist() == ["2019-12-22"]
    message = str(caught.value)
    assert "row position 1" in message
    assert "'c2'" in message
    assert "on or after the application date" in message


def test_a_negative_duration_is_refused_without_extracted_and_in_every_row() -> None:
    cases = _with_early_decision()
    cases = cases.assign(
        decided=cases["decided"].mask(cases.index == 2, cases["applied"] - _days(1))
    )
    with pytest.raises(SchemaError) as caught:
        processing_time(cases.set_index(pd.Index([10, 11, 12])))  # positions, not labels
    assert caught.value.problems["row"].tolist() == [3, 4]
    # Ungrouped it used to be a bare numpy error (a negative bincount).
    with pytest.raises(SchemaError):
        survival_table(cases)


def test_a_missing_application_date_is_a_schema_error() -> None:
    cases = make_cases([10, 20], [1, 1])
    cases = cases.assign(applied=cases["applied"].mask(cases.index == 0))
    with pytest.raises(SchemaError, match="no application date") as caught:
        processing_time(cases)
    assert caught.value.problems["row"].tolist() == [2]


def test_a_case_withdrawn_after_extraction_is_open_then() -> None:
    cases = make_cases([10, 20, 30], [1, 1, 1], withdrawn=[0, 1, 1])
    cut = pd.Timestamp("2020-01-25")  # withdrawals on day 20 (before) and day 30 (after)
    row = processing_time(cases, extracted=cut).iloc[0]
    assert (row["n"], row["decided"], row["open"], row["withdrawn"]) == (2, 1, 1, 1)
    table = survival_table(cases, extracted=cut)
    assert table["time"].tolist() == [10.0, 24.0]
    assert table["censored"].tolist() == [0, 1]
    # Withdrawn after extraction counts exactly like decided after it.
    granted = cases.assign(decision=cases["decision"].mask(cases.index == 2, "granted"))
    pd.testing.assert_frame_equal(
        survival_table(granted, extracted=cut), survival_table(cases, extracted=cut)
    )
    same = processing_time(granted, extracted=cut).drop(columns="withdrawn")
    pd.testing.assert_frame_equal(
        same, processing_time(cases, extracted=cut).drop(columns="withdrawn")
    )


@given(cohorts, st.lists(st.booleans(), min_size=40, max_size=40), st.integers(0, 300))
@settings(max_examples=examples(30))
def test_processing_time_and_survival_table_agree(
    cohort: list[tuple[int, bool]], withdrawn: list[bool], cut_day: int
) -> None:
    groups = ["aids" if i % 3 else "mentor support" for i in range(len(cohort))]
    cases = make_cases(
        [d for d, _ in cohort],
        [int(o) for _, o in cohort],
        groups=groups,
        withdrawn=[int(w) for w in withdrawn[: len(cohort)]],
    )
    cut = max(pd.Timestamp("2020-01-01") + _days(cut_day), cases["applied"].max())
    full = processing_time(cases, by="scheme", extracted=cut).set_index("scheme")
    table = survival_table(cases, by="scheme", extracted=cut)
    sums = table.groupby("scheme", observed=True)[["events", "censored"]].sum()
    summary = full.loc[full["n"] > 0]  # a group of withdrawn cases only has no curve
    assert sums["events"].to_dict() == summary["decided"].to_dict()
    assert sums["censored"].to_dict() == summary["open"].to_dict()
    first = table.groupby("scheme", observed=True)["at_risk"].first()
    assert first.to_dict() == summary["n"].to_dict()
    # Every case counted once: decided, open or withdrawn.
    assert int(full[["decided", "open", "withdrawn"]].to_numpy().sum()) == len(cases)


@given(cohorts, st.integers(0, 300))
@settings(max_examples=examples(30))
def test_processing_time_is_invariant_to_row_order_with_withdrawals(
    cohort: list[tuple[int, bool]], cut_day: int
) -> None:
    cases = make_cases(
        [d for d, _ in cohort],
        [int(o) for _, o in cohort],
        withdrawn=[i % 2 for i in range(len(cohort))],
    )
    cut = max(pd.Timestamp("2020-01-01") + _days(cut_day), cases["applied"].max())
    shuffled = cases.sample(frac=1.0, random_state=np.random.default_rng(2))
    pd.testing.assert_frame_equal(
        processing_time(cases, extracted=cut, within=30),
        processing_time(shuffled, extracted=cut, within=30),
    )
