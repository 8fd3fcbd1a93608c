r"""Competing risks: the Aalen–Johansen cumulative incidence of each cause, vectorised over groups.

When a case can end in more than one way — an application is decided, or it is withdrawn
before a decision — the share of cases that have ended *in one way* by day :math:`t` is the
cumulative incidence of that cause, :math:`F_k(t) = P(T \le t, \text{cause} = k)`. Censoring
the other causes and taking one minus a Kaplan–Meier curve overstates it: it estimates the share
that would end that way if the other ways did not exist.

As everywhere in jobhandicap the work is split in two steps (reduce, then infer): case-level
data are first reduced to counts per group and time — cases at risk are not needed, only the
events of each cause and the censorings — and :func:`cumulative_incidence_from_counts` computes
the curves of every cause and every group at once from that table (cumulative sums within
groups, no loop over groups). :func:`cumulative_incidence_at` reads the curves at given times.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.stats._core import (
    FloatArray,
    as_float_array,
    check_level,
    count_column,
    factorize_groups,
    offending_entries,
    segment_cumsum,
    segments,
    z_value,
)

__all__ = [
    "cumulative_incidence_at",
    "cumulative_incidence_from_counts",
]

IncidenceTransform = Literal["log", "log-log", "plain"]
IntArray = npt.NDArray[np.int64]

_TRANSFORMS = ("log", "log-log", "plain")
#: The columns of a table of :func:`cumulative_incidence_from_counts`, after the groups.
_CIF_COLUMNS = (
    "cause",
    "time",
    "at_risk",
    "events",
    "competing",
    "censored",
    "survival",
    "incidence",
    "se",
    "ci_low",
    "ci_high",
)
_RESERVED = frozenset(_CIF_COLUMNS)


def _check_transform(transform: object) -> IncidenceTransform:
    if transform not in _TRANSFORMS:
        raise JobhandicapError(
            f"transform must be one of {', '.join(map(repr, _TRANSFORMS))}, got {transform!r}"
        )
    return transform  # type: ignore[return-value]


def _check_causes(causes: object, columns: Sequence[str]) -> list[str]:
    """The cause columns: a non-empty sequence of distinct column names of the counts."""
    if isinstance(causes, str):
        causes = [causes]
    if not isinstance(causes, Sequence) or not causes:
        raise JobhandicapError(
            f"causes must name one or more columns of event counts, got {causes!r}"
        )
    names = [str(cause) for cause in causes]
    if len(set(names)) != len(names):
        raise JobhandicapError(f"causes must not repeat, got {names!r}")
    clash = sorted(_RESERVED.intersection(names) - {"events"})
    if clash:
        raise JobhandicapError(
            f"cause column(s) {', '.join(map(repr, clash))} clash with the result's columns; "
            "rename them"
        )
    missing = [name for name in (*names, "time", "censored") if name not in columns]
    if missing:
        raise MissingColumnsError(missing, list(columns), "competing-risks counts")
    return names


def _band(
    incidence: FloatArray, se: FloatArray, z: float, transform: IncidenceTransform
) -> tuple[FloatArray, FloatArray]:
    """Pointwise interval around the cumulative incidence."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "plain":
            low, high = incidence - z * se, incidence + z * se
        elif transform == "log":
            factor = np.exp(z * se / incidence)
            low, high = incidence / factor, incidence * factor
        else:
            log_f = np.log(incidence)  # < 0 inside (0, 1)
            centre = np.log(-log_f)
            shift = z * se / (incidence * log_f)  # < 0
            low = np.exp(-np.exp(centre - shift))
            high = np.exp(-np.exp(centre + shift))
    # No event of the cause yet (F = 0), or every case ended by it (F = 1): no spread.
    fixed = (incidence <= 0.0) | (incidence >= 1.0) | (se <= 0.0)
    low = np.where(fixed, incidence, np.clip(low, 0.0, 1.0))
    high = np.where(fixed, incidence, np.clip(high, 0.0, 1.0))
    return low, high


