"""Benchmark: ``item_association`` for every pair of 30 items on 100,000 respondents.

Builds a canonical long survey frame directly with numpy (one wave, 30 Likert items, answers
driven by one latent trait so that the items are associated, 3 % "don't know" and 2 % no
answer): 3 million rows. Then times :func:`jobhandicap.survey.reduce_answer_pairs` (the
reduction: 435 item pairs × up to 36 answer pairs) and :func:`jobhandicap.item_association`
on the same frame (reduction and every test on the 435 tables). The goal: the whole analysis
in a few seconds, no Python loop over respondents. With ``exact="auto"`` (the default) no
table of 100,000 respondents needs an exact test; ``--exact always`` times the Monte Carlo
tests as well.

When ``Rscript`` is installed, R is the peer, with its documented approach looped over the
pairs in R: the answers are written once to a temporary CSV file (one row per respondent, one
column per item; R sets "don't know" to ``NA``), and R times, with ``system.time`` and not
counting the read, ``chisq.test(table(x, y))`` for every pair at full size — its X² must
agree with jobhandicap's ``chi2`` to 1e-9 relative — and ``cor(x, y, method = "kendall",
use = "complete.obs")`` (Kendall's τ_b). R's Kendall correlation counts the concordant pairs of
respondents, O(n²) per item pair (about 8.5 s for one pair of 20,000 respondents, so about
3 minutes per pair at 95,000), so it runs on a subset: the first ``--r-kendall-items`` items
(10: 45 pairs) of the first ``--r-kendall-respondents`` respondents (10,000), timed against
``item_association`` on the same subset; τ_b must agree to 1e-9. Each R loop runs once.
Without ``Rscript`` (or with ``--no-r``) the R peer is skipped with a note.

Usage::

    python benchmarks/bench_crosstab.py [--respondents N] [--items K] [--repeat R] [--no-r]

Each timing is the median of ``R`` (at least 1) runs after one warm-up run, wall-clock and
CPU time of the process; on a shared machine the wall-clock figures are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from jobhandicap import item_association
from jobhandicap.survey import reduce_answer_pairs


def make_survey(respondents: int, items: int, seed: int = 1) -> pd.DataFrame:
    """A canonical long survey frame: ``respondents`` × ``items`` rows of one wave."""
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal(respondents)
    latent = 0.6 * trait[:, None] + 0.8 * rng.standard_normal((respondents, items))
    answer = np.digitize(latent, [-1.2, -0.4, 0.4, 1.2]) + 1
    draw = rng.random((respondents, items))
    answer = np.where(draw < 0.03, 9, answer).astype(np.float64)
    answer[draw > 0.98] = np.nan
    names = np.array([f"item_{k:02d}" for k in range(items)])
    return pd.DataFrame(
        {
            "respondent": pd.array(
                np.repeat(np.char.add("r", np.arange(respondents).astype(str)), items),
                dtype="string",
            ),
            "wave": np.full(respondents * items, 2024, dtype=np.int64),
            "item": pd.array(np.tile(names, respondents), dtype="string"),
            "answer": pd.array(answer.reshape(-1), dtype="Int64"),
        }
    )


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
data[data == 9] <- NA
pairs <- combn(names(data), 2)
chi2 <- numeric(ncol(pairs))
chi2_time <- system.time(for (j in seq_len(ncol(pairs))) {
  chi2[j] <- chisq.test(table(data[[pairs[1, j]]], data[[pairs[2, j]]]))$statistic
})[["elapsed"]]
subset <- data[seq_len(as.integer(args[3])), seq_len(as.integer(args[2]))]
subset_pairs <- combn(names(subset), 2)
tau <- numeric(ncol(subset_pairs))
tau_time <- system.time(for (j in seq_len(ncol(subset_pairs))) {
  tau[j] <- cor(subset[[subset_pairs[1, j]]], subset[[subset_pairs[2, j]]],
    method = "kendall", use = "complete.obs")
})[["elapsed"]]
write.csv(data.frame(row_item = pairs[1, ], column_item = pairs[2, ],
  chi2 = sprintf("%.17g", chi2)), args[4], row.names = FALSE)
write.csv(data.frame(row_item = subset_pairs[1, ], column_item = subset_pairs[2, ],
  tau_b = sprintf("%.17g", tau)), args[5], row.names = FALSE)
writeLines(c(sprintf("%.6f", chi2_time), sprintf("%.6f", tau_time),
  R.version$version.string), args[6])
"""


