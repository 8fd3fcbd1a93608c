"""The readers and writers of input files (public face: :mod:`jobhandicap.io`)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _safe_text, frames
from jobhandicap._advice import option
from jobhandicap._labels import label_key
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
    UnknownLabelError,
    problems_frame,
)
from jobhandicap.frames import _arrow, _dates
from jobhandicap.frames._cells import Origin
from jobhandicap.frames._respondents import normalise_respondents
from jobhandicap.frames._schema import DANISH_LABELS
from jobhandicap.frames._validate import CROSS_CHECKS, validate
from jobhandicap.io import _csv, _formats, _mapping
from jobhandicap.io._headers import (
    HeaderMatch,
    check_kind,
    danish_header,
    header_table,
    match_headers,
    missing_columns_error,
    resolve_headers,
    user_headers,
)
from jobhandicap.io._mapping import read_mapping

__all__ = [
    "Source",
    "accepted_headers",
    "read_cases",
    "read_mapping",
    "read_outcomes",
    "read_people",
    "read_population",
    "read_profiles",
    "read_staff",
    "read_survey",
    "write_csv",
    "write_excel",
]

#: What the readers accept: a path, or a file opened in text or binary mode.
Source: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"
#: What the writers accept: a path, or a file opened in text (CSV only) or binary mode.
Target: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"
FileFormat: TypeAlias = Literal["csv", "excel", "xlsx", "parquet"]
Language: TypeAlias = Literal["da", "en"]

_SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_NAMES = {"csv": "csv", "excel": "excel", "xlsx": "excel", "parquet": "parquet"}

_NUMBER_KINDS = frozenset({"integer", "number"})

#: Optional columns the writers leave out when every cell is missing (files stay as before).
_WRITTEN_WHEN_USED = frozenset({"decision_detail"})

_BOOLEAN_LABELS: dict[str, tuple[str, str]] = {"da": ("ja", "nej"), "en": ("yes", "no")}
_DATE_FORMATS: dict[str, str] = {"da": "%d-%m-%Y", "en": "%Y-%m-%d"}
_EXCEL_DATE_FORMATS: dict[str, str] = {"da": "dd-mm-yyyy", "en": "yyyy-mm-dd"}


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


class _MissingFileError(JobhandicapError, FileNotFoundError):
    """An input file that does not exist (also a :class:`FileNotFoundError`)."""


@attrs.frozen
class _Input:
    """An input file: its first bytes (or characters) and how to get all of it."""

    head: bytes | str
    #: The whole content of a file object (``None`` for a path, which is read when needed).
    content: bytes | str | None
    path: Path | None
    name: str | None
    #: Whether ``head`` is all there is.
    complete: bool

    def data(self) -> bytes | str:
        """The whole content."""
        if self.content is not None:
            return self.content
        if self.path is None:  # pragma: no cover - one of them is always set
            raise JobhandicapError("no input")
        return self.path.read_bytes()

    def longer(self, size: int) -> _Input:
        """The same input with its first ``size`` bytes (or characters) as the head."""
        if self.content is not None:
            head = self.content[:size]
            return attrs.evolve(self, head=head, complete=len(self.content) <= size)
        if self.path is None:  # pragma: no cover - one of them is always set
            raise JobhandicapError("no input")
        with self.path.open("rb") as handle:
            data = handle.read(size + 1)
        return attrs.evolve(self, head=data[:size], complete=len(data) <= size)

    def handle(self) -> Any:
        """Something pandas.read_csv reads: the path, or a fresh buffer over the content."""
        if self.content is None:
            return self.path
        if isinstance(self.content, str):
            return io.StringIO(self.content)
        return io.BytesIO(self.content)


def _input(source: Source) -> _Input:
    """Open ``source``: a path is only sampled here, a file object is read to its end."""
    size = _csv.SAMPLE_BYTES
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            with path.open("rb") as handle:
                head = handle.read(size + 1)
        except FileNotFoundError:
            raise _MissingFileError(
                f"No such file or directory: {os.fspath(path)} (check the path; a relative "
                f"path starts from the working directory {os.getcwd()})"
            ) from None
        except OSError as err:
            raise JobhandicapError(
                f"cannot open {os.fspath(path)!r}: {err.strerror or err}; give the path of a "
                "readable CSV, Excel or Parquet file"
            ) from None
        return _Input(head[:size], None, path, path.name, len(head) <= size)
    read = getattr(source, "read", None)
    if read is None:
        raise TypeError(
            f"expected a path or an open file, got {type(source).__name__}; "
            "pass the file's path or an object with a read() method"
        )
    content = read()
    if isinstance(content, str):
        content = content.removeprefix("\ufeff")
    elif not isinstance(content, bytes):
        raise TypeError(f"the file object's read() returned {type(content).__name__}")
    name = getattr(source, "name", None)
    return _Input(
        content[:size],
        content,
        None,
        name if isinstance(name, str) else None,
        len(content) <= size,
    )


def _format_of(source: _Input, explicit: str | None) -> str:
    if explicit is not None:
        try:
            return _FORMAT_NAMES[explicit.lower()]
        except KeyError:
            raise JobhandicapError(
                f"unknown format {explicit!r}; expected one of 'csv', 'excel' (or 'xlsx'), "
                "'parquet'"
            ) from None
    suffix = Path(source.name).suffix.lower() if source.name else ""
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".xls":
        raise JobhandicapError(
            "old-style .xls workbooks are not supported; save the sheet as .xlsx or CSV"
        )
    if isinstance(source.head, bytes):
        if source.head.startswith(b"PK\x03\x04"):
            return "excel"
        if source.head.startswith(b"PAR1"):
            return "parquet"
    return "csv"


def _empty_file(what: str) -> SchemaError:
    headers = ", ".join(danish_header(what, c) for c in frames.SCHEMAS[what].required)
    return SchemaError(
        f"the {what} file is empty: expected a header row naming the columns "
        f"({headers}, in Danish or English) and one row per record"
    )


# --------------------------------------------------------------------------------------------
# Raw tables: columns labelled by position, index = source row numbers
# --------------------------------------------------------------------------------------------

#: Given the header, return the columns to read: position -> kind of value (frames' ColumnSpec).
Planner: TypeAlias = Callable[[tuple[str, ...]], dict[int, str]]


def _maybe_thousands(values: pd.Series, name: str | None) -> bool:
    """Whether an amount column parsed as numbers may hold thousands read as decimals.

    ``125.000`` in a comma-separated file parses as 125; amounts below 1 000 are read again
    as text so that :func:`_thousands_as_decimals` can look at how they were written.
    """
    if not (name or "").endswith("_dkk") or not pd.api.types.is_float_dtype(values.dtype):
        return False
    magnitude = np.abs(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return bool(((magnitude > 0) & (magnitude < 1000)).any())


def _read_csv(
    source: _Input,
    plan_for: Planner,
    what: str,
    *,
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
    names: Names,
) -> tuple[pd.DataFrame, dict[int, str], _csv.Dialect, Callable[[], pd.DataFrame]]:
    read_encoding: str | None
    size = _csv.SAMPLE_BYTES
    while True:
        if isinstance(source.head, str):
            sample, read_encoding = source.head, None
        else:
            sample, read_encoding = _csv.decode_sample(
                source.head, encoding, final=source.complete
            )
        # A header row longer than the sample (a wide survey): sample more, up to the cap.
        if source.complete or "\n" in sample or "\r" in sample:
            break
        if size >= _csv.MAX_HEADER_BYTES:
            raise JobhandicapError(
                f"the first line of the file is longer than {_csv.MAX_HEADER_BYTES:,} bytes "
                "without a line end; is it a CSV file?"
            )
        size *= 4
        source = source.longer(size)
    truncated = not source.complete
    if not truncated and not sample.strip():
        raise _empty_file(what)
    dialect = _csv.detect_dialect(sample, truncated=truncated, sep=sep, decimal=decimal)
    plan = plan_for(dialect.header)
    first_row = dialect.skip + 2
    # The options both reads below share: the dialect, and text kept as text.
    common: dict[str, Any] = {
        "sep": dialect.sep,
        "header": None,
        "skiprows": dialect.skip + 1,
        "names": list(range(len(dialect.header))),
        # Without decimal=, numbers with the separator's usual mark are parsed here; columns
        # with the other mark stay text and get a decimal mark of their own (_tidy).
        "decimal": decimal or _csv.default_decimal(dialect.sep),
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": False,
        "quotechar": '"',
        "engine": "c",
    }

    def read(positions: list[int], dtype: str | None, encoding: str | None) -> pd.DataFrame:
        try:
            # Selecting columns means a row with more fields than the header is no error.
            selected: pd.DataFrame = pd.read_csv(
                source.handle(), usecols=positions, dtype=dtype, encoding=encoding, **common
            )
            return selected
        except UnicodeDecodeError:
            raise
        except (pd.errors.ParserError, ValueError) as err:
            raise _csv.parser_error(err, first_row) from None

    def read_all(encoding: str | None) -> pd.DataFrame:
        """Every column, without ``usecols``: pandas 3 converts selected columns slowly.

        A file that has rows with more fields than the header fails here (or, when its first
        data row does, would lose data), so it is read again with the columns selected.
        """
        try:
            with warnings.catch_warnings():
                # index_col=False: extra fields in the first row never become the index; the
                # warning about them is the signal to read the file the careful way.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame: pd.DataFrame = pd.read_csv(
                    source.handle(), index_col=False, encoding=encoding, **common
                )
        except UnicodeDecodeError:
            raise
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            return read(positions, None, encoding)
        return frame[positions] if len(positions) < len(frame.columns) else frame

    positions = sorted(plan)
    # Reading unplanned columns costs less than selecting columns, unless there are many.
    first_read = (
        read_all
        if len(dialect.header) <= 2 * len(positions)
        else lambda encoding: read(positions, None, encoding)
    )
    try:
        # pandas infers the types: fast, and numbers are parsed natively.
        frame = first_read(read_encoding)
    except UnicodeDecodeError as err:
        if encoding is not None or read_encoding != "utf-8":
            raise _csv.decode_error(err, encoding) from None
        # The sample was valid UTF-8, a later line is not: Windows-1252 throughout, unless the
        # file also holds UTF-8 letters (then it mixes encodings; say where).
        whole = source.data()
        if isinstance(whole, bytes):
            try:
                whole.decode("utf-8")
            except UnicodeDecodeError as found:
                mixed = _csv.mixed_encoding_error(whole, found.start)
                if mixed is not None:
                    raise mixed from None
        read_encoding = "cp1252"
        try:
            frame = first_read(read_encoding)
        except UnicodeDecodeError as second:
            raise _csv.decode_error(second, None) from None
    # Text read as numbers ("0042" as 42): read those columns again as text.
    retext = [
        p
        for p in positions
        if (plan[p] == "text" and not pd.api.types.is_string_dtype(frame[p].dtype))
        or (decimal is None and _maybe_thousands(frame[p], names(p)))
    ]
    if retext:
        again = read(retext, "str", read_encoding)
        frame = pd.concat([frame.drop(columns=retext), again], axis=1)[positions]
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))

    def texts() -> pd.DataFrame:
        """The planned columns as the file writes them: read again only to show problems."""
        text = read(positions, "str", read_encoding)
        text.index = pd.RangeIndex(first_row, first_row + len(text))
        return text

    return frame, plan, dialect, texts


#: Kinds of column whose cells are identifiers or labels: never a line break (nor, for labels,
#: the separator) in them, unless a stray quote joined cells or rows.
_LABEL_KINDS = frozenset({"category", "municipality", "likert"})


#: The canonical column read from a file column (by position), if known.
Names: TypeAlias = Callable[[int], "str | None"]


def _no_names(position: int) -> str | None:
    return None


def _refuse_joined_cells(
    frame: pd.DataFrame, plan: Mapping[int, str], dialect: _csv.Dialect, names: Names
) -> None:
    """Refuse ID and label cells holding a line break (labels: also the separator).

    Such a cell is what a stray quote makes: the CSV parser reads on to the next quote, and the
    rows in between become one cell.
    """
    problems: list[tuple[Any, Any, Any, Any, str]] = []
    for position, kind in sorted(plan.items()):
        if kind != "text" and kind not in _LABEL_KINDS:
            continue
        values = frame[position]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        marks = "\r\n" + (dialect.sep if kind in _LABEL_KINDS else "")
        if _arrow.holds_ascii(values.array, marks) is False:
            continue  # Arrow text: one pass over its bytes says no cell needs a look
        pattern = "[" + re.escape(marks) + "]"
        text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("string")
        bad = np.flatnonzero(
            text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
        )
        header = dialect.header[position]
        for k in bad.tolist():
            cell = str(text.iloc[k])
            what = "a line break" if ("\n" in cell or "\r" in cell) else "the separator"
            problems.append(
                (
                    int(frame.index[k]),
                    names(position) or header,
                    header,
                    cell,
                    f"the {'identifier' if kind == 'text' else 'label'} holds {what}: a stray "
                    'quote (") probably joined the following cells or rows into this one; check '
                    "the quotes in this row of the file",
                )
            )
    if problems:
        raise SchemaError(
            f"{len(problems)} cell(s) hold a line break or separator they cannot hold "
            "(a stray quote in the file?)",
            problems_frame(problems),
        )


def _read_excel(
    content: bytes, plan_for: Planner, what: str, sheet: str | int | None
) -> tuple[pd.DataFrame, dict[int, str], tuple[str, ...]]:
    chosen: str | int | None = sheet
    sheets: list[_formats.SheetHeader] = []
    if sheet is None:
        sheets = _formats.excel_sheet_headers(content)
        chosen = _default_sheet(sheets, what)
    read = _formats.read_excel_rows(content, chosen)
    rows = read.rows
    if not rows or all(cell is None for cell in rows[0]):
        raise _empty_file(what)
    header = _header_of(rows[0])
    try:
        plan = plan_for(header)
    except MissingColumnsError as err:
        sheets = sheets or _formats.excel_sheet_headers(content)
        if len(sheets) > 1:
            detail = _other_sheets(sheets, read.name, what, named=sheet is not None)
            raise MissingColumnsError(err.missing, err.available, what, detail) from None
        raise
    if sheet is None and sheets and read.name != _first_visible(sheets):
        warnings.warn(
            f"sheet {_first_visible(sheets)!r}, the workbook's first visible sheet, lacks the "
            f"{what} columns; read sheet {read.name!r}, the only visible sheet that has them "
            f"(pass sheet={read.name!r} to say so)",
            DataQualityWarning,
            stacklevel=5,
        )
    elif sheet is None and sheets:
        also = [
            s.name
            for s in sheets
            if s.visible and s.name != read.name and _has_columns(what, _header_of(s.header))
        ]
        if also:
            warnings.warn(
                f"read sheet {read.name!r}, the workbook's first visible sheet; "
                f"{', '.join(map(repr, also))} also hold(s) the {what} columns and were not "
                f"read (pass {option('sheet', also[0])} to read another, or join the sheets)",
                DataQualityWarning,
                stacklevel=5,
            )
    positions = sorted(plan)
    _refuse_uncomputed(read, header, set(positions))
    body = rows[1:]
    width = max(len(header), *(len(r) for r in body)) if body else len(header)
    frame = pd.DataFrame(
        [r if len(r) == width else (*r, *([None] * (width - len(r)))) for r in body],
        columns=range(width),
        dtype=object,
    )[positions]
    frame = frame.mask(frame.isin([""]))  # an empty text cell is a missing value
    frame = _serial_dates(frame, plan)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame, plan, header


def _header_of(cells: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("" if cell is None else str(cell).strip() for cell in cells)


def _first_visible(sheets: list[_formats.SheetHeader]) -> str | None:
    return next((s.name for s in sheets if s.visible), None)


def _has_columns(what: str, header: tuple[str, ...]) -> bool:
    """Whether a header names the columns a table of ``what`` needs.

    A wide survey needs only its respondent column.
    """
    try:
        present = set(resolve_headers(what, header).values())
    except SchemaError:
        return False
    if what == "survey":
        return "respondent" in present
    return all(c in present for c in frames.SCHEMAS[what].required)


def _default_sheet(sheets: list[_formats.SheetHeader], what: str) -> str | None:
    """The sheet read when none is named (``None``: the first visible one).

    The first visible sheet, unless it lacks the columns and exactly one other visible sheet
    has them (a cover sheet before the data).
    """
    visible = [s for s in sheets if s.visible]
    if not visible or _has_columns(what, _header_of(visible[0].header)):
        return None  # read_excel_rows takes the first visible (or says none is)
    having = [s.name for s in visible[1:] if _has_columns(what, _header_of(s.header))]
    return having[0] if len(having) == 1 else None


def _other_sheets(sheets: list[_formats.SheetHeader], read: str, what: str, *, named: bool) -> str:
    """Which sheet was read, and what the workbook's other sheets are."""
    others = []
    for s in sheets:
        if s.name == read:
            continue
        notes = ["a chart"] if s.chart else [] if s.visible else ["hidden"]
        if _has_columns(what, _header_of(s.header)):
            notes.append(f"has the {what} columns")
        others.append(f"{s.name!r}" + (f" ({', '.join(notes)})" if notes else ""))
    having = [s.name for s in sheets if s.visible and _has_columns(what, _header_of(s.header))]
    advice = (
        f"; several sheets have them, pass sheet= to choose one ({', '.join(map(repr, having))})"
        if len(having) > 1
        else "; pass sheet= to read another"
    )
    which = "the sheet asked for" if named else "the workbook's first visible sheet"
    return f"Read sheet {read!r}, {which}; its other sheets: {', '.join(others)}{advice}"


