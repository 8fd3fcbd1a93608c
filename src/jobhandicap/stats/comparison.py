r"""Comparing units (jobcentres): funnel limits, overdispersion, shrinkage, group differences.

Everything here takes per-unit counts (already reduced from case data) or two samples of unit
values, and returns numbers, numpy arrays or small named tuples:

- :func:`funnel_limits` and :func:`funnel_p_value`: control limits around a target proportion
  and a unit's two-sided p-value against it;
- :func:`overdispersion`: Spiegelhalter's (2005) multiplicative factor :math:`\hat\phi` and
  additive between-unit variance :math:`\hat\tau^2`, on the arcsine scale;
- :func:`shrink_binomial` and :func:`shrink_poisson`: Marshall's (1991) empirical-Bayes
  shrinkage of unit rates towards the overall rate;
- :func:`welch_difference` and :func:`hedges_g`: the difference in means between two groups of
  units and its standardised size;
- :func:`benjamini_hochberg` and :func:`benjamini_hochberg_adjusted`: false-discovery-rate
  control when many units are tested at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from jobhandicap.errors import JobhandicapError
from jobhandicap.stats._core import (
    Estimate,
    FloatArray,
    Scalar,
    ValueT,
    as_float_array,
    check_level,
    lazy_module,
    offending_entries,
    scalar_or_array,
    z_value,
)

if TYPE_CHECKING:
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")

__all__ = [
    "FunnelLimits",
    "Overdispersion",
    "Shrinkage",
    "benjamini_hochberg",
    "benjamini_hochberg_adjusted",
    "funnel_limits",
    "funnel_p_value",
    "hedges_g",
    "overdispersion",
    "shrink_binomial",
    "shrink_poisson",
    "welch_difference",
]

FunnelMethod = Literal["exact", "normal", "arcsine"]
_FUNNEL_METHODS = ("exact", "normal", "arcsine")


class FunnelLimits(NamedTuple, Generic[ValueT]):
    """Lower and upper funnel limits (floats for scalar input, float64 arrays otherwise)."""

    low: ValueT
    high: ValueT


class Overdispersion(NamedTuple):
    """Spiegelhalter's overdispersion estimates.

    ``phi`` is the multiplicative factor (1 when the units vary as chance alone would make
    them); ``tau2`` the additive between-unit variance on the arcsine-square-root scale.
    """

    phi: float
    tau2: float


class Shrinkage(NamedTuple):
    r"""Empirical-Bayes shrinkage of unit rates.

    Attributes
    ----------
    raw
        Each unit's own rate.
    shrunk
        The shrunk rate: ``mean + weight * (raw - mean)``.
    weight
        The weight of the unit's own rate (0: fully shrunk to the mean, 1: not shrunk).
    mean
        The overall (pooled) rate the units are shrunk towards.
    between_variance
        The method-of-moments between-unit variance :math:`\hat A` (truncated at 0), on the
        scale of the rates.
    """

    raw: FloatArray
    shrunk: FloatArray
    weight: FloatArray
    mean: float
    between_variance: float


def _check_proportion(values: FloatArray, name: str) -> None:
    bad = ~((values >= 0.0) & (values <= 1.0))
    if bad.any():
        raise JobhandicapError(
            f"{name} must be a proportion between 0 and 1; got "
            f"{offending_entries(values.ravel(), bad.ravel())}"
        )


def _unit_counts(
    count: npt.ArrayLike, total: npt.ArrayLike, *, total_name: str, binomial: bool
) -> tuple[FloatArray, FloatArray]:
    """Validate per-unit counts and their denominators (1-D, same length, sensible values)."""
    x = as_float_array(count, "count")
    n = as_float_array(total, total_name)
    if x.ndim != 1 or n.ndim != 1 or x.size != n.size or x.size == 0:
        raise JobhandicapError(
            f"count and {total_name} must be one-dimensional with one entry per unit and the same "
            f"(non-zero) length; got shapes {x.shape} and {n.shape}"
        )
    bad_x = ~np.isfinite(x) | (x < 0)
    if bad_x.any():
        raise JobhandicapError(
            f"count must be finite and non-negative; got {offending_entries(x, bad_x)}"
        )
    bad_n = ~np.isfinite(n) | (n <= 0)
    if bad_n.any():
        raise JobhandicapError(
            f"{total_name} must be finite and positive; got {offending_entries(n, bad_n)}"
        )
    if binomial:
        over = x > n
        if over.any():
            raise JobhandicapError(
                f"count cannot exceed {total_name}; count {offending_entries(x, over)} exceeds "
                f"{total_name} {offending_entries(n, over)}"
            )
    return x, n


@overload
def funnel_limits(
    target: Scalar,
    n: Scalar,
    *,
    level: float = ...,
    method: FunnelMethod | None = ...,
    overdispersion: float | None = ...,
) -> FunnelLimits[float]: ...
@overload
def funnel_limits(
    target: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    level: float = ...,
    method: FunnelMethod | None = ...,
    overdispersion: float | None = ...,
) -> FunnelLimits[FloatArray]: ...
def funnel_limits(
    target: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    level: float = 0.95,
    method: FunnelMethod | None = None,
    overdispersion: float | None = None,
) -> FunnelLimits[Any]:
    r"""Funnel-plot control limits for a proportion around a target.

    Parameters
    ----------
    target
        The target proportion :math:`p_0` (usually the pooled rate), in [0, 1].
    n
        Denominators (cases per unit) at which to compute the limits; positive, whole numbers
        for the exact method. ``target`` and ``n`` broadcast against each other.
    level
        Coverage of the limits: 0.95 and 0.998 are the usual pair.
    method
        ``"exact"`` (binomial with interpolation, the default), ``"normal"`` or ``"arcsine"``
        (normal approximation on the arcsine-square-root scale). When ``overdispersion`` is
        given the default, and the only method allowed, is ``"arcsine"``.
    overdispersion
        The additive between-unit variance :math:`\tau^2` **on the arcsine-square-root
        scale**, as returned by :func:`overdispersion` (its ``tau2``); ``None`` for limits
        that reflect chance alone.

    Returns
    -------
    FunnelLimits
        ``(low, high)``: floats when both inputs are scalars, arrays otherwise.

    Raises
    ------
    JobhandicapError
        If ``target`` is outside [0, 1], ``n`` is not positive (or not whole for the exact
        method), ``overdispersion`` is negative, ``method`` is unknown or contradicts
        ``overdispersion``, or ``level`` is not in (0, 1).

    Notes
    -----
    With :math:`q` equal to :math:`(1 - \text{level})/2` for the lower and
    :math:`1 - (1 - \text{level})/2` for the upper limit:

    - exact (Spiegelhalter 2005, appendix): :math:`r` is the smallest count with
      :math:`F(r) \ge q`, :math:`F` the Binomial(:math:`n, p_0`) distribution function;
      :math:`\alpha = (F(r) - q) / (F(r) - F(r - 1))` and the limit is :math:`(r - \alpha)/n`,
      clipped to [0, 1]. The interpolation makes the limits smooth in :math:`n`, but they stay
      non-monotone because the binomial is discrete. For very small :math:`n p_0` or
      :math:`n(1 - p_0)` the interpolated limit can fall on the wrong side of :math:`p_0`; the
      limits are then widened to :math:`p_0` so that low :math:`\le p_0 \le` high always.
    - normal: :math:`p_0 \pm z \sqrt{p_0 (1 - p_0) / n}`, clipped to [0, 1].
    - arcsine: :math:`\sin^2(\arcsin\sqrt{p_0} \pm z \sqrt{1/(4n) + \tau^2})`, the argument
      clipped to :math:`[0, \pi/2]`; with :math:`\tau^2 = 0` unless ``overdispersion`` is
      given. This is Spiegelhalter's additive random-effects funnel.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
    *Quality and Safety in Health Care* 14, 347–351.

    Examples
    --------
    >>> low, high = funnel_limits(0.6, 10)
    >>> round(low, 6), round(high, 6)
    (0.229918, 0.852982)
    >>> funnel_limits(0.6, [50, 200], method="normal").low.round(4)
    array([0.4642, 0.5321])
    >>> round(funnel_limits(0.6, 50, overdispersion=0.0025).high, 4)
    0.7574
    """
    level = check_level(level)
    if method is not None and method not in _FUNNEL_METHODS:
        raise JobhandicapError(
            f"method must be one of {', '.join(map(repr, _FUNNEL_METHODS))}, got {method!r}"
        )
    tau2 = 0.0
    if overdispersion is not None:
        tau2 = float(overdispersion)
        if not (np.isfinite(tau2) and tau2 >= 0.0):
            raise JobhandicapError(
                "overdispersion (the between-unit variance tau² on the arcsine scale) must be "
                f"finite and non-negative, got {overdispersion!r}"
            )
        if method not in (None, "arcsine"):
            raise JobhandicapError(
                f"overdispersion (an additive tau² on the arcsine scale) needs method='arcsine'"
                f" (the default when it is given), got method={method!r}"
            )
    chosen: FunnelMethod = method or ("arcsine" if overdispersion is not None else "exact")

    p0 = as_float_array(target, "target")
    size = as_float_array(n, "n")
    _check_proportion(p0, "target")
    bad_n = ~(np.isfinite(size) & (size > 0))
    if chosen == "exact":
        bad_n |= size != np.round(size)
    if bad_n.any():
        kind = "positive whole numbers" if chosen == "exact" else "positive numbers"
        raise JobhandicapError(
            f"n must be {kind} (the denominators); got "
            f"{offending_entries(size.ravel(), bad_n.ravel())}"
        )
    p0, size = np.broadcast_arrays(p0, size)
    tail = (1.0 - level) / 2.0
    z = z_value(level)

    if chosen == "exact":
        low = _exact_limit(p0, size, tail)
        high = _exact_limit(p0, size, 1.0 - tail)
        low, high = np.minimum(low, p0), np.maximum(high, p0)
    elif chosen == "normal":
        half = z * np.sqrt(p0 * (1.0 - p0) / size)
        low, high = np.clip(p0 - half, 0.0, 1.0), np.clip(p0 + half, 0.0, 1.0)
    else:
        centre = np.arcsin(np.sqrt(p0))
        half = z * np.sqrt(1.0 / (4.0 * size) + tau2)
        low = np.sin(np.clip(centre - half, 0.0, np.pi / 2.0)) ** 2
        high = np.sin(np.clip(centre + half, 0.0, np.pi / 2.0)) ** 2
    return FunnelLimits(scalar_or_array(low), scalar_or_array(high))


def _exact_limit(p0: FloatArray, size: FloatArray, q: float) -> FloatArray:
    """Spiegelhalter's interpolated binomial quantile, as a proportion."""
    r = _sps.binom.ppf(q, size, p0)
    upper = _sps.binom.cdf(r, size, p0)
    lower = _sps.binom.cdf(r - 1.0, size, p0)
    step = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(step > 0.0, (upper - q) / step, 0.0)
    limit = np.clip((r - alpha) / size, 0.0, 1.0)
    # A degenerate binomial (p0 = 0 or 1) has its whole mass at n * p0.
    result: FloatArray = np.where((p0 == 0.0) | (p0 == 1.0), p0, limit)
    return result


