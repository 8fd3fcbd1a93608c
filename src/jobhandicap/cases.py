"""Case-review indicators: processing time with open cases censored, and grant rates.

Processing time is the time from application to decision. Case reviews usually compute its
median over the *decided* cases only, which drops the slow cases still open at the extraction
date and biases the median down. Here an open case — or one decided after the extraction date —
is **censored** at the extraction date and the time to decision is estimated by Kaplan–Meier, so
every case counts. Withdrawn applications never reach a decision on the merits: they are left
out of the estimate and counted apart (``withdrawn``) — unless they were withdrawn after the
extraction date: then they were still open at that date, and are censored there and counted as
open, like a case decided after it. A case decided before it was applied for has no processing
time; it is refused with a :class:`~jobhandicap.errors.SchemaError` naming its row, also on
frames that were never validated.

As everywhere in jobhandicap, the cases are first reduced to counts of decisions and
censorings per group and day (:func:`jobhandicap.stats.reduce_survival`, one group-by over all
cases) and the curves and quantiles of every group are computed from that small table at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._advice import option
from jobhandicap._grouping import as_by, check_columns, group_keys, rows_in
from jobhandicap.domain import Decision
from jobhandicap.errors import JobhandicapError, SchemaError, problems_frame
from jobhandicap.stats import kaplan_meier_from_counts, survival_quantiles, wilson_interval
from jobhandicap.stats._core import check_level, factorize_groups
from jobhandicap.stats.survival import reduce_coded

__all__ = ["grant_rate", "processing_time", "survival_table"]

DateLike = dt.date | str | pd.Timestamp | np.datetime64
_DAY = np.timedelta64(1, "D")


def _as_timestamp(value: DateLike, name: str) -> np.datetime64[int]:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            f"{name} must be a date (datetime.date, 'YYYY-MM-DD' or a Timestamp), got {value!r}"
        ) from exc
    if pd.isna(stamp):
        raise JobhandicapError(f"{name} must be a date, got {value!r}")
    return np.datetime64(stamp.normalize().to_pydatetime(), "ns")


def _where(position: int) -> str:
    """A row of a frame as its position and as a spreadsheet shows it (the header is row 1)."""
    return f"row position {position} (row {position + 2} as a spreadsheet shows it)"


def _check_dates(
    cases: pd.DataFrame, applied: npt.NDArray[np.datetime64], decided: npt.NDArray[np.datetime64]
) -> None:
    """Refuse cases without an application date or decided before they were applied for.

    Every such case is listed in one :class:`SchemaError`; the ``row`` of its ``problems`` is
    the row as a spreadsheet shows it (position + 2), its message names the position too.
    """
    no_date = np.isnat(applied)
    early = ~no_date & ~np.isnat(decided) & (decided < applied)
    if not (no_date.any() or early.any()):
        return
    ids = cases["case_id"] if "case_id" in cases.columns else None

    def case(position: int) -> str:
        value = None if ids is None else ids.iloc[position]
        name = "the case" if value is None or pd.isna(value) else f"case {str(value)!r}"
        return f"{name} at {_where(position)}"

    def day(value: np.datetime64) -> str:
        return str(np.datetime_as_string(value, unit="D"))

    problems = [
        (
            int(p) + 2,
            "applied",
            np.nan,
            f"{case(int(p))} has no application date; every case needs one",
        )
        for p in np.flatnonzero(no_date)
    ] + [
        (
            int(p) + 2,
            "decided",
            day(decided[p]),
            f"{case(int(p))} was decided {day(decided[p])}, before it was "
            f"applied for on {day(applied[p])}; a decision date must be on or after the "
            "application date (or missing while the case is open)",
        )
        for p in np.flatnonzero(early)
    ]
    problems.sort(key=lambda problem: problem[0])
    raise SchemaError(
        f"{int(no_date.sum() + early.sum())} case(s) have dates that give no processing time "
        "(no application date, or a decision before the application); correct them, or "
        "check the frame with jobhandicap.validate_cases",
        problems_frame(problems),
    )


class _Durations:
    """Time to decision per case: days, whether decided by extraction, and the case status.

    A case withdrawn after ``extracted`` was still open at that date: it is censored there and
    counted as open, like a case decided after it.
    """

    def __init__(self, cases: pd.DataFrame, extracted: DateLike | None) -> None:
        check_columns(cases, ("applied", "decided", "decision"), "cases")
        applied = cases["applied"].to_numpy(dtype="datetime64[ns]")
        decided = cases["decided"].to_numpy(dtype="datetime64[ns]")
        _check_dates(cases, applied, decided)
        withdrawn = rows_in(cases["decision"], {Decision.WITHDRAWN.value})
        is_open = np.isnat(decided)
        if extracted is None:
            self.withdrawn = withdrawn
            if (is_open & ~self.withdrawn).any():
                raise JobhandicapError(
                    f"{int((is_open & ~self.withdrawn).sum())} case(s) are still open: give "
                    f"{option('extracted')} (the date the data were extracted) so that they are "
                    "censored "
                    "there instead of dropped, which would bias processing time down"
                )
            end = decided
            observed = ~is_open
        else:
            cut = _as_timestamp(extracted, "extracted")
            early = applied > cut
            if early.any():
                first = int(np.flatnonzero(early)[0])
                raise JobhandicapError(
                    f"{option('extracted', str(pd.Timestamp(cut).date()))} is before the "
                    "application date of "
                    f"{int(early.sum())} case(s) (first at {_where(first)}, applied "
                    f"{pd.Timestamp(applied[first]).date()}); the extraction date must be on "
                    "or after every application"
                )
            observed = ~is_open & (decided <= cut)
            # Withdrawn after the extraction date: still open then, so censored like the others.
            self.withdrawn = withdrawn & ~(decided > cut)
            end = np.where(observed, decided, cut)
        self.open = ~observed & ~self.withdrawn
        self.decided = observed & ~self.withdrawn
        self.days = (end - applied) / _DAY


class _Groups:
    """The cases' groups, coded once: every reduction below is a bincount over the codes."""

    def __init__(self, cases: pd.DataFrame, by: list[str]) -> None:
        if by:
            self.codes, self.frame = factorize_groups(group_keys(cases, by))
        else:
            self.codes = np.zeros(len(cases), dtype=np.int64)
            self.frame = pd.DataFrame(index=pd.RangeIndex(1))

    def counts(self, columns: dict[str, npt.NDArray[np.bool_]]) -> pd.DataFrame:
        """Count the true rows of each indicator per group (one row when ungrouped)."""
        size = len(self.frame)
        counted = {
            name: np.bincount(self.codes[flags], minlength=size).astype(np.int64)
            for name, flags in columns.items()
        }
        return self.frame.assign(**counted)

    def statuses(self, status: npt.NDArray[np.int64], names: Sequence[str]) -> pd.DataFrame:
        """Count each status (0, 1, … naming ``names``) per group in one bincount."""
        size, kinds = len(self.frame), len(names)
        table = np.bincount(self.codes * kinds + status, minlength=size * kinds)
        table = table.reshape(size, kinds).astype(np.int64)
        return self.frame.assign(**{name: table[:, i] for i, name in enumerate(names)})