def _serial_dates(frame: pd.DataFrame, plan: Mapping[int, str]) -> pd.DataFrame:
    """Excel serial dates (numbers in a date column, a cell without date format) as dates.

    Numbers that are no serial date (below 1, Excel's fictitious 1900-02-29 = 60, after
    2199) stay numbers, and validation says what is wrong with them.
    """
    for position, kind in plan.items():
        if kind != "date":
            continue
        values = frame[position].tolist()
        days = [
            None if isinstance(v, dt.datetime | dt.date) else _dates.excel_serial_day(v)
            for v in values
        ]
        if any(day is not None for day in days):
            frame[position] = pd.Series(
                [
                    v if day is None else dt.datetime(day.year, day.month, day.day)
                    for v, day in zip(values, days, strict=True)
                ],
                index=frame.index,
                dtype=object,
            )
    return frame


def _column_letters(column: int) -> str:
    """Excel's name of a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse_uncomputed(read: _formats.ExcelSheet, header: tuple[str, ...], used: set[int]) -> None:
    """Refuse formula cells of the read columns that have no saved value (never guessed)."""
    cells = [(r, c, f) for r, c, f in read.uncomputed if c - 1 in used and r > 1]
    if not cells:
        return
    problems = problems_frame(
        (
            r,
            header[c - 1],
            formula,
            f"cell {read.name}!{_column_letters(c)}{r} holds the formula {formula} without a "
            "saved value (the program that wrote the workbook did not compute it); open and "
            "save the workbook in Excel or LibreOffice, or replace the formula by its value",
        )
        for r, c, formula in cells
    )
    first = cells[0]
    raise SchemaError(
        f"sheet {read.name!r}: {len(cells)} formula cell(s) have no saved value, e.g. "
        f"{read.name}!{_column_letters(first[1])}{first[0]}; the reader does not compute formulas",
        problems,
    )


def _read_parquet(
    content: bytes, plan_for: Planner, what: str
) -> tuple[pd.DataFrame, dict[int, str], tuple[str, ...]]:
    table = _formats.read_parquet_frame(content)
    if len(table.columns) == 0:
        raise _empty_file(what)
    header = tuple(str(c) for c in table.columns)
    plan = plan_for(header)
    positions = sorted(plan)
    frame = table.iloc[:, positions].set_axis(positions, axis=1)
    # Rows as a spreadsheet would show the table with its header row (the first is row 2).
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame, plan, header


def _tidy(
    frame: pd.DataFrame,
    plan: Mapping[int, str],
    decimal: str | None,
    default: str,
    header: tuple[str, ...],
    names: Names = _no_names,
) -> pd.DataFrame:
    """Numbers written as text become numbers (validation reads plain ones); blank rows go.

    Without ``decimal`` each column's decimal mark is decided from its own cells
    (:func:`_csv.column_decimal`; ``default`` when they show none), and cells that show the
    other mark are refused.
    """
    frame = frame.copy(deep=False)
    conflicts: list[tuple[Any, Any, Any, Any, str]] = []
    for position, kind in plan.items():
        values = frame[position]
        if kind in _NUMBER_KINDS and not (
            pd.api.types.is_numeric_dtype(values.dtype)
            and not pd.api.types.is_bool_dtype(values.dtype)
        ):
            mark = decimal
            if mark is None:
                found = _csv.column_decimal(values, default)
                mark = found.decimal
                conflicts.extend(_decimal_conflicts(frame, position, header, found, names))
                if (names(position) or "").endswith("_dkk"):
                    conflicts.extend(_thousands_as_decimals(frame, position, header, mark, names))
            frame[position] = _csv.parse_numbers(values, mark)
    if conflicts:
        raise SchemaError(
            "numbers whose decimal mark cannot be told (both marks in one column, or kroner "
            "with three decimals); write the column one way, "
            f"or pass {option('decimal', ',')} or {option('decimal', '.')}",
            problems_frame(conflicts),
        )
    if len(frame.columns) and len(frame):
        # A blank row is missing in every column, so only rows missing the first are candidates.
        candidates = frame[frame.columns[0]].isna().to_numpy(dtype=bool)
        if candidates.any():
            subset = frame.loc[candidates]
            frame = frame.drop(index=subset.index[subset.isna().all(axis=1).to_numpy(dtype=bool)])
    return frame


def _decimal_conflicts(
    frame: pd.DataFrame,
    position: int,
    header: tuple[str, ...],
    found: _csv.ColumnDecimal,
    names: Names,
) -> list[tuple[Any, Any, Any, Any, str]]:
    """Problems for the cells of a column that show the decimal mark it does not use."""
    if not len(found.conflicts):
        return []
    name = header[position] if position < len(header) else str(position)
    used, other = ("comma", "point") if found.decimal == "," else ("point", "comma")
    message = (
        f"decimal {other} in a column that writes decimals with a {used} "
        f"({found.comma} cell(s) with a decimal comma such as 1.234,5 or 0,5; {found.point} "
        "with a decimal point such as 0.5 or 1,234.5); cannot tell what this cell means"
    )
    cells = frame[position].iloc[found.conflicts]
    return [
        (int(row), names(position) or name, name, value, message)
        for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True)
    ]


def _thousands_as_decimals(
    frame: pd.DataFrame, position: int, header: tuple[str, ...], mark: str, names: Names
) -> list[tuple[Any, Any, Any, Any, str]]:
    """Problems for amounts that the column's decimal mark would read with three decimals.

    Kroner have at most two decimals (øre), so ``125.000`` read with a decimal point is a
    thousands group misread: 125 instead of 125 000. Such cells are refused when the decimal
    mark was detected rather than given.
    """
    values = frame[position]
    text = values.astype("string").str.strip()
    # A thousands group never starts with a lone 0: 0.125 is a decimal whatever the mark.
    pattern = rf"[-+]?[1-9]\d{{0,2}}{re.escape(mark)}\d{{3}}"
    hit = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return []
    name = header[position] if position < len(header) else str(position)
    other = "," if mark == "." else "."
    message = (
        f"read with the column's decimal {'point' if mark == '.' else 'comma'}, this amount "
        "would have three decimals, but kroner have at most two (øre): if it is a whole "
        f"number of kroner with a thousands separator, pass {option('decimal', other)}"
    )
    cells = values[hit]
    return [
        (int(row), names(position) or name, name, value, message)
        for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True)
    ]


def _restore_text(frame: pd.DataFrame, plan: Mapping[int, str]) -> pd.DataFrame:
    """Remove the ``'`` that :func:`write_csv` puts before formula-like text."""
    out = frame
    for position, kind in plan.items():
        values = frame[position]
        if kind in _NUMBER_KINDS or not (
            values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        ):
            continue
        marked = values.astype("string").str.startswith("'").to_numpy(dtype=bool, na_value=False)
        if not marked.any():
            continue
        cells = values.tolist()
        for k in np.flatnonzero(marked).tolist():  # only the few prefixed cells
            cells[k] = _safe_text.restore(str(cells[k]))
        if out is frame:
            out = frame.copy(deep=False)
        out[position] = pd.Series(cells, index=values.index, dtype=values.dtype)
    return out


