r"""Figures of the indicators (optional extra ``plot``: ``pip install "jobhandicap[plot]"``).

Each function takes the frame an indicator function returns and gives back a new
:class:`matplotlib.figure.Figure`:

==========================  =====================================================================
function                    frame it takes
==========================  =====================================================================
:func:`likert_bars`         :func:`jobhandicap.survey.likert_distribution`
:func:`top_box_plot`        :func:`jobhandicap.survey.top_box`
:func:`survival_plot`       :func:`jobhandicap.cases.survival_table`
:func:`expenditure_plot`    :func:`jobhandicap.usage.expenditure_shares`
:func:`funnel_plot`         :func:`jobhandicap.benchmark.funnel`
:func:`strategy_plot`       :func:`jobhandicap.strategy.score_strategies` (and
                            :func:`jobhandicap.strategy.strategy_sensitivity`)
==========================  =====================================================================

The figures are made with :class:`matplotlib.figure.Figure` directly, never through
:mod:`matplotlib.pyplot`: nothing is registered with pyplot, no window opens, no global
``rcParams`` change, and the caller owns the figure (it is garbage-collected like any object).
Every function takes ``lang="en"`` or ``lang="da"`` for its titles, axis labels and the labels of
the schemes, answers and strategy types; the texts are rows of the table the report's texts
are in (``data/texts.csv``), shown by key in :data:`TEXTS`.
:func:`figure_to_svg` and :func:`figure_to_png_base64` render a figure reproducibly (the same
figure gives the same bytes on every run, with no dates, versions or paths in the file); they
render one figure at a time, so they are safe to call from several threads.

Colours come from colour-blind-safe palettes: ColorBrewer's diverging *PuOr* for the answer
scale and Okabe & Ito's qualitative palette for groups.
"""

from __future__ import annotations

from jobhandicap.plots._common import LIKERT_COLOURS, OKABE_ITO, STRATEGY_COLOURS, TEXTS
from jobhandicap.plots._comparisons import funnel_plot, strategy_plot
from jobhandicap.plots._registers import expenditure_plot, survival_plot
from jobhandicap.plots._render import (
    figure_to_png_base64,
    figure_to_svg,
    label_box,
    separate_labels,
)
from jobhandicap.plots._survey import likert_bars, top_box_plot

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
