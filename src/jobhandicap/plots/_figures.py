"""The figures of the indicators (public face: :mod:`jobhandicap.plots`)."""

from __future__ import annotations

import base64
import io
import re
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.domain import (
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Likert,
    Region,
    StrategyType,
    TargetGroup,
)
from jobhandicap.errors import JobhandicapError, MissingColumnsError, UnknownLabelError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

__all__ = [
    "LIKERT_COLOURS",
    "OKABE_ITO",
    "STRATEGY_COLOURS",
    "TEXTS",
    "expenditure_plot",
    "figure_to_png_base64",
    "figure_to_svg",
    "funnel_plot",
    "label_box",
    "likert_bars",
    "separate_labels",
    "strategy_plot",
    "survival_plot",
    "top_box_plot",
]

Lang = Literal["en", "da"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_INSTALL_HINT = (
    'jobhandicap.plots needs matplotlib; install it with pip install "jobhandicap[plot]"'
)

#: Every text the figures show, by key: ``(English, Danish)``. ``{}`` fields are filled in.
TEXTS: Mapping[str, tuple[str, str]] = {
    "answers_title": ("Distribution of answers", "Fordeling af svarene"),
    "answers_x": ("Share of answers (%)", "Andel af svarene (%)"),
    "dont_know": ("Don't know", "Ved ikke"),
    "top_box_title": (
        "Share answering to a high or very high degree",
        "Andel der svarer i høj eller meget høj grad",
    ),
    "share_pct": ("Share (%)", "Andel (%)"),
    "survival_title": ("Cases not yet decided", "Sager endnu ikke afgjort"),
    "days": ("Days from application", "Dage fra ansøgning"),
    "not_decided": ("Share not yet decided", "Andel ikke afgjort"),
    "expenditure_title": ("Expenditure by scheme", "Udgifter fordelt på ordning"),
    "expenditure_x": ("Share of the granted amount (%)", "Andel af det bevilgede beløb (%)"),
    "scheme": ("Scheme", "Ordning"),
    "funnel_title": ("Funnel plot", "Tragtdiagram"),
    "funnel_x": ("Base (n)", "Antal (n)"),
    "funnel_y": ("Rate (%)", "Andel (%)"),
    "target": ("Target", "Referenceniveau"),
    "limits": ("{} limits", "{}-grænser"),
    "within": ("Within the limits", "Inden for grænserne"),
    "outside": ("Outside the {} limits", "Uden for {}-grænserne"),
    "strategy_title": ("Proactive-strategy score", "Score for proaktiv strategi"),
    "score": ("Score", "Score"),
    "rank": ("Rank (1 = most proactive)", "Placering (1 = mest proaktiv)"),
    "rank_band": (
        "Rank: 5–95 % of the alternative specifications",
        "Placering: 5–95 % af de alternative specifikationer",
    ),
    "nominal_rank": ("Nominal rank", "Nominel placering"),
    "median_rank": ("Median rank", "Medianplacering"),
    "not_scored": ("{} not scored", "{} uden score"),
    "missing": ("missing", "mangler"),
    "jobcentre": ("Jobcentre", "Jobcenter"),
    "strategy": ("Strategy type", "Strategitype"),
    "wave": ("Wave", "Runde"),
    "year": ("Year", "År"),
    "item": ("Item", "Spørgsmål"),
    "target_group": ("Target group", "Målgruppe"),
    "municipality": ("Municipality", "Kommune"),
    "region": ("Region", "Region"),
    "decision": ("Decision", "Afgørelse"),
}

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

_GREY = "#999999"
_GRID = "#e3e3e3"
_LINESTYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
_ANSWER_CODES = (1, 2, 3, 4, 5, 9)

# Columns whose values are enum members, translated with the enum's labels.
_ENUM_COLUMNS: Mapping[str, Any] = {
    "scheme": CompensationScheme,
    "target_group": TargetGroup,
    "strategy": StrategyType,
    "decision": Decision,
    "region": Region,
    "key_person_model": KeyPersonModel,
}

_LIKERT_COLUMNS = ("answer", "label", "n", "count", "share", "ci_low", "ci_high")
_TOP_BOX_COLUMNS = (
    "n",
    "count",
    "share",
    "ci_low",
    "ci_high",
    "dont_know_share",
    "population",
    "response_rate",
    "bound_low",
    "bound_high",
)
_SURVIVAL_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
_EXPENDITURE_COLUMNS = ("scheme", "cases", "amount_dkk", "share", "total_dkk", "cases_with_amount")
_LIMIT_PATTERN = re.compile(r"^low_(.+)$")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _figure(width: float, height: float) -> Figure:
    """A new figure that pyplot knows nothing about, with constrained layout."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(_INSTALL_HINT) from exc
    return Figure(figsize=(width, height), layout="constrained")


def _check_lang(lang: object) -> Lang:
    if lang == "en":
        return "en"
    if lang == "da":
        return "da"
    raise JobhandicapError(f"lang must be 'en' (English) or 'da' (Danish), got {lang!r}")


def _text(key: str, lang: Lang, *fields: object) -> str:
    english, danish = TEXTS[key]
    return (english if lang == "en" else danish).format(*fields)


def _check_frame(frame: object, required: Sequence[str], what: str) -> pd.DataFrame:
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


def _numbers(frame: pd.DataFrame, column: str, what: str) -> FloatArray:
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


def _group_columns(frame: pd.DataFrame, known: Sequence[str]) -> list[str]:
    return [str(c) for c in frame.columns if c not in known]


def _is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and ``NaT``; False for anything else."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _value_label(column: str, value: object, lang: Lang) -> str:
    """The display text of one grouping value (enum members translated, ``1.0`` as ``1``)."""
    if _is_missing(value):
        return _text("missing", lang)
    enum = _ENUM_COLUMNS.get(column)
    if enum is not None:
        try:
            member = enum.parse(value)
        except UnknownLabelError:
            pass
        else:
            return str(member.label_en if lang == "en" else member.label_da)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, str) and column == "item":
        return value.replace("_", " ")
    return str(value)


def _column_title(column: str, lang: Lang) -> str:
    if column in TEXTS:
        return _text(column, lang)
    return column.replace("_", " ").capitalize()


def _codes(
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
                parts.append(_value_label(column, value, lang))
        labels.append(", ".join(parts))
    return codes, labels


def _percent(lang: Lang, decimals: int = 0) -> Callable[[float], str]:
    """Format a percentage the English (``40%``) or Danish (``40 %``, ``40,5 %``) way."""

    def show(value: float) -> str:
        text = f"{value:.{decimals}f}"
        return text + "%" if lang == "en" else text.replace(".", ",") + " %"

    return show


def _percent_axis(ax: Axes, axis: Literal["x", "y"], lang: Lang, scale: float = 1.0) -> None:
    """Show tick values (times ``scale``) as unsigned whole percentages."""
    from matplotlib.ticker import FuncFormatter

    show = _percent(lang)
    formatter = FuncFormatter(lambda value, _pos: show(abs(value) * scale + 0.0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _tidy(ax: Axes, grid: Literal["x", "y", "both"] = "x") -> None:
    ax.grid(axis=grid, color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=8)


def _title(fig: Figure, title: str | None, default: str) -> None:
    text = default if title is None else title
    if text:
        fig.suptitle(text, fontsize=11)


def _colour(k: int) -> str:
    return OKABE_ITO[k % len(OKABE_ITO)]


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


#: Held while a figure is rendered: ``rc_context`` changes the process-global ``rcParams`` for
#: the call, and matplotlib's renderers share caches, so two threads never render at once.
_RENDERING = threading.RLock()


def figure_to_svg(fig: Figure) -> str:
    """Render a figure as SVG text, byte-identical on every run.

    Parameters
    ----------
    fig
        The figure.

    Returns
    -------
    str
        The SVG document.

    Notes
    -----
    The ids matplotlib writes (clip paths, markers) are hashes salted with ``svg.hashsalt``,
    which is set to ``"jobhandicap"`` for the call (through :func:`matplotlib.rc_context`, so
    the caller's ``rcParams`` are untouched); the date and the matplotlib version are left out
    of the metadata. Rendering holds a lock of this module, so figures rendered from several
    threads at once are the same bytes as rendered one by one. Text is written as ``<text>``
    elements (``svg.fonttype = "none"``), so the file is small, searchable and does not embed
    glyphs; the viewer supplies the font.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.subplots().plot([0, 1], [0, 1])
    >>> figure_to_svg(fig) == figure_to_svg(fig)
    True
    >>> figure_to_svg(fig).startswith("<?xml")
    True
    """
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(_INSTALL_HINT) from exc
    buffer = io.StringIO()
    with (
        _RENDERING,
        matplotlib.rc_context({"svg.hashsalt": "jobhandicap", "svg.fonttype": "none"}),
    ):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def figure_to_png_base64(fig: Figure, *, dpi: float = 150) -> str:
    """Render a figure as a base64-encoded PNG, for a ``data:image/png;base64,`` URI.

    Parameters
    ----------
    fig
        The figure.
    dpi
        Resolution in dots per inch.

    Returns
    -------
    str
        The PNG file, base64-encoded (ASCII).

    Notes
    -----
    The ``Software`` entry (the matplotlib version) is left out of the PNG metadata, so the
    same figure gives the same bytes on every run with the same fonts.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> png = figure_to_png_base64(fig, dpi=50)
    >>> png[:8], png == figure_to_png_base64(fig, dpi=50)
    ('iVBORw0K', True)
    """
    if not isinstance(dpi, int | float) or not dpi > 0:
        raise JobhandicapError(f"dpi must be a positive number, got {dpi!r}")
    buffer = io.BytesIO()
    with _RENDERING:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --------------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------------


def _likert_codes(values: pd.Series[Any]) -> IntArray:
    """Answer codes 1–5, 9 from codes or labels, checked once per distinct value."""
    uniques = pd.unique(values.astype("object"))
    mapping: dict[object, int] = {}
    for value in uniques:
        raw = value.item() if isinstance(value, np.generic) else value
        if _is_missing(raw):
            raise JobhandicapError(
                "the answer column of the Likert distribution has a missing value; it must "
                f"hold the codes {list(_ANSWER_CODES)}"
            )
        mapping[value] = int(Likert.parse(raw))
    return np.asarray(values.astype("object").map(mapping).to_numpy(), dtype=np.int64)


def likert_bars(
    distribution: pd.DataFrame,
    *,
    item: str | None = None,
    lang: Lang = "en",
    item_labels: Mapping[Hashable, str] | None = None,
    title: str | None = None,
) -> Figure:
    r"""Diverging stacked bars of the answer distribution, one bar per item and wave.

    Parameters
    ----------
    distribution
        The frame of :func:`jobhandicap.survey.likert_distribution`: the grouping columns
        (usually ``wave`` and ``item``), ``answer`` (code 1–5 or 9) and ``share``; other
        columns of that frame are ignored. Not modified.
    item
        Show only this item (one bar per wave); ``None`` shows every item.
    lang
        ``"en"`` or ``"da"``: language of the texts and answer labels.
    item_labels
        Display names of the items (``{"political_focus": "Political focus"}``); by default
        the item with its underscores turned into spaces.
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes sharing the rows: the diverging bars and, to their right, the share
        answering "don't know".

    Raises
    ------
    MissingColumnsError
        When ``answer`` or ``share`` (or ``item``, when asked for) is missing.
    JobhandicapError
        For an empty frame, an unknown ``item``, an unknown answer code or more than one row
        per group and answer.

    Notes
    -----
    Each bar is centred on the middle of "to some degree" (3): answers 1–2 extend to the left
    of zero, 4–5 to the right, and 3 straddles zero, so the bar's right end minus its left end
    is :math:`(s_4 + s_5) - (s_1 + s_2)`. Shares are those of the frame, of everyone who
    answered the item (don't know included), so a bar and its "don't know" bar sum to 100 %.

    References
    ----------
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for
    Likert scales and other applications. *Journal of Statistical Software* 57(5).

    Examples
    --------
    >>> import pandas as pd
    >>> dist = pd.DataFrame({"wave": [2017] * 6 + [2018] * 6, "item": "focus",
    ...                      "answer": [1, 2, 3, 4, 5, 9] * 2,
    ...                      "share": [.1, .2, .3, .2, .1, .1, .0, .1, .3, .3, .2, .1]})
    >>> fig = likert_bars(dist, lang="da")
    >>> type(fig).__name__, len(fig.axes), len(fig.axes[0].patches)
    ('Figure', 2, 10)
    >>> fig.axes[1].get_title()
    'Ved ikke'
    """
    lang = _check_lang(lang)
    frame = _check_frame(distribution, ["answer", "share"], "Likert distribution")
    groups = _group_columns(frame, _LIKERT_COLUMNS)
    if item is not None:
        if "item" not in frame.columns:
            raise MissingColumnsError(["item"], list(frame.columns), "Likert distribution")
        keep = (frame["item"] == item).to_numpy(dtype=bool, na_value=False)
        if not keep.any():
            known = sorted(map(str, frame["item"].dropna().unique()))
            raise JobhandicapError(
                f"item {item!r} is not in the Likert distribution; it has {known}"
            )
        frame = frame.loc[keep]
        groups = [g for g in groups if g != "item"]
    codes = _likert_codes(frame["answer"])
    shares = np.nan_to_num(_numbers(frame, "share", "Likert distribution"), nan=0.0)
    keys = frame[groups].reset_index(drop=True)
    if keys.assign(_answer=codes).duplicated().any():
        raise JobhandicapError(
            "the Likert distribution has more than one row for a group and answer; group "
            f"columns found: {groups or 'none'}"
        )
    # Rows ordered by item first, so that the waves of an item sit together.
    if "item" in groups:
        groups = ["item", *(g for g in groups if g != "item")]
    rows, labels = _codes(keys, groups, lang, item_labels)
    row_count = len(labels)
    # One cell per row and answer code: a scatter-add into a (rows x codes) matrix.
    matrix = np.zeros((row_count, len(_ANSWER_CODES)), dtype=np.float64)
    column = np.searchsorted(np.array(_ANSWER_CODES), codes)
    np.add.at(matrix, (rows, column), shares * 100.0)
    # Leave a gap between the blocks of one item when there are further grouping columns.
    if "item" in groups and len(groups) > 1:
        blocks, _ = _codes(keys, ["item"], lang)
        block_of_row = pd.Series(blocks).groupby(rows).first().to_numpy(dtype=np.float64)
        y = np.arange(row_count, dtype=np.float64) + 0.6 * block_of_row
        labels = _item_wave_labels(keys, groups, rows, lang, item_labels or {})
    else:
        y = np.arange(row_count, dtype=np.float64)

    height = max(2.6, 1.4 + 0.26 * (float(y[-1]) + 1.0))
    fig = _figure(8.0, height)
    main, side = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [5, 1]})
    neutral = matrix[:, 2]
    left = {
        1: -(neutral / 2 + matrix[:, 1] + matrix[:, 0]),
        2: -(neutral / 2 + matrix[:, 1]),
        3: -neutral / 2,
        4: neutral / 2,
        5: neutral / 2 + matrix[:, 3],
    }
    for j, code in enumerate(_ANSWER_CODES[:5]):
        answer = Likert(code)
        main.barh(
            y,
            matrix[:, j],
            left=left[code],
            height=0.8,
            color=LIKERT_COLOURS[code],
            edgecolor="white",
            linewidth=0.5,
            label=answer.label_en if lang == "en" else answer.label_da,
        )
    extent = float(np.max(np.abs(np.concatenate([left[1], left[5] + matrix[:, 4]]))))
    extent = max(extent, 10.0) * 1.05
    main.set_xlim(-extent, extent)
    main.axvline(0.0, color="#444444", linewidth=0.8)
    main.set_yticks(y, labels)
    main.set_ylim(float(y[-1]) + 0.6, float(y[0]) - 0.6)
    main.set_xlabel(_text("answers_x", lang), fontsize=9)
    _percent_axis(main, "x", lang)
    _tidy(main)
    side.barh(y, matrix[:, 5], height=0.8, color=LIKERT_COLOURS[9])
    side.set_xlim(0.0, max(10.0, float(matrix[:, 5].max()) * 1.2))
    side.set_title(_text("dont_know", lang), fontsize=9)
    _percent_axis(side, "x", lang)
    _tidy(side)
    side.tick_params(axis="y", left=False)
    fig.legend(loc="outside lower center", ncols=5, fontsize=8, frameon=False)
    default = _text("answers_title", lang)
    if item is not None:
        shown = item_labels.get(item) if item_labels is not None else None
        default += ": " + (shown if shown is not None else _value_label("item", item, lang))
    _title(fig, title, default)
    return fig


def _item_wave_labels(
    keys: pd.DataFrame,
    groups: Sequence[str],
    rows: IntArray,
    lang: Lang,
    item_labels: Mapping[Hashable, str],
) -> list[str]:
    """Row labels "item (wave)" for a distribution grouped by item and further columns."""
    others = [g for g in groups if g != "item"]
    first = pd.Series(np.arange(len(keys))).groupby(rows).first().to_numpy()
    labels = []
    for position in first:
        value = keys["item"].iloc[int(position)]
        name = item_labels.get(value) if value in item_labels else None
        shown = name if name is not None else _value_label("item", value, lang)
        rest = ", ".join(_value_label(c, keys[c].iloc[int(position)], lang) for c in others)
        labels.append(f"{shown} ({rest})")
    return labels


def top_box_plot(
    top_box: pd.DataFrame,
    *,
    lang: Lang = "en",
    item_labels: Mapping[Hashable, str] | None = None,
    title: str | None = None,
) -> Figure:
    r"""Top-box shares with their intervals: one row per item, waves side by side.

    Parameters
    ----------
    top_box
        The frame of :func:`jobhandicap.survey.top_box`: the grouping columns, ``share``,
        ``ci_low`` and ``ci_high``. The rows are the items (column ``item``); any other grouping
        column (usually ``wave``) gives one series per value, dodged vertically. Not modified.
    lang
        ``"en"`` or ``"da"``.
    item_labels
        Display names of the items; by default the item with underscores as spaces.
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one error-bar series per wave (point = share, bar = interval, in %).

    Raises
    ------
    MissingColumnsError
        When ``share``, ``ci_low`` or ``ci_high`` is missing.
    JobhandicapError
        For an empty frame or non-numeric shares.

    Notes
    -----
    The point is :math:`100\,\hat p` and the bar runs from ``100 * ci_low`` to
    ``100 * ci_high`` (Wilson, or the finite-population interval when the frame has one).

    Examples
    --------
    >>> import pandas as pd
    >>> tb = pd.DataFrame({"wave": [2017, 2017, 2018, 2018], "item": ["a", "b", "a", "b"],
    ...                    "share": [.4, .6, .5, .7], "ci_low": [.3, .5, .4, .6],
    ...                    "ci_high": [.5, .7, .6, .8]})
    >>> fig = top_box_plot(tb)
    >>> type(fig).__name__, len(fig.axes), len(fig.axes[0].containers)
    ('Figure', 1, 2)
    """
    lang = _check_lang(lang)
    frame = _check_frame(top_box, ["share", "ci_low", "ci_high"], "top-box")
    groups = _group_columns(frame, _TOP_BOX_COLUMNS)
    keys = frame[groups].reset_index(drop=True)
    row_columns = ["item"] if "item" in groups else []
    hue_columns = [g for g in groups if g != "item"]
    rows, row_labels = _codes(keys, row_columns, lang, item_labels)
    hues, hue_labels = _codes(keys, hue_columns, lang)
    share = _numbers(frame, "share", "top-box") * 100.0
    low = _numbers(frame, "ci_low", "top-box") * 100.0
    high = _numbers(frame, "ci_high", "top-box") * 100.0
    error = np.vstack([np.clip(share - low, 0.0, None), np.clip(high - share, 0.0, None)])
    series = len(hue_labels)
    step = min(0.3, 0.8 / series)
    height = max(2.4, 1.5 + 0.22 * len(row_labels) * max(1.0, 0.6 * series))
    fig = _figure(7.0, height)
    ax = fig.subplots()
    for k in range(series):
        chosen = hues == k
        offset = (k - (series - 1) / 2) * step
        ax.errorbar(
            share[chosen],
            rows[chosen] + offset,
            xerr=error[:, chosen],
            fmt=_MARKERS[k % len(_MARKERS)],
            color=_colour(k),
            markersize=5,
            elinewidth=1.4,
            capsize=2,
            label=hue_labels[k] or None,
        )
    ax.set_yticks(np.arange(len(row_labels)), row_labels)
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    ax.set_xlim(0.0, 100.0)
    ax.set_xlabel(_text("share_pct", lang), fontsize=9)
    _percent_axis(ax, "x", lang)
    _tidy(ax)
    if hue_columns:
        fig.legend(
            loc="outside lower center",
            ncols=min(series, 6),
            fontsize=8,
            frameon=False,
            title=", ".join(_column_title(c, lang) for c in hue_columns),
            title_fontsize=8,
        )
    _title(fig, title, _text("top_box_title", lang))
    return fig


# --------------------------------------------------------------------------------------------
# Cases and usage
# --------------------------------------------------------------------------------------------


def survival_plot(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    lang: Lang = "en",
    max_days: float | None = None,
    title: str | None = None,
) -> Figure:
    r"""Kaplan–Meier curves of the share of cases not yet decided, one per group.

    Parameters
    ----------
    table
        The frame of :func:`jobhandicap.cases.survival_table`: the grouping columns, ``time``
        (days), ``survival`` and, for the band, ``ci_low`` and ``ci_high``. Not modified.
    by
        The grouping column(s) giving one curve each (for example ``"year"`` or
        ``"scheme"``); ``None`` takes every column that is not a column of the survival
        table, and draws a single curve when there is none.
    lang
        ``"en"`` or ``"da"``.
    max_days
        The right end of the time axis. ``None`` shows the curves until every one has fallen
        to 2 % (or its follow-up ends), so that a long thin tail does not squeeze the part that
        matters; the curves themselves are drawn in full either way.
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with a step curve per group, its pointwise band as a shaded step area, and a
        dotted line at 50 % (where the curve crosses it is the median processing time).

    Raises
    ------
    MissingColumnsError
        When ``time``, ``survival`` or a ``by`` column is missing.
    JobhandicapError
        For an empty table or non-numeric times or shares.

    Notes
    -----
    The curve is the right-continuous step function :math:`\hat S(t) = \prod_{t_i \le t}
    (1 - d_i/n_i)`, drawn from :math:`\hat S(0) = 1` and constant after each event time.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"year": [2019, 2019, 2020], "time": [10.0, 30.0, 20.0],
    ...                       "survival": [0.5, 0.0, 0.4], "ci_low": [0.1, 0.0, 0.1],
    ...                       "ci_high": [0.9, 0.0, 0.8]})
    >>> fig = survival_plot(table, by="year", lang="da")
    >>> type(fig).__name__, len(fig.axes[0].lines), fig.axes[0].get_xlabel()
    ('Figure', 3, 'Dage fra ansøgning')
    """
    lang = _check_lang(lang)
    if by is None:
        frame = _check_frame(table, ["time", "survival"], "survival")
        groups = _group_columns(frame, _SURVIVAL_COLUMNS)
    else:
        groups = [by] if isinstance(by, str) else list(by)
        frame = _check_frame(table, ["time", "survival", *groups], "survival")
    time = _numbers(frame, "time", "survival")
    survival = _numbers(frame, "survival", "survival")
    band = "ci_low" in frame.columns and "ci_high" in frame.columns
    low = _numbers(frame, "ci_low", "survival") if band else survival
    high = _numbers(frame, "ci_high", "survival") if band else survival
    keys = frame[groups].reset_index(drop=True)
    codes, labels = _codes(keys, groups, lang)
    fig = _figure(7.0, 4.2)
    ax = fig.subplots()
    for k, label in enumerate(labels):
        chosen = np.flatnonzero(codes == k)
        chosen = chosen[np.argsort(time[chosen], kind="stable")]
        x = np.concatenate([[0.0], time[chosen]])
        colour = _colour(k)
        style = _LINESTYLES[(k // len(OKABE_ITO)) % len(_LINESTYLES)]
        if band:
            ax.fill_between(
                x,
                np.concatenate([[1.0], low[chosen]]),
                np.concatenate([[1.0], high[chosen]]),
                step="post",
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
        ax.step(
            x,
            np.concatenate([[1.0], survival[chosen]]),
            where="post",
            color=colour,
            linestyle=style,
            linewidth=1.6,
            label=label or None,
        )
    ax.axhline(0.5, color="#666666", linewidth=0.7, linestyle=":")
    ax.set_ylim(0.0, 1.02)
    ax.set_xlim(0.0, _time_axis_end(codes, time, survival, max_days))
    ax.set_xlabel(_text("days", lang), fontsize=9)
    ax.set_ylabel(_text("not_decided", lang), fontsize=9)
    _percent_axis(ax, "y", lang, scale=100.0)
    _tidy(ax, grid="both")
    if groups:
        ax.legend(
            fontsize=8,
            frameon=False,
            title=", ".join(_column_title(c, lang) for c in groups),
            title_fontsize=8,
        )
    _title(fig, title, _text("survival_title", lang))
    return fig


def _time_axis_end(
    codes: IntArray, time: FloatArray, survival: FloatArray, max_days: float | None
) -> float:
    """The right end of the time axis: ``max_days`` or where the last curve reaches 2 %."""
    if max_days is not None:
        if not isinstance(max_days, int | float) or not max_days > 0:
            raise JobhandicapError(f"max_days must be a positive number, got {max_days!r}")
        return float(max_days)
    known = np.isfinite(time)
    if not known.any():
        return 1.0
    # Per group: the first time at which the curve is at or below 2 %, else its last time.
    low = known & (survival <= 0.02)
    reach = pd.Series(np.where(low, time, np.inf)).groupby(codes).min()
    last = pd.Series(np.where(known, time, -np.inf)).groupby(codes).max()
    end = np.where(np.isfinite(reach.to_numpy()), reach.to_numpy(), last.to_numpy())
    top = float(np.max(end))
    return top * 1.05 if top > 0 else 1.0


def expenditure_plot(
    shares: pd.DataFrame,
    *,
    lang: Lang = "en",
    title: str | None = None,
) -> Figure:
    r"""Horizontal bars of each scheme's share of the granted amount (per group, if any).

    Parameters
    ----------
    shares
        The frame of :func:`jobhandicap.usage.expenditure_shares`: the grouping columns,
        ``scheme`` and ``share``. Every column that is not a column of that frame is a
        grouping column (``year``, say): each group gets its own bar per scheme, in its own
        colour. Meant for a few groups (years, regions); not modified.
    lang
        ``"en"`` or ``"da"`` (scheme names are translated too).
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; one bar per scheme and group, labelled with its share when there are at most
        40 bars.

    Raises
    ------
    MissingColumnsError
        When ``scheme`` or ``share`` is missing.
    JobhandicapError
        For an empty frame or non-numeric shares.

    Notes
    -----
    The bar length is :math:`100 \cdot A_{g,s} / \sum_{s'} A_{g,s'}`; a group whose total is
    zero has missing shares and no bars.

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({"scheme": ["aids", "personal assistance"], "share": [.1, .9]})
    >>> fig = expenditure_plot(shares, lang="da")
    >>> len(fig.axes[0].patches), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    (2, ['hjælpemidler', 'personlig assistance'])
    """
    lang = _check_lang(lang)
    frame = _check_frame(shares, ["scheme", "share"], "expenditure shares")
    groups = _group_columns(frame, _EXPENDITURE_COLUMNS)
    keys = frame[[*groups, "scheme"]].reset_index(drop=True)
    rows, row_labels = _codes(keys, ["scheme"], lang)
    hues, hue_labels = _codes(keys, groups, lang)
    value = _numbers(frame, "share", "expenditure shares") * 100.0
    series = len(hue_labels)
    step = 0.8 / series
    bars = len(frame)
    height = max(2.4, 1.4 + 0.2 * len(row_labels) * max(1.0, 0.7 * series))
    fig = _figure(7.0, height)
    ax = fig.subplots()
    show = _percent(lang, 1)
    for k in range(series):
        chosen = hues == k
        offset = (k - (series - 1) / 2) * step
        container = ax.barh(
            rows[chosen] + offset,
            np.nan_to_num(value[chosen], nan=0.0),
            height=step * 0.92,
            color=_colour(k) if groups else OKABE_ITO[0],
            label=hue_labels[k] or None,
        )
        if bars <= 40:
            texts = ["" if np.isnan(v) else show(float(v)) for v in value[chosen]]
            ax.bar_label(container, labels=texts, padding=2, fontsize=7)
    ax.set_yticks(np.arange(len(row_labels)), row_labels)
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    top = float(np.nanmax(value)) if np.isfinite(value).any() else 100.0
    ax.set_xlim(0.0, min(100.0, max(top, 5.0) * 1.18) if top <= 85 else 105.0)
    ax.set_xlabel(_text("expenditure_x", lang), fontsize=9)
    ax.set_ylabel(_text("scheme", lang), fontsize=9)
    _percent_axis(ax, "x", lang)
    _tidy(ax)
    if groups:
        ax.legend(
            fontsize=8,
            frameon=False,
            loc="lower right",
            title=", ".join(_column_title(c, lang) for c in groups),
            title_fontsize=8,
        )
    _title(fig, title, _text("expenditure_title", lang))
    return fig


# --------------------------------------------------------------------------------------------
# Benchmarking
# --------------------------------------------------------------------------------------------


def _level_text(suffix: str, lang: Lang) -> str:
    """``"95"`` -> ``"95 %"``; ``"99_8"`` (funnel's columns) or ``"998"`` -> ``"99.8 %"``."""
    whole, _, decimals = suffix.partition("_")
    if whole.isdigit() and decimals.isdigit():
        number = f"{whole}.{decimals}" if lang == "en" else f"{whole},{decimals}"
        return number + ("%" if lang == "en" else " %")
    if suffix.isdigit() and len(suffix) >= 2:
        digits = suffix[:2] + ("." + suffix[2:] if len(suffix) > 2 else "")
        number = digits if lang == "en" else digits.replace(".", ",")
        return number + ("%" if lang == "en" else " %")
    return suffix


def _limit_pairs(
    frame: pd.DataFrame, limit_columns: Mapping[str, tuple[str, str]] | None, lang: Lang
) -> list[tuple[str, str, str]]:
    if limit_columns is not None:
        if not isinstance(limit_columns, Mapping):
            raise JobhandicapError(
                "limit_columns must map a label to a (low, high) pair of column names, for "
                f"example {{'95 %': ('low_95', 'high_95')}}; got {limit_columns!r}"
            )
        pairs = []
        for label, pair in limit_columns.items():
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise JobhandicapError(
                    f"limit_columns[{label!r}] must be a (low, high) pair of column names, "
                    f"got {pair!r}"
                )
            pairs.append((str(label), str(pair[0]), str(pair[1])))
        return pairs
    found = []
    for column in frame.columns:
        match = _LIMIT_PATTERN.match(str(column))
        if match and f"high_{match.group(1)}" in frame.columns:
            found.append(
                (_level_text(match.group(1), lang), str(column), f"high_{match.group(1)}")
            )
    if not found:
        raise MissingColumnsError(["low_95", "high_95"], list(frame.columns), "funnel")
    return found


def funnel_plot(
    funnel: pd.DataFrame,
    *,
    lang: Lang = "en",
    unit: str | None = None,
    unit_labels: Mapping[Hashable, str] | None = None,
    limit_columns: Mapping[str, tuple[str, str]] | None = None,
    target: float | None = None,
    label_flagged: bool = True,
    max_labels: int = 12,
    title: str | None = None,
) -> Figure:
    r"""Funnel plot: each unit's rate against its base, with control limits around a target.

    Parameters
    ----------
    funnel
        The frame of :func:`jobhandicap.benchmark.funnel`: a unit column, ``n``, ``share``
        (``rate``, its name before 0.2, is read when there is no ``share``) and the limits
        (pairs of columns ``low_<level>``, ``high_<level>`` such as ``low_95``, ``high_95``,
        ``low_99_8``, ``high_99_8``). ``count`` and ``target`` are used when present. Not
        modified.
    lang
        ``"en"`` or ``"da"``.
    unit
        The column naming the units, for the labels; ``None`` takes the first column unless
        it is ``n``.
    unit_labels
        Display names of the units (``{101: "København"}``); by default the identifier.
    limit_columns
        The limits to draw, as ``{label: (low column, high column)}``; by default every
        ``low_<level>``/``high_<level>`` pair, labelled with the level (``"99_8"`` reads
        99.8 %).
    target
        The target rate (a share) drawn as a horizontal line; by default the ``target``
        column, else the pooled rate :math:`\sum x / \sum n` (with ``count``), else the
        n-weighted mean rate.
    label_flagged
        Write the unit's name next to the units outside the limits: those outside the most
        limits, and of these the ``max_labels`` furthest out.
    max_labels
        The most labels to write (the plot stays readable when the data are overdispersed and
        many units fall outside).
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: two lines per pair of limits (low and high, sorted by ``n``), the target line,
        and the units as points, one scatter per flag level (within, outside the inner limits,
        outside the outer limits, …).

    Raises
    ------
    MissingColumnsError
        When ``n``, ``share``, a limit column or ``unit`` is missing, or when no limit columns
        are found.
    JobhandicapError
        For an empty frame, non-numeric values or a malformed ``limit_columns``.

    Notes
    -----
    A unit is outside a pair of limits when :math:`r_i < L(n_i)` or :math:`r_i > U(n_i)`.
    The pairs are ordered from the narrowest (inner) to the widest; a unit's flag level is the
    number of pairs it lies outside. The limits are drawn through their values at the observed
    bases, so exact binomial limits look slightly jagged — they are not monotone in *n*.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Examples
    --------
    >>> import pandas as pd
    >>> funnel = pd.DataFrame({"jobcentre": [101, 147, 751], "n": [10, 50, 200],
    ...                        "count": [9, 30, 110], "share": [0.9, 0.6, 0.55],
    ...                        "low_95": [0.23, 0.45, 0.53], "high_95": [0.85, 0.72, 0.66]})
    >>> fig = funnel_plot(funnel)
    >>> len(fig.axes[0].lines), [t.get_text() for t in fig.axes[0].texts]
    (3, ['101'])
    """
    lang = _check_lang(lang)
    columns = funnel.columns if isinstance(funnel, pd.DataFrame) else pd.Index([])
    estimate = "share" if "share" in columns or "rate" not in columns else "rate"
    frame = _check_frame(funnel, ["n", estimate], "funnel")
    if unit is None:
        first = str(frame.columns[0])
        unit = None if first == "n" else first
    elif unit not in frame.columns:
        raise MissingColumnsError([unit], list(frame.columns), "funnel")
    pairs = _limit_pairs(frame, limit_columns, lang)
    needed = [c for _, low, high in pairs for c in (low, high) if c not in frame.columns]
    if needed:
        raise MissingColumnsError(needed, list(frame.columns), "funnel")
    n = _numbers(frame, "n", "funnel")
    rate = _numbers(frame, estimate, "funnel")
    lows = np.column_stack([_numbers(frame, low, "funnel") for _, low, _ in pairs])
    highs = np.column_stack([_numbers(frame, high, "funnel") for _, _, high in pairs])
    width = np.nanmean(highs - lows, axis=0) if np.isfinite(highs - lows).any() else None
    order = np.argsort(width, kind="stable") if width is not None else np.arange(len(pairs))
    lows, highs = lows[:, order], highs[:, order]
    pairs = [pairs[j] for j in order]
    with np.errstate(invalid="ignore"):
        outside = (rate[:, None] < lows) | (rate[:, None] > highs)
    level = outside.sum(axis=1)

    fig = _figure(7.0, 4.6)
    ax = fig.subplots()
    by_n = np.argsort(n, kind="stable")
    for j, (label, _, _) in enumerate(pairs):
        style = "--" if j < len(pairs) - 1 else "-"
        colour = "#777777"
        for limits, name in ((lows, _text("limits", lang, label)), (highs, None)):
            ax.plot(
                n[by_n],
                limits[by_n, j] * 100.0,
                color=colour,
                linestyle=style,
                linewidth=0.9,
                label=name,
            )
    target_value = _target(frame, n, rate, target)
    if isinstance(target_value, float):
        ax.axhline(
            target_value * 100.0, color="#0072B2", linewidth=1.0, label=_text("target", lang)
        )
    else:
        ax.plot(
            n[by_n],
            target_value[by_n] * 100.0,
            color="#0072B2",
            linewidth=1.0,
            label=_text("target", lang),
        )
    level_colours = (_GREY, "#E69F00", "#D55E00", "#000000")
    for k in range(int(level.max()) + 1):
        chosen = level == k
        if not chosen.any():
            continue
        name = (
            _text("within", lang)
            if k == 0
            else _text("outside", lang, pairs[min(k, len(pairs)) - 1][0])
        )
        ax.scatter(
            n[chosen],
            rate[chosen] * 100.0,
            s=18 if k == 0 else 26,
            color=level_colours[min(k, len(level_colours) - 1)],
            edgecolors="white",
            linewidths=0.4,
            zorder=3,
            label=name,
        )
    labels: list[Annotation] = []
    if label_flagged and unit is not None:
        names = frame[unit].to_numpy(dtype=object)
        own_names = f"{unit}_name" if f"{unit}_name" in frame.columns else None
        for i in _to_label(level, rate, lows[:, -1], highs[:, -1], target_value, max_labels):
            name = names[i]
            if unit_labels is not None and name in unit_labels:
                shown = str(unit_labels[name])
            elif own_names is not None and not _is_missing(frame[own_names].iloc[i]):
                shown = str(frame[own_names].iloc[i])
            else:
                shown = _value_label(unit, name, lang)
            note = ax.annotate(
                shown,
                (float(n[i]), float(rate[i]) * 100.0),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=7,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "#999999",
                    "linewidth": 0.4,
                    "relpos": (0.0, 0.0),
                    "shrinkA": 0.0,
                    "shrinkB": 2.0,
                },
            )
            note.set_in_layout(False)  # the layout must not move when labels move
            labels.append(note)
    ax.set_xlim(left=0.0)
    ax.set_xlabel(_text("funnel_x", lang), fontsize=9)
    ax.set_ylabel(_text("funnel_y", lang), fontsize=9)
    _percent_axis(ax, "y", lang)
    _tidy(ax, grid="both")
    ax.legend(fontsize=7, frameon=False, loc="best")
    _title(fig, title, _text("funnel_title", lang))
    separate_labels(fig, labels)
    return fig


def separate_labels(fig: Figure, labels: Sequence[Annotation], gap: float = 1.0) -> None:
    """Move text labels up, in points, until no two of them overlap (deterministic stacking).

    The figure is drawn once (Agg) to measure the labels' boxes as the renderer lays them
    out. Labels are taken from the lowest to the highest (then left to right); each one that
    overlaps a label already placed is raised above the highest box it overlaps, plus ``gap``
    points, and measured again. The labels' anchors (the points they name) do not move; a
    label drawn with ``arrowprops`` keeps its line to its point. Only the text's box counts
    (:func:`label_box`), not the line.

    Parameters
    ----------
    fig
        The figure holding the labels (its layout finished: title, legend and axis labels
        set).
    labels
        Annotations with offsets in points (``textcoords="offset points"``).
    gap
        Space left between two stacked labels, in points.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.subplots()
    >>> texts = [ax.annotate(t, (0.5, 0.5), xytext=(4, 3), textcoords="offset points")
    ...          for t in ("first", "second")]
    >>> separate_labels(fig, texts)
    >>> tuple(texts[0].xyann), bool(texts[1].xyann[1] > 3)
    ((4, 3), True)
    """
    if len(labels) < 2:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    per_pixel = 72.0 / float(fig.dpi)
    boxes = [label_box(label, renderer) for label in labels]
    order = sorted(range(len(labels)), key=lambda k: (boxes[k].y0, boxes[k].x0, k))
    placed: list[Any] = []
    for k in order:
        label = labels[k]
        box = boxes[k]
        for _ in range(len(labels) + 1):
            clash = [other for other in placed if box.overlaps(other)]
            if not clash:
                break
            rise = max(other.y1 for other in clash) - box.y0
            x, y = label.xyann
            label.xyann = (x, y + rise * per_pixel + gap)
            box = label_box(label, renderer)
        placed.append(box)


def label_box(label: Annotation, renderer: Any) -> Any:
    """The box of a label's text in display units (without its line to the point).

    ``renderer`` is the renderer of a drawn canvas (``FigureCanvasAgg(fig).get_renderer()``).
    """
    from matplotlib.text import Text

    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)