@attrs.frozen
class _Read:
    """A table read from a file: the planned columns, the header, and the cells as text."""

    #: Columns labelled by position, index = rows as a spreadsheet shows them.
    frame: pd.DataFrame
    header: tuple[str, ...]
    #: The planned columns as written in the file (same labels), made when first asked for.
    text: Callable[[], pd.DataFrame]


def read_source(
    source: Source,
    plan_for: Planner,
    what: str,
    *,
    format: str | None,
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
    sheet: str | int | None,
    names: Names = _no_names,
) -> _Read:
    """Read the planned columns of a file, with what the problems' text needs.

    ``names`` gives the canonical column of a file column, once the header is planned (for
    the problems found while reading).
    """
    opened = _input(source)
    kind_of_file = _format_of(opened, format)
    if kind_of_file == "csv":
        frame, plan, dialect, texts = _read_csv(
            opened, plan_for, what, sep=sep, decimal=decimal, encoding=encoding, names=names
        )
        _refuse_joined_cells(frame, plan, dialect, names)
        default = _csv.default_decimal(dialect.sep)
        tidy = _restore_text(_tidy(frame, plan, decimal, default, dialect.header, names), plan)
        return _Read(tidy, dialect.header, _once(texts))
    content = opened.data()
    if isinstance(content, str):
        raise JobhandicapError(
            f"{'an Excel' if kind_of_file == 'excel' else 'a Parquet'} file must be opened in "
            "binary mode: open(path, 'rb')"
        )
    if kind_of_file == "excel":
        frame, plan, header = _read_excel(content, plan_for, what, sheet)
    else:
        frame, plan, header = _read_parquet(content, plan_for, what)
    # Excel and Parquet cells are typed: the cells as read are what the file holds.
    return _Read(_tidy(frame, plan, decimal, ",", header, names), header, lambda: frame)


