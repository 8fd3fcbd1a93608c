"""Validation of raw tables into canonical frames (private; used by :mod:`jobhandicap.frames`).

:func:`validate` reads every column of a schema with the vectorised readers of
:mod:`jobhandicap.frames._parse`, runs the checks that span columns (duplicate keys, dates in
order, amounts only on granted cases, …) on the rows whose cells were readable, and either raises
one :class:`~jobhandicap.errors.SchemaError` listing every problem or returns the canonical frame.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap._labels import label_key
from jobhandicap.domain import Decision
from jobhandicap.errors import MissingColumnsError, SchemaError, problems_frame
from jobhandicap.frames._arrow import mix, text_hashes
from jobhandicap.frames._cells import Origin, Parsed, Problems, factorize, spreadsheet_rows
from jobhandicap.frames._parse import absent_column, parse_column
from jobhandicap.frames._sampled import check_sampled_survey
from jobhandicap.frames._schema import (
    CASES_SCHEMA,
    DETAIL_DECISIONS,
    OUTCOMES_SCHEMA,
    SAMPLED_SURVEY_SCHEMA,
    SURVEY_SCHEMA,
    ColumnSpec,
    FrameSchema,
)

__all__ = ["canonical_column", "tick_items", "validate"]

Columns = Mapping[str, Parsed]
_T = TypeVar("_T")
CrossCheck = Callable[[pd.DataFrame, Columns, Problems], dict[str, Any]]


def _check_input(frame: object, schema: FrameSchema) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(
            f"validate_{schema.kind} expects a pandas DataFrame, got {type(frame).__name__}"
        )
    repeated = frame.columns[frame.columns.duplicated()].unique().tolist()
    wanted = [name for name in repeated if name in schema.names]
    if wanted:
        message = "the column appears more than once; keep one"
        raise SchemaError(
            f"the {schema.kind} table has repeated columns",
            problems_frame((None, name, None, message) for name in wanted),
        )
    missing = [name for name in schema.required if name not in frame.columns]
    if schema is CASES_SCHEMA and ("decided" in frame.columns) != ("decision" in frame.columns):
        # Decided cases need both; a table of open cases may have neither.
        missing.append("decision" if "decided" in frame.columns else "decided")
    if missing:
        raise MissingColumnsError(missing, list(frame.columns), schema.kind)
    return frame


def _values(parsed: Parsed) -> npt.NDArray[Any]:
    """Plain NumPy values of a parsed column (missing as NaN/NaT/-1/None)."""
    values = parsed.data
    if isinstance(values, pd.Categorical):
        return np.asarray(values.codes)  # its own small integer type: no copy
    if isinstance(values, pd.arrays.IntegerArray):
        return values.to_numpy(dtype=np.int64, na_value=-1)
    return np.asarray(values)


def _column_hashes(column: pd.Series) -> npt.NDArray[np.uint64] | None:
    """64-bit hashes of a key column such that equal keys hash equally (``None``: unsupported).

    Missing values hash like some present value; that only makes rows candidates.
    """
    values = column.array
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
        return mix(column.to_numpy().astype(np.int64).view(np.uint64))
    if isinstance(values, pd.Categorical):
        return mix(values.codes.astype(np.int64).view(np.uint64))
    if isinstance(values, pd.arrays.IntegerArray):
        return mix(
            np.array(values.to_numpy(dtype=np.int64, na_value=-1), copy=True).view(np.uint64)
        )
    return text_hashes(values)


def _repeated_exactly(keys: pd.DataFrame) -> npt.NDArray[np.bool_]:
    r""":func:`_repeated_rows` without hashing: ``duplicated`` on the key columns.

    Slower on millions of Arrow strings, hence only the fallback. Not ``factorize``: pandas 2's
    string hashtable compares C strings, so there ``"a\x00"`` would equal ``"a"``.
    """
    return np.asarray(keys.duplicated(keep=False).to_numpy(dtype=bool), dtype=np.bool_)


def _repeated_rows(keys: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Mark every row whose key (all columns of ``keys``) occurs more than once.

    Keys are hashed to 64 bits where that is cheap (Arrow text, integers, categoricals) and
    the hashes sorted: rows whose hash is unique have a unique key, and only the rows sharing
    a hash are compared exactly by factorising them (which for all rows is several times
    slower, and cache-hostile for millions of distinct Arrow strings). The result is exact.
    """
    n = len(keys)
    if not n:
        return np.zeros(0, dtype=bool)
    hashes: npt.NDArray[np.uint64] | None = None
    for name in keys.columns:
        column = _column_hashes(keys[name])
        if column is None:
            return _repeated_exactly(keys)
        hashes = column if hashes is None else mix(hashes ^ column)
    if hashes is None:  # pragma: no cover - a key has at least one column
        return _repeated_exactly(keys)
    ordered = np.sort(hashes)
    shared = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(shared):
        return np.zeros(n, dtype=bool)
    shared = np.unique(shared)
    found = np.minimum(np.searchsorted(shared, hashes), len(shared) - 1)
    candidates = shared[found] == hashes
    repeated = np.zeros(n, dtype=bool)
    repeated[candidates] = _repeated_exactly(keys.iloc[np.flatnonzero(candidates)])
    return repeated


