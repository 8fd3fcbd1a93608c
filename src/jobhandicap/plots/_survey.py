"""Figures of the jobcentre survey: answer distributions and top-2 shares."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jobhandicap.domain import Likert
from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.plots._common import (
    LIKERT_COLOURS,
    MARKERS,
    IntArray,
    Lang,
    answer_codes,
    check_frame,
    check_lang,
    column_title,
    figure_text,
    group_colour,
    group_columns,
    is_missing,
    new_figure,
    numeric_column,
    percent_axis,
    set_title,
    tidy,
    value_label,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["likert_bars", "top_box_plot"]

_ANSWER_CODES = (1, 2, 3, 4, 5, 9)
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


# --------------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------------


def _likert_codes(values: pd.Series[Any]) -> IntArray:
    """Answer codes 1–5, 9 from codes or labels, checked once per distinct value."""
    uniques = pd.unique(values.astype("object"))
    mapping: dict[object, int] = {}
    for value in uniques:
        raw = value.item() if isinstance(value, np.generic) else value
        if is_missing(raw):
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
    lang = check_lang(lang)
    frame = check_frame(distribution, ["answer", "share"], "Likert distribution")
    groups = group_columns(frame, _LIKERT_COLUMNS)
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
    shares = np.nan_to_num(numeric_column(frame, "share", "Likert distribution"), nan=0.0)
    keys = frame[groups].reset_index(drop=True)
    if keys.assign(_answer=codes).duplicated().any():
        raise JobhandicapError(
            "the Likert distribution has more than one row for a group and answer; group "
            f"columns found: {groups or 'none'}"
        )
    # Rows ordered by item first, so that the waves of an item sit together.
    if "item" in groups:
        groups = ["item", *(g for g in groups if g != "item")]
    rows, labels = answer_codes(keys, groups, lang, item_labels)
    row_count = len(labels)
    # One cell per row and answer code: a scatter-add into a (rows x codes) matrix.
    matrix = np.zeros((row_count, len(_ANSWER_CODES)), dtype=np.float64)
    column = np.searchsorted(np.array(_ANSWER_CODES), codes)
    np.add.at(matrix, (rows, column), shares * 100.0)
    # Leave a gap between the blocks of one item when there are further grouping columns.
    if "item" in groups and len(groups) > 1:
        blocks, _ = answer_codes(keys, ["item"], lang)
        block_of_row = pd.Series(blocks).groupby(rows).first().to_numpy(dtype=np.float64)
        y = np.arange(row_count, dtype=np.float64) + 0.6 * block_of_row
        labels = _item_wave_labels(keys, groups, rows, lang, item_labels or {})
    else:
        y = np.arange(row_count, dtype=np.float64)

    height = max(2.6, 1.4 + 0.26 * (float(y[-1]) + 1.0))
    fig = new_figure(8.0, height)
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
    main.set_xlabel(figure_text("fig:answers_x", lang), fontsize=9)
    percent_axis(main, "x", lang)
    tidy(main)
    side.barh(y, matrix[:, 5], height=0.8, color=LIKERT_COLOURS[9])
    side.set_xlim(0.0, max(10.0, float(matrix[:, 5].max()) * 1.2))
    side.set_title(figure_text("col:dont_know_share", lang), fontsize=9)
    percent_axis(side, "x", lang)
    tidy(side)
    side.tick_params(axis="y", left=False)
    fig.legend(loc="outside lower center", ncols=5, fontsize=8, frameon=False)
    default = figure_text("fig:answers_title", lang)
    if item is not None:
        shown = item_labels.get(item) if item_labels is not None else None
        default += ": " + (shown if shown is not None else value_label("item", item, lang))
    set_title(fig, title, default)
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
        shown = name if name is not None else value_label("item", value, lang)
        rest = ", ".join(value_label(c, keys[c].iloc[int(position)], lang) for c in others)
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
    lang = check_lang(lang)
    frame = check_frame(top_box, ["share", "ci_low", "ci_high"], "top-box")
    groups = group_columns(frame, _TOP_BOX_COLUMNS)
    keys = frame[groups].reset_index(drop=True)
    row_columns = ["item"] if "item" in groups else []
    hue_columns = [g for g in groups if g != "item"]
    rows, row_labels = answer_codes(keys, row_columns, lang, item_labels)
    hues, hue_labels = answer_codes(keys, hue_columns, lang)
    share = numeric_column(frame, "share", "top-box") * 100.0
    low = numeric_column(frame, "ci_low", "top-box") * 100.0
    high = numeric_column(frame, "ci_high", "top-box") * 100.0
    error = np.vstack([np.clip(share - low, 0.0, None), np.clip(high - share, 0.0, None)])
    series = len(hue_labels)
    step = min(0.3, 0.8 / series)
    height = max(2.4, 1.5 + 0.22 * len(row_labels) * max(1.0, 0.6 * series))
    fig = new_figure(7.0, height)
    ax = fig.subplots()
    for k in range(series):
        chosen = hues == k
        offset = (k - (series - 1) / 2) * step
        ax.errorbar(
            share[chosen],
            rows[chosen] + offset,
            xerr=error[:, chosen],
            fmt=MARKERS[k % len(MARKERS)],
            color=group_colour(k),
            markersize=5,
            elinewidth=1.4,
            capsize=2,
            label=hue_labels[k] or None,
        )
    ax.set_yticks(np.arange(len(row_labels)), row_labels)
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    ax.set_xlim(0.0, 100.0)
    ax.set_xlabel(figure_text("fig:share_pct", lang), fontsize=9)
    percent_axis(ax, "x", lang)
    tidy(ax)
    if hue_columns:
        fig.legend(
            loc="outside lower center",
            ncols=min(series, 6),
            fontsize=8,
            frameon=False,
            title=", ".join(column_title(c, lang) for c in hue_columns),
            title_fontsize=8,
        )
    set_title(fig, title, figure_text("fig:top_box_title", lang))
    return fig
