"""Building blocks of the cell readers (private; used by :mod:`jobhandicap.frames._parse`).

:class:`Parsed` (a column read: working values plus missing and invalid masks), the
:class:`Problems` collector, the accepted spellings of dates, yes/no and missing cells, and the
vectorised helpers shared by the readers: factorising a column into codes and unique values,
expanding per-unique results back to rows, reading numbers and checking ranges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import problems_frame
from jobhandicap.frames._arrow import dictionary_codes
from jobhandicap.frames._schema import ColumnSpec

__all__ = [
    "Origin",
    "Parsed",
    "Problems",
    "by_code",
    "check_range",
    "expand",
    "factorize",
    "int_array",
    "is_text_missing",
    "read_numbers",
    "report",
    "spreadsheet_rows",
    "unique_messages",
]

Mask = npt.NDArray[np.bool_]
#: Codes of a column's values in a table of its unique values (-1: missing).
Codes = npt.NDArray[np.signedinteger[Any]]
STRING = pd.StringDtype()

#: Dates outside these bounds are reported as implausible (and could not be held as ns).
FIRST_YEAR, LAST_YEAR = 1900, 2199
FIRST_DAY = np.datetime64(f"{FIRST_YEAR}-01-01", "D")
LAST_DAY = np.datetime64(f"{LAST_YEAR}-12-31", "D")
DATE_RANGE = f"expected a date from {FIRST_YEAR} to {LAST_YEAR}"
DATE_FORMATS = "ISO (2019-01-03), dd-mm-yyyy, dd.mm.yyyy or dd/mm/yyyy"

#: (pattern, pandas format) of the accepted date texts, tried in this order.
DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", "ISO8601"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
)
MISSING_WORDS = frozenset({"", "nan", "na", "n/a", "null", "none", "<na>", "nat"})
TRUE_WORDS = frozenset({"true", "yes", "ja", "j", "y", "1", "sand"})
FALSE_WORDS = frozenset({"false", "no", "nej", "n", "0", "falsk"})
INT64_LIMIT = 2.0**63


@attrs.frozen
class Parsed:
    """One parsed column: values in a working dtype plus missing and invalid masks.

    ``data`` holds a missing value wherever ``missing`` or ``invalid`` is set. Working dtypes:
    text ``string``; integer, municipality and likert ``Int64``; number ``float64``; boolean
    ``boolean``; date ``datetime64[D]`` (or ``datetime64[ns]`` holding whole days); category
    ``Categorical`` of the canonical dtype.
    """

    data: Any
    missing: Mask
    invalid: Mask

    @property
    def ok(self) -> Mask:
        """Cells holding a valid value."""
        return ~(self.missing | self.invalid)


@attrs.frozen
class Origin:
    """Where the rows and columns of a table came from, for the problems' text.

    ``rows`` holds the row number of every position as a spreadsheet shows it (the header is
    row 1). ``headers(column, positions)`` gives the header the user wrote for a canonical
    column at those positions (``None`` where there is none), and ``cells(column, positions)``
    the cells as written in the file (``None`` where the file's cell is not known as text; the
    parsed value is then shown). Both are only called when there are problems.
    """

    rows: npt.NDArray[np.int64]
    headers: Callable[[str, npt.NDArray[np.intp]], Sequence[str | None]] | None = None
    cells: Callable[[str, npt.NDArray[np.intp]], Sequence[Any] | None] | None = None


def spreadsheet_rows(n: int) -> npt.NDArray[np.int64]:
    """The rows positions ``0..n-1`` have in a spreadsheet with a header row (position + 2)."""
    return np.arange(2, n + 2, dtype=np.int64)


class Problems:
    """Collects problems as (positions, column, raw values, messages) and renders them once.

    ``rows`` is the row number of each position as a spreadsheet shows it (see
    :func:`spreadsheet_rows`). What a column accepts, when it is too long to repeat on every
    line, is kept once per column in :attr:`accepted`.
    """

    def __init__(self, rows: npt.NDArray[np.int64], columns: Sequence[str]) -> None:
        self._rows = rows
        self._order = {name: i for i, name in enumerate(columns)}
        self._parts: list[tuple[npt.NDArray[np.intp], str, list[Any], list[str]]] = []
        self.accepted: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._parts)

    @property
    def rows(self) -> npt.NDArray[np.int64]:
        """The row number of each position as a spreadsheet shows it (for messages)."""
        return self._rows

    def add(
        self,
        positions: npt.NDArray[np.intp],
        column: str,
        values: Sequence[Any],
        messages: str | Sequence[str],
        accepted: str | None = None,
    ) -> None:
        """Record one problem per position (``messages`` one shared text or one per position).

        ``accepted`` says once, for the whole table, what the column accepts.
        """
        if len(positions) == 0:
            return
        texts = [messages] * len(positions) if isinstance(messages, str) else list(messages)
        self._parts.append((np.asarray(positions, dtype=np.intp), column, list(values), texts))
        if accepted is not None:
            self.accepted.setdefault(column, accepted)

    def merge(self, other: Problems) -> None:
        """Append the problems ``other`` collected (after those collected here)."""
        self._parts.extend(other._parts)
        for column, text in other.accepted.items():
            self.accepted.setdefault(column, text)

    def frame(self, origin: Origin | None = None) -> pd.DataFrame:
        """The problems frame: ordered by row position, then by canonical column order.

        With an ``origin`` the columns carry the user's header and the cells their text as
        written in the file.
        """
        if not self._parts:
            return problems_frame()
        positions = np.concatenate([p[0] for p in self._parts])
        columns = np.concatenate(
            [np.full(len(p[0]), self._order.get(p[1], len(self._order))) for p in self._parts]
        )
        names = [p[1] for p in self._parts for _ in range(len(p[0]))]
        values: list[Any] = []
        headers: list[str | None] = []
        for where, column, found, _ in self._parts:
            shown = origin.cells(column, where) if origin and origin.cells else None
            if shown is None:
                values.extend(found)
            else:
                values.extend(v if s is None else s for v, s in zip(found, shown, strict=True))
            if origin and origin.headers:
                headers.extend(origin.headers(column, where))
            else:
                headers.extend([None] * len(where))
        messages = [m for p in self._parts for m in p[3]]
        order = np.lexsort((columns, positions))
        rows = self._rows[positions].tolist()
        return problems_frame(
            (rows[i], names[i], headers[i], values[i], messages[i]) for i in order.tolist()
        )


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def factorize(raw: pd.Series) -> tuple[Codes, npt.NDArray[np.object_]]:
    """Codes (-1 for missing) and unique values (as Python objects) of a column.

    Arrow-backed text is encoded by Arrow into 32-bit codes (pandas would widen them to
    64 bits, a copy of the column's size); other columns by :func:`pandas.factorize`.
    """
    encoded = dictionary_codes(raw.array)
    if encoded is not None:
        return encoded
    if isinstance(raw.dtype, pd.CategoricalDtype):
        codes = np.asarray(raw.cat.codes.to_numpy(), dtype=np.intp)
        uniques = np.asarray(raw.cat.categories.to_numpy(dtype=object), dtype=object)
        return codes, uniques
    try:
        found_codes, found_uniques = pd.factorize(raw, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): wrap them so they hash and fail
        wrapped = np.empty(len(raw), dtype=object)
        for i, value in enumerate(raw.tolist()):
            wrapped[i] = _Unhashable(value) if _unhashable(value) else value
        wrapped_codes, wrapped_uniques = pd.factorize(wrapped, use_na_sentinel=True)
        return np.asarray(wrapped_codes, dtype=np.intp), np.asarray(wrapped_uniques, dtype=object)
    return np.asarray(found_codes, dtype=np.intp), np.asarray(found_uniques, dtype=object)


def _unhashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


class _Unhashable:
    """A cell whose value cannot be hashed (a list, a dict): no reader accepts it."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def is_text_missing(text: str) -> bool:
    """Whether a text cell stands for a missing value (blank, NA, null, …)."""
    return text.strip().casefold() in MISSING_WORDS


def expand(codes: Codes, unique_missing: Mask, unique_invalid: Mask) -> tuple[Mask, Mask]:
    """Per-row missing and invalid masks from per-unique ones (code -1 is missing)."""
    if not (unique_missing.any() or unique_invalid.any()):
        return codes < 0, np.zeros(len(codes), dtype=bool)
    return by_code(unique_missing, codes, True), by_code(unique_invalid, codes, False)


def by_code(table: npt.NDArray[Any], codes: Codes, fill: Any) -> npt.NDArray[Any]:
    """Per-row values from per-unique ones (``table[code]``), ``fill`` where the code is -1.

    One gather through the table with ``fill`` appended (index -1 is the last entry).
    """
    return np.append(table, np.asarray([fill], dtype=table.dtype))[codes]


def report(
    problems: Problems,
    raw: pd.Series,
    spec: ColumnSpec,
    invalid: Mask,
    messages: str | Callable[[npt.NDArray[np.intp]], Sequence[str]],
    accepted: str | None = None,
) -> None:
    """Record a problem for every set position of ``invalid``, with the raw cell value.

    ``accepted`` says once what the column accepts (see :meth:`Problems.add`).
    """
    positions = np.flatnonzero(invalid)
    if len(positions) == 0:
        return
    values = raw.iloc[positions].tolist()
    problems.add(
        positions,
        spec.name,
        values,
        messages if isinstance(messages, str) else messages(positions),
        accepted,
    )


def unique_messages(
    codes: Codes, texts: Sequence[str | None]
) -> Callable[[npt.NDArray[np.intp]], Sequence[str]]:
    """Messages by row from messages by unique value (looked up lazily, for bad rows only)."""
    table = np.asarray(list(texts), dtype=object)

    def lookup(positions: npt.NDArray[np.intp]) -> Sequence[str]:
        return [str(t) for t in table[codes[positions]].tolist()]

    return lookup


def numeric_uniques(uniques: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.float64], Mask]:
    """Numbers of unique raw values (NaN where not numeric) and which were blank/missing text."""
    n = len(uniques)
    numbers = np.full(n, np.nan)
    blank = np.zeros(n, dtype=bool)
    inferred = pd.api.types.infer_dtype(uniques, skipna=True)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return pd.to_numeric(pd.Series(uniques), errors="coerce").to_numpy(float), blank
    is_text = np.fromiter((isinstance(u, str) for u in uniques), dtype=bool, count=n)
    is_number = np.fromiter(
        (
            isinstance(u, int | float | np.integer | np.floating) and not isinstance(u, bool)
            for u in uniques
        ),
        dtype=bool,
        count=n,
    )
    if is_number.any():
        numbers[is_number] = np.asarray(uniques[is_number].tolist(), dtype=float)
    if is_text.any():
        texts = pd.Series(uniques[is_text], dtype=object).str.strip()
        blank_text = texts.str.casefold().isin(MISSING_WORDS).to_numpy(bool)
        blank[is_text] = blank_text
        numbers[is_text] = pd.to_numeric(texts.where(~blank_text), errors="coerce").to_numpy(float)
    return numbers, blank