def _duplicates(
    frame: pd.DataFrame, schema: FrameSchema, columns: Columns, problems: Problems
) -> None:
    """Report every row of every group of rows sharing the schema's key."""
    if not schema.key:
        return
    usable = np.logical_and.reduce([columns[name].ok for name in schema.key])
    everything = bool(usable.all())
    keys = pd.DataFrame(
        {
            name: columns[name].data if everything else columns[name].data[usable]
            for name in schema.key
        },
        copy=False,
    )
    repeated = _repeated_rows(keys)
    if not repeated.any():
        return
    positions = np.flatnonzero(usable)[repeated]
    counts = keys[repeated].groupby(list(schema.key), sort=False)[schema.key[0]].transform("size")
    first = schema.key[0]
    if len(schema.key) == 1:
        messages = [f"duplicate {first}: {k} rows have this value" for k in counts.tolist()]
    else:
        names = ", ".join(schema.key[:-1]) + f" and {schema.key[-1]}"
        messages = [f"duplicate row: {k} rows have this {names}" for k in counts.tolist()]
    problems.add(positions, first, frame[first].iloc[positions].tolist(), messages)


def canonical_column(spec: ColumnSpec, parsed: Parsed) -> Any:
    """The canonical array of a parsed column known to have no problems."""
    values = parsed.data
    if spec.kind == "date":
        days = np.asarray(values)
        if days.dtype == np.dtype("datetime64[ns]"):
            return days
        return days.astype("datetime64[D]").astype("datetime64[ns]")
    if spec.kind in ("municipality", "integer") and spec.dtype == "int64":
        return values.to_numpy(dtype=np.int64, na_value=0)
    return values


#: Tables of at least this many rows have their columns parsed in parallel threads.
PARALLEL_ROWS = 100_000


def _cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without CPU affinity


class _InThisThread:
    """An executor running each task when it is submitted (tables too small for threads)."""

    def submit(self, task: Callable[..., _T], /, *args: Any) -> Future[_T]:
        done: Future[_T] = Future()
        done.set_result(task(*args))
        return done


class _ContextThreads(ThreadPoolExecutor):
    """Worker threads that run each task in a copy of the submitting thread's context.

    Messages made in a worker then name options as the interface in use writes them
    (:mod:`jobhandicap._advice` keeps the interface in a context variable).
    """

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


def _executor(rows: int, columns: int) -> AbstractContextManager[Any]:
    """Where the columns of a table of ``rows`` rows are parsed: threads, or this one."""
    workers = min(columns, _cpus()) if rows >= PARALLEL_ROWS else 1
    if workers > 1:
        return _ContextThreads(workers, thread_name_prefix="jobhandicap-validate")
    return contextlib.nullcontext(_InThisThread())


