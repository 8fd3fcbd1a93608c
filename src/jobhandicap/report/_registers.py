"""The register sections of the report: processing time, use and expenditure, employment gap."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd

from jobhandicap.cases import compare_processing_time, grant_rate, processing_time
from jobhandicap.disclosure import Measure, TableSpec
from jobhandicap.errors import JobhandicapError
from jobhandicap.gap import employment_gap
from jobhandicap.report._context import (
    Context,
    Section,
    thousands,
    value_of,
)
from jobhandicap.report._tables import THRESHOLD, Published, Table
from jobhandicap.report._text import number, p_text, percent
from jobhandicap.report._units import case_units, grant_units, people_units
from jobhandicap.usage import (
    active_grants,
    count_cases,
    expenditure_shares,
    rates_per_population,
    scheme_usage,
    target_group_coverage,
)

# --------------------------------------------------------------------------------------------
# Processing time and grant rates
# --------------------------------------------------------------------------------------------

_RATE = ("rate", "ci_low", "ci_high")
_DAYS = dict.fromkeys(
    ("median_days", "median_ci_low", "median_ci_high", "q25_days", "q75_days"), 0
)


def cases_section(ctx: Context) -> Section:
    """Kaplan–Meier processing time by year, its curves, and grant rates by scheme."""
    cases = ctx.frames["cases"]
    extracted = ctx.extracted
    ctx.add_units("cases", case_units(cases, extracted))
    section = Section(id="cases", title=ctx.t("cases"), method=ctx.t("cases_method"))
    shown = "–" if extracted is None else extracted.isoformat()
    section.paragraphs.append(ctx.t("cases_lead", extracted=shown))
    with ctx.attempt(section, ctx.t("processing_time")):
        # The published tables keep their columns and names: the report's files are a release.
        times = processing_time(cases, by="year", extracted=extracted).rename(
            columns={"ci_low": "median_ci_low", "ci_high": "median_ci_high"}
        )
        counts = ["year", "n", "decided", "open", "withdrawn"]
        times = times[[*counts, *(c for c in times.columns if c not in counts)]]
        estimates = tuple(
            c for c in times.columns if c not in ("year", "n", "decided", "open", "withdrawn")
        )
        published = ctx.publish(
            section,
            Table(
                name="processing_time",
                title=ctx.t("processing_time"),
                frame=times,
                spec=TableSpec(
                    universe="cases",
                    by=("year",),
                    measures=(
                        # Medians and quantiles are days, not counts: hidden with a small
                        # base, kept when n is hidden only to protect another count.
                        Measure(column="n", units="time_n", describes=estimates),
                        Measure(column="decided", units="time_decided"),
                        Measure(column="open", units="time_open"),
                        Measure(column="withdrawn", units="withdrawn"),
                    ),
                ),
                decimals=_DAYS,
            ),
        )
        first, last = value_of(published, "median_days", 0), value_of(published, "median_days", -1)
        if len(published.table) >= 2 and first is not None and last is not None:
            section.paragraphs.append(
                ctx.t(
                    "cases_summary",
                    first=number(first, 0, ctx.lang),
                    first_year=published.table["year"].iloc[0],
                    last=number(last, 0, ctx.lang),
                    last_year=published.table["year"].iloc[-1],
                )
            )
        # A full Kaplan–Meier curve shows every day's decisions (its steps times n are counts,
        # many of them small): draw the quartiles the table publishes, nothing more.
        curves = _quartile_curves(published)
        if len(curves):
            ctx.figure(
                section,
                ctx.t("cases_fig"),
                lambda plots: plots.survival_plot(curves, by="year", lang=ctx.lang, title=""),
            )
    if cases["applied"].dt.year.nunique() >= 2:
        with ctx.attempt(section, ctx.t("processing_time_comparison")):
            _comparison(ctx, section, cases)
    with ctx.attempt(section, ctx.t("grant_rate")):
        rates = grant_rate(cases, by="scheme").rename(
            columns={"count": "granted", "share": "rate"}
        )
        ctx.publish(
            section,
            Table(
                name="grant_rate",
                title=ctx.t("grant_rate"),
                frame=rates,
                spec=TableSpec(
                    universe="cases",
                    by=("scheme",),
                    measures=(
                        Measure(column="n", units="decided", derived=_RATE),
                        Measure(column="granted", units="granted", derived=_RATE),
                        # The refusals, n - granted, stand behind the rate.
                        Measure(column=None, units="refused", derived=_RATE),
                    ),
                ),
            ),
        )
    return section


_COMPARISON_DAYS = dict.fromkeys(
    (
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "rmst_days",
        "rmst_ci_low",
        "rmst_ci_high",
        "rmst_difference_days",
        "rmst_difference_ci_low",
        "rmst_difference_ci_high",
    ),
    1,
)


def _comparison(ctx: Context, section: Section, cases: pd.DataFrame) -> None:
    """Processing time compared across the years, stratified by jobcentre: tests and RMST.

    Per year: all cases (withdrawn ones are censored at their withdrawal here), the decided,
    open and withdrawn cases as in ``processing_time``, the median and the restricted mean with
    their intervals, and the restricted mean's difference from the first year. The tests go
    into the text: they describe every year at once, not one row.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small years warn in processing_time already
        result = compare_processing_time(
            cases, "year", extracted=ctx.extracted, strata="jobcentre", n_boot=199
        )
    groups = result.groups.rename(columns={"ci_low": "median_ci_low", "ci_high": "median_ci_high"})
    change = result.differences[
        ["year", "rmst_difference_days", "rmst_difference_ci_low", "rmst_difference_ci_high",
         "rmst_p_value"]
    ]  # fmt: skip
    frame = groups[
        ["year", "n", "decided", "open", "withdrawn", "median_days", "median_ci_low",
         "median_ci_high", "rmst_days", "rmst_ci_low", "rmst_ci_high"]
    ].merge(change, on="year", how="left")  # fmt: skip
    estimates = tuple(frame.columns[5:])
    published = ctx.publish(
        section,
        Table(
            name="processing_time_comparison",
            title=ctx.t("processing_time_comparison", tau=number(result.tau_days, 0, ctx.lang)),
            frame=frame,
            spec=TableSpec(
                universe="cases",
                by=("year",),
                measures=(
                    # Every case of the year (withdrawn ones censored), which the estimates
                    # describe; the statuses are the quantities of processing_time.
                    Measure(column="n", units=None, describes=estimates),
                    Measure(column="decided", units="time_decided"),
                    Measure(column="open", units="time_open"),
                    Measure(column="withdrawn", units="withdrawn"),
                ),
            ),
            decimals=_COMPARISON_DAYS,
        ),
    )
    tests = {str(row["test"]): row for row in result.tests.to_dict("records")}
    first = value_of(published, "rmst_days", 0)
    last = value_of(published, "rmst_days", -1)
    if "stratified trend" not in tests or first is None or last is None:
        return
    trend, overall = tests["stratified trend"], tests["stratified log-rank"]
    if not (np.isfinite(float(trend["statistic"])) and np.isfinite(float(overall["statistic"]))):
        return
    section.paragraphs.append(
        ctx.t(
            "cases_comparison",
            strata=int(overall["strata"]),
            trend=number(float(trend["statistic"]), 1, ctx.lang),
            trend_p=p_text(float(trend["p_value"]), ctx.lang),
            overall=number(float(overall["statistic"]), 1, ctx.lang),
            df=int(overall["df"]),
            overall_p=p_text(float(overall["p_value"]), ctx.lang),
            tau=number(result.tau_days, 0, ctx.lang),
            first=number(first, 1, ctx.lang),
            first_year=published.table["year"].iloc[0],
            last=number(last, 1, ctx.lang),
            last_year=published.table["year"].iloc[-1],
        )
    )
    section.paragraphs.append(ctx.t("cases_comparison_method"))


