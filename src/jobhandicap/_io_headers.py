"""Column headers of input files: the packaged alias table and header resolution.

``data/header_aliases.csv`` (columns ``kind``, ``column``, ``language``, ``header``) lists, for
each kind of table, the Danish header the writers use (``language == "da"``, one per column) and
further accepted spellings (``"alias"``). The canonical English column name is always accepted
too. Headers are matched on :func:`jobhandicap._labels.label_key`, which ignores case, spaces,
underscores, hyphens and full stops.
"""

from __future__ import annotations

import csv
import difflib
import functools
from collections.abc import Sequence
from importlib import resources

import pandas as pd

from jobhandicap._frames_schema import SCHEMAS
from jobhandicap._labels import label_key
from jobhandicap.errors import SchemaError, UnknownLabelError, problems_frame

__all__ = ["KINDS", "check_kind", "columns_of", "danish_header", "header_table", "resolve_headers"]

#: The kinds of table the readers know, in documentation order (that of the schemas).
KINDS = tuple(SCHEMAS)


@functools.cache
def _rows() -> tuple[tuple[str, str, str, str], ...]:
    text = resources.files("jobhandicap").joinpath("data", "header_aliases.csv").read_text("utf-8")
    return tuple(
        (row["kind"], row["column"], row["language"], row["header"])
        for row in csv.DictReader(text.splitlines())
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


def resolve_headers(kind: str, headers: Sequence[object]) -> dict[int, str]:
    """Map positions of recognised headers to canonical column names.

    Unknown headers are left out (the readers ignore those columns).

    Raises
    ------
    SchemaError
        When two headers name the same canonical column.
    """
    index = _index(kind)
    found: dict[int, str] = {}
    seen: dict[str, list[str]] = {}
    for position, header in enumerate(headers):
        if not isinstance(header, str):
            continue
        column = index.get(label_key(header))
        if column is not None:
            found[position] = column
            seen.setdefault(column, []).append(header)
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
    return found


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