def _to_label(
    level: IntArray,
    rate: FloatArray,
    low: FloatArray,
    high: FloatArray,
    target: float | FloatArray,
    max_labels: int,
) -> IntArray:
    """Rows to label: the highest flag level, furthest out first, at most ``max_labels``."""
    if isinstance(max_labels, bool) or not isinstance(max_labels, int) or max_labels < 0:
        raise JobhandicapError(f"max_labels must be a whole number >= 0, got {max_labels!r}")
    top = int(level.max()) if level.size else 0
    if top == 0 or max_labels == 0:
        return np.empty(0, dtype=np.int64)
    rows = np.flatnonzero(level == top)
    # Distance from the target in units of the outer limit's half-width on that side.
    centre = np.broadcast_to(np.asarray(target, dtype=np.float64), rate.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        side = np.where(rate >= centre, high - centre, centre - low)
        distance = np.abs(rate - centre) / side
    distance = np.where(np.isfinite(distance), distance, np.inf)
    chosen = rows[np.argsort(-distance[rows], kind="stable")][:max_labels]
    return np.sort(chosen).astype(np.int64)


def _target(
    frame: pd.DataFrame, n: FloatArray, rate: FloatArray, target: float | None
) -> float | FloatArray:
    """The target as one number or, when the ``target`` column varies, one per unit."""
    if target is not None:
        if not isinstance(target, int | float) or not 0.0 <= float(target) <= 1.0:
            raise JobhandicapError(f"target must be a share in [0, 1], got {target!r}")
        return float(target)
    if "target" in frame.columns:
        values = _numbers(frame, "target", "funnel")
        finite = values[np.isfinite(values)]
        if finite.size and np.all(finite == finite[0]):
            return float(finite[0])
        return values
    known = np.isfinite(n) & np.isfinite(rate)
    if "count" in frame.columns:
        count = _numbers(frame, "count", "funnel")
        known &= np.isfinite(count)
        return float(count[known].sum() / n[known].sum()) if n[known].sum() > 0 else np.nan
    return float(np.average(rate[known], weights=n[known])) if n[known].sum() > 0 else np.nan


# --------------------------------------------------------------------------------------------
# Strategy
# --------------------------------------------------------------------------------------------


def strategy_plot(
    scores: pd.DataFrame,
    sensitivity: pd.DataFrame | None = None,
    *,
    lang: Lang = "en",
    unit: str = "jobcentre",
    unit_labels: Mapping[Hashable, str] | None = None,
    title: str | None = None,
) -> Figure:
    r"""Strategy scores by unit, most proactive first, with rank bands from the sensitivity.

    Parameters
    ----------
    scores
        The frame of :func:`jobhandicap.strategy.score_strategies`: ``unit`` column, ``score``
        and (for the colours) ``strategy``. Not modified.
    sensitivity
        Optionally the frame of :func:`jobhandicap.strategy.strategy_sensitivity`: the
        ``unit`` column, ``rank_q05``, ``rank_q95`` and, when present, ``median_rank`` and
        ``nominal_rank``. Not modified.
    lang
        ``"en"`` or ``"da"``.
    unit
        The column identifying the units in both frames.
    unit_labels
        Display names of the units (``{101: "København"}``); by default the identifier.
    title
        The figure title; ``None`` for the default, ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        The score of each unit as a point coloured by its strategy type (one scatter per
        type), units ordered by score; with ``sensitivity`` a second axes sharing the rows shows
        the 5–95 % rank band (one line collection), the median rank (open circle) and the
        nominal rank (bar). The figure grows with the number of units (0.14 in per unit) and
        uses small labels beyond 30 units, so 94 jobcentres stay legible.

    Raises
    ------
    MissingColumnsError
        When a required column is missing from either frame.
    JobhandicapError
        For an empty frame, non-numeric scores or ranks, or a unit repeated in
        ``sensitivity``.

    Notes
    -----
    Units without a score (too little of the weight covered) are left out and counted under
    the score axis. The band is the unit's 5 % and 95 % rank quantiles over the Monte Carlo
    specifications: a wide band means its place depends on choices the analyst made.

    References
    ----------
    Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. *JRSS A* 168,
    307–323.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"jobcentre": [101, 147, 751], "score": [50.0, 25.0, 80.0],
    ...                        "strategy": ["diffuse", "reactive", "proactive"]})
    >>> sens = pd.DataFrame({"jobcentre": [101, 147, 751], "nominal_rank": [2, 3, 1],
    ...                      "median_rank": [2.0, 3.0, 1.0], "rank_q05": [1.0, 2.0, 1.0],
    ...                      "rank_q95": [3.0, 3.0, 2.0]})
    >>> fig = strategy_plot(scores, sens)
    >>> len(fig.axes), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    (2, ['751', '101', '147'])
    """
    lang = _check_lang(lang)
    frame = _check_frame(scores, [unit, "score"], "strategy scores")
    score = _numbers(frame, "score", "strategy scores")
    scored = np.flatnonzero(np.isfinite(score))
    if scored.size == 0:
        raise JobhandicapError("no unit has a score; there is nothing to plot")
    order = scored[np.argsort(-score[scored], kind="stable")]
    units = frame[unit].to_numpy(dtype=object)[order]
    if "strategy" in frame.columns:
        types = frame["strategy"].astype("object").to_numpy()[order]
    else:
        types = np.full(len(order), None, dtype=object)
    colours = np.array(
        [STRATEGY_COLOURS.get(str(t), _GREY) if isinstance(t, str) else _GREY for t in types],
        dtype=object,
    )
    labels = [
        str(unit_labels[u])
        if unit_labels is not None and u in unit_labels
        else _value_label(unit, u, lang)
        for u in units
    ]
    count = len(order)
    y = np.arange(count, dtype=np.float64)
    fontsize = 8 if count <= 30 else 6
    height = max(3.0, 1.3 + 0.14 * count)
    fig = _figure(8.0 if sensitivity is not None else 6.0, height)
    if sensitivity is None:
        axes = [fig.subplots()]
    else:
        axes = list(fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 1.4]}))
    left = axes[0]
    present = [t for t in STRATEGY_COLOURS if (types == t).any()]
    for kind in [*present, None]:
        chosen = (
            types == kind
            if kind is not None
            else ~np.isin(types.astype(str), list(STRATEGY_COLOURS))
        )
        if not chosen.any():
            continue
        left.scatter(
            score[order][chosen],
            y[chosen],
            s=16 if count > 30 else 28,
            color=STRATEGY_COLOURS.get(kind, _GREY) if kind else _GREY,
            zorder=3,
            label=_value_label("strategy", kind, lang) if kind else _text("missing", lang),
        )
    left.set_yticks(y, labels, fontsize=fontsize)
    left.set_ylim(count - 0.5, -0.5)
    values = score[order]
    if values.min() >= 0.0 and values.max() <= 100.0:
        left.set_xlim(0.0, 100.0)
    xlabel = _text("score", lang)
    skipped = len(frame) - count
    if skipped:
        xlabel += f"\n({_text('not_scored', lang, skipped)})"
    left.set_xlabel(xlabel, fontsize=9)
    left.set_ylabel(_column_title(unit, lang), fontsize=9)
    _tidy(left)
    left.tick_params(axis="y", labelsize=fontsize)
    if sensitivity is not None:
        _rank_bands(axes[1], sensitivity, unit, units, y, colours, count, lang)
    if present:
        fig.legend(
            *left.get_legend_handles_labels(),
            loc="outside lower center",
            ncols=4,
            fontsize=8,
            frameon=False,
            title=_text("strategy", lang),
            title_fontsize=8,
        )
    _title(fig, title, _text("strategy_title", lang))
    return fig