@overload
def funnel_p_value(count: Scalar, total: Scalar, target: Scalar) -> float: ...
@overload
def funnel_p_value(
    count: npt.ArrayLike, total: npt.ArrayLike, target: npt.ArrayLike
) -> FloatArray: ...
def funnel_p_value(count: npt.ArrayLike, total: npt.ArrayLike, target: npt.ArrayLike) -> Any:
    r"""Two-sided exact binomial mid-p-value of a unit's count against a target proportion.

    Parameters
    ----------
    count
        Units' counts (successes), whole numbers between 0 and ``total``.
    total
        Their denominators, positive whole numbers.
    target
        The target proportion :math:`p_0` in [0, 1]. The three arguments broadcast.

    Returns
    -------
    float or numpy.ndarray
        The mid-p-values: a float for scalar input, an array otherwise.

    Raises
    ------
    JobhandicapError
        If counts or totals are not whole, ``count`` exceeds ``total``, ``total`` is not
        positive, or ``target`` is outside [0, 1].

    Notes
    -----
    With :math:`X \sim \text{Binomial}(n, p_0)`,

    .. math::

        p = \min\bigl(1,\; 2 \min\{P(X < x) + \tfrac12 P(X = x),\;
        P(X > x) + \tfrac12 P(X = x)\}\bigr).

    The mid-p value (Lancaster 1961) counts half the probability of the observed count, so it
    is less conservative than the exact doubled p-value and close to uniform under the null.
    It agrees with the interpolated exact funnel limits only approximately (the limits treat
    the two tails slightly differently); combine many units' p-values with
    :func:`benjamini_hochberg`.

    References
    ----------
    Lancaster, H. O. (1961). Significance tests in discrete distributions. *Journal of the
    American Statistical Association* 56, 223–234.

    Examples
    --------
    >>> round(funnel_p_value(2, 10, 0.6), 6)
    0.013972
    >>> funnel_p_value([6, 2], [10, 10], 0.6).round(4)
    array([0.9846, 0.014 ])
    """
    x = as_float_array(count, "count")
    n = as_float_array(total, "total")
    p0 = as_float_array(target, "target")
    _check_proportion(p0, "target")
    bad_n = ~(np.isfinite(n) & (n > 0) & (n == np.round(n)))
    if bad_n.any():
        raise JobhandicapError(
            f"total must be positive whole numbers; got "
            f"{offending_entries(n.ravel(), bad_n.ravel())}"
        )
    x, n, p0 = np.broadcast_arrays(x, n, p0)
    bad_x = ~(np.isfinite(x) & (x >= 0) & (x <= n) & (x == np.round(x)))
    if bad_x.any():
        raise JobhandicapError(
            "count must be whole numbers between 0 and total; got "
            f"{offending_entries(x.ravel(), bad_x.ravel())}"
        )
    half_mass = 0.5 * _sps.binom.pmf(x, n, p0)
    below = _sps.binom.cdf(x - 1.0, n, p0) + half_mass
    above = _sps.binom.sf(x, n, p0) + half_mass
    p_value = np.minimum(1.0, 2.0 * np.minimum(below, above))
    return scalar_or_array(p_value)