def read_numbers(
    raw: pd.Series, spec: ColumnSpec, problems: Problems, what: str
) -> tuple[npt.NDArray[Any], Mask, Mask]:
    """Numbers of a column (int64 when the input is integer-typed, else float64)."""
    dtype = raw.dtype
    n = len(raw)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        missing = raw.isna().to_numpy(bool)
        report(problems, raw, spec, ~missing, f"expected {what}")
        return np.zeros(n), missing, ~missing
    if pd.api.types.is_integer_dtype(dtype):
        missing = raw.isna().to_numpy(bool)
        return raw.to_numpy(dtype=np.int64, na_value=0), missing, np.zeros(n, dtype=bool)
    if pd.api.types.is_float_dtype(dtype):
        values = raw.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)  # never the input's
        missing = np.isnan(values)
        invalid = np.isinf(values)
        report(problems, raw, spec, invalid, f"expected {what} (a finite number)")
        if not invalid.any():
            return values, missing, invalid
        return np.where(invalid, np.nan, values), missing, invalid
    codes, uniques = factorize(raw)
    numbers, blank = numeric_uniques(uniques)
    bad = ~blank & ~np.isfinite(numbers)
    missing, invalid = expand(codes, blank, bad)
    report(problems, raw, spec, invalid, f"expected {what}")
    values = numbers[np.where(codes >= 0, codes, 0)] if len(numbers) else np.full(n, np.nan)
    return np.where(missing | invalid, np.nan, values), missing, invalid