def _rank_bands(
    ax: Axes,
    sensitivity: pd.DataFrame,
    unit: str,
    units: npt.NDArray[np.object_],
    y: FloatArray,
    colours: npt.NDArray[np.object_],
    count: int,
    lang: Lang,
) -> None:
    """Draw the 5–95 % rank band, median and nominal rank of each unit on ``ax``."""
    frame = _check_frame(sensitivity, [unit, "rank_q05", "rank_q95"], "strategy sensitivity")
    keys = pd.Index(frame[unit].astype("object"))
    if keys.has_duplicates:
        repeated = keys[keys.duplicated()].unique().tolist()[:5]
        raise JobhandicapError(
            f"the strategy sensitivity table has more than one row for unit(s) {repeated}"
        )
    where = keys.get_indexer(pd.Index(units))
    found = where >= 0

    def column(name: str) -> FloatArray:
        values = _numbers(frame, name, "strategy sensitivity")
        return np.where(found, values[np.where(found, where, 0)], np.nan)

    q05, q95 = column("rank_q05"), column("rank_q95")
    ax.hlines(y, q05, q95, colors=list(colours), linewidth=2.2 if count > 30 else 3.0)
    if "median_rank" in frame.columns:
        ax.scatter(
            column("median_rank"),
            y,
            s=14 if count > 30 else 24,
            facecolors="white",
            edgecolors=list(colours),
            linewidths=0.9,
            zorder=3,
            label=_text("median_rank", lang),
        )
    if "nominal_rank" in frame.columns:
        ax.scatter(
            column("nominal_rank"),
            y,
            s=30 if count > 30 else 50,
            marker="|",
            color="#000000",
            linewidths=1.0,
            zorder=4,
            label=_text("nominal_rank", lang),
        )
    top = np.nanmax(q95) if np.isfinite(q95).any() else float(count)
    ax.set_xlim(0.5, max(float(top), float(count)) + 0.5)
    ax.set_xlabel(_text("rank", lang) + "\n" + _text("rank_band", lang), fontsize=9)
    _tidy(ax)
    ax.tick_params(axis="y", left=False)
    if "median_rank" in frame.columns or "nominal_rank" in frame.columns:
        ax.legend(fontsize=7, frameon=False, loc="upper right")
