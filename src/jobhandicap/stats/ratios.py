r"""Observed/expected ratios: exact test, funnel limits and overdispersion around 1.

A unit's observed count :math:`O` set against the count :math:`E` expected of it (from a
model of its framework conditions, or by indirect standardisation) is compared on the ratio
scale :math:`O/E`, target 1, treating :math:`O` as Poisson with mean :math:`E`:

- :func:`poisson_test`: the two-sided exact p-value of :math:`O` against :math:`E`, as R's
  ``poisson.test``; the exact (Garwood) interval of the ratio is
  :func:`jobhandicap.stats.poisson_interval` with ``exposure=E``;
- :func:`ratio_funnel_limits`: Spiegelhalter's interpolated exact Poisson control limits
  for :math:`O/E` at each :math:`E`, or the overdispersed limits on the square-root scale;
- :func:`ratio_overdispersion`: Spiegelhalter's :math:`\hat\phi` and :math:`\hat\tau^2` for
  ratios, on the square-root scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from jobhandicap.errors import JobhandicapError
from jobhandicap.stats._core import (
    FloatArray,
    Scalar,
    as_float_array,
    check_level,
    lazy_module,
    offending_entries,
    scalar_or_array,
    z_value,
)
from jobhandicap.stats.comparison import FunnelLimits, Overdispersion

if TYPE_CHECKING:
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")

__all__ = ["poisson_test", "ratio_funnel_limits", "ratio_overdispersion"]

#: R's tolerance in ``poisson.test``: outcomes at most (1 + 1e-7) times as likely as the
#: observed one count as "as extreme".
_RELATIVE_TOLERANCE = 1e-7


def _positive(values: npt.ArrayLike, name: str) -> FloatArray:
    array = as_float_array(values, name)
    bad = ~(np.isfinite(array) & (array > 0.0))
    if bad.any():
        raise JobhandicapError(
            f"{name} must hold finite positive numbers (expected counts); got "
            f"{offending_entries(array.ravel(), bad.ravel())}"
        )
    return array


def _observed(values: npt.ArrayLike) -> FloatArray:
    array = as_float_array(values, "observed")
    bad = ~np.isfinite(array) | (array < 0) | (array != np.round(array))
    if bad.any():
        raise JobhandicapError(
            "observed must hold whole counts at least 0; got "
            f"{offending_entries(array.ravel(), bad.ravel())}"
        )
    return array


def _first_index(mask_of: Any, low: FloatArray, high: FloatArray) -> FloatArray:
    """Smallest integer k in [low, high] with ``mask_of(k)`` true (monotone: false … true)."""
    lo, hi = low.copy(), high.copy()
    for _ in range(64):
        if not (hi > lo).any():
            break
        mid = np.floor((lo + hi) / 2.0)
        ok = mask_of(mid)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid + 1.0)
    return lo


@overload
def poisson_test(observed: Scalar, expected: Scalar) -> float: ...
@overload
def poisson_test(observed: npt.ArrayLike, expected: npt.ArrayLike) -> FloatArray: ...
def poisson_test(observed: npt.ArrayLike, expected: npt.ArrayLike) -> Any:
    r"""Two-sided exact p-value of an observed count against its expected count.

    Parameters
    ----------
    observed
        Observed counts :math:`O`, whole numbers at least 0.
    expected
        Expected counts :math:`E`, positive; broadcast against ``observed``.

    Returns
    -------
    float or numpy.ndarray
        The p-values (a float for scalar input).

    Raises
    ------
    JobhandicapError
        If a count is negative or fractional, or an expected count is not positive.

    Notes
    -----
    With :math:`Y \sim \mathrm{Poisson}(E)` and :math:`d = P(Y = O)`, the p-value is the
    probability of every outcome at most as likely as the observed one,
    :math:`\sum_{y:\,P(Y = y) \le d(1 + 10^{-7})} P(Y = y)` — the "minimum likelihood"
    two-sided test of R's ``poisson.test(O, E)`` (with its relative tolerance). The outcomes
    on the far side of the mode are found by a vectorised bisection, as the Poisson
    probabilities fall monotonically away from it. :math:`O = E` gives 1.

    References
    ----------
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. *R Journal* 2(1), 53–58.

    Examples
    --------
    >>> round(poisson_test(45, 36.54), 6)
    0.159187
    >>> poisson_test([95, 72], [75.3, 88.02]).round(6)
    array([0.028249, 0.088113])
    """
    o = _observed(observed)
    e = _positive(expected, "expected")
    o, e = np.broadcast_arrays(o, e)
    d = _sps.poisson.pmf(o, e) * (1.0 + _RELATIVE_TOLERANCE)
    below = o < e
    # O below E: the far side is the upper tail from the first y >= ceil(E) as unlikely as O.
    start = np.ceil(e)
    end = np.maximum(start, np.ceil(2.0 * e - o))
    for _ in range(64):
        short = below & (_sps.poisson.pmf(end, e) > d)
        if not short.any():
            break
        end = np.where(short, 2.0 * end, end)
    first = _first_index(lambda k: _sps.poisson.pmf(k, e) <= d, start, end)
    p_below = _sps.poisson.cdf(o, e) + _sps.poisson.sf(first - 1.0, e)
    # O above E: the far side is the lower tail 0 .. y-1 of the y outcomes <= floor(E)
    # as unlikely as O (their probabilities rise towards the mode).
    mode = np.floor(e)
    count = _first_index(lambda k: _sps.poisson.pmf(k, e) > d, np.zeros_like(e), mode + 1.0)
    p_above = _sps.poisson.cdf(count - 1.0, e) + _sps.poisson.sf(o - 1.0, e)
    p = np.where(o == e, 1.0, np.where(below, p_below, p_above))
    return scalar_or_array(np.minimum(1.0, p))


@overload
def ratio_funnel_limits(
    expected: Scalar, *, level: float = ..., overdispersion: float | None = ...
) -> FunnelLimits[float]: ...
@overload
def ratio_funnel_limits(
    expected: npt.ArrayLike, *, level: float = ..., overdispersion: float | None = ...
) -> FunnelLimits[FloatArray]: ...
def ratio_funnel_limits(
    expected: npt.ArrayLike, *, level: float = 0.95, overdispersion: float | None = None
) -> FunnelLimits[Any]:
    r"""Funnel-plot control limits for an observed/expected ratio around 1.

    Parameters
    ----------
    expected
        The expected counts :math:`E` at which to compute the limits, positive.
    level
        Coverage of the limits: 0.95 and 0.998 are the usual pair.
    overdispersion
        The additive between-unit variance :math:`\tau^2` **on the square-root scale** of
        the ratio (:func:`ratio_overdispersion`'s ``tau2``); ``None`` for the exact limits
        that reflect chance alone.

    Returns
    -------
    FunnelLimits
        ``(low, high)`` on the ratio scale: floats for a scalar, arrays otherwise.

    Raises
    ------
    JobhandicapError
        If an expected count is not positive, ``overdispersion`` is negative, or ``level``
        is not in (0, 1).

    Notes
    -----
    **Exact** (Spiegelhalter 2005, appendix). With :math:`F` the Poisson(:math:`E`)
    distribution function and :math:`p = (1 - L)/2` or :math:`1 - (1 - L)/2`: :math:`r_p` is
    the smallest integer with :math:`F(r_p) \ge p`,
    :math:`\alpha = (F(r_p) - p)/(F(r_p) - F(r_p - 1))`, and the limit is
    :math:`(r_p - \alpha)/E`. For small :math:`E` at the lower limit :math:`r_p = 0` and the
    interpolation goes below 0 (at :math:`E = 5`, 99.8 %: :math:`-0.170317`); **the lower
    limit is clipped at 0**, as no ratio can fall below it.

    **Overdispersed** (Spiegelhalter 2005, for ratios): on the variance-stabilising
    square-root scale :math:`\sqrt{O/E}` has standard error :math:`1/(2\sqrt E)`, so the
    limits are :math:`\bigl(\max(0, 1 \pm z_L\sqrt{1/(4E) + \tau^2})\bigr)^2`.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Examples
    --------
    >>> low, high = ratio_funnel_limits(20.0)
    >>> round(low, 6), round(high, 5)
    (0.56025, 1.43729)
    >>> ratio_funnel_limits([5.0, 100.0], level=0.998).low.round(6)
    array([0.      , 0.700653])
    """
    level = check_level(level)
    e = _positive(expected, "expected")
    tail = (1.0 - level) / 2.0
    if overdispersion is None:
        low = np.maximum(_interpolated_quantile(e, tail) / e, 0.0)
        high = _interpolated_quantile(e, 1.0 - tail) / e
    else:
        tau2 = float(overdispersion)
        if not (np.isfinite(tau2) and tau2 >= 0.0):
            raise JobhandicapError(
                "overdispersion (the between-unit variance tau² on the square-root scale) must "
                f"be finite and non-negative, got {overdispersion!r}"
            )
        half = z_value(level) * np.sqrt(1.0 / (4.0 * e) + tau2)
        low, high = np.maximum(1.0 - half, 0.0) ** 2, (1.0 + half) ** 2
    return FunnelLimits(scalar_or_array(low), scalar_or_array(high))


def _interpolated_quantile(e: FloatArray, p: float) -> FloatArray:
    """Spiegelhalter's interpolated Poisson quantile r_p - alpha (a count; may be below 0)."""
    r = _sps.poisson.ppf(p, e)
    upper = _sps.poisson.cdf(r, e)
    lower = _sps.poisson.cdf(r - 1.0, e)
    step = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(step > 0.0, (upper - p) / step, 0.0)
    result: FloatArray = r - alpha
    return result


def ratio_overdispersion(observed: npt.ArrayLike, expected: npt.ArrayLike) -> Overdispersion:
    r"""Spiegelhalter's overdispersion of observed/expected ratios around 1.

    Parameters
    ----------
    observed
        Each unit's observed count, at least 0.
    expected
        Each unit's expected count, positive.

    Returns
    -------
    Overdispersion
        ``(phi, tau2)``: :math:`\hat\phi` and :math:`\hat\tau^2` on the square-root scale
        (pass ``tau2`` to :func:`ratio_funnel_limits` as ``overdispersion``).

    Raises
    ------
    JobhandicapError
        If fewer than two units are given or the counts are invalid.

    Notes
    -----
    As :func:`jobhandicap.stats.overdispersion`, on the scale that stabilises a Poisson
    ratio's variance: :math:`z_i = 2(\sqrt{O_i} - \sqrt{E_i})` (the ratio's square root
    minus 1 over its standard error :math:`1/(2\sqrt{E_i})`), winsorised at its 10th and 90th
    percentiles; :math:`\hat\phi = \frac1N\sum z_i^2` and
    :math:`\hat\tau^2 = \max(0, (N\hat\phi - (N - 1))/(\sum w_i - \sum w_i^2/\sum w_i))`,
    :math:`w_i = 4E_i`.

    References
    ----------
    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
    *Quality and Safety in Health Care* 14, 347–351.

    Examples
    --------
    >>> observed = [45, 65, 25, 72, 49, 38, 70, 41, 95, 20, 60, 42]
    >>> expected = [36.54, 66.96, 26.82, 88.02, 48.72, 40.2, 60.96, 31.2, 75.3, 24.54, 53.52,
    ...             44.88]
    >>> phi, tau2 = ratio_overdispersion(observed, expected)
    >>> round(phi, 4), round(tau2, 7)
    (0.9214, 2.65e-05)
    """
    o = _observed(observed)
    e = _positive(expected, "expected")
    if o.ndim != 1 or o.shape != e.shape:
        raise JobhandicapError(
            "observed and expected must be one-dimensional with one entry per unit; got shapes "
            f"{o.shape} and {e.shape}"
        )
    if o.size < 2:
        raise JobhandicapError(f"overdispersion needs at least two units to compare, got {o.size}")
    z = 2.0 * (np.sqrt(o) - np.sqrt(e))
    low, high = np.percentile(z, [10.0, 90.0])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 4.0 * e
    denominator = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (o.size * phi - (o.size - 1)) / denominator)
    return Overdispersion(phi, float(tau2))
