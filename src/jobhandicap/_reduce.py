"""The reduction primitive: grouped counts and sums over key columns.

Every indicator that reads case-, person- or answer-level rows first reduces them to a small
table with one row per combination of key values: the keys, a count of rows and sums of a few
numeric columns. The estimators then run on that table only (docs/architecture.md, "The
reduction seam"). Counts and sums are all a reduction may compute, so that

- reducing parts of the data and adding the parts' tables (:func:`combine`) gives the table of
  the whole — what lets a reduction run in chunks, in parallel, or in another engine;
- another engine (a SQL ``GROUP BY`` with ``COUNT(*)`` and ``SUM``) can compute the same table.

For pandas input the reduction runs in NumPy: each key is factorised once, the codes are
combined into one integer per row, and every count and sum is one :func:`numpy.bincount`. For a
frame of another engine (Polars, PyArrow, DuckDB, PySpark) :func:`engine_sums` runs the same
reduction as a narwhals ``group_by`` in that engine and collects only the reduced table.

A row with a missing key belongs to no group and is left out of the table, as in a pandas
group-by. :func:`grouped_reduction` and :func:`engine_reduction` also say how many rows were left
out so, with their sums and which keys were missing (:class:`LeftOut`): the indicators warn
with it (:func:`jobhandicap._grouping.warn_left_out`). Finding them costs nothing extra: the
pandas path has the mask of rows with a missing key anyway, and the engine path groups them
with the others (a ``group_by`` keeps null keys) and splits them off the collected table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import EngineFrame, collect
from jobhandicap.errors import ArgumentTypeError, OptionError

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = [
    "LeftOut",
    "Reduction",
    "combine",
    "engine_reduction",
    "engine_sums",
    "grouped_reduction",
    "grouped_sums",
]

_T = TypeVar("_T", bound=np.generic)
FloatArray = npt.NDArray[np.float64]

#: Above this many key combinations the codes are factorised again instead of being used as
#: positions in the count arrays (which would then be mostly empty and large).
_DENSE_LIMIT = 1 << 22
#: At or above this many key combinations the mixed-radix code of a row could overflow int64.
_OVERFLOW_LIMIT = 2.0**62

#: Up to this many key combinations the keys are used uncompacted (unused values included).
_CACHED_SLOTS = 1 << 16


def _codes(
    values: pd.Series, observed: bool, compact: bool = True
) -> tuple[npt.NDArray[np.int64], pd.Index]:
    """Codes (−1 for missing) and the sorted distinct values of one key column.

    With ``observed``, a categorical keeps all its categories and an integer column its whole
    range, unused values included, when not ``compact`` or when at least half of them are used:
    the caller drops the empty slots of the combined keys anyway, and the codes need no second
    pass. Otherwise the used values are numbered 0, 1, … (fewer, smaller count arrays).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        categories = values.cat.categories
        if observed and compact:
            seen = np.zeros(len(categories) + 1, dtype=bool)
            seen[codes + 1] = True
            used = np.flatnonzero(seen[1:])
            if 2 * used.size > len(categories):  # dense enough: empty slots are dropped later
                return codes, categories
            remap = np.full(len(categories) + 1, -1, dtype=np.int64)
            remap[used + 1] = np.arange(used.size)
            return remap[codes + 1], categories[used]
        return codes, categories
    dtype = values.dtype
    # NumPy integers only: a nullable Int64 may hold <NA>, a uint64 may not fit an int64.
    if (
        isinstance(dtype, np.dtype)
        and (dtype.kind == "i" or (dtype.kind == "u" and dtype.itemsize < 8))
        and len(values)
    ):
        # Integers over a modest range (codes, years, days) are their offset from the
        # minimum: no hashing, which is most of the cost of a reduction by such keys.
        numbers = values.to_numpy(dtype=np.int64)
        low = int(numbers.min())
        span = int(numbers.max()) - low + 1
        if span <= 4 * len(numbers) + 1_000_000:
            offsets = numbers - low
            if observed and not compact:
                return offsets, pd.Index(np.arange(low, low + span).astype(dtype))
            seen = np.bincount(offsets, minlength=span) > 0
            used = np.flatnonzero(seen)
            if observed and 2 * used.size > span:  # dense enough: empty slots dropped later
                return offsets, pd.Index(np.arange(low, low + span).astype(dtype))
            remap = np.full(span, -1, dtype=np.int64)
            remap[used] = np.arange(used.size)
            return remap[offsets], pd.Index((used + low).astype(dtype))
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(uniques)