def overdispersion(
    count: npt.ArrayLike, total: npt.ArrayLike, *, target: float | None = None
) -> Overdispersion:
    r"""Spiegelhalter's overdispersion of unit proportions around a target.

    Parameters
    ----------
    count
        Each unit's count (numerator), non-negative.
    total
        Each unit's denominator, positive and at least ``count``.
    target
        The target proportion :math:`p_0`; by default the pooled rate
        :math:`\sum x_i / \sum n_i`.

    Returns
    -------
    Overdispersion
        ``(phi, tau2)``: the multiplicative overdispersion factor :math:`\hat\phi` and the
        additive between-unit variance :math:`\hat\tau^2` on the arcsine-square-root scale
        (pass ``tau2`` to :func:`funnel_limits` as ``overdispersion``).

    Raises
    ------
    JobhandicapError
        If fewer than two units are given, counts or totals are invalid, or ``target`` is
        outside [0, 1].

    Notes
    -----
    Following Spiegelhalter (2005), each unit's proportion :math:`y_i = x_i/n_i` is put on the
    variance-stabilising arcsine scale, with z-score

    .. math::

        z_i = 2\sqrt{n_i}\,\bigl(\arcsin\sqrt{y_i} - \arcsin\sqrt{p_0}\bigr),

    whose sampling standard error is :math:`s_i = 1/(2\sqrt{n_i})`. The :math:`z_i` are
    winsorised at their 10th and 90th percentiles (computed by linear interpolation, numpy's
    default and R's type 7; Spiegelhalter's own trimming rule differs slightly) so that a few
    outlying units do not inflate the estimate. Then

    .. math::

        \hat\phi = \frac1N \sum_i z_i^{W\,2}, \qquad
        \hat\tau^2 = \max\Bigl(0,\; \frac{N\hat\phi - (N - 1)}
        {\sum_i w_i - \sum_i w_i^2 / \sum_i w_i}\Bigr), \quad w_i = 1/s_i^2 = 4n_i,

    the DerSimonian–Laird-type moment estimator of the additive random-effects variance.
    :math:`\hat\phi \le 1` means no overdispersion, and :math:`\hat\tau^2` is then 0.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
    *Quality and Safety in Health Care* 14, 347–351.

    Examples
    --------
    >>> num = [12, 30, 45, 8, 60, 22, 15, 70, 5, 33]
    >>> den = [20, 50, 80, 20, 90, 40, 30, 100, 15, 50]
    >>> phi, tau2 = overdispersion(num, den)
    >>> round(phi, 6), round(tau2, 8)
    (1.320474, 0.00245442)
    """
    x, n = _unit_counts(count, total, total_name="total", binomial=True)
    if x.size < 2:
        raise JobhandicapError(f"overdispersion needs at least two units to compare, got {x.size}")
    if target is None:
        p0 = float(x.sum() / n.sum())
    else:
        p0 = float(target)
        _check_proportion(np.asarray(p0), "target")
    z = 2.0 * np.sqrt(n) * (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(p0)))
    low, high = np.percentile(z, [10.0, 90.0])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 4.0 * n
    denominator = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (x.size * phi - (x.size - 1)) / denominator)
    return Overdispersion(phi, float(tau2))


