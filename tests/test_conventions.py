"""Every public indicator held to the conventions of docs/conventions.md.

Each indicator runs once on the example data; its result and its signature are then checked
against the rules that can be checked generically: argument names from one vocabulary, the
library-wide defaults of ``seed``, ``n_boot`` and ``level``, reproducible random results, the
column layout (grouping columns first, ``n`` as the base, ``ci_low`` right before
``ci_high``, no dots) and the error classes of a bad ``level`` and an unknown column. A new
public indicator fails :func:`test_every_public_indicator_is_covered` until it is added here.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap.datasets import ExampleData
from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.report import DEFAULT_SCALES

#: Modules whose public functions are indicators (functions that turn frames into results).
INDICATOR_MODULES = ("survey", "staff", "cases", "usage", "gap", "strategy", "benchmark")

#: Public functions of those modules that are not held to the rules, and why.
NOT_INDICATORS: Mapping[str, str] = {
    "rake": "returns the survey frame with raked weights, not a table of estimates",
}

#: Names the shared concepts must not be spelled as (docs/conventions.md, "Arguments").
FORBIDDEN_NAMES: Mapping[str, str] = {
    "group": "by",
    "groups": "by",
    "grouping": "by",
    "weight": "weights",
    "language": "lang",
    "levels": "level (one interval) or limits (control limits)",
    "conf_level": "level",
    "confidence": "level",
    "alpha": "level",
    "random_state": "seed",
    "rng": "seed",
    "n_bootstrap": "n_boot",
    "bootstrap": "n_boot",
}

#: Columns that must not hold the base: it is always ``n``.
BASE_ALIASES = ("cases", "respondents", "persons", "base", "total")


@dataclass(frozen=True)
class Case:
    """How to run one indicator on the example data, and what its result must show."""

    call: Callable[[ExampleData], tuple[tuple[Any, ...], dict[str, Any]]]
    #: Columns that must come first, in this order (the ``by=`` or ``unit=`` columns passed).
    keys: tuple[str, ...] = ()
    #: The base columns (counts of the units an estimate rests on): ``n``, or, where an
    #: estimate rests on several bases, their names (docs/conventions.md lists these).
    bases: tuple[str, ...] = ("n",)


def _year(data: ExampleData) -> pd.DataFrame:
    return data.outcomes[data.outcomes["year"] == 2019]


def _scores(data: ExampleData) -> pd.DataFrame:
    return jh.scale_scores(data.staff, DEFAULT_SCALES)


def _units(data: ExampleData) -> pd.DataFrame:
    entry = jh.funnel(_year(data), count="entered_job", total="persons")
    strategy = jh.score_strategies(data.profiles)[["jobcentre", "strategy"]]
    return entry.merge(strategy, on="jobcentre")


CASES: Mapping[str, Case] = {
    "likert_distribution": Case(
        lambda d: ((d.survey,), {"by": ("wave", "item")}),
        keys=("wave", "item"),
    ),
    "top_box": Case(lambda d: ((d.survey,), {"by": ("wave", "item")}), keys=("wave", "item")),
    "wave_change": Case(
        lambda d: ((d.survey,), {"item": str(d.survey["item"].iloc[0])}),
        keys=("item",),
        bases=("n_earlier", "n_later", "n_paired", "n_earlier_only", "n_later_only"),
    ),
    "response_rate": Case(lambda d: ((d.survey, "jobcentres"), {})),
    "crosstab": Case(
        lambda d: ((d.survey, "political_focus", "scheme_focus"), {}),
        keys=("wave", "row_item", "column_item", "row_answer", "column_answer"),
    ),
    "item_association": Case(
        lambda d: ((d.survey, ["political_focus", "scheme_focus", "management_priority"]), {}),
        keys=("wave", "row_item", "column_item"),
    ),
    "top_box_difference": Case(
        lambda d: ((d.survey,), {"item": "scheme_focus", "by": "political_focus"}),
        keys=("wave", "item", "by", "group", "reference"),
    ),
    # Its result holds three frames; the per-option one is held to the rules here.
    "multiple_response": Case(
        lambda d: ((d.survey, "schemes_used_for"), {"n_boot": 99}), keys=("wave", "option")
    ),
    "scale_scores": Case(lambda d: ((d.staff, DEFAULT_SCALES), {}), bases=()),
    "reliability": Case(lambda d: ((d.staff, DEFAULT_SCALES[0]), {})),
    "association": Case(
        lambda d: ((_scores(d), "knowledge", "belief"), {"cluster": "jobcentre", "n_boot": 99}),
    ),
    "scale_means": Case(
        lambda d: ((_scores(d), ["knowledge", "belief"]), {"cluster": "jobcentre", "n_boot": 99}),
    ),
    # by= names the clusters (jobcentres); the rows are the scales.
    "icc": Case(lambda d: ((_scores(d),), {"by": "jobcentre"}), keys=("scale",)),
    "processing_time": Case(
        lambda d: ((d.cases,), {"by": "year", "extracted": d.extracted}),
        keys=("year",),
    ),
    "grant_rate": Case(lambda d: ((d.cases,), {"by": "scheme"}), keys=("scheme",)),
    # Its result holds three frames; the per-group one is held to the rules here.
    "compare_processing_time": Case(
        lambda d: ((d.cases,), {"by": "year", "extracted": d.extracted, "n_boot": 99}),
        keys=("year",),
    ),
    # One row per group, outcome (decided, withdrawn) and day.
    "decision_incidence": Case(
        lambda d: ((d.cases,), {"by": "year", "extracted": d.extracted}),
        keys=("year", "outcome", "days"),
    ),
    "survival_table": Case(
        lambda d: ((d.cases,), {"by": "scheme", "extracted": d.extracted}),
        keys=("scheme",),
        bases=("at_risk",),
    ),
    "scheme_usage": Case(
        lambda d: ((d.cases,), {"by": ("year", "scheme")}),
        keys=("year", "scheme"),
    ),
    "expenditure_shares": Case(lambda d: ((d.cases,), {"by": "year"}), keys=("year",)),
    # Counts per unit and year, without a base: the numerator of rates_per_population.
    "count_cases": Case(
        lambda d: ((d.cases,), {"unit": "jobcentre"}), keys=("jobcentre", "year"), bases=()
    ),
    "rates_per_population": Case(
        lambda d: ((jh.count_cases(d.cases), d.population), {}),
        keys=("jobcentre",),
        bases=("population",),
    ),
    # Counts of grants per group and year (stock and flow), without a base.
    "active_grants": Case(lambda d: ((d.cases,), {}), keys=("scheme", "year"), bases=()),
    "target_group_coverage": Case(
        lambda d: ((d.cases,), {"by": ("jobcentre", "year")}),
        keys=("jobcentre", "year"),
    ),
    "employment_gap": Case(
        lambda d: ((d.people,), {"by": "sex"}),
        keys=("sex",),
        bases=("n_disabled", "n_not_disabled"),
    ),
    "normalise": Case(lambda d: ((d.profiles,), {}), bases=()),
    "score_strategies": Case(lambda d: ((d.profiles,), {}), keys=("jobcentre",), bases=()),
    "strategy_sensitivity": Case(
        lambda d: ((d.profiles,), {"draws": 200}), keys=("jobcentre",), bases=()
    ),
    "funnel": Case(
        lambda d: ((_year(d),), {"count": "entered_job", "total": "persons"}),
        keys=("jobcentre",),
    ),
    "shrink_rates": Case(
        lambda d: ((_year(d),), {"count": "entered_job", "total": "persons"}),
        keys=("jobcentre",),
    ),
    "compare_groups": Case(
        lambda d: ((_units(d),), {"value": "share", "by": "strategy", "n_boot": 99}),
        keys=("strategy",),
    ),
    "best_practice": Case(
        lambda d: ((d.outcomes, d.profiles), {"year": 2019}), keys=("jobcentre",)
    ),
    # Its result holds several frames; the per-unit one is held to the rules here.
    "expected_outcomes": Case(
        lambda d: ((_year(d), ["social_assistance_pct", "unemployment_pct"]), {}),
        keys=("jobcentre",),
    ),
}


def public_indicators() -> dict[str, Callable[..., Any]]:
    """The functions of ``jh.__all__`` defined in an indicator module."""
    found: dict[str, Callable[..., Any]] = {}
    for name in jh.__all__:
        obj = getattr(jh, name)
        module = getattr(obj, "__module__", "") or ""
        family = module.removeprefix("jobhandicap.").split(".")[0]
        if inspect.isfunction(obj) and family in INDICATOR_MODULES:
            found[name] = obj
    return found


def cases(option: str | None = None) -> list[Any]:
    """One parameter per indicator (that has the parameter ``option``, if given)."""
    return [
        pytest.param(name, id=name)
        for name in CASES
        if option is None or option in parameters(name)
    ]


@pytest.fixture(scope="module")
def data() -> ExampleData:
    return jh.load_example()


@pytest.fixture(scope="module")
def results(data: ExampleData) -> dict[str, pd.DataFrame]:
    """Each indicator's result, computed on first use and kept for the module."""
    return _Results(data)


