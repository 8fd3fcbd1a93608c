"""Benchmark: the usage indicators on a canonical cases frame of a million applications.

Builds a canonical cases frame directly with numpy (no models, no validation): real municipality
codes with their jobcentres, all schemes and target groups as categoricals, application dates
2018–2022 (so Ishøj's move out of the joint jobcentre of Vallensbæk in 2022 is crossed), decisions
and amounts. Then times each usage indicator — :func:`scheme_usage`,
:func:`expenditure_shares`, :func:`count_cases` + :func:`rates_per_population`,
:func:`target_group_coverage` — and all of them together. The goal: all of them under 1 s
together at one million cases.

Usage::

    python benchmarks/bench_usage.py [--n N] [--repeat R]

Each timing is the median of ``R`` (at least 5) runs after one warm-up run; on a shared machine
the figures are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from jobhandicap.domain import CompensationScheme, Decision, TargetGroup
from jobhandicap.reference import jobcentre_codes, municipalities
from jobhandicap.usage import (
    count_cases,
    expenditure_shares,
    rates_per_population,
    scheme_usage,
    target_group_coverage,
)

YEARS = (2018, 2019, 2020, 2021, 2022)


def make_cases(n: int, seed: int = 1) -> pd.DataFrame:
    """A canonical cases frame of ``n`` applications, built column-wise with numpy."""
    rng = np.random.default_rng(seed)
    codes = municipalities()["code"].to_numpy(dtype=np.int64)
    municipality = rng.choice(codes, size=n)
    start = np.datetime64(f"{YEARS[0]}-01-01", "D")
    span = int((np.datetime64(f"{YEARS[-1] + 1}-01-01", "D") - start) // np.timedelta64(1, "D"))
    applied = (start + rng.integers(0, span, size=n)).astype("datetime64[ns]")
    decided = applied + rng.integers(1, 120, size=n).astype("timedelta64[D]")
    status = rng.choice(4, size=n, p=[0.80, 0.10, 0.07, 0.03])  # granted/refused/withdrawn/open
    decided = np.where(status == 3, np.datetime64("NaT"), decided).astype("datetime64[ns]")
    decisions = pd.CategoricalDtype([d.value for d in Decision])
    decision = pd.Categorical.from_codes(np.where(status == 3, -1, status), dtype=decisions)
    schemes = pd.CategoricalDtype([s.value for s in CompensationScheme])
    scheme_code = rng.choice(
        len(schemes.categories), size=n, p=[0.2, 0.03, 0.6, 0.05, 0.02, 0.02, 0.08]
    )
    groups = pd.CategoricalDtype([g.value for g in TargetGroup])
    amount = rng.gamma(2.0, 20_000.0, size=n)
    amount = np.where((status == 0) & (rng.random(n) > 0.01), amount, np.nan)
    return pd.DataFrame(
        {
            "case_id": pd.array(np.char.add("C", np.arange(n).astype(str)), dtype="string"),
            "municipality": municipality,
            "jobcentre": jobcentre_codes(municipality, applied),
            "scheme": pd.Categorical.from_codes(scheme_code, dtype=schemes),
            "target_group": pd.Categorical.from_codes(
                rng.integers(0, len(groups.categories), size=n), dtype=groups
            ),
            "applied": applied,
            "decided": decided,
            "decision": decision,
            "amount_dkk": amount,
        }
    )


def make_population(seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = municipalities()["code"].to_numpy(dtype=np.int64)
    grid = pd.MultiIndex.from_product([codes, YEARS], names=["municipality", "year"])
    frame = grid.to_frame(index=False)
    return frame.assign(population=rng.integers(1_000, 400_000, size=len(frame)))


def timed(function: Callable[[], Any], repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    repeat = max(args.repeat, 5)

    start = time.perf_counter()
    cases = make_cases(args.n)
    population = make_population()
    print(f"built {len(cases):,} cases in {time.perf_counter() - start:.2f} s")

    def rates() -> pd.DataFrame:
        return rates_per_population(count_cases(cases, unit="jobcentre"), population)

    contenders: dict[str, Callable[[], Any]] = {
        "scheme_usage (year, scheme)": lambda: scheme_usage(cases),
        "expenditure_shares (year)": lambda: expenditure_shares(cases, by="year"),
        "count_cases + rates_per_population": rates,
        "target_group_coverage (jobcentre, year)": lambda: target_group_coverage(cases),
    }

    def everything() -> None:
        for function in contenders.values():
            function()

    def naive_usage() -> pd.DataFrame:
        granted = cases[cases["decision"] == "granted"]
        return (
            granted.assign(year=granted["applied"].dt.year)
            .groupby(["year", "scheme"], observed=True)
            .agg(cases=("case_id", "size"), jobcentres=("jobcentre", "nunique"))
            .reset_index()
        )

    def joined(values: pd.Series[Any]) -> str:
        return "; ".join(sorted(set(values.astype(str))))

    def naive_coverage() -> pd.DataFrame:
        granted = cases[cases["decision"] == "granted"]
        return (
            granted.assign(year=granted["applied"].dt.year)
            .groupby(["jobcentre", "year", "scheme"], observed=True)["target_group"]
            .agg(["nunique", joined])
            .reset_index()
        )

    # The fast reductions must agree with plain pandas.
    fast = scheme_usage(cases)
    slow = naive_usage()
    assert fast["count"].tolist() == slow["cases"].tolist()
    assert fast["jobcentres"].tolist() == slow["jobcentres"].tolist()
    covered = target_group_coverage(cases)
    assert covered["which"].tolist() == naive_coverage().iloc[:, -1].tolist()

    results = {name: timed(function, repeat) for name, function in contenders.items()}
    results["all usage indicators together"] = timed(everything, repeat)
    references = {
        "pandas groupby: cases + nunique by year, scheme": timed(naive_usage, repeat),
        "pandas groupby: nunique + join per group": timed(naive_coverage, repeat),
    }
    print(f"median of {repeat} runs, {len(cases):,} cases")
    for name, seconds in results.items():
        print(f"  {name:<48} {seconds * 1000:8.1f} ms")
    print("for reference, the same reductions written plainly in pandas:")
    for name, seconds in references.items():
        print(f"  {name:<48} {seconds * 1000:8.1f} ms")
    verdict = "meets" if results["all usage indicators together"] < 1.0 else "misses"
    print(f"goal (< 1 s together): {verdict}")


if __name__ == "__main__":
    main()
