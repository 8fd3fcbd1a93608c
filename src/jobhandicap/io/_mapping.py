"""The user's vocabulary: header and label mappings, the mapping file, and the header report.

The readers take ``headers={your header: column}`` and ``labels={column: {your label: value}}``
(see :func:`jobhandicap.io.read_cases`); :func:`read_mapping` reads both from a CSV file.
:func:`header_report` says how a file's header row was read: it is attached to the frame a
reader returns as ``frame.attrs["jobhandicap_headers"]``.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from jobhandicap import _labels, reference
from jobhandicap._advice import in_command_line
from jobhandicap.domain import Likert
from jobhandicap.errors import DataQualityWarning, JobhandicapError, SchemaError, problems_frame
from jobhandicap.frames._schema import SCHEMAS, ColumnSpec
from jobhandicap.frames._vocabulary import misplaced_label
from jobhandicap.io import _csv
from jobhandicap.io._headers import (
    ABSENT_CONSEQUENCES,
    KINDS,
    HeaderMatch,
    MappingTypeError,
    danish_header,
)

__all__ = [
    "HEADERS_ATTR",
    "IGNORED_HEADERS_WARNING",
    "LabelMapping",
    "apply_labels",
    "describe_report",
    "header_report",
    "read_mapping",
    "user_labels",
    "warn_ignored",
]

#: The key of the header report in a frame's ``attrs``.
HEADERS_ATTR = "jobhandicap_headers"

#: The start of the warning naming ignored headers (a regular expression for filters).
IGNORED_HEADERS_WARNING = r"the \w+ file has columns the reader ignores"

#: column -> {label key -> the label to read instead}.
LabelMapping = dict[str, dict[str, str]]

#: The kinds of column whose labels a user may map.
_LABEL_COLUMN_KINDS = frozenset({"category", "municipality", "likert"})


def _spec_anywhere(column: str) -> ColumnSpec | None:
    """The spec of a label column of that name in any kind of table."""
    for schema in SCHEMAS.values():
        if column in schema.names and schema[column].kind in _LABEL_COLUMN_KINDS:
            return schema[column]
    return None


def _accepted_values(spec: ColumnSpec) -> str:
    if spec.kind == "municipality":
        return "a municipality code or name"
    if spec.kind == "likert":
        return "an answer code 1-5 or 9, or a label such as 'i høj grad'"
    accepted = ", ".join(repr(c) for c in spec.categories)
    if spec.missing_labels:
        accepted += f", or {spec.missing_labels[1]!r} (an open case)"
    return f"{accepted} or any of their Danish labels"


def _target_ok(spec: ColumnSpec, target: str) -> bool:
    """Whether the packaged labels read ``target`` (as a value, or as an open case)."""
    key = _labels.label_key(target)
    if spec.kind == "municipality":
        try:
            reference.municipality(target)
        except (JobhandicapError, ValueError, TypeError):
            return False
        return True
    if spec.kind == "likert":
        try:
            Likert.parse(target)
        except (JobhandicapError, ValueError):
            return False
        return True
    if key in {_labels.label_key(label) for label in spec.missing_labels}:
        return True
    if spec.enum is not None:
        try:
            spec.enum.parse(target)  # type: ignore[attr-defined]
        except JobhandicapError:
            return False
        return True
    return key in spec.label_index


def user_labels(kind: str, labels: Mapping[str, Mapping[str, str]] | None) -> LabelMapping:
    """Check a user's label mapping for ``kind``: column -> {label key -> target label}.

    A column of another kind of table is skipped (one mapping may serve several files).

    Raises
    ------
    SchemaError
        For a column that holds no labels, or a target the packaged labels do not read; the
        message lists what would be accepted.
    TypeError
        When ``labels`` is not a mapping of columns to mappings of text.
    """
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise MappingTypeError(
            "labels must be a mapping {column: {your label: value}}, got "
            f"{type(labels).__name__}"
        )
    schema = SCHEMAS[kind]
    found: LabelMapping = {}
    problems: list[tuple[Any, ...]] = []
    for column, entries in labels.items():
        if not isinstance(entries, Mapping):
            raise MappingTypeError(
                f"labels[{column!r}] must be a mapping {{your label: value}}, got "
                f"{type(entries).__name__}"
            )
        if column in schema.names and schema[column].kind in _LABEL_COLUMN_KINDS:
            spec = schema[column]
        elif _spec_anywhere(str(column)) is not None:
            continue
        else:
            columns = [c.name for c in schema.columns if c.kind in _LABEL_COLUMN_KINDS]
            problems.append(
                (
                    None,
                    column,
                    None,
                    f"no label column {column!r}: labels can be mapped for the {kind} columns "
                    f"{', '.join(columns) or '(none)'}",
                )
            )
            continue
        table: dict[str, str] = {}
        for local, target in entries.items():
            if not isinstance(local, str) or not isinstance(target, str):
                raise MappingTypeError(f"labels[{column!r}] must map text to text, got {local!r}")
            if not _target_ok(spec, target):
                problems.append(
                    (
                        None,
                        column,
                        target,
                        f"the label mapping {local!r} -> {target!r} names no {column}"
                        f"{misplaced_label(column, target)}; "
                        f"accepted: {_accepted_values(spec)}",
                    )
                )
                continue
            earlier = table.get(_labels.label_key(local))
            if earlier is not None and _labels.label_key(earlier) != _labels.label_key(target):
                # Labels match ignoring case and spacing: 'Ledig' and 'ledig' are one label.
                problems.append(
                    (
                        None,
                        column,
                        local,
                        f"the label {local!r} of {column} is mapped to both {earlier!r} and "
                        f"{target!r} (labels match ignoring case, spaces, hyphens and full "
                        "stops): keep one",
                    )
                )
            table[_labels.label_key(local)] = target
        found[column] = table
    if problems:
        raise SchemaError(
            "the label mapping names unknown columns or labels", problems_frame(problems)
        )
    return found


def apply_labels(raw: pd.DataFrame, mapping: LabelMapping) -> pd.DataFrame:
    """The raw table with the user's labels replaced by the labels they stand for.

    Matching uses the label key (case, spaces, hyphens and full stops ignored), as for the
    packaged labels; only the distinct texts of a column are looked at.
    """
    out = raw
    for column, table in mapping.items():
        if not table or column not in raw.columns:
            continue
        values = raw[column]
        uniques = pd.unique(values.dropna().astype(object))
        replace = {
            u: table[_labels.label_key(u)]
            for u in uniques
            if isinstance(u, str) and _labels.label_key(u) in table
        }
        if not replace:
            continue
        as_objects = values.astype(object)
        swapped = as_objects.where(~as_objects.isin(list(replace)), as_objects.map(replace))
        if out is raw:
            out = raw.copy(deep=False)
        out[column] = swapped
    return out


def header_report(kind: str, match: HeaderMatch, header: tuple[str, ...]) -> dict[str, Any]:
    """How the header row was read: a small dict for ``frame.attrs``.

    Keys: ``read_as`` (header -> column), ``transliterated`` (header -> the Danish header it
    was read as), ``mapped`` (header -> column, by the user's mapping), ``ignored`` (headers
    naming no column) and ``absent`` (optional column the indicators use -> what cannot be
    computed without it).
    """
    present = set(match.found.values())
    absent = {
        column: consequence
        for column, consequence in ABSENT_CONSEQUENCES.get(kind, {}).items()
        if column not in present
    }
    return {
        "read_as": {header[p]: c for p, c in sorted(match.found.items())},
        "transliterated": dict(match.transliterated),
        "mapped": dict(match.mapped),
        "ignored": list(match.ignored),
        "absent": absent,
    }


def warn_ignored(kind: str, report: Mapping[str, Any], stacklevel: int = 2) -> None:
    """One :class:`DataQualityWarning` naming the headers the reader ignored (if any)."""
    ignored = report.get("ignored") or []
    if not ignored:
        return
    shown = ", ".join(repr(h) for h in ignored)
    warnings.warn(
        f"the {kind} file has columns the reader ignores (headers not recognised): {shown}"
        + (
            "; map a header to a column with --header 'HEADER=COLUMN' if one of them is a "
            "column the library knows"
            if in_command_line()
            else f"; see jobhandicap.io.accepted_headers({kind!r}), or map a header to a "
            "column with headers={...}"
        ),
        DataQualityWarning,
        stacklevel=stacklevel,
    )


def describe_report(kind: str, report: Mapping[str, Any]) -> list[str]:
    """The header report as lines of text (for ``jobhandicap validate``)."""
    lines = []
    for header, danish in report.get("transliterated", {}).items():
        lines.append(f"read header {header!r} as {danish!r}")
    for header, column in report.get("mapped", {}).items():
        lines.append(f"read header {header!r} as {column!r} (your mapping)")
    ignored = report.get("ignored") or []
    if ignored:
        lines.append(f"ignored column(s) (header not recognised): {', '.join(map(repr, ignored))}")
    for column, consequence in report.get("absent", {}).items():
        lines.append(f"no {column} column ({danish_header(kind, column)}): {consequence}")
    return lines


# --------------------------------------------------------------------------------------------
# The mapping file
# --------------------------------------------------------------------------------------------

_MAPPING_COLUMNS = ("column", "local", "means")
_MAPPING_HEADERS = {
    "column": ("column", "kolonne"),
    "local": ("local", "lokal", "lokalt"),
    "means": ("means", "betyder", "betydning"),
}


def _mapping_text(path: str | os.PathLike[str]) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise JobhandicapError(f"No such file or directory: {os.fspath(path)}") from None
    except OSError as err:
        raise JobhandicapError(f"cannot open {os.fspath(path)!r}: {err.strerror or err}") from None
    text, _ = _csv.decode_sample(data, None, final=True)
    return text.removeprefix("\ufeff")


def read_mapping(
    path: str | os.PathLike[str],
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    r"""Read a mapping of local headers and labels from a CSV file.

    Parameters
    ----------
    path
        A CSV file (UTF-8 or Windows-1252; ``,`` or ``;`` separated) with the columns
        ``column``, ``local`` and ``means``: one row per entry. ``column`` is ``header`` for a
        header mapping (``local`` is your header, ``means`` a canonical column or any accepted
        header), or a canonical column such as ``target_group`` for a label mapping (``local``
        is your label, ``means`` a canonical value or any accepted label).

    Returns
    -------
    tuple of dict
        ``(headers, labels)``: pass them to any reader as ``headers=`` and ``labels=``.

    Raises
    ------
    SchemaError
        Listing every bad row (rows numbered as a spreadsheet numbers them, the header being
        row 1): an empty cell, a column that is neither ``header`` nor a canonical column, or a
        local header or label given two different meanings.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mapping.csv").write_text(
    ...     "column;local;means\nheader;Bevillingsdato;afgørelsesdato\n"
    ...     "target_group;Ledig;a-dagpenge\n", encoding="utf-8")
    >>> read_mapping(folder / "mapping.csv")
    ({'Bevillingsdato': 'afgørelsesdato'}, {'target_group': {'Ledig': 'a-dagpenge'}})
    """
    text = _mapping_text(path)
    if not text.strip():
        raise SchemaError(
            "the mapping file is empty: expected a header row column,local,means and one row "
            "per entry"
        )
    dialect = _csv.detect_dialect(text, truncated=False)
    lines = io.StringIO(text, newline="")
    records = list(csv.reader(lines, delimiter=dialect.sep, quotechar='"'))[dialect.skip :]
    header = [_labels.label_key(h) for h in records[0]]
    positions: dict[str, int] = {}
    for name, names in _MAPPING_HEADERS.items():
        for p, h in enumerate(header):
            if h in names:
                positions[name] = p
                break
    missing = [name for name in _MAPPING_COLUMNS if name not in positions]
    if missing:
        raise SchemaError(
            f"the mapping file lacks the column(s) {', '.join(map(repr, missing))}; it needs "
            f"column, local and means (it has {', '.join(map(repr, records[0]))})"
        )
    columns = {c for schema in SCHEMAS.values() for c in schema.names}
    headers: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    problems: list[tuple[Any, ...]] = []
    first = dialect.skip + 2
    for row, record in enumerate(records[1:], start=first):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            name: record[p].strip() if p < len(record) else "" for name, p in positions.items()
        }
        column, local, means = cells["column"], cells["local"], cells["means"]
        empty = [name for name in _MAPPING_COLUMNS if not cells[name]]
        if empty:
            problems.append(
                (row, empty[0], None, f"empty {', '.join(empty)}: every row needs all three")
            )
            continue
        if _labels.label_key(column) in {"header", "headers", "overskrift", "kolonnenavn"}:
            table = headers
        elif column in columns:
            table = labels.setdefault(column, {})
        else:
            kinds = ", ".join(KINDS)
            problems.append(
                (
                    row,
                    "column",
                    column,
                    "expected 'header' (a header mapping) or a canonical column such as "
                    f"'target_group' or 'scheme' (a label mapping); see the schemas of {kinds}",
                )
            )
            continue
        earlier = next(
            (k for k in table if _labels.label_key(k) == _labels.label_key(local)), None
        )
        if earlier is not None and _labels.label_key(table[earlier]) != _labels.label_key(means):
            problems.append(
                (
                    row,
                    "local",
                    local,
                    f"{local!r} already means {table[earlier]!r} in an earlier row; keep one",
                )
            )
            continue
        table[local] = means
    if problems:
        raise SchemaError("the mapping file has problems", problems_frame(problems))
    return headers, labels
