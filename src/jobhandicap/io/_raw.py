"""From a file to a raw table, and on to a validated frame.

A raw table has the planned columns labelled by their position in the file and the rows numbered
as a spreadsheet shows them (the header is row 1), so that every problem can name its cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _safe_text, frames
from jobhandicap._advice import option
from jobhandicap.errors import (
    JobhandicapError,
    SchemaError,
    problems_frame,
)
from jobhandicap.frames._cells import Origin
from jobhandicap.frames._respondents import normalise_respondents
from jobhandicap.frames._sampled import respondent_columns
from jobhandicap.frames._validate import CROSS_CHECKS, validate
from jobhandicap.io import _csv, _formats
from jobhandicap.io._csv import read_csv_table, refuse_joined_cells
from jobhandicap.io._excel import read_excel_table
from jobhandicap.io._source import (
    Names,
    Planner,
    Source,
    empty_file_error,
    format_of,
    no_names,
    open_source,
)

__all__ = ["read_source", "validate_read"]


_NUMBER_KINDS = frozenset({"integer", "number"})


def _read_parquet(
    content: bytes, plan_for: Planner, what: str
) -> tuple[pd.DataFrame, dict[int, str], tuple[str, ...]]:
    table = _formats.read_parquet_frame(content)
    if len(table.columns) == 0:
        raise empty_file_error(what)
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
    names: Names = no_names,
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
    names: Names = no_names,
) -> _Read:
    """Read the planned columns of a file, with what the problems' text needs.

    ``names`` gives the canonical column of a file column, once the header is planned (for
    the problems found while reading).
    """
    opened = open_source(source)
    kind_of_file = format_of(opened, format)
    if kind_of_file == "csv":
        frame, plan, dialect, texts = read_csv_table(
            opened, plan_for, what, sep=sep, decimal=decimal, encoding=encoding, names=names
        )
        refuse_joined_cells(frame, plan, dialect, names)
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
        frame, plan, header = read_excel_table(content, plan_for, what, sheet)
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


def validate_read(
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
    elif kind == "sampled_survey":
        result = respondent_columns(raw, result, as_text=True)
    return result