@attrs.frozen
class _Column:
    """One column parsed: the values, the problems found, and (if none) its canonical array."""

    parsed: Parsed
    problems: Problems
    canonical: Any


class _ParsedColumns(Mapping[str, Parsed]):
    """The columns of a table as they are parsed: looking one up waits until it is ready."""

    def __init__(self, parsing: Mapping[str, Future[_Column]]) -> None:
        self._parsing = parsing

    def __getitem__(self, name: str) -> Parsed:
        return self.column(name).parsed

    def __contains__(self, name: object) -> bool:
        return name in self._parsing

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsing)

    def __len__(self) -> int:
        return len(self._parsing)

    def column(self, name: str) -> _Column:
        """Everything the parse of one column gave."""
        try:
            parsing = self._parsing[name]
        except KeyError:
            raise RuntimeError(
                f"a check read column {name!r} before it was queued: add it to CHECK_READS"
            ) from None
        return parsing.result()


def _parse(
    raw: pd.Series | None, spec: ColumnSpec, rows: npt.NDArray[np.int64], names: Sequence[str]
) -> _Column:
    """Parse one column (an absent optional one as all missing) into its own problems."""
    problems = Problems(rows, names)
    parsed = absent_column(spec, len(rows)) if raw is None else parse_column(raw, spec, problems)
    # The canonical array is made here, in the worker, rather than after every check.
    canonical = None if problems else _owned(canonical_column(spec, parsed))
    return _Column(parsed, problems, canonical)


def _check_keys(
    table: pd.DataFrame,
    schema: FrameSchema,
    columns: Columns,
    check: bool,
    rows: npt.NDArray[np.int64],
) -> Problems:
    """The problems of :func:`_duplicates` (none when not ``check``)."""
    problems = Problems(rows, schema.names)
    if check:
        _duplicates(table, schema, columns, problems)
        if schema is CASES_SCHEMA and "person" in table.columns:
            _overlaps(table, columns, problems)
    return problems


def _overlaps(table: pd.DataFrame, columns: Columns, problems: Problems) -> None:
    """Report grant periods overlapping an earlier one of the same person and scheme.

    A check of the table, like duplicate keys: a list of records may hold overlapping periods.
    The person key is never shown; the problem names the row.
    """
    start, end, decision = columns["granted_from"], columns["granted_to"], columns["decision"]
    starts = np.asarray(start.data, dtype="datetime64[D]")
    ends = np.asarray(end.data, dtype="datetime64[D]")
    granted = CASES_SCHEMA["decision"].categories.index(Decision.GRANTED.value)
    usable = start.ok & ~end.invalid & decision.ok & (_values(decision) == granted)
    usable &= np.isnat(ends) | (ends >= starts)
    where = _overlapping(columns, usable, starts, ends)
    if len(where):
        problems.add(
            where,
            "granted_from",
            table["granted_from"].iloc[where].tolist(),
            "the grant period overlaps an earlier period of the same person and scheme",
        )


def _check_across(
    table: pd.DataFrame,
    schema: FrameSchema,
    columns: Columns,
    check: CrossCheck | None,
    rows: npt.NDArray[np.int64],
) -> tuple[dict[str, Any], Problems]:
    """The derived columns and the problems of the checks across columns."""
    problems = Problems(rows, schema.names)
    derived = check(table, columns, problems) if check is not None else {}
    return derived, problems


