"""The report's HTML page (private to :mod:`jobhandicap.report`).

One self-contained file: the style sheet is inline, figures are inline SVG, there are no
scripts, no fonts to fetch and no links outside the page except the relative links to its own
CSV files. Every text that comes from the data or the caller is escaped with
:func:`html.escape`; the only markup that is not built here is matplotlib's SVG, whose text
matplotlib escapes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from jobhandicap.report import _format
from jobhandicap.report._sections import Section
from jobhandicap.report._tables import MARKER, SECONDARY, THRESHOLD, Published
from jobhandicap.report._text import Lang, column_label, number, percent, points, text, value_label

#: Tables longer than this are folded into a ``<details>`` element.
_FOLD_ROWS = 25

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #0b5394; padding-bottom: 0.2rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.4rem; }
p.generated { color: #555; margin-top: 0; }
.privacy { border-left: 4px solid #0b5394; background: #eef4fb; padding: 0.5rem 0.8rem; }
.privacy.off { border-color: #b00020; background: #fdecee; font-weight: 600; }
.notice { border-left: 4px solid #999; background: #f4f4f4; padding: 0.5rem 0.8rem; }
.synthetic { border-left: 4px solid #b26a00; background: #fff4e0; padding: 0.5rem 0.8rem;
  font-weight: 600; }
.legend { font-size: 0.85em; color: #444; margin-top: 0.2rem; }
nav ol { columns: 2; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.3rem 0 0.3rem; }
th, td { padding: 0.2rem 0.55rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hidden { color: #777; font-style: italic; }
p.file { font-size: 0.8rem; color: #555; margin-top: 0; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #333; }
.method { font-size: 0.9rem; background: #fafafa; border: 1px solid #e5e5e5;
  padding: 0.3rem 0.9rem; margin-top: 1rem; }
ul.notes { font-size: 0.88rem; color: #444; }
details summary { cursor: pointer; color: #0b5394; }
code { font-size: 0.85em; }
""".strip()

