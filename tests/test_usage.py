"""Tests of the scheme-usage indicators."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap.domain import CompensationScheme, Decision, TargetGroup
from jobhandicap.errors import (
    JobhandicapError,
    MissingColumnsError,
    SmallSampleWarning,
    UnknownLabelError,
)
from jobhandicap.usage import (
    count_cases,
    expenditure_shares,
    rates_per_population,
    scheme_usage,
    target_group_coverage,
)

SCHEMES = [s.value for s in CompensationScheme]
GROUPS = [g.value for g in TargetGroup]
DECISIONS = [d.value for d in Decision]
JOBCENTRES = [101, 147, 151, 185, 561]


def make_cases(
    rows: Sequence[tuple[int, str, str, int, str | None, float | None]],
) -> pd.DataFrame:
    """Canonical-typed cases from (jobcentre, scheme, target group, year, decision, amount)."""
    jobcentre = [r[0] for r in rows]
    return pd.DataFrame(
        {
            "case_id": pd.array([f"C{i}" for i in range(len(rows))], dtype="string"),
            "municipality": np.asarray(jobcentre, dtype=np.int64),
            "jobcentre": np.asarray(jobcentre, dtype=np.int64),
            "scheme": pd.Categorical([r[1] for r in rows], categories=SCHEMES),
            "target_group": pd.Categorical([r[2] for r in rows], categories=GROUPS),
            "applied": pd.to_datetime([f"{r[3]}-03-01" for r in rows]).astype("datetime64[ns]"),
            "decided": pd.to_datetime(
                pd.Series([None if r[4] is None else f"{r[3]}-04-01" for r in rows], dtype=object)
            ).astype("datetime64[ns]"),
            "decision": pd.Categorical([r[4] for r in rows], categories=DECISIONS),
            "amount_dkk": np.asarray(
                [np.nan if r[5] is None else r[5] for r in rows], dtype=np.float64
            ),
        }
    )


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(JOBCENTRES),
        st.sampled_from(SCHEMES[:4]),
        st.sampled_from(GROUPS[:5]),
        st.integers(2018, 2020),
        st.sampled_from([*DECISIONS, None]),
        st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)),
    ),
    min_size=1,
    max_size=60,
)


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# scheme_usage
# --------------------------------------------------------------------------------------------


def small_cases() -> pd.DataFrame:
    return make_cases(
        [
            (101, "aids", "employed", 2019, "granted", 1000.0),
            (101, "aids", "flex-job", 2019, "granted", 2000.0),
            (147, "aids", "employed", 2019, "granted", 3000.0),
            (147, "personal assistance", "flex-job", 2019, "granted", 9000.0),
            (147, "aids", "employed", 2019, "refused", None),
            (151, "aids", "employed", 2019, "withdrawn", None),
            (151, "aids", "employed", 2020, None, None),
            (151, "personal assistance", "employed", 2020, "granted", 5000.0),
        ]
    )


def test_scheme_usage_counts_cases_jobcentres_and_shares() -> None:
    table = scheme_usage(small_cases())
    assert list(table.columns) == [
        "year",
        "scheme",
        "n",
        "count",
        "share",
        "jobcentres",
        "counted",
    ]
    assert table[["year", "scheme"]].astype(str).values.tolist() == [
        ["2019", "personal assistance"],
        ["2019", "aids"],
        ["2020", "personal assistance"],
    ]
    assert table["count"].tolist() == [1, 3, 1]
    assert table["jobcentres"].tolist() == [1, 2, 1]
    assert table["share"].tolist() == pytest.approx([0.25, 0.75, 1.0], abs=1e-12)
    assert table["year"].dtype == np.int64
    assert isinstance(table["scheme"].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("granted", 5),
        ("refused", 1),
        ("withdrawn", 1),
        ("decided", 6),
        (None, 8),
        ("all", 8),
        ("bevilget", 5),
        (Decision.REFUSED, 1),
    ],
)
def test_scheme_usage_selects_decisions(decision: str | Decision | None, expected: int) -> None:
    table = scheme_usage(small_cases(), by=(), decision=decision)
    assert table["count"].tolist() == [expected]
    assert table["share"].tolist() == [1.0]


def test_scheme_usage_counts_distinct_jobcentres_overall() -> None:
    table = scheme_usage(small_cases(), by="scheme", decision="all")
    by_scheme = dict(zip(table["scheme"].astype(str), table["jobcentres"], strict=True))
    assert by_scheme == {"personal assistance": 2, "aids": 3}


def test_scheme_usage_share_without_scheme_is_share_of_all() -> None:
    table = scheme_usage(small_cases(), by="year")
    assert table["count"].tolist() == [4, 1]
    assert table["share"].tolist() == pytest.approx([0.8, 0.2])


def test_scheme_usage_rejects_unknown_decision_and_column() -> None:
    with pytest.raises(UnknownLabelError, match="decided"):
        scheme_usage(small_cases(), decision="grantd")
    with pytest.raises(JobhandicapError, match="region"):
        scheme_usage(small_cases(), by="region")
    with pytest.raises(MissingColumnsError):
        scheme_usage(small_cases().drop(columns="jobcentre"))


def test_scheme_usage_without_selected_cases_is_empty_not_an_error() -> None:
    table = scheme_usage(small_cases(), decision="refused", by=("year", "jobcentre", "scheme"))
    assert len(table) == 1
    empty = scheme_usage(small_cases().iloc[:0])
    assert empty.empty
    assert list(empty.columns) == [
        "year",
        "scheme",
        "n",
        "count",
        "share",
        "jobcentres",
        "counted",
    ]


@given(rows_strategy, st.integers(0, 1000))
@settings(max_examples=examples(30))
def test_scheme_usage_matches_pandas_and_is_order_invariant(
    rows: list[tuple[int, str, str, int, str | None, float | None]], seed: int
) -> None:
    cases = make_cases(rows)
    before = cases.copy(deep=True)
    table = scheme_usage(cases, by=("year", "scheme"), decision="decided")
    pd.testing.assert_frame_equal(cases, before)
    decided = cases[cases["decision"].isin(["granted", "refused"])]
    naive = (
        decided.assign(year=decided["applied"].dt.year)
        .groupby(["year", "scheme"], observed=True)
        .agg(count=("case_id", "size"), jobcentres=("jobcentre", "nunique"))
        .reset_index()
    )
    assert table["count"].tolist() == naive["count"].tolist()
    assert table["jobcentres"].tolist() == naive["jobcentres"].tolist()
    sums = table.groupby("year")["share"].sum()
    assert np.allclose(sums, 1.0)
    again = scheme_usage(shuffled(cases, seed), by=("year", "scheme"), decision="decided")
    pd.testing.assert_frame_equal(table, again)


# --------------------------------------------------------------------------------------------
# expenditure_shares
# --------------------------------------------------------------------------------------------


def test_expenditure_shares_reproduce_the_personal_assistance_share() -> None:
    cases = make_cases(
        [
            (101, "personal assistance", "employed", 2018, "granted", 600_000.0),
            (147, "personal assistance", "flex-job", 2018, "granted", 290_000.0),
            (147, "aids", "employed", 2018, "granted", 70_000.0),
            (147, "aids", "employed", 2018, "granted", None),
            (151, "mentor support", "employed", 2018, "granted", 40_000.0),
            (151, "aids", "employed", 2018, "refused", None),
            (151, "priority access", "employed", 2018, "granted", None),
        ]
    )
    table = expenditure_shares(cases)
    assert list(table.columns) == [
        "scheme",
        "n",
        "amount_dkk",
        "share",
        "total_dkk",
        "n_with_amount",
    ]
    row = table.set_index(table["scheme"].astype(str))
    assert row.loc["personal assistance", "share"] == pytest.approx(0.89, abs=1e-12)
    assert row.loc["aids", "n"] == 2
    assert row.loc["aids", "n_with_amount"] == 1
    assert row.loc["aids", "amount_dkk"] == 70_000.0
    assert row.loc["priority access", "amount_dkk"] == 0.0
    assert row.loc["priority access", "share"] == 0.0
    assert table["total_dkk"].unique().tolist() == [1_000_000.0]
    assert table["share"].sum() == pytest.approx(1.0)


def test_expenditure_shares_zero_total_gives_nan_and_a_warning() -> None:
    cases = make_cases(
        [
            (101, "aids", "employed", 2018, "granted", 100.0),
            (101, "priority access", "employed", 2019, "granted", None),
        ]
    )
    with pytest.warns(SmallSampleWarning, match="year 2019"):
        table = expenditure_shares(cases, by="year")
    assert table["share"].iloc[0] == 1.0
    assert np.isnan(table["share"].iloc[1])
    assert table["total_dkk"].iloc[1] == 0.0


def test_expenditure_shares_reject_scheme_in_by_and_missing_amounts() -> None:
    with pytest.raises(JobhandicapError, match="scheme"):
        expenditure_shares(small_cases(), by="scheme")
    with pytest.raises(MissingColumnsError, match="amount_dkk"):
        expenditure_shares(small_cases().drop(columns="amount_dkk"))


@given(rows_strategy, st.sampled_from(["year", "jobcentre", "target_group"]), st.integers(0, 99))
@settings(max_examples=examples(30))
def test_expenditure_shares_sum_to_one_within_groups(
    rows: list[tuple[int, str, str, int, str | None, float | None]], by: str, seed: int
) -> None:
    cases = make_cases(rows)
    before = cases.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        table = expenditure_shares(cases, by=by)
        again = expenditure_shares(shuffled(cases, seed), by=by)
    pd.testing.assert_frame_equal(cases, before)
    pd.testing.assert_frame_equal(table, again, check_exact=False, rtol=1e-9)
    positive = table["total_dkk"] > 0
    sums = table.loc[positive].groupby(by, observed=True)["share"].sum()
    assert np.allclose(sums, 1.0)
    assert table.loc[~positive, "share"].isna().all()
    assert ((table["share"] >= 0) | table["share"].isna()).all()
    granted = cases[cases["decision"] == "granted"]
    assert table["n"].sum() == len(granted)
    assert table["amount_dkk"].sum() == pytest.approx(granted["amount_dkk"].sum())
    assert table["n_with_amount"].sum() == granted["amount_dkk"].notna().sum()


# --------------------------------------------------------------------------------------------
# rates_per_population and count_cases
# --------------------------------------------------------------------------------------------


def population_frame(rows: dict[tuple[int, int], int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": np.asarray([k[0] for k in rows], dtype=np.int64),
            "year": np.asarray([k[1] for k in rows], dtype=np.int64),
            "population": np.asarray(list(rows.values()), dtype=np.int64),
        }
    )


def test_rates_per_population_reproduce_the_garwood_interval() -> None:
    counts = pd.DataFrame({"municipality": [101, 147], "year": [2019, 2019], "count": [10, 0]})
    population = population_frame({(101, 2019): 10_000, (147, 2019): 10_000})
    table = rates_per_population(counts, population)
    assert list(table.columns) == [
        "municipality",
        "year",
        "count",
        "population",
        "rate_per_10000",
        "ci_low",
        "ci_high",
    ]
    # Exact Poisson limits for a count of 10: (4.795389, 18.390356); for 0: (0, 3.688879).
    assert table["rate_per_10000"].tolist() == pytest.approx([10.0, 0.0])
    assert table["ci_low"].tolist() == pytest.approx([4.795389, 0.0], abs=1e-6)
    assert table["ci_high"].tolist() == pytest.approx([18.390356, 3.688879], abs=1e-6)
    per_thousand = rates_per_population(counts, population, per=1000, level=0.9)
    assert per_thousand["rate_per_1000"].iloc[0] == pytest.approx(1.0)


def test_jobcentre_population_follows_the_membership_of_the_year() -> None:
    # Ishøj (183) belongs to Vallensbæk's jobcentre (187) until 2021, has its own from 2022.
    population = population_frame(
        {(187, 2021): 10_000, (183, 2021): 14_000, (187, 2022): 10_100, (183, 2022): 14_100}
    )
    counts = pd.DataFrame(
        {"jobcentre": [187, 187, 183], "year": [2021, 2022, 2022], "count": [12, 5, 7]}
    )
    table = rates_per_population(counts, population)
    assert table["jobcentre"].tolist() == [183, 187, 187]
    assert table["population"].tolist() == [14_100, 24_000, 10_100]
    assert table["rate_per_10000"].tolist() == pytest.approx([7 / 1.41, 5.0, 5 / 1.01])
    with pytest.raises(JobhandicapError, match=r"jobcentre 183, year 2021"):
        rates_per_population(
            pd.DataFrame({"jobcentre": [183], "year": [2021], "count": [1]}), population
        )


def test_joint_jobcentre_sums_its_members() -> None:
    population = population_frame({(561, 2019): 70_000, (563, 2019): 2_000})
    counts = pd.DataFrame({"jobcentre": [561], "year": [2019], "count": [36]})
    row = rates_per_population(counts, population).iloc[0]
    assert row["population"] == 72_000
    assert row["rate_per_10000"] == pytest.approx(5.0)


def test_missing_population_names_the_unit_and_year() -> None:
    population = population_frame({(561, 2019): 70_000})
    with pytest.raises(JobhandicapError, match=r"jobcentre 561, year 2019, municipality 563"):
        rates_per_population(
            pd.DataFrame({"jobcentre": [561], "year": [2019], "count": [3]}), population
        )
    with pytest.raises(JobhandicapError, match=r"municipality 101, year 2020"):
        rates_per_population(
            pd.DataFrame({"municipality": [101], "year": [2020], "count": [3]}),
            population_frame({(101, 2019): 5}),
        )


def test_rates_per_population_checks_its_input() -> None:
    population = population_frame({(101, 2019): 1000})
    with pytest.raises(JobhandicapError, match="whole numbers"):
        rates_per_population(
            pd.DataFrame({"municipality": [101], "year": [2019], "count": [-1]}), population
        )
    with pytest.raises(JobhandicapError, match="more than one row"):
        rates_per_population(
            pd.DataFrame({"municipality": [101, 101], "year": [2019, 2019], "count": [1, 2]}),
            population,
        )
    with pytest.raises(JobhandicapError, match="unit="):
        rates_per_population(
            pd.DataFrame({"municipality": [101], "jobcentre": [101], "year": [2019], "count": 1}),
            population,
        )
    with pytest.raises(MissingColumnsError, match="count"):
        rates_per_population(pd.DataFrame({"municipality": [101], "year": [2019]}), population)
    with pytest.warns(SmallSampleWarning):
        zero = rates_per_population(
            pd.DataFrame({"municipality": [101], "year": [2019], "count": [0]}),
            population_frame({(101, 2019): 0}),
        )
    assert np.isnan(zero["rate_per_10000"].iloc[0])


def test_rates_per_population_keeps_further_grouping_columns() -> None:
    population = population_frame({(101, 2019): 20_000})
    counts = pd.DataFrame(
        {
            "municipality": [101, 101],
            "year": [2019, 2019],
            "scheme": pd.Categorical(["personal assistance", "aids"], categories=SCHEMES),
            "count": [4, 30],
        }
    )
    table = rates_per_population(counts, population)
    assert list(table.columns)[:4] == ["municipality", "year", "scheme", "count"]
    assert table["scheme"].astype(str).tolist() == ["personal assistance", "aids"]
    assert isinstance(table["scheme"].dtype, pd.CategoricalDtype)
    assert table["rate_per_10000"].tolist() == pytest.approx([2.0, 15.0])


@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 100_000)), min_size=1, max_size=12),
    st.integers(0, 99),
)
@settings(max_examples=examples(30))
def test_rates_lie_in_their_interval_and_ignore_row_order(
    cells: list[tuple[int, int]], seed: int
) -> None:
    codes = [101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169]
    counts = pd.DataFrame(
        {"municipality": codes[: len(cells)], "year": 2019, "count": [c for c, _ in cells]}
    )
    population = population_frame(
        {(code, 2019): p for code, (_, p) in zip(codes, cells, strict=False)}
    )
    before = (counts.copy(deep=True), population.copy(deep=True))
    table = rates_per_population(counts, population)
    pd.testing.assert_frame_equal(counts, before[0])
    pd.testing.assert_frame_equal(population, before[1])
    assert (table["ci_low"] <= table["rate_per_10000"]).all()
    assert (table["rate_per_10000"] <= table["ci_high"]).all()
    assert (table["ci_low"] >= 0).all()
    again = rates_per_population(shuffled(counts, seed), shuffled(population, seed + 1))
    pd.testing.assert_frame_equal(table, again)
    wider = rates_per_population(counts, population, level=0.99)
    assert (wider["ci_high"] >= table["ci_high"]).all()


def test_count_cases_fills_zeros_where_units_existed() -> None:
    cases = make_cases(
        [
            (187, "aids", "employed", 2021, "granted", 1.0),
            (183, "aids", "employed", 2022, "refused", None),
            (101, "aids", "employed", 2022, "granted", 1.0),
        ]
    )
    table = count_cases(cases)
    assert table.values.tolist() == [
        [101, 2021, 0],
        [101, 2022, 1],
        [183, 2022, 0],
        [187, 2021, 1],
        [187, 2022, 0],
    ]
    assert count_cases(cases, complete=False).values.tolist() == [[101, 2022, 1], [187, 2021, 1]]
    assert count_cases(cases, decision="all")["count"].sum() == 3
    by_scheme = count_cases(cases, by="scheme", unit="municipality")
    assert list(by_scheme.columns) == ["municipality", "year", "scheme", "count"]
    assert len(by_scheme) == 6
    with pytest.raises(JobhandicapError, match="unit"):
        count_cases(cases, unit="region")
    with pytest.raises(JobhandicapError, match="always grouping"):
        count_cases(cases, by="year")


def test_count_cases_feeds_rates_per_population() -> None:
    cases = make_cases(
        [(561, "aids", "employed", 2019, "granted", 1.0)] * 3
        + [(101, "aids", "employed", 2019, "granted", 1.0)]
    )
    population = population_frame({(561, 2019): 29_000, (563, 2019): 1_000, (101, 2019): 10_000})
    table = rates_per_population(count_cases(cases), population)
    assert table["rate_per_10000"].tolist() == pytest.approx([1.0, 1.0])


@given(rows_strategy)
@settings(max_examples=examples(30))
def test_count_cases_total_equals_selected_cases(
    rows: list[tuple[int, str, str, int, str | None, float | None]],
) -> None:
    cases = make_cases(rows)
    table = count_cases(cases, by="scheme")
    assert table["count"].sum() == (cases["decision"] == "granted").sum()
    assert not table.duplicated(["jobcentre", "year", "scheme"]).any()
    assert (table["count"] >= 0).all()


# --------------------------------------------------------------------------------------------
# target_group_coverage
# --------------------------------------------------------------------------------------------


def test_target_group_coverage_lists_target_groups_per_scheme() -> None:
    table = target_group_coverage(small_cases(), by="jobcentre")
    assert list(table.columns) == ["jobcentre", "scheme", "n", "target_groups", "which"]
    assert table["jobcentre"].tolist() == [101, 147, 147, 151]
    assert table["scheme"].astype(str).tolist() == [
        "aids",
        "personal assistance",
        "aids",
        "personal assistance",
    ]
    assert table["n"].tolist() == [2, 1, 1, 1]
    assert table["target_groups"].tolist() == [2, 1, 1, 1]
    assert table["which"].tolist() == ["employed; flex-job", "flex-job", "employed", "employed"]
    assert table["which"].dtype == pd.StringDtype()


def test_target_group_coverage_across_schemes_and_overall() -> None:
    table = target_group_coverage(small_cases(), by="jobcentre", per_scheme=False)
    assert table["target_groups"].tolist() == [2, 2, 1]
    overall = target_group_coverage(small_cases(), by=(), per_scheme=False, decision="all")
    assert overall.values.tolist() == [[8, 2, "employed; flex-job"]]
    with pytest.raises(JobhandicapError, match="target_group"):
        target_group_coverage(small_cases(), by="target_group")


@given(rows_strategy, st.integers(0, 99))
@settings(max_examples=examples(30))
def test_target_group_coverage_matches_naive_count(
    rows: list[tuple[int, str, str, int, str | None, float | None]], seed: int
) -> None:
    cases = make_cases(rows)
    table = target_group_coverage(cases, decision="all")
    naive = (
        cases.assign(year=cases["applied"].dt.year)
        .groupby(["jobcentre", "year", "scheme"], observed=True)["target_group"]
        .agg(lambda s: "; ".join(sorted(set(s.astype(str)))))
    )
    assert table["which"].tolist() == naive.tolist()
    assert table["target_groups"].tolist() == [len(w.split("; ")) for w in naive]
    assert table["n"].sum() == len(cases)
    assert (table["target_groups"] <= len(GROUPS)).all()
    again = target_group_coverage(shuffled(cases, seed), decision="all")
    pd.testing.assert_frame_equal(table, again)


def test_reduction_handles_text_keys_like_pandas() -> None:
    cases = small_cases().assign(
        scheme=lambda f: f["scheme"].astype(str),
        target_group=lambda f: f["target_group"].astype(str),
    )
    table = target_group_coverage(cases, by="jobcentre")
    assert table["scheme"].tolist() == [
        "aids",
        "aids",
        "personal assistance",
        "personal assistance",
    ]
    assert table["which"].tolist() == ["employed; flex-job", "employed", "flex-job", "employed"]
