"""Every text of the report, in English and Danish (private to :mod:`jobhandicap.report`).

The texts are rows of the packaged table ``data/texts.csv`` shared with the figures
(:mod:`jobhandicap._texts`): headings, captions, notes and labels as ``key: (English, Danish)``,
``{}`` fields filled in by :func:`text`. Column headers are keys ``col:<column>`` and labels of
values that are not enum members are keys ``val:<column>:<value>``; :func:`column_label` and
:func:`value_label` look them up, with the labels of the schemes, target groups, decisions,
strategy types, regions and answers taken from :mod:`jobhandicap.domain` and those of the survey
items from :func:`jobhandicap.reference.instruments`. Number formats are here too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from jobhandicap import _texts, reference
from jobhandicap._texts import TEXTS, Lang
from jobhandicap.domain import Likert

__all__ = [
    "TEXTS",
    "Lang",
    "column_label",
    "listing",
    "number",
    "p_text",
    "percent",
    "points",
    "survey_items",
    "text",
    "value_label",
]

#: Columns whose values are labelled like another column's.
_FAMILIES: Final[Mapping[str, str]] = {"x": "scale", "y": "scale", "reference": "group"}

_LIKERT_DA: Final[Mapping[str, str]] = {member.label_en: member.label_da for member in Likert}


def text(key: str, lang: Lang, **fields: object) -> str:
    """Return the text ``key`` in ``lang`` with its ``{}`` fields filled in."""
    return _texts.text(key, lang, **fields)


def column_label(column: str, lang: Lang) -> str:
    """Return the header of a column: its entry in :data:`TEXTS`, else the name itself."""
    entry = TEXTS.get(f"col:{column}")
    if entry is None:
        return column.replace("_", " ")
    return entry[_texts.LANGS.index(lang)]


def survey_items() -> Mapping[str, tuple[str, str]]:
    """The jobcentre survey's items: code to (English, Danish) label, in questionnaire order.

    From :func:`jobhandicap.reference.instruments` (``data/instruments.csv``), so that a new
    item or a better wording is a data change.
    """
    english, danish = reference.item_labels("en", "survey"), reference.item_labels("da", "survey")
    return {item: (label, danish[item]) for item, label in english.items()}


def value_label(column: str, value: object, lang: Lang) -> str:
    """Return the label of a text value of ``column`` (translated when known).

    A survey or staff item (column ``item``) is shown by its label from
    :func:`jobhandicap.reference.instruments` when it is one of the packaged items; enum
    members by their labels (:func:`jobhandicap._texts.enum_label`), in both languages.
    """
    shown = str(value)
    if column == "item":
        wording = _texts.item_label(shown, lang)
        if wording is not None:
            return wording
    family = "flag" if column.startswith("flag_") else _FAMILIES.get(column, column)
    entry = TEXTS.get(f"val:{family}:{shown}") or (
        TEXTS.get(f"val:{shown}") if isinstance(value, bool) else None
    )
    if entry is not None:
        return entry[_texts.LANGS.index(lang)]
    label = _texts.enum_label(column, shown, lang)
    if label is not None:
        return label
    if lang == "da" and column == "label":
        return _LIKERT_DA.get(shown, shown)
    return shown


def number(value: float, decimals: int, lang: Lang) -> str:
    """Format a number with ``decimals`` decimals (decimal comma in Danish, ∞ for infinity)."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    shown = f"{value:.{decimals}f}"
    if shown.startswith("-") and float(shown) == 0:
        shown = shown[1:]
    return shown.replace(".", ",") if lang == "da" else shown


def p_text(value: float, lang: Lang) -> str:
    """Format a p-value: ``p < 0.001`` below a thousandth, else ``p = 0.034`` (three decimals)."""
    if value < 0.001:
        return f"p < {number(0.001, 3, lang)}"
    return f"p = {number(value, 3, lang)}"


def percent(value: float, lang: Lang, decimals: int = 1) -> str:
    """Format a share as a percentage (``0.357`` → ``35.7 %``)."""
    return f"{number(100 * value, decimals, lang)} %"


def points(value: float, lang: Lang, decimals: int = 1) -> str:
    """Format a difference of two shares in percentage points (``0.039`` → ``3.9 pp``)."""
    return f"{number(100 * value, decimals, lang)} {text('points', lang)}"


def listing(items: list[str], lang: Lang) -> str:
    """Join ``["a", "b", "c"]`` as ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('and', lang)} {items[-1]}"