def _marshall(rate: FloatArray, exposure: FloatArray, mean: float, unit_var: float) -> Shrinkage:
    """Marshall's method-of-moments shrinkage given the per-unit sampling variance scale."""
    spread = float(np.sum(exposure * (rate - mean) ** 2) / exposure.sum())
    between = max(0.0, spread - unit_var / float(exposure.mean()))
    # With no between-unit variance every unit is shrunk all the way to the mean.
    weight = between / (between + unit_var / exposure) if between > 0.0 else np.zeros_like(rate)
    shrunk = mean + weight * (rate - mean)
    return Shrinkage(rate, shrunk, weight, mean, between)


def shrink_binomial(count: npt.ArrayLike, total: npt.ArrayLike) -> Shrinkage:
    r"""Empirical-Bayes shrinkage of unit proportions (Marshall's method of moments).

    Parameters
    ----------
    count
        Each unit's count (for instance applications granted), non-negative.
    total
        Each unit's denominator (applications decided), positive and at least ``count``.

    Returns
    -------
    Shrinkage
        ``raw`` (:math:`x_i/n_i`), ``shrunk``, ``weight`` (:math:`C_i`), the overall ``mean``
        :math:`m` and ``between_variance`` :math:`\hat A`.

    Raises
    ------
    JobhandicapError
        If the arrays are not 1-D of equal non-zero length, a count is negative, a total is
        not positive, or a count exceeds its total.

    Notes
    -----
    With :math:`r_i = x_i/n_i`, overall rate :math:`m = \sum x_i / \sum n_i`, weighted spread
    :math:`s^2 = \sum n_i (r_i - m)^2 / \sum n_i` and mean denominator
    :math:`\bar n = \sum n_i / N`, the between-unit variance is estimated by moments and
    truncated at 0,

    .. math::

        \hat A = \max\bigl(0,\; s^2 - m(1 - m)/\bar n\bigr),

    and each rate is pulled towards :math:`m` by its precision:

    .. math::

        C_i = \frac{\hat A}{\hat A + m(1 - m)/n_i}, \qquad
        \tilde r_i = m + C_i (r_i - m).

    This is Marshall's (1991) Poisson estimator with the binomial sampling variance
    :math:`m(1 - m)/n_i` in place of :math:`m/e_i`. Small units are shrunk most; when
    :math:`\hat A = 0` every unit is shrunk to :math:`m`.

    References
    ----------
    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes
    estimators. *Applied Statistics* 40, 283–294.

    Examples
    --------
    >>> num = [12, 30, 45, 8, 60, 22, 15, 70, 5, 33]
    >>> den = [20, 50, 80, 20, 90, 40, 30, 100, 15, 50]
    >>> shrink_binomial(num, den).shrunk.round(4)
    array([0.6048, 0.6037, 0.5837, 0.5632, 0.6389, 0.5867, 0.5761, 0.6594,
           0.5611, 0.6275])
    """
    x, n = _unit_counts(count, total, total_name="total", binomial=True)
    mean = float(x.sum() / n.sum())
    return _marshall(x / n, n, mean, mean * (1.0 - mean))


