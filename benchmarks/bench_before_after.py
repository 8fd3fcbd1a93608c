"""The pandas path before and after a change: the case and usage indicators on 10⁶ cases.

Usage::

    git worktree add --detach /tmp/before <old commit>
    python benchmarks/bench_before_after.py --before /tmp/before/src --after src

Each indicator runs in a fresh child process per source tree (``PYTHONPATH`` set to it), the
two trees alternating, three rounds; a child builds ``bench_usage.make_cases(10⁶)``, warms up
once and reports the median CPU seconds (user + system) of five calls. CPU seconds rather than
wall time, and alternation, because the machine is usually shared: the ratio after/before is
the figure to read (below 1: faster now).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TASKS = (
    "processing_time",
    "grant_rate",
    "survival_table",
    "scheme_usage",
    "expenditure_shares",
    "count_cases",
    "target_group_coverage",
)


def _child(task: str, n: int) -> float:
    import warnings

    sys.path.insert(0, str(HERE))
    warnings.simplefilter("ignore")
    import bench_usage
    import jobhandicap as jh

    cases = bench_usage.make_cases(n, seed=1)
    calls: dict[str, Any] = {
        "processing_time": lambda: jh.processing_time(
            cases, by="jobcentre", extracted="2023-01-31"
        ),
        "grant_rate": lambda: jh.grant_rate(cases, by="jobcentre"),
        "survival_table": lambda: jh.survival_table(cases, by="scheme", extracted="2023-01-31"),
        "scheme_usage": lambda: jh.scheme_usage(cases),
        "expenditure_shares": lambda: jh.expenditure_shares(cases, by="year"),
        "count_cases": lambda: jh.count_cases(cases, unit="jobcentre"),
        "target_group_coverage": lambda: jh.target_group_coverage(cases),
    }
    call = calls[task]
    call()

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    times = []
    for _ in range(5):
        start = cpu()
        call()
        times.append(cpu() - start)
    return statistics.median(times)


def main(argv: list[str]) -> None:
    if argv[:1] == ["child"]:
        print(json.dumps(_child(argv[1], int(argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder of the old tree")
    parser.add_argument("--after", type=Path, required=True, help="src folder of the new tree")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=TASKS, default=list(TASKS))
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    print(f"load average {os.getloadavg()[0]:.1f}; {args.cases:,} cases; CPU ms (median)")
    for task in args.only:
        seconds: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                done = subprocess.run(
                    [sys.executable, __file__, "child", task, str(args.cases)],
                    env={**os.environ, "PYTHONPATH": str(tree)},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                seconds[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
        before, after = (statistics.median(seconds[name]) for name in trees)
        print(
            f"{task:<24} before {before * 1000:8.1f}   after {after * 1000:8.1f}   "
            f"after/before {after / before:5.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