def _quartile_curves(published: Published) -> pd.DataFrame:
    """Steps through the published quartiles of each year: 75 %, 50 % and 25 % not decided.

    Only the days the table shows (``q25_days``, ``median_days``, ``q75_days``) are used, so
    the figure shows no more than the table; a quartile the table hides or that was not
    reached is left out.
    """
    table = published.table
    pieces = []
    for column, left in (("q25_days", 0.75), ("median_days", 0.5), ("q75_days", 0.25)):
        days = table[column].to_numpy(dtype=np.float64, na_value=np.nan)
        usable = np.isfinite(days) & ~published.mask[column].to_numpy(dtype=bool)
        pieces.append(
            pd.DataFrame(
                {"year": table["year"].to_numpy()[usable], "time": days[usable], "survival": left}
            )
        )
    return pd.concat(pieces, ignore_index=True).sort_values(["year", "time"], kind="stable")


# --------------------------------------------------------------------------------------------
# Use of the schemes and expenditure
# --------------------------------------------------------------------------------------------


def usage_section(ctx: Context) -> Section:
    """Scheme usage, expenditure shares, rates per population and target-group coverage."""
    cases = ctx.frames["cases"]
    ctx.add_units("cases", case_units(cases, ctx.extracted))
    section = Section(id="usage", title=ctx.t("usage"), method=ctx.t("usage_method"))
    section.paragraphs.append(ctx.t("usage_lead"))
    with ctx.attempt(section, ctx.t("scheme_usage")):
        ctx.publish(
            section,
            Table(
                name="scheme_usage",
                title=ctx.t("scheme_usage"),
                # Granted applications by application year: the units of the cases.
                frame=scheme_usage(cases, count="applications").rename(columns={"count": "cases"})[
                    ["year", "scheme", "cases", "jobcentres", "share"]
                ],
                spec=TableSpec(
                    universe="cases",
                    by=("year", "scheme"),
                    measures=(
                        Measure(column="cases", units="granted", derived=("jobcentres", "share")),
                        # The year's total, behind the shares.
                        Measure(column=None, units="granted", over="scheme", derived="share"),
                    ),
                ),
            ),
        )
    _active_grants(ctx, section, cases)
    with ctx.attempt(section, ctx.t("expenditure_shares")):
        if not (cases["amount_dkk"].gt(0) & cases["decision"].eq("granted")).any():
            # Publishing 0 DKK for every scheme would say nothing was spent.
            raise JobhandicapError(ctx.t("usage_no_amounts"))
        shares = expenditure_shares(cases).rename(
            columns={"n": "cases", "n_with_amount": "cases_with_amount"}
        )
        published = ctx.publish(
            section,
            Table(
                name="expenditure_shares",
                title=ctx.t("expenditure_shares"),
                frame=shares,
                spec=TableSpec(
                    universe="cases",
                    by=("scheme",),
                    measures=(
                        # Amounts are protected as amounts (few contributors, dominance),
                        # not hidden with every count of their row.
                        Measure(column="cases", units="granted"),
                        Measure(column="cases_with_amount", units="with_amount"),
                        # The granted cases without an amount, cases - cases_with_amount.
                        Measure(column=None, units="without_amount"),
                        Measure(
                            column="amount_dkk",
                            units="granted",
                            amount="amount_dkk",
                            derived="share",
                        ),
                        Measure(
                            column="total_dkk",
                            units="granted",
                            amount="amount_dkk",
                            over="scheme",
                            derived="share",
                        ),
                    ),
                ),
                decimals={"amount_dkk": 0, "total_dkk": 0},
            ),
        )
        _usage_summary(ctx, section, published)
        visible = published.table[published.table["share"].notna()]
        if len(visible):
            ctx.figure(
                section,
                ctx.t("usage_fig"),
                lambda plots: plots.expenditure_plot(visible, lang=ctx.lang, title=""),
            )
    if "population" not in ctx.frames:
        section.note(ctx.t("usage_no_population"))
    else:
        with ctx.attempt(section, ctx.t("rates_per_population")):
            counts = count_cases(cases)
            rates = rates_per_population(counts, ctx.frames["population"]).rename(
                columns={"rate_per_10000": "rate"}
            )
            ctx.publish(
                section,
                Table(
                    name="rates_per_population",
                    title=ctx.t("rates_per_population"),
                    frame=ctx.with_names(rates),
                    spec=TableSpec(
                        universe="cases",
                        by=("jobcentre", "year"),
                        measures=(Measure(column="count", units="granted", derived=_RATE),),
                    ),
                    decimals={"rate": 1, "ci_low": 1, "ci_high": 1},
                ),
            )
    with ctx.attempt(section, ctx.t("target_group_coverage")):
        coverage = target_group_coverage(cases, by=("jobcentre", "year"), per_scheme=False).rename(
            columns={"n": "cases"}
        )
        ctx.publish(
            section,
            Table(
                name="target_group_coverage",
                title=ctx.t("target_group_coverage"),
                frame=ctx.with_names(coverage),
                spec=TableSpec(
                    universe="cases",
                    by=("jobcentre", "year"),
                    measures=(
                        Measure(
                            column="cases", units="granted", derived=("target_groups", "which")
                        ),
                    ),
                ),
                withheld=_naming_small_groups(coverage),
                html_columns=("jobcentre", "jobcentre_name", "year", "cases", "target_groups"),
            ),
        )
    return section