class _Results(dict[str, pd.DataFrame]):
    def __init__(self, data: ExampleData) -> None:
        super().__init__()
        self.data = data

    def __missing__(self, name: str) -> pd.DataFrame:
        self[name] = run(name, self.data)
        return self[name]


def run(name: str, data: ExampleData, **changes: Any) -> pd.DataFrame:
    """Run indicator ``name`` on ``data`` as its case says, with ``changes`` to its options."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small bases and data-quality notes are not the point
        args, kwargs = CASES[name].call(data)
        result = getattr(jh, name)(*args, **{**kwargs, **changes})
    if isinstance(result, tuple):  # pragma: no cover - only with return_draws=True
        result = result[0]
    if isinstance(result, jh.MultipleResponse):
        result = result.options
    if isinstance(result, jh.ProcessingTimeComparison):
        result = result.groups
    if isinstance(result, jh.ExpectedOutcomes):
        result = result.units
    assert isinstance(result, pd.DataFrame)
    return result


def parameters(name: str) -> Mapping[str, inspect.Parameter]:
    return inspect.signature(getattr(jh, name)).parameters


# ---------------------------------------------------------------------------------------------
# Coverage


def test_every_public_indicator_is_covered() -> None:
    missing = sorted(set(public_indicators()) - set(CASES) - set(NOT_INDICATORS))
    assert not missing, f"add these public indicators to CASES in {__name__}: {missing}"
    assert set(CASES) <= set(jh.__all__)


# ---------------------------------------------------------------------------------------------
# Signatures


@pytest.mark.parametrize("name", cases())
def test_argument_names_come_from_the_vocabulary(name: str) -> None:
    wrong = {p: FORBIDDEN_NAMES[p] for p in parameters(name) if p in FORBIDDEN_NAMES}
    assert not wrong, f"{name}: rename {wrong} (old names stay as renamed() aliases)"


@pytest.mark.parametrize("name", cases())
def test_seed_n_boot_and_level_default_to_the_library_constants(name: str) -> None:
    params = parameters(name)
    expected = {"seed": DEFAULT_SEED, "n_boot": DEFAULT_N_BOOT, "level": DEFAULT_LEVEL}
    for option, default in expected.items():
        if option in params:
            assert params[option].default == default, f"{name}({option}=...)"
            assert params[option].kind is inspect.Parameter.KEYWORD_ONLY, f"{name}({option}=)"


@pytest.mark.parametrize("name", cases("seed"))
def test_random_results_are_reproducible_by_default(
    name: str, data: ExampleData, results: dict[str, pd.DataFrame]
) -> None:
    pd.testing.assert_frame_equal(results[name], run(name, data))


# ---------------------------------------------------------------------------------------------
# Columns


@pytest.mark.parametrize("name", cases())
def test_no_dots_in_column_names(name: str, results: dict[str, pd.DataFrame]) -> None:
    dotted = [c for c in results[name].columns if "." in str(c)]
    assert not dotted, f"{name}: {dotted}"


@pytest.mark.parametrize("name", cases())
def test_interval_columns_are_adjacent_and_ordered(
    name: str, results: dict[str, pd.DataFrame]
) -> None:
    columns = [str(c) for c in results[name].columns]
    for prefix in {c.removesuffix("ci_low") for c in columns if c.endswith("ci_low")}:
        low, high = f"{prefix}ci_low", f"{prefix}ci_high"
        assert high in columns, f"{name}: {low} without {high}"
        assert columns.index(high) == columns.index(low) + 1, f"{name}: {low}, {high} apart"
        lows = results[name][low].to_numpy(dtype=np.float64, na_value=np.nan)
        highs = results[name][high].to_numpy(dtype=np.float64, na_value=np.nan)
        both = np.isfinite(lows) & np.isfinite(highs)
        assert (lows[both] <= highs[both] + 1e-12).all(), f"{name}: {low} > {high}"
    orphans = [c for c in columns if c.endswith("ci_high") and c[:-4] + "low" not in columns]
    assert not orphans, f"{name}: {orphans} without their ci_low"


@pytest.mark.parametrize("name", cases())
def test_the_base_is_called_n(name: str, results: dict[str, pd.DataFrame]) -> None:
    columns = [str(c) for c in results[name].columns]
    aliases = [c for c in columns if c in BASE_ALIASES]
    assert not aliases, f"{name}: the base is called n, not {aliases}"
    missing = [base for base in CASES[name].bases if base not in columns]
    assert not missing, f"{name}: no base column {missing} in {columns}"
    if "count" in columns and CASES[name].bases == ("n",):
        assert "n" in columns, f"{name}: count is the numerator; its base is n"
        assert columns.index("count") == columns.index("n") + 1, f"{name}: n, count apart"


@pytest.mark.parametrize("name", cases())
def test_grouping_columns_come_first_in_the_given_order(
    name: str, results: dict[str, pd.DataFrame]
) -> None:
    keys = CASES[name].keys
    columns = [str(c) for c in results[name].columns]
    assert columns[: len(keys)] == list(keys), f"{name}: {columns[: len(keys) + 2]}"


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("name", cases("level"))
@pytest.mark.parametrize("level", [95, 1.0, 0.0])
def test_a_bad_level_is_a_value_error_of_the_library(
    name: str, level: float, data: ExampleData
) -> None:
    with pytest.raises(ValueError, match="level") as caught:
        run(name, data, level=level)
    assert isinstance(caught.value, JobhandicapError)


@pytest.mark.parametrize("name", cases("by"))
def test_an_unknown_grouping_column_is_a_missing_columns_error(
    name: str, data: ExampleData
) -> None:
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        run(name, data, by="no_such_column")


@pytest.mark.parametrize(
    "name",
    ["funnel", "shrink_rates", "score_strategies", "strategy_sensitivity", "expected_outcomes"],
)
def test_an_unknown_unit_column_is_a_missing_columns_error(name: str, data: ExampleData) -> None:
    # unit= names a column here; in count_cases and rates_per_population it is a choice
    # between the jobcentre and the municipality (an OptionError when neither).
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        run(name, data, unit="no_such_column")
