"""Timing, result records, peer detection, machine facts and memory helpers for ``run.py``.

Nothing here knows about jobhandicap: it times callables, runs child processes and formats
tables. The workloads live in ``_workloads.py``.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: How to install the peers: the ``bench`` extra of the package.
INSTALL_HINT = "pip install 'jobhandicap[bench]'"


# --------------------------------------------------------------------------------------------
# Results.


@dataclasses.dataclass
class Result:
    """One row of the results table.

    ``ours`` and ``theirs`` are median seconds (``theirs`` already scaled when the peer was timed
    on a subset; ``note`` then says so). ``ratio`` is ``theirs / ours``: how many times faster
    jobhandicap is (below 1: slower). ``met`` is ``None`` when the goal could not be judged.
    """

    workload: str
    size: str
    peer: str
    ours: float | None
    theirs: float | None
    goal: str
    met: bool | None
    check: str
    note: str = ""
    repeat: int = 0
    load: tuple[float, float] = (float("nan"), float("nan"))
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.theirs is None or self.ours <= 0:
            return None
        return self.theirs / self.ours


def seconds(value: float | None) -> str:
    """A duration for a table cell: ms below one second, else seconds."""
    if value is None:
        return "—"
    if value < 1.0:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def ratio_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"


def verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[met]


def table(results: Sequence[Result], *, markdown: bool = False) -> str:
    """The results as an aligned text table, or as a Markdown table."""
    header = [
        "workload",
        "size",
        "peer",
        "jobhandicap",
        "peer time",
        "ratio",
        "goal",
        "met",
        "same answer",
    ]
    rows = [
        [
            r.workload,
            r.size,
            r.peer,
            seconds(r.ours),
            seconds(r.theirs),
            ratio_text(r.ratio),
            r.goal,
            verdict(r.met),
            r.check,
        ]
        for r in results
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Timing.


@dataclasses.dataclass
class Timings:
    """Wall-clock and CPU seconds (this process, all threads) of each timed run."""

    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)

    def add(self, function: Callable[[], Any]) -> None:
        cpu = time.process_time()
        start = time.perf_counter()
        function()
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(time.process_time() - cpu)

    def median(self, scale: float = 1.0) -> float | None:
        return statistics.median(self.wall) * scale if self.wall else None

    def cpu_median(self, scale: float = 1.0) -> float | None:
        return statistics.median(self.cpu) * scale if self.cpu else None


def alternate(
    ours: Callable[[], Any], theirs: Callable[[], Any] | None, repeat: int
) -> tuple[Timings, Timings]:
    """Time ``ours`` and ``theirs`` alternately, ``repeat`` times each, after a warm-up each.

    ``theirs`` may be ``None`` (peer not installed): then only ``ours`` is timed.
    """
    ours()
    if theirs is not None:
        theirs()
    mine, other = Timings(), Timings()
    for _ in range(repeat):
        mine.add(ours)
        if theirs is not None:
            other.add(theirs)
    return mine, other


def load_average() -> float:
    return os.getloadavg()[0]


# --------------------------------------------------------------------------------------------
# Peers.


def have(module: str) -> bool:
    """Whether ``module`` can be imported here (without importing it)."""
    return importlib.util.find_spec(module) is not None


def version(module: str) -> str:
    if not have(module):
        return "not installed"
    try:
        return str(importlib.import_module(module).__version__)
    except Exception as error:  # a peer that fails to import must not stop the suite
        return f"import fails: {type(error).__name__}"


# --------------------------------------------------------------------------------------------
# Machine facts.


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def machine() -> dict[str, str]:
    """The facts docs/performance.md reports about where the figures were measured."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    one, five, fifteen = os.getloadavg()
    return {
        "cpu": _cpu_model(),
        "nproc": str(usable),
        "memory": f"{_memory_gib():.1f} GiB",
        "load": f"{one:.2f} {five:.2f} {fifteen:.2f}",
        "python": platform.python_version(),
        "executable": sys.executable,
        "jobhandicap": version("jobhandicap"),
        "pandas": version("pandas"),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "statsmodels": version("statsmodels"),
        "lifelines": version("lifelines"),
        "pingouin": version("pingouin"),
    }


# --------------------------------------------------------------------------------------------
# Child processes (peak memory, scaling).


def child(task: str, *args: str, timeout: float = 3600.0) -> dict[str, Any]:
    """Run ``_child.py TASK ARGS`` in a fresh interpreter of this environment; return its JSON.

    The child measures its own peak resident set over the task (see ``_child.py``).
    ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is not used: it keeps the largest child so far and
    a child's figure includes the parent's resident set at fork time.
    """
    command = [sys.executable, str(HERE / "_child.py"), task, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"child {task} failed: " + " | ".join(tail))
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def mib(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1024:.2f} GiB" if value >= 1024 else f"{value:.0f} MiB"


def count_text(n: int) -> str:
    """``1_000_000`` as ``10⁶``, other numbers with thousands separators."""
    exponent = len(str(n)) - 1
    if n == 10**exponent and exponent >= 3:
        return "10" + str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{n:,}"


def timed_result(
    *,
    workload: str,
    size: str,
    peer: str,
    ours: Callable[[], Any],
    theirs: Callable[[], Any] | None,
    repeat: int,
    goal: str,
    judge: Callable[[float, float | None], bool | None],
    check: str,
    note: str = "",
    scale: float = 1.0,
) -> Result:
    """Time ``ours`` and ``theirs`` alternately and wrap the medians as a Result.

    ``scale`` multiplies the peer's median (a peer timed on a subset).
    """
    load_before = load_average()
    mine, other = alternate(ours, theirs, repeat)
    ours_median = mine.median()
    theirs_median = other.median(scale)
    return Result(
        workload=workload,
        size=size,
        peer=peer,
        ours=ours_median,
        theirs=theirs_median,
        goal=goal,
        met=judge(ours_median, theirs_median),
        check=check,
        note=note,
        repeat=repeat,
        load=(load_before, load_average()),
        extra={
            "ours_cpu": mine.cpu_median(),
            "theirs_cpu": other.cpu_median(scale),
            "ours_times": mine.wall,
            "theirs_times": other.wall,
            "peer_scale": scale,
        },
    )
