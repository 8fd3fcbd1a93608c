"""Figures that compare jobcentres: the funnel plot and the strategy scores."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.plots._common import (
    GREY,
    STRATEGY_COLOURS,
    FloatArray,
    IntArray,
    Lang,
    check_frame,
    check_lang,
    column_title,
    figure_text,
    is_missing,
    new_figure,
    numeric_column,
    percent_axis,
    set_title,
    tidy,
    value_label,
)
from jobhandicap.plots._render import (
    separate_labels,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

__all__ = ["funnel_plot", "strategy_plot"]

_LIMIT_PATTERN = re.compile(r"^low_(.+)$")


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
    lang = check_lang(lang)
    columns = funnel.columns if isinstance(funnel, pd.DataFrame) else pd.Index([])
    estimate = "share" if "share" in columns or "rate" not in columns else "rate"
    frame = check_frame(funnel, ["n", estimate], "funnel")
    if unit is None:
        first = str(frame.columns[0])
        unit = None if first == "n" else first
    elif unit not in frame.columns:
        raise MissingColumnsError([unit], list(frame.columns), "funnel")
    pairs = _limit_pairs(frame, limit_columns, lang)
    needed = [c for _, low, high in pairs for c in (low, high) if c not in frame.columns]
    if needed:
        raise MissingColumnsError(needed, list(frame.columns), "funnel")
    n = numeric_column(frame, "n", "funnel")
    rate = numeric_column(frame, estimate, "funnel")
    lows = np.column_stack([numeric_column(frame, low, "funnel") for _, low, _ in pairs])
    highs = np.column_stack([numeric_column(frame, high, "funnel") for _, _, high in pairs])
    width = np.nanmean(highs - lows, axis=0) if np.isfinite(highs - lows).any() else None
    order = np.argsort(width, kind="stable") if width is not None else np.arange(len(pairs))
    lows, highs = lows[:, order], highs[:, order]
    pairs = [pairs[j] for j in order]
    with np.errstate(invalid="ignore"):
        outside = (rate[:, None] < lows) | (rate[:, None] > highs)
    level = outside.sum(axis=1)

    fig = new_figure(7.0, 4.6)
    ax = fig.subplots()
    by_n = np.argsort(n, kind="stable")
    for j, (label, _, _) in enumerate(pairs):
        style = "--" if j < len(pairs) - 1 else "-"
        colour = "#777777"
        for limits, name in ((lows, figure_text("fig:limits", lang, label)), (highs, None)):
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
            target_value * 100.0,
            color="#0072B2",
            linewidth=1.0,
            label=figure_text("fig:target", lang),
        )
    else:
        ax.plot(
            n[by_n],
            target_value[by_n] * 100.0,
            color="#0072B2",
            linewidth=1.0,
            label=figure_text("fig:target", lang),
        )
    level_colours = (GREY, "#E69F00", "#D55E00", "#000000")
    for k in range(int(level.max()) + 1):
        chosen = level == k
        if not chosen.any():
            continue
        name = (
            figure_text("fig:within", lang)
            if k == 0
            else figure_text("fig:outside", lang, pairs[min(k, len(pairs)) - 1][0])
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
            elif own_names is not None and not is_missing(frame[own_names].iloc[i]):
                shown = str(frame[own_names].iloc[i])
            else:
                shown = value_label(unit, name, lang)
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
    ax.set_xlabel(figure_text("fig:funnel_x", lang), fontsize=9)
    ax.set_ylabel(figure_text("fig:funnel_y", lang), fontsize=9)
    percent_axis(ax, "y", lang)
    tidy(ax, grid="both")
    ax.legend(fontsize=7, frameon=False, loc="best")
    set_title(fig, title, figure_text("fig:funnel_title", lang))
    separate_labels(fig, labels)
    return fig


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
        values = numeric_column(frame, "target", "funnel")
        finite = values[np.isfinite(values)]
        if finite.size and np.all(finite == finite[0]):
            return float(finite[0])
        return values
    known = np.isfinite(n) & np.isfinite(rate)
    if "count" in frame.columns:
        count = numeric_column(frame, "count", "funnel")
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
    lang = check_lang(lang)
    frame = check_frame(scores, [unit, "score"], "strategy scores")
    score = numeric_column(frame, "score", "strategy scores")
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
        [STRATEGY_COLOURS.get(str(t), GREY) if isinstance(t, str) else GREY for t in types],
        dtype=object,
    )
    labels = [
        str(unit_labels[u])
        if unit_labels is not None and u in unit_labels
        else value_label(unit, u, lang)
        for u in units
    ]
    count = len(order)
    y = np.arange(count, dtype=np.float64)
    fontsize = 8 if count <= 30 else 6
    height = max(3.0, 1.3 + 0.14 * count)
    fig = new_figure(8.0 if sensitivity is not None else 6.0, height)
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
            color=STRATEGY_COLOURS.get(kind, GREY) if kind else GREY,
            zorder=3,
            label=value_label("strategy", kind, lang)
            if kind
            else figure_text("val:missing", lang),
        )
    left.set_yticks(y, labels, fontsize=fontsize)
    left.set_ylim(count - 0.5, -0.5)
    values = score[order]
    if values.min() >= 0.0 and values.max() <= 100.0:
        left.set_xlim(0.0, 100.0)
    xlabel = figure_text("col:score", lang)
    skipped = len(frame) - count
    if skipped:
        xlabel += f"\n({figure_text('fig:not_scored', lang, skipped)})"
    left.set_xlabel(xlabel, fontsize=9)
    left.set_ylabel(column_title(unit, lang), fontsize=9)
    tidy(left)
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
            title=figure_text("col:strategy", lang),
            title_fontsize=8,
        )
    set_title(fig, title, figure_text("fig:strategy_title", lang))
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
    frame = check_frame(sensitivity, [unit, "rank_q05", "rank_q95"], "strategy sensitivity")
    keys = pd.Index(frame[unit].astype("object"))
    if keys.has_duplicates:
        repeated = keys[keys.duplicated()].unique().tolist()[:5]
        raise JobhandicapError(
            f"the strategy sensitivity table has more than one row for unit(s) {repeated}"
        )
    where = keys.get_indexer(pd.Index(units))
    found = where >= 0

    def column(name: str) -> FloatArray:
        values = numeric_column(frame, name, "strategy sensitivity")
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
            label=figure_text("col:median_rank", lang),
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
            label=figure_text("col:nominal_rank", lang),
        )
    top = np.nanmax(q95) if np.isfinite(q95).any() else float(count)
    ax.set_xlim(0.5, max(float(top), float(count)) + 0.5)
    ax.set_xlabel(
        figure_text("fig:rank", lang) + "\n" + figure_text("fig:rank_band", lang), fontsize=9
    )
    tidy(ax)
    ax.tick_params(axis="y", left=False)
    if "median_rank" in frame.columns or "nominal_rank" in frame.columns:
        ax.legend(fontsize=7, frameon=False, loc="upper right")
