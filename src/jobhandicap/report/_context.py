"""The machinery the report's sections share (private to :mod:`jobhandicap.report`).

:class:`Context` carries the validated inputs, the :class:`Options` and the figure module
(``None`` without matplotlib) to each section builder, publishes (suppresses) its tables,
turns analysis warnings and input errors into notes, and draws figures as inline SVG with ids
unique within the page. The small formatting helpers of the summaries live here too.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType, TracebackType
from typing import Any

import attrs
import numpy as np
import pandas as pd

from jobhandicap.errors import (
    DataQualityWarning,
    DisclosureError,
    JobhandicapError,
    SmallSampleWarning,
)
from jobhandicap.report._tables import Published, Table, republish, unprotected
from jobhandicap.report._text import Lang, number, percent, text, value_label
from jobhandicap.staff import Scale

_SVG_START = re.compile(r"<svg\b")
_SVG_IDS = re.compile(r'\bid="([^"]+)"')


@attrs.frozen(kw_only=True)
class Options:
    """The analysis options of a report (see :func:`jobhandicap.report.build_report`)."""

    lang: Lang
    suppress: bool
    scales: tuple[Scale, ...]
    survey_items: tuple[str, ...] | None
    outcome_year: int | None
    seed: int
    n_boot: int
    draws: int


@attrs.frozen(kw_only=True)
class Figure:
    """A figure as inline SVG markup, with its caption."""

    svg: str
    caption: str


@attrs.define(kw_only=True)
class Section:
    """One section of the report: texts, published tables and figures."""

    id: str
    title: str
    paragraphs: list[str] = attrs.field(factory=list)
    tables: list[Published] = attrs.field(factory=list)
    figures: list[Figure] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    method: str = ""

    def note(self, message: str) -> None:
        """Add a note once."""
        if message not in self.notes:
            self.notes.append(message)


class SectionSkippedError(Exception):
    """Raised by a section builder when its data allow no analysis at all.

    ``reason`` is shown in the report's list of sections left out.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@attrs.define(kw_only=True)
class Context:
    """What every section builder needs."""

    frames: Mapping[str, pd.DataFrame]
    extracted: dt.date | None
    options: Options
    plots: ModuleType | None
    progress: Callable[[str], None]
    names: Mapping[int, str]
    #: The known population margins of the sampled surveys, by input kind (``citizens`` …).
    margins: Mapping[str, Mapping[str, Mapping[str, float]]] = attrs.field(factory=dict)
    #: The jointly protected tables (second pass); ``None`` while the tables are collected.
    released: Mapping[str, Published] | None = None
    collected: list[Table] = attrs.field(factory=list)
    units: dict[str, pd.DataFrame] = attrs.field(factory=dict)
    unit_weights: dict[str, str] = attrs.field(factory=dict)
    _strategies: pd.DataFrame | None = None
    _figures: int = 0

    @property
    def lang(self) -> Lang:
        """The report's language."""
        return self.options.lang

    def t(self, key: str, **fields: object) -> str:
        """Translate ``key``."""
        return text(key, self.lang, **fields)

    def publish(self, section: Section, table: Table) -> Published:
        """Add a table to the section, as the release protects it.

        The report is built twice: the first pass collects every table (and the units behind
        them) and returns them unprotected; after the whole release is protected, the second
        pass gets each table as published.
        """
        if self.released is None:
            self.collected.append(table)
            published = unprotected(table)
        else:
            protected = self.released[table.name]
            if table.spec is not None:
                _check_same_counts(protected, table)
            # This pass's own values (estimates pooled over published rows only may differ
            # from the first pass's), with the cells the release hides hidden.
            published = republish(table, protected.markers)
            hidden = int(published.mask.to_numpy(dtype=bool).sum())
            detail = f", {hidden} cell(s) hidden" if hidden else ""
            self.progress(f"computed {table.name} ({len(published.table)} rows{detail})")
        section.tables.append(published)
        return published

    def shown_rows(self, table: str, keys: pd.Series, counts: tuple[str, ...]) -> np.ndarray:
        """Rows of ``keys`` whose counts table ``table`` publishes (every row while collecting).

        ``keys`` are values of the table's first column (jobcentre codes, say). Statistics that
        pool every row — an overdispersion, a prior — are estimated on these rows only, so that
        no published number depends on a hidden count.
        """
        everything = np.ones(len(keys), dtype=bool)
        if self.released is None or table not in self.released:
            return everything
        published = self.released[table]
        hidden = published.mask[list(counts)].to_numpy(dtype=bool).any(axis=1)
        first = published.table.columns[0]
        withheld = set(published.table[first].to_numpy()[hidden].tolist())
        return np.asarray(~keys.isin(list(withheld)).to_numpy(dtype=bool), dtype=bool)

    def add_units(self, name: str, units: pd.DataFrame, *, weights: str | None = None) -> None:
        """Register the units behind tables whose specification names universe ``name``.

        ``weights`` names a column with the number of units each row stands for.
        """
        self.units[name] = units
        if weights is not None:
            self.unit_weights[name] = weights

    def attempt(self, section: Section, what: str) -> _Attempt:
        """Run an analysis; turn its warnings and input errors into notes of the section.

        Personal-number errors (:class:`~jobhandicap.errors.DisclosureError`) always
        propagate.
        """
        return _Attempt(self, section, what)

    def figure(self, section: Section, caption: str, draw: Callable[[Any], Any]) -> None:
        """Draw a figure with the plots module and add it to the section as inline SVG."""
        if self.plots is None:
            return
        plots = self.plots
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig = draw(plots)
                svg = plots.figure_to_svg(fig)
        except DisclosureError:
            raise
        except (JobhandicapError, ValueError, TypeError, KeyError) as err:
            section.note(self.t("figure_failed", reason=first_lines(err)))
            return
        self._figures += 1
        section.figures.append(Figure(svg=_inline_svg(svg, f"f{self._figures}-"), caption=caption))
        self.progress(f"drew figure {self._figures} ({section.id})")

    def strategies(self) -> pd.DataFrame | None:
        """The strategy scores of the profiles (computed once), or None without profiles."""
        if self._strategies is None and "profiles" in self.frames:
            from jobhandicap.strategy import score_strategies

            self._strategies = score_strategies(self.frames["profiles"])
        return self._strategies

    def with_names(self, frame: pd.DataFrame, after: str = "jobcentre") -> pd.DataFrame:
        """Insert the jobcentre's name after its code (missing for unknown codes)."""
        names = frame[after].map(dict(self.names)).astype(pd.StringDtype())
        position = list(frame.columns).index(after) + 1
        out = frame.copy(deep=False)
        out.insert(position, "jobcentre_name", names)
        return out


