"""The report's tables: protection of the release and the CSV and Excel exports.

Private to :mod:`jobhandicap.report`. A :class:`Table` is an analysis result with the
specification of its counts of persons (:class:`~jobhandicap.disclosure.TableSpec`);
:func:`protect_release` protects all tables of a report at once with
:func:`jobhandicap.disclosure.protect`, audits the result, and gives the :class:`Published`
tables that the HTML page, the CSV file and the workbook all show, so the three can never
disagree.
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

from jobhandicap import _safe_text, disclosure
from jobhandicap.disclosure._suppression import blank

#: Counts from 1 to THRESHOLD - 1 are hidden.
THRESHOLD = 5
#: Text shown in a hidden small count.
MARKER = f"<{THRESHOLD}"
#: Text shown in a cell hidden to protect a small count, or derived from a hidden count.
SECONDARY = "x"

#: Columns of amounts in kroner, whose 9-10 digit totals may read as a personal number.
_AMOUNT_COLUMNS = ("amount_dkk", "total_dkk")
#: A fixed time for the entries of the workbook's zip archive.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
#: Characters a workbook cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
        The result, unprotected.
    spec
        How its counts of persons or cases relate to the units and to the report's other
        tables (:class:`~jobhandicap.disclosure.TableSpec`); ``None`` for a table that counts
        no persons or cases (jobcentres, scores).
    withheld
        Per column, the rows of derived cells to hide whatever the counts (a list of target
        groups that names a small group, say).
    html_columns
        The columns the HTML page shows (all when ``None``); the exports have every column.
    decimals
        Decimals shown in the HTML page per float column (3 by default).
    """

    name: str
    title: str
    frame: pd.DataFrame
    spec: disclosure.TableSpec | None = None
    withheld: Mapping[str, np.ndarray] = attrs.field(factory=dict)
    html_columns: tuple[str, ...] | None = None
    decimals: Mapping[str, int] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Published:
    """A table as published: hidden cells missing in ``table``, their text in ``markers``.

    ``markers`` holds ``""`` for a shown cell, :data:`MARKER` for a hidden small count and
    :data:`SECONDARY` for a cell hidden to protect another or derived from a hidden one;
    ``mask`` is True where a cell is hidden.
    """

    name: str
    title: str
    table: pd.DataFrame
    markers: pd.DataFrame
    counts: tuple[str, ...]
    html_columns: tuple[str, ...]
    decimals: Mapping[str, int]
    mask: pd.DataFrame = attrs.field(init=False)

    @mask.default
    def _mask(self) -> pd.DataFrame:
        return (self.markers != "").astype(bool)


def _published(table: Table, frame: pd.DataFrame, markers: pd.DataFrame) -> Published:
    markers = markers.copy()
    for column, rows in table.withheld.items():
        where = np.asarray(rows, dtype=bool) & (markers[column] == "").to_numpy(dtype=bool)
        markers.loc[where, column] = SECONDARY
    blanked = pd.DataFrame(
        {c: blank(frame[c], (markers[c] != "").to_numpy(dtype=bool)) for c in frame.columns},
        index=frame.index,
    )
    counts: tuple[str, ...] = ()
    if table.spec is not None:
        declared = {
            m.column for m in table.spec.measures if m.column is not None and m.amount is None
        }
        counts = tuple(str(c) for c in frame.columns if c in declared)
    shown = table.html_columns or tuple(str(c) for c in frame.columns)
    return Published(
        name=table.name,
        title=table.title,
        table=blanked,
        markers=markers.astype(pd.StringDtype()),
        counts=counts,
        html_columns=tuple(c for c in shown if c in frame.columns),
        decimals=dict(table.decimals),
    )


def unprotected(table: Table) -> Published:
    """The table as it would be published without any protection."""
    frame = table.frame.reset_index(drop=True)
    markers = pd.DataFrame("", index=frame.index, columns=frame.columns)
    return _published(attrs.evolve(table, withheld={}), frame, markers)


