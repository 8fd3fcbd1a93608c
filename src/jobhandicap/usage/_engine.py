"""The usage reductions in another engine (Polars, PyArrow, DuckDB, PySpark) through narwhals.

The engine counterparts of :func:`~jobhandicap.usage.reduce_usage`, of the counting rows of
``scheme_usage(count=...)`` and of the spell counts of :func:`active_grants`: each is one
grouped count (:func:`jobhandicap._reduce.engine_sums`) run where the data live, lazily where
the frame is lazy; only the reduced table is collected. The indicators then infer from that
table with the same NumPy code as the pandas path.

Counts per year of grants in force are derived as one 0/1 column per calendar year, summed in
the same pass: no expansion of grants into grant-years in the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jobhandicap._engines import EngineFrame, check_engine_columns, collect
from jobhandicap._grouping import engine_keys
from jobhandicap._reduce import LeftOut, Reduction, engine_reduction, engine_sums
from jobhandicap.domain import Decision
from jobhandicap.errors import OptionError
from jobhandicap.frames import CASES_SCHEMA
from jobhandicap.usage._common import wanted_decisions

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = [
    "CATEGORIES",
    "engine_active_grants",
    "engine_scalars",
    "engine_scheme_counts",
    "engine_unit_counts",
    "engine_usage",
    "engine_usage_reduction",
    "label_in",
    "selection",
]

#: Categories of the canonical cases frame's categorical columns, restored on reduced keys.
CATEGORIES = {
    spec.name: list(spec.categories) for spec in CASES_SCHEMA.columns if spec.kind == "category"
}

#: The columns of a grant period.
_PERIOD = ("granted_from", "granted_to")


def label_in(column: str, values: Sequence[str]) -> nw.Expr:
    """Rows whose label column (text, categorical or Enum) holds one of ``values``."""
    import narwhals.stable.v2 as nw

    if not values:  # PyArrow types an empty list as null
        return nw.lit(value=False)
    return nw.col(column).cast(nw.String).is_in(list(values)).fill_null(value=False)


def selection(frame: EngineFrame, columns: Sequence[str], decision: object) -> nw.Expr | None:
    """The rows ``decision`` selects, as an expression (``None``: every row)."""
    wanted = wanted_decisions(decision)
    if wanted is None:
        return None
    if "decision" not in columns:
        check_engine_columns(frame, ("decision",), "cases")
    return label_in("decision", sorted(wanted))


def engine_usage(
    frame: EngineFrame, names: list[str], decision: object, *, amounts: bool = False
) -> pd.DataFrame:
    """:func:`~jobhandicap.usage.reduce_usage` in the frame's engine: one grouped count."""
    return engine_usage_reduction(frame, names, decision, amounts=amounts).table


def engine_usage_reduction(
    frame: EngineFrame, names: list[str], decision: object, *, amounts: bool = False
) -> Reduction:
    """:func:`engine_usage`, and the selected cases it left out for a missing label."""
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, ("amount_dkk",) if amounts else (), "cases")
    check_engine_columns(frame, [n for n in names if n != "year"], "cases")
    keys = engine_keys(frame, names, columns)
    where = selection(frame, columns, decision)
    values: dict[str, nw.Expr] = {}
    if amounts:
        amount = nw.col("amount_dkk").cast(nw.Float64)
        known = ~amount.is_nan().fill_null(value=True)
        values = {
            "amount_dkk": nw.when(known).then(amount).otherwise(nw.lit(0.0)),
            "n_with_amount": known.cast(nw.Int64),
        }
    table, left_out = engine_reduction(
        frame, names, values, derived=keys, where=where, count="n", categories=CATEGORIES
    )
    table = table.astype({"n": "int64"})
    if amounts:
        table = table.astype({"n_with_amount": "int64"})
    return Reduction(table, left_out)


def engine_unit_counts(
    frame: EngineFrame, names: list[str], decision: object
) -> tuple[pd.DataFrame, pd.DataFrame, LeftOut]:
    """The keys and counts of ``count_cases`` in one pass of the engine.

    Returns the key combinations that occur among all cases (the grid of units, years and
    ``by`` values is built from them), the selected cases per combination (``count``, only
    combinations with a selected case), as :func:`reduce_usage` gives them, and the selected
    cases left out for a missing label.
    """
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, [n for n in names if n != "year"], "cases")
    keys = engine_keys(frame, names, columns)
    where = selection(frame, columns, decision)
    values = {} if where is None else {"count": where.cast(nw.Int64)}
    table, left_out = engine_reduction(
        frame,
        names,
        values,
        derived=keys,
        count="_rows",
        categories=CATEGORIES,
        counted=None if where is None else "count",
    )
    chosen = table["_rows"] if where is None else table["count"]
    counts = chosen.to_numpy(dtype=np.int64)
    present = table[names].copy()
    counted = table.loc[counts > 0, names].reset_index(drop=True)
    counted["count"] = counts[counts > 0]
    return present, counted, left_out


def _year_of(column: str) -> nw.Expr:
    import narwhals.stable.v2 as nw

    return nw.col(column).dt.year().cast(nw.Int64)