def _once(make: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    """``make``, called at most once."""
    made: list[pd.DataFrame] = []

    def get() -> pd.DataFrame:
        if not made:
            made.append(make())
        return made[0]

    return get


def _origin(
    read: _Read,
    rows: npt.NDArray[np.int64],
    positions: Mapping[str, int],
    wide: tuple[str, npt.NDArray[np.intp]] | None = None,
) -> Origin:
    """Where the cells of a table read from a file came from (for the problems' text).

    ``positions`` gives the file column of each canonical column; ``wide`` the canonical
    column melted from several file columns (a wide survey's answers) and those columns, one
    per item: position ``p`` of the melted table came from column ``p % len(items)``.
    """

    def file_columns(column: str, where: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        if wide is not None and column == wide[0] and len(wide[1]):
            return wide[1][where % len(wide[1])]
        return np.full(len(where), positions.get(column, -1), dtype=np.intp)

    def headers(column: str, where: npt.NDArray[np.intp]) -> list[str | None]:
        return [
            read.header[c] if 0 <= c < len(read.header) else None
            for c in file_columns(column, where).tolist()
        ]

    def cells(column: str, where: npt.NDArray[np.intp]) -> list[Any] | None:
        columns = file_columns(column, where)
        if not (columns >= 0).any():
            return None
        try:
            text = read.text()
        except (JobhandicapError, ValueError, OSError):  # pragma: no cover - read once already
            return None  # the cells as read are shown instead
        found = text.index.get_indexer(pd.Index(rows[where]))
        shown: list[Any] = [None] * len(where)
        for c in np.unique(columns[columns >= 0]).tolist():
            if c not in text.columns:
                continue
            values = text[c].to_numpy(dtype=object)
            for k in np.flatnonzero((columns == c) & (found >= 0)).tolist():
                value = values[found[k]]
                shown[k] = None if _is_missing(value) else value
        return shown

    return Origin(rows, headers, cells)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _validate_read(
    raw: pd.DataFrame,
    kind: str,
    read: _Read,
    positions: Mapping[str, int],
    wide: tuple[str, npt.NDArray[np.intp]] | None = None,
) -> pd.DataFrame:
    """Validate a table read from a file, naming rows, headers and cells as the file does."""
    rows = np.asarray(raw.index.to_numpy(), dtype=np.int64)
    result = validate(
        raw,
        frames.SCHEMAS[kind],
        CROSS_CHECKS.get(kind),
        origin=_origin(read, rows, positions, wide),
    )
    if kind == "survey":
        result = normalise_respondents(raw, result, rows)
    return result


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


def _check_required(
    kind: str,
    found: Mapping[int, str],
    header: tuple[str, ...],
    *,
    optional: tuple[str, ...] = (),
    ignored: tuple[str, ...] = (),
) -> None:
    present = set(found.values())
    missing = [c for c in frames.SCHEMAS[kind].required if c not in present and c not in optional]
    if missing:
        raise missing_columns_error(kind, missing, header, ignored)


@attrs.define
class _Vocabulary:
    """The user's header and label mappings for one read, and how the header row was read."""

    kind: str
    headers: dict[str, str]
    labels: _mapping.LabelMapping
    match: HeaderMatch | None = None
    header: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        kind: str,
        headers: Mapping[str, str] | None,
        labels: Mapping[str, Mapping[str, str]] | None,
    ) -> _Vocabulary:
        """Check the mappings (before the file is opened: a wrong one fails fast)."""
        return cls(kind, user_headers(kind, headers), _mapping.user_labels(kind, labels))

    def resolve(self, header: tuple[str, ...]) -> dict[int, str]:
        """Position -> canonical column of the recognised headers."""
        self.match = match_headers(self.kind, header, self.headers)
        self.header = header
        return dict(self.match.found)

    @property
    def ignored(self) -> tuple[str, ...]:
        """The headers that name no column."""
        return () if self.match is None else self.match.ignored

    def relabel(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The raw table (canonical column names) with the user's labels read."""
        return _mapping.apply_labels(raw, self.labels)

    def finish(self, frame: pd.DataFrame, stacklevel: int = 5, warn: bool = True) -> pd.DataFrame:
        """Attach the header report to the frame and warn about ignored headers.

        ``stacklevel`` points the warning at the reader's caller (5: through ``_read_kind``);
        no warning without ``warn`` (the caller chose the columns to read).
        """
        if self.match is None:
            return frame
        report = _mapping.header_report(self.kind, self.match, self.header)
        frame.attrs[_mapping.HEADERS_ATTR] = report
        if warn:
            _mapping.warn_ignored(self.kind, report, stacklevel)
        return frame


def _planner(kind: str, found: dict[int, str], vocabulary: _Vocabulary) -> Planner:
    """A planner reading every recognised, non-derived column of ``kind``."""
    schema = frames.SCHEMAS[kind]

    def plan_for(header: tuple[str, ...]) -> dict[int, str]:
        found.clear()  # a planner may be asked about several sheets' headers
        resolved = vocabulary.resolve(header)
        found.update({p: c for p, c in resolved.items() if not schema[c].derived})
        _check_required(kind, found, header, ignored=vocabulary.ignored)
        return {p: schema[c].kind for p, c in found.items()}

    return plan_for


def _read_kind(
    kind: str,
    source: Source,
    options: dict[str, Any],
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    vocabulary = _Vocabulary.of(kind, headers, labels)
    found: dict[int, str] = {}
    read = read_source(source, _planner(kind, found, vocabulary), kind, names=found.get, **options)
    positions = {c: p for p, c in found.items()}
    raw = vocabulary.relabel(read.frame.rename(columns=found))
    return vocabulary.finish(_validate_read(raw, kind, read, positions))


def _reader_options(
    format: str | None,
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
    sheet: str | int | None,
) -> dict[str, Any]:
    return {"format": format, "sep": sep, "decimal": decimal, "encoding": encoding, "sheet": sheet}


def read_cases(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read a case file (one row per application) into the canonical cases frame.

    Parameters
    ----------
    source
        A path, or a file opened in text or binary mode (Excel and Parquet need binary).
    format
        ``"csv"``, ``"excel"`` (or ``"xlsx"``) or ``"parquet"``; default: from the file name's
        suffix, else from the first bytes (CSV unless they are a workbook or Parquet).
    sep
        CSV separator; default: detected among ``,``, ``;`` and tab.
    decimal
        Decimal mark of numbers written as text, ``","`` or ``"."``; default: detected (see
        Notes). The other mark is then the thousands separator.
    encoding
        Text encoding of a CSV file; default: UTF-8 (with or without a byte-order mark), UTF-16
        with a byte-order mark, else Windows-1252.
    sheet
        Excel sheet name, or 0-based index among all sheets (hidden ones included); default
        the first visible sheet — or, when that one lacks the table's columns (a cover sheet)
        and exactly one other visible sheet has them, that sheet, with a
        :class:`~jobhandicap.errors.DataQualityWarning` saying so.
    headers
        Your own headers: ``{your header: column}``, the column given by its canonical name
        or by any accepted header (:func:`accepted_headers`). Your entries win over the
        packaged headers and match the same way (case, spaces, hyphens and full stops
        ignored). An entry for a column of another kind of table is skipped.
    labels
        Your own labels: ``{column: {your label: value}}``, the value given canonically or
        as any accepted label, e.g. ``{"target_group": {"Ledig": "a-dagpenge"}}``; your
        entries win over the packaged labels. :func:`read_mapping` reads both mappings from
        a file.

    Returns
    -------
    pandas.DataFrame
        The canonical cases frame (``frames.validate_cases``); ``jobcentre`` is derived from the
        municipality and the application date, so a jobcentre column in the file is ignored.
        ``frame.attrs["jobhandicap_headers"]`` says how the header row was read (see Notes).

    Raises
    ------
    SchemaError
        Listing every problem with its source row (the header is row 1) and column.
    MissingColumnsError
        When a required column is missing; it lists the headers the file has.
    JobhandicapError
        When the file cannot be read or decoded.

    Notes
    -----
    The decimal mark is decided for each column from its cells that say it unambiguously
    (``1.234,5`` or ``0,5``: comma; ``1,234.5`` or ``0.5``: point; ``125.000`` alone says
    nothing). A column whose cells say nothing takes ``.`` in comma-separated files and ``,``
    in ``;``- or tab-separated files and in Excel. Cells of one column that say both marks are
    reported (those of the minority) instead of guessed. Numbers may carry thousands groups of
    the other mark, e.g. ``120.000,50`` in a Danish file; only numbers with correctly placed
    groups are read so. Excel and Parquet cells hold typed numbers. ``amount_dkk`` must be
    finite and at most 1e10 DKK.

    The header report in ``frame.attrs["jobhandicap_headers"]`` is a dict: ``read_as``
    (header -> column), ``transliterated`` (a header typed without æ, ø, å -> the Danish header
    it was read as), ``mapped`` (headers read through ``headers=``), ``ignored`` (headers
    naming no column; a :class:`~jobhandicap.errors.DataQualityWarning` names them too) and
    ``absent`` (optional columns the indicators use that the file lacks -> what cannot be
    computed without them). An amount header with a unit (``Beløb (kr.)``, ``Beløb, DKK``)
    is read when the unit is Danish kroner and refused otherwise (``Beløb (1.000 kr.)``).

    Examples
    --------
    >>> import io
    >>> text = '''case_id,municipality,scheme,target_group,applied
    ... X1,101,aids,flex-job,2019-01-03
    ... '''
    >>> read_cases(io.StringIO(text))[["case_id", "scheme", "applied", "decision"]]
      case_id scheme    applied decision
    0      X1   aids 2019-01-03      NaN
    """
    return _read_kind(
        "cases", source, _reader_options(format, sep, decimal, encoding, sheet), headers, labels
    )


def read_survey(
    source: Source,
    *,
    wave: int | None = None,
    items: Mapping[str, str] | None = None,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read a jobcentre survey, long or wide, into the canonical (long) survey frame.

    A *long* file has one row per answer, with columns respondent, wave, item and answer
    (``jobcenter``, ``år``, ``spørgsmål``, ``svar`` in Danish). A *wide* file — the usual survey
    export — has one row per respondent and one column per item; it is recognised by having no
    item column. Its respondent column is found by its header (``respondent``, ``jobcenter``,
    ``kommune``, …).

    Parameters
    ----------
    source
        A path, or a file opened in text or binary mode.
    wave
        The survey year, when the file has no wave column.
    items
        For wide files: item columns to read, as ``{header: item id}`` (headers matched ignoring
        case, spaces, underscores and hyphens); other columns are then ignored. Default: every
        column other than the respondent and wave is an item, named by its header.
    format, sep, decimal, encoding, sheet
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical survey frame: respondent, wave, item, answer (Likert code, ``<NA>`` when
        not answered). A wide file gives its rows in file order, items in column order.
        Respondents that all name a jobcentre or municipality become the jobcentre's code
        (see :func:`jobhandicap.frames.validate_survey`).

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column, or when the wave is missing or
        given twice, or two spellings of one jobcentre answer the same item in a wave.
    MissingColumnsError
        When a required column, or a header named in ``items``, is missing.

    Warns
    -----
    DataQualityWarning
        When some respondents name a jobcentre and others do not (all are kept as written).

    Examples
    --------
    >>> import io
    >>> wide = '''Jobcenter;Politisk fokus;Nye strategier
    ... Jobcenter Aarhus;I høj grad;Ved ikke
    ... Jobcenter Vejle;Slet ikke;
    ... '''
    >>> read_survey(io.StringIO(wide), wave=2018,
    ...             items={"politisk fokus": "political_focus", "nye strategier": "new_strategy"})
      respondent  wave             item  answer
    0        751  2018  political_focus       4
    1        751  2018     new_strategy       9
    2        630  2018  political_focus       1
    3        630  2018     new_strategy    <NA>
    """
    options = _reader_options(format, sep, decimal, encoding, sheet)
    schema = frames.SCHEMAS["survey"]
    if wave is not None:
        low, high = int(schema["wave"].minimum or 0), int(schema["wave"].maximum or 0)
        if (
            isinstance(wave, bool)
            or not isinstance(wave, int | np.integer)
            or not low <= int(wave) <= high
        ):
            raise SchemaError(
                f"{option('wave', wave)}: the survey year must be a whole number from {low} to "
                f"{high}, e.g. {option('wave', 2018)}"
            )
    vocabulary = _Vocabulary.of("survey", headers, labels)
    found: dict[int, str] = {}
    layout: dict[str, Any] = {}

    def plan_for(header: tuple[str, ...]) -> dict[int, str]:
        found.clear()  # a planner may be asked about several sheets' headers
        layout.clear()
        found.update(vocabulary.resolve(header))
        has_wave = "wave" in found.values()
        if has_wave and wave is not None:
            header_of = next(header[p] for p, c in found.items() if c == "wave")
            raise SchemaError(
                f"the survey file has a wave column ({header_of!r}); leave out "
                f"{option('wave', wave)}"
            )
        if not has_wave and wave is None:
            raise SchemaError(
                "the survey file has no wave column (år, bølge, year); pass the survey year "
                f"as {option('wave')}, e.g. "
                f"{option('wave', 2018, python='read_survey(path, wave=2018)')}",
                problems_frame(
                    [(None, "wave", None, f"no wave column and no {option('wave')} given")]
                ),
            )
        if "item" in found.values():
            layout["wide"] = False
            _check_required(
                "survey", found, header, optional=("wave",), ignored=vocabulary.ignored
            )
            return {p: schema[c].kind for p, c in found.items()}
        layout["wide"] = True
        keep = {p: c for p, c in found.items() if c in {"respondent", "wave"}}
        found.clear()
        found.update(keep)
        _check_required(
            "survey",
            found,
            header,
            optional=("wave", "item", "answer"),
            ignored=vocabulary.ignored,
        )
        layout["items"] = _item_columns(header, set(found), items)
        if vocabulary.match is not None:  # the item columns are read, not ignored
            read = {*found, *layout["items"]}
            ignored = tuple(h for p, h in enumerate(header) if p not in read and h.strip())
            vocabulary.match = attrs.evolve(
                vocabulary.match,
                found={p: c for p, c in vocabulary.match.found.items() if p in found},
                ignored=ignored,
            )
        plan: dict[int, str] = {p: schema[c].kind for p, c in found.items()}
        plan.update(dict.fromkeys(layout["items"], "likert"))
        return plan

    def name_of(position: int) -> str | None:
        return found.get(position) or ("answer" if position in layout.get("items", {}) else None)

    read = read_source(source, plan_for, "survey", names=name_of, **options)
    raw = read.frame
    positions = {c: p for p, c in found.items()}
    melted: tuple[str, npt.NDArray[np.intp]] | None = None
    if layout["wide"]:
        raw = _melt_wide(raw, found, layout["items"])
        melted = ("answer", np.asarray(list(layout["items"]), dtype=np.intp))
    else:
        raw = raw.rename(columns=found)
    if wave is not None:
        raw = raw.assign(wave=wave)
    # With items= the other columns are left out on purpose: reported, not warned about.
    survey = _validate_read(vocabulary.relabel(raw), "survey", read, positions, melted)
    return vocabulary.finish(survey, stacklevel=4, warn=not (layout["wide"] and items))


def _item_columns(
    header: tuple[str, ...], taken: set[int], items: Mapping[str, str] | None
) -> dict[int, str]:
    """Positions of the item columns of a wide survey and their item ids."""
    free = {p: h for p, h in enumerate(header) if p not in taken and h.strip()}
    if items is not None and not isinstance(items, Mapping):
        raise JobhandicapError(
            "items must map the file's item headers to item ids, e.g. "
            f"{{'Politisk fokus': 'political_focus'}}, got {type(items).__name__}"
        )
    if items is None:
        chosen = {p: h.strip() for p, h in free.items()}
    else:
        by_key = {label_key(h): p for p, h in free.items()}
        missing = [h for h in items if label_key(h) not in by_key]
        if missing:
            raise MissingColumnsError(missing, [h for h in header if h], "survey")
        chosen = {by_key[label_key(h)]: item for h, item in items.items()}
    if not chosen:
        raise SchemaError(
            "the survey file has neither an item column (spørgsmål, item) nor item columns "
            "next to the respondent column"
        )
    return dict(sorted(chosen.items()))


def _melt_wide(
    raw: pd.DataFrame, found: Mapping[int, str], items: Mapping[int, str]
) -> pd.DataFrame:
    """One row per respondent and item, respondent-major; index = source row numbers."""
    n, k = len(raw), len(items)
    columns: dict[str, Any] = {
        name: np.repeat(raw[p].to_numpy(dtype=object), k) for p, name in found.items()
    }
    answers = (
        np.column_stack([raw[p].to_numpy(dtype=object) for p in items])
        if n
        else np.empty((0, k), dtype=object)
    )
    columns["item"] = np.tile(np.array(list(items.values()), dtype=object), n)
    columns["answer"] = answers.reshape(-1)
    return pd.DataFrame(columns, index=np.repeat(raw.index.to_numpy(), k))


def read_staff(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read a staff survey (one row per answer) into the canonical staff frame.

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical staff frame: respondent, jobcentre, item, value.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column.

    Examples
    --------
    >>> import io
    >>> text = '''respondent;jobcenter;spørgsmål;svar
    ... S1;Esbjerg;viden_1;3,5
    ... S1;Esbjerg;viden_2;
    ... '''
    >>> read_staff(io.StringIO(text))
      respondent  jobcentre     item  value
    0         S1        561  viden_1    3.5
    1         S1        561  viden_2    NaN
    """
    return _read_kind(
        "staff", source, _reader_options(format, sep, decimal, encoding, sheet), headers, labels
    )


def read_profiles(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Read jobcentres' organisational profiles (one row per jobcentre).

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical profiles frame.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column.

    Examples
    --------
    >>> import io
    >>> header = ["jobcenter", "politisk_fokus", "ledelsesprioritet", "virksomhedskontakt",
    ...           "eksternt_samarbejde", "skriftlig_strategi", "screening_ved_visitation",
    ...           "nøglepersonmodel", "andel_uddannet_personale", "målgrupper_dækket"]
    >>> row = ["101", "4", "5", "3", "", "ja", "nej", "Specialiseret team", "0,75", "9"]
    >>> text = ";".join(header) + "\n" + ";".join(row) + "\n"
    >>> print(read_profiles(io.StringIO(text)).iloc[0].to_string())
    jobcentre                              101
    political_focus                          4
    management_priority                      5
    employer_outreach                        3
    external_collaboration                <NA>
    written_strategy                      True
    screening_at_intake                  False
    key_person_model          specialised team
    staff_training                        0.75
    target_groups_covered                    9
    """
    return _read_kind(
        "profiles", source, _reader_options(format, sep, decimal, encoding, sheet), headers, labels
    )


def read_population(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read residents aged 16–64 by municipality and year.

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical population frame: municipality, year, population.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column.

    Examples
    --------
    >>> import io
    >>> text = '''kommune;år;indbyggere
    ... København;2019;444.000
    ... Fanø;2019;2.100
    ... '''
    >>> read_population(io.StringIO(text))
       municipality  year  population
    0           101  2019      444000
    1           563  2019        2100
    """
    return _read_kind(
        "population",
        source,
        _reader_options(format, sep, decimal, encoding, sheet),
        headers,
        labels,
    )


def read_outcomes(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read job entries of people with a disability by jobcentre and year.

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical outcomes frame: jobcentre, year, persons, entered_job.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column.

    Examples
    --------
    >>> import io
    >>> text = '''jobcenter;år;personer;i_job
    ... 561;2018;120;30
    ... '''
    >>> read_outcomes(io.StringIO(text))
       jobcentre  year  persons  entered_job
    0        561  2018      120           30
    """
    return _read_kind(
        "outcomes", source, _reader_options(format, sep, decimal, encoding, sheet), headers, labels
    )


def read_people(
    source: Source,
    *,
    format: FileFormat | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Read a person-level survey sample (for the employment gap).

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`.

    Returns
    -------
    pandas.DataFrame
        The canonical people frame: age, sex, employed, gali, the six Washington Group
        domains and weight.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column.

    Examples
    --------
    >>> import io
    >>> text = '''alder;køn;beskæftiget;begrænsning_gali;vægt
    ... 34;kvinde;ja;ikke begrænset;1,25
    ... '''
    >>> read_people(io.StringIO(text))[["age", "sex", "employed", "gali", "weight"]]
       age     sex  employed         gali  weight
    0   34  female      True  not limited    1.25
    """
    return _read_kind(
        "people", source, _reader_options(format, sep, decimal, encoding, sheet), headers, labels
    )


def accepted_headers(kind: str | None = None) -> pd.DataFrame:
    """Return the column headers the readers accept, by kind of table.

    Parameters
    ----------
    kind
        One of ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"``, ``"people"``; default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``column`` (the canonical English name, always accepted), ``danish``
        (the header the writers use) and ``aliases`` (further accepted headers). Headers match
        ignoring case, spaces, underscores, hyphens and full stops.

    Raises
    ------
    UnknownLabelError
        For an unknown kind.

    Examples
    --------
    >>> accepted_headers("population")[["column", "danish"]]
             column       danish
    0  municipality  kommunekode
    1          year           år
    2    population   befolkning
    """
    return header_table(kind)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _category_label(spec: frames.ColumnSpec, value: str, danish: bool) -> str:
    if spec.enum is not None:
        member: Any = spec.enum(value)
        return str(member.label_da if danish else member.label_en)
    return DANISH_LABELS.get(value, value) if danish else value


def _localise(frame: pd.DataFrame, kind: str, language: str, *, text_dates: bool) -> pd.DataFrame:
    """The canonical frame as a user receives it: headers and labels in ``language``."""
    check_kind(kind)
    if language not in _DATE_FORMATS:
        raise UnknownLabelError(language, "language", list(_DATE_FORMATS))
    canonical = frames.validate_kind(frame, kind)
    danish = language == "da"
    columns: dict[str, Any] = {}
    for spec in frames.SCHEMAS[kind].columns:
        if spec.derived:
            continue
        values = canonical[spec.name]
        if spec.name in _WRITTEN_WHEN_USED and not values.notna().any():
            continue
        if spec.kind == "category":
            values = values.cat.rename_categories(
                {c: _category_label(spec, c, danish) for c in values.cat.categories}
            )
        elif spec.kind == "likert" and not spec.dont_know_missing:
            # Survey answers as labels; the profiles' scores 1-5 stay numbers.
            values = values.map(
                {int(m): (m.label_da if danish else m.label_en) for m in Likert}
            ).astype("string")
        elif spec.kind == "boolean":
            yes, no = _BOOLEAN_LABELS[language]
            values = values.map({True: yes, False: no}).astype("string")
        elif spec.kind == "date" and text_dates:
            values = values.dt.strftime(_DATE_FORMATS[language]).astype("string")
        columns[danish_header(kind, spec.name) if danish else spec.name] = values
    return pd.DataFrame(columns)


def write_csv(
    frame: pd.DataFrame,
    kind: str,
    target: Target,
    *,
    language: Language = "da",
    sep: str | None = None,
    encoding: str | None = None,
    neutralise_formulas: bool = True,
) -> None:
    """Write a frame as the CSV file a user receives (Danish by default).

    Parameters
    ----------
    frame
        A canonical frame of ``kind`` (anything ``frames.validate_<kind>`` accepts).
    kind
        ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"`` or ``"people"``.
    target
        A path, or a file opened in binary mode or in text mode with ``newline=""``.
    language
        ``"da"``: Danish headers and labels, ``;`` separator, decimal comma, dates dd-mm-yyyy,
        UTF-8 with a byte-order mark. ``"en"``: canonical English headers, English labels,
        ``,`` separator, decimal point, ISO dates (yyyy-mm-dd), UTF-8.
    sep
        Override the separator. Numbers are written with a decimal comma, except in
        ``,``-separated files where they use a decimal point (as the readers expect).
    encoding
        Override the encoding (ignored for text-mode files, whose encoding is their own).
    neutralise_formulas
        Prefix text that a spreadsheet program would read as a formula with ``'`` (default; see
        Notes). ``False`` writes every text exactly as it is, for programs other than
        spreadsheets.

    Raises
    ------
    SchemaError
        When ``frame`` is not a valid frame of ``kind``.
    UnknownLabelError
        For an unknown ``kind`` or ``language``.

    Notes
    -----
    Lines end in CR LF. A field holding a separator (``,`` or ``;`` whatever ``sep`` is), a
    quote, a line break or any other control character, or starting or ending with white space,
    is quoted (RFC 4180, as Excel writes CSV), so no text can start a new line or cell. Derived
    columns (the cases' ``jobcentre``) are not
    written: the readers derive them again.
    Survey answers are written as labels (``I høj grad``), profile scores as numbers, booleans
    as ``ja``/``nej`` (``yes``/``no``). Every float is written with all its digits, so reading
    the file back gives the same frame.

    Spreadsheet safety: with ``neutralise_formulas`` (the default) a text cell whose first
    character is a control character (tab, carriage return, …), or whose first character after
    white space and control characters is ``=``, ``+``, ``-`` or ``@``, is written with a
    leading ``'`` (``'=1+1``), which spreadsheet programs show as text, never run as a formula
    (OWASP's advice on CSV injection). Text that already starts with ``'`` before such text gets
    one more. Numbers, negative ones included, are numbers and never prefixed. The CSV readers
    of this module remove the prefix, so reading the file back still gives the same frame.

    Examples
    --------
    >>> import io
    >>> from jobhandicap import frames
    >>> outcomes = frames.validate_outcomes(
    ...     pd.DataFrame({"jobcentre": [561], "year": [2018], "persons": [120],
    ...                   "entered_job": [30]}))
    >>> buffer = io.StringIO()
    >>> write_csv(outcomes, "outcomes", buffer)
    >>> print(buffer.getvalue())
    jobcenter;år;personer;i_job
    561;2018;120;30
    """
    sep = sep or (";" if language == "da" else ",")
    decimal = "." if sep == "," else ","
    local = _localise(frame, kind, language, text_dates=True)
    text = _csv_text(local, sep, decimal, neutralise=bool(neutralise_formulas))
    encoding = encoding or ("utf-8-sig" if language == "da" else "utf-8")
    if isinstance(target, str | os.PathLike):
        Path(target).write_bytes(text.encode(encoding))
        return
    if isinstance(target, io.TextIOBase):
        target.write(text)
        return
    handle = cast(IO[Any], target)
    try:
        handle.write(text.encode(encoding))
    except TypeError:  # a text-mode file that is not an io.TextIOBase
        handle.write(text)


def _csv_cells(values: pd.Series, sep: str, decimal: str, neutralise: bool) -> list[str]:
    """One column's fields, quoted where needed: numbers as pandas writes them, text safe."""
    dtype = values.dtype
    if (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
    ):
        cells = ["" if pd.isna(v) else str(v) for v in values.astype(object).tolist()]
        if neutralise:
            cells = [_safe_text.neutralise(c) for c in cells]
        return [_safe_text.csv_field(c, sep) for c in cells]
    # A number never holds the separator; a second, empty column keeps an empty cell unquoted.
    text = (
        values.to_frame("v")
        .assign(pad="")
        .to_csv(
            sep=sep, decimal=decimal, index=False, header=False, na_rep="", lineterminator="\n"
        )
    )
    return [
        _safe_text.csv_field(line[: -len(sep)], sep, number=True) for line in text.split("\n")[:-1]
    ]


def _csv_text(local: pd.DataFrame, sep: str, decimal: str, *, neutralise: bool) -> str:
    """The frame as CSV text: every field quoted where needed (``_safe_text.csv_field``)."""
    header = [str(c) for c in local.columns]
    if neutralise:
        header = [_safe_text.neutralise(h) for h in header]
    columns = [_csv_cells(local[c], sep, decimal, neutralise) for c in local.columns]
    lines = [_safe_text.csv_line(header, sep, "\r\n")]
    lines.extend(sep.join(row) + "\r\n" for row in zip(*columns, strict=True))
    return "".join(lines)


def write_excel(
    frame: pd.DataFrame,
    kind: str,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    language: Language = "da",
) -> None:
    """Write a frame as an Excel workbook a user receives (needs the extra ``excel``).

    Parameters
    ----------
    frame
        A canonical frame of ``kind``.
    kind
        The kind of table, as for :func:`write_csv`.
    target
        A path or a file opened in binary mode.
    language
        ``"da"`` (Danish headers and labels, dates shown dd-mm-yyyy) or ``"en"``.

    Raises
    ------
    SchemaError
        When ``frame`` is not a valid frame of ``kind``.
    JobhandicapError
        When openpyxl is not installed, or text holds a control character (other than tab and
        line feed) that an Excel cell cannot store.

    Notes
    -----
    One sheet named after ``kind``. Numbers and dates are written as numbers and dates, labels
    and other text as text cells; text starting with ``=`` is a text cell, never a formula.

    Examples
    --------
    >>> import io
    >>> from jobhandicap import frames
    >>> population = frames.validate_population(
    ...     pd.DataFrame({"municipality": [101], "year": [2019], "population": [444000]}))
    >>> buffer = io.BytesIO()
    >>> write_excel(population, "population", buffer)
    >>> read_population(io.BytesIO(buffer.getvalue())).equals(population)
    True
    """
    local = _localise(frame, kind, language, text_dates=False)
    _formats.check_excel_text(local)
    destination: Any = os.fspath(target) if isinstance(target, str | os.PathLike) else target
    _formats.write_excel_rows(
        list(local.columns),
        list(local.astype(object).itertuples(index=False, name=None)),
        destination,
        sheet=kind,
        date_format=_EXCEL_DATE_FORMATS[language],
    )
