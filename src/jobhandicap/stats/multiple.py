"""Multiple-response sets: k paired 0/1 items answered by the same respondents.

A multiple-response question ("tick every target group that applies") gives each respondent a
row of k ticks. The options are compared on the same respondents, so their shares are paired:
Cochran's Q tests that all k shares are equal, McNemar's test and a paired difference compare
two options, and a bootstrap over respondents gives each option's rank an interval.

Every function takes either the respondents' rows (an ``(N, k)`` array of 0/1) or, with
``counts=``, the distinct *patterns* of ticks and how many respondents ticked each: the
reduced table of :func:`jobhandicap.survey.reduce_patterns`. Both give the same result,
because every statistic here is a sum over respondents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from jobhandicap import _options
from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap.errors import JobhandicapError
from jobhandicap.stats._core import (
    Estimate,
    FloatArray,
    Scalar,
    ValueT,
    check_level,
    lazy_module,
    z_value,
)
from jobhandicap.stats.proportions import (
    check_counts,
    is_scalar,
    mcnemar_exact,
    scalar_or_arrays,
    warn_zero_base,
)

if TYPE_CHECKING:
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")

__all__ = [
    "CochranQ",
    "McNemar",
    "RankIntervals",
    "cochran_q",
    "mcnemar_test",
    "paired_difference_wald",
    "rank_intervals",
]

#: Largest number of array elements one block of bootstrap draws may hold.
_MAX_ELEMENTS = 4_000_000

McNemarMethod = Literal["uncorrected", "corrected", "exact"]


class CochranQ(NamedTuple):
    """Cochran's Q test that k paired shares are equal."""

    statistic: float
    df: int
    p_value: float


class McNemar(NamedTuple, Generic[ValueT]):
    """McNemar's test of two paired shares (floats for scalar input, arrays otherwise)."""

    statistic: ValueT
    p_value: ValueT


class RankIntervals(NamedTuple):
    """Each option's rank (1 = ticked most) and its bootstrap percentile interval."""

    rank: npt.NDArray[np.int64]
    ci_low: npt.NDArray[np.int64]
    ci_high: npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


def _ticks_and_counts(
    ticks: npt.ArrayLike, counts: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray]:
    """The 0/1 matrix (rows × options) and the number of respondents of each row."""
    try:
        matrix = np.asarray(ticks, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            "ticks must be a 2-D array of 0/1 (one row per respondent or pattern, one column "
            "per option)"
        ) from exc
    if matrix.ndim != 2:
        raise JobhandicapError(
            f"ticks must be a 2-D array (rows × options), got an array with {matrix.ndim} "
            "dimension(s)"
        )
    if matrix.shape[1] < 2:
        raise JobhandicapError(
            f"a multiple-response set needs at least 2 options (columns), got {matrix.shape[1]}"
        )
    bad = ~((matrix == 0) | (matrix == 1))
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise JobhandicapError(
            f"ticks must be 0 (not ticked) or 1 (ticked); row {row}, column {column} holds "
            f"{matrix[row, column]!r}"
        )
    if counts is None:
        return matrix, np.ones(matrix.shape[0])
    arrays, _, _ = check_counts({"counts": counts})
    weights = arrays["counts"]
    if weights.shape != (matrix.shape[0],):
        raise JobhandicapError(
            f"counts must hold one whole number per row of ticks ({matrix.shape[0]}), got shape "
            f"{weights.shape}"
        )
    return matrix, weights


# --------------------------------------------------------------------------------------------
# Cochran's Q
# --------------------------------------------------------------------------------------------