def cumulative_incidence_from_counts(
    counts: pd.DataFrame,
    causes: Sequence[str],
    *,
    level: float = 0.95,
    transform: IncidenceTransform = "log",
) -> pd.DataFrame:
    r"""Aalen–Johansen cumulative incidence of competing causes, per group, from counts.

    Parameters
    ----------
    counts
        One row per group and time: ``time`` (finite, non-negative), one column of event
        counts per cause (named in ``causes``), ``censored`` (cases censored at that time);
        every other column is a grouping column. At most one row per group and time; rows
        with no event and no censoring are allowed.
    causes
        The columns of event counts, one per competing cause (for instance
        ``("decided", "withdrawn")``).
    level
        Confidence level of the pointwise interval.
    transform
        Scale of the interval: ``"log"`` (default, as R ``survival``'s ``survfit``),
        ``"log-log"`` (as ``cmprsk``) or ``"plain"``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, then ``cause`` (the column name), ``time``, ``at_risk`` (cases
        of the group at risk just before ``time``), ``events`` (of this cause at ``time``),
        ``competing`` (of the other causes at ``time``), ``censored``, ``survival`` (the share
        of the group with no event of any cause by ``time``, Kaplan–Meier of all causes
        together), ``incidence`` (:math:`\hat F_k(t)`), ``se`` and ``ci_low``, ``ci_high``:
        one row per group, cause and time of the counts, sorted by group, cause (in the order
        given) and time.

    Raises
    ------
    JobhandicapError
        When a count is negative or not whole, a time is negative or not finite, a group label
        is missing, a group has two rows for one time, ``causes`` is empty or repeats, or
        ``level`` or ``transform`` is not valid;
        :class:`~jobhandicap.errors.MissingColumnsError` when a column is missing.

    See Also
    --------
    cumulative_incidence_at : the curves read at given times.
    jobhandicap.stats.kaplan_meier_from_counts : the one-cause curve.

    Notes
    -----
    With :math:`n_j` cases at risk just before :math:`t_j`, :math:`d_{kj}` events of cause
    :math:`k` and :math:`d_j = \sum_k d_{kj}` at :math:`t_j`, and the Kaplan–Meier estimate of
    having no event of any cause :math:`\hat S(t) = \prod_{t_j \le t}(1 - d_j/n_j)`, the
    Aalen–Johansen estimate is

    .. math::

        \hat F_k(t) = \sum_{t_j \le t} \hat S(t_{j-1})\, \frac{d_{kj}}{n_j}.

    The causes and the event-free share add up: :math:`\sum_k \hat F_k(t) + \hat S(t) = 1`.
    With one cause, :math:`\hat F = 1 - \hat S`.

    Its variance is the Greenwood-type delta-method estimator (Collett 2015, p. 411; SAS
    ``LIFETEST``), which equals the infinitesimal-jackknife variance of R ``survival``'s
    ``survfit`` and that of ``etm``:

    .. math::

        \widehat{\operatorname{Var}}\,\hat F_k(t) =
        \sum_{t_j \le t} [\hat F_k(t) - \hat F_k(t_j)]^2 \frac{d_j}{n_j(n_j - d_j)}
        + \sum_{t_j \le t} \hat S(t_{j-1})^2 \frac{d_{kj}(n_j - d_{kj})}{n_j^3}
        - 2 \sum_{t_j \le t} [\hat F_k(t) - \hat F_k(t_j)]\, \hat S(t_{j-1})
        \frac{d_{kj}}{n_j^2}.

    ``cmprsk::cuminc`` uses Aalen's (Gray's) estimator instead, whose standard errors are
    2–3 % larger on typical data; that is a convention, not an error. With one cause the
    variance is Greenwood's. The first sum is skipped at a time where every case at risk has
    an event (:math:`n_j = d_j`): the curves end there.

    The interval is, on the log scale, :math:`\hat F e^{\pm z\,\mathrm{se}/\hat F}`; on the
    log-log scale, :math:`\exp\{-\exp[\log(-\log \hat F) \mp z\,\mathrm{se}/(\hat F \log \hat
    F)]\}`; plain, :math:`\hat F \pm z\,\mathrm{se}`; always clipped to [0, 1]. Where
    :math:`\hat F` is 0 (no event of the cause yet) or 1 it is :math:`[\hat F, \hat F]`.

    All groups and times are computed together: the variance at every time is a combination
    of cumulative sums within groups (the squares expanded), so there is no loop over groups
    or times; a loop runs over the causes only.

    References
    ----------
    Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for non-homogeneous
    Markov chains based on censored observations. *Scandinavian Journal of Statistics* 5,
    141–150.

    Collett, D. (2015). *Modelling Survival Data in Medical Research*, 3rd ed., §12.2.
    Chapman & Hall/CRC.

    Examples
    --------
    Decisions (cause ``decided``) and withdrawals of 36 applications (METHODS.md §5.5):

    >>> import pandas as pd
    >>> counts = pd.DataFrame({
    ...     "time": [3, 6, 9, 12, 15, 18, 21, 24, 27, 36, 42, 48, 51, 54, 57, 63, 75, 87, 108],
    ...     "decided": [5, 4, 2, 2, 1, 1, 2, 1, 3, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0],
    ...     "withdrawn": [1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    ...     "censored": [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1]})
    >>> cif = cumulative_incidence_from_counts(counts, ["decided", "withdrawn"])
    >>> cif.loc[cif["time"] == 27, ["cause", "incidence", "se", "ci_low", "ci_high"]].round(6)
            cause  incidence        se    ci_low   ci_high
    8     decided   0.594136  0.083017  0.451803  0.781308
    27  withdrawn   0.112654  0.053099  0.044724  0.283763
    """
    level = check_level(level)
    transform = _check_transform(transform)
    columns = [str(c) for c in counts.columns]
    names = _check_causes(causes, columns)
    groups = [c for c in columns if c not in (*names, "time", "censored")]
    clash = sorted(_RESERVED.intersection(groups))
    if clash:
        raise JobhandicapError(
            f"grouping column(s) {', '.join(map(repr, clash))} would clash with the result's "
            f"columns; rename them (reserved: {', '.join(sorted(_RESERVED))})"
        )
    unlabelled = counts[groups].isna().any(axis=1).to_numpy() if groups else None
    if unlabelled is not None and unlabelled.any():
        raise JobhandicapError(
            "grouping columns have missing labels at position(s) "
            f"{', '.join(map(str, np.flatnonzero(unlabelled)[:5].tolist()))}; give every row a "
            "group (or drop the rows) before estimating"
        )
    time = as_float_array(counts["time"].to_numpy(dtype=np.float64, na_value=np.nan), "time")
    bad = ~np.isfinite(time) | (time < 0)
    if bad.any():
        raise JobhandicapError(
            "column 'time' must hold finite, non-negative times; got "
            f"{offending_entries(time, bad)}"
        )
    by_cause = np.stack([count_column(counts, name) for name in names])
    censored = count_column(counts, "censored")
    if groups:
        codes, _ = factorize_groups(counts[groups].reset_index(drop=True))
    else:
        codes = np.zeros(len(counts), dtype=np.int64)
    order = np.lexsort((time, codes))
    time, codes, censored = time[order], codes[order], censored[order]
    repeated = (codes[1:] == codes[:-1]) & (time[1:] == time[:-1])
    if repeated.any():
        raise JobhandicapError(
            "counts must have at most one row per group and time; time(s) "
            f"{np.unique(time[1:][repeated])[:5].tolist()} occur twice within a group "
            "(sum them first)"
        )
    events = by_cause[:, order]
    segment, starts, ends = segments(codes)

    # At risk just before t_j: every case of the group whose time is >= t_j.
    everything = events.sum(axis=0)
    leaving = everything + censored
    from_here = np.cumsum(leaving[::-1])[::-1]
    at_risk = from_here - np.append(from_here, 0)[ends][segment]
    n = np.maximum(at_risk, 1).astype(np.float64)  # a row with nobody at risk has no events
    ended = (everything > 0) & (everything >= at_risk)
    log_factor = np.log1p(-np.where(ended, 0.0, everything / n))
    survival = np.exp(segment_cumsum(log_factor, segment, starts))
    survival = np.where(
        segment_cumsum(ended.astype(np.float64), segment, starts) > 0, 0.0, survival
    )
    first = np.zeros(time.size, dtype=np.bool_)
    first[starts] = True
    previous = np.where(first, 1.0, np.roll(survival, 1))  # S(t_{j-1}), 1 at a group's start
    a = np.where(ended, 0.0, everything / (n * np.maximum(at_risk - everything, 1)))
    sum_a = segment_cumsum(a, segment, starts)
    z = z_value(level)

    pieces: list[dict[str, FloatArray | IntArray]] = []
    for k in range(len(names)):
        d_k = events[k].astype(np.float64)
        jump = previous * d_k / n
        incidence = np.minimum(segment_cumsum(jump, segment, starts), 1.0)
        b = previous**2 * d_k * (n - d_k) / n**3
        c = previous * d_k / n**2
        variance = (
            incidence**2 * sum_a
            - 2.0 * incidence * segment_cumsum(incidence * a, segment, starts)
            + segment_cumsum(incidence**2 * a, segment, starts)
            + segment_cumsum(b, segment, starts)
            - 2.0
            * (
                incidence * segment_cumsum(c, segment, starts)
                - segment_cumsum(incidence * c, segment, starts)
            )
        )
        # The expanded sums cancel to rounding error (~1e-16) where the true variance is 0,
        # e.g. once every case has ended; below 64 ulp of 1 it is taken as the 0 it is.
        se = np.sqrt(np.where(variance < 64 * np.finfo(np.float64).eps, 0.0, variance))
        low, high = _band(incidence, se, z, transform)
        pieces.append(
            {
                "time": time,
                "at_risk": at_risk,
                "events": events[k],
                "competing": everything - events[k],
                "censored": censored,
                "survival": survival,
                "incidence": incidence,
                "se": se,
                "ci_low": low,
                "ci_high": high,
            }
        )
    rows = time.size
    # Group-major order: group, then cause, then time.
    cause_of = np.repeat(np.arange(len(names)), rows)
    position = np.tile(np.arange(rows), len(names))
    layout = np.lexsort((position, cause_of, np.tile(segment, len(names))))
    keys = counts[groups].iloc[order].reset_index(drop=True)
    keys = keys.iloc[position[layout]].reset_index(drop=True)
    values = {
        column: np.concatenate([piece[column] for piece in pieces])[layout] for column in pieces[0]
    }
    return keys.assign(
        cause=pd.Categorical(np.asarray(names, dtype=object)[cause_of[layout]], categories=names),
        **values,
    )


