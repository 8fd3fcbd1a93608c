"""Share of published cells a report hides, on the example data and on one-jobcentre extracts.

Run: ``python benchmarks/suppression_share.py`` (about a minute). Prints the Markdown table of
docs/privacy.md: per input, the count and amount cells hidden (small counts ``<5`` and cells
hidden to protect them ``x``), and the share of all numeric cells of the published tables that
are hidden (derived cells — rates, shares, intervals — included).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import jobhandicap as jh
from jobhandicap.report import build_report


def _measure(data: dict[str, Any], extracted: Any) -> tuple[int, int, int, int, int, float]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = build_report({**data, "extracted": extracted}, folder)
        seconds = time.perf_counter() - start
        small = secondary = counts = numeric = hidden = 0
        for name, table in result.tables.items():
            shown = pd.read_csv(Path(folder) / "tables" / f"{name}.csv", dtype=str)
            for column in result.counts[name]:
                small += int((shown[column] == "<5").sum())
                secondary += int((shown[column] == "x").sum())
                counts += len(shown)
            numbers = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
            numbers = [c for c in numbers if not pd.api.types.is_bool_dtype(table[c])]
            numeric += len(shown) * len(numbers)
            hidden += int(shown[numbers].isin(["<5", "x"]).to_numpy().sum())
    return small, secondary, counts, hidden, numeric, seconds


def main() -> None:
    ex = jh.load_example()
    inputs: dict[str, dict[str, Any]] = {
        "example data, every section": {
            "cases": ex.cases,
            "staff": ex.staff,
            "profiles": ex.profiles,
            "population": ex.population,
            "outcomes": ex.outcomes,
            "people": ex.people,
        }
    }
    for code in (101, 330, 741):
        cases = ex.cases[ex.cases["jobcentre"] == code]
        name = jh.jobcentres().set_index("jobcentre")["jobcentre_name"].loc[code]
        label = str(name.iloc[0] if isinstance(name, pd.Series) else name)
        inputs[f"one jobcentre's cases: {label} ({len(cases):,} cases)"] = {"cases": cases}
    print("| input | count cells hidden | of which `<5` | all numeric cells hidden | time |")
    print("|---|---|---|---|---|")
    for label, data in inputs.items():
        small, secondary, counts, hidden, numeric, seconds = _measure(data, ex.extracted)
        print(
            f"| {label} | {(small + secondary) / counts:.1%} ({small + secondary} of {counts})"
            f" | {small} | {hidden / numeric:.1%} ({hidden} of {numeric}) | {seconds:.1f} s |"
        )


if __name__ == "__main__":
    main()
