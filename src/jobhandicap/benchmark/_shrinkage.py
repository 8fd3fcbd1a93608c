"""Empirical-Bayes shrinkage of unit rates towards the overall rate.

This module wraps Marshall's estimators of :mod:`jobhandicap.stats.comparison` for frames: it
sums the counts and totals per unit and returns each unit's raw rate, its shrunk rate and its
weight, binomial or Poisson, optionally per 100 or per 1,000 (:func:`shrink_rates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from jobhandicap._options import check_choice, renamed
from jobhandicap.benchmark._units import unit_counts
from jobhandicap.errors import ArgumentTypeError, OptionError
from jobhandicap.stats import shrink_binomial, shrink_poisson

__all__ = ["shrink_rates"]

Family = Literal["binomial", "poisson"]


@renamed(by="unit")
def shrink_rates(
    frame: pd.DataFrame,
    *,
    count: str,
    total: str,
    unit: str | Sequence[str] | None = "jobcentre",
    family: Family = "binomial",
    per: float | None = None,
) -> pd.DataFrame:
    r"""Empirical-Bayes rates: small units' rates pulled towards the overall rate.

    One signature for every use: a frame and the names of its columns, like :func:`funnel`.
    For plain arrays use :func:`jobhandicap.stats.shrink_binomial` and
    :func:`jobhandicap.stats.shrink_poisson`, which this function wraps.

    Parameters
    ----------
    frame
        One or more rows per unit with a count and a total column. Not modified.
    count, total
        Names of the count column (people who entered a job, applications) and the total
        column: the people at risk for ``family="binomial"`` (``count <= total``), the
        population or person-time for ``family="poisson"``. Counts non-negative, totals
        positive per unit; whole numbers are not required.
    unit
        The unit column(s), the compared entity; rows of one unit are summed first. ``None``:
        every row is a unit. (``by=``, its name before 0.2, still works with a
        ``DeprecationWarning``.)
    family
        ``"binomial"`` for a share of the total, ``"poisson"`` for a rate per population.
    per
        Report ``raw`` and ``shrunk`` per this many of the total (100 for per cent of a
        binomial share, 1,000 for a rate per 1,000 residents); ``None`` (default) reports them
        per one.

    Returns
    -------
    pandas.DataFrame
        One row per unit (sorted; input order when ``unit`` is None): the unit column(s),
        ``n`` (summed total), ``count`` (summed count), ``raw`` (:math:`r_i`), ``shrunk``
        (:math:`\tilde r_i`) and ``weight`` (:math:`C_i`, 1 = the unit's own rate is kept,
        0 = fully shrunk to the mean). ``attrs`` holds ``family``, ``per``, ``mean``
        (:math:`m`, per ``per``) and ``between_variance`` (:math:`\hat A`, per ``per``
        squared).

    Raises
    ------
    MissingColumnsError
        If a named column is missing.
    SchemaError
        If a count or total is missing, not a number or negative, a count exceeds its total
        (binomial), a unit is missing, or a unit's total is 0.
    OptionError
        If ``family`` is unknown or ``per`` is not positive (a ``ValueError``).
    JobhandicapError
        If there are fewer than two units.

    Notes
    -----
    Marshall's (1991) method of moments. With :math:`r_i = x_i/n_i`,
    :math:`m = \sum x_i/\sum n_i`, :math:`s^2 = \sum n_i (r_i - m)^2/\sum n_i`,
    :math:`\bar n = \sum n_i/N` and the sampling variance scale :math:`v = m(1 - m)`
    (binomial) or :math:`v = m` (Poisson):

    .. math::

        \hat A = \max\bigl(0,\; s^2 - v/\bar n\bigr), \qquad
        C_i = \frac{\hat A}{\hat A + v/n_i}, \qquad
        \tilde r_i = m + C_i (r_i - m).

    The between-unit variance :math:`\hat A` is truncated at 0; then every unit is shrunk
    all the way to :math:`m`. A small unit's rate is mostly noise, so it is pulled most;
    a large unit keeps nearly its own rate. :math:`\tilde r_i` always lies between
    :math:`r_i` and :math:`m`. Small units are what shrinkage is for, so they do not warn.

    References
    ----------
    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes
    estimators. *Applied Statistics* 40, 283–294.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"jobcentre": [101, 147, 151, 153],
    ...                       "entered_job": [6, 20, 150, 35], "persons": [10, 50, 200, 40]})
    >>> shrink_rates(units, count="entered_job", total="persons").round(3)
       jobcentre    n  count    raw  shrunk  weight
    0        101   10      6  0.600   0.655   0.467
    1        147   50     20  0.400   0.456   0.814
    2        151  200    150  0.750   0.747   0.946
    3        153   40     35  0.875   0.837   0.778
    """
    check_choice("family", family, ("binomial", "poisson"))
    scale = 1.0
    if per is not None:
        try:
            scale = float(per)
        except (TypeError, ValueError) as exc:
            raise ArgumentTypeError(
                f"per must be a positive number such as 1000, got {per!r}"
            ) from exc
        if not (np.isfinite(scale) and scale > 0.0):
            raise OptionError(f"per must be a positive number such as 1000, got {per!r}")
    units, x, n = unit_counts(
        frame, count, total, unit, what="frame", binomial=family == "binomial", whole=False
    )
    if family == "binomial":
        fitted = shrink_binomial(x, n)
        raw, shrunk = fitted.raw * scale, fitted.shrunk * scale
        mean, between = fitted.mean * scale, fitted.between_variance * scale**2
    else:
        fitted = shrink_poisson(x, n, per=scale)
        raw, shrunk = fitted.raw, fitted.shrunk
        mean, between = fitted.mean, fitted.between_variance
    whole = bool(np.all(x == np.round(x)) and np.all(n == np.round(n)))
    numbers: dict[str, Any] = {
        "n": n.astype(np.int64) if whole else n,
        "count": x.astype(np.int64) if whole else x,
        "raw": raw,
        "shrunk": shrunk,
        "weight": np.asarray(fitted.weight, dtype=np.float64),
    }
    result = pd.concat([units, pd.DataFrame(numbers)], axis=1)
    result.attrs = {
        "family": family,
        "per": per,
        "mean": float(mean),
        "between_variance": float(between),
    }
    return result