def _task_order(
    specs: Sequence[ColumnSpec], schema: FrameSchema, cross_check: CrossCheck | None
) -> tuple[list[ColumnSpec], list[ColumnSpec], list[ColumnSpec]]:
    """The key columns, the other columns the check across columns reads, and the rest.

    :func:`validate` queues the two checks after the first two groups and before the rest,
    so that they run while the rest is parsed. A check waits for any column it reads that is
    still being parsed, so a wrong order is only slower; but a column read and not listed in
    :data:`CHECK_READS` is not queued yet when a small table is checked in this thread, and
    that is an error (``RuntimeError``), which the tests would show.
    """
    reads = set(CHECK_READS.get(cross_check, ())) if cross_check is not None else set()
    keys = [spec for spec in specs if spec.name in schema.key]
    read = [spec for spec in specs if spec.name in reads and spec.name not in schema.key]
    rest = [spec for spec in specs if spec not in keys and spec not in read]
    return keys, read, rest


def validate(
    frame: object,
    schema: FrameSchema,
    cross_check: CrossCheck | None = None,
    *,
    check_keys: bool = True,
    origin: Origin | None = None,
) -> pd.DataFrame:
    """Read a raw table into the canonical frame of ``schema`` or raise one SchemaError.

    ``check_keys=False`` skips the duplicate-key check: records may repeat as models, only a
    table must not.

    Problems name rows as a spreadsheet shows them: by default the row a position would have
    if the frame were written with its header (position + 2, whatever the index); the readers
    pass an ``origin`` with the file's own row numbers, headers and cell texts.

    Tables of :data:`PARALLEL_ROWS` rows or more are validated in worker threads (the heavy
    work, Arrow and NumPy kernels, releases the GIL): a task per column, one for the key
    check and one for the checks across columns, each check waiting only for the columns it
    reads. Every task records its problems in a collector of its own, merged in a fixed order,
    so the result and the problems are exactly those of doing one thing after another.
    """
    table = _check_input(frame, schema)
    rows = spreadsheet_rows(len(table)) if origin is None else origin.rows
    specs = [spec for spec in schema.columns if not spec.derived]
    raws = {spec.name: table[spec.name] for spec in specs if spec.name in table.columns}
    keys, read, rest = _task_order(specs, schema, cross_check)
    parsing: dict[str, Future[_Column]] = {}
    with _executor(len(table), len(raws)) as executor:

        def queue(group: list[ColumnSpec]) -> None:
            for spec in group:
                parsing[spec.name] = executor.submit(
                    _parse, raws.get(spec.name), spec, rows, schema.names
                )

        queue(keys + read)
        columns = _ParsedColumns(parsing)
        key_check = executor.submit(_check_keys, table, schema, columns, check_keys, rows)
        across = executor.submit(_check_across, table, schema, columns, cross_check, rows)
        queue(rest)
        problems = Problems(rows, schema.names)
        for spec in specs:
            problems.merge(columns.column(spec.name).problems)
        problems.merge(key_check.result())
        derived, found = across.result()
        problems.merge(found)
    if problems:
        raise SchemaError(
            f"the {schema.kind} table does not meet its schema",
            problems.frame(origin),
            problems.accepted,
        )
    data = {
        spec.name: _owned(derived[spec.name])
        if spec.derived or spec.name in derived
        else columns.column(spec.name).canonical
        for spec in schema.columns
    }
    # Every column is the frame's own: no copy, and no consolidation of same-typed columns
    # into 2-D blocks (a copy of every numeric column).
    return pd.DataFrame(data, copy=False)


def _owned(values: Any) -> Any:
    """A column the result frame may own: it shares no memory with the input, and is writable.

    NumPy arrays made here own their memory and are used as they are; anything else (extension
    arrays, which may wrap the input's, and views) is copied.
    """
    if isinstance(values, np.ndarray) and values.flags.owndata and values.flags.writeable:
        return values
    return values.copy()


# --------------------------------------------------------------------------------------------
# Checks across columns
# --------------------------------------------------------------------------------------------


def _show_days(days: npt.NDArray[np.datetime64]) -> list[str]:
    return [str(d) for d in np.datetime_as_string(days, unit="D").tolist()]


