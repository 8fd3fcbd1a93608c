"""The texts of the report and the figures, in English and Danish: one table, packaged as data.

Every heading, caption, axis title, note and label that :mod:`jobhandicap.report` and
:mod:`jobhandicap.plots` show is a row of ``data/texts.csv`` (columns ``key``, ``en``, ``da``;
UTF-8), so that a better wording or a correction of the Danish is a data change, and a table and
a figure can never name one thing in two ways. Keys are grouped by prefix:

``col:<column>``
    The header of a column, in tables and as the title of a figure's legend or axis.
``val:<column>:<value>`` and ``val:<value>``
    The label of a value that is not an enum member (enum members — schemes, target groups,
    decisions, strategy types, answers, regions — take their labels from
    :mod:`jobhandicap.domain`, see :func:`enum_label`).
``kind:<kind>``
    The name of a kind of input table.
``fig:<key>``
    A text only the figures show (titles, axis titles, legend entries).
no prefix
    The report's page, section and table texts.

Texts may hold ``{}`` fields (positional or named), filled in by :func:`text`.

Examples
--------
>>> text("fig:limits", "da", "95 %")
'95 %-grænser'
>>> text("show_rows", "en", n=12)
'Show all 12 rows'
>>> labels("kind", "da")["staff"]
'medarbejderundersøgelse'
>>> enum_label("scheme", "aids", "da")
'hjælpemidler'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

from jobhandicap import reference
from jobhandicap._packaged import read_csv_table
from jobhandicap.domain import (
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Region,
    StrategyType,
    TargetGroup,
)
from jobhandicap.errors import UnknownLabelError

__all__ = ["LANGS", "TEXTS", "Lang", "enum_label", "item_label", "labels", "text"]

Lang = Literal["en", "da"]

#: The languages of the texts, in the order of the table's columns.
LANGS: Final[tuple[Lang, Lang]] = ("en", "da")


@functools.cache
def _table() -> Mapping[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for row in read_csv_table("texts.csv"):
        key = row["key"]
        if key in table:
            raise RuntimeError(f"data/texts.csv has the key {key!r} twice")
        table[key] = (row["en"], row["da"])
    return MappingProxyType(table)


#: Every text, ``key: (English, Danish)``, read-only.
TEXTS: Final[Mapping[str, tuple[str, str]]] = _table()


def text(key: str, lang: Lang, *fields: object, **named: object) -> str:
    """Return the text ``key`` in ``lang`` with its ``{}`` fields filled in.

    Parameters
    ----------
    key
        A key of ``data/texts.csv``.
    lang
        ``"en"`` or ``"da"``.
    *fields, **named
        Values of the text's positional (``{}``) and named (``{when}``) fields; a text without
        fields is returned as it is (braces and all).

    Returns
    -------
    str
        The text.

    Raises
    ------
    KeyError
        When ``key`` is not in the table (a bug: a test checks every key the code uses).

    Examples
    --------
    >>> text("generated", "da", when="2024-01-31")
    'Dannet 2024-01-31'
    """
    template = TEXTS[key][LANGS.index(lang)]
    return template.format(*fields, **named) if fields or named else template


def labels(prefix: str, lang: Lang) -> dict[str, str]:
    """Return every text whose key starts with ``prefix:``, by the rest of its key.

    Examples
    --------
    >>> labels("col", "da")["wave"]
    'Runde'
    """
    start = f"{prefix}:"
    at = LANGS.index(lang)
    return {key[len(start) :]: pair[at] for key, pair in TEXTS.items() if key.startswith(start)}


#: Columns whose values are enum members, labelled with the enum's labels.
ENUM_COLUMNS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "scheme": CompensationScheme,
        "target_group": TargetGroup,
        "decision": Decision,
        "strategy": StrategyType,
        "group": StrategyType,
        "reference": StrategyType,
        "key_person_model": KeyPersonModel,
        "region": Region,
    }
)


def enum_label(column: str, value: object, lang: Lang) -> str | None:
    """Return the label of an enum member in a column of enum values, else ``None``.

    ``value`` may be the member's value or any of its labels (Danish, English, aliases).

    Examples
    --------
    >>> enum_label("strategy", "proactive", "da"), enum_label("region", "zealand", "en")
    ('proaktiv', 'Region Zealand')
    >>> enum_label("strategy", "unknown", "da") is None
    True
    """
    enum = ENUM_COLUMNS.get(column)
    if enum is None:
        return None
    try:
        member = enum.parse(value)
    except UnknownLabelError:
        return None
    return str(member.label_en if lang == "en" else member.label_da)


def item_label(item: str, lang: Lang) -> str | None:
    """Return the short label of a packaged survey or staff item, else ``None``.

    Examples
    --------
    >>> item_label("belief_2", "en")
    'The schemes make a difference'
    """
    return _item_labels(lang).get(item)


@functools.cache
def _item_labels(lang: Lang) -> Mapping[str, str]:
    return MappingProxyType(reference.item_labels(lang))
