"""Indicators on a national register: 10⁸ cases as Parquet, reduced in DuckDB and Polars.

Usage::

    # 1. write the register: 10⁸ simulated cases in 10 Parquet files of 10⁷ (a few minutes)
    python benchmarks/bench_scale.py write --out /tmp/register --cases 100000000

    # 2. time processing_time (by jobcentre and year) and scheme_usage on every engine
    python benchmarks/bench_scale.py run --data /tmp/register --pandas-cases 10000000

Every measurement runs in a fresh child process, which reports its wall and CPU seconds and its
peak resident set (``VmHWM``: the whole process, the engine's buffers included). The data
never enter pandas on the engine paths: DuckDB reads the Parquet files as a relation and Polars
scans them lazily (streaming engine); only the reduced tables (a few thousand rows) are
collected. pandas reads the first ``--pandas-cases`` rows (one or more files) into memory and
runs the same indicators, for the time per 10⁶ cases on the in-memory path. Before timing, the
answers of the three paths are compared on the first file (10⁷ cases): they must agree to
1e-12.

The cases are ``bench_usage.make_cases`` (the canonical cases of the usage benchmark), one seed
per file and consecutive case ids; written with pyarrow, categorical columns as dictionaries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

EXTRACTED = "2023-01-31"
BY = ["jobcentre", "year"]
ENGINES = ("duckdb", "polars")


def write(out: Path, cases: int, chunk: int) -> None:
    """Write ``cases`` canonical cases to ``out/part-NNN.parquet``, ``chunk`` rows per file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import bench_usage

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    started = time.perf_counter()
    for number, first in enumerate(range(0, cases, chunk)):
        size = min(chunk, cases - first)
        frame = bench_usage.make_cases(size, seed=1 + number)
        ids = np.char.add("C", np.arange(first, first + size).astype(str))
        frame = frame.assign(case_id=pd.array(ids, dtype="string"))
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, out / f"part-{number:03d}.parquet", row_group_size=1_000_000)
        del frame, table
        print(
            f"  file {number}: {first + size:>12,} cases written "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    size = sum(p.stat().st_size for p in out.glob("part-*.parquet"))
    print(f"{cases:,} cases in {out} ({size / 2**30:.2f} GiB)")


def _files(data: Path) -> list[Path]:
    files = sorted(data.glob("part-*.parquet"))
    if not files:
        raise SystemExit(f"no part-*.parquet files in {data}: run the 'write' step first")
    return files


def _engine_frame(engine: str, files: list[Path]) -> Any:
    if engine == "duckdb":
        import duckdb

        connection = duckdb.connect()
        return connection.read_parquet([str(f) for f in files])
    if engine == "polars":
        import polars as pl

        return pl.scan_parquet([str(f) for f in files])
    raise SystemExit(f"unknown engine {engine!r}")


def _pandas_frame(files: list[Path], cases: int) -> pd.DataFrame:
    import pyarrow.parquet as pq

    parts, total = [], 0
    for file in files:
        if total >= cases:
            break
        table = pq.read_table(file)
        parts.append(table.slice(0, cases - total).to_pandas())
        total += min(len(table), cases - total)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _indicators(frame: Any) -> dict[str, pd.DataFrame]:
    import jobhandicap as jh

    return {
        "processing_time": jh.processing_time(frame, by=BY, extracted=EXTRACTED),
        "scheme_usage": jh.scheme_usage(frame),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    """Peak resident set of this process since it started (``VmHWM``), in MiB.

    ``ru_maxrss`` is no good here: Linux carries it over from the parent through fork and exec,
    so every child would report at least the parent's peak (the pandas check's 2 GiB).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(task: str, data: Path, cases: int) -> dict[str, Any]:
    files = _files(data)
    answer: dict[str, Any] = {"task": task}
    if task == "pandas":
        start = time.perf_counter()
        frame = _pandas_frame(files, cases)
        answer["read_seconds"] = time.perf_counter() - start
        answer["cases"] = len(frame)
    else:
        frame = _engine_frame(task, files)
        answer["cases"] = cases
    cpu, start = _cpu(), time.perf_counter()
    _indicators(frame)
    answer["seconds"] = time.perf_counter() - start
    answer["cpu_seconds"] = _cpu() - cpu
    answer["peak_mib"] = _peak_mib()
    return answer


def _check(data: Path) -> float:
    """Largest difference between pandas and each engine on the first file."""
    first = _files(data)[:1]
    expected = _indicators(_pandas_frame(first, 10**12))
    worst = 0.0
    for engine in ENGINES:
        got = _indicators(_engine_frame(engine, first))
        for name, table in expected.items():
            other = got[name]
            pd.testing.assert_frame_equal(
                other, table, check_exact=False, rtol=1e-12, atol=1e-12, check_dtype=False
            )
            numbers = table.select_dtypes("number").columns
            if len(numbers):
                gap = np.nanmax(
                    np.abs(other[numbers].to_numpy(float) - table[numbers].to_numpy(float))
                )
                worst = max(worst, float(np.nan_to_num(gap)))
    return worst


def _spawn(task: str, data: Path, cases: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "child", task, str(data), str(cases)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(data: Path, pandas_cases: int, engines: tuple[str, ...]) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    files = _files(data)
    total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    print(f"data: {total:,} cases in {len(files)} files; load {os.getloadavg()[0]:.1f}")
    print(f"answers on the first file agree (largest difference {_check(data):.1e})")
    rows = [_spawn("pandas", data, pandas_cases)]
    rows += [_spawn(engine, data, total) for engine in engines]
    print(
        f"\n{'path':<8} {'cases':>13} {'seconds':>9} {'CPU s':>8} {'s per 10^6':>11} "
        f"{'peak MiB':>9}"
    )
    for row in rows:
        per = row["seconds"] / (row["cases"] / 1e6)
        print(
            f"{row['task']:<8} {row['cases']:>13,} {row['seconds']:>9.1f} "
            f"{row['cpu_seconds']:>8.1f} {per:>11.3f} {row['peak_mib']:>9.0f}"
            + (f"  (+ read {row['read_seconds']:.1f} s)" if "read_seconds" in row else "")
        )
    return rows


def main(argv: list[str]) -> None:
    if argv[:1] == ["child"]:
        task, data, cases = argv[1], Path(argv[2]), int(argv[3])
        print(json.dumps(_child(task, data, cases)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    writer = sub.add_parser("write", help="write the simulated register as Parquet")
    writer.add_argument("--out", type=Path, required=True)
    writer.add_argument("--cases", type=int, default=100_000_000)
    writer.add_argument("--chunk", type=int, default=10_000_000)
    runner = sub.add_parser("run", help="time the indicators on every engine")
    runner.add_argument("--data", type=Path, required=True)
    runner.add_argument("--pandas-cases", type=int, default=10_000_000)
    runner.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    runner.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.cases, args.chunk)
    else:
        rows = run(args.data, args.pandas_cases, tuple(args.engines))
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
