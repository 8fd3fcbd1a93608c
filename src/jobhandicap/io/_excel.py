"""Excel workbooks as raw tables: the sheet to read, its header, typed cells, serial dates."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from jobhandicap import frames
from jobhandicap._advice import option
from jobhandicap.errors import (
    DataQualityWarning,
    MissingColumnsError,
    SchemaError,
    problems_frame,
)
from jobhandicap.frames import _dates
from jobhandicap.io import _formats
from jobhandicap.io._headers import (
    resolve_headers,
)
from jobhandicap.io._source import Planner, empty_file_error

__all__ = ["read_excel_table"]


def read_excel_table(
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
        raise empty_file_error(what)
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
