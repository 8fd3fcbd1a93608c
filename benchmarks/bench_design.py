"""Benchmark: design-based ``top_box`` on a million weighted answer rows.

Builds a long survey frame of a sampled survey directly with numpy: 50,000 respondents × 20
items (10⁶ rows) in one wave, 10 strata of 50 clusters each (500 PSUs), a finite-population
size per stratum and unequal weights. Times ``top_box(survey, design=SurveyDesign(...))`` —
weighted top-2 shares per item with Taylor-linearised standard errors, design effects and logit
intervals — against a plain pandas implementation of the same estimator that loops over the
items and, per item, sums the linearised values per cluster and stratum with group-bys (R
``survey``'s documented approach: ``svyby(~top, ~item, design, svyciprop)`` is one
``svyrecvar`` per domain). The two must agree to 1e-9 before anything is timed.

Usage::

    python benchmarks/bench_design.py [--respondents N] [--items K] [--repeat R]

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
from scipy import stats as sps

from jobhandicap import SurveyDesign, top_box

STRATA = 10
CLUSTERS = 50


def make_survey(respondents: int, items: int, seed: int = 1) -> pd.DataFrame:
    """A long sampled-survey frame: one row per respondent and item, design columns repeated."""
    rng = np.random.default_rng(seed)
    stratum = np.arange(respondents) % STRATA
    cluster = rng.integers(0, CLUSTERS, size=respondents)
    weight = rng.uniform(5.0, 50.0, size=respondents)
    population = 10 * CLUSTERS * np.ones(respondents, dtype=np.int64)
    answers = rng.choice(
        [1, 2, 3, 4, 5, 9], size=(respondents, items), p=[0.1, 0.15, 0.25, 0.25, 0.2, 0.05]
    )
    missing = rng.random((respondents, items)) < 0.03
    return pd.DataFrame(
        {
            "respondent": np.repeat(np.arange(respondents), items),
            "wave": 2021,
            "item": pd.Categorical(np.tile([f"q{k:02d}" for k in range(items)], respondents)),
            "answer": pd.Series(answers.ravel(), dtype="Int64").mask(missing.ravel()),
            "stratum": np.repeat(stratum, items),
            "cluster": np.repeat(cluster, items),
            "clusters_in_stratum": np.repeat(population, items),
            "weight": np.repeat(weight, items),
        }
    )


def naive_top_box(survey: pd.DataFrame) -> pd.DataFrame:
    """The same estimator in plain pandas: per item, group-bys by cluster and stratum."""
    design = survey.drop_duplicates("respondent")
    psus = design.groupby("stratum")["cluster"].nunique()
    sizes = design.groupby("stratum")["clusters_in_stratum"].first()
    degrees = float((psus - 1).sum())
    rows = []
    for item, part in survey.groupby("item", observed=True):
        answered = part[part["answer"].notna()]
        top = (answered["answer"] >= 4) & (answered["answer"] <= 5)
        w = answered["weight"]
        total = w.sum()
        share = (w * top).sum() / total
        z = w * (top - share) / total
        per_cluster = z.groupby([answered["stratum"], answered["cluster"]]).sum()
        by_stratum = per_cluster.groupby(level=0)
        sums, squares = by_stratum.sum(), (per_cluster**2).groupby(level=0).sum()
        n_h = psus.loc[sums.index]
        factor = (1 - n_h / sizes.loc[sums.index]) * n_h / (n_h - 1)
        variance = float((factor * (squares - sums**2 / n_h)).sum())
        se = np.sqrt(variance)
        quantile = sps.t.ppf(0.975, degrees)
        logit, half = np.log(share / (1 - share)), quantile * se / (share * (1 - share))
        rows.append(
            {
                "item": item,
                "share": share,
                "se": se,
                "ci_low": 1 / (1 + np.exp(-(logit - half))),
                "ci_high": 1 / (1 + np.exp(-(logit + half))),
            }
        )
    return pd.DataFrame(rows)


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
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repeat = max(args.repeat, 5)

    start = time.perf_counter()
    survey = make_survey(args.respondents, args.items)
    print(f"built {len(survey):,} rows in {time.perf_counter() - start:.2f} s")
    design = SurveyDesign(
        weights="weight", strata="stratum", clusters="cluster", fpc="clusters_in_stratum"
    )

    def fast() -> pd.DataFrame:
        return top_box(survey, by="item", design=design)

    mine, plain = fast(), naive_top_box(survey)
    for column in ("share", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(mine[column], plain[column], rtol=0, atol=1e-9)
    print("same answer: share, se and logit interval per item agree to 1e-9")

    ours = timed(fast, repeat)
    theirs = timed(lambda: naive_top_box(survey), repeat)
    print(f"median of {repeat} runs, {len(survey):,} rows, {args.items} items")
    print(f"  {'top_box(design=…) by item':<44} {ours * 1000:8.1f} ms")
    print(f"  {'pandas: group-bys per item (same estimator)':<44} {theirs * 1000:8.1f} ms")
    print(f"  ratio (pandas / jobhandicap): {theirs / ours:.2f}×")
    verdict = "meets" if ours < 1.0 else "misses"
    print(f"goal (< 1 s at 10⁶ rows): {verdict}")


if __name__ == "__main__":
    main()
