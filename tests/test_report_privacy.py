"""The report's release under attack: an attacker written apart from the library.

The attacker reads the published CSV files of a report, knows how each case table counts the
cases (application year, scheme, jobcentre, target group, decision, whether decided by the
extraction date), and solves the linear system of everything published — every count, every
total behind a share, the target groups a list names — for the range of every hidden count.
Nothing a report publishes may let it recover a small count exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import jobhandicap as jh
from _examples import examples
from jobhandicap.report import build_report

HIDDEN = ("<5", "x")
TIMESTAMP = dt.datetime(2021, 2, 1, 12, 0, tzinfo=dt.UTC)


def _atoms(cases: pd.DataFrame, extracted: dt.date) -> pd.DataFrame:
    """Cases counted by everything any case table distinguishes."""
    decided = pd.to_datetime(cases["decided"])
    closed = decided.notna() & (decided <= pd.Timestamp(extracted))
    keys = pd.DataFrame(
        {
            "year": pd.to_datetime(cases["applied"]).dt.year.to_numpy(),
            "scheme": cases["scheme"].astype(str).to_numpy(),
            "jobcentre": cases["jobcentre"].astype(int).to_numpy(),
            "target_group": cases["target_group"].astype(str).to_numpy(),
            "decision": np.where(
                (cases["decision"].astype(object) == "withdrawn").to_numpy()
                & (decided > pd.Timestamp(extracted)).to_numpy(),
                "withdrawn late",  # open at the extraction date
                cases["decision"].astype(object).fillna("open").to_numpy(),
            ),
            "closed": closed.to_numpy(),
            "amount": cases["amount_dkk"].notna().to_numpy(),
        }
    )
    return keys.groupby(list(keys.columns)).size().rename("count").reset_index()


class _Attacker:
    """Collects what a report publishes about the cases, then bounds each hidden count."""

    def __init__(self, atoms: pd.DataFrame) -> None:
        self.atoms = atoms
        self.equal: list[tuple[np.ndarray, float]] = []
        self.bounds: list[tuple[np.ndarray, float, float]] = []
        self.hidden: list[tuple[str, int, str, np.ndarray, str, float]] = []
        # The same few conditions recur in thousands of cells: each mask is computed once.
        self._masks: dict[tuple[str, tuple[Any, ...]], np.ndarray] = {}
        self._counts = atoms["count"].to_numpy(dtype=float)

    def select(self, **conditions: Any) -> np.ndarray:
        chosen = np.ones(len(self.atoms), dtype=bool)
        for column, value in conditions.items():
            values = value if isinstance(value, tuple) else (value,)
            mask = self._masks.get((column, values))
            if mask is None:
                mask = self._masks[column, values] = self.atoms[column].isin(values).to_numpy()
            chosen &= mask
        return chosen

    def cell(self, table: str, row: int, column: str, text: str, chosen: np.ndarray) -> None:
        truth = float(self._counts[chosen].sum())
        if text in HIDDEN:
            self.hidden.append((table, row, column, chosen, text, truth))
            if text == "<5":
                self.bounds.append((chosen, 1.0, 4.0))
        elif text != "":
            assert float(text) == truth, (table, row, column, text, truth)
            self.equal.append((chosen, truth))

    def ranges(self) -> list[tuple[str, int, str, str, float, float, float]]:
        from scipy import sparse

        a_eq = (
            sparse.csr_matrix(np.array([c for c, _ in self.equal], dtype=float))
            if self.equal
            else None
        )
        b_eq = np.array([v for _, v in self.equal]) if self.equal else None
        rows = [c.astype(float) for c, _, h in self.bounds if np.isfinite(h)]
        rows += [-c.astype(float) for c, lo, _ in self.bounds if lo > 0]
        limits = [h for _, _, h in self.bounds if np.isfinite(h)]
        limits += [-lo for _, lo, _ in self.bounds if lo > 0]
        a_ub = sparse.csr_matrix(np.vstack(rows)) if rows else None
        b_ub = np.array(limits) if rows else None
        out = []
        solved: dict[bytes, tuple[float, float]] = {}  # cells of several tables count alike
        for table, row, column, chosen, text, truth in self.hidden:
            key = chosen.tobytes()
            if key not in solved:
                c = chosen.astype(float)
                solve: Any = linprog
                low = solve(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
                high = solve(-c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
                assert low.status == 0, (table, row, column)
                solved[key] = (float(low.fun), -high.fun if high.status == 0 else np.inf)
            bottom, top = solved[key]
            out.append((table, row, column, text, truth, bottom, float(top)))
        return out


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / "tables" / f"{name}.csv"
    return (
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if path.exists()
        else pd.DataFrame()
    )


def attack(folder: Path, cases: pd.DataFrame, extracted: dt.date) -> list[tuple[Any, ...]]:
    """Every hidden count of the report's case tables, with the attacker's range."""
    attacker = _Attacker(_atoms(cases, extracted))
    live = ("granted", "refused", "open", "withdrawn late")
    for i, row in enumerate(_read(folder, "processing_time").to_dict("records")):
        year = int(row["year"])
        sel = attacker.select
        attacker.cell("processing_time", int(i), "n", row["n"], sel(year=year, decision=live))
        attacker.cell(
            "processing_time", int(i), "decided", row["decided"],
            sel(year=year, decision=live, closed=True),
        )  # fmt: skip
        attacker.cell(
            "processing_time", int(i), "open", row["open"],
            sel(year=year, decision=live, closed=False),
        )  # fmt: skip
        attacker.cell(
            "processing_time", int(i), "withdrawn", row["withdrawn"],
            sel(year=year, decision="withdrawn"),
        )  # fmt: skip
    for i, row in enumerate(_read(folder, "grant_rate").to_dict("records")):
        scheme = row["scheme"]
        n = attacker.select(scheme=scheme, decision=("granted", "refused"))
        granted = attacker.select(scheme=scheme, decision="granted")
        attacker.cell("grant_rate", int(i), "n", row["n"], n)
        attacker.cell("grant_rate", int(i), "granted", row["granted"], granted)
    usage = _read(folder, "scheme_usage")
    for i, row in enumerate(usage.to_dict("records")):
        chosen = attacker.select(year=int(row["year"]), scheme=row["scheme"], decision="granted")
        attacker.cell("scheme_usage", int(i), "cases", row["cases"], chosen)
        if row["share"] not in HIDDEN and row["cases"] not in HIDDEN and float(row["share"]) > 0:
            # The share is rounded (to the decimals it is written with): the year's total is
            # known to lie between cases / (share + half a unit) and cases / (share - half).
            share, count = float(row["share"]), float(row["cases"])
            half = 0.5 * 10.0 ** -len(row["share"].partition(".")[2])
            low = np.ceil(count / (share + half) - 1e-9)
            high = np.floor(count / (share - half) + 1e-9) if share > half else np.inf
            in_year = attacker.select(year=int(row["year"]), decision="granted")
            attacker.bounds.append((in_year, float(low), float(high)))
    for i, row in enumerate(_read(folder, "expenditure_shares").to_dict("records")):
        scheme = row["scheme"]
        granted = attacker.select(scheme=scheme, decision="granted")
        attacker.cell("expenditure_shares", int(i), "cases", row["cases"], granted)
        known = attacker.select(scheme=scheme, decision="granted", amount=True)
        attacker.cell(
            "expenditure_shares", int(i), "cases_with_amount", row["cases_with_amount"], known
        )
    for name, column in (("rates_per_population", "count"), ("target_group_coverage", "cases")):
        for i, row in enumerate(_read(folder, name).to_dict("records")):
            chosen = attacker.select(
                jobcentre=int(row["jobcentre"]), year=int(row["year"]), decision="granted"
            )
            attacker.cell(name, int(i), column, row[column], chosen)
            if name == "target_group_coverage" and row["which"] not in HIDDEN:
                listed = set(row["which"].split("; ")) if row["which"] else set()
                for group in set(attacker.atoms["target_group"]):
                    cell = chosen & attacker.select(target_group=group)
                    if group in listed:
                        attacker.bounds.append((cell, 1.0, np.inf))
                    else:
                        attacker.equal.append((cell, 0.0))
    return attacker.ranges()


def assert_nothing_recovered(folder: Path, cases: pd.DataFrame, extracted: dt.date) -> int:
    results = attack(folder, cases, extracted)
    for table, row, column, text, truth, low, high in results:
        assert low - 1e-6 <= truth <= high + 1e-6, (table, row, column)
        if 0 < truth < 5:
            assert text == "<5", (table, row, column, text)
            assert high - low >= 1 - 1e-6, (table, row, column, low, high)
        else:
            assert text == "x", (table, row, column, text)
    return len(results)


# --------------------------------------------------------------------------------------------
# The example data and crafted extracts
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> jh.ExampleData:
    return jh.load_example()


@pytest.fixture(scope="module")
def example_report(
    example: jh.ExampleData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, Path]:
    folder = tmp_path_factory.mktemp("example")
    inputs = {"cases": example.cases, "population": example.population}
    return build_report({**inputs, "extracted": example.extracted}, folder), folder


@pytest.mark.slow
def test_the_example_report_gives_nothing_away(
    example: jh.ExampleData, example_report: tuple[Any, Path]
) -> None:
    _, folder = example_report
    hidden = assert_nothing_recovered(folder, example.cases, example.extracted)
    assert hidden >= 6
    rates = _read(folder, "rates_per_population")
    langeland = rates[(rates["jobcentre"] == "482") & (rates["year"] == "2019")].iloc[0]
    assert langeland["count"] == "<5"
    assert langeland["rate"] == "x"


def _extract(example: jh.ExampleData, **where: Any) -> pd.DataFrame:
    cases = example.cases
    chosen = np.ones(len(cases), dtype=bool)
    for column, values in where.items():
        if column == "year":
            chosen &= cases["applied"].dt.year.isin(values).to_numpy()
        else:
            chosen &= cases[column].isin(values).to_numpy()
    return cases[chosen].reset_index(drop=True)


CRAFTED: dict[str, dict[str, Any]] = {
    "one small jobcentre": {"jobcentre": [741]},
    "one mid-sized jobcentre": {"jobcentre": [330]},
    "one year of four small jobcentres": {"jobcentre": [492, 482, 741, 163], "year": [2020]},
    "small schemes only": {"scheme": ["icebreaker scheme", "mentor support", "special expenses"]},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_extracts_give_nothing_away(
    name: str, example: jh.ExampleData, tmp_path: Path
) -> None:
    where: dict[str, Any] = CRAFTED[name]
    cases = _extract(example, **where)
    build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    assert_nothing_recovered(tmp_path, cases, example.extracted)


def test_a_one_jobcentre_report_keeps_what_is_safe(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    cases = _extract(example, jobcentre=[330])
    result = build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    times = result.tables["processing_time"]
    assert times["median_days"].notna().all()  # not emptied: every year has 100+ cases
    rates = result.tables["grant_rate"]
    big = rates["n"].fillna(0) >= 50
    assert rates.loc[big, "rate"].notna().all()
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 2


def test_five_grants_in_five_groups_hide_the_list(example: jh.ExampleData, tmp_path: Path) -> None:
    cases = _extract(example, jobcentre=[330], year=[2020])
    granted = cases[cases["decision"] == "granted"]
    groups = granted["target_group"].drop_duplicates().head(5)
    five = pd.concat(
        [granted[granted["target_group"] == g].head(1) for g in groups], ignore_index=True
    ).assign(jobcentre=741, municipality=741, case_id=[f"crafted-{i}" for i in range(5)])
    result = build_report(
        {"cases": pd.concat([cases, five], ignore_index=True), "extracted": example.extracted},
        tmp_path,
    )
    coverage = _read(tmp_path, "target_group_coverage")
    row = coverage[coverage["jobcentre"] == "741"].iloc[0]
    assert row["cases"] == "5"
    assert row["which"] == "x"
    assert row["target_groups"] == "x"
    big = coverage[coverage["jobcentre"] == "330"].iloc[0]
    assert big["which"] not in HIDDEN
    assert result.tables["target_group_coverage"]["which"].isna().sum() == 1


def test_markers_never_state_false_things(example: jh.ExampleData, tmp_path: Path) -> None:
    # 53 decided aids cases of which 3 refused: the rate tells the refusals.
    base = _extract(example, jobcentre=[330], year=[2020], scheme=["aids"])
    decided = base[base["decision"].isin(["granted", "refused"])]
    granted = decided[decided["decision"] == "granted"].head(50)
    refused = decided[decided["decision"] == "refused"].head(3)
    assert len(refused) == 3
    cases = pd.concat([granted, refused], ignore_index=True)
    build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    rate = _read(tmp_path, "grant_rate").iloc[0]
    assert rate["rate"] == "x"
    assert "x" in (rate["n"], rate["granted"])
    assert "<5" not in (rate["n"], rate["granted"], rate["rate"])
    times = _read(tmp_path, "processing_time").iloc[0]
    assert times["median_days"] not in HIDDEN  # a median of 53 cases is not a small count


# --------------------------------------------------------------------------------------------
# Random case data
# --------------------------------------------------------------------------------------------


@st.composite
def case_data(draw: st.DrawFn) -> pd.DataFrame:
    example = jh.load_example()
    jobcentres = draw(
        st.lists(
            st.sampled_from([101, 330, 482, 741, 163, 492]), min_size=1, max_size=3, unique=True
        )
    )
    years = draw(
        st.lists(st.sampled_from([2018, 2019, 2020]), min_size=1, max_size=3, unique=True)
    )
    share = draw(st.sampled_from([0.02, 0.1, 0.5]))
    seed = draw(st.integers(0, 1000))
    cases = _extract(example, jobcentre=jobcentres, year=years)
    return cases.sample(frac=share, random_state=seed).reset_index(drop=True)


@pytest.mark.slow
@settings(deadline=None, max_examples=examples(8))
@given(cases=case_data())
def test_random_case_data_give_reports_that_pass_the_audit(cases: pd.DataFrame) -> None:
    import tempfile

    extracted = dt.date(2021, 1, 31)
    if cases.empty:
        return
    with tempfile.TemporaryDirectory() as folder:
        build_report({"cases": cases, "extracted": extracted}, folder, timestamp=TIMESTAMP)
        assert_nothing_recovered(Path(folder), cases, extracted)


@pytest.mark.slow
def test_one_count_in_three_tables_gets_one_decision(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    # The grants of a scheme are shown in grant_rate, expenditure_shares and (summed over the
    # years) scheme_usage; the old report masked each table on its own.
    cases = _extract(example, jobcentre=[330, 741])
    build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    rates = _read(tmp_path, "grant_rate").set_index("scheme")["granted"]
    spending = _read(tmp_path, "expenditure_shares").set_index("scheme")["cases"]
    both = rates.index.intersection(spending.index)
    assert (rates.loc[both].isin(HIDDEN) == spending.loc[both].isin(HIDDEN)).all()
    assert rates.loc[both].isin(HIDDEN).any()
    assert_nothing_recovered(tmp_path, cases, example.extracted)


# --------------------------------------------------------------------------------------------
# Red-team findings (each recovered an exact small count from a report before it was fixed)
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pooled_statistics_do_not_depend_on_a_hidden_count(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    # Overdispersed funnel limits, phi and the empirical-Bayes prior pooled every jobcentre,
    # the hidden ones too: Samsø's 4 job entries were worked back from the limits.
    year = int(example.outcomes["year"].max())
    outcomes = example.outcomes[example.outcomes["year"] == year].reset_index(drop=True)
    samso = outcomes["jobcentre"] == 741
    assert int(outcomes.loc[samso, "persons"].iloc[0]) < 50
    pages = []
    for entered in (1, 4):
        changed = outcomes.assign(entered_job=outcomes["entered_job"].where(~samso, entered))
        folder = tmp_path / str(entered)
        build_report(
            {"outcomes": changed, "profiles": example.profiles}, folder, timestamp=TIMESTAMP
        )
        pages.append(folder)
    for name in ("funnel", "best_practice"):
        first = (pages[0] / "tables" / f"{name}.csv").read_bytes()
        assert first == (pages[1] / "tables" / f"{name}.csv").read_bytes(), name
    # The page is the same but for the inputs' SHA-256 in its provenance table.
    html = [
        re.sub(r"[0-9a-f]{64}", "", (p / "index.html").read_text(encoding="utf-8")) for p in pages
    ]
    assert html[0] == html[1]


def test_employed_behind_a_rate_are_protected(example: jh.ExampleData, tmp_path: Path) -> None:
    people = example.people.assign(weight=1.0)
    severe = people["gali"].astype(str).str.startswith("severely") & people["age"].between(20, 64)
    employed = people["employed"].fillna(False).astype(bool)
    people = people.drop(index=people.index[severe & employed][3:])
    build_report({"people": people}, tmp_path)
    gap = _read(tmp_path, "employment_gap").set_index("severity")
    assert gap.loc["severe", "rate_disabled"] == "x"  # rate x n would be the 3 employed
    assert gap.loc["some or severe", "n_disabled"] not in HIDDEN


@pytest.mark.slow
def test_grants_without_an_amount_are_protected(example: jh.ExampleData, tmp_path: Path) -> None:
    build_report({"cases": example.cases, "extracted": example.extracted}, tmp_path)
    for row in _read(tmp_path, "expenditure_shares").to_dict("records"):
        if row["cases"] not in HIDDEN and row["cases_with_amount"] not in HIDDEN:
            rest = int(row["cases"]) - int(row["cases_with_amount"])
            assert rest == 0 or rest >= 5, row


def test_the_processing_time_figure_shows_only_the_tables_quartiles(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    cases = _extract(example, jobcentre=[330])
    build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    figure = re.findall(r"<svg.*?</svg>", html, flags=re.S)[0]
    # Each year's curve has four levels (100, 75, 50, 25 % not decided), not a step a day.
    paths = re.findall(r'<path d="([^"]+)"[^>]*stroke-width: 1.6', figure)
    assert paths
    for path in paths:
        assert len(re.findall(r"[ML]", path)) <= 2 * 4 + 2