def _naming_small_groups(coverage: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rows whose list of target groups would tell that every listed group is small.

    Each listed group holds at least one of the row's ``n`` cases, so with ``k`` groups listed
    each holds at most ``n - k + 1``; when that is below the threshold, the list (and its
    length) would say that each group named has fewer than 5 cases, and it is withheld. No
    other table of the report breaks the cases down by target group, so this bound is all an
    attacker has.
    """
    n = coverage["cases"].to_numpy(dtype=np.float64)
    k = coverage["target_groups"].to_numpy(dtype=np.float64)
    small = (k > 0) & (n - k + 1 < THRESHOLD)
    return {"which": small, "target_groups": small}


def _grant_years(cases: pd.DataFrame, extracted: dt.date | None) -> list[int]:
    """The years of the grants table: from the first period's start to the last whole year.

    The last year is the one before the extraction date's (the extraction year is not
    over), or the data's last year without an extraction date.
    """
    starts = cases["granted_from"].dropna()
    first = int(starts.min().year)
    if extracted is not None:
        last = (
            extracted.year if (extracted.month, extracted.day) == (12, 31) else extracted.year - 1
        )
    else:
        last = int(max(cases["applied"].max().year, starts.max().year))
    return list(range(first, max(first, last) + 1))


def _active_grants(ctx: Context, section: Section, cases: pd.DataFrame) -> None:
    """Grants in force per year (the stock) next to new grants (the flow), by scheme."""
    with ctx.attempt(section, ctx.t("active_grants")):
        if "granted_from" not in cases.columns or not cases["granted_from"].notna().any():
            section.note(ctx.t("active_grants_no_periods"))
            return
        years = _grant_years(cases, ctx.extracted)
        table = active_grants(cases, years=years, by="scheme").sort_values(
            ["year", "scheme"], kind="stable", ignore_index=True
        )
        ctx.add_units("grants", grant_units(cases, years))
        ctx.publish(
            section,
            Table(
                name="active_grants",
                title=ctx.t("active_grants"),
                frame=table[["year", "scheme", "active", "new"]],
                spec=TableSpec(
                    universe="grants",
                    by=("year", "scheme"),
                    measures=(
                        Measure(column="active", units="active"),
                        Measure(column="new", units="new"),
                    ),
                ),
            ),
        )
        section.paragraphs.append(ctx.t("active_grants_text", last_year=years[-1]))


def _usage_summary(ctx: Context, section: Section, published: Published) -> None:
    table = published.table
    rows = np.flatnonzero(
        (table["scheme"].astype("object") == "personal assistance").to_numpy(dtype=bool)
    )
    if len(rows) != 1:
        return
    row = int(rows[0])
    share, amount = value_of(published, "share", row), value_of(published, "amount_dkk", row)
    total = value_of(published, "total_dkk", row)
    if share is None or amount is None or total is None:
        return
    section.paragraphs.append(
        ctx.t(
            "usage_summary",
            share=percent(share, ctx.lang),
            amount=thousands(amount, ctx.lang),
            total=thousands(total, ctx.lang),
        )
    )


# --------------------------------------------------------------------------------------------
# Employment gap
# --------------------------------------------------------------------------------------------


def gap_section(ctx: Context) -> Section:
    """The Eurostat disability employment gap, overall and by level of limitation."""
    people = ctx.frames["people"]
    section = Section(id="gap", title=ctx.t("gap"), method=ctx.t("gap_method"))
    section.paragraphs.append(ctx.t("gap_lead"))
    with ctx.attempt(section, ctx.t("employment_gap")):
        weight = "weight" if "weight" in people.columns else None
        result = employment_gap(people, weights=weight, split_severity=True)
        rates = ["rate_disabled", "rate_not_disabled"]
        result = result[[*result.columns[:3], *rates, *result.columns[3:].drop(rates)]]
        ctx.add_units("people", people_units(people, weight), weights="persons")
        both = ("gap_pp", "ci_low", "ci_high", "relative_rate")
        published = ctx.publish(
            section,
            Table(
                name="employment_gap",
                title=ctx.t("employment_gap"),
                frame=result,
                spec=TableSpec(
                    universe="people",
                    by=("severity",),
                    totals=("some or severe",),
                    measures=(
                        Measure(
                            column="n_disabled",
                            units="disabled",
                            derived=("rate_disabled", "n_eff_disabled", *both),
                        ),
                        # Rate times count is the number employed: both parts are counts.
                        Measure(
                            column=None,
                            units="disabled_employed",
                            derived=("rate_disabled", *both),
                        ),
                        Measure(
                            column=None,
                            units="disabled_not_employed",
                            derived=("rate_disabled", *both),
                        ),
                        Measure(
                            column="n_not_disabled",
                            units="not_disabled",
                            over="severity",
                            derived=("rate_not_disabled", "n_eff_not_disabled", *both),
                        ),
                        Measure(
                            column=None,
                            units="not_disabled_employed",
                            over="severity",
                            derived=("rate_not_disabled", *both),
                        ),
                        Measure(
                            column=None,
                            units="not_disabled_not_employed",
                            over="severity",
                            derived=("rate_not_disabled", *both),
                        ),
                        Measure(column="n_missing", units="missing", over="severity"),
                    ),
                ),
                html_columns=(
                    "severity",
                    "n_disabled",
                    "n_not_disabled",
                    "rate_disabled",
                    "rate_not_disabled",
                    "gap_pp",
                    "ci_low",
                    "ci_high",
                    "relative_rate",
                    "age_band",
                ),
                decimals={"gap_pp": 1, "ci_low": 1, "ci_high": 1},
            ),
        )
        gap = value_of(published, "gap_pp", 0)
        disabled = value_of(published, "rate_disabled", 0)
        not_disabled = value_of(published, "rate_not_disabled", 0)
        low, high = value_of(published, "ci_low", 0), value_of(published, "ci_high", 0)
        if None not in (gap, disabled, not_disabled, low, high):
            section.paragraphs.append(
                ctx.t(
                    "gap_summary",
                    rate_disabled=percent(disabled or 0.0, ctx.lang, 0),
                    rate_not_disabled=percent(not_disabled or 0.0, ctx.lang, 0),
                    gap=number(gap or 0.0, 1, ctx.lang),
                    ci=ctx.t(
                        "ci",
                        low=number(low or 0.0, 1, ctx.lang),
                        high=number(high or 0.0, 1, ctx.lang),
                    ),
                )
            )
    return section