def check_cases(frame: pd.DataFrame, columns: Columns, problems: Problems) -> dict[str, Any]:
    """Dates in order, decision with its date, amounts only on granted cases; derive jobcentre."""

    def raw(name: str, positions: npt.NDArray[np.intp]) -> list[Any]:
        if not len(positions):
            return []
        if name in frame.columns:
            return list(frame[name].iloc[positions].tolist())
        return [None] * len(positions)

    applied, decided = columns["applied"], columns["decided"]
    decision, amount = columns["decision"], columns["amount_dkk"]
    applied_days = np.asarray(applied.data, dtype="datetime64[D]")
    categories = np.asarray([*CASES_SCHEMA["decision"].categories, "open"], dtype=object)
    decision_codes = _values(decision)
    # Each mask once: Parsed.ok is computed on every use.
    applied_ok, decided_ok, decision_ok = applied.ok, decided.ok, decision.ok

    # Compared in their own units (whole days either way): no conversion of the column.
    early = applied_ok & decided_ok & (np.asarray(decided.data) < np.asarray(applied.data))
    where = np.flatnonzero(early)
    problems.add(
        where,
        "decided",
        raw("decided", where),
        [f"decided before the application date {d}" for d in _show_days(applied_days[where])],
    )

    no_date = decision_ok & decided.missing
    where = np.flatnonzero(no_date)
    problems.add(
        where,
        "decided",
        raw("decided", where),
        [f"a {c} case needs a decision date" for c in categories[decision_codes[where]]],
    )
    labels = _raw_labels(frame, "decision")
    open_status = _label_rows(labels, len(frame), CASES_SCHEMA["decision"].missing_labels)
    no_decision = decided_ok & decision.missing
    where = np.flatnonzero(no_decision & ~open_status)
    problems.add(
        where,
        "decision",
        raw("decision", where),
        "a case with a decision date needs a decision (granted, refused or withdrawn)",
    )
    where = np.flatnonzero(no_decision & open_status)
    problems.add(
        where,
        "decision",
        raw("decision", where),
        [
            f"the status says the case is open, but it has a decision date ({d}): give the "
            "decision (granted, refused or withdrawn), or leave the decision date empty"
            for d in _show_days(np.asarray(decided.data, dtype="datetime64[D]")[where])
        ],
    )

    granted = CASES_SCHEMA["decision"].categories.index(Decision.GRANTED.value)
    not_granted = (decision_ok & (decision_codes != granted)) | (
        decision.missing & decided.missing
    )
    amounts = np.asarray(amount.data, dtype=np.float64)
    # 0 (0,00) is how exports write "no amount" on a refused, withdrawn or open case.
    zero = amount.ok & not_granted & (amounts == 0)
    stray = amount.ok & not_granted & ~zero
    where = np.flatnonzero(stray)
    problems.add(
        where,
        "amount_dkk",
        raw("amount_dkk", where),
        [
            f"only granted cases carry an amount; this one is {c}"
            for c in categories[decision_codes[where]]
        ],
    )

    usable = columns["municipality"].ok & applied_ok
    municipality = _values(columns["municipality"])
    jobcentre = reference.jobcentre_codes(municipality, applied_days)
    np.putmask(jobcentre, ~usable, -1)
    where = np.flatnonzero(usable & (jobcentre < 0))
    problems.add(
        where,
        "applied",
        raw("applied", where),
        [
            f"no jobcentre served municipality {m} on {d}"
            for m, d in zip(
                municipality[where].tolist(), _show_days(applied_days[where]), strict=True
            )
        ],
    )
    _check_periods(columns, problems, raw, granted_rows=decision_ok & ~not_granted)
    derived: dict[str, Any] = {"jobcentre": jobcentre}
    if zero.any():
        derived["amount_dkk"] = np.where(zero, np.nan, amounts)
    detail = _decision_detail(frame, labels, columns, problems)
    if detail is not None:
        derived["decision_detail"] = detail
    return derived


