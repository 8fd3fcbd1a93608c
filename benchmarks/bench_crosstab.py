"""Benchmark: ``item_association`` for every pair of 30 items on 100,000 respondents.

Builds a canonical long survey frame directly with numpy (one wave, 30 Likert items, answers
driven by one latent trait so that the items are associated, 3 % "don't know" and 2 % no
answer): 3 million rows. Then times :func:`jobhandicap.survey.reduce_answer_pairs` (the
reduction: 435 item pairs × up to 36 answer pairs) and :func:`jobhandicap.item_association`
on the same frame (reduction and every test on the 435 tables). The goal: the whole analysis
in a few seconds, no Python loop over respondents. With ``exact="auto"`` (the default) no
table of 100,000 respondents needs an exact test; ``--exact always`` times the Monte Carlo
tests as well.

Usage::

    python benchmarks/bench_crosstab.py [--respondents N] [--items K] [--repeat R]

Each timing is the median of ``R`` (at least 1) runs after one warm-up run, wall-clock and
CPU time of the process; on a shared machine the wall-clock figures are noisy.
"""

from __future__ import annotations

import argparse
import statistics
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


if __name__ == "__main__":
    main()
