"""Excel and Parquet support for the readers and writers (optional extras)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from typing import IO, Any

import attrs
import numpy as np
import pandas as pd

from jobhandicap._advice import option
from jobhandicap.errors import JobhandicapError

__all__ = [
    "MAX_PART_BYTES",
    "ExcelSheet",
    "SheetHeader",
    "check_excel_text",
    "excel_sheet_headers",
    "read_excel_rows",
    "read_parquet_frame",
    "write_excel_rows",
]

_EXCEL_EXTRA = 'Excel files need the optional extra "excel": pip install "jobhandicap[excel]"'
_PARQUET_EXTRA = (
    'Parquet files need the optional extra "parquet": pip install "jobhandicap[parquet]"'
)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise JobhandicapError(_EXCEL_EXTRA) from None
    return openpyxl


#: The largest uncompressed part of a workbook read (a sheet, the shared strings): openpyxl
#: holds a part in memory many times its size, so a larger one is refused before it is loaded.
MAX_PART_BYTES = 256 * 1024 * 1024


@attrs.frozen
class ExcelSheet:
    """The cells of one sheet, and the formula cells that have no saved value."""

    name: str
    rows: list[tuple[Any, ...]]
    #: ``(row, column, formula)`` of formula cells without a saved value; row and column are
    #: 1-based, as Excel numbers them.
    uncomputed: list[tuple[int, int, str]]


def _check_parts(data: bytes) -> None:
    """Refuse a workbook with a part too large to load (before openpyxl loads it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise JobhandicapError(f"cannot read the Excel file: {err}") from None
    large = [part for part in parts if part.file_size > MAX_PART_BYTES]
    if large:
        part = max(large, key=lambda p: p.file_size)
        raise JobhandicapError(
            f"cannot read the Excel file: its part {part.filename!r} is "
            f"{part.file_size / 2**20:,.0f} MiB uncompressed, more than the "
            f"{MAX_PART_BYTES / 2**20:,.0f} MiB the reader loads (it would need many times "
            "that in memory); save the sheet as CSV, or split the workbook"
        )


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula (an ``<f>`` element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in archive.infolist():
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                with archive.open(part) as handle:
                    previous = b""
                    while chunk := handle.read(1 << 20):
                        if re.search(rb"<(?:\w+:)?f[ >/]", previous[-16:] + chunk):
                            return True
                        previous = chunk
    return False


@attrs.frozen
class SheetHeader:
    """One sheet of a workbook: its name, whether it is shown, and its first row."""

    name: str
    #: Shown (not hidden or very hidden) and holding cells (not a chart sheet).
    visible: bool
    header: tuple[Any, ...]
    #: A chart sheet: no cells at all.
    chart: bool = False


def _load(data: bytes, *, data_only: bool = True) -> Any:
    """The workbook, read-only (after the part size check)."""
    openpyxl = _openpyxl()
    _check_parts(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise JobhandicapError(f"cannot read the Excel file: {err}") from None


def _visible(worksheet: Any) -> bool:
    """Whether a sheet is shown (not ``hidden`` or ``veryHidden``) and holds cells."""
    return _cells(worksheet) and getattr(worksheet, "sheet_state", "visible") == "visible"


def _cells(worksheet: Any) -> bool:
    """Whether a sheet holds cells (a chart sheet does not)."""
    return hasattr(worksheet, "iter_rows")


def excel_sheet_headers(data: bytes) -> list[SheetHeader]:
    """Every sheet of a workbook in order, with its state and its first row only."""
    workbook = _load(data)
    try:
        found = []
        for name in workbook.sheetnames:
            worksheet = workbook[name]
            if not _cells(worksheet):
                found.append(SheetHeader(str(name), False, (), chart=True))
                continue
            first = next(iter(worksheet.iter_rows(max_row=1, values_only=True)), ())
            found.append(SheetHeader(str(name), _visible(worksheet), tuple(first)))
    finally:
        workbook.close()
    return found


def read_excel_rows(data: bytes, sheet: str | int | None) -> ExcelSheet:
    """Return the cell values of one sheet, row by row (row 1 first), as Excel shows them.

    ``sheet`` is a name, a 0-based index among all sheets, or ``None`` for the first visible
    sheet (hidden and very hidden sheets are skipped). Formula cells give their last computed
    value; nothing is evaluated. Formula cells with no saved value (workbooks written by
    programs that do not compute formulas) are listed in :attr:`ExcelSheet.uncomputed`.
    """
    workbook = _load(data)
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            shown = [name for name in names if _visible(workbook[name])]
            if not shown:
                raise JobhandicapError(
                    f"every sheet of the workbook is hidden ({', '.join(map(repr, names))}); "
                    "pass the sheet to read by name"
                )
            worksheet = workbook[shown[0]]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise JobhandicapError(
                    f"the workbook has {len(names)} sheet(s) ({', '.join(map(repr, names))}); "
                    f"{option('sheet', sheet)} does not exist (the first sheet is 0)"
                )
            worksheet = workbook[names[sheet]]
        elif sheet in names:
            worksheet = workbook[sheet]
        else:
            raise JobhandicapError(
                f"the workbook has no sheet {sheet!r}; it has {', '.join(map(repr, names))}"
            )
        title = str(worksheet.title)
        if not _cells(worksheet):
            raise JobhandicapError(
                f"sheet {title!r} of the workbook is a chart sheet and holds no cells; pass the "
                "sheet with the table as sheet="
            )
        rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return ExcelSheet(title, rows, _uncomputed(data, title, rows) if _has_formulas(data) else [])


def _uncomputed(
    data: bytes, title: str, rows: list[tuple[Any, ...]]
) -> list[tuple[int, int, str]]:
    """Formula cells of sheet ``title`` whose saved value is missing (empty in ``rows``)."""
    workbook = _openpyxl().load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    found: list[tuple[int, int, str]] = []
    try:
        for r, row in enumerate(workbook[title].iter_rows(values_only=True)):
            for c, cell in enumerate(row):
                if (
                    isinstance(cell, str)
                    and cell.startswith("=")
                    and (r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None)
                ):
                    found.append((r + 1, c + 1, cell))
    finally:
        workbook.close()
    return found


def read_parquet_frame(data: bytes) -> pd.DataFrame:
    """Read a Parquet file into a frame with a fresh RangeIndex."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise JobhandicapError(_PARQUET_EXTRA) from None
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except (OSError, ValueError) as err:
        raise JobhandicapError(f"cannot read the Parquet file: {err}") from None
    return frame.reset_index(drop=True)


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_excel_rows(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    target: str | IO[bytes],
    *,
    sheet: str,
    date_format: str,
) -> None:
    """Write a header and rows to a one-sheet workbook; text stays text (never a formula)."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def cell(value: Any) -> Any:
        value = _excel_value(value)
        if isinstance(value, str):
            # openpyxl would store text starting with "=" as a formula: force a text cell.
            text_cell = WriteOnlyCell(worksheet, value=value)
            text_cell.data_type = "s"
            return text_cell
        if isinstance(value, dt.datetime):
            date_cell = WriteOnlyCell(worksheet, value=value)
            date_cell.number_format = date_format
            return date_cell
        return value

    worksheet.append([cell(h) for h in header])
    for row in rows:
        worksheet.append([cell(v) for v in row])
    workbook.save(target)


#: Characters an Excel cell cannot hold (XML 1.0 control characters; a carriage return would
#: come back as a line feed).
_NOT_IN_EXCEL = r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]"


def check_excel_text(frame: pd.DataFrame) -> None:
    """Refuse text that an Excel cell cannot hold, naming the first such cell.

    Raises
    ------
    JobhandicapError
        When a text cell holds a control character (other than tab and line feed).
    """
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
            continue
        text = values.astype("string")
        bad = text.str.contains(_NOT_IN_EXCEL, regex=True).to_numpy(dtype=bool, na_value=False)
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise JobhandicapError(
                f"row {row}, column {column!r}: the text {text.iloc[row - 2]!r} holds a control "
                "character that an Excel cell cannot store; write a CSV file instead"
            )
