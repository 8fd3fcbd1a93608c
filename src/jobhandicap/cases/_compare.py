"""Comparing processing times between groups: log-rank tests, medians and restricted means."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap._grouping import as_by, refuse_reserved, warn_left_out
from jobhandicap._options import Seed, check_count, check_level, generator, warn_small_bases
from jobhandicap.cases._review import DECISION_COLUMNS, DateLike, decisions_reduction
from jobhandicap.errors import ArgumentTypeError, DataQualityWarning, OptionError
from jobhandicap.stats import (
    LogRankTest,
    bootstrap_median_survival,
    kaplan_meier_from_counts,
    logrank_from_counts,
    logrank_trend,
    restricted_mean_difference,
    restricted_mean_from_counts,
    survival_quantiles,
)

__all__ = ["ProcessingTimeComparison", "compare_processing_time"]

_KEYS = ("time", "events", "censored")
#: Columns of the reduced table and of the results besides the groups: no group is named so.
RESERVED = (
    *DECISION_COLUMNS,
    "median_days",
    "ci_low",
    "ci_high",
    "rmst_days",
    "rmst_ci_low",
    "rmst_ci_high",
    "rmst_se",
    "decided",
    "open",
    "tau_days",
    "reference",
    "median_difference_days",
    "rmst_difference_days",
    "rmst_difference_ci_low",
    "rmst_difference_ci_high",
    "rmst_difference_se",
    "rmst_p_value",
)


@attrs.frozen(kw_only=True, eq=False)
class ProcessingTimeComparison:
    """The result of :func:`compare_processing_time`: three tidy frames and the horizon.

    Attributes
    ----------
    tests
        One row per test: ``test`` (``"log-rank"``; ``"stratified log-rank"`` with
        ``strata=``; ``"trend"`` and ``"stratified trend"`` for ordered groups), ``strata``
        (strata the test sums over; 1 unstratified), ``n`` (cases), ``events`` (decisions),
        ``statistic`` (χ²), ``df``, ``p_value``, ``z`` (the signed trend statistic: positive
        when groups with higher scores — later years — are decided faster; NaN for the
        overall tests).
    groups
        One row per group: the ``by`` columns, ``n`` (cases: decided, open and withdrawn),
        ``median_days`` with its Brookmeyer–Crowley interval ``ci_low``, ``ci_high``,
        ``rmst_days`` (restricted mean time to decision up to ``tau_days``) with its normal
        interval ``rmst_ci_low``, ``rmst_ci_high`` and standard error ``rmst_se``,
        ``decided``, ``open``, ``withdrawn`` and ``tau_days``.
    differences
        One row per group other than the reference: the ``by`` columns, ``reference`` (the
        reference group), ``n`` (cases of the two groups), ``median_difference_days`` (group
        minus reference) with its bootstrap percentile interval ``ci_low``, ``ci_high``,
        ``rmst_difference_days`` with its normal interval ``rmst_difference_ci_low``,
        ``rmst_difference_ci_high``, its standard error ``rmst_difference_se`` and
        ``rmst_p_value`` (H0: equal restricted means).
    tau_days
        The horizon of the restricted means.
    """

    tests: pd.DataFrame
    groups: pd.DataFrame
    differences: pd.DataFrame
    tau_days: float

    def __repr__(self) -> str:
        return (
            f"ProcessingTimeComparison(tests={len(self.tests)} rows, groups={len(self.groups)} "
            f"rows, differences={len(self.differences)} rows, tau_days={self.tau_days:g})"
        )


def compare_processing_time(
    cases: pd.DataFrame,
    by: str | Sequence[str],
    *,
    extracted: DateLike | None = None,
    strata: str | Sequence[str] | None = None,
    tau: float | None = None,
    reference: Any = None,
    scores: Sequence[float] | Mapping[Any, float] | None = None,
    level: float = DEFAULT_LEVEL,
    n_boot: int = DEFAULT_N_BOOT,
    seed: Seed = DEFAULT_SEED,
) -> ProcessingTimeComparison:
    r"""Compare processing times between groups: tests, medians and restricted means.

    Parameters
    ----------
    cases
        Canonical cases frame.
    by
        The column(s) whose values are the compared groups, or ``"year"`` (the application
        year). At least two groups are needed.
    extracted
        The extraction date: open cases (and cases decided or withdrawn after it) are
        censored there. Required when any case is open.
    strata
        Optional column(s), for example ``"jobcentre"``: adds the stratified log-rank test,
        which compares the groups *within* each stratum, so that a change in the mix of
        strata cannot fake a difference. A stratum with one group contributes nothing.
    tau
        The horizon (days) of the restricted means. By default the largest time at which
        every group still has cases at risk (the smallest of the groups' last times). A
        ``tau`` beyond a group's last time carries its curve flat (a
        :class:`~jobhandicap.errors.DataQualityWarning` says so).
    reference
        The group the others are compared with; by default the first (the earliest year).
        With several ``by`` columns, a tuple of their values.
    scores
        Scores of the groups for the trend test: one number per group in sorted order, or a
        mapping of group to score. By default groups are ordered only when ``by`` is
        ``"year"`` (scores are the years) or one ordered categorical (scores 1, …, k); other
        groups, numeric codes such as jobcentre numbers included, get no trend test unless
        scores are given.
    level
        Confidence level of every interval.
    n_boot
        Bootstrap resamples for the interval of the median differences.
    seed
        Seed of the bootstrap (an int, a :class:`numpy.random.Generator`, or ``None``).

    Returns
    -------
    ProcessingTimeComparison
        ``tests``, ``groups`` and ``differences`` (see :class:`ProcessingTimeComparison`)
        and ``tau_days``.

    Raises
    ------
    MissingColumnsError
        When a ``by`` or ``strata`` column is missing.
    OptionError
        When there are fewer than two groups, ``by`` and ``strata`` share a column or name
        a column of the results or of the reduced table (``time``, ``n``, ``events``,
        ``censored``, ``withdrawn``, ``median_days``, …; rename it), ``tau``
        is not a positive number of days, ``reference`` is not a group, ``scores`` do not
        fit the groups, or ``level``/``n_boot`` are out of range
        (:class:`~jobhandicap.errors.ArgumentTypeError` for values of the wrong type).
    SchemaError, JobhandicapError
        As :func:`processing_time` (bad dates, open cases without ``extracted``).

    Warns
    -----
    DataQualityWarning
        When no case is decided (the tests are undefined: NaN), ``tau`` is beyond a
        group's last time, cases have no ``by`` label (with their count: they are left out
        of every result), or cases have no ``strata`` label (with their count: they stay in
        the unstratified results and are left out of the stratified tests only); one
        warning for each.
    SmallSampleWarning
        When a group has fewer than :data:`~jobhandicap._defaults.SMALL_BASE` cases.

    See Also
    --------
    processing_time : each group's median and quantiles.
    jobhandicap.stats.logrank_from_counts, jobhandicap.stats.restricted_mean_from_counts :
        the estimators, for tables of counts of your own.

    Notes
    -----
    The event is the decision. Open cases are censored at the extraction date, and
    **withdrawn cases are censored at their withdrawal**: until then they were at risk of a
    decision (cause-specific; METHODS §5). :func:`processing_time` instead leaves them out,
    so its medians can differ slightly from the ones here.

    The cases are first reduced to decisions and censorings per group, stratum and day
    (:func:`reduce_decisions`); everything else is computed from that table:

    - log-rank: :math:`U_g = \sum_j (d_{gj} - d_j n_{gj}/n_j)`, hypergeometric covariance
      :math:`V`, :math:`\chi^2 = U^\top V^{-} U` on :math:`k - 1` df (R ``survdiff``);
      stratified: :math:`U` and :math:`V` summed over the strata;
    - trend: :math:`(w^\top U)^2 / w^\top V w` on 1 df for scores :math:`w`;
    - restricted mean :math:`\int_0^\tau \hat S(u)\,du` with the Klein–Moeschberger
      standard error; the difference of two with
      :math:`\mathrm{SE} = \sqrt{\mathrm{SE}_1^2 + \mathrm{SE}_0^2}`, normal interval and p;
    - median difference with a percentile interval from ``n_boot`` bootstrap resamples of
      each group, drawn multinomially from its (day, status) counts — a case bootstrap
      without the cases.

    References
    ----------
    Mantel, N. (1966). *Cancer Chemotherapy Reports* 50, 163–170. Klein, J. P. and
    Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed. Springer. Royston, P. and
    Parmar, M. K. B. (2013). *BMC Medical Research Methodology* 13, 152. Efron, B. (1981).
    Censored data and the bootstrap. *JASA* 76, 312–319.

    Examples
    --------
    >>> import jobhandicap as jh
    >>> data = jh.load_example()
    >>> result = jh.compare_processing_time(data.cases, "year", extracted=data.extracted,
    ...                                     strata="jobcentre", n_boot=199)
    >>> result.tests[["test", "statistic", "df", "p_value"]].round(4)
                      test  statistic  df  p_value
    0             log-rank  1499.0746   2      0.0
    1  stratified log-rank  1679.2298   2      0.0
    2                trend  1492.8585   1      0.0
    3     stratified trend  1669.7528   1      0.0
    >>> result.groups[["year", "n", "median_days", "rmst_days"]].round(1)
       year     n  median_days  rmst_days
    0  2018  6500         46.0       57.5
    1  2019  6700         36.0       44.1
    2  2020  6800         29.0       35.5
    """
    level = check_level(level)
    n_boot = check_count(n_boot, "n_boot")
    rng = generator(seed)
    names = as_by(by)
    layers = as_by(strata)
    if not names:
        raise OptionError("by must name at least one column whose values are the groups")
    shared = sorted(set(names) & set(layers))
    if shared:
        raise OptionError(f"by and strata must not share a column; both name {shared}")
    refuse_reserved([*names, *layers], RESERVED, "the reduced table or the results")
    # The unstratified results come from a reduction on by alone: a case whose stratum is
    # missing still counts there, and is left out of the stratified test only.
    reduced, left_out = decisions_reduction(
        cases, names, extracted, function="compare_processing_time"
    )
    warn_left_out(left_out)
    pooled = reduced[[*names, "time", "events"]].assign(
        censored=reduced["censored"] + reduced["withdrawn"]
    )
    counts = pooled
    if layers:
        layered = decisions_reduction(
            cases, [*names, *layers], extracted, function="compare_processing_time"
        ).table
        counts = layered[[*names, *layers, "time", "events"]].assign(
            censored=layered["censored"] + layered["withdrawn"]
        )
        unlayered = int(reduced["n"].sum() - layered["n"].sum())
        if unlayered:
            warnings.warn(
                f"{unlayered} case(s) have no label in strata={layers}: they count in the "
                "log-rank test, medians and restricted means, but are left out of the "
                "stratified tests",
                DataQualityWarning,
                stacklevel=2,
            )
    overall = logrank_from_counts(pooled, names)
    groups = overall.groups
    if len(groups) < 2:
        found = "no cases" if groups.empty else f"one group ({_label(groups, names, 0)})"
        raise OptionError(
            f"compare_processing_time needs at least two groups of by={names}; the cases have "
            f"{found}"
        )
    tests = [_row("log-rank", overall, 1)]
    stratified = None
    if layers:
        stratified = logrank_from_counts(counts, names, strata=layers)
        tests.append(_row("stratified log-rank", stratified, _strata(counts, layers)))
    weights = _scores(scores, reduced, groups, names)
    if weights is not None:
        tests.append(_trend("trend", overall, weights, 1))
        if stratified is not None:
            tests.append(_trend("stratified trend", stratified, weights, _strata(counts, layers)))
    test_table = pd.DataFrame(tests).astype({"df": "int64", "strata": "int64", "n": "int64"})
    if not np.isfinite(test_table["statistic"].to_numpy(np.float64)).any():
        warnings.warn(
            "no case was decided by the extraction date, so the log-rank tests are undefined "
            "(NaN); every case is censored",
            DataQualityWarning,
            stacklevel=2,
        )

    rmst = restricted_mean_from_counts(pooled, 1.0, level=level)  # for the last times
    horizon = _tau(tau, rmst, names)
    rmst = restricted_mean_from_counts(pooled, horizon, level=level)
    km = kaplan_meier_from_counts(pooled, level=level)
    medians = survival_quantiles(km, (0.5,))
    statuses = reduced.groupby(names, observed=True, sort=True)[
        ["events", "censored", "withdrawn"]
    ].sum()
    group_table = groups.assign(
        n=overall.n,
        median_days=medians["q50"].to_numpy(np.float64),
        ci_low=medians["q50_ci_low"].to_numpy(np.float64),
        ci_high=medians["q50_ci_high"].to_numpy(np.float64),
        rmst_days=rmst["rmst"].to_numpy(np.float64),
        rmst_ci_low=rmst["ci_low"].to_numpy(np.float64),
        rmst_ci_high=rmst["ci_high"].to_numpy(np.float64),
        rmst_se=rmst["se"].to_numpy(np.float64),
        decided=statuses["events"].to_numpy(np.int64),
        open=statuses["censored"].to_numpy(np.int64),
        withdrawn=statuses["withdrawn"].to_numpy(np.int64),
        tau_days=horizon,
    )
    labels = [_label(groups, names, i) for i in range(len(groups))]
    warn_small_bases(group_table["n"], "cases", labels=labels)

    ref = _reference(reference, groups, names, labels)
    _, boot = bootstrap_median_survival(pooled, n_boot=n_boot, seed=rng)
    others = np.array([g for g in range(len(groups)) if g != ref], dtype=np.int64)
    median = group_table["median_days"].to_numpy(np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf: both medians unreached, undefined
        low, high = _percentile(boot[:, others] - boot[:, [ref]], level)
    rmst_means = group_table["rmst_days"].to_numpy(np.float64)
    rmst_se = group_table["rmst_se"].to_numpy(np.float64)
    change = restricted_mean_difference(
        rmst_means[others], rmst_se[others], rmst_means[ref], rmst_se[ref], level=level
    )
    differences = groups.iloc[others].reset_index(drop=True)
    reference_value: Any = groups.iloc[ref, 0] if len(names) == 1 else labels[ref]
    differences = differences.assign(
        reference=reference_value,
        n=overall.n[others] + overall.n[ref],
        median_difference_days=_minus(median[others], median[ref]),
        ci_low=low,
        ci_high=high,
        rmst_difference_days=change.difference,
        rmst_difference_ci_low=change.ci_low,
        rmst_difference_ci_high=change.ci_high,
        rmst_difference_se=change.se,
        rmst_p_value=change.p_value,
    )
    return ProcessingTimeComparison(
        tests=test_table, groups=group_table, differences=differences, tau_days=horizon
    )


def _label(groups: pd.DataFrame, names: list[str], position: int) -> str:
    return ", ".join(str(groups.iloc[position][name]) for name in names)


def _strata(counts: pd.DataFrame, layers: list[str]) -> int:
    return len(counts[layers].drop_duplicates())


def _row(test: str, result: LogRankTest, strata: int) -> dict[str, Any]:
    return {
        "test": test,
        "strata": strata,
        "n": int(result.n.sum()),
        "events": round(float(result.observed.sum())),
        "statistic": result.statistic,
        "df": result.df,
        "p_value": result.p_value,
        "z": float("nan"),
    }


def _trend(test: str, result: LogRankTest, weights: npt.NDArray[np.float64], strata: int) -> Any:
    trend = logrank_trend(result, weights)
    return {
        **_row(test, result, strata),
        "statistic": trend.statistic,
        "df": 1 if np.isfinite(trend.statistic) else 0,
        "p_value": trend.p_value,
        "z": trend.z,
    }


def _scores(
    scores: Sequence[float] | Mapping[Any, float] | None,
    reduced: pd.DataFrame,
    groups: pd.DataFrame,
    names: list[str],
) -> npt.NDArray[np.float64] | None:
    """The trend scores of the groups, or ``None`` when the groups are not ordered."""
    k = len(groups)
    if scores is None:
        if len(names) != 1:
            return None
        column = reduced[names[0]]
        if isinstance(column.dtype, pd.CategoricalDtype):
            return np.arange(1.0, k + 1.0) if column.dtype.ordered else None
        # Only years are ordered numbers by default: codes (jobcentres) are not scores.
        if names[0] == "year" and column.dtype.kind in "iuf":
            return groups[names[0]].to_numpy(np.float64)
        return None
    if isinstance(scores, Mapping):
        keys = [groups.iloc[i, 0] if len(names) == 1 else tuple(groups.iloc[i]) for i in range(k)]
        missing = [key for key in keys if key not in scores]
        if missing:
            raise OptionError(f"scores must give every group a score; missing for {missing}")
        values: list[object] = [scores[key] for key in keys]
    elif isinstance(scores, (str, bytes)) or not isinstance(scores, Sequence):
        raise ArgumentTypeError(
            f"scores must be a sequence of numbers or a mapping of group to number, got "
            f"{type(scores).__name__}"
        )
    else:
        values = list(scores)
    if len(values) != k or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
    ):
        raise OptionError(
            f"scores must be one number per group ({k} groups, in sorted order), got {scores!r}"
        )
    weights = np.asarray(values, dtype=np.float64)
    if not np.isfinite(weights).all():
        raise OptionError(f"scores must be finite numbers, got {scores!r}")
    return weights


def _tau(tau: object, rmst: pd.DataFrame, names: list[str]) -> float:
    """Check ``tau`` or choose the default: the smallest of the groups' last times."""
    last = rmst["last_time"].to_numpy(np.float64)
    if tau is None:
        horizon = float(last.min())
        if horizon <= 0:
            raise OptionError(
                "a group's cases all end on the day of application, so no horizon for the "
                "restricted means can be chosen; give tau= (days)"
            )
        return horizon
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real):
        raise ArgumentTypeError(f"tau must be a number of days, got {tau!r}")
    horizon = float(tau)
    if not (np.isfinite(horizon) and horizon > 0):
        raise OptionError(f"tau must be a positive, finite number of days; got {tau!r}")
    short = np.flatnonzero(last < horizon)
    if short.size:
        named = ", ".join(
            f"{_label(rmst, names, int(i))} (last day {last[i]:g})" for i in short[:3]
        )
        warnings.warn(
            f"tau={horizon:g} days is beyond the last time of {short.size} group(s): {named}; "
            "their curves are carried flat to tau, which assumes no decision after the last "
            "follow-up",
            DataQualityWarning,
            stacklevel=3,
        )
    return horizon


