"""jobhandicap: disability-employment indicators with honest uncertainty.

Import the library as ``import jobhandicap as jh``; everything public is available from the top
level. See the documentation in ``docs/`` for a guided tour.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from jobhandicap import stats
from jobhandicap.benchmark import best_practice, compare_groups, funnel, shrink_rates
from jobhandicap.cases import grant_rate, processing_time, survival_table
from jobhandicap.datasets import ExampleData, load_example, published_figures, simulate
from jobhandicap.disclosure import (
    SuppressedTable,
    assert_no_personal_ids,
    audit,
    find_personal_ids,
    hide_personal_ids,
    protect,
    pseudonymise,
    render_suppressed,
    suppress,
)
from jobhandicap.domain import (
    Case,
    CompensationScheme,
    Decision,
    Jobcentre,
    KeyPersonModel,
    Likert,
    Municipality,
    OrganisationProfile,
    Region,
    StaffAnswer,
    StrategyType,
    SurveyAnswer,
    TargetGroup,
)
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    DisclosureError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
    UnknownLabelError,
)
from jobhandicap.frames import (
    empty_frame,
    from_frame,
    to_frame,
    validate_cases,
    validate_kind,
    validate_outcomes,
    validate_people,
    validate_population,
    validate_profiles,
    validate_staff,
    validate_survey,
)
from jobhandicap.gap import employment_gap
from jobhandicap.io import (
    read_cases,
    read_mapping,
    read_outcomes,
    read_people,
    read_population,
    read_profiles,
    read_staff,
    read_survey,
    write_csv,
    write_excel,
)
from jobhandicap.reference import (
    jobcentre_codes,
    jobcentre_of,
    jobcentres,
    municipalities,
    municipality,
    municipality_codes,
    schemes,
    target_groups,
)
from jobhandicap.report import ReportResult, build_report
from jobhandicap.staff import Scale, association, reliability, scale_means, scale_scores
from jobhandicap.strategy import (
    DEFAULT_SPEC,
    Indicator,
    StrategySpec,
    normalise,
    score_strategies,
    strategy_sensitivity,
)
from jobhandicap.survey import (
    MultipleResponse,
    likert_distribution,
    multiple_response,
    response_rate,
    top_box,
    wave_change,
)
from jobhandicap.usage import (
    count_cases,
    expenditure_shares,
    rates_per_population,
    scheme_usage,
    target_group_coverage,
)

try:
    __version__ = _metadata.version("jobhandicap")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_SPEC",
    "ArgumentTypeError",
    "Case",
    "CompensationScheme",
    "DataQualityWarning",
    "Decision",
    "DisclosureError",
    "ExampleData",
    "Indicator",
    "Jobcentre",
    "JobhandicapError",
    "KeyPersonModel",
    "Likert",
    "MissingColumnsError",
    "MultipleResponse",
    "Municipality",
    "OptionError",
    "OrganisationProfile",
    "Region",
    "ReportResult",
    "Scale",
    "SchemaError",
    "SmallSampleWarning",
    "StaffAnswer",
    "StrategySpec",
    "StrategyType",
    "SuppressedTable",
    "SurveyAnswer",
    "TargetGroup",
    "UnknownLabelError",
    "__version__",
    "assert_no_personal_ids",
    "association",
    "audit",
    "best_practice",
    "build_report",
    "compare_groups",
    "count_cases",
    "employment_gap",
    "empty_frame",
    "expenditure_shares",
    "find_personal_ids",
    "from_frame",
    "funnel",
    "grant_rate",
    "hide_personal_ids",
    "jobcentre_codes",
    "jobcentre_of",
    "jobcentres",
    "likert_distribution",
    "load_example",
    "multiple_response",
    "municipalities",
    "municipality",
    "municipality_codes",
    "normalise",
    "processing_time",
    "protect",
    "pseudonymise",
    "published_figures",
    "rates_per_population",
    "read_cases",
    "read_mapping",
    "read_outcomes",
    "read_people",
    "read_population",
    "read_profiles",
    "read_staff",
    "read_survey",
    "reliability",
    "render_suppressed",
    "response_rate",
    "scale_means",
    "scale_scores",
    "scheme_usage",
    "schemes",
    "score_strategies",
    "shrink_rates",
    "simulate",
    "stats",
    "strategy_sensitivity",
    "suppress",
    "survival_table",
    "target_group_coverage",
    "target_groups",
    "to_frame",
    "top_box",
    "validate_cases",
    "validate_kind",
    "validate_outcomes",
    "validate_people",
    "validate_population",
    "validate_profiles",
    "validate_staff",
    "validate_survey",
    "wave_change",
    "write_csv",
    "write_excel",
]
