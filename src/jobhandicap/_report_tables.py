"""The report's tables: suppression of small cells and the CSV and Excel exports.

Private to :mod:`jobhandicap.report`. A :class:`Table` is an analysis result with the rules that
say which of its columns count persons or cases (:class:`Rule`); :func:`publish` applies the
rules through :func:`jobhandicap.disclosure.suppress` and gives the :class:`Published` table
that the HTML page, the CSV file and the workbook all show, so the three can never disagree.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

from jobhandicap import disclosure

#: Text shown in suppressed cells.
MARKER = "<5"
#: Counts from 1 to THRESHOLD - 1 are suppressed.
THRESHOLD = 5

#: First characters that make a spreadsheet program read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Columns of amounts in kroner, whose 9-10 digit totals may read as a personal number.
_AMOUNT_COLUMNS = ("amount_dkk", "total_dkk")
#: A fixed time for the entries of the workbook's zip archive.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
#: Characters a workbook cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@attrs.frozen(kw_only=True)
class Rule:
    """Which columns of a table count persons or cases, and how they relate.

    Parameters
    ----------
    counts
        Columns of counts of persons or cases; each count from 1 to 4 is suppressed.
    by
        Grouping columns, for a long table whose lines have totals (see ``totals`` and
        ``total_rows``).
    totals
        Grouping columns of ``by`` whose sum within each line is published elsewhere (a share
        of the line total, say), as :func:`jobhandicap.disclosure.suppress` takes them.
    total_rows
        ``{column: value}``: the rows of ``by`` column ``column`` holding ``value`` are the
        totals of their lines.
    total
        A column holding each row's total of ``counts``: the row is a line with a published
        total.
    complement
        With ``total``: the difference ``total - sum(counts)`` counts persons too (refusals
        when ``counts`` are the grants), so it is protected although it is not shown.
    linked
        Columns computed from the counts (shares, rates, intervals, text), blanked in every
        row where a count of the rule is blanked.
    """

    counts: tuple[str, ...]
    by: tuple[str, ...] = ()
    totals: tuple[str, ...] = ()
    total_rows: Mapping[str, str] = attrs.field(factory=dict)
    total: str | None = None
    complement: bool = False
    linked: tuple[str, ...] = ()

    def columns(self) -> tuple[str, ...]:
        """Return the published count columns of the rule (counts and total)."""
        return (*self.counts, *(() if self.total is None else (self.total,)))


@attrs.frozen(kw_only=True)
class Table:
    """An analysis result on its way into the report.

    Parameters
    ----------
    name
        The file name stem (``survey_top_box``) and sheet name.
    title
        The heading shown above the table (already translated).
    frame
        The result, unsuppressed.
    rules
        The suppression rules; empty for a table that counts no persons or cases.
    html_columns
        The columns the HTML page shows (all when ``None``); the exports have every column.
    decimals
        Decimals shown in the HTML page per float column (3 by default).
    """

    name: str
    title: str
    frame: pd.DataFrame
    rules: tuple[Rule, ...] = ()
    html_columns: tuple[str, ...] | None = None
    decimals: Mapping[str, int] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Published:
    """A table as published: suppressed cells missing in ``table`` and True in ``mask``."""

    name: str
    title: str
    table: pd.DataFrame
    mask: pd.DataFrame
    counts: tuple[str, ...]
    html_columns: tuple[str, ...]
    decimals: Mapping[str, int]


def _neutral_labels(values: pd.Series, total_value: str | None) -> pd.Series:
    """Replace grouping values by neutral codes so that no label reads as a total by chance."""
    codes, _ = pd.factorize(values.astype("object"), use_na_sentinel=True)
    labels = pd.Series([f"g{c}" for c in codes], index=values.index, dtype=object)
    if total_value is not None:
        is_total = (values.astype("object") == total_value).to_numpy(dtype=bool, na_value=False)
        labels = labels.mask(pd.Series(is_total, index=values.index), "total")
    return labels


def _rule_mask(frame: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Apply one rule; return the mask of suppressed cells over the frame's columns."""
    pieces: dict[str, pd.Series] = {}
    for column in rule.by:
        pieces[column] = _neutral_labels(frame[column], rule.total_rows.get(column))
    for column in rule.counts:
        pieces[column] = frame[column]
    hidden = "__hidden__"
    if rule.total is not None:
        total = frame[rule.total]
        pieces["total"] = total
        if rule.complement:
            members = frame[list(rule.counts)].to_numpy(dtype=np.float64, na_value=np.nan)
            rest = total.to_numpy(dtype=np.float64, na_value=np.nan) - members.sum(axis=1)
            pieces[hidden] = pd.Series(np.clip(rest, 0.0, None), index=frame.index)
    sub = pd.DataFrame(pieces).reset_index(drop=True)
    count_columns = [c for c in sub.columns if c not in rule.by]
    result = disclosure.suppress(
        sub,
        count_columns=count_columns,
        by=list(rule.by) or None,
        threshold=THRESHOLD,
        totals=list(rule.totals),
        linked_columns={},
        marker=MARKER,
    )
    found = result.mask.set_axis(frame.index, axis=0)
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for column in rule.counts:
        mask[column] = found[column].to_numpy(dtype=bool)
    if rule.total is not None:
        mask[rule.total] = found["total"].to_numpy(dtype=bool)
    shown = list(rule.columns())
    row = mask[shown].to_numpy(dtype=bool).any(axis=1)
    for column in rule.linked:
        mask[column] = mask[column].to_numpy(dtype=bool) | row
    return mask