def republish(table: Table, markers: pd.DataFrame) -> Published:
    """The table published with given markers (those the release chose for its cells)."""
    frame = table.frame.reset_index(drop=True)
    return _published(table, frame, markers.astype(object))


def protect_release(
    tables: Sequence[Table],
    units: Mapping[str, pd.DataFrame],
    *,
    suppress: bool,
    weights: Mapping[str, str] | None = None,
) -> tuple[dict[str, Published], disclosure.Release | None]:
    """Protect every table of the report at once, audit the result, and publish it.

    Returns the published tables by name and the release (``None`` when nothing counts
    persons or protection is off). Raises :class:`~jobhandicap.errors.DisclosureError` when
    the audit finds a hidden small count an attacker could narrow down.
    """
    if not suppress:
        return {t.name: unprotected(attrs.evolve(t, withheld={})) for t in tables}, None
    frames = {t.name: t.frame.reset_index(drop=True) for t in tables}
    specs = {t.name: t.spec for t in tables if t.spec is not None}
    release = None
    markers = {
        name: pd.DataFrame("", index=frame.index, columns=frame.columns)
        for name, frame in frames.items()
    }
    if specs:
        needed = {spec.universe for spec in specs.values()}
        release = disclosure.protect(
            {name: frames[name] for name in specs},
            specs,
            microdata={name: frame for name, frame in units.items() if name in needed},
            weights=dict(weights or {}),
            threshold=THRESHOLD,
        )
        disclosure.check(release)
        markers.update({name: release.markers[name].astype(object) for name in specs})
    published = {t.name: _published(t, frames[t.name], markers[t.name]) for t in tables}
    return published, release


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

    The one rule of :func:`jobhandicap._safe_text.neutralise`: text whose first character is a
    control character, or whose first character after white space and control characters is
    ``=``, ``+``, ``-`` or ``@``.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("aids"), neutralise(" =1+1")
    ("'=HYPERLINK(1)", 'aids', "' =1+1")
    """
    return _safe_text.neutralise(value)


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
        marks = published.markers[column].astype(object).tolist()
        values: list[Any] = series.astype(object).tolist()
        text = _is_text(series)
        cells: list[Any] = []
        for value, marker in zip(values, marks, strict=True):
            if marker:
                cells.append(marker)
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
    """Return the table as CSV: UTF-8, ``,``-separated, ``"<5"`` in suppressed cells.

    Text (headers included) is neutralised (:func:`neutralise`); a field holding a separator, a
    quote, a line break or any other control character is quoted
    (:func:`jobhandicap._safe_text.csv_field`), so a spreadsheet never splits a cell into a new
    line that starts with a formula. Numbers are written as numbers, negative ones included.
    """
    lines = [_safe_text.csv_line([neutralise(str(c)) for c in published.table.columns])]
    lines.extend(_safe_text.csv_line([_csv_text(v) for v in row]) for row in _cells(published))
    return "".join(lines).encode("utf-8")


def _clean_sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    candidate, k = base, 1
    while candidate.lower() in used:
        k += 1
        suffix = f"_{k}"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def workbook_bytes(
    tables: Sequence[Published],
    *,
    created: dt.datetime,
    legend: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Return every table as a sheet of one ``.xlsx`` workbook, byte-reproducible.

    Text cells, the header row included, are always written as text (a leading ``=`` never
    makes a formula: such text is neutralised with ``'`` as in the CSV files). The workbook's
    creation and modification times are ``created`` and every zip entry has the same fixed
    time, so the same tables and time give the same bytes. ``legend`` (marker, meaning) pairs
    go on a last sheet, ``legend``.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for published in tables:
        sheet = book.create_sheet(_clean_sheet_name(published.name, used))
        sheet.append([_ILLEGAL.sub("", neutralise(str(c))) for c in published.table.columns])
        for row in _cells(published):
            sheet.append([_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    if legend:
        sheet = book.create_sheet(_clean_sheet_name("legend", used))
        sheet.append(["marker", "meaning"])
        for marker, meaning in legend:
            sheet.append([neutralise(marker), neutralise(meaning)])
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
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
