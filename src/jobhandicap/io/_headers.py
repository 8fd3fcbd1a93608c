"""Column headers of input files: the packaged alias table and header resolution.

``data/header_aliases.csv`` (columns ``kind``, ``column``, ``language``, ``header``) lists, for
each kind of table, the Danish header the writers use (``language == "da"``, one per column) and
further accepted spellings (``"alias"``). The canonical English column name is always accepted
too. Headers are matched on :func:`jobhandicap._labels.label_key`, which ignores case, spaces,
underscores, hyphens and full stops.

:func:`match_headers` resolves a file's header row, in this order: the user's header mapping
(``headers=``), the packaged headers, the packaged headers typed without æ, ø and å (``ae``,
``oe``, ``aa``; only where that spelling names one column), and a header with a unit in
parentheses or after a comma (``Beløb (kr.)``): the unit of an amount column must be Danish
kroner, any other unit is refused. It also says which headers were ignored and which optional
columns the indicators use are absent (:class:`HeaderMatch`).
"""

from __future__ import annotations

import difflib
import functools
import shlex
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import pandas as pd

from jobhandicap._advice import in_command_line
from jobhandicap._labels import label_key
from jobhandicap._packaged import read_csv_table
from jobhandicap.errors import (
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
    UnknownLabelError,
    problems_frame,
)
from jobhandicap.frames._schema import SCHEMAS
from jobhandicap.frames._vocabulary import DKK_UNITS, ascii_fold, split_unit, transliterate

__all__ = [
    "ABSENT_CONSEQUENCES",
    "KINDS",
    "HeaderMatch",
    "MappingTypeError",
    "check_kind",
    "columns_of",
    "danish_header",
    "header_table",
    "match_headers",
    "missing_columns_error",
    "resolve_headers",
    "user_headers",
]

#: The kinds of table the readers know, in documentation order (that of the schemas).
KINDS = tuple(SCHEMAS)


@functools.cache
def _rows() -> tuple[tuple[str, str, str, str], ...]:
    return tuple(
        (row["kind"], row["column"], row["language"], row["header"])
        for row in read_csv_table("header_aliases.csv")
    )


@functools.cache
def columns_of(kind: str) -> tuple[str, ...]:
    """Return the canonical columns of ``kind`` named in the alias table, in table order."""
    return tuple(dict.fromkeys(column for k, column, _, _ in _rows() if k == kind))


@functools.cache
def _index(kind: str) -> dict[str, str]:
    """Map header key -> canonical column for one kind."""
    check_kind(kind)
    index: dict[str, str] = {}
    for column in columns_of(kind):
        index[label_key(column)] = column
    for k, column, _, header in _rows():
        if k != kind:
            continue
        other = index.setdefault(label_key(header), column)
        if other != column:
            raise RuntimeError(f"header {header!r} of {kind} names both {other!r} and {column!r}")
    return index


def check_kind(kind: str) -> None:
    """Raise :class:`UnknownLabelError` unless ``kind`` is one of :data:`KINDS`."""
    if kind not in KINDS:
        raise UnknownLabelError(kind, "kind of table", difflib.get_close_matches(kind, KINDS))


def danish_header(kind: str, column: str) -> str:
    """Return the Danish header the writers use for ``column`` of ``kind``."""
    for k, c, language, header in _rows():
        if k == kind and c == column and language == "da":
            return header
    return column


#: What is lost when an optional column the indicators use is absent, by kind and column.
ABSENT_CONSEQUENCES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "cases": {
            "decided": "processing times and grant rates cannot be computed",
            "decision": "processing times and grant rates cannot be computed",
            "amount_dkk": "expenditure cannot be computed",
        },
        "people": {
            "gali": "the GALI (Eurostat) employment gap cannot be computed",
            **{
                f"wg_{d}": "the Washington Group employment gap cannot be computed"
                for d in ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
            },
        },
    }
)


class MappingTypeError(JobhandicapError, TypeError):
    """A header or label mapping of the wrong type (also a :class:`TypeError`)."""


@functools.cache
def _transliterated(kind: str) -> dict[str, tuple[str, str]]:
    """Map key typed without æ, ø, å -> (column, Danish header), where that is unambiguous."""
    index = _index(kind)
    found: dict[str, set[tuple[str, str]]] = {}
    headers = [(c, c) for c in columns_of(kind)]
    headers += [(column, header) for k, column, _, header in _rows() if k == kind]
    for column, header in headers:
        key = label_key(header)
        typed = transliterate(key)
        if typed != key and typed not in index:
            found.setdefault(typed, set()).add((column, header))
    return {
        typed: next(iter(names))
        for typed, names in found.items()
        if len({c for c, _ in names}) == 1
    }


