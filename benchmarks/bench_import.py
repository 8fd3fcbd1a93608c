"""Time ``import jobhandicap`` on top of ``import numpy, pandas``, each in a fresh interpreter.

Run: ``python benchmarks/bench_import.py [--runs 7]``.

Two commands are run alternately in new Python processes, ``runs`` times each:
``python -c "import numpy, pandas"`` (the baseline: jobhandicap cannot be cheaper than its two
core dependencies) and ``python -c "import numpy, pandas, jobhandicap"``. The best (smallest)
wall time of each is kept, since noise on a shared machine only ever adds time, and the
difference is the cost of importing jobhandicap itself. The goal is at most 0.3 s.

The child processes inherit this environment (``PYTHONPATH`` included), so they import the same
jobhandicap as the caller; the script prints which file that is, and which heavy optional
modules (scipy, matplotlib) the import pulled in — there should be none. Bytecode is cached as
for an installed package (pip compiles it at install time): the children write and read their
``.pyc`` files under a temporary ``PYTHONPYCACHEPREFIX``, even when ``PYTHONDONTWRITEBYTECODE``
is set here, and one untimed warm-up run of each command fills that cache. Without the cache
every run would compile jobhandicap's sources afresh and the figure would measure the compiler.

Next to the wall times the script reports the children's CPU times (user + system, from
``getrusage``), best of the runs as well: on a busy machine they are the steadier figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

BASELINE = "import numpy, pandas"
WITH_LIBRARY = "import numpy, pandas, jobhandicap"
GOAL_SECONDS = 0.3
#: Modules that ``import jobhandicap`` should leave to the first call that needs them.
HEAVY = ("scipy", "matplotlib")

_PROBE = (
    "import sys, json, jobhandicap; "
    "print(json.dumps({'file': jobhandicap.__file__, 'heavy': sorted({m.split('.')[0] "
    f"for m in sys.modules if m.split('.')[0] in {HEAVY!r}}})}}))"
)


@dataclasses.dataclass(frozen=True)
class ImportTimes:
    """Best wall and CPU times (seconds) of the two commands and what the import loaded."""

    baseline: float
    with_library: float
    baseline_cpu: float
    with_library_cpu: float
    runs: int
    library_file: str
    heavy_modules: tuple[str, ...]

    @property
    def overhead(self) -> float:
        """Seconds ``import jobhandicap`` adds to ``import numpy, pandas``."""
        return self.with_library - self.baseline

    @property
    def overhead_cpu(self) -> float:
        """CPU seconds ``import jobhandicap`` adds to ``import numpy, pandas``."""
        return self.with_library_cpu - self.baseline_cpu


def _run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int = 7) -> ImportTimes:
    """Run both commands ``runs`` times each, alternately, and keep the best times."""
    with tempfile.TemporaryDirectory(prefix="jh-import-") as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        probe = subprocess.run(  # also the warm-up run that fills the bytecode cache
            [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True, env=env
        )
        facts = json.loads(probe.stdout)
        _run(BASELINE, env)
        baseline: list[tuple[float, float]] = []
        with_library: list[tuple[float, float]] = []
        for _ in range(max(1, runs)):
            baseline.append(_run(BASELINE, env))
            with_library.append(_run(WITH_LIBRARY, env))
    return ImportTimes(
        baseline=min(wall for wall, _ in baseline),
        with_library=min(wall for wall, _ in with_library),
        baseline_cpu=min(cpu for _, cpu in baseline),
        with_library_cpu=min(cpu for _, cpu in with_library),
        runs=max(1, runs),
        library_file=facts["file"],
        heavy_modules=tuple(facts["heavy"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command")
    args = parser.parse_args(argv)
    times = measure(args.runs)
    print(f"jobhandicap imported from {times.library_file}")
    print(f"best of {times.runs} fresh processes each (load average {os.getloadavg()[0]:.1f}):")
    print(f"  {'':<36} {'wall':>7} {'CPU':>7}")
    print(f"  {BASELINE:<36} {times.baseline:6.3f}s {times.baseline_cpu:6.3f}s")
    print(f"  {WITH_LIBRARY:<36} {times.with_library:6.3f}s {times.with_library_cpu:6.3f}s")
    verdict = "met" if times.overhead <= GOAL_SECONDS else "NOT met"
    label = "difference (import jobhandicap)"
    print(
        f"  {label:<36} {times.overhead:6.3f}s {times.overhead_cpu:6.3f}s"
        f"  (goal: wall ≤ {GOAL_SECONDS} s, {verdict})"
    )
    heavy = ", ".join(times.heavy_modules) or "none"
    print(f"  heavy modules imported by jobhandicap: {heavy}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