@attrs.frozen
class LeftOut:
    """The rows a reduction left out because a key of theirs is missing.

    Attributes
    ----------
    rows
        How many rows (with a missing value in one of the reported keys); with ``counted``,
        how many of the rows it counts.
    sums
        The sum of each value column over them, by name (a boolean column: its true rows).
    columns
        The reported keys missing in at least one of them, in the order of the keys.
    groups
        Engine reductions only: the left-out part of the collected table itself, one row per
        combination of keys (missing ones included), with the count and the sums — for a
        caller whose count depends on the other keys. ``None`` from :func:`grouped_reduction`.

    Examples
    --------
    >>> LeftOut().rows, LeftOut(3, {"granted": 2.0}, ("jobcentre",)).total("granted")
    (0, 2)
    """

    rows: int = 0
    sums: Mapping[str, float] = attrs.field(factory=dict)
    columns: tuple[str, ...] = ()
    groups: pd.DataFrame | None = attrs.field(default=None, eq=False)

    def total(self, *names: str) -> int:
        """The rows left out (no ``names``), or the sum of the named value columns over them."""
        if not names:
            return self.rows
        return round(sum(float(self.sums.get(name, 0.0)) for name in names))


class Reduction(NamedTuple):
    """A reduced table and what was left out of it for a missing key."""

    table: pd.DataFrame
    left_out: LeftOut


def grouped_sums(
    keys: Mapping[str, pd.Series | npt.ArrayLike],
    values: Mapping[str, npt.ArrayLike] | None = None,
    *,
    count: str = "n",
    observed: bool = True,
) -> pd.DataFrame:
    r"""Count rows and sum value columns per combination of key values.

    Parameters
    ----------
    keys
        Key columns by output name, each one value per row (a Series, an array or a list). A
        row with a missing key is left out, as in ``pandas.DataFrame.groupby``.
    values
        Numeric columns to sum, by output name, each one value per row. A missing value
        (NaN) makes its group's sum NaN: pass indicators and zeros where a value may be absent.
    count
        Name of the output column counting the rows of each group.
    observed
        Only the key combinations that occur (default). With ``False`` every combination of
        every key's categories is a row (categorical keys keep unused categories), with zero
        counts and sums: a fixed-shape table.

    Returns
    -------
    pandas.DataFrame
        One row per key combination, sorted by the keys: the keys (categorical keys keep
        their categories), ``count``, then the sums in the order given. Counts are int64, sums
        float64. With no keys: one row of totals.

    Notes
    -----
    For keys :math:`k` and a value column :math:`x`, the row of key combination :math:`g` holds
    :math:`n_g = \#\{i : k_i = g\}` and :math:`S_g = \sum_{i : k_i = g} x_i`. Both are
    additive over any partition of the rows, which is what :func:`combine` relies on.

    Examples
    --------
    >>> import pandas as pd
    >>> grouped_sums(
    ...     {"scheme": ["aids", "aids", "personal assistance"]},
    ...     {"amount_dkk": [100.0, 50.0, 1000.0]},
    ... )
                    scheme  n  amount_dkk
    0                 aids  2       150.0
    1  personal assistance  1      1000.0
    """
    return grouped_reduction(keys, values, count=count, observed=observed).table


