"""Kaplan–Meier survival curves and their quantiles, vectorised over groups.

The work is split in two steps, as everywhere in jobhandicap (reduce, then infer):

1. :func:`reduce_survival` turns case-level durations (possibly millions of them) into a small
   table of counts: one row per group and distinct time, with the number of events and of
   censorings at that time. This is the only step whose cost grows with the number of cases.
2. :func:`kaplan_meier_from_counts` computes the survival curves of *all* groups at once from
   that table (cumulative sums within groups, no loop over groups), and
   :func:`survival_quantiles` reads quantiles and their Brookmeyer–Crowley intervals off the
   curves, again for all groups at once.

:func:`kaplan_meier` chains the first two steps.

In jobhandicap's use the "survival" is the share of applications *not yet decided*; an open case
(or one decided after the extraction date) is censored at the extraction date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import JobhandicapError, MissingColumnsError
from jobhandicap.stats._core import (
    FloatArray,
    Labels,
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
    "kaplan_meier",
    "kaplan_meier_from_counts",
    "median_survival",
    "reduce_survival",
    "survival_quantiles",
]

Transform = Literal["log-log", "log", "plain"]
IntArray = npt.NDArray[np.int64]
#: Group labels of the cases: one label per case (array-like or Series), a frame of grouping
#: columns, or ``None`` for one group.
Groups: TypeAlias = pd.DataFrame | pd.Series | Labels | None

_TRANSFORMS = ("log-log", "log", "plain")
_COUNT_COLUMNS = ("time", "events", "censored")
_KM_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
_RESERVED = frozenset(_KM_COLUMNS) | {"n"}
#: Two survival values closer than this are taken as equal when a quantile is read off a curve
#: (as R's ``quantile.survfit``), so that a product such as (7/8)(6/7)(5/6)(4/5) computed in
#: floating point still counts as reaching 0.5.
_TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))


def _check_transform(transform: str) -> Transform:
    if transform not in _TRANSFORMS:
        raise JobhandicapError(
            f"transform must be one of {', '.join(map(repr, _TRANSFORMS))}, got {transform!r}"
        )
    return transform  # type: ignore[return-value]


def _check_cases(durations: npt.ArrayLike, observed: npt.ArrayLike) -> tuple[FloatArray, IntArray]:
    """Validate case-level durations and event indicators; return float times and 0/1 ints."""
    time = as_float_array(durations, "durations")
    event = as_float_array(observed, "observed")
    if time.ndim != 1 or event.ndim != 1:
        raise JobhandicapError(
            "durations and observed must be one-dimensional (one entry per case), got shapes "
            f"{time.shape} and {event.shape}"
        )
    if time.size != event.size:
        raise JobhandicapError(
            f"durations and observed must have the same length, got {time.size} durations and "
            f"{event.size} event indicators"
        )
    bad_time = ~np.isfinite(time) | (time < 0)
    if bad_time.any():
        raise JobhandicapError(
            "durations must be finite and non-negative (a duration in days from application "
            f"to decision or censoring); got "
            f"{offending_entries(time, bad_time)}"
        )
    bad_event = ~((event == 0) | (event == 1))
    if bad_event.any():
        raise JobhandicapError(
            "observed must be 1 (or True) for a decided case and 0 (or False) for a censored "
            f"one; got "
            f"{offending_entries(event, bad_event)}"
        )
    return time, event.astype(np.int64)


def _group_frame(groups: Groups, size: int) -> pd.DataFrame | None:
    """Turn the ``groups`` argument into a frame of grouping columns (or ``None``)."""
    if groups is None:
        return None
    if isinstance(groups, pd.DataFrame):
        frame = groups.reset_index(drop=True)
    elif isinstance(groups, pd.Series):
        name = groups.name if isinstance(groups.name, str) else "group"
        frame = groups.reset_index(drop=True).to_frame(name=name)
    else:
        shape = np.asarray(groups).shape
        if len(shape) != 1 or not isinstance(groups, Iterable):
            raise JobhandicapError(
                "groups must be one-dimensional (one label per case), a pandas Series or a "
                f"DataFrame of grouping columns; got an array of shape {shape}"
            )
        column = pd.Series(list(groups) if not isinstance(groups, np.ndarray) else groups)
        if pd.api.types.infer_dtype(column, skipna=True) == "string":
            column = column.astype(pd.StringDtype())
        frame = column.to_frame(name="group")
    if len(frame) != size:
        raise JobhandicapError(
            f"groups must have one label per case: got {len(frame)} labels for {size} durations"
        )
    names = list(frame.columns)
    if not all(isinstance(name, str) for name in names):
        raise JobhandicapError(f"grouping columns must have string names, got {names!r}")
    clash = sorted(_RESERVED.intersection(names))
    if clash:
        raise JobhandicapError(
            f"grouping column(s) {', '.join(map(repr, clash))} would clash with the result's "
            f"columns; rename them (reserved: {', '.join(sorted(_RESERVED))})"
        )
    missing = frame.isna().any(axis=1).to_numpy()
    if missing.any():
        raise JobhandicapError(
            "groups has missing labels at position(s) "
            f"{', '.join(map(str, np.flatnonzero(missing)[:5].tolist()))}; give every case a "
            "group (or drop the cases) before estimating"
        )
    return frame


def reduce_survival(
    durations: npt.ArrayLike, observed: npt.ArrayLike, groups: Groups = None
) -> pd.DataFrame:
    r"""Reduce case-level durations to event and censoring counts per group and time.

    This is the step that scales with the number of cases (a single group-by); everything else
    runs on its small result.

    Parameters
    ----------
    durations
        Time from start (application) to the event (decision) or to censoring, one per case;
        finite and non-negative.
    observed
        1 (or ``True``) when the event was observed, 0 (or ``False``) when the case is censored
        at its duration (still open at the extraction date).
    groups
        Optional grouping: a 1-D array of labels (column ``group``), a named Series (column
        named after it) or a DataFrame whose columns are the grouping columns. Missing labels
        are refused.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (if any), then ``time`` (float), ``events`` and ``censored``
        (int64): one row per group and distinct time, sorted by group and time.

    Raises
    ------
    JobhandicapError
        If durations are negative or not finite, ``observed`` is not 0/1, the lengths differ, or
        a group label is missing or clashes with a result column.

    See Also
    --------
    kaplan_meier_from_counts : the curves from this table.

    Notes
    -----
    For group :math:`g` and distinct time :math:`t`, ``events`` is
    :math:`d_{gt} = \#\{i : g_i = g, T_i = t, \delta_i = 1\}` and ``censored`` is
    :math:`c_{gt} = \#\{i : g_i = g, T_i = t, \delta_i = 0\}`. These counts are sufficient
    for the Kaplan–Meier estimator, so tables reduced separately (for instance per region of a
    national register) can be concatenated and summed before inference.

    Examples
    --------
    >>> reduce_survival([5, 8, 8, 12], [1, 1, 0, 1])
       time  events  censored
    0   5.0       1         0
    1   8.0       1         1
    2  12.0       1         0
    """
    time, event = _check_cases(durations, observed)
    keys = _group_frame(groups, time.size)
    if keys is None:
        codes = np.zeros(time.size, dtype=np.int64)
        coded = pd.DataFrame(index=pd.RangeIndex(1 if time.size else 0))
    else:
        codes, coded = factorize_groups(keys)
    return reduce_coded(time, event, codes, coded)


#: Largest number of (group, day) cells counted with :func:`numpy.bincount`; beyond it (or for
#: durations that are not whole numbers) the counts come from one sort instead.
_MAX_CELLS = 1 << 24


def reduce_coded(
    time: FloatArray,
    event: IntArray,
    codes: IntArray,
    groups: pd.DataFrame,
    keep: npt.NDArray[np.bool_] | None = None,
) -> pd.DataFrame:
    """Count events and censorings per group and time, the groups already coded.

    The engine of :func:`reduce_survival`, for callers (such as
    :func:`jobhandicap.processing_time`) that code their groups once with
    :func:`~jobhandicap.stats._core.factorize_groups` and reuse the codes. ``time`` must be
    checked durations, ``event`` 0/1, ``codes`` the group (a row of ``groups``) of each case,
    and ``keep`` (optional) marks the cases to count — the others are routed to a discarded
    cell rather than copied out, which saves three full-length copies.

    Whole-number durations (days) are counted with one :func:`numpy.bincount` over
    ``code × width + day``; other durations with one stable sort on (group, time).
    """
    names = [str(c) for c in groups.columns]
    n_groups = len(groups)
    whole = time.size > 0 and bool(np.all(time == np.floor(time)))
    width = int(time.max()) + 1 if time.size else 1
    if whole and n_groups * width <= _MAX_CELLS:
        cells = n_groups * width
        cell = codes * width + time.astype(np.int64)
        if keep is not None:
            cell = np.where(keep, cell, cells)  # the discarded cell, dropped below
        total = np.bincount(cell, minlength=cells + 1)[:cells]
        decided = np.bincount(cell[event.astype(np.bool_)], minlength=cells + 1)[:cells]
        used = np.flatnonzero(total)
        group, at = used // width, (used % width).astype(np.float64)
        events, size = decided[used].astype(np.int64), total[used].astype(np.int64)
    else:
        if keep is not None:
            time, event, codes = time[keep], event[keep], codes[keep]
        order = np.lexsort((time, codes))
        sorted_codes, sorted_time = codes[order], time[order]
        new = np.ones(order.size, dtype=np.bool_)
        new[1:] = (sorted_codes[1:] != sorted_codes[:-1]) | (sorted_time[1:] != sorted_time[:-1])
        starts = np.flatnonzero(new)
        group, at = sorted_codes[starts], sorted_time[starts]
        events = np.add.reduceat(event[order], starts) if starts.size else starts
        size = np.diff(np.append(starts, order.size))
    if names:
        result = groups.iloc[group].reset_index(drop=True)
    else:
        result = pd.DataFrame(index=pd.RangeIndex(len(at)))
    return result.assign(
        time=at.astype(np.float64),
        events=np.asarray(events, dtype=np.int64),
        censored=np.asarray(size - events, dtype=np.int64),
    )


def _group_codes(frame: pd.DataFrame, names: Sequence[str]) -> IntArray:
    """Integer code of each row's group, numbered in sorted group order (0 without groups)."""
    if not names:
        return np.zeros(len(frame), dtype=np.int64)
    codes = frame.groupby(list(names), sort=True, observed=True, dropna=False).ngroup()
    result: IntArray = np.asarray(codes, dtype=np.int64)
    return result


