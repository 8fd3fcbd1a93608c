"""Build the report: run the analyses, protect and audit the release, write the files."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import importlib.metadata
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final, Literal, ParamSpec, TypeVar

import attrs
import pandas as pd

from jobhandicap import reference
from jobhandicap.datasets._example import ExampleData, load_example
from jobhandicap.errors import JobhandicapError
from jobhandicap.reference import jobcentres
from jobhandicap.report import _html, _output, _tables
from jobhandicap.report._context import SectionSkippedError
from jobhandicap.report._crosstabs import crosstab_part
from jobhandicap.report._input_check import check_title
from jobhandicap.report._inputs import (
    KINDS,
    check_open_cases,
    provenance,
    read_inputs,
    read_margins,
)
from jobhandicap.report._sections import (
    BUILDERS,
    SECTIONS,
    Context,
    Options,
    Section,
)
from jobhandicap.report._tables import MARKER, SECONDARY, THRESHOLD, Published, protect_release
from jobhandicap.report._text import Lang, listing, text
from jobhandicap.staff import Scale

__all__ = ["DEFAULT_SCALES", "KINDS", "ReportResult", "build_report"]

#: The staff-survey scales of the packaged staff instrument
#: (:func:`jobhandicap.reference.scale_items`): knowledge of the schemes (``knowledge_1`` …
#: ``knowledge_6``) and belief in the citizen's chance of a job (``belief_1`` … ``belief_5``),
#: with their reverse-worded items.
DEFAULT_SCALES: Final[tuple[Scale, ...]] = tuple(
    Scale(name, list(items), reversed=list(reverse))
    for name, (items, reverse) in reference.scale_items().items()
)

_DEFAULT_SEED: Final = 2018

_P = ParamSpec("_P")
_R = TypeVar("_R")
#: Reports are built one at a time in a process: the analyses' warnings (turned into notes)
#: and matplotlib's settings are process-global, so two builds at once could mix them.
_BUILDING: Final = threading.RLock()


def _one_at_a_time(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` under :data:`_BUILDING` (the wrapper keeps its name and docstring)."""

    @functools.wraps(function)
    def serialised(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _BUILDING:
            return function(*args, **kwargs)

    return serialised


@attrs.frozen(kw_only=True)
class ReportResult:
    """What :func:`build_report` wrote.

    Parameters
    ----------
    path
        The report page, ``out_dir / "index.html"``.
    files
        Every file written, in the order written (the tables, the workbook, the page).
    sections
        The ids of the sections included (``"survey"``, ``"staff"``, ``"citizens"``,
        ``"employers"``, ``"cases"``, ``"usage"``, ``"strategy"``, ``"benchmark"``, ``"gap"``),
        in report order.
    skipped
        ``(section id, reason)`` for each section the data did not allow.
    tables
        Each table as published, by name: suppressed cells are missing.
    counts
        The columns of each table that count persons or cases (those suppressed below 5).
    figures
        The number of figures in the page (0 without matplotlib).
    """

    path: Path
    files: tuple[Path, ...]
    sections: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    tables: Mapping[str, pd.DataFrame]
    counts: Mapping[str, tuple[str, ...]]
    figures: int


def _load_plots() -> ModuleType | None:
    """The figure module, or None when matplotlib cannot be imported."""
    try:
        importlib.import_module("matplotlib")
        return importlib.import_module("jobhandicap.plots")
    except ImportError:
        return None


def _has_openpyxl() -> bool:
    try:
        importlib.import_module("openpyxl")
    except ImportError:
        return False
    return True


def _check_options(
    lang: object, n_boot: object, draws: object, seed: object, scales: Sequence[Scale] | None
) -> tuple[Lang, tuple[Scale, ...]]:
    if lang not in ("en", "da"):
        raise JobhandicapError(f"lang must be 'en' or 'da', got {lang!r}")
    for name, value, least in (("n_boot", n_boot, 99), ("draws", draws, 100), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise JobhandicapError(
                f"{name} must be a whole number of at least {least}, got {value!r}"
            )
    chosen = DEFAULT_SCALES if scales is None else tuple(scales)
    if not all(isinstance(s, Scale) for s in chosen):
        raise JobhandicapError("scales must be jobhandicap.Scale objects")
    return lang, chosen


@_one_at_a_time
def build_report(
    data: ExampleData | Mapping[str, Any],
    out_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    suppress: bool = True,
    lang: Literal["en", "da"] = "en",
    title: str | None = None,
    scales: Sequence[Scale] | None = None,
    survey_items: Sequence[str] | None = None,
    outcome_year: int | None = None,
    seed: int = _DEFAULT_SEED,
    n_boot: int = 999,
    draws: int = 2_000,
    timestamp: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> ReportResult:
    """Write a report of every analysis the data allow: an HTML page, CSV files and a workbook.

    Parameters
    ----------
    data
        An :class:`~jobhandicap.datasets.ExampleData` (``jh.load_example()``), or a mapping
        of input kind — ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``,
        ``"population"``, ``"outcomes"``, ``"people"`` — to a DataFrame (canonical or raw
        columns: it is validated with ``frames.validate_<kind>``) or a file path (read with
        ``io.read_<kind>``), plus ``"extracted"``, the date the case data were extracted
        (``datetime.date`` or ``"YYYY-MM-DD"``; required when cases are still open). The
        sampled surveys ``"citizens"`` and ``"employers"`` are of table kind
        ``sampled_survey`` (``io.read_sampled_survey``); ``"citizen_margins"`` and
        ``"employer_margins"`` give their known population margins
        (``{column: {level: total}}``, as :func:`jobhandicap.rake` takes them; the example
        data bring their own), to which the weights are raked. Leave out what you do not
        have: each section runs only when its inputs are given.
    out_dir
        The folder to write into: a new or empty folder (created with its parents if needed),
        or the folder of an earlier report, whose files this report replaces (see Notes: the
        files of the earlier report are listed in the folder's manifest; other files are never
        touched). A symbolic link given here is resolved once; links inside it are never
        followed.
    force
        Write into a folder that is not empty and holds no earlier report (no manifest): files
        named like the report's (``index.html``, ``tables.xlsx``, ``tables/<name>.csv``) are
        replaced, other files are left alone. Off by default, so a typing error in
        ``out_dir`` cannot replace a user's own files.
    suppress
        Suppress counts of fewer than 5 persons or cases (default). ``False`` shows them and
        the report says, at the top, that it is for internal use only.
    lang
        ``"en"`` (default) or ``"da"``: language of the headings, labels, notes and figures.
        In English the CSV files and the workbook keep the canonical column names and values;
        in Danish they have Danish headers and labels, and the CSV files are ``;``-separated
        with a decimal comma, for a Danish spreadsheet.
    title
        The report's title; default "Disability employment indicators" in ``lang``.
    scales
        The staff-survey scales (:class:`~jobhandicap.staff.Scale`); default
        :data:`DEFAULT_SCALES`. Scales whose items are not all in the staff data are left out
        with a note; with none left the staff section is skipped.
    survey_items
        The survey items of the wave change and the figures; default every item asked in each
        of the last two waves except the ``target_group_*`` items (at most 8).
    outcome_year
        The year of the benchmarking; default the last year in the outcomes.
    seed
        Seed of the bootstraps and of the strategy sensitivity analysis (recorded).
    n_boot
        Bootstrap resamples (staff association, staff means, outcomes by strategy type).
    draws
        Monte Carlo specifications of the strategy sensitivity analysis.
    timestamp
        The generation time shown in the page and stored in the workbook; default now (UTC).
        Everything else written depends only on the inputs and options.
    progress
        Called with one line of text per step (what was read, computed and written); the
        command line prints these lines.
    read_options
        Keyword arguments for the readers of the file inputs (``io.read_<kind>``), e.g.
        ``{"sep": ";", "encoding": "cp1252", "wave": 2018}``: each reader gets those it takes
        (``wave`` only :func:`~jobhandicap.io.read_survey`). An unknown keyword, one that no
        reader of the files given takes, or read options without any file input are an error
        (a ``JobhandicapError`` that is also a ``ValueError``). ``jobhandicap report`` passes
        its ``--wave``, ``--sheet``, ``--sep``, ``--decimal``, ``--encoding`` and ``--format``
        here.

    Returns
    -------
    ReportResult
        The page's path, the files written, the sections included and skipped, and the
        published tables.

    Raises
    ------
    DisclosureError
        When an input table contains Danish personal numbers: the message names the table and
        column and says how to pseudonymise (:func:`jobhandicap.pseudonymise`); it never shows
        a number. Also when the audit finds a hidden count an attacker could narrow down (the
        message names the table and the cell, never its value); nothing is written then.
    SchemaError
        When an input is not a valid table of its kind (every problem listed).
    JobhandicapError
        When cases are still open and ``extracted`` is not given, or for a bad option; when
        ``out_dir`` is not empty and holds no earlier report (without ``force``), when a path
        the report writes inside it is a symbolic link to a folder, or when another report
        is being written to the same folder for longer than two minutes.

    See Also
    --------
    jobhandicap.disclosure.suppress : The small-cell suppression applied to every table.
    jobhandicap.plots : The figures.

    Notes
    -----
    **Privacy.** Every input is searched for personal numbers before anything else. Each
    table declares how it counts persons or cases (a
    :class:`~jobhandicap.disclosure.TableSpec`: cases by year, scheme, jobcentre and status;
    staff respondents by scale and strategy type; persons by jobcentre), and the report is
    built twice: the first pass collects every table and the units behind them, then
    :func:`jobhandicap.disclosure.protect` protects the release as a whole — a count shown in
    several tables gets one decision, a total published in one table protects the cells of
    another — and :func:`jobhandicap.disclosure.audit` attacks the result; an unsafe release
    is refused before anything is written. The second pass publishes the protected tables:
    ``"<5"`` in a small count, ``"x"`` in a cell hidden to protect one or computed from a hidden
    count; medians and means are hidden only when their base is small. A list of target
    groups is withheld where it would tell that every group named is small. The page, the CSV
    files and the workbook show the same tables; figures are drawn from them. The jobcentre
    survey counts jobcentres, not persons, and is not protected as persons.

    **Spreadsheet safety.** Text cells and column headers whose first character is a control
    character (tab, carriage return, line feed, …), or whose first character after white space
    and control characters is ``=``, ``+``, ``-`` or ``@``, are prefixed with ``'`` in the CSV
    files and the workbook, so ``" =1+1"`` or a carriage return before ``=1+1`` never become
    formulas; numbers, negative ones included, stay numbers. A CSV field holding a separator, a
    quote, a line break or any other control character is quoted, and workbook text cells are
    always text cells. Every text in the page is HTML-escaped.

    **The output folder.** Every file is made in memory first, written into a temporary
    folder beside ``out_dir`` (on the same file system) and moved into place: the whole folder
    at once when ``out_dir`` is new or empty, file by file otherwise. The folder's manifest,
    ``.jobhandicap-report.json``, lists the files the report wrote; a later report into the
    same folder replaces and removes only the files listed there, so a user's own files are
    never deleted. A non-empty folder without a manifest is refused unless ``force``. Symbolic
    links inside the folder are never followed: a file that is a link is replaced by the
    report's file (the link, not its target), and a link where the report writes its
    ``tables`` folder is refused. A lock file beside the folder makes a second report into the
    same folder (another thread or process) wait until the first is written, so the folder
    always holds exactly one report. Reports built in several threads of one process are built
    one at a time (warnings and matplotlib's settings are process-global) and give the same
    bytes as when built one by one.

    **Synthetic data.** A report built from the bundled example data (every input equal to
    the table of :func:`jobhandicap.load_example`) says at the top that its data are
    synthetic.

    **Reproducibility.** The same inputs and options give the same files byte for byte,
    except the generation time (one line of the page, and the workbook's properties): SVG
    figures are written with a fixed hash salt and no dates, the workbook's zip entries have
    a fixed time, and the bootstraps and the sensitivity analysis use ``seed``.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapters 4–5.
    .. [2] OWASP. *CSV Injection*. https://owasp.org/www-community/attacks/CSV_Injection

    Examples
    --------
    A report of the jobcentre survey alone (the other sections are skipped; the example survey
    has a multiple-response question, which gets its own section):

    >>> import tempfile
    >>> import jobhandicap as jh
    >>> from jobhandicap.report import build_report
    >>> ex = jh.load_example()
    >>> result = build_report({"survey": ex.survey}, tempfile.mkdtemp())
    >>> result.sections
    ('survey', 'multiple_response')
    >>> sorted(p.name for p in result.files)  # doctest: +NORMALIZE_WHITESPACE
    ['index.html', 'schemes_used_for_ranking.csv', 'schemes_used_for_ticked.csv',
     'survey_association.csv', 'survey_crosstab.csv', 'survey_distribution.csv',
     'survey_top_box.csv', 'survey_top_box_difference.csv', 'survey_wave_change.csv',
     'tables.xlsx']
    """
    lang, chosen_scales = _check_options(lang, n_boot, draws, seed, scales)
    check_title(title, advice="python")  # the title is shown on the page
    say: Callable[[str], None] = progress if progress is not None else (lambda line: None)
    folder = Path(out_dir)
    _output.check_folder(folder, force=bool(force))
    options = Options(
        lang=lang,
        suppress=bool(suppress),
        scales=chosen_scales,
        survey_items=None if survey_items is None else tuple(str(i) for i in survey_items),
        outcome_year=outcome_year,
        seed=seed,
        n_boot=n_boot,
        draws=draws,
    )
    inputs, extracted = read_inputs(data, lang, say, read_options)
    frames = {i.kind: i.frame for i in inputs}
    margins = read_margins(data)
    check_open_cases(frames, extracted)
    plots = _load_plots()
    if plots is None:
        say("matplotlib is not installed: the report has tables but no figures")

    register = jobcentres().drop_duplicates("jobcentre", keep="last")
    names = dict(
        zip(
            register["jobcentre"].astype(int).tolist(),
            register["jobcentre_name"].astype(str).tolist(),
            strict=True,
        )
    )

    def context(
        plots: ModuleType | None,
        released: Mapping[str, Published] | None,
        progress: Callable[[str], None],
    ) -> Context:
        return Context(
            frames=frames,
            extracted=extracted,
            options=options,
            plots=plots,
            progress=progress,
            names=names,
            margins=margins,
            released=released,
        )

    # First pass: collect every table and the units behind them, without figures.
    collecting = context(None, None, lambda line: None)
    _sections(collecting, frames, lang, lambda line: None)
    say("protecting the release (all tables at once) and auditing it")
    released, release = protect_release(
        collecting.collected,
        collecting.units,
        suppress=options.suppress,
        weights=collecting.unit_weights,
    )
    if release is not None:
        say(f"protection: {release.status}; {release.hidden_share:.1%} of count cells hidden")
    # Second pass: the same analyses, published as protected, with their figures.
    ctx = context(plots, released, say)
    sections, skipped = _sections(ctx, frames, lang, say)
    published = [t for s in sections for t in s.tables]
    for table in published:
        _tables.check_no_personal_ids(table)
    workbook = _has_openpyxl()
    legend = (
        [
            (MARKER, text("legend_small", lang, threshold=THRESHOLD)),
            (SECONDARY, text("legend_secondary", lang)),
        ]
        if options.suppress
        else []
    )
    files = _files(published, workbook, timestamp, legend, lang)
    notices: list[tuple[str, str]] = [
        (
            "privacy" if options.suppress else "privacy off",
            text(
                "suppression_on" if options.suppress else "suppression_off",
                lang,
                threshold=THRESHOLD,
                marker=MARKER,
                secondary=SECONDARY,
            ),
        ),
        ("notice", text("workbook" if workbook else "no_workbook", lang)),
        ("notice", text("csv_format", lang)),
    ]
    if _is_example(frames):
        notices.insert(0, ("synthetic", text("synthetic", lang)))
    if plots is None:
        notices.append(("notice", text("no_figures", lang)))
    shown_title = text("title", lang) if title is None else str(title)
    generated = _timestamp(timestamp)
    page = _html.render(
        title=shown_title,
        lang=lang,
        generated=generated.strftime("%Y-%m-%d %H:%M:%S UTC"),
        notices=notices,
        sections=sections,
        skipped=[(text(s, lang), reason) for s, reason in skipped],
        provenance=provenance(inputs, extracted, options, shown_title, plots, workbook, margins),
    )
    files["index.html"] = page.encode("utf-8")
    written = _output.write_report_files(folder, files, force=bool(force), progress=say)
    say(f"wrote {len(published)} tables to {folder / 'tables'}")
    if "tables.xlsx" in files:
        say(f"wrote {folder / 'tables.xlsx'}")
    index = folder / "index.html"
    say(f"wrote {index}")
    return ReportResult(
        path=index,
        files=written,
        sections=tuple(s.id for s in sections),
        skipped=tuple(skipped),
        tables={t.name: t.table for t in published},
        counts={t.name: t.counts for t in published},
        figures=sum(len(s.figures) for s in sections),
    )


def _is_example(frames: Mapping[str, pd.DataFrame]) -> bool:
    """Whether every input is the bundled example data's table of its kind (synthetic data)."""
    if not frames:
        return False
    bundled_data = load_example()
    example = {**bundled_data.frames(), **bundled_data.sampled_surveys()}
    for kind, frame in frames.items():
        bundled = example.get(kind)
        if bundled is None or frame.shape != bundled.shape:
            return False
        if not frame.reset_index(drop=True).equals(bundled.reset_index(drop=True)):
            return False
    return True


def _timestamp(timestamp: dt.datetime | None) -> dt.datetime:
    if timestamp is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not isinstance(timestamp, dt.datetime):
        raise JobhandicapError(f"timestamp must be a datetime.datetime, got {timestamp!r}")
    if timestamp.tzinfo is None:
        return timestamp.replace(tzinfo=dt.UTC)
    return timestamp.astimezone(dt.UTC)


def _sections(
    ctx: Context,
    frames: Mapping[str, pd.DataFrame],
    lang: Lang,
    say: Callable[[str], None],
) -> tuple[list[Section], list[tuple[str, str]]]:
    """Run every section the inputs allow; return the sections and the skipped ones."""
    sections: list[Section] = []
    skipped: list[tuple[str, str]] = []
    for section_id, needs in SECTIONS:
        missing = [k for k in needs if k not in frames]
        if missing:
            kinds = listing([text(f"kind:{k}", lang) for k in missing], lang)
            skipped.append((section_id, text("no_input", lang, kinds=kinds)))
            continue
        say(f"section {text(section_id, lang)}")
        try:
            section = BUILDERS[section_id](ctx)
            if section_id == "survey":
                crosstab_part(ctx, section)  # two items together (report/_crosstabs.py)
            sections.append(section)
        except SectionSkippedError as skip:
            skipped.append((section_id, skip.reason))
    return sections, skipped


def _files(
    published: Sequence[Published],
    workbook: bool,
    timestamp: dt.datetime | None,
    legend: Sequence[tuple[str, str]],
    lang: Lang,
) -> dict[str, bytes]:
    """The CSV files and the workbook, in memory, by path relative to the output folder."""
    files = {f"tables/{t.name}.csv": _tables.csv_bytes(t, lang) for t in published}
    if workbook and published:
        created = _timestamp(timestamp).replace(tzinfo=None)
        files["tables.xlsx"] = _tables.workbook_bytes(
            published, created=created, legend=legend, lang=lang
        )
    return files