def cochran_q(ticks: npt.ArrayLike, counts: npt.ArrayLike | None = None) -> CochranQ:
    r"""Cochran's Q test that the k options of a multiple-response set are ticked equally often.

    Parameters
    ----------
    ticks
        2-D array of 0/1, one column per option: one row per respondent, or (with ``counts``)
        one row per pattern of ticks.
    counts
        How many respondents ticked each row's pattern (whole numbers ≥ 0); one per row of
        ``ticks``. ``None``: every row is one respondent.

    Returns
    -------
    CochranQ
        ``(statistic, df, p_value)``: :math:`Q`, :math:`k - 1` and the upper tail of
        :math:`\chi^2_{k-1}`. ``nan`` statistic and p-value when no respondent discriminates
        between the options (every one ticked all of them or none).

    Raises
    ------
    JobhandicapError
        If ``ticks`` is not a 2-D 0/1 array with at least two columns, or ``counts`` is not one
        whole number ≥ 0 per row.

    Notes
    -----
    With :math:`C_j` the number of respondents ticking option :math:`j`, :math:`R_i` the
    number of options respondent :math:`i` ticked and :math:`T = \sum_j C_j = \sum_i R_i`:

    .. math::

        Q = \frac{(k-1)\left[k \sum_j C_j^2 - T^2\right]}{k T - \sum_i R_i^2}
        \;\sim\; \chi^2_{k-1}.

    The p-value is the survival function of :math:`\chi^2_{k-1}`, not :math:`1 - F`, so it
    keeps its precision far in the tail (R's ``coin`` prints 2.44e-15 instead of 2.42e-15 on
    the METHODS.md example, from cancellation in :math:`1 - F`). Respondents who ticked all
    options or none add the same to numerator and denominator terms and do not change
    :math:`Q`. On 0/1 data :math:`Q` equals Friedman's statistic with its tie correction.

    References
    ----------
    Cochran, W. G. (1950). The comparison of percentages in matched samples. *Biometrika* 37,
    256–266.

    Examples
    --------
    >>> ticks = [[1, 1, 0], [1, 0, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0], [1, 0, 1]]
    >>> result = cochran_q(ticks)
    >>> round(result.statistic, 4), result.df, round(result.p_value, 4)
    (4.5, 2, 0.1054)
    >>> cochran_q([[1, 1, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0]], counts=[1, 2, 1, 1]) == result
    True
    """
    matrix, weights = _ticks_and_counts(ticks, counts)
    k = matrix.shape[1]
    columns = weights @ matrix
    rows = matrix.sum(axis=1)
    total = float(columns.sum())
    numerator = (k - 1) * (k * float(columns @ columns) - total * total)
    denominator = k * total - float(weights @ (rows * rows))
    if denominator <= 0:
        return CochranQ(float("nan"), k - 1, float("nan"))
    statistic = max(numerator / denominator, 0.0)
    return CochranQ(statistic, k - 1, float(_sps.chi2.sf(statistic, k - 1)))


# --------------------------------------------------------------------------------------------
# Two options
# --------------------------------------------------------------------------------------------


@overload
def mcnemar_test(b: Scalar, c: Scalar, *, method: McNemarMethod = ...) -> McNemar[float]: ...
@overload
def mcnemar_test(
    b: npt.ArrayLike, c: npt.ArrayLike, *, method: McNemarMethod = ...
) -> McNemar[FloatArray]: ...
def mcnemar_test(
    b: npt.ArrayLike, c: npt.ArrayLike, *, method: McNemarMethod = "uncorrected"
) -> McNemar[Any]:
    r"""McNemar's test that two paired shares are equal, from the discordant counts.

    Parameters
    ----------
    b, c
        The discordant cells: respondents ticking the first option but not the second, and
        the second but not the first (whole numbers ≥ 0, broadcast against each other).
    method
        ``"uncorrected"`` (default; :math:`(b-c)^2/(b+c)`), ``"corrected"`` (with the
        continuity correction, :math:`(|b-c|-1)^2/(b+c)`, as R's ``mcnemar.test`` default)
        or ``"exact"`` (the binomial test of :func:`~jobhandicap.stats.mcnemar_exact`).

    Returns
    -------
    McNemar
        ``(statistic, p_value)``: floats for scalar input, arrays otherwise. The chi-square
        variants give ``nan`` where :math:`b + c = 0`; ``"exact"`` reports
        :math:`\min(b, c)` as its statistic (as statsmodels does) and p = 1 there.

    Raises
    ------
    OptionError
        For an unknown ``method``.
    JobhandicapError
        If a count is missing, negative or fractional, or the shapes clash.

    Notes
    -----
    Under the null hypothesis of equal shares :math:`b \sim \mathrm{Bin}(b + c, 1/2)`. The
    chi-square statistics are referred to :math:`\chi^2_1` (upper tail by the survival
    function); the exact p-value doubles the smaller binomial tail. The concordant cells do
    not enter the test.

    References
    ----------
    McNemar, Q. (1947). Note on the sampling error of the difference between correlated
    proportions or percentages. *Psychometrika* 12, 153–157.

    Examples
    --------
    >>> [round(float(v), 6) for v in mcnemar_test(21, 15)]
    [1.0, 0.317311]
    >>> [round(float(v), 6) for v in mcnemar_test(21, 15, method="corrected")]
    [0.694444, 0.404657]
    >>> round(float(mcnemar_test(21, 15, method="exact").p_value), 6)
    0.405032
    """
    chosen = _options.check_choice("method", method, ("uncorrected", "corrected", "exact"))
    scalar = is_scalar(b, c)
    arrays, _, _ = check_counts({"b": b, "c": c})
    cb, cc = arrays["b"], arrays["c"]
    if chosen == "exact":
        p = np.asarray(mcnemar_exact(cb, cc), dtype=np.float64)
        statistic = np.minimum(cb, cc)
        return McNemar(*scalar_or_arrays(scalar, statistic, p))
    correction = 1.0 if chosen == "corrected" else 0.0
    discordant = cb + cc
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = (np.abs(cb - cc) - correction) ** 2 / discordant
    statistic = np.where(discordant > 0, statistic, np.nan)
    p = _sps.chi2.sf(statistic, 1)
    return McNemar(*scalar_or_arrays(scalar, statistic, p))


