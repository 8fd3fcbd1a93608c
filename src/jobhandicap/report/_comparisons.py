"""The comparative sections of the report: the strategy typology and benchmarking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jobhandicap.benchmark import best_practice, compare_groups, expected_outcomes, funnel
from jobhandicap.disclosure import Measure, TableSpec
from jobhandicap.errors import JobhandicapError
from jobhandicap.report._context import (
    Context,
    Section,
    thousands,
)
from jobhandicap.report._tables import Published, Table
from jobhandicap.report._text import number, p_text
from jobhandicap.stats import shrink_binomial
from jobhandicap.strategy import strategy_sensitivity

# --------------------------------------------------------------------------------------------
# Strategy typology
# --------------------------------------------------------------------------------------------


def strategy_section(ctx: Context) -> Section:
    """Strategy scores and types, their sensitivity, and the strategy figure."""
    opts = ctx.options
    section = Section(
        id="strategy",
        title=ctx.t("strategy"),
        method=ctx.t("strategy_method", draws=thousands(opts.draws, ctx.lang), seed=opts.seed),
    )
    section.paragraphs.append(ctx.t("strategy_lead"))
    scores: pd.DataFrame | None = None
    with ctx.attempt(section, ctx.t("strategy_scores")):
        scores = ctx.strategies()
        if scores is None:  # pragma: no cover - the section runs only with profiles
            return section
        ctx.publish(
            section,
            Table(
                name="strategy_scores",
                title=ctx.t("strategy_scores"),
                frame=ctx.with_names(scores),
                html_columns=(
                    "jobcentre",
                    "jobcentre_name",
                    "score",
                    "rank",
                    "strategy",
                    "coverage",
                ),
                decimals={"score": 1, "coverage": 2},
            ),
        )
        kinds = scores["strategy"].astype("object").value_counts()
        unscored = int(scores["strategy"].isna().sum())
        summary = ctx.t(
            "strategy_summary",
            proactive=int(kinds.get("proactive", 0)),
            diffuse=int(kinds.get("diffuse", 0)),
            reactive=int(kinds.get("reactive", 0)),
        )
        if unscored:
            summary += " " + ctx.t("strategy_unscored", unscored=unscored)
        section.paragraphs.append(summary)
    if scores is None:
        return section
    title = ctx.t("strategy_sensitivity", draws=thousands(opts.draws, ctx.lang))
    sensitivity: pd.DataFrame | None = None
    with ctx.attempt(section, title):
        sensitivity = strategy_sensitivity(
            ctx.frames["profiles"], draws=opts.draws, seed=opts.seed
        )
        ctx.publish(
            section,
            Table(
                name="strategy_sensitivity",
                title=title,
                frame=ctx.with_names(sensitivity),
                decimals={"median_rank": 1, "rank_q05": 0, "rank_q95": 0},
            ),
        )
    labels = {
        code: name.removeprefix("Jobcenter ").removeprefix("Jobcentre ")
        for code, name in ctx.names.items()
    }
    ctx.figure(
        section,
        ctx.t("strategy_fig", draws=thousands(opts.draws, ctx.lang)),
        lambda plots: plots.strategy_plot(
            scores, sensitivity, lang=ctx.lang, unit_labels=labels, title=""
        ),
    )
    return section


# --------------------------------------------------------------------------------------------
# Benchmarking
# --------------------------------------------------------------------------------------------


#: Significance level of the test for overdispersion that decides the report's funnel limits.
OVERDISPERSION_ALPHA = 0.05


def short_names(table: pd.DataFrame) -> dict[int, str]:
    """Jobcentre code to its name without the word "Jobcenter" (the funnel plot's labels)."""
    names = {}
    for code, name in zip(table["jobcentre"], table["jobcentre_name"], strict=True):
        if isinstance(name, str) and name:
            names[int(code)] = name.removeprefix("Jobcenter ").strip() or name
    return names


def overdispersion_p_value(phi: float, units: int) -> float:
    r"""P-value of Spiegelhalter's test for overdispersion among ``units`` units.

    Without overdispersion :math:`N\hat\phi` is approximately :math:`\chi^2` with
    :math:`N - 1` degrees of freedom (Spiegelhalter 2005, section 3.2); the p-value is its upper
    tail. The report uses the overdispersed funnel limits when it is below
    :data:`OVERDISPERSION_ALPHA`.

    References
    ----------
    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators. *Quality
    and Safety in Health Care* 14, 347–351.
    """
    from scipy.stats import chi2

    return float(chi2.sf(units * phi, units - 1))


def _outcome_spec(row: tuple[str, ...], base: tuple[str, ...]) -> TableSpec:
    """Persons and job entries per jobcentre, with the columns computed from them.

    ``row`` columns are computed from the row's persons and entries (the people who did not
    enter a job stand behind a rate too); ``base`` columns (funnel limits, shrinkage weights)
    from its persons and the pooled rate over every row.
    """
    return TableSpec(
        universe="outcomes",
        by=("jobcentre",),
        measures=(
            Measure(column="n", derived=(*row, *base)),
            Measure(column="count", units="entered", derived=row),
            Measure(column=None, units="not entered", derived=row),
            Measure(column=None, units="entered", over="jobcentre", derived=base),
            Measure(column=None, over="jobcentre", derived=base),
        ),
    )


def _shrunk_from_shown(
    best: pd.DataFrame, basis: pd.DataFrame, funnelled: pd.DataFrame | None
) -> pd.DataFrame:
    r"""Best practice with its prior and limits from the jobcentres whose counts are published.

    The empirical-Bayes prior (Marshall's mean :math:`m` and between-unit variance
    :math:`\hat A`) is estimated on ``basis`` and applied to every row —
    :math:`C_i = \hat A / (\hat A + m(1 - m)/n_i)`, :math:`\tilde r_i = m + C_i (r_i - m)` —
    and the upper limit is the funnel's, so no published number depends on a hidden count.
    """
    fitted = shrink_binomial(basis["entered_job"].to_numpy(), basis["persons"].to_numpy())
    mean, between = float(fitted.mean), float(fitted.between_variance)
    n = best["n"].to_numpy(dtype=np.float64)
    rate = best["count"].to_numpy(dtype=np.float64) / n
    variance = mean * (1.0 - mean) / n
    weight = between / (between + variance) if between > 0 else np.zeros_like(n)
    shrunk = mean + weight * (rate - mean)
    out = best.assign(shrunk=shrunk, weight=weight)
    if funnelled is not None and "high_95" in out.columns:
        limits = funnelled.set_index("jobcentre")["high_95"]
        out = out.assign(high_95=out["jobcentre"].map(limits).to_numpy(dtype=np.float64))
    return out.assign(positive_deviant=out["shrunk"].to_numpy() > out["high_95"].to_numpy())


#: The framework conditions of the outcomes the adjusted benchmarking uses, where present, and
#: the key of each one's name in the report's texts.
FRAMEWORK_COLUMNS = {
    "social_assistance_pct": "condition_social_assistance_pct",
    "unemployment_pct": "condition_unemployment_pct",
}


def _expected_from_shown(usable: pd.DataFrame, basis: pd.DataFrame, conditions: list[str]) -> Any:
    r"""Each row's expected job entries from a logit model fitted on the published rows only.

    :math:`E_i = n_i\,\operatorname{expit}(x_i^\top\hat\beta)`, :math:`\hat\beta` from
    :func:`~jobhandicap.benchmark.expected_outcomes` on ``basis``, so that no published number
    depends on a hidden count. Returns the expected counts and the fitted model.
    """
    model = expected_outcomes(basis, conditions)
    if model.fit is None:  # pragma: no cover - a model was asked for
        raise JobhandicapError("the adjusted benchmarking needs a model")
    coefficients = model.coefficients.set_index("term")["coefficient"]
    linear = np.full(len(usable), float(coefficients["intercept"]))
    for name in conditions:
        if np.isfinite(coefficients[name]):  # a constant condition is left out of the model
            linear = linear + float(coefficients[name]) * usable[name].to_numpy(np.float64)
    persons = usable["persons"].to_numpy(dtype=np.float64)
    return persons / (1.0 + np.exp(-linear)), model


def _adjusted_benchmark(
    ctx: Context, section: Section, usable: pd.DataFrame, year: int
) -> tuple[int, int] | None:
    """Observed against expected job entry given the framework conditions, next to the raw."""
    conditions = [c for c in FRAMEWORK_COLUMNS if c in usable.columns and usable[c].notna().all()]
    if not conditions:
        section.note(ctx.t("benchmark_adjusted_no_conditions"))
        return None
    counted = usable[["jobcentre", "persons", "entered_job", *conditions]]
    basis = counted[ctx.shown_rows("benchmark_adjusted", counted["jobcentre"], ("n", "count"))]
    expected, model = _expected_from_shown(counted, basis, conditions)
    frame = counted.assign(expected=expected)
    shown = frame[ctx.shown_rows("benchmark_adjusted", frame["jobcentre"], ("n", "count"))]
    plain = funnel(shown, count="entered_job", total="persons", expected="expected")
    phi = float(plain.attrs["phi"])
    p_value = overdispersion_p_value(phi, len(plain))
    overdispersed = p_value < OVERDISPERSION_ALPHA
    # The estimate is in the attrs of the plain funnel too: no second funnel needed.
    tau2 = float(plain.attrs["tau2"])
    result = funnel(
        frame,
        count="entered_job",
        total="persons",
        expected="expected",
        overdispersion=tau2 if overdispersed else False,
    )
    result.insert(
        list(result.columns).index("count") + 1,
        "share",
        result["count"].to_numpy(dtype=np.float64) / result["n"].to_numpy(dtype=np.float64),
    )
    scores = ctx.strategies()
    if scores is not None:
        result = result.merge(
            scores[["jobcentre", "strategy"]], on="jobcentre", how="left", validate="one_to_one"
        )
    flags = tuple(c for c in result.columns if str(c).startswith("flag_"))
    terms = model.coefficients.set_index("term")["coefficient"]
    effects = "; ".join(
        ctx.t(
            "benchmark_adjusted_effect",
            condition=ctx.t(FRAMEWORK_COLUMNS[name]),
            change=number(100.0 * (np.exp(float(terms[name])) - 1.0), 1, ctx.lang),
        )
        for name in conditions
        if np.isfinite(terms[name])
    )
    section.paragraphs.append(
        ctx.t(
            "benchmark_adjusted_method",
            conditions=", ".join(ctx.t(FRAMEWORK_COLUMNS[name]) for name in conditions),
            effects=effects,
            phi=number(phi, 2, ctx.lang),
            p=p_text(p_value, ctx.lang),
            limits=ctx.t(
                "benchmark_adjusted_overdispersed" if overdispersed else "benchmark_adjusted_exact"
            ),
        )
    )
    published = ctx.publish(
        section,
        Table(
            name="benchmark_adjusted",
            title=ctx.t("benchmark_adjusted", year=year),
            frame=ctx.with_names(result),
            spec=_outcome_spec(
                row=("share", "ratio", "ci_low", "ci_high", "p_value", *flags),
                base=(
                    "expected",
                    *(c for c in result.columns if str(c).startswith(("low_", "high_"))),
                ),
            ),
            html_columns=(
                "jobcentre",
                "jobcentre_name",
                "n",
                "count",
                "share",
                "expected",
                "ratio",
                "ci_low",
                "ci_high",
                *flags,
                *(("strategy",) if "strategy" in result.columns else ()),
            ),
            decimals={"expected": 1},
        ),
    )
    outer = flags[-1] if flags else None
    if outer is None:  # pragma: no cover - funnel always has limits
        return None
    flagged = published.table[outer].astype("object")
    return int((flagged == "above").sum()), int((flagged == "below").sum())


def benchmark_section(ctx: Context) -> Section:
    """Funnel of job entry, best practice and job entry by strategy type."""
    outcomes = ctx.frames["outcomes"]
    opts = ctx.options
    years = sorted(int(y) for y in outcomes["year"].dropna().unique())
    year = opts.outcome_year if opts.outcome_year is not None else (years[-1] if years else 0)
    section = Section(
        id="benchmark",
        title=ctx.t("benchmark"),
        method=ctx.t("benchmark_method", n_boot=opts.n_boot, seed=opts.seed),
    )
    section.paragraphs.append(ctx.t("benchmark_lead", year=year))
    above = below = None
    overdispersed = False
    tau2 = 0.0
    funnelled: pd.DataFrame | None = None
    in_year = outcomes[outcomes["year"] == year]
    empty = in_year["persons"] <= 0
    usable = in_year[~empty]  # a rate needs persons: the funnel and best practice use these
    with ctx.attempt(section, ctx.t("funnel", year=year)):
        if in_year.empty:
            raise JobhandicapError(f"the outcomes have no rows for year {year}; years: {years}")
        if empty.any():
            section.note(ctx.t("benchmark_no_persons", count=int(empty.sum()), year=year))
        # Pooled rate, overdispersion and its test from the jobcentres whose counts are
        # published only: they feed every row's limits, and a hidden count must not.
        basis = usable[ctx.shown_rows("funnel", usable["jobcentre"], ("n", "count"))]
        plain = funnel(basis, count="entered_job", total="persons")
        target, phi = float(plain.attrs["target"]), float(plain.attrs["phi"])
        p_value = overdispersion_p_value(phi, len(plain))
        overdispersed = p_value < OVERDISPERSION_ALPHA
        if overdispersed:
            tau2 = float(plain.attrs["tau2"])
        result = funnel(
            usable,
            count="entered_job",
            total="persons",
            target=target,
            overdispersion=tau2 if overdispersed else False,
        )
        section.paragraphs.append(
            ctx.t(
                "funnel_overdispersed" if overdispersed else "funnel_not_overdispersed",
                phi=number(phi, 2, ctx.lang),
                p=p_text(p_value, ctx.lang),
            )
        )
        flags = tuple(c for c in result.columns if str(c).startswith("flag_"))
        published = ctx.publish(
            section,
            Table(
                name="funnel",
                title=ctx.t("funnel", year=year),
                frame=ctx.with_names(result),
                spec=_outcome_spec(
                    row=("share", "ci_low", "ci_high", "p_value", *flags),
                    base=tuple(c for c in result.columns if str(c).startswith(("low_", "high_"))),
                ),
                html_columns=(
                    "jobcentre",
                    "jobcentre_name",
                    "n",
                    "count",
                    "share",
                    "ci_low",
                    "ci_high",
                    *flags,
                ),
            ),
        )
        funnelled = result
        outer = flags[-1] if flags else None
        if outer is not None:
            shown = published.table[outer].astype("object")
            above, below = int((shown == "above").sum()), int((shown == "below").sum())
        visible = published.table[published.table["share"].notna()]
        ctx.figure(
            section,
            ctx.t("benchmark_fig", year=year),
            lambda plots: plots.funnel_plot(
                visible.drop(columns="jobcentre_name"),
                lang=ctx.lang,
                title="",
                unit="jobcentre",
                unit_labels=short_names(visible),
            ),
        )
    adjusted: tuple[int, int] | None = None
    if not usable.empty:
        with ctx.attempt(section, ctx.t("benchmark_adjusted", year=year)):
            adjusted = _adjusted_benchmark(ctx, section, usable, year)
    if adjusted is not None and above is not None:
        section.paragraphs.append(
            ctx.t(
                "benchmark_adjusted_summary",
                above=adjusted[0],
                below=adjusted[1],
                raw_above=above,
                raw_below=below,
            )
        )
    if "profiles" not in ctx.frames:
        section.note(ctx.t("benchmark_no_profiles"))
        return section
    deviants = None
    practice: Published | None = None
    with ctx.attempt(section, ctx.t("best_practice", year=year)):
        best = best_practice(
            usable,
            ctx.frames["profiles"],
            year=year,
            overdispersion=tau2 if overdispersed else False,
        )
        best = _shrunk_from_shown(
            best,
            usable[ctx.shown_rows("best_practice", usable["jobcentre"], ("n", "count"))],
            funnelled,
        )
        practice = ctx.publish(
            section,
            Table(
                name="best_practice",
                title=ctx.t("best_practice", year=year),
                frame=ctx.with_names(best),
                spec=_outcome_spec(
                    row=("share", "ci_low", "ci_high", "shrunk", "positive_deviant"),
                    base=("weight", "high_95"),
                ),
                html_columns=(
                    "jobcentre",
                    "jobcentre_name",
                    "n",
                    "count",
                    "share",
                    "ci_low",
                    "ci_high",
                    "shrunk",
                    "positive_deviant",
                    "strategy",
                ),
            ),
        )
        deviants = int(practice.table["positive_deviant"].fillna(False).astype(bool).sum())
    if above is not None and deviants is not None:
        section.paragraphs.append(
            ctx.t("benchmark_summary", above=above, below=below, deviants=deviants)
        )
    if practice is not None:
        with ctx.attempt(section, ctx.t("outcomes_by_strategy")):
            units = practice.table[["jobcentre", "share", "strategy"]]
            present = set(units["strategy"].dropna().astype("object"))
            reference = "reactive" if "reactive" in present else None
            compared = compare_groups(
                units,
                value="share",
                by="strategy",
                reference=reference,
                n_boot=opts.n_boot,
                seed=opts.seed,
            )
            ctx.publish(
                section,
                Table(
                    name="outcomes_by_strategy",
                    title=ctx.t("outcomes_by_strategy"),
                    frame=compared,
                ),
            )
    return section
