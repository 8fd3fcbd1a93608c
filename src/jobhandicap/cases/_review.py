"""Processing time and grant rates of a case review: the reductions and their estimators."""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._advice import option
from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._engines import (
    AnyFrame,
    EngineFrame,
    as_pandas,
    check_engine_columns,
    collect,
    day_number,
    day_of,
    engine_columns,
    engine_frame,
    engine_schema,
)
from jobhandicap._grouping import (
    as_by,
    check_columns,
    engine_keys,
    group_keys,
    refuse_reserved,
    rows_in,
    warn_left_out,
)
from jobhandicap._options import check_level, warn_small_bases
from jobhandicap._reduce import Reduction, engine_reduction, grouped_reduction, grouped_sums
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
    problems_frame,
)
from jobhandicap.frames import CASES_SCHEMA
from jobhandicap.stats import kaplan_meier_from_counts, survival_quantiles, wilson_interval

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = [
    "grant_rate",
    "processing_time",
    "survival_table",
]

DateLike = dt.date | str | pd.Timestamp | np.datetime64
_DAY = np.timedelta64(1, "D")


def as_timestamp(value: DateLike, name: str) -> np.datetime64[int]:
    accepted = "a date (datetime.date, 'YYYY-MM-DD' or a Timestamp)"
    try:
        stamp = pd.Timestamp(value)
    except TypeError as exc:
        raise ArgumentTypeError(f"{name} must be {accepted}, got {value!r}") from exc
    except ValueError as exc:
        raise OptionError(f"{name} must be {accepted}, got {value!r}") from exc
    if pd.isna(stamp):
        raise OptionError(f"{name} must be a date, got {value!r}")
    return np.datetime64(stamp.normalize().to_pydatetime(), "ns")


def spreadsheet_row(position: int) -> str:
    """A row of a frame as its position and as a spreadsheet shows it (the header is row 1)."""
    return f"row position {position} (row {position + 2} as a spreadsheet shows it)"


