"""Tests of jobhandicap.disclosure.protect and audit: one protection for a whole release."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import jobhandicap as jh
from _examples import examples
from jobhandicap.disclosure import (
    Measure,
    Release,
    TableSpec,
    audit,
    check,
    default_min_width,
    protect,
    suppress,
)
from jobhandicap.errors import DisclosureError, JobhandicapError, MissingColumnsError

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _grouped(units: pd.DataFrame, by: list[str], flag: str | None = None) -> pd.DataFrame:
    """Count units by ``by`` (only those with ``flag``), every combination present kept."""
    chosen = units if flag is None else units[units[flag]]
    counts = chosen.groupby(by, observed=False).size().rename("n").reset_index()
    return counts


def _with_total(table: pd.DataFrame, key: str) -> pd.DataFrame:
    total = pd.DataFrame({key: ["total"], "n": [int(table["n"].sum())]})
    return pd.concat([table.astype({key: object}), total], ignore_index=True)


def _independent_ranges(
    units: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    keys: dict[str, list[str]],
    hidden: dict[str, np.ndarray],
) -> dict[tuple[str, int], tuple[float, float]]:
    """An attacker written apart from the library: one unknown per combination of all keys.

    Every published count (cells of column ``n``) is the sum of the combinations its keys
    select; each hidden cell's range is a pair of linear programmes over those unknowns.
    """
    dims = sorted({d for k in keys.values() for d in k})
    combos = units[dims].drop_duplicates().reset_index(drop=True)
    rows: list[np.ndarray] = []
    values: list[float] = []
    targets: dict[tuple[str, int], np.ndarray] = {}
    for name, table in tables.items():
        for i, row in table.reset_index(drop=True).iterrows():
            select = np.ones(len(combos), dtype=bool)
            for d in keys[name]:
                if str(row[d]) != "total":
                    select &= combos[d].astype(str).to_numpy() == str(row[d])
            if hidden[name][int(str(i))]:
                targets[(name, int(str(i)))] = select.astype(float)
            else:
                rows.append(select.astype(float))
                values.append(float(row["n"]))
    out = {}
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(values) if rows else None
    for place, c in targets.items():
        solve: Any = linprog
        low = solve(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        high = solve(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        out[place] = (float(low.fun), float(-high.fun) if high.status == 0 else np.inf)
    return out


def _units(seed: int, sizes: tuple[int, ...] = (40, 30, 3, 12)) -> pd.DataFrame:
    """Units in jobcentres A-D (C small) across two years and two schemes."""
    rng = np.random.default_rng(seed)
    frames = []
    for unit, size in zip("ABCD", sizes, strict=True):
        frames.append(
            pd.DataFrame(
                {
                    "jobcentre": unit,
                    "year": rng.choice([2019, 2020], size),
                    "scheme": rng.choice(["aids", "assistance"], size, p=[0.7, 0.3]),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# The leaks of table-by-table suppression, in miniature
# --------------------------------------------------------------------------------------------


def test_a_margin_published_in_another_table_is_a_total() -> None:
    units = _units(1)
    by_unit = _grouped(units, ["jobcentre", "year"])
    by_scheme = _grouped(units, ["year", "scheme"])
    specs = {
        "by_unit": TableSpec(measures=["n"], by=["jobcentre", "year"]),
        "by_scheme": TableSpec(measures=["n"], by=["year", "scheme"]),
    }
    # Alone, by_unit has no totals: suppress() blanks only the small cells ...
    alone = suppress(by_unit, count_columns="n", by=["jobcentre", "year"]).table
    assert alone["n"].isna().sum() >= 1
    # ... which the other table's year totals give away.
    found = audit({"by_unit": alone, "by_scheme": by_scheme}, specs, microdata=units)
    assert not found["safe"].all()
    assert (
        found.loc[~found["safe"], "reason"] == "recovered exactly from the published cells"
    ).all()
    # Protected together, the same release is safe.
    release = protect({"by_unit": by_unit, "by_scheme": by_scheme}, specs, microdata=units)
    assert release.audit()["safe"].all()
    markers = release.markers["by_unit"]["n"]
    assert (markers == "<5").sum() == ((by_unit["n"] > 0) & (by_unit["n"] < 5)).sum()
    assert (markers == "x").sum() >= 1


def test_a_quantity_in_two_tables_gets_one_decision() -> None:
    units = _units(2)
    first = _grouped(units, ["jobcentre"])
    second = _grouped(units, ["jobcentre"]).iloc[::-1].reset_index(drop=True)
    specs = {
        "first": TableSpec(measures=["n"], by=["jobcentre"]),
        "second": TableSpec(measures=["n"], by=["jobcentre"]),
    }
    release = protect({"first": _with_total(first, "jobcentre"), "second": second}, specs)
    one = release.markers["first"].set_index(release.tables["first"]["jobcentre"])["n"]
    two = release.markers["second"].set_index(release.tables["second"]["jobcentre"])["n"]
    assert (one.loc[two.index] == two).all()
    assert (one == "<5").any()
    assert (one == "x").any()


def test_refusals_behind_a_rate_are_protected() -> None:
    rates = pd.DataFrame(
        {
            "scheme": ["aids", "assistance", "mentor"],
            "n": [53, 40, 12],
            "granted": [50, 30, 6],
            "rate": [50 / 53, 30 / 40, 0.5],
        }
    )
    spec = TableSpec(
        by=["scheme"],
        measures=[
            Measure(column="n", derived="rate"),
            Measure(column="granted", units="granted", derived="rate"),
            Measure(column=None, units="refused", derived="rate"),
        ],
    )
    # Alone, every shown number is 5 or more, yet the aids rate says that 3 were refused.
    release = protect({"rates": rates}, {"rates": spec})
    render = release.render("rates")
    aids = render[rates["scheme"] == "aids"].iloc[0]
    assert aids["rate"] == "x"
    assert "x" in (aids["n"], aids["granted"])
    assert "<5" not in set(render.to_numpy().ravel())  # nothing shown claims to be small
    assert release.audit()["safe"].all()


def test_open_cases_of_a_one_year_review_are_not_recovered() -> None:
    # 40 decided and 3 open cases in one year; grant rates publish the decided by scheme.
    units = pd.DataFrame(
        {
            "year": 2020,
            "scheme": ["aids"] * 25 + ["assistance"] * 18,
            "decided": [True] * 22 + [False] * 3 + [True] * 18,
        }
    ).assign(open=lambda f: ~f["decided"], all=True)
    times = pd.DataFrame({"year": [2020], "n": [43], "decided": [40], "open": [3]})
    grants = pd.DataFrame({"scheme": ["aids", "assistance"], "n": [22, 18]})
    specs = {
        "times": TableSpec(
            by=["year"],
            measures=[
                Measure(column="n", units="all"),
                Measure(column="decided", units="decided"),
                Measure(column="open", units="open"),
            ],
        ),
        "grants": TableSpec(by=["scheme"], measures=[Measure(column="n", units="decided")]),
    }
    tables = {"times": times, "grants": grants}
    # The old report hid the open cases and the decided ones in the processing-time table.
    old = times.astype({"decided": "float", "open": "float"})
    old.loc[0, ["decided", "open"]] = np.nan
    found = audit({"times": old, "grants": grants}, specs, microdata=units)
    assert not found.set_index("column").loc["open", "safe"]
    release = protect(tables, specs, microdata=units)
    assert release.audit()["safe"].all()
    assert release.render("times").loc[0, "open"] == "<5"


def test_a_small_staff_group_is_not_the_total_less_the_shown_groups() -> None:
    by_strategy = pd.DataFrame(
        {"strategy": ["proactive", "diffuse", "reactive"], "n": [40, 3, 27]}
    )
    overall = pd.DataFrame({"n": [70]})
    specs = {
        "by_strategy": TableSpec(by=["strategy"], measures=["n"]),
        "overall": TableSpec(measures=["n"]),
    }
    old = {"by_strategy": suppress(by_strategy, count_columns="n").table, "overall": overall}
    assert not audit(old, specs)["safe"].all()
    release = protect({"by_strategy": by_strategy, "overall": overall}, specs)
    assert release.audit()["safe"].all()
    assert list(release.render("by_strategy")["n"]) == ["40", "<5", "x"]


def test_the_small_marker_tells_the_attacker_one_to_four() -> None:
    shown = pd.DataFrame({"group": ["a", "b", "total"], "n": [np.nan, np.nan, 8.0]})
    spec = {"t": TableSpec(by=["group"], measures=["n"])}
    # 8 = a + b: without markers a can be anything from 0 to 8 ...
    assert audit({"t": shown}, spec)["safe"].all()
    # ... but two cells marked "<5" must both be 4: the attacker pins them.
    markers = pd.DataFrame({"group": ["", "", ""], "n": ["<5", "<5", ""]})
    found = audit({"t": shown}, spec, markers={"t": markers})
    assert not found["safe"].any()


def test_dominated_amounts_are_hidden_and_protected() -> None:
    rng = np.random.default_rng(3)
    units = pd.DataFrame(
        {
            "scheme": ["aids"] * 40 + ["assistance"] * 30 + ["mentor"] * 20,
            "amount": np.r_[
                rng.uniform(1e3, 2e3, 40),
                rng.uniform(1e4, 2e4, 30),
                np.full(18, 50.0),
                [4e5, 3e5],
            ],
        }
    )
    table = (
        units.groupby("scheme")
        .agg(n=("amount", "size"), amount=("amount", "sum"))
        .reset_index()
        .assign(total=lambda f: f["amount"].sum())
    )
    spec = TableSpec(
        by=["scheme"],
        measures=[
            Measure(column="n"),
            Measure(column="amount", amount="amount"),
            Measure(column="total", amount="amount", over="scheme"),
        ],
    )
    release = protect({"t": table}, {"t": spec}, microdata=units)
    shown = release.render("t").set_index(table["scheme"])
    # Two grants make up almost all of mentor support's amount (the (2, 85 %) rule).
    assert shown.loc["mentor", "amount"] == "x"
    assert (shown["amount"] == "x").sum() == 2  # and a second amount, or the total gives it
    assert shown.loc["mentor", "n"] == "20"
    assert release.audit()["safe"].all()
    loose = protect({"t": table}, {"t": spec}, microdata=units, dominance=(1, 0.9))
    assert (loose.render("t")["amount"] == "x").sum() == 0


def test_statistics_denmark_preset_threshold_3() -> None:
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [2, 3, 4, 30]})
    release = protect({"t": table}, {"t": TableSpec(by=["group"], measures=["n"])}, threshold=3)
    assert list(release.render("t")["n"]) == ["<3", "3", "4", "30"]
    assert default_min_width(3) == 1
    assert default_min_width(5) == 2


def test_wide_table_on_a_grid() -> None:
    wide = pd.DataFrame(
        {
            "scheme": ["aids", "assistance", "total"],
            "men": [30, 2, 32],
            "women": [25, 12, 37],
            "total": [55, 14, 69],
        }
    )
    release = protect({"wide": wide}, counts=["men", "women", "total"])
    shown = release.render("wide")
    assert shown.loc[1, "men"] == "<5"
    assert release.audit()["safe"].all()
    # The small cell is not the row total less the other column, nor the column total less
    # the other row.
    assert (shown[["men", "women", "total"]] == "x").sum().sum() >= 3


# --------------------------------------------------------------------------------------------
# Errors and contract
# --------------------------------------------------------------------------------------------


def test_bad_options_and_specs_are_library_errors() -> None:
    table = pd.DataFrame({"group": ["a", "b"], "n": [2, 30]})
    spec = {"t": TableSpec(by=["group"], measures=["n"])}
    with pytest.raises(JobhandicapError, match="at least 3") as info:
        protect({"t": table}, spec, threshold=2)
    assert isinstance(info.value, ValueError)
    with pytest.raises(JobhandicapError, match="dominance"):
        protect({"t": table}, spec, dominance=(3, 0.5))
    with pytest.raises(MissingColumnsError, match="persons"):
        protect({"t": table}, {"t": TableSpec(by=["group"], measures=["persons"])})
    with pytest.raises(JobhandicapError, match="one TableSpec per table"):
        protect({"t": table, "u": table}, spec)
    with pytest.raises(JobhandicapError, match="say which columns count"):
        protect({"t": table})
    units = pd.DataFrame({"group": ["a"] * 3 + ["b"] * 30})
    with pytest.raises(JobhandicapError, match="add up to 3") as mismatch:
        protect({"t": table}, spec, microdata=units)
    assert "row 0" in str(mismatch.value)


def test_a_total_of_one_cell_is_the_same_quantity() -> None:
    table = pd.DataFrame({"group": ["a", "total"], "n": [3, 3]})
    release = protect({"t": table}, {"t": TableSpec(by=["group"], measures=["n"])})
    assert list(release.render("t")["n"]) == ["<5", "<5"]
    assert release.audit()["safe"].all()


def test_inputs_are_not_modified_and_results_are_reproducible() -> None:
    units = _units(4)
    tables = {
        "by_unit": _grouped(units, ["jobcentre", "year"]),
        "by_scheme": _grouped(units, ["year", "scheme"]),
    }
    before = {k: v.copy() for k, v in tables.items()}
    specs = {
        "by_unit": TableSpec(measures=["n"], by=["jobcentre", "year"]),
        "by_scheme": TableSpec(measures=["n"], by=["year", "scheme"]),
    }
    first = protect(tables, specs, microdata=units)
    second = protect(tables, specs, microdata=units)
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], before[name])
        pd.testing.assert_frame_equal(first.markers[name], second.markers[name])
    assert isinstance(first, Release)
    assert 0 < first.hidden_share < 0.5
    assert check(first)["safe"].all()


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@st.composite
def unit_data(draw: st.DrawFn) -> pd.DataFrame:
    n_groups = draw(st.integers(2, 5))
    sizes = draw(st.lists(st.integers(1, 30), min_size=n_groups, max_size=n_groups))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    rows = []
    for g, size in enumerate(sizes):
        rows.append(
            pd.DataFrame(
                {
                    "unit": f"u{g}",
                    "year": rng.choice([2019, 2020, 2021], size),
                    "scheme": rng.choice(["aids", "assistance", "mentor"], size),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@settings(deadline=None, max_examples=examples(25))
@given(units=unit_data(), permute=st.booleans())
def test_protected_releases_pass_an_independent_attacker(
    units: pd.DataFrame, permute: bool
) -> None:
    keys = {"by_unit": ["unit", "year"], "by_scheme": ["year", "scheme"], "by_year": ["year"]}
    tables = {name: _grouped(units, k) for name, k in keys.items()}
    tables["by_year"] = _with_total(tables["by_year"], "year")
    if permute:
        tables = {
            k: v.sample(frac=1.0, random_state=1).reset_index(drop=True) for k, v in tables.items()
        }
    specs = {name: TableSpec(measures=["n"], by=k) for name, k in keys.items()}
    try:
        release = protect(tables, specs, microdata=units)
    except DisclosureError:
        # Only when a published total equals one small cell and nothing else can be hidden.
        return
    found = release.audit()
    assert found["safe"].all()
    for name, table in tables.items():
        small = ((table["n"] > 0) & (table["n"] < 5)).to_numpy()
        marks = release.markers[name]["n"].to_numpy()
        assert (marks[small] == "<5").all()
        assert (marks[~small] != "<5").all()
        assert release.tables[name]["n"][marks != ""].isna().all()
    hidden = {name: (release.markers[name]["n"] != "").to_numpy() for name in tables}
    ranges = _independent_ranges(units, tables, keys, hidden)
    for (name, row), (low, high) in ranges.items():
        truth = float(tables[name]["n"].iloc[row])
        assert low - 1e-6 <= truth <= high + 1e-6
        if 0 < truth < 5:
            assert high - low >= 1 - 1e-6, (name, row)  # never recovered exactly


@settings(deadline=None, max_examples=examples(25))
@given(units=unit_data())
def test_audit_ranges_hold_the_truth(units: pd.DataFrame) -> None:
    keys = {"by_unit": ["unit", "year"], "by_scheme": ["year", "scheme"]}
    tables = {name: _grouped(units, k) for name, k in keys.items()}
    specs = {name: TableSpec(measures=["n"], by=k) for name, k in keys.items()}
    shown = {name: t.assign(n=t["n"].where(t["n"] >= 5)) for name, t in tables.items()}
    found = audit(shown, specs, microdata=units)
    for _, row in found.iterrows():
        truth = float(tables[str(row["table"])]["n"].iloc[int(row["row"])])
        assert row["low"] - 1e-6 <= truth <= row["high"] + 1e-6


# --------------------------------------------------------------------------------------------
# The report: the leaks of the old table-by-table masks, and an independent attacker
# --------------------------------------------------------------------------------------------


def _case_specs() -> dict[str, TableSpec]:
    return {
        "rates_per_population": TableSpec(
            universe="cases",
            by=["jobcentre", "year"],
            measures=[Measure(column="count", units="granted")],
        ),
        "scheme_usage": TableSpec(
            universe="cases",
            by=["year", "scheme"],
            measures=[Measure(column="count", units="granted")],
        ),
    }


def test_the_old_masks_of_the_example_report_leak(example_tables: dict[str, Any]) -> None:
    from jobhandicap.report._units import case_units

    ex = example_tables["example"]
    rates = example_tables["rates_per_population"]
    usage = example_tables["scheme_usage"]
    # The old report suppressed each table alone: rates per population has no totals, so only
    # its small counts were blanked; scheme usage showed every year's grants.
    old = rates.assign(count=rates["count"].where((rates["count"] == 0) | (rates["count"] >= 5)))
    found = audit(
        {"rates_per_population": old, "scheme_usage": usage},
        _case_specs(),
        microdata={"cases": case_units(ex.cases, ex.extracted)},
    )
    leaked = found[~found["safe"]].merge(
        rates.reset_index(drop=True).reset_index(names="row")[["row", "jobcentre", "year"]],
        on="row",
    )
    recovered = set(zip(leaked["jobcentre"], leaked["year"], strict=True))
    assert {(482, 2019), (741, 2020)} <= recovered  # Langeland 2019 and Samsø 2020


@pytest.fixture(scope="module")
def example_tables() -> dict[str, Any]:
    ex = jh.load_example()
    counts = jh.count_cases(ex.cases)
    return {
        "example": ex,
        "rates_per_population": jh.rates_per_population(counts, ex.population),
        "scheme_usage": jh.scheme_usage(ex.cases, count="applications"),
    }


def test_nested_keys_on_a_grid_list_every_member() -> None:
    # Red-team finding: a table by region and jobcentre lists the jobcentres of each region;
    # a grid that also had (R1, J3) let the audit believe 50 - 47 was not the hidden 3.
    regions = pd.DataFrame({"region": ["R1", "R2"], "n": [50, 60]})
    units = pd.DataFrame(
        {
            "region": ["R1", "R1", "R2", "R2"],
            "jobcentre": ["J1", "J2", "J3", "J4"],
            "n": [47, 3, 30, 30],
        }
    )
    release = protect({"regions": regions, "units": units}, counts=["n"])
    assert list(release.render("units")["n"]) == ["x", "<5", "30", "30"]
    assert release.audit()["safe"].all()
    leaky = units.assign(n=units["n"].where(units["n"] >= 5))
    found = audit({"regions": regions, "units": leaky}, counts=["n"])
    assert not found["safe"].all()