def grouped_reduction(
    keys: Mapping[str, pd.Series | npt.ArrayLike],
    values: Mapping[str, npt.ArrayLike] | None = None,
    *,
    count: str = "n",
    observed: bool = True,
    reported: Sequence[str] | None = None,
    counted: str | None = None,
) -> Reduction:
    """:func:`grouped_sums`, and the rows it left out for a missing key (:class:`LeftOut`).

    ``reported`` names the keys whose missing values are reported (default: every key); a
    row missing only another key (a derived one, say) is left out without being reported.
    ``counted`` names a boolean value column: only its true rows are reported (the selected
    cases, as an engine reduction with ``where`` sees them). The report costs nothing when no
    key is missing, and one pass over the left-out rows otherwise.

    Examples
    --------
    >>> reduced = grouped_reduction({"scheme": ["aids", None, None]}, {"x": [1.0, 2.0, 4.0]})
    >>> reduced.left_out.rows, reduced.left_out.sums, reduced.left_out.columns
    (2, {'x': 6.0}, ('scheme',))
    """
    columns = {name: _as_series(name, column) for name, column in keys.items()}
    sums = {name: _as_values(name, column) for name, column in (values or {}).items()}
    lengths = {len(c) for c in columns.values()} | {len(v) for v in sums.values()}
    if len(lengths) > 1:
        raise OptionError(f"the key and value columns differ in length: {sorted(lengths)}")
    if count in columns or count in sums:
        raise OptionError(f"the count column {count!r} has the name of a key or value column")
    rows = lengths.pop() if lengths else 0

    # Observed keys first uncompacted (one pass fewer); compacted when their product of sizes
    # would make the count arrays outgrow the cache (random access into them is then slower
    # than the extra pass).
    coded = [_codes(column, observed, compact=False) for column in columns.values()]
    sizes = [max(len(uniques), 1) for _, uniques in coded]
    if observed and np.prod(sizes, dtype=np.float64) > _CACHED_SLOTS:
        coded = [_codes(column, observed) for column in columns.values()]
        sizes = [max(len(uniques), 1) for _, uniques in coded]
    valid = np.ones(rows, dtype=bool)
    for codes, _ in coded:
        valid &= codes >= 0
    # Without a missing key (the usual case) no column is copied out through the mask.
    every = bool(valid.all())
    left_out = LeftOut() if every else _left_out(columns, coded, sums, reported, counted)

    def usable(column: npt.NDArray[_T]) -> npt.NDArray[_T]:
        return column if every else column[valid]

    total = float(np.prod(sizes, dtype=np.float64)) if coded else 1.0
    key_codes: list[npt.NDArray[np.int64]] = []
    if total >= _OVERFLOW_LIMIT:
        # The mixed-radix code of a row would overflow int64: find the distinct rows of codes.
        matrix = np.column_stack([usable(codes) for codes, _ in coded])
        distinct_rows, inverse = np.unique(matrix, axis=0, return_inverse=True)
        group = np.asarray(inverse, dtype=np.int64).reshape(-1)
        slots = len(distinct_rows)
        key_codes = [distinct_rows[:, k].astype(np.int64) for k in range(len(coded))]
    else:
        combined = np.zeros(int(valid.sum()), dtype=np.int64)
        for (codes, _), size in zip(coded, sizes, strict=True):
            combined = combined * size + usable(codes)
        if total <= _DENSE_LIMIT:
            slots, group = int(total), combined
            occupied = None
        else:
            group, distinct = pd.factorize(combined, sort=True)
            slots, occupied = len(distinct), np.asarray(distinct, dtype=np.int64)

    counts = np.bincount(group, minlength=slots).astype(np.int64)
    totals = {name: _summed(group, usable(v), slots) for name, v in sums.items()}
    if key_codes:
        kept = np.arange(slots)
    else:
        if occupied is None:
            kept = np.flatnonzero(counts > 0) if observed and coded else np.arange(slots)
            if any(len(uniques) == 0 for _, uniques in coded):
                # A key with no values has no combinations, not one of zero rows.
                kept = kept[:0]
            positions = kept
        else:
            kept = np.arange(slots)
            positions = occupied
        # Unravel each kept slot into the code of each key (the last key varies fastest).
        remainder = positions.astype(np.int64)
        for size in reversed(sizes):
            key_codes.append(remainder % size)
            remainder = remainder // size
        key_codes.reverse()
    out: dict[str, object] = {}
    for (name, column), (_, uniques), codes in zip(columns.items(), coded, key_codes, strict=True):
        if isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = pd.Categorical.from_codes(
                column.cat.categories.get_indexer(uniques)[codes],
                dtype=column.dtype,
            )
        else:
            out[name] = uniques.take(codes) if len(uniques) else uniques[:0]
    out[count] = counts[kept]
    for name, column_sums in totals.items():
        out[name] = column_sums[kept]
    return Reduction(pd.DataFrame(out), left_out)


