"""Shared pieces of the figures: texts, colours, checks, labels and axes helpers."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _texts
from jobhandicap.errors import JobhandicapError, MissingColumnsError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LIKERT_COLOURS", "OKABE_ITO", "STRATEGY_COLOURS", "TEXTS"]

Lang = Literal["en", "da"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INSTALL_HINT = (
    'jobhandicap.plots needs matplotlib; install it with pip install "jobhandicap[plot]"'
)

#: The keys of :data:`TEXTS` (kept for compatibility) and the rows of ``data/texts.csv`` they are.
_PUBLIC_KEYS: Mapping[str, str] = {
    "answers_title": "fig:answers_title",
    "answers_x": "fig:answers_x",
    "dont_know": "col:dont_know_share",
    "top_box_title": "fig:top_box_title",
    "share_pct": "fig:share_pct",
    "survival_title": "fig:survival_title",
    "days": "fig:days",
    "not_decided": "fig:not_decided",
    "expenditure_title": "fig:expenditure_title",
    "expenditure_x": "fig:expenditure_x",
    "scheme": "col:scheme",
    "funnel_title": "fig:funnel_title",
    "funnel_x": "fig:funnel_x",
    "funnel_y": "fig:funnel_y",
    "target": "fig:target",
    "limits": "fig:limits",
    "within": "fig:within",
    "outside": "fig:outside",
    "strategy_title": "fig:strategy_title",
    "score": "col:score",
    "rank": "fig:rank",
    "rank_band": "fig:rank_band",
    "nominal_rank": "col:nominal_rank",
    "median_rank": "col:median_rank",
    "not_scored": "fig:not_scored",
    "missing": "val:missing",
    "jobcentre": "col:jobcentre",
    "strategy": "col:strategy",
    "wave": "col:wave",
    "year": "col:year",
    "item": "col:item",
    "target_group": "col:target_group",
    "municipality": "col:municipality",
    "region": "col:region",
    "decision": "col:decision",
}

#: Every text the figures show, by key: ``(English, Danish)``, read-only. ``{}`` fields are
#: filled in. The texts are rows of the table the report's texts are in (``data/texts.csv``),
#: so that a figure and a table name one thing alike.
TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {key: _texts.TEXTS[row] for key, row in _PUBLIC_KEYS.items()}
)

#: Colours of the answers 1–5 (ColorBrewer PuOr, colour-blind safe) and 9 = don't know (grey).
LIKERT_COLOURS: Mapping[int, str] = {
    1: "#e66101",
    2: "#fdb863",
    3: "#d9d9d9",
    4: "#b2abd2",
    5: "#5e3c99",
    9: "#969696",
}

#: Okabe & Ito's qualitative palette (colour-blind safe), used in this order for groups.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
)

#: Colours of the strategy types (Okabe & Ito); units without a type are grey.
STRATEGY_COLOURS: Mapping[str, str] = {
    "proactive": "#0072B2",
    "diffuse": "#56B4E9",
    "reactive": "#D55E00",
}

GREY = "#999999"
_GRID = "#e3e3e3"
LINESTYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """A new figure that pyplot knows nothing about, with constrained layout."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(INSTALL_HINT) from exc
    return Figure(figsize=(width, height), layout="constrained")


def check_lang(lang: object) -> Lang:
    if lang == "en":
        return "en"
    if lang == "da":
        return "da"
    raise JobhandicapError(f"lang must be 'en' (English) or 'da' (Danish), got {lang!r}")


def figure_text(key: str, lang: Lang, *fields: object) -> str:
    return _texts.text(key, lang, *fields)


def check_frame(frame: object, required: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise JobhandicapError(
            f"the {what} must be a pandas DataFrame, got {type(frame).__name__}"
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise MissingColumnsError(missing, list(frame.columns), what)
    if frame.empty:
        raise JobhandicapError(f"the {what} table has no rows; there is nothing to plot")
    return frame


def numeric_column(frame: pd.DataFrame, column: str, what: str) -> FloatArray:
    """A column as floats (missing values as NaN), or an error naming the first bad value."""
    values = frame[column]
    converted = pd.to_numeric(values.astype("object"), errors="coerce")
    bad = converted.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise JobhandicapError(
            f"column {column!r} of the {what} table must hold numbers; row "
            f"{frame.index[first]!r} has {values.iloc[first]!r}"
        )
    return np.asarray(converted.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def group_columns(frame: pd.DataFrame, known: Sequence[str]) -> list[str]:
    return [str(c) for c in frame.columns if c not in known]


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and ``NaT``; False for anything else."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def value_label(column: str, value: object, lang: Lang) -> str:
    """The display text of one grouping value (enum members translated, ``1.0`` as ``1``)."""
    if is_missing(value):
        return figure_text("val:missing", lang)
    label = _texts.enum_label(column, value, lang)
    if label is not None:
        return label
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, str) and column == "item":
        return _texts.item_label(value, lang) or value.replace("_", " ")
    return str(value)


def column_title(column: str, lang: Lang) -> str:
    if f"col:{column}" in _texts.TEXTS:
        return figure_text(f"col:{column}", lang)
    return column.replace("_", " ").capitalize()


def answer_codes(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lang: Lang,
    names: Mapping[Hashable, str] | None = None,
) -> tuple[IntArray, list[str]]:
    """Sorted group codes of the rows by ``columns`` and each group's display label."""
    if not columns:
        return np.zeros(len(frame), dtype=np.int64), [""]
    codes: IntArray = np.asarray(
        frame.groupby(list(columns), sort=True, observed=True, dropna=False).ngroup(),
        dtype=np.int64,
    )
    first = pd.Series(np.arange(len(frame))).groupby(codes).first().to_numpy()
    labels = []
    for position in first:
        parts = []
        for column in columns:
            value = frame[column].iloc[int(position)]
            if names is not None and value in names:
                parts.append(str(names[value]))
            else:
                parts.append(value_label(column, value, lang))
        labels.append(", ".join(parts))
    return codes, labels


def percent(lang: Lang, decimals: int = 0) -> Callable[[float], str]:
    """Format a percentage the English (``40%``) or Danish (``40 %``, ``40,5 %``) way."""

    def show(value: float) -> str:
        text = f"{value:.{decimals}f}"
        return text + "%" if lang == "en" else text.replace(".", ",") + " %"

    return show


def percent_axis(ax: Axes, axis: Literal["x", "y"], lang: Lang, scale: float = 1.0) -> None:
    """Show tick values (times ``scale``) as unsigned whole percentages."""
    from matplotlib.ticker import FuncFormatter

    show = percent(lang)
    formatter = FuncFormatter(lambda value, _pos: show(abs(value) * scale + 0.0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def tidy(ax: Axes, grid: Literal["x", "y", "both"] = "x") -> None:
    ax.grid(axis=grid, color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=8)


def set_title(fig: Figure, title: str | None, default: str) -> None:
    text = default if title is None else title
    if text:
        fig.suptitle(text, fontsize=11)


def group_colour(k: int) -> str:
    return OKABE_ITO[k % len(OKABE_ITO)]