def kaplan_meier_from_counts(
    counts: pd.DataFrame, *, level: float = 0.95, transform: Transform = "log-log"
) -> pd.DataFrame:
    r"""Kaplan–Meier curves with pointwise confidence bands from event and censoring counts.

    Parameters
    ----------
    counts
        A table like the one :func:`reduce_survival` returns: columns ``time``, ``events`` and
        ``censored``; every other column (apart from the result columns ``at_risk``,
        ``survival``, ``ci_low`` and ``ci_high``, which are ignored) is a grouping column. At
        most one row per group and time; any row order.
    level
        Confidence level of the pointwise band.
    transform
        Scale on which the band is symmetric: ``"log-log"`` (default; R's ``conf.type =
        "log-log"``, lifelines' band), ``"log"`` (R's default) or ``"plain"``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, then ``time``, ``at_risk``, ``events``, ``censored``,
        ``survival`` (:math:`\hat S(t)` just after ``time``), ``ci_low``, ``ci_high``; one row
        per group and time, sorted by group and time.

    Raises
    ------
    JobhandicapError
        If a count column is missing (:class:`~jobhandicap.errors.MissingColumnsError`), counts
        are not non-negative whole numbers, times are negative, a group has two rows for one
        time, or ``level``/``transform`` is invalid.

    Notes
    -----
    With :math:`n_j` at risk just before time :math:`t_j` (everyone whose time is
    :math:`\ge t_j`; a case censored at :math:`t_j` is still at risk there) and :math:`d_j`
    events at :math:`t_j`,

    .. math::

        \hat S(t) = \prod_{t_j \le t} \Bigl(1 - \frac{d_j}{n_j}\Bigr), \qquad
        \sigma^2(t) = \sum_{t_j \le t} \frac{d_j}{n_j (n_j - d_j)}

    (Kaplan & Meier 1958); :math:`\sigma^2` is Greenwood's (1926) variance of
    :math:`\log \hat S`, so :math:`\operatorname{Var} \hat S = \hat S^2 \sigma^2`. With
    :math:`z` the standard-normal quantile of the level, the bands are

    - log-log: :math:`\exp\{-\exp[\log(-\log \hat S) \mp z\sigma / \log \hat S]\}`
      (lower with :math:`-`; :math:`\log \hat S < 0`, so the lower limit moves
      :math:`\log(-\log \hat S)` up);
    - log: :math:`\hat S e^{\pm z\sigma}`, the upper limit capped at 1;
    - plain: :math:`\hat S (1 \pm z\sigma)`, clipped to [0, 1].

    Where :math:`\hat S = 1` (no event yet) the band is [1, 1]. Once :math:`\hat S = 0`
    (everyone left at risk had the event) Greenwood's variance is infinite: ``ci_low`` is 0
    and ``ci_high`` is NaN (undefined, as R reports it).

    All groups are computed together: the table is sorted by group and time, the number at
    risk is a reverse cumulative sum within groups, and :math:`\log \hat S` and
    :math:`\sigma^2` are cumulative sums within groups (cumulative sums over the whole table
    less each group's offset). There is no loop over groups.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete observations.
    *Journal of the American Statistical Association* 53, 457–481.

    Greenwood, M. (1926). The natural duration of cancer. *Reports on Public Health and Medical
    Subjects* 33. London: HMSO.

    Kalbfleisch, J. D. and Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
    Data*, 2nd ed., §1.4 (the log-log band).

    Examples
    --------
    >>> counts = reduce_survival([5, 8, 8, 12, 15, 20], [1, 1, 0, 1, 1, 0])
    >>> km = kaplan_meier_from_counts(counts)
    >>> km[["time", "at_risk", "survival", "ci_low", "ci_high"]].round(4)
       time  at_risk  survival  ci_low  ci_high
    0   5.0        6    0.8333  0.2731   0.9747
    1   8.0        5    0.6667  0.1946   0.9044
    2  12.0        3    0.4444  0.0662   0.7849
    3  15.0        2    0.2222  0.0096   0.6147
    4  20.0        1    0.2222  0.0096   0.6147
    """
    level = check_level(level)
    transform = _check_transform(transform)
    missing = [c for c in _COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise MissingColumnsError(missing, list(counts.columns), "survival counts")
    names = [str(c) for c in counts.columns if c not in _KM_COLUMNS]

    time = as_float_array(counts["time"].to_numpy(dtype=np.float64, na_value=np.nan), "time")
    bad_time = ~np.isfinite(time) | (time < 0)
    if bad_time.any():
        raise JobhandicapError(
            f"column 'time' must hold finite, non-negative times; got "
            f"{offending_entries(time, bad_time)}"
        )
    events = count_column(counts, "events")
    censored = count_column(counts, "censored")
    codes = _group_codes(counts, names)

    order = np.lexsort((time, codes))
    time, events, censored, codes = time[order], events[order], censored[order], codes[order]
    repeated = (codes[1:] == codes[:-1]) & (time[1:] == time[:-1])
    if repeated.any():
        raise JobhandicapError(
            "counts must have at most one row per group and time; time(s) "
            f"{np.unique(time[1:][repeated])[:5].tolist()} occur twice within a group "
            "(sum them first, or build the table with reduce_survival)"
        )
    segment, starts, ends = segments(codes)

    # At risk just before t_j: everyone in the group whose time is >= t_j.
    total = events + censored
    from_here = np.cumsum(total[::-1])[::-1]
    after_group = np.append(from_here, 0)[ends]
    at_risk = from_here - after_group[segment]

    ended = (events > 0) & (events >= at_risk)  # every case at risk had the event
    # Rows are at risk whenever they have events; a row with no cases left has no hazard.
    safe_at_risk = np.maximum(at_risk, 1).astype(np.float64)
    hazard = np.where(ended, 0.0, events / safe_at_risk)
    log_factor = np.log1p(-hazard)
    greenwood = np.where(ended, 0.0, hazard / np.maximum(at_risk - events, 1))
    reached_zero = segment_cumsum(ended.astype(np.float64), segment, starts) > 0
    survival = np.where(reached_zero, 0.0, np.exp(segment_cumsum(log_factor, segment, starts)))
    sigma = np.sqrt(segment_cumsum(greenwood, segment, starts))
    ci_low, ci_high = _band(survival, sigma, z_value(level), transform)
    ci_low = np.where(reached_zero, 0.0, ci_low)
    ci_high = np.where(reached_zero, np.nan, ci_high)

    groups = counts[names].iloc[order].reset_index(drop=True)
    return groups.assign(
        time=time,
        at_risk=at_risk,
        events=events,
        censored=censored,
        survival=survival,
        ci_low=ci_low,
        ci_high=ci_high,
    )


def _band(
    survival: FloatArray, sigma: FloatArray, z: float, transform: Transform
) -> tuple[FloatArray, FloatArray]:
    """Pointwise band around ``survival`` given the standard error of its log."""
    if transform == "plain":
        half = z * survival * sigma
        return np.clip(survival - half, 0.0, 1.0), np.clip(survival + half, 0.0, 1.0)
    if transform == "log":
        return survival * np.exp(-z * sigma), np.minimum(survival * np.exp(z * sigma), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(survival)  # <= 0; 0 where no event has happened yet
        centre = np.log(-log_s)
        shift = z * sigma / log_s  # <= 0
        low = np.exp(-np.exp(centre - shift))
        high = np.exp(-np.exp(centre + shift))
    at_one = survival >= 1.0
    return np.where(at_one, 1.0, low), np.where(at_one, 1.0, high)


def kaplan_meier(
    durations: npt.ArrayLike,
    observed: npt.ArrayLike,
    *,
    level: float = 0.95,
    transform: Transform = "log-log",
    groups: Groups = None,
) -> pd.DataFrame:
    r"""Kaplan–Meier survival curves with pointwise confidence bands, optionally per group.

    Equivalent to ``kaplan_meier_from_counts(reduce_survival(durations, observed, groups),
    level=level, transform=transform)``; call the two steps yourself to reduce a large
    register once and infer several times.

    Parameters
    ----------
    durations
        Time from start to the event or to censoring, one per case; finite, non-negative.
    observed
        1/``True`` for an observed event, 0/``False`` for a censored case.
    level
        Confidence level of the pointwise band.
    transform
        ``"log-log"`` (default), ``"log"`` or ``"plain"``: the scale of the band (see
        :func:`kaplan_meier_from_counts`).
    groups
        Optional labels (1-D array: column ``group``; named Series: its name) or a DataFrame of
        grouping columns, one row per case.

    Returns
    -------
    pandas.DataFrame
        Grouping columns, then ``time``, ``at_risk``, ``events``, ``censored``, ``survival``,
        ``ci_low``, ``ci_high``: one row per group and distinct time (with events or
        censorings), sorted by group and time.

    Raises
    ------
    JobhandicapError
        On negative or non-finite durations, ``observed`` not 0/1, mismatched lengths, missing
        group labels, or an invalid ``level`` or ``transform``.

    Notes
    -----
    :math:`\hat S(t) = \prod_{t_j \le t}(1 - d_j/n_j)` with Greenwood's variance; see
    :func:`kaplan_meier_from_counts` for the bands. Censored cases must be kept (censored at
    the extraction date), never dropped: dropping open cases biases survival — here, time to
    decision — downwards.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete observations.
    *Journal of the American Statistical Association* 53, 457–481.

    Greenwood, M. (1926). The natural duration of cancer. *Reports on Public Health and Medical
    Subjects* 33. London: HMSO.

    Examples
    --------
    >>> t = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
    >>> decided = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
    >>> km = kaplan_meier(t, decided)
    >>> km.loc[km["time"] == 30, ["survival", "ci_low", "ci_high"]].round(6)
       survival   ci_low   ci_high
    6  0.432099  0.14101  0.698076

    Per group, all groups in one pass:

    >>> km = kaplan_meier([3, 5, 4, 6], [1, 1, 1, 0], groups=["a", "a", "b", "b"])
    >>> km[["group", "time", "at_risk", "survival"]]
      group  time  at_risk  survival
    0     a   3.0        2       0.5
    1     a   5.0        1       0.0
    2     b   4.0        2       0.5
    3     b   6.0        1       0.5
    """
    counts = reduce_survival(durations, observed, groups)
    return kaplan_meier_from_counts(counts, level=level, transform=transform)


def _quantile_label(p: float) -> str:
    return f"q{100.0 * p:g}"


def survival_quantiles(
    km_table: pd.DataFrame,
    quantiles: Sequence[float] = (0.25, 0.5, 0.75),
    *,
    level: float | None = None,
    transform: Transform | None = None,
) -> pd.DataFrame:
    r"""Quantiles of the time to event, with Brookmeyer–Crowley intervals, per group.

    Parameters
    ----------
    km_table
        A table from :func:`kaplan_meier` or :func:`kaplan_meier_from_counts` (columns
        ``time``, ``at_risk``, ``events``, ``censored``, ``survival``, ``ci_low``,
        ``ci_high``; any other column is a grouping column).
    quantiles
        Probabilities :math:`p` strictly between 0 and 1: the share of cases that have had the
        event (been decided) by the quantile.
    level, transform
        When both are ``None`` (default) the intervals use the band already in ``km_table``
        (so its level and transform). When either is given, the band is first recomputed from
        the table's counts at ``level`` (default 0.95) on the ``transform`` scale (default
        ``"log-log"``).

    Returns
    -------
    pandas.DataFrame
        One row per group: the grouping columns, ``n`` (cases), then for each :math:`p` the
        columns ``q{100p}``, ``q{100p}_ci_low`` and ``q{100p}_ci_high`` (``q25``, ``q25_ci_low``,
        ``q25_ci_high``, ``q50``, …; ``100p`` is printed with ``%g``, so 0.125 gives
        ``q12.5``), and finally ``events`` (cases with an observed event). A quantile or limit
        that the curve never reaches is ``inf``.

    Raises
    ------
    JobhandicapError
        If a quantile is not strictly between 0 and 1 or repeated, or a column is missing
        (:class:`~jobhandicap.errors.MissingColumnsError`).

    Notes
    -----
    The :math:`p`-quantile is :math:`t_p = \min\{t : 1 - \hat S(t) \ge p\}` (so the median
    is the first time with :math:`\hat S(t) \le 0.5`); it is infinite when :math:`\hat S`
    never falls to :math:`1 - p`, because too many cases are censored. No midpoint rule is
    applied when :math:`\hat S` equals :math:`1 - p` exactly over an interval (R's
    ``quantile.survfit`` would average the two ends). Values within :math:`\sqrt{\epsilon}
    \approx 1.5 \cdot 10^{-8}` of :math:`1 - p` count as reaching it.

    The interval (Brookmeyer & Crowley 1982) is the set of times at which the pointwise band
    contains :math:`1 - p`: it runs from the first time the lower band falls to
    :math:`1 - p` to the first time the upper band does,

    .. math::

        \bigl[\min\{t : \text{ci\_low}(t) \le 1 - p\},\;
        \min\{t : \text{ci\_high}(t) \le 1 - p\}\bigr],

    as R's ``quantile.survfit`` computes it. The upper limit is infinite (unbounded) when the
    upper band never falls that far, which is common with heavy censoring; rows where the band
    is undefined (:math:`\hat S = 0`) are skipped.

    All groups are handled at once (a loop runs over the requested quantiles only).

    References
    ----------
    Brookmeyer, R. and Crowley, J. (1982). A confidence interval for the median survival time.
    *Biometrics* 38, 29–41.

    Examples
    --------
    >>> t = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
    >>> decided = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
    >>> survival_quantiles(kaplan_meier(t, decided)).iloc[0]
    n              12.0
    q25            12.0
    q25_ci_low      5.0
    q25_ci_high    30.0
    q50            30.0
    q50_ci_low      8.0
    q50_ci_high     inf
    q75             inf
    q75_ci_low     21.0
    q75_ci_high     inf
    events          7.0
    Name: 0, dtype: float64
    """
    probs = [float(p) for p in quantiles]
    if not probs or not all(0.0 < p < 1.0 for p in probs):
        raise JobhandicapError(
            f"quantiles must be probabilities strictly between 0 and 1, got {list(quantiles)!r}"
        )
    labels = [_quantile_label(p) for p in probs]
    if len(set(labels)) != len(labels):
        raise JobhandicapError(f"quantiles must not repeat, got {list(quantiles)!r}")
    missing = [c for c in _KM_COLUMNS if c not in km_table.columns]
    if missing:
        raise MissingColumnsError(missing, list(km_table.columns), "Kaplan–Meier")
    names = [str(c) for c in km_table.columns if c not in _KM_COLUMNS]
    if level is not None or transform is not None:
        km_table = kaplan_meier_from_counts(
            km_table[[*names, *_COUNT_COLUMNS]],
            level=0.95 if level is None else level,
            transform="log-log" if transform is None else transform,
        )

    time = km_table["time"].to_numpy(dtype=np.float64, na_value=np.nan)
    codes = _group_codes(km_table, names)
    order = np.lexsort((time, codes))
    time, codes = time[order], codes[order]
    segment, starts, _ = segments(codes)
    n_groups = starts.size

    def column(name: str) -> FloatArray:
        values = km_table[name].to_numpy(dtype=np.float64, na_value=np.nan)[order]
        return values

    survival, ci_low, ci_high = column("survival"), column("ci_low"), column("ci_high")

    def first_time(reached: npt.NDArray[np.bool_]) -> FloatArray:
        """Per group, the first time at which ``reached`` holds (``inf`` if never)."""
        rows = np.flatnonzero(reached)
        hit, first = np.unique(segment[rows], return_index=True)
        result = np.full(n_groups, np.inf)
        result[hit] = time[rows[first]]
        return result

    # The first row of a group has every case of the group at risk.
    result: dict[str, Any] = {"n": column("at_risk")[starts].astype(np.int64)}
    for p, label in zip(probs, labels, strict=True):
        threshold = 1.0 - p + _TOLERANCE
        result[label] = first_time(survival <= threshold)
        result[f"{label}_ci_low"] = first_time(ci_low <= threshold)
        result[f"{label}_ci_high"] = first_time(ci_high <= threshold)
    result["events"] = np.add.reduceat(column("events"), starts).astype(np.int64)
    keys = km_table[names].iloc[order[starts]].reset_index(drop=True)
    return keys.assign(**result)


def median_survival(
    km_table: pd.DataFrame,
    *,
    level: float | None = None,
    transform: Transform | None = None,
) -> pd.DataFrame:
    r"""Median time to event with its Brookmeyer–Crowley interval, per group.

    Parameters
    ----------
    km_table
        A table from :func:`kaplan_meier` or :func:`kaplan_meier_from_counts`.
    level, transform
        As in :func:`survival_quantiles`: by default the band in ``km_table`` is used.

    Returns
    -------
    pandas.DataFrame
        One row per group: grouping columns, ``n``, ``median``, ``ci_low``, ``ci_high``,
        ``events``. Unreached values are ``inf``.

    Raises
    ------
    JobhandicapError
        As :func:`survival_quantiles`.

    Notes
    -----
    The median is the first time with :math:`\hat S(t) \le 0.5`; the interval is where the
    pointwise band contains 0.5 (see :func:`survival_quantiles`).

    References
    ----------
    Brookmeyer, R. and Crowley, J. (1982). A confidence interval for the median survival time.
    *Biometrics* 38, 29–41.

    Examples
    --------
    >>> t = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
    >>> decided = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
    >>> median_survival(kaplan_meier(t, decided))
        n  median  ci_low  ci_high  events
    0  12    30.0     8.0      inf       7
    """
    table = survival_quantiles(km_table, (0.5,), level=level, transform=transform)
    return table.rename(
        columns={"q50": "median", "q50_ci_low": "ci_low", "q50_ci_high": "ci_high"}
    )