def _left_out(
    columns: Mapping[str, pd.Series],
    coded: Sequence[tuple[npt.NDArray[np.int64], pd.Index]],
    sums: Mapping[str, npt.NDArray[Any]],
    reported: Sequence[str] | None,
    counted: str | None,
) -> LeftOut:
    """The rows with a missing value in a reported key, their sums and the keys missing."""
    watched = set(columns) if reported is None else set(reported)
    chosen = None if counted is None else np.asarray(sums[counted], dtype=bool)
    missing: npt.NDArray[np.bool_] | None = None
    names: list[str] = []
    for name, (codes, _) in zip(columns, coded, strict=True):
        if name not in watched:
            continue
        absent = codes < 0 if chosen is None else (codes < 0) & chosen
        if absent.any():
            names.append(name)
            missing = absent if missing is None else missing | absent
    if missing is None:
        return LeftOut()
    return LeftOut(
        int(missing.sum()),
        {name: float(values[missing].sum()) for name, values in sums.items()},
        tuple(names),
    )


def combine(parts: Sequence[pd.DataFrame], by: Sequence[str], *, count: str = "n") -> pd.DataFrame:
    """Add reduced tables of parts of the data into the reduced table of the whole.

    Each part is a table of :func:`grouped_sums` (or of a reduction built on it) with key
    columns ``by``, a count column and sum columns; rows with the same keys are added.

    Examples
    --------
    >>> first = grouped_sums({"scheme": ["aids", "aids"]}, {"amount_dkk": [1.0, 2.0]})
    >>> second = grouped_sums({"scheme": ["aids", "job aids"]}, {"amount_dkk": [4.0, 8.0]})
    >>> combine([first, second], ["scheme"])
         scheme  n  amount_dkk
    0      aids  3         7.0
    1  job aids  1         8.0
    """
    if not parts:
        raise OptionError("combine needs at least one reduced table")
    whole = pd.concat(list(parts), ignore_index=True)
    sum_columns = [c for c in whole.columns if c not in by and c != count]
    table = grouped_sums(
        {name: whole[name] for name in by},
        {count: whole[count].to_numpy(dtype=np.float64)}
        | {name: whole[name].to_numpy(dtype=np.float64) for name in sum_columns},
        count="_rows",
    ).drop(columns="_rows")
    return table.assign(**{count: table[count].round().astype(np.int64)})


def _summed(group: npt.NDArray[np.int64], values: npt.NDArray[Any], slots: int) -> FloatArray:
    """Sum ``values`` per group; a boolean column is counted (bincount of its true rows)."""
    if values.dtype == np.bool_:
        return np.bincount(group[values], minlength=slots).astype(np.float64)
    return np.bincount(group, weights=values, minlength=slots).astype(np.float64)


def _as_series(name: str, column: pd.Series | npt.ArrayLike) -> pd.Series:
    if isinstance(column, pd.Series):
        return column.reset_index(drop=True)
    if isinstance(column, str | bytes) or not hasattr(column, "__len__"):
        raise ArgumentTypeError(f"key {name!r} must hold one value per row, got {column!r}")
    return pd.Series(column)


def _as_values(name: str, column: npt.ArrayLike) -> npt.NDArray[Any]:
    """One number per row: float64, or a boolean column kept as it is (summed as a count)."""
    values = np.asarray(column)
    if values.ndim != 1 or not (
        np.issubdtype(values.dtype, np.number) or values.dtype == np.bool_
    ):
        raise ArgumentTypeError(
            f"value {name!r} must be one number per row, got an array of {values.dtype}"
        )
    if values.dtype == np.bool_:
        return values
    return values.astype(np.float64, copy=False)