def _reference(reference: Any, groups: pd.DataFrame, names: list[str], labels: list[str]) -> int:
    """Position of the reference group (the first by default)."""
    if reference is None:
        return 0
    if len(names) == 1:
        hits = np.flatnonzero((groups[names[0]] == reference).to_numpy(dtype=bool))
    else:
        wanted = tuple(reference) if isinstance(reference, tuple | list) else (reference,)
        hits = np.flatnonzero([tuple(row) == wanted for row in groups.itertuples(index=False)])
    if hits.size == 0:
        raise OptionError(
            f"reference must be one of the groups ({'; '.join(labels)}); got {reference!r}"
        )
    return int(hits[0])


def _minus(
    values: npt.NDArray[np.float64], reference: float | np.float64
) -> npt.NDArray[np.float64]:
    """``values - reference`` with ``inf - inf`` left undefined (NaN) and no warning."""
    with np.errstate(invalid="ignore"):
        result: npt.NDArray[np.float64] = values - reference
    return result


def _percentile(
    replicates: npt.NDArray[np.float64], level: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Percentile limits per column; an unreached median (inf) stays infinite, inf − inf out."""
    alpha = 1.0 - level
    low = np.full(replicates.shape[1], np.nan)
    high = np.full(replicates.shape[1], np.nan)
    for j in range(replicates.shape[1]):  # one column per compared group
        column = replicates[:, j]
        column = column[~np.isnan(column)]
        if column.size == 0:
            continue
        finite = np.isfinite(column)
        if finite.all():
            low[j], high[j] = np.quantile(column, [alpha / 2.0, 1.0 - alpha / 2.0])
        else:
            low[j], high[j] = np.quantile(
                column, [alpha / 2.0, 1.0 - alpha / 2.0], method="nearest"
            )
    return low, high