def shrink_poisson(
    count: npt.ArrayLike, exposure: npt.ArrayLike, *, per: float = 1000.0
) -> Shrinkage:
    r"""Empirical-Bayes shrinkage of unit rates per population (Marshall 1991).

    Parameters
    ----------
    count
        Each unit's count of events, non-negative.
    exposure
        Each unit's population (or person-time) at risk, positive.
    per
        Rates are reported per this many of the population (default 1,000).

    Returns
    -------
    Shrinkage
        ``raw`` and ``shrunk`` rates per ``per``, ``weight`` :math:`C_i`, the overall ``mean``
        rate per ``per`` and ``between_variance`` :math:`\hat A` on the same scale (per
        ``per``, squared).

    Raises
    ------
    JobhandicapError
        If the arrays are not 1-D of equal non-zero length, a count is negative, an exposure is
        not positive, or ``per`` is not positive.

    Notes
    -----
    With :math:`r_i = x_i/e_i`, :math:`m = \sum x_i/\sum e_i`,
    :math:`s^2 = \sum e_i (r_i - m)^2 / \sum e_i` and :math:`\bar e = \sum e_i / N`:

    .. math::

        \hat A = \max(0,\; s^2 - m/\bar e), \qquad
        C_i = \frac{\hat A}{\hat A + m/e_i}, \qquad \tilde r_i = m + C_i (r_i - m).

    References
    ----------
    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes
    estimators. *Applied Statistics* 40, 283–294.

    Examples
    --------
    >>> counts = [3, 10, 0, 25, 7, 2, 40]
    >>> population = [1200, 5000, 800, 9000, 1500, 300, 11000]
    >>> shrink_poisson(counts, population).shrunk.round(4)
    array([2.9908, 2.8133, 2.9023, 2.9443, 3.1379, 3.0758, 3.2422])
    """
    scale = float(per)
    if not (np.isfinite(scale) and scale > 0.0):
        raise JobhandicapError(f"per must be a positive number such as 1000, got {per!r}")
    x, e = _unit_counts(count, exposure, total_name="exposure", binomial=False)
    mean = float(x.sum() / e.sum())
    result = _marshall(x / e, e, mean, mean)
    return Shrinkage(
        result.raw * scale,
        result.shrunk * scale,
        result.weight,
        result.mean * scale,
        result.between_variance * scale**2,
    )