def _check_same_counts(protected: Published, table: Table) -> None:
    """Refuse a table whose keys or counts differ between the report's two passes."""
    spec = table.spec
    if spec is None:
        return
    columns = [*spec.by, *(m.column for m in spec.measures if m.column is not None)]
    columns = list(dict.fromkeys(c for c in columns if c in table.frame.columns))
    frame = table.frame.reset_index(drop=True)[columns]
    first = protected.table[columns]
    shown = ~protected.mask[columns].to_numpy(dtype=bool)
    same = len(frame) == len(first) and bool(
        ((frame.astype(str).to_numpy() == first.astype(str).to_numpy()) | ~shown).all()
    )
    if not same:
        raise RuntimeError(
            f"table {table.name!r} differs between the report's two passes; the counts the "
            "release protects must not depend on the protection"
        )


#: Library warnings an analysis of the report may raise, and the note each becomes.
_WARNING_NOTES: tuple[tuple[type[Warning], str], ...] = (
    (SmallSampleWarning, "warning_small_sample"),
    (DataQualityWarning, "warning_data_quality"),
)


class _Attempt:
    """Context manager of :meth:`Context.attempt`."""

    def __init__(self, ctx: Context, section: Section, what: str) -> None:
        self._ctx = ctx
        self._section = section
        self._what = what
        self._catcher = warnings.catch_warnings(record=True)
        self._caught: list[warnings.WarningMessage] = []

    def __enter__(self) -> None:
        # ``catch_warnings(record=True)`` returns the (still empty) list it records into.
        caught = self._catcher.__enter__()
        assert caught is not None
        self._caught = caught
        warnings.simplefilter("always")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> bool:
        self._catcher.__exit__(kind, error, trace)
        for warning in self._caught:
            # A fixed sentence per kind of warning, never the warning's own text: that may
            # quote a base or a count that the release protects.
            for category, key in _WARNING_NOTES:
                if issubclass(warning.category, category):
                    self._section.note(self._ctx.t(key))
                    break
        if isinstance(error, JobhandicapError) and not isinstance(error, DisclosureError):
            reason = first_lines(error)
            self._section.note(self._ctx.t("table_failed", what=self._what, reason=reason))
            self._ctx.progress(f"skipped {self._what}: {reason}")
            return True
        return False


def first_lines(error: BaseException) -> str:
    """The error's message in one line: the summary and its first listed problems."""
    lines = [line.strip().removeprefix("- ") for line in str(error).splitlines()]
    shown = " ".join(line for line in lines[:3] if line)
    return shown.replace("(1 problem): ", "").replace(":  ", ": ")


def _inline_svg(svg: str, prefix: str) -> str:
    """Strip the XML prologue and make the SVG's ids unique within the page."""
    start = _SVG_START.search(svg)
    body = svg[start.start() :] if start else svg
    ids = set(_SVG_IDS.findall(body))
    if not ids:
        return body.strip()

    def rename(match: re.Match[str]) -> str:
        return f'id="{prefix}{match.group(1)}"'

    body = _SVG_IDS.sub(rename, body)
    pattern = re.compile(r"(url\(#|href=\"#)(" + "|".join(re.escape(i) for i in ids) + r")\b")
    body = pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    return body.strip()


def value_of(published: Published, column: str, row: int) -> float | None:
    """A published number, or None when it is suppressed or missing."""
    if published.mask[column].iloc[row]:
        return None
    value = published.table[column].iloc[row]
    return None if pd.isna(value) else float(value)


def label_of(item: object, lang: Lang, column: str = "item") -> str:
    return value_label(column, item, lang).replace("_", " ")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def share_text(value: float | None, lang: Lang) -> str:
    return "–" if value is None else percent(value, lang, 0)


def points_text(value: float | None, lang: Lang) -> str:
    """A difference of shares in percentage points, signed (``+3.9``, ``−6.7``)."""
    if value is None:
        return "–"
    shown = number(100 * value, 1, lang)
    if shown.startswith("-"):
        return "−" + shown[1:]
    return shown if float(shown.replace(",", ".")) == 0 else "+" + shown


def thousands(value: float, lang: Lang) -> str:
    """A whole number with thousands separators (``2,000``; ``2.000`` in Danish)."""
    shown = f"{value:,.0f}"
    return shown.replace(",", ".") if lang == "da" else shown