def range_message(spec: ColumnSpec, what: str) -> str:
    """What a column with bounds accepts, e.g. ``expected a number from 0 to 1``."""
    low, high = spec.minimum, spec.maximum
    if spec.exclusive_minimum and low is not None:
        return f"expected {what} greater than {low:g}"
    if low is not None and high is not None:
        return f"expected {what} from {low:g} to {high:g}"
    if low is not None:
        return f"expected {what} of {low:g} or more"
    return f"expected {what} of {high:g} or less"


def check_range(
    values: npt.NDArray[Any],
    ok: Mask,
    raw: pd.Series,
    spec: ColumnSpec,
    problems: Problems,
    what: str,
) -> Mask:
    """Report values outside the spec's bounds; return the mask of those values."""
    outside = np.zeros(len(values), dtype=bool)
    if spec.minimum is None and spec.maximum is None:
        return outside
    if spec.minimum is not None:
        below = values <= spec.minimum if spec.exclusive_minimum else values < spec.minimum
        outside |= ok & below
    if spec.maximum is not None:
        outside |= ok & (values > spec.maximum)
    report(problems, raw, spec, outside, range_message(spec, what))
    return outside


def int_array(values: npt.NDArray[Any], mask: Mask) -> Any:
    """A nullable Int64 array of ``values`` with ``mask`` as missing."""
    data = np.where(mask, 0, values).astype(np.int64)
    return pd.arrays.IntegerArray(data, mask.copy())