def _sample(values: npt.ArrayLike, name: str) -> FloatArray:
    """Return a 1-D sample with NaNs dropped; refuse infinite values."""
    data = as_float_array(values, name)
    if data.ndim != 1:
        raise JobhandicapError(f"{name} must be one-dimensional, got shape {data.shape}")
    data = data[~np.isnan(data)]
    infinite = np.isinf(data)
    if infinite.any():
        raise JobhandicapError(f"{name} must be finite; got {offending_entries(data, infinite)}")
    return data


def welch_difference(
    x: npt.ArrayLike, y: npt.ArrayLike, *, level: float = 0.95
) -> Estimate[float]:
    r"""Difference in means of two groups with Welch's confidence interval.

    Parameters
    ----------
    x, y
        The two samples (for instance jobcentre job-entry rates in proactive and in other
        jobcentres). NaNs are dropped before anything is computed; each sample needs at least
        two values left.
    level
        Confidence level.

    Returns
    -------
    Estimate
        ``(estimate, ci_low, ci_high)`` for :math:`\bar x - \bar y`, as floats.

    Raises
    ------
    JobhandicapError
        If a sample has fewer than two (non-missing) values, holds infinite values, or
        ``level`` is not in (0, 1).

    Notes
    -----
    .. math::

        \bar x - \bar y \pm t_{1 - a/2,\,\nu}\, \sqrt{s_x^2/n_x + s_y^2/n_y}, \qquad
        \nu = \frac{(s_x^2/n_x + s_y^2/n_y)^2}
        {\frac{(s_x^2/n_x)^2}{n_x - 1} + \frac{(s_y^2/n_y)^2}{n_y - 1}},

    with :math:`s^2` the sample variances (divisor :math:`n - 1`) and :math:`\nu` the
    Welch–Satterthwaite degrees of freedom; the variances are not assumed equal. When both
    samples are constant the interval has zero width.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34, 28–35.

    Examples
    --------
    >>> pro = [0.52, 0.61, 0.47, 0.58, 0.66, 0.55, 0.49, 0.63, 0.57, 0.60, 0.51, 0.59]
    >>> other = [0.44, 0.50, 0.39, 0.47, 0.53, 0.41, 0.46, 0.49, 0.43, 0.52, 0.38, 0.45,
    ...          0.48, 0.42, 0.51, 0.40]
    >>> [round(v, 6) for v in welch_difference(pro, other)]
    [0.11, 0.067158, 0.152842]
    """
    level = check_level(level)
    a, b = _sample(x, "x"), _sample(y, "y")
    if a.size < 2 or b.size < 2:
        raise JobhandicapError(
            "each sample needs at least two non-missing values for a Welch interval; got "
            f"{a.size} in x and {b.size} in y"
        )
    difference = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0.0:
        return Estimate(difference, difference, difference)
    # Welch–Satterthwaite on the variance shares, so that tiny variances cannot underflow.
    share_a, share_b = va / (va + vb), vb / (va + vb)
    df = 1.0 / (share_a**2 / (a.size - 1) + share_b**2 / (b.size - 1))
    half = float(_sps.t.ppf(0.5 + level / 2.0, df)) * se
    return Estimate(difference, difference - half, difference + half)


