"""The sections of the report and what each needs (private to :mod:`jobhandicap.report`).

Each builder (in ``_surveys``, ``_multiple``, ``_registers`` and ``_comparisons``) takes
the :class:`Context` — the validated input frames, the options and the figure module (``None``
without matplotlib) — and returns a :class:`Section` with its published (suppressed) tables,
figures drawn from those published tables, a summary, notes and a method note. A section's
builder runs only when its inputs are present; :data:`SECTIONS` says which inputs each needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from jobhandicap.report._comparisons import benchmark_section, strategy_section
from jobhandicap.report._context import Context, Options, Section
from jobhandicap.report._multiple import multiple_response_section
from jobhandicap.report._registers import cases_section, gap_section, usage_section
from jobhandicap.report._sampled import citizens_section, employers_section
from jobhandicap.report._surveys import staff_section, staff_usable, survey_section

__all__ = ["BUILDERS", "SECTIONS", "TABLE_NAMES", "Context", "Options", "Section", "staff_usable"]

#: Sections in report order, with the inputs each needs.
SECTIONS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("survey", ("survey",)),
    ("multiple_response", ("survey",)),
    ("staff", ("staff",)),
    ("citizens", ("citizens",)),
    ("employers", ("employers",)),
    ("cases", ("cases",)),
    ("usage", ("cases",)),
    ("strategy", ("profiles",)),
    ("benchmark", ("outcomes",)),
    ("gap", ("people",)),
)

#: Every table the report can write, by section (the names of the CSV files and sheets).
TABLE_NAMES: Final[tuple[str, ...]] = (
    "survey_top_box",
    "survey_wave_change",
    "survey_distribution",
    "survey_crosstab",
    "survey_association",
    "survey_top_box_difference",
    "schemes_used_for_ranking",
    "schemes_used_for_ticked",
    "staff_scales",
    "staff_association",
    "staff_by_strategy",
    "staff_icc",
    "staff_strategy_difference",
    "citizens_top_box",
    "employers_top_box",
    "processing_time",
    "processing_time_comparison",
    "grant_rate",
    "scheme_usage",
    "active_grants",
    "expenditure_shares",
    "rates_per_population",
    "target_group_coverage",
    "strategy_scores",
    "strategy_sensitivity",
    "funnel",
    "best_practice",
    "outcomes_by_strategy",
    "benchmark_adjusted",
    "employment_gap",
)

#: The builder of each section.
BUILDERS: Final[Mapping[str, Callable[[Context], Section]]] = {
    "survey": survey_section,
    "multiple_response": multiple_response_section,
    "staff": staff_section,
    "citizens": citizens_section,
    "employers": employers_section,
    "cases": cases_section,
    "usage": usage_section,
    "strategy": strategy_section,
    "benchmark": benchmark_section,
    "gap": gap_section,
}