def _known_elsewhere(target: str) -> bool:
    """Whether ``target`` names a column (or accepted header) of any kind of table."""
    key = label_key(target)
    return any(key in _index(k) for k in KINDS)


def user_headers(kind: str, headers: Mapping[str, str] | None) -> dict[str, str]:
    """Check a user's header mapping for ``kind``; return header key -> canonical column.

    A target may be a canonical column or any accepted header of ``kind``. A target that names
    a column only of another kind of table is skipped (one mapping may serve several files).

    Raises
    ------
    SchemaError
        For a target that names no column of any kind, listing the accepted targets.
    TypeError
        When ``headers`` is not a mapping of text to text.
    """
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise MappingTypeError(
            f"headers must be a mapping {{your header: column}}, got {type(headers).__name__}"
        )
    index = _index(kind)
    found: dict[str, str] = {}
    problems = []
    for local, target in headers.items():
        if not isinstance(local, str) or not isinstance(target, str):
            raise MappingTypeError(f"headers must map text to text, got {local!r}: {target!r}")
        column = index.get(label_key(target))
        if column is not None:
            earlier = found.get(label_key(local))
            if earlier is not None and earlier != column:
                # Headers match ignoring case and spacing: 'Mgrp' and 'MGRP' are one header.
                problems.append(
                    (
                        None,
                        local,
                        target,
                        f"the header {local!r} is mapped to both {earlier!r} and {column!r} "
                        "(headers match ignoring case, spaces, hyphens and full stops): keep one",
                    )
                )
            found[label_key(local)] = column
        elif not _known_elsewhere(target):
            accepted = ", ".join(columns_of(kind))
            close = difflib.get_close_matches(label_key(target), list(index), n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(repr(index[c]) for c in close)}? " if close else ""
            problems.append(
                (
                    None,
                    local,
                    target,
                    f"the header mapping {local!r} -> {target!r} names no column; {hint}"
                    f"accepted: {accepted}, or any header accepted_headers({kind!r}) lists",
                )
            )
    if problems:
        raise SchemaError("the header mapping names unknown columns", problems_frame(problems))
    return found


@attrs.frozen
class HeaderMatch:
    """How a file's header row was read.

    Attributes
    ----------
    found
        Position -> canonical column of every recognised header.
    transliterated
        Header -> the Danish header it was read as (typed without æ, ø, å).
    mapped
        Header -> column, for headers read through the user's mapping.
    ignored
        Non-empty headers that name no column (their columns are not read).
    """

    found: dict[int, str]
    transliterated: dict[str, str]
    mapped: dict[str, str]
    ignored: tuple[str, ...]


def _unit_problem(header: str, unit: str) -> tuple[Any, ...]:
    return (
        1,
        header,
        header,
        f"the header gives amounts in {unit!r}, but amounts are read in Danish kroner: "
        "convert the column to kroner and call it 'Beløb (kr.)', 'Beløb (DKK)' or 'Beløb' "
        "(reading it as kroner would give wrong amounts); if the column does hold kroner, "
        f"say so by mapping its header: {_map_header(header, 'amount_dkk')}",
    )


def _map_header(header: str, column: str) -> str:
    """The mapping of one header, as the interface in use writes it."""
    if in_command_line():
        return f"--header {shlex.quote(f'{header}={column}')}"
    return f"headers={{{header!r}: {column!r}}}"