@overload
def paired_difference_wald(
    b: Scalar, c: Scalar, n: Scalar, *, level: float = ...
) -> Estimate[float]: ...
@overload
def paired_difference_wald(
    b: npt.ArrayLike, c: npt.ArrayLike, n: npt.ArrayLike, *, level: float = ...
) -> Estimate[FloatArray]: ...
def paired_difference_wald(
    b: npt.ArrayLike, c: npt.ArrayLike, n: npt.ArrayLike, *, level: float = DEFAULT_LEVEL
) -> Estimate[Any]:
    r"""Difference of two paired shares, :math:`(b - c)/n`, with its Wald interval.

    Parameters
    ----------
    b, c
        The discordant counts (first option only, second option only).
    n
        All respondents (the base of both shares), at least :math:`b + c`.
    level
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    Estimate
        ``(estimate, ci_low, ci_high)``; ``nan`` where ``n = 0``. Limits are not clipped to
        [-1, 1].

    Raises
    ------
    JobhandicapError
        If a count is missing, negative or fractional, or :math:`b + c > n`.

    Warns
    -----
    SmallSampleWarning
        Once per call when some ``n`` is zero.

    Notes
    -----
    :math:`\hat\Delta = \hat p_1 - \hat p_2 = (b - c)/n` with the standard error

    .. math::

        \widehat{\mathrm{SE}} = \frac{1}{n}\sqrt{(b + c) - \frac{(b - c)^2}{n}}

    and the interval :math:`\hat\Delta \pm z\,\widehat{\mathrm{SE}}`. This is the textbook
    interval the reference values of METHODS.md §3 use; it can be too narrow for small
    discordant counts, where Newcombe's score-based
    :func:`~jobhandicap.stats.paired_difference` (which needs all four cells) is the better
    choice.

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., §11.1.1. Wiley.

    Examples
    --------
    >>> est = paired_difference_wald(21, 15, 82)
    >>> round(est.estimate, 7), round(est.ci_low, 7), round(est.ci_high, 6)
    (0.0731707, -0.0693641, 0.215706)
    """
    z = z_value(level)
    scalar = is_scalar(b, c, n)
    arrays, _, any_zero = check_counts({"b": b, "c": c}, {"n": n})
    cb, cc, total = arrays["b"], arrays["c"], arrays["n"]
    if np.any(cb + cc > total):
        raise JobhandicapError("b + c is larger than n; n counts every respondent, b + c <= n")
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = (cb - cc) / total
        se = np.sqrt(np.maximum((cb + cc) - (cb - cc) ** 2 / total, 0.0)) / total
    if any_zero:
        warn_zero_base("the base n", 2)
    return Estimate(*scalar_or_arrays(scalar, delta, delta - z * se, delta + z * se))


# --------------------------------------------------------------------------------------------
# Ranks
# --------------------------------------------------------------------------------------------


def _competition_ranks(totals: FloatArray) -> npt.NDArray[np.int64]:
    """Rank 1 for the largest total, ties sharing their best rank: ``1 + #{l: t_l > t_j}``."""
    larger = totals[..., np.newaxis, :] > totals[..., :, np.newaxis]
    return np.asarray(1 + larger.sum(axis=-1), dtype=np.int64)