def cumulative_incidence_at(table: pd.DataFrame, times: npt.ArrayLike) -> pd.DataFrame:
    r"""Read cumulative incidence curves at given times, per group and cause.

    Parameters
    ----------
    table
        A table of :func:`cumulative_incidence_from_counts`.
    times
        Times (finite, non-negative); read in the order given.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``cause``, ``time`` (the time asked for), ``n`` (cases of the
        group), ``incidence``, ``se``, ``ci_low``, ``ci_high``, ``events`` (events of the cause
        by then), ``waiting`` (cases of the group still at risk after ``time``: no event and
        not censored by then) and ``survival``: one row per group, cause and time.

    Raises
    ------
    JobhandicapError
        When a time is negative or not finite;
        :class:`~jobhandicap.errors.MissingColumnsError` when ``table`` lacks a column.

    Notes
    -----
    A curve is a step function, continuous from the right: at time :math:`t` it has the value
    of its last time :math:`t_j \le t`. Before the first time of a group nothing has happened
    (incidence 0, survival 1). **Beyond the last time of a group the last value is carried
    on**: the estimate does not change after the last case has left the risk set, even though
    nothing was observed there.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"time": [2, 5], "decided": [1, 1], "withdrawn": [1, 0],
    ...                        "censored": [0, 1]})
    >>> cif = cumulative_incidence_from_counts(counts, ["decided", "withdrawn"])
    >>> cumulative_incidence_at(cif, [1, 3, 10])[["cause", "time", "incidence", "waiting"]]
           cause  time  incidence  waiting
    0    decided   1.0   0.000000        4
    1    decided   3.0   0.250000        2
    2    decided  10.0   0.500000        0
    3  withdrawn   1.0   0.000000        4
    4  withdrawn   3.0   0.250000        2
    5  withdrawn  10.0   0.250000        0
    """
    wanted = as_float_array(times, "times").reshape(-1)
    bad = ~np.isfinite(wanted) | (wanted < 0)
    if bad.any():
        raise JobhandicapError(
            f"times must be finite and non-negative; got {offending_entries(wanted, bad)}"
        )
    missing = [c for c in _CIF_COLUMNS if c not in table.columns]
    if missing:
        raise MissingColumnsError(missing, list(table.columns), "cumulative incidence")
    groups = [str(c) for c in table.columns if c not in _CIF_COLUMNS]
    keys = table[[*groups, "cause"]].reset_index(drop=True)
    codes, curves = factorize_groups(keys)
    time = table["time"].to_numpy(dtype=np.float64)
    order = np.lexsort((time, codes))
    codes, time = codes[order], time[order]
    segment, starts, ends = segments(codes)

    def column(name: str) -> FloatArray:
        return table[name].to_numpy(dtype=np.float64, na_value=np.nan)[order]

    at_risk = column("at_risk")
    leaving = column("events") + column("competing") + column("censored")
    total = at_risk[starts]
    waiting_after = at_risk - leaving
    events_by = segment_cumsum(column("events"), segment, starts)

    n_curves, n_times = starts.size, wanted.size
    curve = np.repeat(np.arange(n_curves), n_times)
    at = np.tile(wanted, n_curves)
    # The last row of each curve with time <= t: search on (curve, time) keys.
    span = float(np.max(time)) + float(np.max(wanted, initial=0.0)) + 1.0 if time.size else 1.0
    row_key = codes * span + time
    hit = np.searchsorted(row_key, curve * span + at, side="right") - 1
    found = (hit >= starts[curve]) & (hit < ends[curve])
    safe = np.where(found, hit, 0)

    def read(values: FloatArray, before_first: float) -> FloatArray:
        result: FloatArray = np.where(found, values[safe] if values.size else 0.0, before_first)
        return result

    result = curves.iloc[curve].reset_index(drop=True)
    return result.assign(
        time=at,
        n=total[curve].astype(np.int64),
        incidence=read(column("incidence"), 0.0),
        se=read(column("se"), 0.0),
        ci_low=read(column("ci_low"), 0.0),
        ci_high=read(column("ci_high"), 0.0),
        events=read(events_by, 0.0).astype(np.int64),
        waiting=np.where(found, read(waiting_after, 0.0), total[curve]).astype(np.int64),
        survival=read(column("survival"), 1.0),
    )
