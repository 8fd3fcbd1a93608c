"""The writers: a canonical frame as the Danish (or English) CSV or Excel file a user receives."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd

from jobhandicap import _safe_text, frames
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    UnknownLabelError,
)
from jobhandicap.frames._sampled import extra_columns
from jobhandicap.frames._schema import DANISH_LABELS
from jobhandicap.frames._validate import tick_items
from jobhandicap.io import _formats
from jobhandicap.io._headers import (
    check_kind,
    danish_header,
)
from jobhandicap.io._source import Language, Target

__all__ = ["write_csv", "write_excel"]


#: Optional columns the writers leave out when every cell is missing (files stay as before).
_WRITTEN_WHEN_USED = frozenset(
    {
        "decision_detail",
        "stratum",
        "cluster",
        "granted_from",
        "granted_to",
        "hours_per_week",
        "yearly_amount_dkk",
        "person",
        "social_assistance_pct",
        "unemployment_pct",
    }
)

_BOOLEAN_LABELS: dict[str, tuple[str, str]] = {"da": ("ja", "nej"), "en": ("yes", "no")}
_DATE_FORMATS: dict[str, str] = {"da": "%d-%m-%Y", "en": "%Y-%m-%d"}
_EXCEL_DATE_FORMATS: dict[str, str] = {"da": "dd-mm-yyyy", "en": "yyyy-mm-dd"}


def _category_label(spec: frames.ColumnSpec, value: str, danish: bool) -> str:
    if spec.enum is not None:
        member: Any = spec.enum(value)
        return str(member.label_da if danish else member.label_en)
    return DANISH_LABELS.get(value, value) if danish else value


def _localise(frame: pd.DataFrame, kind: str, language: str, *, text_dates: bool) -> pd.DataFrame:
    """The canonical frame as a user receives it: headers and labels in ``language``."""
    check_kind(kind)
    if language not in _DATE_FORMATS:
        raise UnknownLabelError(language, "language", list(_DATE_FORMATS))
    canonical = frames.validate_kind(frame, kind)
    danish = language == "da"
    columns: dict[str, Any] = {}
    for spec in frames.SCHEMAS[kind].columns:
        if spec.derived:
            continue
        values = canonical[spec.name]
        if spec.name in _WRITTEN_WHEN_USED and not values.notna().any():
            continue
        if spec.kind == "category":
            values = values.cat.rename_categories(
                {c: _category_label(spec, c, danish) for c in values.cat.categories}
            )
        elif spec.kind == "likert" and not spec.dont_know_missing:
            # Survey answers as labels; the profiles' scores 1-5 stay numbers, and so do the
            # 0/1 answers of tick items (1 is "ticked" there, not "not at all").
            labelled = values.map(
                {int(m): (m.label_da if danish else m.label_en) for m in Likert}
            ).astype("string")
            ticks = canonical["item"].isin(tick_items(canonical)).to_numpy(dtype=bool)
            values = labelled.mask(ticks, values.astype("string")) if ticks.any() else labelled
        elif spec.kind == "boolean":
            yes, no = _BOOLEAN_LABELS[language]
            values = values.map({True: yes, False: no}).astype("string")
        elif spec.kind == "date" and text_dates:
            values = values.dt.strftime(_DATE_FORMATS[language]).astype("string")
        columns[danish_header(kind, spec.name) if danish else spec.name] = values
    if kind == "sampled_survey":
        # The respondent's margin variables, as they are (known ones under a Danish header).
        for name in extra_columns(canonical):
            columns[danish_header(kind, str(name)) if danish else name] = canonical[name]
    return pd.DataFrame(columns)


def write_csv(
    frame: pd.DataFrame,
    kind: str,
    target: Target,
    *,
    language: Language = "da",
    sep: str | None = None,
    encoding: str | None = None,
    neutralise_formulas: bool = True,
) -> None:
    """Write a frame as the CSV file a user receives (Danish by default).

    Parameters
    ----------
    frame
        A canonical frame of ``kind`` (anything ``frames.validate_<kind>`` accepts).
    kind
        ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"`` or ``"people"``.
    target
        A path, or a file opened in binary mode or in text mode with ``newline=""``.
    language
        ``"da"``: Danish headers and labels, ``;`` separator, decimal comma, dates dd-mm-yyyy,
        UTF-8 with a byte-order mark. ``"en"``: canonical English headers, English labels,
        ``,`` separator, decimal point, ISO dates (yyyy-mm-dd), UTF-8.
    sep
        Override the separator. Numbers are written with a decimal comma, except in
        ``,``-separated files where they use a decimal point (as the readers expect).
    encoding
        Override the encoding (ignored for text-mode files, whose encoding is their own).
    neutralise_formulas
        Prefix text that a spreadsheet program would read as a formula with ``'`` (default; see
        Notes). ``False`` writes every text exactly as it is, for programs other than
        spreadsheets.

    Raises
    ------
    SchemaError
        When ``frame`` is not a valid frame of ``kind``.
    UnknownLabelError
        For an unknown ``kind`` or ``language``.

    Notes
    -----
    Lines end in CR LF. A field holding a separator (``,`` or ``;`` whatever ``sep`` is), a
    quote, a line break or any other control character, or starting or ending with white space,
    is quoted (RFC 4180, as Excel writes CSV), so no text can start a new line or cell. Derived
    columns (the cases' ``jobcentre``) are not
    written: the readers derive them again.
    Survey answers are written as labels (``I høj grad``), the 0/1 answers of tick items
    as ``0``/``1``, profile scores as numbers, booleans
    as ``ja``/``nej`` (``yes``/``no``). Every float is written with all its digits, so reading
    the file back gives the same frame.

    Spreadsheet safety: with ``neutralise_formulas`` (the default) a text cell whose first
    character is a control character (tab, carriage return, …), or whose first character after
    white space and control characters is ``=``, ``+``, ``-`` or ``@``, is written with a
    leading ``'`` (``'=1+1``), which spreadsheet programs show as text, never run as a formula
    (OWASP's advice on CSV injection). Text that already starts with ``'`` before such text gets
    one more. Numbers, negative ones included, are numbers and never prefixed. The CSV readers
    of this module remove the prefix, so reading the file back still gives the same frame.

    Examples
    --------
    >>> import io
    >>> from jobhandicap import frames
    >>> outcomes = frames.validate_outcomes(
    ...     pd.DataFrame({"jobcentre": [561], "year": [2018], "persons": [120],
    ...                   "entered_job": [30]}))
    >>> buffer = io.StringIO()
    >>> write_csv(outcomes, "outcomes", buffer)
    >>> print(buffer.getvalue())
    jobcenter;år;personer;i_job
    561;2018;120;30
    """
    sep = sep or (";" if language == "da" else ",")
    decimal = "." if sep == "," else ","
    local = _localise(frame, kind, language, text_dates=True)
    text = _csv_text(local, sep, decimal, neutralise=bool(neutralise_formulas))
    encoding = encoding or ("utf-8-sig" if language == "da" else "utf-8")
    if isinstance(target, str | os.PathLike):
        Path(target).write_bytes(text.encode(encoding))
        return
    if isinstance(target, io.TextIOBase):
        target.write(text)
        return
    handle = cast(IO[Any], target)
    try:
        handle.write(text.encode(encoding))
    except TypeError:  # a text-mode file that is not an io.TextIOBase
        handle.write(text)


def _csv_cells(values: pd.Series, sep: str, decimal: str, neutralise: bool) -> list[str]:
    """One column's fields, quoted where needed: numbers as pandas writes them, text safe."""
    dtype = values.dtype
    if (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
    ):
        cells = ["" if pd.isna(v) else str(v) for v in values.astype(object).tolist()]
        if neutralise:
            cells = [_safe_text.neutralise(c) for c in cells]
        return [_safe_text.csv_field(c, sep) for c in cells]
    # A number never holds the separator; a second, empty column keeps an empty cell unquoted.
    text = (
        values.to_frame("v")
        .assign(pad="")
        .to_csv(
            sep=sep, decimal=decimal, index=False, header=False, na_rep="", lineterminator="\n"
        )
    )
    return [
        _safe_text.csv_field(line[: -len(sep)], sep, number=True) for line in text.split("\n")[:-1]
    ]


def _csv_text(local: pd.DataFrame, sep: str, decimal: str, *, neutralise: bool) -> str:
    """The frame as CSV text: every field quoted where needed (``_safe_text.csv_field``)."""
    header = [str(c) for c in local.columns]
    if neutralise:
        header = [_safe_text.neutralise(h) for h in header]
    columns = [_csv_cells(local[c], sep, decimal, neutralise) for c in local.columns]
    lines = [_safe_text.csv_line(header, sep, "\r\n")]
    lines.extend(sep.join(row) + "\r\n" for row in zip(*columns, strict=True))
    return "".join(lines)


def write_excel(
    frame: pd.DataFrame,
    kind: str,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    language: Language = "da",
) -> None:
    """Write a frame as an Excel workbook a user receives (needs the extra ``excel``).

    Parameters
    ----------
    frame
        A canonical frame of ``kind``.
    kind
        The kind of table, as for :func:`write_csv`.
    target
        A path or a file opened in binary mode.
    language
        ``"da"`` (Danish headers and labels, dates shown dd-mm-yyyy) or ``"en"``.

    Raises
    ------
    SchemaError
        When ``frame`` is not a valid frame of ``kind``.
    JobhandicapError
        When openpyxl is not installed, or text holds a control character (other than tab and
        line feed) that an Excel cell cannot store.

    Notes
    -----
    One sheet named after ``kind``. Numbers and dates are written as numbers and dates, labels
    and other text as text cells; text starting with ``=`` is a text cell, never a formula.

    Examples
    --------
    >>> import io
    >>> from jobhandicap import frames
    >>> from jobhandicap.io import read_population
    >>> population = frames.validate_population(
    ...     pd.DataFrame({"municipality": [101], "year": [2019], "population": [444000]}))
    >>> buffer = io.BytesIO()
    >>> write_excel(population, "population", buffer)
    >>> read_population(io.BytesIO(buffer.getvalue())).equals(population)
    True
    """
    local = _localise(frame, kind, language, text_dates=False)
    _formats.check_excel_text(local)
    destination: Any = os.fspath(target) if isinstance(target, str | os.PathLike) else target
    _formats.write_excel_rows(
        list(local.columns),
        list(local.astype(object).itertuples(index=False, name=None)),
        destination,
        sheet=kind,
        date_format=_EXCEL_DATE_FORMATS[language],
    )