def hedges_g(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    r"""Hedges' g: the standardised difference in means, corrected for small-sample bias.

    Parameters
    ----------
    x, y
        The two samples; NaNs are dropped. At least one value in each and three in all.

    Returns
    -------
    float
        :math:`g` (positive when ``x`` has the larger mean).

    Raises
    ------
    JobhandicapError
        If there are too few values, infinite values, or no variation within the samples (the
        pooled standard deviation is 0).

    Notes
    -----
    .. math::

        d = \frac{\bar x - \bar y}{s_p}, \quad
        s_p^2 = \frac{(n_x - 1) s_x^2 + (n_y - 1) s_y^2}{n_x + n_y - 2}, \quad
        g = d \Bigl(1 - \frac{3}{4(n_x + n_y) - 9}\Bigr),

    the last factor being Hedges' approximation to the exact bias correction
    :math:`J(n_x + n_y - 2)`.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. *Journal of Educational Statistics* 6, 107–128.

    Examples
    --------
    >>> round(hedges_g([3, 4, 5, 6], [1, 2, 3, 4]), 6)
    1.347125
    """
    a, b = _sample(x, "x"), _sample(y, "y")
    n_total = a.size + b.size
    if a.size < 1 or b.size < 1 or n_total < 3:
        raise JobhandicapError(
            "Hedges' g needs at least one value in each sample and three in all; got "
            f"{a.size} in x and {b.size} in y"
        )
    squares = float(np.sum((a - a.mean()) ** 2) + np.sum((b - b.mean()) ** 2))
    pooled_sd = np.sqrt(squares / (n_total - 2))
    if pooled_sd == 0.0:
        raise JobhandicapError(
            "Hedges' g is undefined when neither sample varies (pooled standard deviation 0)"
        )
    d = float(a.mean() - b.mean()) / pooled_sd
    return float(d * (1.0 - 3.0 / (4.0 * n_total - 9.0)))


def _p_values(p_values: npt.ArrayLike) -> FloatArray:
    p = as_float_array(p_values, "p_values")
    bad = ~(np.isnan(p) | ((p >= 0.0) & (p <= 1.0)))
    if bad.any():
        raise JobhandicapError(
            "p_values must lie between 0 and 1 (or be NaN); got "
            f"{offending_entries(p.ravel(), bad.ravel())}"
        )
    return p


def benjamini_hochberg_adjusted(p_values: npt.ArrayLike) -> FloatArray:
    r"""Benjamini–Hochberg adjusted p-values (q-values of the step-up procedure).

    Parameters
    ----------
    p_values
        P-values of any shape; NaN marks a test not done (kept NaN, not counted in :math:`m`).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape; a hypothesis is rejected at false discovery rate
        :math:`\alpha` when its adjusted p-value is at most :math:`\alpha`.

    Raises
    ------
    JobhandicapError
        If a p-value lies outside [0, 1].

    Notes
    -----
    With the :math:`m` non-missing p-values sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`,

    .. math::

        \tilde p_{(i)} = \min_{j \ge i} \min\Bigl(1, \frac{m}{j} p_{(j)}\Bigr),

    as R's ``p.adjust(method = "BH")``.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *Journal of the Royal Statistical Society B*
    57, 289–300.

    Examples
    --------
    >>> benjamini_hochberg_adjusted([0.01, 0.04, 0.03, 0.5])
    array([0.04    , 0.053333, 0.053333, 0.5     ])
    """
    p = _p_values(p_values)
    flat = p.ravel()
    tested = np.flatnonzero(~np.isnan(flat))
    order = tested[np.argsort(flat[tested], kind="stable")]
    m = order.size
    scaled = flat[order] * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    adjusted = np.full(flat.shape, np.nan)
    adjusted[order] = adjusted_sorted
    result: FloatArray = adjusted.reshape(p.shape)
    return result


def benjamini_hochberg(p_values: npt.ArrayLike, *, alpha: float = 0.05) -> npt.NDArray[np.bool_]:
    r"""Which hypotheses the Benjamini–Hochberg procedure rejects at false discovery rate alpha.

    Parameters
    ----------
    p_values
        P-values of any shape; NaN marks a test not done (never rejected, not counted).
    alpha
        The false discovery rate to control, strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the hypothesis is rejected; same shape as ``p_values``.

    Raises
    ------
    JobhandicapError
        If a p-value lies outside [0, 1] or ``alpha`` is not in (0, 1).

    Notes
    -----
    Reject :math:`H_{(1)}, \dots, H_{(k)}` for the largest :math:`k` with
    :math:`p_{(k)} \le k\alpha/m`; equivalently, reject where the adjusted p-value of
    :func:`benjamini_hochberg_adjusted` is at most :math:`\alpha`. Controls the false discovery
    rate at :math:`\alpha` for independent (or positively dependent) tests.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *Journal of the Royal Statistical Society B*
    57, 289–300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    array([ True, False, False, False])
    """
    rate = float(alpha)
    if not 0.0 < rate < 1.0:
        raise JobhandicapError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    adjusted = benjamini_hochberg_adjusted(p_values)
    rejected: npt.NDArray[np.bool_] = adjusted <= rate  # NaN compares False
    return rejected
