"""Build a report — one self-contained HTML page plus every table as CSV and Excel — from data.

:func:`build_report` runs every analysis the given data allow (jobcentre survey, staff survey,
citizens' and employers' perspective from the sampled surveys, processing time and grant
rates, use and expenditure, strategy typology, benchmarking, employment gap), and writes into
``out_dir``:

``index.html``
    One file that needs nothing else to be read: the style sheet is inline, the figures are
    inline SVG, there are no scripts, no web fonts and no links outside the page except the
    relative links to its own tables. Each section has its tables, figures, a summary with its
    interval, notes and a method note; a closing provenance section lists the library version,
    every input (file name, SHA-256, rows), the options and the seeds.
``tables/<analysis>.csv``
    Every table as CSV (UTF-8 with a byte order mark): in English ``,``-separated with a
    decimal point and the canonical column names and values; with ``lang="da"``
    ``;``-separated with a decimal comma, Danish headers and labels. Shares are fractions with
    3 decimals (``0.357`` = 35.7 %), counts and kroner whole numbers. Named after its
    analysis: ``survey_top_box.csv``, ``survey_wave_change.csv``,
    ``survey_distribution.csv``, ``survey_crosstab.csv``, ``survey_association.csv``,
    ``survey_top_box_difference.csv``, ``staff_scales.csv``, ``staff_association.csv``,
    ``staff_by_strategy.csv``, ``staff_icc.csv``, ``staff_strategy_difference.csv``,
    ``citizens_top_box.csv``, ``employers_top_box.csv``, ``processing_time.csv``,
    ``grant_rate.csv``,
    ``scheme_usage.csv``, ``active_grants.csv``, ``expenditure_shares.csv``,
    ``rates_per_population.csv``,
    ``target_group_coverage.csv``, ``strategy_scores.csv``, ``strategy_sensitivity.csv``,
    ``funnel.csv``, ``best_practice.csv``, ``outcomes_by_strategy.csv``,
    ``benchmark_adjusted.csv`` (when the outcomes have framework conditions),
    ``employment_gap.csv``.
``tables.xlsx``
    The same tables, one sheet each, with number formats (shares ``0.0%``, counts and kroner
    ``#,##0``), fitted column widths and a frozen header row (needs openpyxl: the ``excel`` or
    ``report`` extra; without it the report says so and the workbook is not written).

Privacy by default: inputs holding Danish personal numbers where they would be published are
refused, and every table is protected together with the others, so that no count of fewer than
5 persons or cases can be read or worked out (see :func:`build_report`). The command line
``jobhandicap report`` runs the same function.
"""

from __future__ import annotations

from jobhandicap.report._build import (
    DEFAULT_SCALES,
    KINDS,
    ReportResult,
    build_report,
)

__all__ = [
    "DEFAULT_SCALES",
    "KINDS",
    "ReportResult",
    "build_report",
]
