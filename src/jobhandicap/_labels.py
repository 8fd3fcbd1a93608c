"""Label tables behind the enums' ``parse``: packaged data, read once.

The Danish and English labels and the aliases of every enum live in ``data/labels.csv`` (columns
``kind``, ``value``, ``language``, ``label``), so that a new spelling found in a survey export is
a data change, not a code change. Labels are matched on a *key*: case-folded, Unicode-normalised,
with whitespace, hyphens, underscores, full stops and apostrophes removed, so that "Flex-job",
"flexjob" and " FLEX  JOB " are one label.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from jobhandicap._packaged import read_csv_table

__all__ = ["close_matches", "label_key", "labels_of", "lookup"]

_IGNORED = re.compile(r"[\s\-_.'’]+")


def label_key(text: str) -> str:
    """Return the matching key of a label.

    Examples
    --------
    >>> label_key(" Flex-Job ")
    'flexjob'
    >>> label_key("Don't  know") == label_key("dont know")
    True
    """
    return _IGNORED.sub("", unicodedata.normalize("NFC", text).casefold())


@functools.cache
def _table() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Map kind -> value -> [(language, label), ...] in file order."""
    table: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for row in read_csv_table("labels.csv"):
        table.setdefault(row["kind"], {}).setdefault(row["value"], []).append(
            (row["language"], row["label"])
        )
    return table


@functools.cache
def _index(kind: str) -> dict[str, str]:
    """Map label key -> value for one kind; the value itself is always accepted."""
    index: dict[str, str] = {}
    for value, labels in _table()[kind].items():
        for text in (value, *(label for _, label in labels)):
            key = label_key(text)
            other = index.setdefault(key, value)
            if other != value:
                raise RuntimeError(f"label {text!r} of {kind} names both {other!r} and {value!r}")
    return index


def lookup(kind: str, text: str) -> str | None:
    """Return the value that ``text`` names among the labels of ``kind``, or ``None``."""
    return _index(kind).get(label_key(text))


def labels_of(kind: str, value: str, language: str | None = None) -> tuple[str, ...]:
    """Return the labels of one value, optionally only those of one language (en, da, alias)."""
    return tuple(
        label
        for lang, label in _table()[kind].get(value, [])
        if language is None or lang == language
    )


def close_matches(kind: str, text: str, limit: int = 3) -> list[str]:
    """Return up to ``limit`` accepted labels that look like ``text``, best first."""
    candidates: dict[str, str] = {}
    for value, labels in _table()[kind].items():
        candidates.setdefault(label_key(value), value)
        for _, label in labels:
            candidates.setdefault(label_key(label), label)
    keys = difflib.get_close_matches(label_key(text), list(candidates), n=limit, cutoff=0.6)
    return [candidates[key] for key in keys]
