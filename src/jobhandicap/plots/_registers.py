"""Figures of the registers: processing time (survival) and expenditure by scheme."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jobhandicap.errors import JobhandicapError
from jobhandicap.plots._common import (
    LINESTYLES,
    OKABE_ITO,
    FloatArray,
    IntArray,
    Lang,
    answer_codes,
    check_frame,
    check_lang,
    column_title,
    figure_text,
    group_colour,
    group_columns,
    new_figure,
    numeric_column,
    percent,
    percent_axis,
    set_title,
    tidy,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["expenditure_plot", "survival_plot"]

_SURVIVAL_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
_EXPENDITURE_COLUMNS = (
    "scheme",
    "n",
    "amount_dkk",
    "share",
    "total_dkk",
    "n_with_amount",
    # The names before 0.2, which the report's published table keeps.
    "cases",
    "cases_with_amount",
)


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
    lang = check_lang(lang)
    if by is None:
        frame = check_frame(table, ["time", "survival"], "survival")
        groups = group_columns(frame, _SURVIVAL_COLUMNS)
    else:
        groups = [by] if isinstance(by, str) else list(by)
        frame = check_frame(table, ["time", "survival", *groups], "survival")
    time = numeric_column(frame, "time", "survival")
    survival = numeric_column(frame, "survival", "survival")
    band = "ci_low" in frame.columns and "ci_high" in frame.columns
    low = numeric_column(frame, "ci_low", "survival") if band else survival
    high = numeric_column(frame, "ci_high", "survival") if band else survival
    keys = frame[groups].reset_index(drop=True)
    codes, labels = answer_codes(keys, groups, lang)
    fig = new_figure(7.0, 4.2)
    ax = fig.subplots()
    for k, label in enumerate(labels):
        chosen = np.flatnonzero(codes == k)
        chosen = chosen[np.argsort(time[chosen], kind="stable")]
        x = np.concatenate([[0.0], time[chosen]])
        colour = group_colour(k)
        style = LINESTYLES[(k // len(OKABE_ITO)) % len(LINESTYLES)]
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
    ax.set_xlabel(figure_text("fig:days", lang), fontsize=9)
    ax.set_ylabel(figure_text("fig:not_decided", lang), fontsize=9)
    percent_axis(ax, "y", lang, scale=100.0)
    tidy(ax, grid="both")
    if groups:
        ax.legend(
            fontsize=8,
            frameon=False,
            title=", ".join(column_title(c, lang) for c in groups),
            title_fontsize=8,
        )
    set_title(fig, title, figure_text("fig:survival_title", lang))
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
    lang = check_lang(lang)
    frame = check_frame(shares, ["scheme", "share"], "expenditure shares")
    groups = group_columns(frame, _EXPENDITURE_COLUMNS)
    keys = frame[[*groups, "scheme"]].reset_index(drop=True)
    rows, row_labels = answer_codes(keys, ["scheme"], lang)
    hues, hue_labels = answer_codes(keys, groups, lang)
    value = numeric_column(frame, "share", "expenditure shares") * 100.0
    series = len(hue_labels)
    step = 0.8 / series
    bars = len(frame)
    height = max(2.4, 1.4 + 0.2 * len(row_labels) * max(1.0, 0.7 * series))
    fig = new_figure(7.0, height)
    ax = fig.subplots()
    show = percent(lang, 1)
    for k in range(series):
        chosen = hues == k
        offset = (k - (series - 1) / 2) * step
        container = ax.barh(
            rows[chosen] + offset,
            np.nan_to_num(value[chosen], nan=0.0),
            height=step * 0.92,
            color=group_colour(k) if groups else OKABE_ITO[0],
            label=hue_labels[k] or None,
        )
        if bars <= 40:
            texts = ["" if np.isnan(v) else show(float(v)) for v in value[chosen]]
            ax.bar_label(container, labels=texts, padding=2, fontsize=7)
    ax.set_yticks(np.arange(len(row_labels)), row_labels)
    ax.set_ylim(len(row_labels) - 0.5, -0.5)
    top = float(np.nanmax(value)) if np.isfinite(value).any() else 100.0
    ax.set_xlim(0.0, min(100.0, max(top, 5.0) * 1.18) if top <= 85 else 105.0)
    ax.set_xlabel(figure_text("fig:expenditure_x", lang), fontsize=9)
    ax.set_ylabel(figure_text("col:scheme", lang), fontsize=9)
    percent_axis(ax, "x", lang)
    tidy(ax)
    if groups:
        ax.legend(
            fontsize=8,
            frameon=False,
            loc="lower right",
            title=", ".join(column_title(c, lang) for c in groups),
            title_fontsize=8,
        )
    set_title(fig, title, figure_text("fig:expenditure_title", lang))
    return fig