def _check_periods(
    columns: Columns,
    problems: Problems,
    raw: Callable[[str, npt.NDArray[np.intp]], list[Any]],
    *,
    granted_rows: npt.NDArray[np.bool_],
) -> None:
    """Grant periods: on granted cases, in order, after the application.

    Hours and a yearly amount need a period. (Overlaps of periods of one person and scheme
    are a check of the table: :func:`_overlaps`.)
    """
    start, end = columns["granted_from"], columns["granted_to"]
    applied = columns["applied"]
    starts = np.asarray(start.data, dtype="datetime64[D]")
    ends = np.asarray(end.data, dtype="datetime64[D]")
    has_start, has_end = start.ok, end.ok

    where = np.flatnonzero(has_end & start.missing)
    problems.add(
        where,
        "granted_to",
        raw("granted_to", where),
        "a grant period needs its start (granted_from)",
    )
    where = np.flatnonzero(has_start & has_end & (ends < starts))
    problems.add(
        where,
        "granted_to",
        raw("granted_to", where),
        [f"the period ends before it starts ({d})" for d in _show_days(starts[where])],
    )
    applied_days = np.asarray(applied.data, dtype="datetime64[D]")
    where = np.flatnonzero(has_start & applied.ok & (starts < applied_days))
    problems.add(
        where,
        "granted_from",
        raw("granted_from", where),
        [
            f"the period starts before the application date {d}"
            for d in _show_days(applied_days[where])
        ],
    )
    decision = columns["decision"]
    where = np.flatnonzero(has_start & ~granted_rows & (decision.ok | decision.missing))
    problems.add(
        where,
        "granted_from",
        raw("granted_from", where),
        "only granted cases have a grant period; this one is not granted",
    )
    for name, what in (
        ("hours_per_week", "hours per week"),
        ("yearly_amount_dkk", "a yearly amount"),
    ):
        given = columns[name]
        where = np.flatnonzero(given.ok & ~given.missing & start.missing & ~has_end)
        problems.add(
            where, name, raw(name, where), f"{what} belongs to a grant period: give granted_from"
        )


def _overlapping(
    columns: Columns,
    usable: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.datetime64],
    ends: npt.NDArray[np.datetime64],
) -> npt.NDArray[np.intp]:
    """The rows whose period overlaps an earlier one of the same person and scheme.

    Sorted by person, scheme and start, a period overlaps an earlier one exactly when it
    starts on or before the latest end among the earlier periods of its pair (a running
    maximum per pair, open ends as the far future). Vectorised: one sort, one running maximum.
    """
    person, scheme = columns["person"], columns["scheme"]
    usable = usable & person.ok & ~person.missing & scheme.ok
    rows = np.flatnonzero(usable)
    if len(rows) < 2:
        return rows[:0]
    person_codes, _ = pd.factorize(pd.Series(person.data).iloc[rows], sort=False)
    scheme_codes = np.asarray(_values(scheme)[rows], dtype=np.int64)
    start = starts[rows].astype(np.int64)
    far = np.iinfo(np.int64).max
    end = np.where(np.isnat(ends[rows]), far, ends[rows].astype(np.int64))
    order = np.lexsort((end, start, scheme_codes, person_codes))
    pair = person_codes[order] * (int(scheme_codes.max()) + 1) + scheme_codes[order]
    s, e = start[order], end[order]
    new_pair = np.r_[True, pair[1:] != pair[:-1]]
    block = np.cumsum(new_pair) - 1
    # The latest end among the earlier periods of the pair (none before its first period).
    previous = np.r_[np.iinfo(np.int64).min, e[:-1]]
    previous[new_pair] = np.iinfo(np.int64).min
    overlap = s <= _running_max_by_block(previous, block)
    return np.sort(rows[order[overlap]])


