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
from jobhandicap.report import _format
from jobhandicap.report._text import Lang

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
#: The widest a workbook column is made (characters); longer text is cut off on screen.
_MAX_WIDTH = 60


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


def _cells(published: Published, lang: Lang = "en") -> list[list[Any]]:
    """The table's cells as Python values, rounded and labelled for ``lang``.

    Numbers are rounded as :mod:`jobhandicap.report._format` says (counts and kroner to
    integers, shares to 3 decimals); text is labelled in ``lang`` and neutralised; a hidden
    cell holds its marker, a missing one None.
    """
    columns: list[list[Any]] = []
    for column in published.table.columns:
        name = str(column)
        series = published.table[column]
        kind = _format.column_kind(published.name, name, series)
        places = _format.decimals(kind, name, published.decimals)
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
                cells.append(neutralise(_format.label(name, value, lang)))
            elif isinstance(value, bool | np.bool_):
                cells.append(bool(value))
            elif isinstance(value, int | float | np.integer | np.floating):
                cells.append(_format.rounded(float(value), places))
            else:
                cells.append(value)
        columns.append(cells)
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _csv_text(value: Any, places: int, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _format.boolean(value, lang)
    if isinstance(value, int | float):
        return _format.number_text(value, places, lang)
    return str(value)


def _places(published: Published) -> list[int]:
    out = []
    for column in published.table.columns:
        name = str(column)
        kind = _format.column_kind(published.name, name, published.table[column])
        out.append(_format.decimals(kind, name, published.decimals))
    return out


def _headers(published: Published, lang: Lang) -> list[str]:
    names = [str(c) for c in published.table.columns]
    return [neutralise(h) for h in _format.headers(names, lang)]


def csv_bytes(published: Published, lang: Lang = "en") -> bytes:
    """Return the table as CSV for a spreadsheet in ``lang``, ``"<5"`` in suppressed cells.

    English: ``,``-separated, decimal point, the canonical column names and values. Danish
    (``lang="da"``): ``;``-separated, decimal comma, Danish headers and category labels. Both
    are UTF-8 with a byte order mark. Shares are fractions with 3 decimals, counts and amounts
    in kroner whole numbers (:mod:`jobhandicap.report._format`).

    Text (headers included) is neutralised (:func:`neutralise`); a field holding a separator, a
    quote, a line break or any other control character is quoted
    (:func:`jobhandicap._safe_text.csv_field`), so a spreadsheet never splits a cell into a new
    line that starts with a formula. Numbers are written as numbers, negative ones included.
    """
    sep = _format.SEPARATOR[lang]
    places = _places(published)
    lines = [_safe_text.csv_line(_headers(published, lang), sep)]
    for row in _cells(published, lang):
        fields = []
        for value, digits in zip(row, places, strict=True):
            shown = _csv_text(value, digits, lang)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            fields.append(_safe_text.csv_field(shown, sep, number=number))
        lines.append(sep.join(fields) + "\n" if fields != [""] else '""\n')
    return ("\ufeff" + "".join(lines)).encode("utf-8")


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
    lang: Lang = "en",
) -> bytes:
    """Return every table as a sheet of one ``.xlsx`` workbook, byte-reproducible.

    Headers and category labels are those of the CSV files in ``lang``. Numbers are rounded
    as in the CSV files and get number formats: shares ``0.0%`` (the value stays a fraction),
    counts and amounts in kroner ``#,##0``, codes ``0``, other numbers their decimals; the
    intervals of an estimate are formatted like it. Columns are as wide as their contents (at
    most :data:`_MAX_WIDTH` characters) and the header row is frozen.

    Text cells, the header row included, are always written as text (a leading ``=`` never
    makes a formula: such text is neutralised with ``'`` as in the CSV files). The workbook's
    creation and modification times are ``created`` and every zip entry has the same fixed
    time, so the same tables and time give the same bytes. ``legend`` (marker, meaning) pairs
    go on a last sheet, ``legend``, with a line on how shares are written.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for published in tables:
        sheet = book.create_sheet(_clean_sheet_name(published.name, used))
        heads = [_ILLEGAL.sub("", h) for h in _headers(published, lang)]
        sheet.append(heads)
        rows = _cells(published, lang)
        for row in rows:
            sheet.append([_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for j, column in enumerate(published.table.columns):
            name = str(column)
            kind = _format.column_kind(published.name, name, published.table[column])
            places = _format.decimals(kind, name, published.decimals)
            shown_format = _format.excel_format(kind, places)
            letter = get_column_letter(j + 1)
            width = len(heads[j])
            for i, row in enumerate(rows, start=2):
                value = row[j]
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet[f"{letter}{i}"].number_format = shown_format
                width = max(width, _shown_width(value, kind, places))
            sheet.column_dimensions[letter].width = min(_MAX_WIDTH, width + 2)
        sheet.freeze_panes = "A2"
    if legend or tables:
        sheet = book.create_sheet(_clean_sheet_name("legend", used))
        sheet.append(_format.legend_header(lang))
        for marker, meaning in [*legend, *_format.format_legend(lang)]:
            sheet.append([neutralise(marker), neutralise(meaning)])
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
                cell.data_type = "s"
        sheet.column_dimensions["A"].width = 12
        sheet.column_dimensions["B"].width = _MAX_WIDTH + 30
        sheet.freeze_panes = "A2"
    book.properties.creator = "jobhandicap"
    book.properties.lastModifiedBy = "jobhandicap"
    book.properties.created = created
    book.properties.modified = created
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), created.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _shown_width(value: Any, kind: _format.Kind, places: int) -> int:
    """About how many characters a cell shows (the workbook's column width)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return 4
        if kind == "share":
            return len(f"{100 * value:.1f}%")
        if kind in ("count", "dkk"):
            return len(f"{round(value):,}")
        return len(f"{value:.{places}f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


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