def check_dates(
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
        return f"{name} at {spreadsheet_row(position)}"

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


#: The accepted values of ``decision`` (besides missing, an open case).
DECISIONS = tuple(decision.value for decision in Decision)
_UNKNOWN_DECISION = (
    "case(s) have a decision other than {accepted} or missing (an open case), which would "
    "be counted wrongly; map the labels of your system to these, or check the frame with "
    "jobhandicap.validate_cases"
)


def check_decisions(cases: pd.DataFrame) -> None:
    """Refuse ``decision`` values other than the canonical three (or missing).

    An unknown label (``"Granted"``, ``"trukket tilbage"``) would count as a decision, so a
    withdrawal would silently become one. Every such case is listed in one
    :class:`SchemaError`, its ``row`` as a spreadsheet shows it.
    """
    column = cases["decision"]
    known = rows_in(column, set(DECISIONS)) | column.isna().to_numpy(dtype=bool)
    if known.all():
        return
    accepted = ", ".join(map(repr, DECISIONS))
    problems = [
        (
            int(p) + 2,
            "decision",
            str(column.iloc[p]),
            f"the case at {spreadsheet_row(int(p))} has the decision "
            f"{str(column.iloc[p])!r}, which is not accepted",
        )
        for p in np.flatnonzero(~known)
    ]
    raise SchemaError(
        f"{len(problems)} " + _UNKNOWN_DECISION.format(accepted=accepted),
        problems_frame(problems),
    )


class Durations:
    """Time to decision per case: days, whether decided by extraction, and the case status.

    A case withdrawn after ``extracted`` was still open at that date: it is censored there and
    counted as open, like a case decided after it.
    """

    def __init__(self, cases: pd.DataFrame, extracted: DateLike | None) -> None:
        check_columns(cases, ("applied", "decided", "decision"), "cases")
        applied = cases["applied"].to_numpy(dtype="datetime64[ns]")
        decided = cases["decided"].to_numpy(dtype="datetime64[ns]")
        check_dates(cases, applied, decided)
        check_decisions(cases)
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
            cut = as_timestamp(extracted, "extracted")
            early = applied > cut
            if early.any():
                first = int(np.flatnonzero(early)[0])
                raise OptionError(
                    f"{option('extracted', str(pd.Timestamp(cut).date()))} is before the "
                    "application date of "
                    f"{int(early.sum())} case(s) (first at {spreadsheet_row(first)}, applied "
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


#: The counts of a reduced table of decisions, besides its group keys and ``time``.
DECISION_COUNTS = ("events", "censored", "withdrawn")
#: The columns of a reduced table of decisions besides its group keys: no group is named so.
DECISION_COLUMNS = ("time", "n", *DECISION_COUNTS)
#: The columns of :func:`processing_time`'s result besides the groups and quantiles.
TIME_COLUMNS = (
    "n",
    "median_days",
    "ci_low",
    "ci_high",
    "decided",
    "open",
    "withdrawn",
    "within_days",
    "share_within",
    "share_within_ci_low",
    "share_within_ci_high",
)
#: The columns of :func:`survival_table`'s result besides the groups.
CURVE_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
#: The columns of :func:`reduce_grants` and :func:`grant_rate` besides the groups.
GRANT_COLUMNS = ("n", "granted", "refused", "count", "share", "ci_low", "ci_high")


def reduce_decisions(
    cases: AnyFrame,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
) -> pd.DataFrame:
    r"""Reduce cases to decisions, censorings and withdrawals per group and day.

    The reduction step of :func:`processing_time` and :func:`survival_table`: the only step
    whose cost grows with the number of cases (one grouped count,
    :func:`jobhandicap._reduce.grouped_sums`). Both indicators infer from its table alone.

    Parameters
    ----------
    cases
        Canonical cases frame (``applied``, ``decided``, ``decision`` and the ``by`` columns):
        a pandas frame, or a Polars, PyArrow, DuckDB or PySpark frame (the counting then runs
        in that engine; its checks of the dates list a few offending cases by id, ``row``
        missing).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    extracted
        The extraction date; see :func:`processing_time`.

    Returns
    -------
    pandas.DataFrame
        One row per group and day on which something happened, sorted by group and day (a
        case with a missing value in a ``by`` column is left out, with a warning):

        ========================  ====================================================
        column                    content
        ========================  ====================================================
        the ``by`` columns        the group (categorical columns keep their categories)
        ``time``                  days from application (float64)
        ``n``                     cases of the group ending on that day (int64)
        ``events``                cases decided that day (by the extraction date)
        ``censored``              cases open at the extraction date, censored that day
        ``withdrawn``             cases withdrawn that day (by the extraction date)
        ========================  ====================================================

        ``n = events + censored + withdrawn``. Every column but the keys and ``time`` is a
        count, so tables of parts of the cases add up to the table of the whole
        (:func:`jobhandicap._reduce.combine` over the ``by`` columns and ``time``).

    Raises
    ------
    SchemaError, JobhandicapError
        As :func:`processing_time`.

    Warns
    -----
    DataQualityWarning
        Once, when cases have no label in a ``by`` column, with their number: they are left
        out of the table.

    Notes
    -----
    For group :math:`g` and day :math:`t`, ``events`` is
    :math:`d_{gt} = \#\{i \in g : T_i = t, \delta_i = 1\}`, ``censored``
    :math:`c_{gt} = \#\{i \in g : T_i = t, \delta_i = 0\}` among the cases not withdrawn;
    these are sufficient for the Kaplan–Meier estimator (Kaplan & Meier 1958).

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "applied": pd.to_datetime(["2020-01-01"] * 4),
    ...     "decided": pd.to_datetime(["2020-01-11", "2020-01-11", None, "2020-01-31"]),
    ...     "decision": ["granted", "refused", None, "withdrawn"]})
    >>> reduce_decisions(cases, extracted="2020-03-01")
       time  n  events  censored  withdrawn
    0  10.0  2       2         0          0
    1  30.0  1       0         0          1
    2  60.0  1       0         1          0
    """
    names = as_by(by)
    reduced = decisions_reduction(cases, names, extracted, function="reduce_decisions")
    warn_left_out(reduced.left_out)
    return reduced.table


def decisions_reduction(
    cases: AnyFrame,
    names: list[str],
    extracted: DateLike | None,
    *,
    function: str,
) -> Reduction:
    """:func:`reduce_decisions` without the warning: its table and the cases it left out.

    The left-out cases are those with no label in a ``by`` column; the reduction's sums
    over them (``events``, ``censored``) let each indicator count the ones it would have
    counted. ``function`` names the caller in messages.
    """
    refuse_reserved(names, DECISION_COLUMNS, "the reduced table of decisions")
    engine = engine_frame(cases, function=function, what="cases")
    if engine is not None:
        return _engine_decisions(engine, names, extracted)
    cases = as_pandas(cases, function=function, what="cases")
    keys = group_keys(cases, names)
    durations = Durations(cases, extracted)
    days = durations.days
    # Whole days (dates at midnight) are grouped as integers: no hashing of floats.
    whole = bool(np.all(days == np.floor(days)))
    table, left_out = grouped_reduction(
        {**{name: keys[name] for name in names}, "time": days.astype(np.int64) if whole else days},
        {"events": durations.decided, "censored": durations.open},
        reported=names,
    )
    return Reduction(_with_withdrawn(table), left_out)


def _with_withdrawn(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``withdrawn`` to a table of decisions and give every count its dtype."""
    # Every case is decided, open or withdrawn: the third count needs no pass over the cases.
    table = table.assign(withdrawn=table["n"] - table["events"] - table["censored"])
    return table.astype({"time": "float64", **dict.fromkeys(DECISION_COUNTS, "int64")})


def reduce_grants(cases: AnyFrame, by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Reduce cases to the granted and refused applications per group.

    The reduction step of :func:`grant_rate` (which needs no dates, so it has its own).

    Parameters
    ----------
    cases
        Canonical cases frame (``decision`` and the ``by`` columns), pandas or another
        engine's (see :func:`reduce_decisions`).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).

    Returns
    -------
    pandas.DataFrame
        One row per group with at least one case, sorted by the groups: the ``by`` columns,
        ``n`` (cases, whatever their status), ``granted`` and ``refused`` (int64). All
        counts: tables of parts add up to the table of the whole.

    Warns
    -----
    DataQualityWarning
        Once, when cases have no label in a ``by`` column, with their number: they are left
        out of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"decision": ["granted", "refused", "granted", None],
    ...                       "scheme": ["aids", "aids", "job aids", "aids"]})
    >>> reduce_grants(cases, "scheme")
         scheme  n  granted  refused
    0      aids  3        1        1
    1  job aids  1        1        0
    """
    names = as_by(by)
    reduced = grants_reduction(cases, names, function="reduce_grants")
    warn_left_out(reduced.left_out)
    return reduced.table


def grants_reduction(cases: AnyFrame, names: list[str], *, function: str) -> Reduction:
    """:func:`reduce_grants` without the warning: its table and the cases it left out."""
    refuse_reserved(names, GRANT_COLUMNS, "the table of grants")
    engine = engine_frame(cases, function=function, what="cases")
    if engine is not None:
        return _engine_grants(engine, names)
    cases = as_pandas(cases, function=function, what="cases")
    check_columns(cases, ("decision",), "cases")
    keys = group_keys(cases, names)
    table, left_out = grouped_reduction(
        {name: keys[name] for name in names},
        {
            "granted": rows_in(cases["decision"], {Decision.GRANTED.value}),
            "refused": rows_in(cases["decision"], {Decision.REFUSED.value}),
        },
    )
    return Reduction(table.astype({"granted": "int64", "refused": "int64"}), left_out)


def _km_table(reduced: pd.DataFrame, names: list[str], level: float) -> pd.DataFrame:
    """Kaplan–Meier curves of every group from a reduced table of decisions."""
    at_risk = (reduced["events"] + reduced["censored"]).to_numpy() > 0
    counts = reduced.loc[at_risk, [*names, "time", "events", "censored"]].reset_index(drop=True)
    return kaplan_meier_from_counts(counts, level=level)


def _statuses(reduced: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Decided, open and withdrawn cases per group (one row when ungrouped), from the days."""
    totals = grouped_sums(
        {name: reduced[name] for name in names},
        {
            "decided": reduced["events"].to_numpy(),
            "open": reduced["censored"].to_numpy(),
            "withdrawn": reduced["withdrawn"].to_numpy(),
        },
        count="_days",
    ).drop(columns="_days")
    totals = totals.astype({"decided": "int64", "open": "int64", "withdrawn": "int64"})
    return totals


def _labels(table: pd.DataFrame, names: list[str]) -> list[str]:
    """A label per row naming its group, for warnings (``"all"`` when ungrouped)."""
    if not names:
        return ["all"] * len(table)
    return [", ".join(map(str, row)) for row in table[names].itertuples(index=False)]


def _quantile_name(p: float) -> str:
    """``q25_days`` for 0.25; a decimal point becomes ``_`` (``q12_5_days``)."""
    return f"q{100 * p:g}".replace(".", "_") + "_days"


def processing_time(
    cases: AnyFrame,
    *,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
    quantiles: Sequence[float] = (0.25, 0.5, 0.75),
    within: float | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Processing time (application to decision) per group, open cases censored.

    Parameters
    ----------
    cases
        Canonical cases frame: pandas, or a Polars, PyArrow, DuckDB or PySpark frame (the
        reduction then runs in that engine, lazily where the frame is lazy).
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
        The grouping columns; ``n`` (cases in the estimate: decided and open);
        ``median_days`` with its interval ``ci_low``, ``ci_high``; ``decided`` (by the
        extraction date), ``open`` (at the extraction date, censored there), ``withdrawn``
        (by the extraction date; left out of the estimate); ``q{100p}_days`` for every other
        quantile (``q25_days``; a decimal point becomes ``_``: ``q12_5_days``); and with
        ``within`` the columns ``within_days``, ``share_within``, ``share_within_ci_low``,
        ``share_within_ci_high`` (the lower limit is undefined, NaN, when every case of the
        group is decided by then: the log-log band does not exist at :math:`\hat S = 0`). A
        time the curve never reaches (too many open cases) is ``inf``.

    Raises
    ------
    SchemaError
        When a case has no application date or is decided before it was applied for (a
        negative duration); every such case is listed in ``problems``, its ``row`` as a
        spreadsheet shows it (the frame's row position + 2) and its message naming the row
        position and the ``case_id``.
    MissingColumnsError
        When a needed or grouping column is missing.
    OptionError
        When ``extracted`` is before an application, ``level`` is not between 0 and 1 or
        ``within`` is negative (:class:`~jobhandicap.errors.ArgumentTypeError` when it is
        not a number).
    JobhandicapError
        When open cases exist but ``extracted`` is not given.

    Warns
    -----
    SmallSampleWarning
        Once, when some group has fewer than :data:`~jobhandicap._defaults.SMALL_BASE` cases
        in the estimate.
    DataQualityWarning
        Once, when cases have no label in a ``by`` column, with their number (every such
        case: decided, open or withdrawn, as each has a place in the result): they are left
        out of every group.

    See Also
    --------
    reduce_decisions : the reduced table the estimates are computed from.

    Notes
    -----
    The cases are first reduced to decisions and censorings per group and day
    (:func:`reduce_decisions`); everything else is computed from that table. Kaplan–Meier
    :math:`\hat S(t) = \prod_{t_i \le t}(1 - d_i/n_i)` of the share not yet decided,
    Greenwood variance, log-log band. The :math:`p`-quantile is the first :math:`t` with
    :math:`1 - \hat S(t) \ge p`; its interval (Brookmeyer & Crowley) is where the band
    crosses :math:`1 - p`. The share decided within :math:`w` days is
    :math:`1 - \hat S(w)` with the band's limits.

    Withdrawn applications are left out here, so the median describes the applications that
    stay until a decision. :func:`compare_processing_time` instead censors them at their
    withdrawal (they were at risk of a decision until then), which the log-rank tests and
    restricted means need: dropping them would remove them from every risk set before their
    day. With few withdrawals the two medians differ by a day or so.

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
    >>> processing_time(cases, extracted="2020-03-01")[["n", "median_days", "decided", "open",
    ...                                                 "withdrawn"]]
       n  median_days  decided  open  withdrawn
    0  3         20.0        2     1          1
    """
    engine_frame(cases, function="processing_time", what="cases")
    level = check_level(level)
    names = as_by(by)
    probabilities = sorted({*map(float, quantiles), 0.5})
    refuse_reserved(
        names,
        (*TIME_COLUMNS, *(_quantile_name(p) for p in probabilities if p != 0.5)),
        "the result",
    )
    days = _within(within)
    reduced, left_out = decisions_reduction(cases, names, extracted, function="processing_time")
    warn_left_out(left_out)
    table = _km_table(reduced, names, level)
    counts = _statuses(reduced, names)
    counts.insert(len(names), "n", counts["decided"] + counts["open"])
    warn_small_bases(counts["n"], "cases", labels=_labels(counts, names))
    quantile_table = survival_quantiles(table, probabilities)
    renames = {"q50": "median_days", "q50_ci_low": "ci_low", "q50_ci_high": "ci_high"}
    others = []
    for p in probabilities:
        if p != 0.5:
            renames[f"q{100 * p:g}"] = _quantile_name(p)
            others.append(_quantile_name(p))
    quantile_table = quantile_table.rename(columns=renames)[
        [*names, "median_days", "ci_low", "ci_high", *others]
    ]
    result = (
        counts.merge(quantile_table, on=names, how="left")
        if names
        else counts.join(quantile_table)
    )
    order = [*names, "n", "median_days", "ci_low", "ci_high", "decided", "open", "withdrawn"]
    result = result[[*order, *others]]
    if days is not None:
        result = _add_within(result, table, names, days)
    return result


def _within(within: object) -> float | None:
    """Check ``within``: ``None`` or a number of days of 0 or more."""
    if within is None:
        return None
    if isinstance(within, bool) or not isinstance(within, numbers.Real):
        raise ArgumentTypeError(f"within must be a number of days, got {within!r}")
    if not (np.isfinite(float(within)) and float(within) >= 0):
        raise OptionError(f"within must be a number of days of 0 or more, got {within!r}")
    return float(within)


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
    cases: AnyFrame,
    *,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Kaplan–Meier table of the share of cases not yet decided, per group, for plotting.

    Parameters
    ----------
    cases
        Canonical cases frame: pandas, or a Polars, PyArrow, DuckDB or PySpark frame (the
        reduction then runs in that engine, lazily where the frame is lazy).
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
    SchemaError, MissingColumnsError, OptionError, JobhandicapError
        As for :func:`processing_time`.

    Warns
    -----
    SmallSampleWarning
        Once, when some group's curve starts with fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` cases at risk.
    DataQualityWarning
        Once, when decided or open cases have no label in a ``by`` column, with their number
        (withdrawn cases are not in the curves, so not in the number): they are left out.

    Notes
    -----
    The Kaplan–Meier estimate :math:`\hat S(t) = \prod_{t_i \le t}(1 - d_i/n_i)` with
    Greenwood's variance and a log-log band, computed from :func:`reduce_decisions` by
    :func:`jobhandicap.stats.kaplan_meier_from_counts` (Kaplan & Meier 1958).

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
    engine_frame(cases, function="survival_table", what="cases")
    level = check_level(level)
    names = as_by(by)
    refuse_reserved(names, CURVE_COLUMNS, "the result")
    reduced = decisions_reduction(cases, names, extracted, function="survival_table")
    warn_left_out(reduced.left_out, "decided or open case(s)", ("events", "censored"))
    table = _km_table(reduced.table, names, level)
    starts = ~table.duplicated(subset=names, keep="first") if names else table.index == 0
    firsts = table.loc[np.asarray(starts, dtype=bool)]
    warn_small_bases(firsts["at_risk"], "cases", labels=_labels(firsts, names))
    return table


def grant_rate(
    cases: AnyFrame, *, by: str | Sequence[str] = (), level: float = DEFAULT_LEVEL
) -> pd.DataFrame:
    r"""Share of decided applications that were granted, per group.

    Parameters
    ----------
    cases
        Canonical cases frame (pandas, or a Polars, PyArrow, DuckDB or PySpark frame: the
        counting then runs in that engine). Open and withdrawn cases are not decided on the
        merits and are left out.
    by
        Grouping columns, or ``"year"``.
    level
        Confidence level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n`` (granted + refused), ``count`` (granted), ``share``
        (granted of decided), ``ci_low``, ``ci_high``.

    Raises
    ------
    MissingColumnsError
        When ``decision`` or a grouping column is missing.
    OptionError
        When ``level`` is not strictly between 0 and 1.

    Warns
    -----
    SmallSampleWarning
        Once, when some group has fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        decided cases.
    DataQualityWarning
        Once, when decided cases (granted or refused) have no label in a ``by`` column, with
        their number: they are left out (open and withdrawn ones are not counted anyway).

    See Also
    --------
    reduce_grants : the reduced table the shares are computed from.

    Notes
    -----
    :math:`\text{share} = \text{granted} / (\text{granted} + \text{refused})` with the
    Wilson (1927) score interval, from the counts of :func:`reduce_grants`.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA* 22, 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"decision": ["granted"] * 36 + ["refused"] * 24 + [None],
    ...                       "scheme": "aids"})
    >>> grant_rate(cases, by="scheme").round(6)
      scheme   n  count  share    ci_low   ci_high
    0   aids  60     36    0.6  0.473661  0.714305

    The same from a Polars LazyFrame (or a PyArrow, DuckDB or PySpark frame):

    >>> import polars as pl
    >>> grant_rate(pl.from_pandas(cases).lazy(), by="scheme").round(6)
      scheme   n  count  share    ci_low   ci_high
    0   aids  60     36    0.6  0.473661  0.714305
    """
    engine_frame(cases, function="grant_rate", what="cases")
    level = check_level(level)
    names = as_by(by)
    reduced, left_out = grants_reduction(cases, names, function="grant_rate")
    warn_left_out(left_out, "decided case(s)", ("granted", "refused"))
    n = (reduced["granted"] + reduced["refused"]).astype("int64")
    counts = reduced[names].assign(n=n, count=reduced["granted"])
    warn_small_bases(counts["n"], "decided cases", labels=_labels(counts, names))
    estimate = wilson_interval(
        counts["count"].to_numpy(np.float64), counts["n"].to_numpy(np.float64), level=level
    )
    return counts.assign(
        share=np.asarray(estimate.estimate, dtype=np.float64),
        ci_low=np.asarray(estimate.ci_low, dtype=np.float64),
        ci_high=np.asarray(estimate.ci_high, dtype=np.float64),
    )


# --------------------------------------------------------------------------------------------
# The reductions in another engine (Polars, PyArrow, DuckDB, PySpark) through narwhals
# --------------------------------------------------------------------------------------------

#: Categories of the canonical cases frame's categorical columns, restored on reduced keys.
CASE_CATEGORIES = {
    spec.name: list(spec.categories) for spec in CASES_SCHEMA.columns if spec.kind == "category"
}
#: Offending cases shown as examples in an error from an engine frame.
_EXAMPLES = 5


def _label_is(column: str, value: str) -> nw.Expr:
    """Rows whose label column (text, categorical or Enum) holds ``value``; missing: false."""
    import narwhals.stable.v2 as nw

    return (nw.col(column).cast(nw.String) == value).fill_null(value=False)


def _engine_examples(frame: EngineFrame, columns: Sequence[str], where: nw.Expr) -> pd.DataFrame:
    """A few rows where ``where`` holds, by case id (lazy frames have no row order)."""
    shown = [c for c in ("case_id", *columns) if c in engine_columns(frame)]
    picked = frame.filter(where).select(*shown)
    if "case_id" in shown:
        picked = picked.sort("case_id")
    return collect(picked.head(_EXAMPLES))


def _engine_check_dates(frame: EngineFrame, extracted: np.datetime64[int] | None) -> None:
    """The checks of :func:`check_dates` and :class:`Durations`, counted in the engine."""
    import narwhals.stable.v2 as nw

    applied, decided = nw.col("_applied"), nw.col("_decided")
    no_date = applied.is_null()
    early = (~no_date & ~decided.is_null() & (decided < applied)).fill_null(value=False)
    open_cases = (decided.is_null() & ~_label_is("decision", Decision.WITHDRAWN.value)).fill_null(
        value=False
    )
    decision = nw.col("decision").cast(nw.String)
    unknown = (~decision.is_null() & ~decision.is_in(list(DECISIONS))).fill_null(value=False)
    checks = {"no_date": no_date, "early": early, "unknown": unknown}
    if extracted is None:
        checks["open"] = open_cases
    else:
        checks["after"] = (applied > day_of(extracted)).fill_null(value=False)
    counted = collect(
        frame.select(*(check.cast(nw.Int64).sum().alias(name) for name, check in checks.items()))
    )
    found = {name: int(np.nan_to_num(counted[name].iloc[0])) for name in checks}
    found = {"open": 0, "after": 0} | found
    if found["no_date"] or found["early"]:
        problems = []
        for name, column, text in (
            ("no_date", "applied", "has no application date; every case needs one"),
            (
                "early",
                "decided",
                "was decided before it was applied for; a decision date must be on or after "
                "the application date (or missing while the case is open)",
            ),
        ):
            if found[name]:
                examples = _engine_examples(
                    frame, ["applied", "decided"], checks[name].fill_null(value=False)
                )
                for row in examples.itertuples(index=False):
                    case_id = getattr(row, "case_id", None)
                    who = "the case" if case_id is None else f"case {str(case_id)!r}"
                    value = getattr(row, column)
                    problems.append(
                        (None, column, None if pd.isna(value) else str(value), f"{who} {text}")
                    )
        raise SchemaError(
            f"{found['no_date'] + found['early']} case(s) have dates that give no processing "
            "time (no application date, or a decision before the application; a few are "
            f"listed, up to {_EXAMPLES} of each); correct them, or check the frame with "
            "jobhandicap.validate_cases",
            problems_frame(problems),
        )
    if found["unknown"]:
        accepted = ", ".join(map(repr, DECISIONS))
        examples = _engine_examples(frame, ["decision"], unknown)
        problems = []
        for row in examples.itertuples(index=False):
            case_id = getattr(row, "case_id", None)
            who = "the case" if case_id is None else f"case {str(case_id)!r}"
            problems.append(
                (
                    None,
                    "decision",
                    str(row.decision),
                    f"{who} has the decision {str(row.decision)!r}, which is not accepted",
                )
            )
        raise SchemaError(
            f"{found['unknown']} "
            + _UNKNOWN_DECISION.format(accepted=accepted)
            + f" (a few are listed, up to {_EXAMPLES})",
            problems_frame(problems),
        )
    if found["open"]:
        raise JobhandicapError(
            f"{found['open']} case(s) are still open: give {option('extracted')} (the date the "
            "data were extracted) so that they are censored there instead of dropped, which "
            "would bias processing time down"
        )
    if found["after"] and extracted is not None:
        raise OptionError(
            f"{option('extracted', str(pd.Timestamp(extracted).date()))} is before the "
            f"application date of {found['after']} case(s); the extraction date must be on or "
            "after every application"
        )


def _engine_check_date_types(frame: EngineFrame) -> None:
    """Refuse ``applied``/``decided`` that are not of a date type (text dates, say)."""
    import narwhals.stable.v2 as nw

    dtypes = engine_schema(frame)
    problems = [
        (
            None,
            name,
            str(dtypes[name]),
            f"the column holds {dtypes[name]}; the canonical cases frame holds dates (a date "
            "or datetime type) here: convert it in the engine (Polars: "
            "pl.col(...).str.to_date(); DuckDB: CAST(... AS DATE))",
        )
        for name in ("applied", "decided")
        if not isinstance(dtypes[name], nw.Date | nw.Datetime)
    ]
    if problems:
        raise SchemaError(
            f"the cases frame has {len(problems)} column(s) of the wrong type; an engine frame "
            "must hold canonical values (see the how-to page on national registers)",
            problems_frame(problems),
        )


def _engine_decisions(
    frame: EngineFrame, names: list[str], extracted: DateLike | None
) -> Reduction:
    """:func:`reduce_decisions` in the frame's engine: one check pass, one grouped count."""
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, ("applied", "decided", "decision"), "cases")
    _engine_check_date_types(frame)
    keys = engine_keys(frame, names, columns, check_missing=False)
    cut = None if extracted is None else as_timestamp(extracted, "extracted")
    days = frame.with_columns(
        day_number("applied", frame).alias("_applied"),
        day_number("decided", frame).alias("_decided"),
    )
    _engine_check_dates(days, cut)
    applied, decided = nw.col("_applied"), nw.col("_decided")
    withdrawn = _label_is("decision", Decision.WITHDRAWN.value)
    if cut is None:
        observed = ~decided.is_null()
        end = decided
    else:
        last = day_of(cut)
        observed = (~decided.is_null() & (decided <= last)).fill_null(value=False)
        withdrawn = withdrawn & ~(decided > last).fill_null(value=False)
        end = nw.when(observed).then(decided).otherwise(nw.lit(last))
    table, left_out = engine_reduction(
        days,
        [*names, "time"],
        {
            "events": (observed & ~withdrawn).cast(nw.Int64),
            "censored": (~observed & ~withdrawn).cast(nw.Int64),
        },
        derived={**keys, "time": end - applied},
        categories=CASE_CATEGORIES,
        reported=names,
    )
    return Reduction(_with_withdrawn(table), left_out)


def _engine_grants(frame: EngineFrame, names: list[str]) -> Reduction:
    """:func:`reduce_grants` in the frame's engine."""
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, ("decision",), "cases")
    keys = engine_keys(frame, names, columns)
    table, left_out = engine_reduction(
        frame,
        names,
        {
            "granted": _label_is("decision", Decision.GRANTED.value).cast(nw.Int64),
            "refused": _label_is("decision", Decision.REFUSED.value).cast(nw.Int64),
        },
        derived=keys,
        categories=CASE_CATEGORIES,
    )
    return Reduction(table.astype({"granted": "int64", "refused": "int64"}), left_out)
