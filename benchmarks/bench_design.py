"""Benchmark: design-based ``top_box`` on a million weighted answer rows.

Builds a long survey frame of a sampled survey directly with numpy: 50,000 respondents × 20
items (10⁶ rows) in one wave, 10 strata of 50 clusters each (500 PSUs), a finite-population
size per stratum and unequal weights. Times ``top_box(survey, design=SurveyDesign(...))`` —
weighted top-2 shares per item with Taylor-linearised standard errors, design effects and logit
intervals — against a plain pandas implementation of the same estimator that loops over the
items and, per item, sums the linearised values per cluster and stratum with group-bys (R
``survey``'s documented approach: ``svyby(~top, ~item, design, svyciprop)`` is one
``svyrecvar`` per domain). The two must agree to 1e-9 before anything is timed.

When ``Rscript`` and the R package ``survey`` are installed, R itself is a second peer: the
frame is written once to a temporary CSV file, R reads it, builds
``svydesign(ids=~cluster, strata=~stratum, weights=~weight, fpc=~clusters_in_stratum,
nest=TRUE)`` and runs ``svyby(~top, ~item, design, svymean, na.rm=TRUE)``; only that
``svyby`` call is timed (``system.time`` inside R, median of the same number of runs after
one warm-up run), not the CSV read or ``svydesign``. R's shares and standard errors must agree
with jobhandicap's to 1e-9 relative. Without ``Rscript`` (or ``--no-r``) the R peer is skipped
with a note.

Usage::

    python benchmarks/bench_design.py [--respondents N] [--items K] [--repeat R] [--no-r]

Each timing is the median of ``R`` (at least 5) runs after one warm-up run; on a shared machine
the figures are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
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


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
repeat_ <- as.integer(args[3])
suppressPackageStartupMessages(library(survey))
data <- read.csv(args[1], colClasses = c(item = "character", top = "numeric",
  stratum = "integer", cluster = "integer", clusters_in_stratum = "numeric",
  weight = "numeric"))
design <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight,
  fpc = ~clusters_in_stratum, data = data, nest = TRUE)
estimate <- function() svyby(~top, ~item, design, svymean, na.rm = TRUE)
result <- estimate()  # warm-up
times <- vapply(seq_len(repeat_), function(i) system.time(estimate())[["elapsed"]], 0)
writeLines(c(sprintf("%.6f", median(times)), R.version$version.string,
  as.character(packageVersion("survey"))), args[4])
write.csv(data.frame(item = result$item, share = sprintf("%.17g", result$top),
  se = sprintf("%.17g", SE(result))), args[2], row.names = FALSE)
"""


def r_top_box(survey: pd.DataFrame, repeat: int) -> tuple[pd.DataFrame, float, str] | None:
    """R ``survey``'s ``svyby(~top, ~item, design, svymean)``: result, median seconds, versions.

    ``None`` (with a note) when ``Rscript`` is not installed.
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("R peer skipped: Rscript is not installed")
        return None
    answer = survey["answer"]
    top = ((answer >= 4) & (answer <= 5)).astype("Float64").mask(answer.isna())
    frame = pd.DataFrame(
        {
            "item": survey["item"].astype(str),
            "top": top,
            "stratum": survey["stratum"],
            "cluster": survey["cluster"],
            "clusters_in_stratum": survey["clusters_in_stratum"],
            "weight": survey["weight"],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        data, out, timing, script = (
            os.path.join(folder, name) for name in ("data.csv", "out.csv", "time.txt", "peer.R")
        )
        frame.to_csv(data, index=False, na_rep="NA")
        with open(script, "w") as handle:
            handle.write(R_SCRIPT)
        subprocess.run([rscript, script, data, out, str(repeat), timing], check=True)
        result = pd.read_csv(out)
        with open(timing) as handle:
            seconds, r_version, survey_version = handle.read().splitlines()
    return result, float(seconds), f"{r_version}, survey {survey_version}"


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
    parser.add_argument("--no-r", action="store_true", help="skip the R peer")
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
    peer = None if args.no_r else r_top_box(survey, repeat)
    if peer is not None:
        r_result = peer[0].set_index("item").loc[mine["item"].astype(str)]
        for column in ("share", "se"):
            np.testing.assert_allclose(mine[column], r_result[column], rtol=1e-9, atol=0)
        print(f"same answer as R ({peer[2]}): share and se per item agree to 1e-9 relative")

    print(f"median of {repeat} runs, {len(survey):,} rows, {args.items} items")
    print(f"  {'top_box(design=…) by item':<44} {ours * 1000:8.1f} ms")
    print(f"  {'pandas: group-bys per item (same estimator)':<44} {theirs * 1000:8.1f} ms")
    if peer is not None:
        label = "R survey: svyby(~top, ~item, svymean)"
        print(f"  {label:<44} {peer[1] * 1000:8.1f} ms")
    print(f"  ratio (pandas / jobhandicap): {theirs / ours:.2f}×")
    if peer is not None:
        print(f"  ratio (R / jobhandicap):      {peer[1] / ours:.2f}×")
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)")
    verdict = "meets" if ours < 1.0 else "misses"
    print(f"goal (< 1 s at 10⁶ rows): {verdict}")


if __name__ == "__main__":
    main()
