"""The readers of each table kind: ``read_cases``, ``read_survey``, … and ``accepted_headers``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import frames
from jobhandicap._advice import option
from jobhandicap._labels import label_key
from jobhandicap.errors import (
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
    problems_frame,
)
from jobhandicap.io import _mapping
from jobhandicap.io._headers import (
    HeaderMatch,
    header_table,
    match_headers,
    missing_columns_error,
    user_headers,
)
from jobhandicap.io._raw import read_source, validate_read
from jobhandicap.io._source import FileFormat, Planner, Source

__all__ = [
    "accepted_headers",
    "read_cases",
    "read_outcomes",
    "read_people",
    "read_population",
    "read_profiles",
    "read_sampled_survey",
    "read_staff",
    "read_survey",
]


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
    return vocabulary.finish(validate_read(raw, kind, read, positions))


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
    survey = validate_read(vocabulary.relabel(raw), "survey", read, positions, melted)
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
        The canonical outcomes frame: jobcentre, year, persons, entered_job, and the optional
        framework conditions social_assistance_pct and unemployment_pct (missing values when
        the file has no such column, as for every optional column of a canonical frame).

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
       jobcentre  year  persons  entered_job  social_assistance_pct  unemployment_pct
    0        561  2018      120           30                    NaN               NaN
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


def read_sampled_survey(
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
    """Read a sampled survey of citizens or employers (one row per answer) into its frame.

    The file is long, like a long jobcentre survey (``respondent``, ``år``, ``spørgsmål``,
    ``svar``), with the respondent's design variables on each of their rows: ``vægt`` (the
    design weight), and optionally ``stratum`` (or ``strata``), ``klynge`` (the cluster) and
    ``populationsstørrelse`` (the stratum's population size). Every further column is a margin
    variable of the respondent and is kept, as text: ``køn``, ``aldersgruppe``, ``region``,
    ``branche`` and ``virksomhedsstørrelse`` are read as ``sex``, ``age_group``, ``region``,
    ``industry`` and ``size_band``; other columns keep their header.

    Parameters
    ----------
    source, format, sep, decimal, encoding, sheet, headers, labels
        As for :func:`read_cases`. Weights written with a decimal comma (``1,5``) are read.

    Returns
    -------
    pandas.DataFrame
        The canonical sampled-survey frame (see
        :func:`jobhandicap.frames.validate_sampled_survey`): respondent, wave, item, answer,
        weight, stratum, cluster, population, then the margin variables in file order, as
        written.

    Raises
    ------
    SchemaError
        Listing every problem with its source row and column (weights of 0 or less, a design
        or margin variable that differs between a respondent's rows, a stratum's population
        smaller than its sample, …), or two columns with the same header.
    MissingColumnsError
        When a required column is missing.

    Examples
    --------
    >>> import io
    >>> text = '''respondent;år;spørgsmål;svar;vægt;stratum;populationsstørrelse;køn
    ... P1;2021;kender_ordninger;I høj grad;1,5;Nord;3;kvinde
    ... P2;2021;kender_ordninger;Ved ikke;1,5;Nord;3;mand
    ... '''
    >>> read_sampled_survey(io.StringIO(text))
      respondent  wave              item  answer  weight stratum cluster  population     sex
    0         P1  2021  kender_ordninger       4     1.5    Nord    <NA>           3  kvinde
    1         P2  2021  kender_ordninger       9     1.5    Nord    <NA>           3    mand
    """
    kind = "sampled_survey"
    schema = frames.SCHEMAS[kind]
    vocabulary = _Vocabulary.of(kind, headers, labels)
    found: dict[int, str] = {}

    def plan_for(header: tuple[str, ...]) -> dict[int, str]:
        found.clear()  # a planner may be asked about several sheets' headers
        found.update(vocabulary.resolve(header))
        _check_required(kind, found, header, ignored=vocabulary.ignored)
        # The other columns describe the respondent: kept under their header, not ignored.
        others: dict[str, list[int]] = {}
        for position, text in enumerate(header):
            if position not in found and isinstance(text, str) and text.strip():
                others.setdefault(text.strip(), []).append(position)
        repeated = {name: where for name, where in others.items() if len(where) > 1}
        if repeated:
            raise SchemaError(
                f"duplicate columns in the {kind} file",
                problems_frame(
                    (None, name, name, f"{len(where)} columns have the header {name!r}; keep one")
                    for name, where in repeated.items()
                ),
            )
        found.update({where[0]: name for name, where in others.items()})
        if vocabulary.match is not None:
            vocabulary.match = attrs.evolve(vocabulary.match, found=dict(found), ignored=())
        names = set(schema.names)
        return {p: schema[c].kind if c in names else "text" for p, c in found.items()}

    options = _reader_options(format, sep, decimal, encoding, sheet)
    read = read_source(source, plan_for, kind, names=found.get, **options)
    positions = {c: p for p, c in found.items()}
    raw = vocabulary.relabel(read.frame.rename(columns=found))
    return vocabulary.finish(validate_read(raw, kind, read, positions), stacklevel=4)


def accepted_headers(kind: str | None = None) -> pd.DataFrame:
    """Return the column headers the readers accept, by kind of table.

    Parameters
    ----------
    kind
        One of ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"``, ``"people"``, ``"sampled_survey"``; default all.

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