def _running_max_by_block(
    values: npt.NDArray[np.int64], block: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Running maximum of ``values`` restarting at each new ``block`` (blocks sorted)."""
    # Ranks of values are order-preserving; lifting each block above all earlier ones makes a
    # plain running maximum restart per block.
    ranks = np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)
    lifted = block * (len(values) + 1) + ranks
    running = np.maximum.accumulate(lifted) - block * (len(values) + 1)
    uniques = np.unique(values)
    return uniques[running]


RawLabels = tuple[npt.NDArray[np.intp], list[object]] | None


def _raw_labels(frame: pd.DataFrame, column: str) -> RawLabels:
    """The raw cells of ``column`` as codes into their distinct values (``None``: absent)."""
    if column not in frame.columns:
        return None
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes, dtype=np.intp), list(values.cat.categories)
    codes, uniques = factorize(values)  # unhashable cells too (reported by their parser)
    return np.asarray(codes, dtype=np.intp), list(uniques)


def _label_rows(raw: RawLabels, n: int, labels: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Rows whose raw cell is text matching one of ``labels`` (on label keys)."""
    if raw is None or not labels or not len(raw[1]):
        return np.zeros(n, dtype=bool)
    keys = {label_key(label) for label in labels}
    codes, uniques = raw
    hit = np.asarray([isinstance(u, str) and label_key(u) in keys for u in uniques], dtype=bool)
    if not hit.any():
        return np.zeros(n, dtype=bool)
    return np.append(hit, False)[codes]


def _decision_detail(
    frame: pd.DataFrame, labels: RawLabels, columns: Columns, problems: Problems
) -> pd.Categorical | None:
    """The decision detail: the column's own, else what the decision label says.

    "Delvis bevilget" is a granted case, "Bortfaldet" a withdrawn one: the decision column
    reads them so, and the detail keeps the rest. ``None`` when the input says nothing more.
    """
    spec = CASES_SCHEMA["decision_detail"]
    given = columns["decision_detail"]
    codes = np.asarray(given.data.codes, dtype=np.int64)
    from_label = np.full(len(frame), -1, dtype=np.int64)
    for i, value in enumerate(spec.categories):
        said = [label for label, v in spec.aliases.items() if v == value]
        from_label[_label_rows(labels, len(frame), said)] = i
    codes = np.where(codes >= 0, codes, from_label)
    if not (codes >= 0).any():
        return None
    decision = columns["decision"]
    decision_values = np.asarray([*CASES_SCHEMA["decision"].categories, "open"], dtype=object)
    decided = decision_values[_values(decision)]
    needs = np.asarray([DETAIL_DECISIONS[c] for c in spec.categories], dtype=object)
    wrong = (codes >= 0) & decision.ok & (needs[np.maximum(codes, 0)] != decided)
    wrong |= (codes >= 0) & decision.missing
    where = np.flatnonzero(wrong)
    if len(where):
        shown = (
            frame["decision_detail"].iloc[where].tolist()
            if "decision_detail" in frame.columns
            else [None] * len(where)
        )
        problems.add(
            where,
            "decision_detail",
            shown,
            [
                f"the detail {spec.categories[c]!r} belongs to a {needs[c]} case; this one is {d}"
                for c, d in zip(codes[where].tolist(), decided[where].tolist(), strict=True)
            ],
        )
    return pd.Categorical.from_codes(codes, dtype=spec.dtype)


def check_outcomes(frame: pd.DataFrame, columns: Columns, problems: Problems) -> dict[str, Any]:
    """No more people entering a job than there were persons."""
    persons, entered = columns["persons"], columns["entered_job"]
    p, e = _values(persons), _values(entered)
    where = np.flatnonzero(persons.ok & entered.ok & (e > p))
    problems.add(
        where,
        "entered_job",
        frame["entered_job"].iloc[where].tolist(),
        [f"more than the {k} persons" for k in p[where].tolist()],
    )
    return {}


def tick_items(survey: pd.DataFrame) -> list[str]:
    """The 0/1 tick items of a canonical survey frame, sorted.

    The items of the packaged multiple-response sets (:func:`jobhandicap.reference.item_sets`)
    and every item with an answer 0 (not ticked): validation accepts 0 only in an item whose
    answers are all 0 or 1. An item answered only 1 outside the packaged sets cannot be told
    from a Likert item and is not among them.
    """
    known = {i for items in reference.item_sets().values() for i in items}
    zero = survey["answer"].to_numpy(dtype=np.float64, na_value=np.nan) == 0
    present = set(survey["item"].dropna().astype(str).unique().tolist())
    ticked = set(survey["item"][zero].dropna().astype(str).unique().tolist())
    return sorted((known & present) | ticked)


def check_survey(frame: pd.DataFrame, columns: Columns, problems: Problems) -> dict[str, Any]:
    """Answer 0 (not ticked) only in 0/1 tick items; a known tick item answers 0, 1 or nothing.

    A tick item is an option of a multiple-response set: an item of
    :func:`jobhandicap.reference.item_sets`, or an item outside the packaged instrument whose
    answers are all 0 or 1. Likert validation is not weakened: a packaged Likert item, or any
    item with a Likert answer 2-5 or 9, refuses 0.
    """
    item, answer = columns["item"], columns["answer"]
    codes = _values(answer)
    usable = item.ok & answer.ok
    zero = usable & (codes == 0)
    tick_items = {i for items in reference.item_sets().values() for i in items}
    known = set(reference.instrument_items("survey"))
    if not zero.any() and not tick_items:
        return {}
    names = pd.Series(item.data, dtype="string")
    is_tick = names.isin(tick_items).to_numpy(dtype=bool, na_value=False)
    likert_answer = usable & (codes >= 2)
    # Items that have a Likert answer (2-5 or 9) somewhere; codes 0 and 1 alone say "tick".
    mixed = set(names[likert_answer].dropna().unique().tolist()) if zero.any() else set()
    is_likert = names.isin(known - tick_items).to_numpy(dtype=bool, na_value=False)
    is_mixed = names.isin(mixed).to_numpy(dtype=bool, na_value=False)

    def raw_answers(where: npt.NDArray[np.intp]) -> list[Any]:
        return list(frame["answer"].iloc[where].tolist())

    where = np.flatnonzero(zero & ~is_tick & (is_likert | is_mixed))
    problems.add(
        where,
        "answer",
        raw_answers(where),
        [
            f"0 (not ticked) is an answer of a 0/1 tick item only; {name!r} is a Likert item "
            "(1-5, 9 = don't know)"
            for name in names.iloc[where].tolist()
        ],
    )
    where = np.flatnonzero(is_tick & likert_answer)
    problems.add(
        where,
        "answer",
        raw_answers(where),
        [
            f"{name!r} is a 0/1 tick item of a multiple-response set: expected 1 (ticked), "
            "0 (not ticked) or an empty cell"
            for name in names.iloc[where].tolist()
        ],
    )
    return {}


CROSS_CHECKS: dict[str, CrossCheck] = {
    CASES_SCHEMA.kind: check_cases,
    OUTCOMES_SCHEMA.kind: check_outcomes,
    SAMPLED_SURVEY_SCHEMA.kind: check_sampled_survey,
    SURVEY_SCHEMA.kind: check_survey,
}

#: The columns each check across columns reads (what :func:`validate` parses before it).
CHECK_READS: dict[CrossCheck, tuple[str, ...]] = {
    check_cases: (
        "municipality",
        "applied",
        "decided",
        "decision",
        "amount_dkk",
        "decision_detail",
        "granted_from",
        "granted_to",
        "hours_per_week",
        "yearly_amount_dkk",
        "person",
        "scheme",
    ),
    check_outcomes: ("persons", "entered_job"),
    check_sampled_survey: ("weight", "stratum", "cluster", "population"),
    check_survey: ("item", "answer"),
}
