"""Funnel-plot data: each unit's rate against control limits that depend on its size.

This module computes, per unit, the share with its Wilson interval, the p-value against the
target, and for each control-limit level (``limits=``) the exact binomial (or overdispersed
arcsine) control limits and a ``"below"``/``"within"``/``"above"`` flag, optionally by
false-discovery-rate control over all units (:func:`funnel`, with the flag categories
:data:`FLAGS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._options import check_choice, check_level, renamed, warn_small_bases
from jobhandicap.benchmark._units import refuse_result_names, unit_counts, unit_labels
from jobhandicap.errors import ArgumentTypeError, OptionError, SchemaError, problems_frame
from jobhandicap.stats import (
    benjamini_hochberg,
    funnel_limits,
    funnel_p_value,
    poisson_interval,
    poisson_test,
    ratio_funnel_limits,
    ratio_overdispersion,
    wilson_interval,
)
from jobhandicap.stats import overdispersion as _overdispersion
from jobhandicap.stats._core import FloatArray, lazy_module

if TYPE_CHECKING:
    from scipy import special as _special
else:
    _special = lazy_module("scipy.special")

__all__ = ["FLAGS", "funnel"]

#: Categories of the ``flag_<level>`` columns of :func:`funnel`, in this order.
FLAGS = ("below", "within", "above")


def limit_suffix(level: float) -> str:
    """Column suffix of a level: 0.95 -> '95', 0.998 -> '99_8' (no dots in column names)."""
    return f"{round(100.0 * level, 6):g}".replace(".", "_")


def _limits(limits: float | Sequence[float]) -> tuple[float, ...]:
    if isinstance(cast(object, limits), str):  # a str is a Sequence: "95" would be 9 and 5
        raise ArgumentTypeError(f"limits must be a level or a sequence of levels, got {limits!r}")
    listed = [limits] if isinstance(limits, int | float | np.floating) else list(limits)
    if not listed:
        raise OptionError("limits must name at least one level, such as (0.95, 0.998)")
    checked = tuple(check_level(level, "limits") for level in listed)
    suffixes = [limit_suffix(level) for level in checked]
    if len(set(suffixes)) != len(suffixes):
        raise OptionError(f"limits must differ from each other, got {listed}")
    return checked


def _flags(codes: npt.NDArray[np.int8]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(FLAGS))


def _given_tau2(overdispersion: bool | float, scale: str) -> float | None:
    """A between-unit variance given as a number, None for True/False; refuse anything else."""
    if isinstance(overdispersion, bool | np.bool_):
        return None
    try:
        given = float(overdispersion)
    except (TypeError, ValueError):
        given = float("nan")
    if not np.isfinite(given) or given < 0:
        raise OptionError(
            "overdispersion must be True, False or a between-unit variance tau2 >= 0 on the "
            f"{scale} scale, got {overdispersion!r}"
        )
    return given


def _ratio_funnel(
    frame: pd.DataFrame,
    units: pd.DataFrame,
    x: FloatArray,
    n: FloatArray,
    *,
    count: str,
    total: str,
    unit: str | Sequence[str] | None,
    expected: str,
    target: float | None,
    limits: float | Sequence[float],
    overdispersion: bool | float,
    adjust: Literal["fdr"] | None,
    level: float,
) -> pd.DataFrame:
    """The funnel of observed/expected ratios around 1 (``funnel(..., expected=...)``)."""
    if not isinstance(expected, str):
        raise ArgumentTypeError(f"expected must name one column, got {expected!r}")
    if expected in (count, total):
        raise OptionError(f"expected names the column {expected!r}, already the count or total")
    if target is not None:
        raise OptionError(
            "target cannot be given with expected=: observed/expected ratios are compared with 1"
        )
    _, e, _ = unit_counts(frame, expected, total, unit, what="frame", binomial=False, whole=False)
    if (e <= 0).any():
        raise SchemaError(
            "the frame cannot be compared",
            problems_frame(
                (None, expected, 0, f"{label}: the expected count is 0; a ratio needs more")
                for label in np.asarray(unit_labels(units))[e <= 0].tolist()
            ),
        )
    checked_limits = _limits(limits)
    if adjust is not None:
        check_choice("adjust", adjust, ("fdr",))
    given = _given_tau2(overdispersion, "square-root")
    level = check_level(level)
    # stacklevel 5: past this helper, funnel and the renamed() wrapper, to the caller
    warn_small_bases(n, "persons", labels=unit_labels(units), stacklevel=5)

    ratio = x / e
    interval = poisson_interval(x, exposure=e, level=level)
    phi, tau2 = ratio_overdispersion(x, e)
    widened = given is not None or bool(overdispersion)
    if given is not None:
        tau2 = given
    if widened:
        z = (np.sqrt(ratio) - 1.0) / np.sqrt(1.0 / (4.0 * e) + tau2)
        p_value = np.minimum(1.0, 2.0 * _special.ndtr(-np.abs(z)))
    else:
        p_value = np.asarray(poisson_test(x, e), dtype=np.float64)
    columns: dict[str, Any] = {
        "n": n.astype(np.int64),
        "count": x.astype(np.int64),
        "expected": e,
        "ratio": ratio,
        "ci_low": interval.ci_low,
        "ci_high": interval.ci_high,
        "p_value": p_value,
    }
    for lv in checked_limits:
        low, high = ratio_funnel_limits(e, level=lv, overdispersion=tau2 if widened else None)
        if adjust == "fdr":
            rejected = benjamini_hochberg(p_value, alpha=1.0 - lv)
            above, below = rejected & (ratio > 1.0), rejected & (ratio < 1.0)
        else:
            above, below = ratio > high, ratio < low
        codes = np.where(above, 2, np.where(below, 0, 1)).astype(np.int8)
        suffix = limit_suffix(lv)
        columns[f"low_{suffix}"] = np.asarray(low, dtype=np.float64)
        columns[f"high_{suffix}"] = np.asarray(high, dtype=np.float64)
        columns[f"flag_{suffix}"] = _flags(codes)
    result = pd.concat([units, pd.DataFrame(columns)], axis=1)
    result.attrs = {
        "target": 1.0,
        "phi": float(phi),
        "tau2": float(tau2),
        "overdispersion": widened,
        "adjust": adjust,
        "limits": checked_limits,
        "level": level,
        "expected": expected,
    }
    return result


@renamed(by="unit", levels="limits")
def funnel(
    frame: pd.DataFrame,
    *,
    count: str,
    total: str,
    unit: str | Sequence[str] | None = "jobcentre",
    target: float | None = None,
    limits: float | Sequence[float] = (0.95, 0.998),
    overdispersion: bool | float = False,
    adjust: Literal["fdr"] | None = None,
    level: float = DEFAULT_LEVEL,
    expected: str | None = None,
) -> pd.DataFrame:
    r"""Funnel-plot data: each unit's rate against control limits at its size.

    Parameters
    ----------
    frame
        One or more rows per unit with a count and a total column (for example the canonical
        outcomes frame, ``count="entered_job"``, ``total="persons"``). Not modified.
    count, total
        Names of the count (numerator) and total (denominator) columns: whole numbers,
        ``0 <= count <= total``.
    unit
        The unit column(s), the compared entity. Rows of the same unit are summed first (so
        select one year of the outcomes frame, or pass several to pool them). ``None``: every
        row is a unit. (``by=``, its name before 0.2, still works with a
        ``DeprecationWarning``.)
    target
        The target proportion :math:`p_0`, strictly between 0 and 1; by default the pooled
        rate :math:`\sum_i x_i / \sum_i n_i`.
    limits
        Coverage of the control limits, one level or several; 95 % and 99.8 % (about 2 and 3
        standard errors) are Spiegelhalter's usual pair. (``levels=``, its name before 0.2,
        still works with a ``DeprecationWarning``.)
    overdispersion
        If ``True``, estimate the between-unit variance :math:`\hat\tau^2` and use Spiegelhalter's
        random-effects limits on the arcsine scale, widened by it (see Notes). Use it when the
        units vary more than chance allows — then most units fall outside chance-only limits
        and the flags mean little. A number is used as :math:`\tau^2` itself (on the arcsine
        scale), estimated elsewhere — for example on the units whose counts are published, so
        that the limits tell nothing about the hidden ones.
    adjust
        ``None`` (default): a unit is flagged when its rate lies outside the limits.
        ``"fdr"``: flag by the Benjamini–Hochberg procedure over all units instead, controlling
        the false discovery rate at :math:`1 - L` for each level :math:`L` of ``limits``.
    level
        Confidence level of each unit's own Wilson interval (``ci_low``, ``ci_high``).
    expected
        The column of expected counts (for example ``expected`` of
        :func:`expected_outcomes`'s ``units``): the funnel is then drawn for the
        observed/expected ratio around 1 instead of the share around the target, with exact
        Poisson limits at each unit's expected count (see Notes). Summed per unit like the
        counts; positive. ``target`` is then 1 and cannot be given.

    Returns
    -------
    pandas.DataFrame
        One row per unit (sorted by the unit columns; in input order when ``unit`` is None):

        - the unit column(s);
        - ``n`` (the summed total), ``count``, ``share`` (:math:`x/n`), ``ci_low``,
          ``ci_high`` (Wilson interval of the share at ``level``);
        - ``p_value``: two-sided p-value of the share against the target (see Notes);
        - for each level of ``limits``, ``low_<L>``, ``high_<L>`` (the limits at the unit's
          ``n``) and ``flag_<L>`` (categorical ``"below"``, ``"within"``, ``"above"``), where
          ``<L>`` is the level in per cent without trailing zeros and with ``_`` for the
          decimal point: ``low_95``, ``high_95``, ``flag_95``, ``low_99_8``, ``high_99_8``,
          ``flag_99_8``.

        With ``expected=``, ``share`` is replaced by ``expected`` (the summed expected
        count) and ``ratio`` (:math:`O/E`), ``ci_low``, ``ci_high`` are its exact (Garwood)
        interval, ``p_value`` is the exact test of :math:`O` against :math:`E`
        (:func:`jobhandicap.stats.poisson_test`), and the limits are on the ratio scale.

        ``DataFrame.attrs`` holds the settings and the overdispersion estimates, which
        concern all units rather than one: ``target`` (:math:`p_0`), ``phi``
        (:math:`\hat\phi`), ``tau2`` (:math:`\hat\tau^2`), ``overdispersion`` (whether the
        limits use :math:`\hat\tau^2`), ``adjust``, ``limits`` and ``level``. :math:`\hat\phi` and
        :math:`\hat\tau^2` are always estimated, so they can tell you whether to ask for
        ``overdispersion=True``. (``attrs`` survive ``round`` and selections but not every
        pandas operation: read them from the result directly.)

    Raises
    ------
    MissingColumnsError
        If a named column is missing.
    SchemaError
        If a count or total is missing, not a number, negative, not whole, or a count
        exceeds its total (``problems`` lists every such row), a unit is missing, or a unit's
        total is 0.
    OptionError
        If ``target`` is not strictly between 0 and 1, a level is not in (0, 1), or
        ``adjust`` is unknown (an :class:`~jobhandicap.errors.OptionError` is a
        ``ValueError``).
    JobhandicapError
        If there are fewer than two units.

    Warns
    -----
    SmallSampleWarning
        When a unit's total is below :data:`~jobhandicap._defaults.SMALL_BASE` (30): its
        share moves by several points with one person more or less.

    Notes
    -----
    **Limits.** By default the limits are exact binomial with interpolation
    (:func:`jobhandicap.stats.funnel_limits`): with :math:`F` the Binomial(:math:`n, p_0`)
    distribution function and :math:`q = (1 - L)/2` or :math:`1 - (1 - L)/2`, :math:`r` is
    the smallest count with :math:`F(r) \ge q`,
    :math:`\alpha = (F(r) - q)/(F(r) - F(r - 1))` and the limit is :math:`(r - \alpha)/n`.
    The limits are not monotone in :math:`n`, as the binomial is discrete.

    **Overdispersion** (Spiegelhalter 2005). Each unit's z-score on the arcsine scale,
    :math:`z_i = 2\sqrt{n_i}(\arcsin\sqrt{y_i} - \arcsin\sqrt{p_0})`, is winsorised at its
    10th and 90th percentiles; :math:`\hat\phi = \frac1N\sum z_i^{W2}` and

    .. math::

        \hat\tau^2 = \max\Bigl(0, \frac{N\hat\phi - (N - 1)}
        {\sum_i w_i - \sum_i w_i^2/\sum_i w_i}\Bigr), \qquad w_i = 4 n_i.

    With ``overdispersion=True`` the limits are
    :math:`\sin^2(\arcsin\sqrt{p_0} \pm z_{L}\sqrt{1/(4n) + \hat\tau^2})` — the arcsine
    limits even when :math:`\hat\tau^2 = 0`.

    **Flags.** Without ``adjust`` a unit is ``"above"`` when its rate exceeds ``high_<L>``,
    ``"below"`` when it is under ``low_<L>`` (a rate on a limit is ``"within"``). Every unit
    is then tested at :math:`1 - L`: with 98 jobcentres and 95 % limits, about five
    (:math:`98 \times 0.05 \approx 4.9`) fall outside by chance alone even if every one
    performs exactly at the target — five false alarms. With
    ``adjust="fdr"`` the Benjamini–Hochberg procedure is applied to the ``p_value`` column
    at :math:`\alpha = 1 - L`; a rejected unit is ``"above"`` or ``"below"`` by the side of
    the target its rate is on, every other unit ``"within"``. Then on average at most a
    fraction :math:`1 - L` of the flagged units are false alarms. The limits columns stay the
    (unadjusted) funnel, for drawing, so an adjusted flag need not agree with them.

    **Observed/expected ratios** (``expected=``). With :math:`F` the Poisson(:math:`E`)
    distribution function the limits are Spiegelhalter's interpolated exact quantiles
    :math:`(r_p - \alpha)/E` around 1 (:func:`jobhandicap.stats.ratio_funnel_limits`); the
    lower limit is clipped at 0 where the interpolation goes below it (small :math:`E`).
    Overdispersion is estimated and applied on the square-root scale that stabilises a
    Poisson ratio's variance, :math:`z_i = 2(\sqrt{O_i} - \sqrt{E_i})`, winsorised as above,
    :math:`w_i = 4E_i` (:func:`jobhandicap.stats.ratio_overdispersion`); the widened limits
    are :math:`(1 \pm z_L\sqrt{1/(4E) + \hat\tau^2})^2` and the p-value
    :math:`2\Phi(-|z_i|)` with :math:`z_i = (\sqrt{O_i/E_i} - 1)/\sqrt{1/(4E_i) +
    \hat\tau^2}`. A number given as ``overdispersion`` is :math:`\tau^2` on this scale.
    :math:`E` is treated as known, not as an estimate.

    **p-values.** Without overdispersion the two-sided exact binomial mid-p-value
    (:func:`jobhandicap.stats.funnel_p_value`); with ``overdispersion=True``
    :math:`2\Phi(-|z_i|)` with
    :math:`z_i = (\arcsin\sqrt{y_i} - \arcsin\sqrt{p_0})/\sqrt{1/(4n_i) + \hat\tau^2}`,
    the test that matches the overdispersed limits.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
    *Quality and Safety in Health Care* 14, 347–351.

    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *Journal of the Royal Statistical Society B*
    57, 289–300.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"jobcentre": [101, 147, 151, 153],
    ...                       "entered_job": [6, 20, 150, 35], "persons": [10, 50, 200, 40]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # two units have fewer than 30 persons
    ...     result = funnel(units, count="entered_job", total="persons", target=0.6, limits=0.95)
    >>> result.round(3)
       jobcentre    n  count  share  ci_low  ci_high  p_value  low_95  high_95 flag_95
    0        101   10      6  0.600   0.313    0.832    0.985   0.230    0.853  within
    1        147   50     20  0.400   0.276    0.538    0.005   0.452    0.724   below
    2        151  200    150  0.750   0.686    0.805    0.000   0.529    0.665   above
    3        153   40     35  0.875   0.739    0.945    0.000   0.433    0.738   above
    >>> round(result.attrs["phi"], 3), result.attrs["target"]
    (10.053, 0.6)

    With the job entries expected of each jobcentre given its framework conditions (from
    :func:`expected_outcomes`), the ratios observed/expected against limits around 1:

    >>> units = units.assign(expected=[5.5, 25.0, 120.0, 30.0])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ratios = funnel(units, count="entered_job", total="persons", expected="expected",
    ...                     limits=0.95)
    >>> ratios[["jobcentre", "expected", "ratio", "low_95", "high_95", "flag_95"]].round(3)
       jobcentre  expected  ratio  low_95  high_95 flag_95
    0        101       5.5  1.091   0.169    1.821  within
    1        147      25.0  0.800   0.607    1.391  within
    2        151     120.0  1.250   0.821    1.179   above
    3        153      30.0  1.167   0.641    1.357  within
    """
    middle = ("expected", "ratio") if expected is not None else ("share",)
    reserved = ("n", "count", *middle, "ci_low", "ci_high", "p_value", "low_", "high_", "flag_")
    refuse_result_names(unit, reserved, "funnel")
    units, x, n = unit_counts(frame, count, total, unit, what="frame", binomial=True, whole=True)
    if expected is not None:
        return _ratio_funnel(
            frame,
            units,
            x,
            n,
            count=count,
            total=total,
            unit=unit,
            expected=expected,
            target=target,
            limits=limits,
            overdispersion=overdispersion,
            adjust=adjust,
            level=level,
        )
    if target is None:
        p0 = float(x.sum() / n.sum())
    else:
        try:
            p0 = float(target)
        except (TypeError, ValueError) as exc:
            raise ArgumentTypeError(
                f"target must be a proportion strictly between 0 and 1, got {target!r}"
            ) from exc
        if not 0.0 < p0 < 1.0:
            raise OptionError(
                f"target must be a proportion strictly between 0 and 1, got {target!r}"
            )
    checked_limits = _limits(limits)
    if adjust is not None:
        check_choice("adjust", adjust, ("fdr",))
    given = _given_tau2(overdispersion, "arcsine")
    level = check_level(level)
    # stacklevel 4: past this function and the renamed() wrapper, to the caller
    warn_small_bases(n, "persons", labels=unit_labels(units), stacklevel=4)

    rate = x / n
    share = wilson_interval(x, n, level=level)
    phi, tau2 = _overdispersion(x, n, target=p0)
    widened = given is not None or bool(overdispersion)
    if given is not None:
        tau2 = given
    if widened:
        spread = np.sqrt(1.0 / (4.0 * n) + tau2)
        z = (np.arcsin(np.sqrt(rate)) - np.arcsin(np.sqrt(p0))) / spread
        p_value = np.minimum(1.0, 2.0 * _special.ndtr(-np.abs(z)))
    else:
        p_value = np.asarray(funnel_p_value(x, n, p0), dtype=np.float64)

    columns: dict[str, Any] = {
        "n": n.astype(np.int64),
        "count": x.astype(np.int64),
        "share": rate,
        "ci_low": share.ci_low,
        "ci_high": share.ci_high,
        "p_value": p_value,
    }
    for lv in checked_limits:
        if widened:
            low, high = funnel_limits(p0, n, level=lv, overdispersion=tau2)
        else:
            low, high = funnel_limits(p0, n, level=lv, method="exact")
        if adjust == "fdr":
            rejected = benjamini_hochberg(p_value, alpha=1.0 - lv)
            above, below = rejected & (rate > p0), rejected & (rate < p0)
        else:
            above, below = rate > high, rate < low
        codes = np.where(above, 2, np.where(below, 0, 1)).astype(np.int8)
        suffix = limit_suffix(lv)
        columns[f"low_{suffix}"] = np.asarray(low, dtype=np.float64)
        columns[f"high_{suffix}"] = np.asarray(high, dtype=np.float64)
        columns[f"flag_{suffix}"] = _flags(codes)
    result = pd.concat([units, pd.DataFrame(columns)], axis=1)
    result.attrs = {
        "target": p0,
        "phi": float(phi),
        "tau2": float(tau2),
        "overdispersion": widened,
        "adjust": adjust,
        "limits": checked_limits,
        "level": level,
    }
    return result
