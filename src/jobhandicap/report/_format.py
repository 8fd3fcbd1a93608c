"""How the report shows each column: shares, counts, amounts, codes (private to the report).

One rule for the three places a table is published — the HTML page, the CSV files and the
workbook — so that they agree:

- **shares** (0–1: shares, rates of job entry or granting, response rates, probabilities, and
  their intervals) are written as fractions with 3 decimals in the CSV files (``0.357``), as
  percentages with 1 decimal on the page (``35.7 %``) and as fractions with the number format
  ``0.0%`` in the workbook;
- **counts** (whole numbers of persons, cases, jobcentres) are integers (``#,##0``);
- **amounts in kroner** (``*_dkk``) are rounded to whole kroner (``#,##0``; on the page with
  thousands separators, ``1,234,567`` / ``1.234.567``);
- **codes** (years, waves, jobcentre codes, answer codes, ranks) are integers without
  separators;
- other numbers keep the table's decimals (3 unless the table says otherwise).

CSV files in English are ``,``-separated with a decimal point; in Danish ``;``-separated with a
decimal comma, Danish headers and category labels. Both are UTF-8 with a byte order mark, so
that Excel reads the Danish letters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import pandas as pd

from jobhandicap.domain import TargetGroup
from jobhandicap.report._text import Lang, column_label, text, value_label

Kind = Literal["text", "bool", "code", "count", "dkk", "share", "number"]

#: Decimals of a share as a fraction in the CSV files (0.357 = 35.7 %).
SHARE_DECIMALS: Final = 3
#: Decimals of a share as a percentage on the page.
PERCENT_DECIMALS: Final = 1
#: Decimals of other numbers unless the table sets them.
DEFAULT_DECIMALS: Final = 3
#: CSV separator and decimal mark per language.
SEPARATOR: Final[Mapping[str, str]] = {"en": ",", "da": ";"}
DECIMAL: Final[Mapping[str, str]] = {"en": ".", "da": ","}
#: Thousands separator on the page per language.
THOUSANDS: Final[Mapping[str, str]] = {"en": ",", "da": "."}

#: The share columns of each report table (fractions 0–1, intervals included).
_SHARES: Final[Mapping[str, frozenset[str]]] = {
    name: frozenset(columns)
    for name, columns in {
        "survey_top_box": (
            "share",
            "ci_low",
            "ci_high",
            "dont_know_share",
            "response_rate",
            "bound_low",
            "bound_high",
        ),
        "survey_wave_change": (
            "earlier_share",
            "later_share",
            "difference",
            "ci_low",
            "ci_high",
            "independent_difference",
            "independent_ci_low",
            "independent_ci_high",
        ),
        "survey_distribution": ("share", "ci_low", "ci_high"),
        "survey_crosstab": ("share", "ci_low", "ci_high", "table_share"),
        "survey_top_box_difference": (
            "share",
            "share_ci_low",
            "share_ci_high",
            "share_reference",
            "reference_ci_low",
            "reference_ci_high",
            "difference",
            "ci_low",
            "ci_high",
        ),
        "grant_rate": ("rate", "ci_low", "ci_high"),
        "scheme_usage": ("share",),
        "expenditure_shares": ("share",),
        "funnel": ("share", "ci_low", "ci_high"),
        "best_practice": ("share", "ci_low", "ci_high", "shrunk"),
        "outcomes_by_strategy": (
            "mean",
            "mean_reference",
            "difference",
            "ci_low",
            "ci_high",
            "boot_ci_low",
            "boot_ci_high",
        ),
        "benchmark_adjusted": ("share",),
        "employment_gap": ("rate_disabled", "rate_not_disabled"),
        "strategy_scores": ("coverage",),
        "strategy_sensitivity": ("p_proactive", "p_diffuse", "p_reactive"),
    }.items()
}
#: Share columns that are differences of two shares (and their intervals): percentage points.
_POINTS: Final[Mapping[str, frozenset[str]]] = {
    "survey_wave_change": frozenset(
        {
            "difference",
            "ci_low",
            "ci_high",
            "independent_difference",
            "independent_ci_low",
            "independent_ci_high",
        }
    ),
    "outcomes_by_strategy": frozenset(
        {"difference", "ci_low", "ci_high", "boot_ci_low", "boot_ci_high"}
    ),
    "survey_top_box_difference": frozenset({"difference", "ci_low", "ci_high"}),
}
#: Tables whose control limits (``low_<level>``, ``high_<level>``) are shares too.
_LIMIT_TABLES: Final = frozenset({"funnel", "best_practice"})
#: Whole-number columns that identify rather than count.
_CODES: Final = frozenset(
    {
        "year",
        "wave",
        "earlier_wave",
        "later_wave",
        "jobcentre",
        "municipality",
        "answer",
        "rank",
        "nominal_rank",
    }
)
#: Decimals of p-values (3 would round most of them to 0).
_P_DECIMALS: Final = 4


def column_kind(table: str, column: str, series: pd.Series) -> Kind:
    """The kind of a column of the report table ``table`` (see the module's rules)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    numeric = pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
    if not numeric:
        return "text"
    if column.endswith("_dkk"):
        return "dkk"
    if column in _SHARES.get(table, frozenset()) or (
        table in _LIMIT_TABLES and column.startswith(("low_", "high_"))
    ):
        return "share"
    if pd.api.types.is_integer_dtype(dtype):
        return "code" if column in _CODES else "count"
    return "number"


def is_points(table: str, column: str) -> bool:
    """Whether a share column of ``table`` is a difference of shares (percentage points)."""
    return column in _POINTS.get(table, frozenset())


def decimals(kind: Kind, column: str, table_decimals: Mapping[str, int]) -> int:
    """Decimals of a number column in the CSV files and the workbook."""
    if kind == "share":
        return SHARE_DECIMALS
    if kind in ("count", "dkk", "code"):
        return 0
    if column == "p_value" and column not in table_decimals:
        return _P_DECIMALS
    return int(table_decimals.get(column, DEFAULT_DECIMALS))


def rounded(value: float, places: int) -> float | int:
    """``value`` rounded to ``places`` decimals (an ``int`` for 0), never ``-0.0``."""
    if value != value or value in (float("inf"), float("-inf")):
        return value
    if places == 0:
        return round(value)
    out = round(value, places)
    return 0.0 if out == 0 else out


def number_text(value: float | int, places: int, lang: Lang) -> str:
    """A number as CSV text: ``places`` decimals, the language's decimal mark, no grouping."""
    if isinstance(value, float):
        if value != value:
            return ""
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
    shown = f"{rounded(float(value), places):.{places}f}"
    if shown.startswith("-") and float(shown) == 0:
        shown = shown[1:]
    return shown.replace(".", DECIMAL[lang])


def grouped(value: float, lang: Lang) -> str:
    """A whole number with thousands separators: ``1,234,567`` (en), ``1.234.567`` (da)."""
    shown = f"{round(value):,}"
    return shown.replace(",", THOUSANDS[lang])


def header(column: str, lang: Lang, used: set[str]) -> str:
    """A column's header in ``lang``: the canonical name in English, the label in Danish.

    A Danish label that another column of the table already has gets the canonical name in
    brackets, so that no two headers are the same.
    """
    if lang == "en":
        return column
    label = column_label(column, lang)
    if label in used:
        label = f"{label} ({column})"
    used.add(label)
    return label


def headers(columns: list[str], lang: Lang) -> list[str]:
    """The headers of a table's columns in ``lang`` (all different)."""
    used: set[str] = set()
    return [header(c, lang, used) for c in columns]


def label(column: str, value: object, lang: Lang) -> str:
    """A text or category value in ``lang``: the canonical value in English, else its label.

    A list of target groups (``"a; b"``, column ``which``) is translated group by group.
    """
    if lang == "en":
        return str(value)
    if column == "which":
        parts = []
        for part in str(value).split("; "):
            try:
                parts.append(str(TargetGroup(part).label_da))
            except ValueError:
                parts.append(part)
        return "; ".join(parts)
    return value_label(column, value, lang)


def boolean(value: bool, lang: Lang) -> str:
    """A yes/no value as CSV text (``true``/``false``; ``ja``/``nej`` in Danish)."""
    if lang == "en":
        return "true" if value else "false"
    return value_label("", value, lang)


def excel_format(kind: Kind, places: int) -> str:
    """The workbook's number format of a column of ``kind``."""
    if kind == "share":
        return "0.0%"
    if kind in ("count", "dkk"):
        return "#,##0"
    if kind == "code" or places == 0:
        return "0"
    return "0." + "0" * places


def legend_header(lang: Lang) -> list[str]:
    """The header row of the workbook's legend sheet."""
    return [text("legend_col_marker", lang), text("legend_col_meaning", lang)]


def format_legend(lang: Lang) -> list[tuple[str, str]]:
    """The legend's lines on how numbers are written (shares, counts, amounts)."""
    return [
        ("0.0%", text("legend_shares", lang)),
        ("#,##0", text("legend_counts", lang)),
    ]
