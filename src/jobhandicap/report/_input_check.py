"""Personal numbers in the inputs of a report, checked before validation can echo anything.

Private: used by :mod:`jobhandicap.report` (through ``report._inputs``) and by the
``jobhandicap report`` and ``jobhandicap validate`` commands.

Only what the report would *publish* is refused: the headers of a table (shown as column or
item names), the cells of its free-text columns that reach the page (:data:`PUBLISHED`) and the
report's title. A column whose raw values never reach the page — case numbers, amounts that only
enter sums, dates, codes and labels that validation turns into canonical values — does not block
a report: a personal number there can only be echoed by an error message, and every error's
text hides personal numbers (:class:`~jobhandicap.errors.JobhandicapError`). File names are
shown in the hidden form (:func:`shown_name`), never refused.

The advice in a refusal names the actions of the interface in use: ``advice="cli"`` the file
and the command to run again, ``advice="python"`` :func:`jobhandicap.pseudonymise`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from jobhandicap._personal_numbers import scrub_text
from jobhandicap.disclosure._identifiers import personal_id_hits
from jobhandicap.disclosure._pseudonyms import MIN_KEY_BYTES
from jobhandicap.errors import DataQualityWarning, DisclosureError
from jobhandicap.frames._schema import SCHEMAS
from jobhandicap.io._headers import resolve_headers, user_headers
from jobhandicap.io._raw import read_source

__all__ = ["PUBLISHED", "Advice", "check_file", "check_frame", "check_title", "shown_name"]

Advice = Literal["cli", "python"]

#: Text columns whose values are never shown: identifiers the analyses only count.
_NEVER_PUBLISHED: Final = frozenset({"case_id"})

#: The canonical columns of each kind whose raw text can reach a report's page or tables: the
#: free-text columns (respondents, items), every other text column a new schema may add.
PUBLISHED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        kind: frozenset(
            spec.name
            for spec in schema.columns
            if spec.kind == "text" and spec.name not in _NEVER_PUBLISHED
        )
        for kind, schema in SCHEMAS.items()
    }
)


def shown_name(name: str | os.PathLike[str]) -> str:
    """A file name or path as it may be shown: any personal number in it hidden.

    Examples
    --------
    >>> shown_name("cases 210190-2121.csv")
    'cases <personal number hidden>.csv'
    """
    return scrub_text(os.fspath(name))


def _column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    number = position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Found:
    """Where personal numbers were found: headers by position, columns with rows."""

    def __init__(self) -> None:
        self.headers: list[int] = []
        self.columns: list[tuple[str, int, int, Any]] = []  # name, position, rows, first row


def _scan(
    headers: Sequence[object], columns: Mapping[int, pd.Series], names: Mapping[int, str]
) -> _Found:
    """Search the headers (every one) and the given columns' values (by position)."""
    found = _Found()
    header_hits = personal_id_hits(pd.Series(list(headers), dtype=object), True, "cell")
    found.headers = [int(p) for p in np.flatnonzero(header_hits)]
    for position, values in columns.items():
        if header_hits[position]:
            continue  # reported with its header
        flags = personal_id_hits(values, True, "text")
        count = int(flags.sum())
        if count:
            first = values.index[int(np.argmax(flags))]
            found.columns.append((names[position], position, count, first))
    return found


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def pseudonymised_name(path: str) -> str:
    """The file the advice writes the pseudonymised table to: never the input itself.

    Examples
    --------
    >>> pseudonymised_name("data/sager.csv")
    'data/sager-pseudonymised.csv'
    """
    name = Path(path)
    return str(name.with_name(f"{name.stem}-pseudonymised{name.suffix}"))


def _pandas_io(path: str) -> tuple[str, str]:
    """The pandas calls that read a file of this suffix and write a copy, for the advice."""
    suffix = Path(path).suffix.lower()
    out = pseudonymised_name(path)
    if suffix in {".xlsx", ".xlsm"}:
        return f"pd.read_excel({path!r}, dtype=str)", f"f.to_excel({out!r}, index=False)"
    if suffix in {".parquet", ".pq"}:
        return f"pd.read_parquet({path!r})", f"f.to_parquet({out!r}, index=False)"
    return (
        f"pd.read_csv({path!r}, sep=None, engine='python', dtype=str, encoding='utf-8-sig', "
        "keep_default_na=False)",
        f"f.to_csv({out!r}, sep=';', index=False)",
    )