#: The line of the page that holds the generation time: the only line that changes between
#: two builds from the same inputs.
GENERATED_CLASS = "generated"


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(
    value: Any,
    column: str,
    kind: _format.Kind,
    numbers: Literal["float", "integer", ""],
    points_: bool,
    decimals: int,
    lang: Lang,
) -> tuple[str, str]:
    """Return the text and CSS class of one shown cell of a column of ``kind`` and ``numbers``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, bool | np.bool_):
        return _escape(value_label(column, bool(value), lang)), ""
    if kind == "share" and math.isfinite(float(value)):
        if points_:
            shown = points(float(value), lang, _format.PERCENT_DECIMALS)
        else:
            shown = percent(float(value), lang, _format.PERCENT_DECIMALS)
        return _escape(shown), "num"
    if kind in ("dkk", "count") and math.isfinite(float(value)):
        return _escape(_format.grouped(float(value), lang)), "num"
    if numbers == "float":
        return _escape(number(float(value), decimals, lang)), "num"
    if numbers == "integer":
        return _escape(str(int(value))), "num"
    return _escape(value_label(column, value, lang)), ""


def _column(published: Published, column: str, lang: Lang) -> list[tuple[str, str]]:
    """Return the text and CSS class of every cell of one column, top to bottom.

    The column's kind and dtype are looked up once and its values taken out of the frame at
    once: cell by cell through ``iloc`` was most of the time a report took to render.
    """
    series = published.table[column]
    kind = _format.column_kind(published.name, column, series)
    points_ = _format.is_points(published.name, column)
    decimals = published.decimals.get(column, 3)
    numbers: Literal["float", "integer", ""] = (
        "float"
        if pd.api.types.is_float_dtype(series.dtype)
        else "integer"
        if pd.api.types.is_integer_dtype(series.dtype)
        else ""
    )
    values = series.astype(object).to_numpy()
    return [
        (_escape(str(marker)), "num hidden")
        if str(marker)
        else _cell(value, column, kind, numbers, points_, decimals, lang)
        for value, marker in zip(values, published.markers[column].to_numpy(), strict=True)
    ]


def _table(published: Published, lang: Lang, *, link: bool) -> list[str]:
    columns = list(published.html_columns)
    head = "".join(f"<th>{_escape(column_label(c, lang))}</th>" for c in columns)
    lines = [
        f"<h3>{_escape(published.title)}</h3>",
        '<div class="table-wrap">',
        "<table>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    rows = len(published.table)
    by_column = [_column(published, column, lang) for column in columns]
    for row in zip(*by_column, strict=True) if by_column else [()] * rows:
        cells = "".join(
            f'<td class="{css}">{shown}</td>' if css else f"<td>{shown}</td>" for shown, css in row
        )
        lines.append(f"<tr>{cells}</tr>")
    lines += ["</tbody>", "</table>", "</div>"]
    if bool(published.mask.to_numpy(dtype=bool).any()):
        legend = text("legend", lang, marker=MARKER, threshold=THRESHOLD, secondary=SECONDARY)
        lines.append(f'<p class="legend">{_escape(legend)}</p>')
    if rows > _FOLD_ROWS:
        summary = _escape(text("show_rows", lang, n=rows))
        lines = [
            lines[0],
            f"<details><summary>{summary}</summary>",
            *lines[1:],
            "</details>",
        ]
    if link:
        path = f"tables/{published.name}.csv"
        lines.append(
            f'<p class="file">{_escape(text("file", lang))}: '
            f'<a href="{_escape(path)}">{_escape(path)}</a></p>'
        )
    return lines


def _section(section: Section, lang: Lang) -> list[str]:
    lines = [f'<section id="{_escape(section.id)}">', f"<h2>{_escape(section.title)}</h2>"]
    lines += [f"<p>{_escape(p)}</p>" for p in section.paragraphs]
    for figure in section.figures:
        lines += [
            "<figure>",
            figure.svg,
            f"<figcaption>{_escape(figure.caption)}</figcaption>",
            "</figure>",
        ]
    for published in section.tables:
        lines += _table(published, lang, link=True)
    if section.notes:
        lines.append(f"<h3>{_escape(text('note', lang))}</h3>")
        lines.append('<ul class="notes">')
        lines += [f"<li>{_escape(n)}</li>" for n in section.notes]
        lines.append("</ul>")
    if section.method:
        lines += [
            '<div class="method">',
            f"<h3>{_escape(text('method', lang))}</h3>",
            f"<p>{_escape(section.method)}</p>",
            "</div>",
        ]
    lines.append("</section>")
    return lines


def render(
    *,
    title: str,
    lang: Lang,
    generated: str,
    notices: Sequence[tuple[str, str]],
    sections: Sequence[Section],
    skipped: Sequence[tuple[str, str]],
    provenance: Section,
) -> str:
    """Return the HTML page.

    Parameters
    ----------
    title
        The page title (escaped here).
    lang
        The page language.
    generated
        The generation time, shown on its own line.
    notices
        ``(css class, text)`` paragraphs under the title (privacy, figures, workbook).
    sections
        The analysis sections, in order.
    skipped
        ``(section title, reason)`` for the sections the data did not allow.
    provenance
        The closing provenance section (its tables are not exported).
    """
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{_escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="jobhandicap">',
        f"<title>{_escape(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_escape(title)}</h1>",
        f'<p class="{GENERATED_CLASS}">{_escape(text("generated", lang, when=generated))}</p>',
        "</header>",
        "<main>",
    ]
    for css, message in notices:
        lines.append(f'<p class="{_escape(css)}">{_escape(message)}</p>')
    lines.append(f"<nav><h2>{_escape(text('contents', lang))}</h2><ol>")
    for section in [*sections, provenance]:
        lines.append(f'<li><a href="#{_escape(section.id)}">{_escape(section.title)}</a></li>')
    lines.append("</ol>")
    if skipped:
        lines.append(f"<p>{_escape(text('not_included', lang))}:</p><ul>")
        lines += [f"<li>{_escape(name)}: {_escape(reason)}</li>" for name, reason in skipped]
        lines.append("</ul>")
    lines.append("</nav>")
    for section in sections:
        lines += _section(section, lang)
    prov = [f'<section id="{_escape(provenance.id)}">', f"<h2>{_escape(provenance.title)}</h2>"]
    prov += [f"<p>{_escape(p)}</p>" for p in provenance.paragraphs]
    for published in provenance.tables:
        prov += _table(published, lang, link=False)
    prov += [f"<p>{_escape(n)}</p>" for n in provenance.notes]
    prov.append("</section>")
    lines += prov
    lines += ["</main>", "</body>", "</html>", ""]
    return "\n".join(lines)