def _blank(series: pd.Series, where: np.ndarray) -> pd.Series:
    """Set the cells of ``series`` where ``where`` is True to missing, keeping it numeric."""
    if not where.any():
        return series
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("boolean")
    elif pd.api.types.is_integer_dtype(series.dtype):
        series = series.astype("Int64")
    return series.mask(pd.Series(where, index=series.index))


def publish(table: Table, *, suppress: bool) -> Published:
    """Apply the table's suppression rules (when ``suppress``) and return it as published."""
    frame = table.frame.reset_index(drop=True)
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    if suppress:
        for rule in table.rules:
            mask = mask | _rule_mask(frame, rule)
    blanked = pd.DataFrame(
        {column: _blank(frame[column], mask[column].to_numpy(dtype=bool)) for column in frame},
        index=frame.index,
    )
    declared = {c for rule in table.rules for c in rule.columns()}
    counts = tuple(str(c) for c in frame.columns if c in declared)
    shown = table.html_columns or tuple(str(c) for c in frame.columns)
    return Published(
        name=table.name,
        title=table.title,
        table=blanked,
        mask=mask,
        counts=counts,
        html_columns=tuple(c for c in shown if c in frame.columns),
        decimals=dict(table.decimals),
    )


def check_no_personal_ids(published: Published) -> None:
    """Refuse to write a table that holds a personal number (defence in depth).

    Amounts in kroner (columns ending in ``_dkk``) are not searched: their 9-10 digit totals
    may read as a personal number, and a sum of amounts is never one, so a 10-digit amount
    never blocks a report. Every other column, and the headers, are.
    """
    table = published.table
    amounts = [
        column
        for column in table.columns
        if column in _AMOUNT_COLUMNS or str(column).endswith("_dkk")
    ]
    disclosure.assert_no_personal_ids(
        table, what=f"report table {published.name!r}", exclude=amounts
    )


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Prefix text that a spreadsheet would read as a formula with ``'``.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("aids")
    ("'=HYPERLINK(1)", 'aids')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return bool(
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
    )


def _cells(published: Published) -> list[list[Any]]:
    """The table's cells as Python values: numbers, neutralised text, the marker or None."""
    columns: list[list[Any]] = []
    for column in published.table.columns:
        series = published.table[column]
        where = published.mask[column].to_numpy(dtype=bool)
        values: list[Any] = series.astype(object).tolist()
        text = _is_text(series)
        cells: list[Any] = []
        for value, hidden in zip(values, where, strict=True):
            if hidden:
                cells.append(MARKER)
            elif value is None or value is pd.NA or (isinstance(value, float) and value != value):
                cells.append(None)
            elif text or isinstance(value, str):
                cells.append(neutralise(str(value)))
            elif isinstance(value, bool | np.bool_):
                cells.append(bool(value))
            elif isinstance(value, np.integer):
                cells.append(int(value))
            elif isinstance(value, np.floating):
                cells.append(float(value))
            else:
                cells.append(value)
        columns.append(cells)
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ""
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    return str(value)


def csv_bytes(published: Published) -> bytes:
    """Return the table as CSV: UTF-8, ``,``-separated, ``"<5"`` in suppressed cells."""
    rows = _cells(published)
    frame = pd.DataFrame(
        [[_csv_text(v) for v in row] for row in rows],
        columns=[neutralise(str(c)) for c in published.table.columns],
        dtype=object,
    )
    if not rows:
        frame = pd.DataFrame(columns=[str(c) for c in published.table.columns])
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _clean_sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    candidate, k = base, 1
    while candidate.lower() in used:
        k += 1
        suffix = f"_{k}"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def workbook_bytes(tables: Sequence[Published], *, created: dt.datetime) -> bytes:
    """Return every table as a sheet of one ``.xlsx`` workbook, byte-reproducible.

    Text cells are always written as text (a leading ``=`` never makes a formula: such text
    is neutralised with ``'`` as in the CSV files). The workbook's creation and modification
    times are ``created`` and every zip entry has the same fixed time, so the same tables and
    time give the same bytes.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for published in tables:
        sheet = book.create_sheet(_clean_sheet_name(published.name, used))
        sheet.append([str(c) for c in published.table.columns])
        for row in _cells(published):
            sheet.append([_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    book.properties.creator = "jobhandicap"
    book.properties.lastModifiedBy = "jobhandicap"
    book.properties.created = created
    book.properties.modified = created
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), created.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _normalise_zip(data: bytes, modified: str) -> bytes:
    """Rewrite a workbook with fixed entry times and modification time (openpyxl sets now)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(
                    lambda m: m.group(1) + modified.encode("ascii") + m.group(2), content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