def engine_scalars(frame: EngineFrame, expressions: dict[str, nw.Expr]) -> dict[str, int | None]:
    """One pass computing a few whole-number aggregates (``None`` where nothing to take)."""
    table = collect(frame.select(**expressions))
    out: dict[str, int | None] = {}
    for name in expressions:
        value = table[name].iloc[0] if len(table) else None
        out[name] = None if value is None or pd.isna(value) else int(value)
    return out


def engine_scheme_counts(
    frame: EngineFrame,
    names: list[str],
    decision: object,
    count: str | None,
    counts_of: dict[str, str] | None = None,
) -> tuple[dict[str, str], Reduction]:
    """What ``scheme_usage`` counts per scheme and its per-jobcentre table, in the engine.

    Returns the count of each scheme (as :func:`chosen_counts`) and the table
    :func:`reduce_usage` gives on the counting rows: the ``names`` columns (and
    ``jobcentre``) and ``n``, one row per group with a counted case, with the selected cases
    left out for a missing label (cases, not grant-years). Applications count in
    their application year, new grants in their start year, grants in force once in every
    year of their period: one 0/1 column per year, summed in one pass.
    """
    import narwhals.stable.v2 as nw

    from jobhandicap.usage._spells import COUNTS, counts_from_periods

    columns = check_engine_columns(frame, ("jobcentre",), "cases")
    inner = names if "jobcentre" in names else [*names, "jobcentre"]
    if count is not None and (not isinstance(count, str) or count not in COUNTS):
        raise OptionError(
            f"count must be 'new', 'active', 'applications' or None (from the data), got {count!r}"
        )
    schemes = CATEGORIES["scheme"] if "scheme" in columns else []
    periodic = count in ("new", "active")
    wanted = wanted_decisions(decision)
    granted_only = wanted == frozenset({Decision.GRANTED.value})
    if periodic and "year" not in names:
        raise OptionError(f"count={count!r} counts grants per year: put 'year' in by")
    if periodic and not granted_only:
        raise OptionError(f"count={count!r} counts grants: use decision='granted'")
    granted = label_in("decision", [Decision.GRANTED.value])
    if count is not None:
        if periodic:
            check_engine_columns(frame, _PERIOD, "cases")
        counts = dict.fromkeys(schemes, count)
    elif not (
        "year" in names
        and "scheme" in names
        and granted_only
        and all(c in columns for c in _PERIOD)
    ):
        counts = dict.fromkeys(schemes, "applications")
    else:
        has = engine_sums(
            frame,
            ["scheme"],
            {
                "_start": (~nw.col("granted_from").is_null()).cast(nw.Int64),
                "_end": (~nw.col("granted_from").is_null() & ~nw.col("granted_to").is_null()).cast(
                    nw.Int64
                ),
            },
            where=granted,
        )
        with_start = {
            str(s): int(k) for s, k in zip(has["scheme"], has["_start"], strict=True) if k > 0
        }
        with_end = {
            str(s): int(k) for s, k in zip(has["scheme"], has["_end"], strict=True) if k > 0
        }
        if with_start:
            counts = counts_from_periods(schemes, with_start, with_end)
        else:
            counts = dict.fromkeys(schemes, "applications")
    if counts_of is not None:
        counts_of.update(counts)
    kinds = set(counts.values())
    if kinds <= {"applications"}:
        return counts, engine_usage_reduction(frame, inner, decision)
    return counts, _counting_table(frame, columns, names, inner, counts)