def _refuse(
    what: str,
    found: _Found,
    *,
    advice: Advice,
    command: str,
    path: str | None,
) -> None:
    """Raise the :class:`DisclosureError` that says where, why and what to do."""
    if not found.headers and not found.columns:
        return
    in_file = path is not None
    places: list[str] = []
    fixes: list[str] = []
    for position in found.headers:
        if in_file:
            places.append(f"the header of column {position + 1} ({_column_letter(position)})")
        else:
            places.append(f"the header of column {position} (frame.columns[{position}])")
    if found.headers:
        headers = ", ".join(str(p + 1) if in_file else str(p) for p in found.headers)
        fixes.append(
            f"Rename column(s) {headers} in the file (headers are shown as column and item names)"
            if in_file
            else f"Rename column(s) {headers} of the frame (headers are shown)"
        )
    for name, _position, count, first in found.columns:
        where = (
            f"the first in row {first}"
            if in_file
            else f"the first in row {first + 2}, the header being row 1"
        )
        places.append(f"column {name!r} ({_rows(count)}, {where})")
    if found.columns:
        names = [name for name, *_ in found.columns]
        listed = ", ".join(repr(n) for n in names)
        key_text = f"a secret key of at least {MIN_KEY_BYTES} bytes kept out of the output"
        if advice == "cli":
            target = "FILE" if path is None or shown_name(path) != path else path
            read, write = _pandas_io(target)
            column = names[0]
            fixes.append(
                f"Column(s) {listed} would be published in the report. Remove the column(s) from "
                "the file, or replace the personal numbers by pseudonyms — in a spreadsheet, or "
                f'with python -c "import pandas as pd, jobhandicap as jh; f = {read}; '
                f"f[{column!r}] = jh.pseudonymise(f[{column!r}], open('secret.key', 'rb')"
                f'.read()); {write}" ({key_text}; it writes a new file, '
                f"{shown_name(pseudonymised_name(target))}, to use instead; a Windows-1252 file "
                "needs encoding='cp1252')"
            )
        elif in_file:
            fixes.append(
                f"Column(s) {listed} would be published in the report. Read the file "
                "(jh.read_*), replace the numbers by keyed pseudonyms — frame[column] = "
                f"jh.pseudonymise(frame[column], key), with {key_text} — or drop the column, "
                "and pass the frame instead of the file"
            )
        else:
            fixes.append(
                f"Column(s) {listed} would be published in the report. Drop them, or replace "
                "the numbers by keyed pseudonyms: "
                + "; ".join(f"frame[{n!r}] = jh.pseudonymise(frame[{n!r}], key)" for n in names)
                + f", with {key_text}"
            )
    again = f"; then run `jobhandicap {command}` again" if advice == "cli" else ""
    raise DisclosureError(
        f"the {what} holds what looks like a Danish personal number (CPR) in "
        f"{'; '.join(places)}. Personal numbers must never appear in output. "
        + ". ".join(fixes)
        + again
        + "."
    )


class _HeaderOnlyError(Exception):
    """Raised by the planner when no column needs reading: the header says enough."""


def check_file(
    kind: str,
    path: str | os.PathLike[str],
    *,
    advice: Advice,
    command: str = "report",
    format: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Refuse a file whose headers or published columns hold a personal number.

    ``headers`` is the user's header mapping, as the readers take it.

    The file is read raw — its header, and the cells of the columns that would be published as
    they are in the file (text as text, Excel numbers as numbers) — before any validation.
    Rows are numbered as a spreadsheet numbers them (the header is row 1).

    Raises
    ------
    DisclosureError
        Naming the file (its name hidden if it holds a personal number), the column and the
        first row, and what to do in the interface given by ``advice``.
    """
    user = user_headers(kind, headers)

    seen: list[tuple[str, ...]] = []
    found_columns: dict[int, str] = {}
    published = PUBLISHED.get(kind, frozenset())

    def plan_for(header: tuple[str, ...]) -> dict[int, str]:
        seen.append(header)
        resolved = resolve_headers(kind, header, user)
        found_columns.update({p: c for p, c in resolved.items() if c in published})
        if not found_columns:
            raise _HeaderOnlyError
        return dict.fromkeys(found_columns, "text")

    try:
        with warnings.catch_warnings():
            # The reader run after this check says which sheet it read.
            warnings.simplefilter("ignore", DataQualityWarning)
            raw = read_source(
                path,
                plan_for,
                kind,
                format=format,
                sep=sep,
                decimal=decimal,
                encoding=encoding,
                sheet=sheet,
            ).frame
    except _HeaderOnlyError:
        raw = pd.DataFrame()
    if not seen:  # pragma: no cover - the readers always read a header first
        return
    header = seen[0]
    columns = {p: raw[p] for p in found_columns if p in raw.columns}
    found = _scan(header, columns, {p: header[p] for p in found_columns})
    name = shown_name(Path(path).name)
    _refuse(f"{kind} file {name}", found, advice=advice, command=command, path=os.fspath(path))


def check_frame(kind: str, frame: pd.DataFrame, *, advice: Advice = "python") -> None:
    """Refuse a frame whose headers or published columns hold a personal number.

    Rows are named as a spreadsheet would show the frame written with its header: the first
    row (position 0) is row 2.

    Raises
    ------
    DisclosureError
        Naming the column and the first row, and how to pseudonymise.
    """
    published = PUBLISHED.get(kind, frozenset())
    headers = list(frame.columns)
    names: dict[int, str] = {}
    columns: dict[int, pd.Series] = {}
    for position, header in enumerate(headers):
        if isinstance(header, str) and header in published:
            names[position] = header
            columns[position] = frame.iloc[:, position].reset_index(drop=True)
    found = _scan(headers, columns, names)
    _refuse(f"{kind} input", found, advice=advice, command="report", path=None)


def check_title(title: str | None, *, advice: Advice) -> None:
    """Refuse a report title that holds a personal number (it is shown on the page).

    Raises
    ------
    DisclosureError
        When it does.
    """
    if title is None or scrub_text(str(title)) == str(title):
        return
    give = "Give another --title" if advice == "cli" else "Give another title="
    raise DisclosureError(
        "the report's title holds what looks like a Danish personal number (CPR), and the "
        f"title is shown on the page. {give}."
    )