def match_headers(
    kind: str, headers: Sequence[object], user: Mapping[str, str] | None = None
) -> HeaderMatch:
    """Resolve a file's headers (see the module's description for the rules).

    ``user`` is the checked form of the user's mapping (:func:`user_headers`).

    Raises
    ------
    SchemaError
        When two headers name the same canonical column, or an amount header names a unit
        other than Danish kroner.
    """
    index = _index(kind)
    typed = _transliterated(kind)
    user = user or {}

    def lookup(text: str) -> tuple[str | None, str | None, bool]:
        """Column, the Danish header if read without æøå, and whether the user mapped it."""
        key = label_key(text)
        if key in user:
            return user[key], None, True
        if key in index:
            return index[key], None, False
        if key in typed:
            column, danish = typed[key]
            return column, danish, False
        return None, None, False

    found: dict[int, str] = {}
    seen: dict[str, list[str]] = {}
    transliterated: dict[str, str] = {}
    mapped: dict[str, str] = {}
    ignored: list[str] = []
    unit_problems = []
    for position, header in enumerate(headers):
        if not isinstance(header, str):
            continue
        column, danish, by_user = lookup(header)
        # A header the user mapped whole is theirs to vouch for: no unit check.
        parts = None if by_user else split_unit(header)
        if parts is not None:
            base_column, base_danish, base_user = lookup(parts[0])
            if column is None and base_column is not None and base_column.endswith("_dkk"):
                column, danish, by_user = base_column, base_danish, base_user
            if (
                column is not None
                and column.endswith("_dkk")
                and label_key(parts[1]) not in DKK_UNITS
                and label_key(parts[1])  # "Beløb ()" names no unit
            ):
                unit_problems.append(_unit_problem(header, parts[1]))
                continue
        if column is None:
            if header.strip():
                ignored.append(header)
            continue
        found[position] = column
        seen.setdefault(column, []).append(header)
        if danish is not None:
            transliterated[header] = danish
        if by_user:
            mapped[header] = column
    if unit_problems:
        raise SchemaError(
            f"the {kind} file's amount header names a unit other than Danish kroner",
            problems_frame(unit_problems),
        )
    clashes = {column: names for column, names in seen.items() if len(names) > 1}
    if clashes:
        problems = problems_frame(
            (
                None,
                column,
                ", ".join(repr(n) for n in names),
                f"the headers {', '.join(repr(n) for n in names)} all name column {column!r}; "
                "keep one of them (or rename the others to something not in the header table)",
            )
            for column, names in clashes.items()
        )
        raise SchemaError(f"duplicate columns in the {kind} file", problems)
    return HeaderMatch(found, transliterated, mapped, tuple(ignored))


def resolve_headers(
    kind: str, headers: Sequence[object], user: Mapping[str, str] | None = None
) -> dict[int, str]:
    """Map positions of recognised headers to canonical column names.

    Unknown headers are left out (the readers ignore those columns); ``user`` as for
    :func:`match_headers`.

    Raises
    ------
    SchemaError
        When two headers name the same canonical column, or an amount header names a unit
        other than Danish kroner.
    """
    return match_headers(kind, headers, user).found


def accepted_names(kind: str, column: str) -> tuple[str, ...]:
    """The headers accepted for ``column`` of ``kind``: Danish, aliases, then the name."""
    names = [danish_header(kind, column)]
    names += [h for k, c, language, h in _rows() if k == kind and c == column and language != "da"]
    names.append(column)
    return tuple(dict.fromkeys(names))


def _near_misses(kind: str, column: str, headers: Sequence[str]) -> list[tuple[str, str]]:
    """(file header, accepted header) pairs that look alike once æ, ø and å are set aside."""
    accepted = {ascii_fold(label_key(name)): name for name in accepted_names(kind, column)}
    accepted.update(
        {ascii_fold(transliterate(label_key(name))): name for name in accepted_names(kind, column)}
    )
    pairs = []
    for header in headers:
        key = ascii_fold(label_key(header))
        close = difflib.get_close_matches(key, list(accepted), n=1, cutoff=0.85)
        if close:
            pairs.append((header, accepted[close[0]]))
    return pairs


def missing_columns_error(
    kind: str, missing: Sequence[str], header: Sequence[str], ignored: Sequence[str] = ()
) -> MissingColumnsError:
    """The error for required columns that are absent.

    It names the accepted headers of each (Danish first), and the file's unrecognised headers
    that look like one of them ("did you mean").
    """
    hints: dict[str, str] = {}
    for column in missing:
        names = accepted_names(kind, column)
        shown = ", ".join(names[:7]) + (", …" if len(names) > 7 else "")
        hint = f"accepted headers: {shown}"
        misses = _near_misses(kind, column, ignored)
        if misses:
            hint += "; did you mean " + ", ".join(
                f"{accepted!r} for {header!r}" for header, accepted in misses
            )
            hint += f"? (or map it: headers={{{misses[0][0]!r}: {column!r}}})"
        hints[column] = hint
    return MissingColumnsError(missing, [h for h in header if h], kind, hints=hints)


def header_table(kind: str | None = None) -> pd.DataFrame:
    """Return the accepted headers as a frame (kind, column, danish, aliases)."""
    kinds = KINDS if kind is None else (kind,)
    records = []
    for k in kinds:
        _index(k)  # validates the kind and the table
        for column in columns_of(k):
            aliases = [
                header
                for kk, c, language, header in _rows()
                if kk == k and c == column and language != "da"
            ]
            records.append((k, column, danish_header(k, column), ", ".join(aliases)))
    return pd.DataFrame(
        {
            name: pd.array([r[i] for r in records], dtype="string")
            for i, name in enumerate(("kind", "column", "danish", "aliases"))
        }
    )