def _counting_table(
    frame: EngineFrame,
    columns: list[str],
    names: list[str],
    inner: list[str],
    counts: dict[str, str],
) -> Reduction:
    """The per-jobcentre counts of grants (new, in force) and applications, per year.

    Only granted cases count (new and in force are counts of grants, so ``scheme_usage``
    counts granted applications alongside them): the others are left out before the
    group-by, and the granted cases with a missing label are what it reports.
    """
    import narwhals.stable.v2 as nw

    others = [n for n in inner if n != "year"]
    check_engine_columns(frame, others, "cases")
    base_key = engine_keys(frame, ["year"], columns)
    base = base_key.get("year", nw.col("year").cast(nw.Int64))
    news = [s for s, k in counts.items() if k == "new"]
    actives = [s for s, k in counts.items() if k == "active"]
    granted = label_in("decision", [Decision.GRANTED.value])
    is_new = label_in("scheme", news)
    is_active = label_in("scheme", actives)
    is_application = ~is_new & ~is_active
    start = _year_of("granted_from")
    end = _year_of("granted_to")
    started = granted & ~nw.col("granted_from").is_null()
    latest = [_year_of(c).max() for c in ("applied", "decided", "granted_from") if c in columns]
    framed = frame.with_columns(_base=base)
    scalars = engine_scalars(
        framed,
        {
            "base_min": nw.col("_base").min(),
            "base_max": nw.col("_base").max(),
            "start_min": nw.when(started).then(start).min(),
            "start_max": nw.when(started).then(start).max(),
            **{f"latest{i}": expr for i, expr in enumerate(latest)},
        },
    )
    known = [v for k, v in scalars.items() if k.startswith("latest") and v is not None]
    data_last = max(known) if known else None
    # The years of grants in force, as grant_spells counts them without ``years``.
    first = scalars["start_min"]
    if first is None:
        first = last = data_last if data_last is not None else 1970
    else:
        last = max(data_last if data_last is not None else first, first)
    candidates = [v for v in (scalars["base_min"], scalars["start_min"], first) if v is not None]
    tops = [v for v in (scalars["base_max"], scalars["start_max"], last) if v is not None]
    years = range(min(candidates), max(tops) + 1)
    new_year = nw.when(nw.col("granted_from").is_null()).then(nw.col("_base")).otherwise(start)
    closed_ok = nw.col("granted_to").is_null() | (nw.col("granted_to") >= nw.col("granted_from"))
    from jobhandicap.usage._spells import warn_unusable

    # A grant in force without a usable period counts once, in its application year.
    unusable = (is_active & granted & (~started | ~closed_ok)).fill_null(value=False)
    warn_unusable(int(engine_scalars(framed, {"u": unusable.cast(nw.Int64).sum()})["u"] or 0))
    values: dict[str, nw.Expr] = {}
    for year in years:
        counted = (is_application & granted & (nw.col("_base") == year)).fill_null(value=False)
        counted = counted | (is_new & granted & (new_year == year)).fill_null(value=False)
        counted = counted | (unusable & (nw.col("_base") == year)).fill_null(value=False)
        if first <= year <= last:
            force = (
                is_active
                & started
                & closed_ok
                & (start <= year)
                & (nw.col("granted_to").is_null() | (end >= year))
            )
            counted = counted | force.fill_null(value=False)
        values[f"_y{year}"] = counted.cast(nw.Int64)
    table, left_out = engine_reduction(
        framed, others, values, where=granted, count="_rows", categories=CATEGORIES
    )
    parts = []
    for year in years:
        column = table[f"_y{year}"].to_numpy(dtype=np.float64)
        keep = column > 0
        part: dict[str, Any] = {
            name: table[name].loc[keep].reset_index(drop=True) for name in others
        }
        part["year"] = np.full(int(keep.sum()), year, dtype=np.int64)
        part["n"] = column[keep].astype(np.int64)
        parts.append(pd.DataFrame(part))
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if result.empty:
        empty = {name: table[name].iloc[:0] for name in others}
        result = pd.DataFrame(
            {**empty, "year": np.array([], np.int64), "n": np.array([], np.int64)}
        )
    for name in others:
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            result[name] = result[name].astype(table[name].dtype)
    return Reduction(result[[*inner, "n"]], left_out)


def engine_active_grants(
    frame: EngineFrame, names: list[str], wanted: list[int] | None
) -> tuple[pd.DataFrame, int, int, int, pd.DataFrame]:
    """The spell counts of :func:`active_grants` in the engine.

    One grouped count of the granted cases with a period per group, start year, end year
    and whether the period is usable (ends on or after its start), and one pass of totals.
    Returns the reduced table (``names``, ``_start``, ``_end`` (missing: open-ended),
    ``_valid``, ``n``), the first and last year counted, the granted cases without a
    period, and the rows of the table left out for a missing ``names`` label (the same
    columns, the label missing).
    """
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, ("decision", *_PERIOD, *names), "cases")
    granted = label_in("decision", [Decision.GRANTED.value])
    started = granted & ~nw.col("granted_from").is_null()
    latest = [_year_of(c).max() for c in ("applied", "decided", "granted_from") if c in columns]
    scalars = engine_scalars(
        frame,
        {
            "without": (granted & nw.col("granted_from").is_null()).cast(nw.Int64).sum(),
            **{f"latest{i}": expr for i, expr in enumerate(latest)},
        },
    )
    valid = nw.col("granted_to").is_null() | (nw.col("granted_to") >= nw.col("granted_from"))
    table, left_out = engine_reduction(
        frame,
        [*names, "_start", "_end_year", "_valid"],
        derived={
            "_start": _year_of("granted_from"),
            "_end_year": nw.when(nw.col("granted_to").is_null())
            .then(nw.lit(-1))
            .otherwise(_year_of("granted_to"))
            .cast(nw.Int64),
            "_valid": valid.fill_null(value=False).cast(nw.Int64),
        },
        where=started,
        categories=CATEGORIES,
        reported=names,
    )
    lost = left_out.groups if left_out.groups is not None else table.iloc[:0]
    known = [v for k, v in scalars.items() if k.startswith("latest") and v is not None]
    data_last = max(known) if known else None
    if wanted is not None:
        first, last = wanted[0], wanted[-1]
    elif (table.empty and lost.empty) or data_last is None:
        first = last = data_last if data_last is not None else 1970
    else:
        # Every grant with a period sets the first year, as in grant_spells: a grant left
        # out for a missing label too.
        first = int(pd.concat([table["_start"], lost["_start"]]).min())
        last = max(data_last, first)
    return table, first, last, int(scalars["without"] or 0), lost