def _km_table(
    cases: pd.DataFrame, by: list[str], extracted: DateLike | None, level: float
) -> tuple[pd.DataFrame, _Groups, _Durations]:
    durations = _Durations(cases, extracted)
    groups = _Groups(cases, by)
    counts = reduce_coded(
        durations.days,
        durations.decided.astype(np.int64),
        groups.codes,
        groups.frame,
        keep=~durations.withdrawn,
    )
    return kaplan_meier_from_counts(counts, level=level), groups, durations


def processing_time(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
    quantiles: Sequence[float] = (0.25, 0.5, 0.75),
    within: int | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Processing time (application to decision) per group, open cases censored.

    Parameters
    ----------
    cases
        Canonical cases frame.
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    extracted
        The date the data were extracted. Open cases, and cases decided *or withdrawn* after
        it, were open at that date: they are censored there and counted in ``open``. Required
        when any case is open.
    quantiles
        Shares of cases decided by the reported times; 0.5 is the median (always reported).
    within
        Optionally a number of days: adds the share decided within that many days.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        The grouping columns; ``n`` (cases in the estimate: decided and open), ``decided``
        (by the extraction date), ``open`` (at the extraction date, censored there),
        ``withdrawn`` (by the extraction date; left out of the estimate); ``median_days``,
        ``median_ci_low``, ``median_ci_high``; ``q{100p}_days`` for every other quantile;
        and with ``within`` the columns ``within_days``, ``share_within``,
        ``share_within_ci_low``, ``share_within_ci_high`` (the lower limit is undefined, NaN,
        when every case of the group is decided by then: the log-log band does not exist at
        :math:`\hat S = 0`). A time the curve never reaches
        (too many open cases) is ``inf``.

    Raises
    ------
    SchemaError
        When a case has no application date or is decided before it was applied for (a
        negative duration); every such case is listed in ``problems``, its ``row`` as a
        spreadsheet shows it (the frame's row position + 2) and its message naming the row
        position and the ``case_id``.
    JobhandicapError
        When open cases exist but ``extracted`` is not given, when ``extracted`` is before an
        application, or a grouping column is unknown.

    Notes
    -----
    Kaplan–Meier :math:`\hat S(t) = \prod_{t_i \le t}(1 - d_i/n_i)` of the share not yet
    decided, Greenwood variance, log-log band. The :math:`p`-quantile is the first :math:`t`
    with :math:`1 - \hat S(t) \ge p`; its interval (Brookmeyer & Crowley) is where the band
    crosses :math:`1 - p`. The share decided within :math:`w` days is
    :math:`1 - \hat S(w)` with the band's limits.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). *JASA* 53, 457–481. Brookmeyer, R. and Crowley, J.
    (1982). A confidence interval for the median survival time. *Biometrics* 38, 29–41.

    Examples
    --------
    >>> import pandas as pd
    >>> applied = pd.to_datetime(["2020-01-01"] * 4)
    >>> cases = pd.DataFrame({
    ...     "applied": applied,
    ...     "decided": pd.to_datetime(["2020-01-11", "2020-01-21", None, "2020-01-31"]),
    ...     "decision": ["granted", "refused", None, "withdrawn"]})
    >>> processing_time(cases, extracted="2020-03-01")[["n", "decided", "open", "withdrawn",
    ...                                                 "median_days"]]
       n  decided  open  withdrawn  median_days
    0  3        2     1          1         20.0
    """
    level = check_level(level)
    names = as_by(by)
    probabilities = sorted({*map(float, quantiles), 0.5})
    if within is not None and (isinstance(within, bool) or not np.isfinite(within) or within < 0):
        raise JobhandicapError(f"within must be a number of days of 0 or more, got {within!r}")
    table, groups, durations = _km_table(cases, names, extracted, level)
    status = np.where(durations.withdrawn, 2, np.where(durations.decided, 0, 1))
    counts = groups.statuses(status.astype(np.int64), ("decided", "open", "withdrawn"))
    counts.insert(len(names), "n", counts["decided"] + counts["open"])
    quantile_table = survival_quantiles(table, probabilities)
    renames = {
        "q50": "median_days",
        "q50_ci_low": "median_ci_low",
        "q50_ci_high": "median_ci_high",
    }
    columns = ["median_days", "median_ci_low", "median_ci_high"]
    for p in probabilities:
        if p != 0.5:
            renames[f"q{100 * p:g}"] = f"q{100 * p:g}_days"
            columns.append(f"q{100 * p:g}_days")
    quantile_table = quantile_table.rename(columns=renames)[[*names, *columns]]
    result = (
        counts.merge(quantile_table, on=names, how="left")
        if names
        else counts.join(quantile_table)
    )
    if within is not None:
        result = _add_within(result, table, names, float(within))
    return result


def _add_within(
    result: pd.DataFrame, table: pd.DataFrame, names: list[str], days: float
) -> pd.DataFrame:
    """Add the share decided within ``days``: one minus the curve and its band at ``days``."""
    upto = table.loc[table["time"] <= days]
    if names:
        # tail(1), not last(): last() would skip a missing limit and take an older one.
        last = upto.groupby(names, observed=True, sort=False).tail(1)
        at = result[names].merge(
            last[[*names, "survival", "ci_low", "ci_high"]], on=names, how="left"
        )
    else:
        at = upto[["survival", "ci_low", "ci_high"]].tail(1).reset_index(drop=True)
        if at.empty:
            at = pd.DataFrame({"survival": [np.nan], "ci_low": [np.nan], "ci_high": [np.nan]})
    # No curve row by then: nobody has been decided yet, with certainty. A row with a missing
    # limit (the band is undefined once every case is decided) keeps that limit missing.
    before_first = at["survival"].isna().to_numpy()
    survival = np.where(before_first, 1.0, at["survival"].to_numpy(dtype=np.float64))
    low = np.where(before_first, 1.0, at["ci_low"].to_numpy(dtype=np.float64))
    high = np.where(before_first, 1.0, at["ci_high"].to_numpy(dtype=np.float64))
    has_cases = result["n"].to_numpy() > 0
    return result.assign(
        within_days=days,
        share_within=np.where(has_cases, 1.0 - survival, np.nan),
        share_within_ci_low=np.where(has_cases, 1.0 - high, np.nan),
        share_within_ci_high=np.where(has_cases, 1.0 - low, np.nan),
    )


def survival_table(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan–Meier table of the share of cases not yet decided, per group, for plotting.

    Parameters
    ----------
    cases
        Canonical cases frame.
    by
        Grouping columns, or ``"year"``.
    extracted
        Extraction date; see :func:`processing_time`.
    level
        Confidence level of the pointwise log-log band.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``time`` (days), ``at_risk``, ``events`` (decisions),
        ``censored``, ``survival`` (share not yet decided), ``ci_low``, ``ci_high``. The same
        cases as in :func:`processing_time`: per group, ``events`` sum to its ``decided`` and
        ``censored`` to its ``open`` (cases withdrawn after ``extracted`` among them).

    Raises
    ------
    SchemaError
        When a case has no application date or is decided before it was applied for; see
        :func:`processing_time`.
    JobhandicapError
        As for :func:`processing_time`.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "applied": pd.to_datetime(["2020-01-01", "2020-01-01"]),
    ...     "decided": pd.to_datetime(["2020-01-11", None]),
    ...     "decision": ["granted", None]})
    >>> survival_table(cases, extracted="2020-02-01")[["time", "at_risk", "events", "survival"]]
       time  at_risk  events  survival
    0  10.0        2       1       0.5
    1  31.0        1       0       0.5
    """
    level = check_level(level)
    table, _, _ = _km_table(cases, as_by(by), extracted, level)
    return table


def grant_rate(
    cases: pd.DataFrame, *, by: str | Sequence[str] = (), level: float = 0.95
) -> pd.DataFrame:
    r"""Share of decided applications that were granted, per group.

    Parameters
    ----------
    cases
        Canonical cases frame. Open and withdrawn cases are not decided on the merits and are
        left out.
    by
        Grouping columns, or ``"year"``.
    level
        Confidence level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n`` (granted + refused), ``granted``, ``rate``, ``ci_low``,
        ``ci_high``.

    Notes
    -----
    ``rate = granted / (granted + refused)`` with the Wilson score interval.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"decision": ["granted"] * 6 + ["refused"] * 4 + [None],
    ...                       "scheme": "aids"})
    >>> grant_rate(cases, by="scheme").round(6)
      scheme   n  granted  rate    ci_low   ci_high
    0   aids  10        6   0.6  0.312674  0.831820
    """
    level = check_level(level)
    names = as_by(by)
    check_columns(cases, ("decision",), "cases")
    granted = rows_in(cases["decision"], {Decision.GRANTED.value})
    refused = rows_in(cases["decision"], {Decision.REFUSED.value})
    counts = _Groups(cases, names).counts({"n": granted | refused, "granted": granted})
    estimate = wilson_interval(
        counts["granted"].to_numpy(np.float64), counts["n"].to_numpy(np.float64), level=level
    )
    return counts.assign(
        rate=np.asarray(estimate.estimate, dtype=np.float64),
        ci_low=np.asarray(estimate.ci_low, dtype=np.float64),
        ci_high=np.asarray(estimate.ci_high, dtype=np.float64),
    )
