"""The vocabulary of real exports beyond the label table.

Ambiguous and misplaced labels, headers typed without æ, ø and å, and units in headers.

``data/ambiguous_labels.csv`` (columns ``column``, ``label``, ``means``) lists labels that
exports use but that name more than one canonical value, such as "Ledig" (unemployed) for the
target group: the readers refuse them, naming the choices, instead of guessing.
"""

from __future__ import annotations

import functools
import re
import shlex

from jobhandicap import _labels
from jobhandicap._advice import in_command_line
from jobhandicap._packaged import read_csv_table

__all__ = [
    "DKK_UNITS",
    "ambiguous_choices",
    "ascii_fold",
    "misplaced_label",
    "split_unit",
    "transliterate",
]

#: The label-table kind of each enum column whose labels may turn up in the wrong column.
_LABEL_KINDS = {
    "scheme": "compensation scheme",
    "target_group": "target group",
    "decision": "decision",
}

#: Units (matched on their label key) that say an amount is in Danish kroner.
DKK_UNITS = frozenset({"kr", "dkk", "kroner", "danskekroner", "dkr"})

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a"})
#: A header followed by a unit in parentheses, or after a comma: "Beløb (kr.)", "Beløb, kr.".
_UNIT = re.compile(r"^(?P<base>[^(),]*?)\s*(?:\((?P<paren>[^()]*)\)|,(?P<comma>[^(),]*))\s*$")


@functools.cache
def _ambiguous() -> dict[str, dict[str, tuple[str, ...]]]:
    """Map column -> label key -> the values the label may mean."""
    table: dict[str, dict[str, list[str]]] = {}
    for row in read_csv_table("ambiguous_labels.csv"):
        key = _labels.label_key(row["label"])
        table.setdefault(row["column"], {}).setdefault(key, []).append(row["means"])
    return {c: {k: tuple(v) for k, v in labels.items()} for c, labels in table.items()}


def ambiguous_choices(column: str, label: object) -> tuple[str, ...]:
    """The canonical values an ambiguous label of ``column`` may mean (empty if it is not)."""
    if not isinstance(label, str):
        return ()
    return _ambiguous().get(column, {}).get(_labels.label_key(label), ())


def _named(kind: str, value: str) -> str:
    danish = _labels.labels_of(kind, value, "da")
    return f"{value} ({danish[0]})" if danish else value


def misplaced_label(column: str, label: object) -> str:
    """Advice for an unknown label of an enum column: ambiguous, or a label of another column.

    Returns text starting with ``"; "`` to append to the message, or ``""``.

    Examples
    --------
    >>> print(misplaced_label("scheme", "Sygedagpenge"))  # doctest: +NORMALIZE_WHITESPACE
    ; 'Sygedagpenge' is a target group (sickness benefit), not a compensation scheme: if the
    column holds target groups, map its header to target_group (headers=)
    """
    if not isinstance(label, str):
        return ""
    choices = ambiguous_choices(column, label)
    if choices:
        named = [_named(column, c) for c in choices]
        listed = ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else named[0]
        example = _labels.labels_of(column, choices[0], "da")[0]
        how = (
            f"--label {shlex.quote(f'{column}:{label}={example}')}"
            if in_command_line()
            else f"a label mapping, e.g. labels={{{column!r}: {{{label!r}: {example!r}}}}}"
        )
        return f"; {label!r} is ambiguous: it may mean {listed}; say which with {how}"
    for kind, name in _LABEL_KINDS.items():
        if kind == column:
            continue
        value = _labels.lookup(kind, label) if any(c.isalpha() for c in label) else None
        if value is not None:
            return (
                f"; {label!r} is a {name} ({value}), not a {_LABEL_KINDS.get(column, column)}: "
                f"if the column holds {name}s, map its header to {kind} "
                f"({'--header' if in_command_line() else 'headers='})"
            )
    return ""


def transliterate(key: str) -> str:
    """The key with æ, ø and å written as ae, oe and aa (as typed on keyboards without them).

    Examples
    --------
    >>> transliterate("målgruppe"), transliterate("beløb")
    ('maalgruppe', 'beloeb')
    """
    return key.translate(_TRANSLITERATION)


def ascii_fold(key: str) -> str:
    """The key with æ, ø and å written as a, o and a: for suggesting near misses only."""
    return key.translate(_FOLD)


def split_unit(header: str) -> tuple[str, str] | None:
    """Split ``"Beløb (kr.)"`` or ``"Beløb, kr."`` into the header and its unit (else ``None``).

    Examples
    --------
    >>> split_unit("Beløb (1.000 kr.)"), split_unit("Beløb, kr."), split_unit("Beløb")
    (('Beløb', '1.000 kr.'), ('Beløb', 'kr.'), None)
    """
    found = _UNIT.match(header.strip())
    if found is None or not found["base"].strip():
        return None
    unit = found["paren"] if found["paren"] is not None else found["comma"]
    return found["base"].strip(), unit.strip()