def rank_intervals(
    ticks: npt.ArrayLike,
    counts: npt.ArrayLike | None = None,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    level: float = DEFAULT_LEVEL,
    seed: _options.Seed = DEFAULT_SEED,
) -> RankIntervals:
    r"""Rank the options of a multiple-response set by share, with bootstrap rank intervals.

    Parameters
    ----------
    ticks
        2-D array of 0/1, one column per option: one row per respondent, or (with ``counts``)
        one row per pattern of ticks.
    counts
        How many respondents ticked each row's pattern; ``None``: one respondent per row.
    n_boot
        Bootstrap resamples of the respondents.
    level
        Coverage of each rank interval.
    seed
        An ``int``, a :class:`numpy.random.Generator` or ``None`` (fresh entropy).

    Returns
    -------
    RankIntervals
        ``(rank, ci_low, ci_high)``, integer arrays with one entry per option: the rank of
        its share on the data (1 = ticked most often) and the percentile interval of its
        ranks over the resamples.

    Raises
    ------
    JobhandicapError
        If ``ticks`` or ``counts`` are not as described, or there are no respondents.
    OptionError, ArgumentTypeError
        For a bad ``n_boot``, ``level`` or ``seed``.

    Notes
    -----
    **Ties** take the best rank they share ("competition" ranking, ``rankdata(method="min")``):
    option :math:`j` has rank :math:`1 + \#\{l : C_l > C_j\}`, so two options ticked equally
    often both have rank 1 when nothing is ticked more. The same rule ranks every resample.

    **Resampling.** Each resample draws the :math:`N` respondents with replacement; drawing
    respondents is drawing how often each pattern of ticks occurs, one multinomial vector of
    :math:`N` draws over the patterns with probabilities ``counts / N``. The option totals
    of all resamples are then one matrix product, (resamples × patterns) @ (patterns ×
    options), done in blocks of bounded memory; there is no loop over respondents. Ranks
    are integers, so the interval's limits are order statistics of the resampled ranks
    (``numpy.quantile(method="inverted_cdf")`` at :math:`\alpha/2` and
    :math:`1-\alpha/2`): ranks that occurred, never a value between two ranks.

    The same data, options and seed give the same intervals (reproducible by default). An
    interval of 1–3 says the data cannot tell whether the option is first, second or third.

    References
    ----------
    Goldstein, H. and Spiegelhalter, D. J. (1996). League tables and their limitations:
    statistical issues in comparisons of institutional performance. *Journal of the Royal
    Statistical Society A* 159, 385–443.

    Examples
    --------
    >>> ticks = [[1, 1, 0], [1, 0, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0], [1, 0, 1]]
    >>> result = rank_intervals(ticks, n_boot=999)
    >>> result.rank.tolist(), result.ci_low.tolist(), result.ci_high.tolist()
    ([1, 2, 2], [1, 2, 2], [1, 3, 3])
    """
    matrix, weights = _ticks_and_counts(ticks, counts)
    n_boot = _options.check_count(n_boot, "n_boot", minimum=1)
    alpha = 1.0 - check_level(level)
    rng = _options.generator(seed)
    present = weights > 0
    matrix, weights = matrix[present], weights[present]
    total = float(weights.sum())
    if total == 0:
        raise JobhandicapError("rank_intervals needs at least one respondent; counts sum to 0")
    ranks = _competition_ranks(weights @ matrix)
    block = max(1, _MAX_ELEMENTS // max(1, matrix.shape[0] + matrix.shape[1] ** 2))
    resampled = np.empty((n_boot, matrix.shape[1]), dtype=np.int64)
    probabilities = weights / total
    for start in range(0, n_boot, block):
        size = min(block, n_boot - start)
        draws = rng.multinomial(int(total), probabilities, size=size)
        resampled[start : start + size] = _competition_ranks(draws @ matrix)
    low = np.quantile(resampled, alpha / 2.0, axis=0, method="inverted_cdf")
    high = np.quantile(resampled, 1.0 - alpha / 2.0, axis=0, method="inverted_cdf")
    return RankIntervals(ranks, low.astype(np.int64), high.astype(np.int64))