def engine_sums(
    frame: EngineFrame,
    keys: Sequence[str],
    values: Mapping[str, nw.Expr] | None = None,
    *,
    derived: Mapping[str, nw.Expr] | None = None,
    where: nw.Expr | None = None,
    count: str = "n",
    categories: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    r"""Count rows and sum values per combination of key values, in the frame's own engine.

    The engine counterpart of :func:`grouped_sums`, with the same output: a narwhals
    ``group_by`` with one ``len`` and one ``sum`` per value, run where the data live (lazily
    when the frame is lazy); only the reduced table is collected, into pandas.

    Parameters
    ----------
    frame
        A frame of another engine, wrapped by :func:`jobhandicap._engines.engine_frame`.
    keys
        Key columns of the frame, or of ``derived``. A row with a missing key is left out
        (:func:`engine_reduction` says how many).
    values
        Expressions to sum, by output name (0/1 indicators cast to integers, or numbers). They
        should never be null: pass indicators and zeros where a value may be absent.
    derived
        Columns computed first (``with_columns``), by name: derived keys (the application
        year, days to decision) and anything ``values`` or ``where`` refer to.
    where
        Keep only the rows where this boolean expression is true.
    count
        Name of the output column counting the rows of each group.
    categories
        Categories of categorical keys, by key: the collected key becomes a pandas
        categorical with these categories (as the pandas path keeps a canonical column's),
        unless it holds a value outside them. A key the engine holds as an ``Enum`` keeps
        the Enum's categories.

    Returns
    -------
    pandas.DataFrame
        As :func:`grouped_sums` with ``observed=True``: one row per key combination that
        occurs, sorted by the keys (categorical keys in the order of their categories), the
        keys, ``count`` (int64), then the sums (float64). With no keys: one row of totals.
        Text keys are of the nullable ``string`` dtype, as in the canonical frames.

    Notes
    -----
    The same sufficient statistics as :func:`grouped_sums`,
    :math:`n_g = \#\{i : k_i = g\}` and :math:`S_g = \sum_{i : k_i = g} x_i`, computed as
    ``SELECT keys, COUNT(*), SUM(x) … GROUP BY keys``.

    Examples
    --------
    >>> import narwhals.stable.v2 as nw
    >>> import polars as pl
    >>> cases = nw.from_native(pl.LazyFrame(
    ...     {"scheme": ["aids", "aids", "job aids"], "amount_dkk": [100.0, 50.0, 1000.0]}))
    >>> engine_sums(cases, ["scheme"], {"amount_dkk": nw.col("amount_dkk")})
         scheme  n  amount_dkk
    0      aids  2       150.0
    1  job aids  1      1000.0
    """
    return engine_reduction(
        frame, keys, values, derived=derived, where=where, count=count, categories=categories
    ).table


def engine_reduction(
    frame: EngineFrame,
    keys: Sequence[str],
    values: Mapping[str, nw.Expr] | None = None,
    *,
    derived: Mapping[str, nw.Expr] | None = None,
    where: nw.Expr | None = None,
    count: str = "n",
    categories: Mapping[str, Sequence[str]] | None = None,
    reported: Sequence[str] | None = None,
    counted: str | None = None,
) -> Reduction:
    """:func:`engine_sums`, and the rows it left out for a missing key (:class:`LeftOut`).

    The rows with a missing key are grouped with the others — a ``group_by`` keeps null keys
    as groups — and split off the collected table: no pass over the data of its own.
    ``reported`` as in :func:`grouped_reduction`; ``counted`` names a 0/1 value: only the rows
    it counts are reported (``rows`` is its sum). :attr:`LeftOut.groups` holds the split-off
    rows of the table.

    Examples
    --------
    >>> import narwhals.stable.v2 as nw
    >>> import polars as pl
    >>> cases = nw.from_native(pl.DataFrame({"scheme": ["aids", None, None]}))
    >>> engine_reduction(cases, ["scheme"]).left_out.rows
    2
    """
    import narwhals.stable.v2 as nw

    sums = dict(values or {})
    names = list(keys)
    clash = [name for name in (count, *sums) if name in names]
    if clash or count in sums:
        raise OptionError(f"the count column {count!r} has the name of a key or value column")
    if derived:
        frame = frame.with_columns(**derived)
    if where is not None:
        frame = frame.filter(where)
    if sums:
        # Elementary aggregations only (PyArrow's group-by takes nothing else): the summed
        # values are columns first.
        frame = frame.with_columns(**{name: expr.cast(nw.Float64) for name, expr in sums.items()})
    aggregations = [nw.len().alias(count)] + [nw.col(name).sum() for name in sums]
    reduced = frame.group_by(*names).agg(*aggregations) if names else frame.select(*aggregations)
    dtypes = reduced.collect_schema() if isinstance(reduced, nw.LazyFrame) else reduced.schema
    table = collect(reduced)
    table = table[[*names, count, *sums]]
    left_out = LeftOut()
    if names:
        absent = table[names].isna()
        lost = absent.any(axis=1).to_numpy(dtype=bool)
        if lost.any():
            left_out = _split_off(
                table.loc[lost],
                absent.loc[lost],
                count if counted is None else counted,
                list(sums),
                reported,
            )
            table = table.loc[~lost].reset_index(drop=True)
    out: dict[str, object] = {}
    for name in names:
        column = _restored(table[name], dtypes[name])
        known = categories.get(name) if categories else None
        dtype = dtypes[name]
        if isinstance(dtype, nw.Enum):
            known = list(dtype.categories)
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(column.cat.categories.dtype)
        if known is not None and bool(column.isin(list(known)).all()):
            column = pd.Series(pd.Categorical(column, categories=list(known)))
        elif column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            # Text keys as the canonical frames hold text: the nullable string dtype.
            column = column.astype("string")
        out[name] = column.reset_index(drop=True)
    counts = table[count].to_numpy(dtype=np.int64)
    out[count] = counts
    for name in sums:
        column_sums = table[name].to_numpy(dtype=np.float64, na_value=np.nan)
        # SQL sums nothing to NULL: an empty table's totals are zeros, as in grouped_sums.
        out[name] = np.where(counts == 0, 0.0, column_sums)
    result = pd.DataFrame(out)
    if names and len(result) > 1:
        result = result.sort_values(names, kind="stable", ignore_index=True)
    return Reduction(result, left_out)


def _split_off(
    lost: pd.DataFrame,
    absent: pd.DataFrame,
    count: str,
    sums: list[str],
    reported: Sequence[str] | None,
) -> LeftOut:
    """The :class:`LeftOut` of the collected rows whose keys are missing (``absent``).

    ``count`` is the column counting the rows reported: groups where it is 0 are not.
    """
    watched = [name for name in absent.columns if reported is None or name in reported]
    hit = absent[watched].any(axis=1).to_numpy(dtype=bool) & (lost[count].to_numpy() > 0)
    picked = lost.loc[hit]
    return LeftOut(
        round(float(picked[count].sum())),
        {
            name: float(picked[name].to_numpy(dtype=np.float64, na_value=np.nan).sum())
            for name in sums
        },
        tuple(name for name in watched if bool(absent[name].to_numpy()[hit].any())),
        lost.reset_index(drop=True),
    )


#: The NumPy integer of each narwhals integer type: a key column collected with missing
#: values arrives as floats and gets its integers back once they are split off.
_INTEGERS = {
    "Int8": np.int8,
    "Int16": np.int16,
    "Int32": np.int32,
    "Int64": np.int64,
    "UInt8": np.uint8,
    "UInt16": np.uint16,
    "UInt32": np.uint32,
    "UInt64": np.uint64,
}


def _restored(column: pd.Series, dtype: object) -> pd.Series:
    """A key column as it would have been collected without missing values."""
    if column.dtype.kind == "f" and type(dtype).__name__ in _INTEGERS:
        return column.astype(_INTEGERS[type(dtype).__name__])
    if column.dtype == object and type(dtype).__name__ == "Boolean":
        return column.astype(bool)
    return column