def r_association(
    survey: pd.DataFrame, items: list[str], kendall_items: int, kendall_respondents: int
) -> tuple[pd.DataFrame, pd.DataFrame, float, float, str] | None:
    """R's X² of every pair and τ_b of the subset's pairs, the two loop times and R's version.

    ``None`` (with a note) when ``Rscript`` is not installed.
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("R peer skipped: Rscript is not installed")
        return None
    rows, respondents = pd.factorize(survey["respondent"])
    columns = pd.Index(items).get_indexer(survey["item"])
    answers = np.full((len(respondents), len(items)), np.nan)
    answers[rows, columns] = survey["answer"].to_numpy(dtype="float64", na_value=np.nan)
    wide = pd.DataFrame(answers, columns=items)
    with tempfile.TemporaryDirectory() as folder:
        data, chi2, tau, timing, script = (
            os.path.join(folder, name)
            for name in ("data.csv", "chi2.csv", "tau.csv", "time.txt", "peer.R")
        )
        wide.to_csv(data, index=False, na_rep="NA", float_format="%.0f")
        with open(script, "w") as handle:
            handle.write(R_SCRIPT)
        command = [rscript, script, data, str(kendall_items), str(kendall_respondents)]
        subprocess.run([*command, chi2, tau, timing], check=True)
        with open(timing) as handle:
            chi2_time, tau_time, version = handle.read().splitlines()
        return pd.read_csv(chi2), pd.read_csv(tau), float(chi2_time), float(tau_time), version


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``repeat`` runs after a warm-up run."""
    function()  # warm-up
    wall, cpu = [], []
    for _ in range(max(repeat, 1)):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exact", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--no-r", action="store_true", help="skip the R peer")
    parser.add_argument("--r-kendall-items", type=int, default=10)
    parser.add_argument("--r-kendall-respondents", type=int, default=10_000)
    args = parser.parse_args()
    survey = make_survey(args.respondents, args.items)
    items = sorted(survey["item"].unique().tolist())
    pairs = len(items) * (len(items) - 1) // 2
    print(f"{len(survey):,} rows: {args.respondents:,} respondents × {args.items} items")
    wall, cpu = timed(lambda: reduce_answer_pairs(survey, items), args.repeat)
    print(f"reduce_answer_pairs, {pairs} pairs: {wall:6.2f} s wall, {cpu:6.2f} s CPU")

    def association() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return item_association(survey, items, exact=args.exact)

    wall, cpu = timed(association, args.repeat)
    print(
        f"item_association, {pairs} pairs:    {wall:6.2f} s wall, {cpu:6.2f} s CPU "
        f"(exact={args.exact!r})"
    )
    if not args.no_r:
        compare_with_r(survey, items, association(), wall, args)
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)")


def compare_with_r(
    survey: pd.DataFrame,
    items: list[str],
    mine: pd.DataFrame,
    wall: float,
    args: argparse.Namespace,
) -> None:
    """R's chisq.test at full size and Kendall's τ_b on a subset, checked and timed."""
    k, m = min(args.r_kendall_items, len(items)), min(args.r_kendall_respondents, args.respondents)
    peer = r_association(survey, items, k, m)
    if peer is None:
        return
    chi2, tau, chi2_time, tau_time, version = peer
    keys = ["row_item", "column_item"]
    both = mine[[*keys, "chi2"]].astype(dict.fromkeys(keys, str)).merge(chi2, on=keys)
    assert len(both) == len(mine), "R and jobhandicap have different pairs"
    np.testing.assert_allclose(both["chi2_x"], both["chi2_y"], rtol=1e-9, atol=0)
    print(f"same answer as R ({version}): X² of all {len(both)} pairs agree to 1e-9 relative")
    print(f"  R: chisq.test(table(x, y)), {len(both)} pairs:  {chi2_time:6.2f} s")
    print(f"  ratio (R chisq.test loop / item_association): {chi2_time / wall:.2f}×")

    subset = survey[survey["respondent"].isin(survey["respondent"].unique()[:m])]
    subset_items = items[:k]
    subset = subset[subset["item"].isin(subset_items)]

    def association() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return item_association(subset, subset_items, exact=args.exact)

    ours = association()
    both = ours[[*keys, "tau_b"]].astype(dict.fromkeys(keys, str)).merge(tau, on=keys)
    assert len(both) == len(ours), "R and jobhandicap have different pairs"
    np.testing.assert_allclose(both["tau_b_x"], both["tau_b_y"], rtol=1e-9, atol=0)
    sub_wall, _ = timed(association, args.repeat)
    print(f"subset {m:,} respondents × {k} items ({len(both)} pairs): τ_b agrees to 1e-9")
    print(f"  R: cor(x, y, method = 'kendall'), {len(both)} pairs: {tau_time:6.2f} s")
    print(f"  item_association, {len(both)} pairs:               {sub_wall:6.2f} s wall")
    print(f"  ratio (R Kendall loop / item_association): {tau_time / sub_wall:.0f}×")


if __name__ == "__main__":
    main()
