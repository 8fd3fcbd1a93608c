"""Decisions and withdrawals as competing outcomes: the cumulative incidence of a decision."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import as_by, refuse_reserved, warn_left_out
from jobhandicap._options import check_level, warn_small_bases
from jobhandicap.cases._review import DECISION_COLUMNS, DateLike, decisions_reduction
from jobhandicap.errors import ArgumentTypeError, OptionError
from jobhandicap.stats import cumulative_incidence_at, cumulative_incidence_from_counts

__all__ = ["decision_incidence"]

#: The outcomes, in the order of the result: the names of the reduced table's counts.
OUTCOMES = {"decided": "events", "withdrawn": "withdrawn"}
#: Columns of the result besides the grouping columns.
RESULT_COLUMNS = (
    "outcome",
    "days",
    "n",
    "share",
    "ci_low",
    "ci_high",
    "se",
    "events",
    "waiting",
)
#: The default days at which the shares are read.
DEFAULT_TIMES = (30.0, 60.0, 90.0)


def check_times(times: object) -> npt.NDArray[np.float64]:
    """Check ``times``: one number of days or a sequence of them, each 0 or more.

    Returns the distinct days, sorted.
    """

    def is_number(value: object) -> bool:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)

    if is_number(times):
        values: list[object] = [times]
    elif isinstance(times, str) or not isinstance(times, Sequence | np.ndarray | pd.Series):
        raise ArgumentTypeError(
            f"times must be a number of days or a sequence of them (30 or [30, 60]), got {times!r}"
        )
    else:
        values = list(np.asarray(times, dtype=object).reshape(-1))
    wrong = [value for value in values if not is_number(value)]
    if wrong:
        raise ArgumentTypeError(
            f"times must be numbers of days (30 or [30, 60]); {wrong[0]!r} is not a number"
        )
    days = np.asarray(values, dtype=np.float64)
    if days.size == 0:
        raise OptionError("times must name at least one number of days, got an empty sequence")
    bad = ~np.isfinite(days) | (days < 0)
    if bad.any():
        raise OptionError(
            "times must be finite numbers of days of 0 or more (days since the application), "
            f"got {values[int(np.flatnonzero(bad)[0])]!r}"
        )
    result: npt.NDArray[np.float64] = np.unique(days)
    return result


def decision_incidence(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    extracted: DateLike | None = None,
    times: float | Sequence[float] = DEFAULT_TIMES,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Share of applications decided (and withdrawn) by given days, withdrawal competing.

    A withdrawn application never gets a decision: withdrawal is a *competing* outcome. The
    share decided within :math:`t` days is its cumulative incidence, estimated by
    Aalen–Johansen: every case counts, an open case is censored at the extraction date, and a
    withdrawal ends the wait for a decision — it is neither censored (as if a decision could
    still come) nor dropped (as :func:`processing_time` does, which is about the time a
    decision takes, not the share that gets one).

    Parameters
    ----------
    cases
        Canonical cases frame (``applied``, ``decided``, ``decision`` and the ``by`` columns).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    extracted
        The date the data were extracted. Open cases, and cases decided or withdrawn after
        it, were open at that date: they are censored there. Required when any case is open.
    times
        Days since the application at which the shares are read: a number or a sequence of
        numbers of 0 or more (read once each, in increasing order).
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group, outcome and day, sorted so: the grouping columns; ``outcome``
        (``"decided"``, then ``"withdrawn"``); ``days`` (from ``times``); ``n`` (cases of the
        group, whatever their status); ``share`` (the cumulative incidence: the estimated
        share of the group's applications with that outcome within ``days`` days) with its
        interval ``ci_low``, ``ci_high``; ``se`` (its standard error); ``events`` (cases with
        that outcome observed by then); ``waiting`` (cases still waiting after ``days`` days:
        neither decided, withdrawn nor censored by then). A day beyond a group's last
        observation carries the group's last value (the curve is flat after its last case;
        ``waiting`` is then 0).

    Raises
    ------
    SchemaError
        When a case has no application date or is decided before it was applied for; every
        such case is listed, as in :func:`processing_time`.
    MissingColumnsError
        When a needed or grouping column is missing.
    OptionError
        When ``extracted`` is before an application, ``level`` is not between 0 and 1, a day
        is negative or not finite, ``times`` is empty, or a grouping column is named like a
        column of the result or of the reduced table (``time``, ``censored``);
        :class:`~jobhandicap.errors.ArgumentTypeError` when ``times`` holds something else
        than numbers.
    JobhandicapError
        When open cases exist but ``extracted`` is not given.

    Warns
    -----
    SmallSampleWarning
        Once, when some group has fewer than :data:`~jobhandicap._defaults.SMALL_BASE` cases.
    DataQualityWarning
        Once, when cases have no label in a ``by`` column, with their number (every such
        case, as every case is in the base ``n``): they are left out of every group.

    See Also
    --------
    processing_time : the time to decision, withdrawals left out.
    jobhandicap.stats.cumulative_incidence_from_counts : the estimator.

    Notes
    -----
    The cases are reduced to decisions, withdrawals and censorings per group and day
    (:func:`reduce_decisions`); the curves are computed from that table alone. With
    :math:`n_j` cases waiting just before day :math:`t_j`, :math:`d_j` decisions and
    :math:`w_j` withdrawals that day, and :math:`\hat S(t) = \prod_{t_j \le t}(1 - (d_j +
    w_j)/n_j)` the share still waiting, the share decided by day :math:`t` is

    .. math::

        \hat F_{\text{decided}}(t) = \sum_{t_j \le t} \hat S(t_{j-1})\, d_j / n_j,

    and the share withdrawn likewise with :math:`w_j`;
    :math:`\hat F_{\text{decided}} + \hat F_{\text{withdrawn}} + \hat S = 1`. Without
    withdrawals :math:`\hat F_{\text{decided}} = 1 - \hat S` is one minus the Kaplan–Meier
    curve of :func:`survival_table`. The standard error is the Greenwood-type delta-method
    one, equal to R ``survival``'s (infinitesimal jackknife) and ``etm``'s; ``cmprsk``'s
    Aalen-type estimator gives standard errors 2–3 % larger. The interval is on the log scale,
    :math:`\hat F e^{\pm z\,\mathrm{se}/\hat F}` clipped to [0, 1], as ``survfit``'s; it is
    :math:`[0, 0]` before the first event of an outcome. See
    :func:`jobhandicap.stats.cumulative_incidence_from_counts`.

    References
    ----------
    Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for non-homogeneous
    Markov chains based on censored observations. *Scandinavian Journal of Statistics* 5,
    141–150. Collett, D. (2015). *Modelling Survival Data in Medical Research*, 3rd ed.,
    §12.2.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "applied": pd.to_datetime(["2020-01-01"] * 4),
    ...     "decided": pd.to_datetime(["2020-01-11", "2020-01-21", None, "2020-01-16"]),
    ...     "decision": ["granted", "refused", None, "withdrawn"]})
    >>> result = decision_incidence(cases, extracted="2020-03-01", times=[15, 30])
    >>> result[["outcome", "days", "n", "share", "events", "waiting"]]
         outcome  days  n  share  events  waiting
    0    decided  15.0  4   0.25       1        2
    1    decided  30.0  4   0.50       2        1
    2  withdrawn  15.0  4   0.25       1        2
    3  withdrawn  30.0  4   0.25       1        1
    """
    level = check_level(level)
    names = as_by(by)
    refuse_reserved(
        names,
        tuple(dict.fromkeys((*RESULT_COLUMNS, "cause", *DECISION_COLUMNS))),
        "the result or the reduced table",
    )
    days = check_times(times)
    reduced, left_out = decisions_reduction(cases, names, extracted, function="decision_incidence")
    warn_left_out(left_out)
    counts = reduced[[*names, "time", *OUTCOMES.values(), "censored"]].rename(
        columns={count: outcome for outcome, count in OUTCOMES.items()}
    )
    curves = cumulative_incidence_from_counts(counts, list(OUTCOMES), level=level)
    at = cumulative_incidence_at(curves, days)
    if names:
        warn_small_bases(
            at["n"].to_numpy()[:: days.size * len(OUTCOMES)],
            "cases",
            labels=[
                ", ".join(map(str, row))
                for row in at[names].iloc[:: days.size * len(OUTCOMES)].itertuples(index=False)
            ],
        )
    else:
        warn_small_bases(at["n"].to_numpy()[:1], "cases", labels=["all"])
    result = at.rename(columns={"cause": "outcome", "time": "days", "incidence": "share"})
    result = result.assign(outcome=result["outcome"].astype(str))
    return result[[*names, *RESULT_COLUMNS]]
