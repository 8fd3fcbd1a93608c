r"""Tests and measures of association on contingency tables (cross-tabulations of counts).

Every function takes a table of counts, ``table[i, j]`` = how many units have row category
``i`` and column category ``j``, or a stack of tables of one shape (an array of shape
``(..., r, c)``), and returns plain floats for one table and arrays of the stack's shape for a
stack. Categories are taken in the order given: the ordinal measures read it as the order of
the answers.

- :func:`pearson_chi2` and :func:`likelihood_ratio_g2`: Pearson's :math:`X^2` and the
  likelihood-ratio :math:`G^2` test of independence;
- :func:`fisher_2x2`: Fisher's exact test of a 2×2 table with the sample and the conditional
  maximum-likelihood odds ratio and its exact interval;
- :func:`fisher_exact`: Fisher's exact test of an r×c table, by complete enumeration where the
  number of tables is at most :data:`EXACT_LIMIT`, else a seeded Monte Carlo p-value with its
  standard error;
- :func:`linear_by_linear` (Mantel's :math:`M^2`) and :func:`cochran_armitage`: trend tests
  with scores;
- :func:`goodman_kruskal_gamma` and :func:`kendall_tau_b`: ordinal association with
  asymptotic (ASE1) intervals and the ASE0 test of no association.

Empty rows and columns (a category nobody chose) change none of the statistics; the degrees of
freedom count the categories in use. A table with fewer than two categories in use on a side
has no test: its statistics and p-values are ``nan``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Generic, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from jobhandicap import _options
from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_SEED
from jobhandicap.errors import JobhandicapError
from jobhandicap.stats._core import (
    FloatArray,
    ValueT,
    check_level,
    lazy_module,
    scalar_or_array,
    z_value,
)

if TYPE_CHECKING:
    from scipy import special as _special
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")
    _special = lazy_module("scipy.special")

__all__ = [
    "DEFAULT_DRAWS",
    "EXACT_LIMIT",
    "ChiSquare",
    "ExactTest",
    "FisherTwoByTwo",
    "LinearTrend",
    "OrdinalAssociation",
    "cochran_armitage",
    "fisher_2x2",
    "fisher_exact",
    "goodman_kruskal_gamma",
    "kendall_tau_b",
    "likelihood_ratio_g2",
    "linear_by_linear",
    "pearson_chi2",
]

#: Fisher's r×c test enumerates every table with the observed margins when there are at most
#: this many; above it the p-value is a Monte Carlo estimate.
EXACT_LIMIT: Final = 1_000_000
#: Random tables drawn for a Monte Carlo exact p-value by default.
DEFAULT_DRAWS: Final = 9_999
#: R's tolerance: tables whose probability is at most (1 + 1e-7) times the observed one's
#: count as at least as extreme (rounding must not split tables of equal probability).
_RELATIVE_TOLERANCE: Final = 1e-7
#: Monte Carlo tables are drawn in chunks of this many (memory stays small).
_CHUNK: Final = 100_000

Alternative = Literal["two-sided", "less", "greater"]


class ChiSquare(NamedTuple, Generic[ValueT]):
    """A chi-square test: the statistic, its degrees of freedom and the p-value."""

    statistic: ValueT
    df: ValueT
    p_value: ValueT


class LinearTrend(NamedTuple, Generic[ValueT]):
    """A one-degree-of-freedom trend test: statistic, signed correlation or z, p-value."""

    statistic: ValueT
    z: ValueT
    p_value: ValueT


class OrdinalAssociation(NamedTuple, Generic[ValueT]):
    """An ordinal measure with its ASE1 interval and the ASE0 test of no association."""

    estimate: ValueT
    ci_low: ValueT
    ci_high: ValueT
    se: ValueT
    se_null: ValueT
    z: ValueT
    p_value: ValueT


class FisherTwoByTwo(NamedTuple, Generic[ValueT]):
    """Fisher's test of a 2×2 table with the odds ratios."""

    p_value: ValueT
    odds_ratio: ValueT
    conditional_odds_ratio: ValueT
    ci_low: ValueT
    ci_high: ValueT


class ExactTest(NamedTuple):
    """An exact p-value, its Monte Carlo standard error (0 when enumerated) and the method."""

    p_value: float
    se: float
    method: str


# --------------------------------------------------------------------------------------------
# Checks and shared pieces
# --------------------------------------------------------------------------------------------


def _tables(table: npt.ArrayLike, *, square_2x2: bool = False) -> FloatArray:
    """Check a table (or stack of tables) of counts and return it as float64."""
    try:
        array = np.asarray(table, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            "table must be counts: an array of shape (rows, columns) or a stack of such "
            f"tables, got {type(table).__name__}"
        ) from exc
    if array.ndim < 2 or array.shape[-1] < 2 or array.shape[-2] < 2:
        raise JobhandicapError(
            "table must have at least two rows and two columns (shape (..., r, c) with r, c ≥ "
            f"2), got shape {array.shape}"
        )
    if square_2x2 and array.shape[-2:] != (2, 2):
        raise JobhandicapError(f"fisher_2x2 needs 2×2 tables, got shape {array.shape}")
    bad = ~np.isfinite(array) | (array < 0) | (array != np.floor(array))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise JobhandicapError(
            f"table must hold whole counts of 0 or more; got {array[where]!r} at position {where}"
        )
    return array


def _margins(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    rows = t.sum(axis=-1)
    columns = t.sum(axis=-2)
    return rows, columns, rows.sum(axis=-1)


def _df(rows: FloatArray, columns: FloatArray) -> FloatArray:
    """Degrees of freedom of independence: categories in use on each side, less one, times."""
    used_rows = (rows > 0).sum(axis=-1)
    used_columns = (columns > 0).sum(axis=-1)
    df: FloatArray = ((used_rows - 1) * (used_columns - 1)).astype(np.float64)
    return df


def _expected(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    rows, columns, n = _margins(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = rows[..., :, None] * columns[..., None, :] / n[..., None, None]
    return expected, _df(rows, columns), n


def _chi2_result(statistic: FloatArray, df: FloatArray) -> ChiSquare[Any]:
    statistic = np.where(df > 0, statistic, np.nan)
    p = np.where(df > 0, _sps.chi2.sf(statistic, np.maximum(df, 1.0)), np.nan)
    return ChiSquare(
        scalar_or_array(statistic),
        scalar_or_array(df),
        scalar_or_array(np.asarray(p, dtype=np.float64)),
    )


# --------------------------------------------------------------------------------------------
# Tests of independence
# --------------------------------------------------------------------------------------------


def pearson_chi2(table: npt.ArrayLike) -> ChiSquare[Any]:
    r"""Pearson's chi-square test of independence of the rows and columns of a table.

    Parameters
    ----------
    table
        Counts, shape ``(r, c)`` or a stack ``(..., r, c)``.

    Returns
    -------
    ChiSquare
        ``(statistic, df, p_value)``; ``nan`` statistic and p-value when fewer than two
        categories are in use on a side (``df`` 0).

    Raises
    ------
    JobhandicapError
        When the table is not a table of whole non-negative counts with two rows and columns.

    Notes
    -----
    With expected counts :math:`E_{ij} = n_{i+} n_{+j} / n`,
    :math:`X^2 = \sum_{E_{ij} > 0} (n_{ij} - E_{ij})^2 / E_{ij}` on
    :math:`(r' - 1)(c' - 1)` degrees of freedom, where :math:`r'` and :math:`c'` count the rows
    and columns in use. No continuity correction (R's ``chisq.test(correct = FALSE)``).

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, section 3.2.

    Examples
    --------
    >>> result = pearson_chi2([[34, 12], [8, 28]])
    >>> round(result.statistic, 4), result.df
    (21.5969, 1.0)
    """
    t = _tables(table)
    expected, df, _ = _expected(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(expected > 0, (t - expected) ** 2 / expected, 0.0)
    return _chi2_result(terms.sum(axis=(-2, -1)), df)


def likelihood_ratio_g2(table: npt.ArrayLike) -> ChiSquare[Any]:
    r"""The likelihood-ratio (deviance) test of independence, :math:`G^2`.

    Parameters
    ----------
    table
        Counts, shape ``(r, c)`` or a stack ``(..., r, c)``.

    Returns
    -------
    ChiSquare
        ``(statistic, df, p_value)``, as for :func:`pearson_chi2`.

    Notes
    -----
    :math:`G^2 = 2 \sum_{n_{ij} > 0} n_{ij} \ln(n_{ij} / E_{ij})`, referred to the chi-square
    distribution on the degrees of freedom of :func:`pearson_chi2` (as ``vcd::assocstats``).

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, section 3.2.1.

    Examples
    --------
    >>> result = likelihood_ratio_g2([[34, 12], [8, 28]])
    >>> round(result.statistic, 4)
    22.6838
    """
    t = _tables(table)
    expected, df, _ = _expected(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(t > 0, t * np.log(t / expected), 0.0)
    return _chi2_result(2.0 * terms.sum(axis=(-2, -1)), df)


def fisher_2x2(
    table: npt.ArrayLike,
    *,
    alternative: Alternative = "two-sided",
    level: float = DEFAULT_LEVEL,
) -> FisherTwoByTwo[Any]:
    r"""Fisher's exact test of a 2×2 table, with the sample and conditional odds ratios.

    Parameters
    ----------
    table
        Counts, shape ``(2, 2)`` or a stack ``(..., 2, 2)``: ``[[a, b], [c, d]]``.
    alternative
        ``"two-sided"`` (default), ``"greater"`` (odds ratio above 1) or ``"less"``.
    level
        Confidence level of the exact interval of the conditional odds ratio (always
        two-sided).

    Returns
    -------
    FisherTwoByTwo
        ``(p_value, odds_ratio, conditional_odds_ratio, ci_low, ci_high)``: the sample odds
        ratio :math:`ad/bc` (``inf`` or ``nan`` with zero cells) and the conditional maximum
        likelihood odds ratio with its exact interval.

    Notes
    -----
    Given the margins, :math:`a` is hypergeometric. The two-sided p-value sums the
    probabilities of the tables no more probable than the observed one (relative tolerance
    :math:`10^{-7}`), as R's ``fisher.test``; one-sided p-values are tail sums. The conditional
    MLE and its interval solve the noncentral hypergeometric equations to full precision
    (:func:`scipy.stats.contingency.odds_ratio`); R's ``uniroot`` stops earlier, so R shows
    about 4–5 correct digits of them (METHODS.md, §1.1 note a). A stack is tested table by
    table.

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, section 3.5.

    Examples
    --------
    >>> result = fisher_2x2([[34, 12], [8, 28]])
    >>> f"{result.p_value:.5e}", round(result.odds_ratio, 5)
    ('5.37237e-06', 9.91667)
    """
    t = _tables(table, square_2x2=True)
    check_level(level)
    _options.check_choice("alternative", alternative, ("two-sided", "less", "greater"))
    flat = t.reshape(-1, 2, 2)
    fields = np.full((5, flat.shape[0]), np.nan)
    for k, cells in enumerate(flat):
        counts = cells.astype(np.int64)
        fields[0, k] = _sps.fisher_exact(counts, alternative=alternative).pvalue
        a, b, c, d = counts.reshape(-1).tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            fields[1, k] = np.float64(a * d) / np.float64(b * c)
        if counts.sum(axis=0).all() and counts.sum(axis=1).all():
            result = _sps.contingency.odds_ratio(counts, kind="conditional")
            interval = result.confidence_interval(confidence_level=level)
            fields[2, k] = result.statistic
            fields[3, k], fields[4, k] = interval.low, interval.high
    shaped = [row.reshape(t.shape[:-2]) for row in fields]
    return FisherTwoByTwo(*(scalar_or_array(row) for row in shaped))


def _log_factorials(n: int) -> FloatArray:
    return np.asarray(_special.gammaln(np.arange(n + 1, dtype=np.float64) + 1.0))


def _enumerate(
    rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64], limit: int
) -> FloatArray | None:
    """Σ log n_ij! of every table with these margins, or None when there are over ``limit``."""
    lf = _log_factorials(int(rows.sum()))
    remaining = rows[None, :].copy()
    acc = np.zeros(1)
    r = rows.size
    for total in columns[:-1].tolist():
        left = np.full(remaining.shape[0], total, dtype=np.int64)
        filled = np.zeros_like(remaining)
        tails = np.cumsum(remaining[:, ::-1], axis=1)[:, ::-1]  # Σ_{k ≥ i} remaining_k
        for i in range(r - 1):
            tail = tails[:, i + 1]
            low = np.maximum(0, left - tail)
            high = np.minimum(remaining[:, i], left)
            counts = high - low + 1
            size = int(counts.sum())
            if size > limit:
                return None
            index = np.repeat(np.arange(counts.size), counts)
            starts = np.cumsum(counts) - counts
            x = low[index] + (np.arange(size) - starts[index])
            remaining, filled, left, acc, tails = (
                remaining[index],
                filled[index],
                left[index] - x,
                acc[index] + lf[x],
                tails[index],
            )
            filled[:, i] = x
        filled[:, r - 1] = left
        acc = acc + lf[left]
        remaining = remaining - filled
    sums: FloatArray = acc + lf[remaining].sum(axis=1)
    return sums


def fisher_exact(
    table: npt.ArrayLike,
    *,
    limit: int = EXACT_LIMIT,
    draws: int = DEFAULT_DRAWS,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
) -> ExactTest:
    r"""Fisher's exact test of independence of an r×c table (Fisher–Freeman–Halton).

    Parameters
    ----------
    table
        Counts, shape ``(r, c)``.
    limit
        Enumerate every table with the observed margins when there are at most this many
        (:data:`EXACT_LIMIT`); above it, estimate the p-value by Monte Carlo.
    draws
        Random tables of the Monte Carlo estimate.
    seed
        Source of the random tables: an int, a Generator or ``None`` (fresh entropy).

    Returns
    -------
    ExactTest
        ``(p_value, se, method)``: ``method`` is ``"exact"`` (complete enumeration; ``se`` 0)
        or ``"monte carlo"`` (``se`` the Monte Carlo standard error).

    Raises
    ------
    JobhandicapError
        When the table is not one table of whole non-negative counts.
    OptionError, ArgumentTypeError
        For a bad ``limit``, ``draws`` or ``seed``.

    Notes
    -----
    Given the margins, a table has probability
    :math:`P(T) = \prod_i n_{i+}! \prod_j n_{+j}! / (n! \prod_{ij} n_{ij}!)`. The p-value is
    the total probability of the tables with :math:`P(T) \le P(T_{obs})(1 + 10^{-7})`, the
    convention of R's ``fisher.test``. Exact: every table with the observed margins is
    enumerated, column by column, vectorised (no network algorithm; the enumeration stops
    as soon as more than ``limit`` tables would be needed, so its cost is bounded). A 3×3
    table of 82 has 28 005 tables; a 5×5 table of 82 has far more than the limit. Monte Carlo
    (as R's ``simulate.p.value``): :math:`B` = ``draws`` tables with the observed margins
    (Patefield's algorithm, :func:`scipy.stats.random_table`), :math:`k` of them at least as
    extreme, :math:`\hat p = (k + 1)/(B + 1)` and
    :math:`\mathrm{se} = \sqrt{\hat p (1 - \hat p)/B}`. A 2×2 table is enumerated and gives
    :func:`fisher_2x2`'s two-sided p-value. Empty rows and columns are dropped first; with one
    row or column left the p-value is 1. ``scipy.stats.fisher_exact`` on an r×c table returns
    a Monte Carlo p-value (METHODS.md, §1.1 note b).

    References
    ----------
    Mehta, C. R. and Patel, N. R. (1983). A network algorithm for performing Fisher's exact
    test in r×c contingency tables. *JASA* 78, 427–434. Patefield, W. M. (1981). An efficient
    method of generating random r×c tables with given row and column totals. *Applied
    Statistics* 30, 91–97.

    Examples
    --------
    >>> result = fisher_exact([[12, 4, 1], [4, 8, 7], [3, 9, 34]])
    >>> f"{result.p_value:.5e}", result.method
    ('1.17345e-07', 'exact')
    """
    t = _tables(table)
    if t.ndim != 2:
        raise JobhandicapError(f"fisher_exact tests one table at a time, got shape {t.shape}")
    limit = _options.check_count(limit, "limit", minimum=1)
    draws = _options.check_count(draws, "draws", minimum=1)
    rng = _options.generator(seed)
    counts = t.astype(np.int64)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return ExactTest(1.0, 0.0, "exact")
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T  # fewer rows: fewer partial tables while enumerating
    rows, columns = counts.sum(axis=1), counts.sum(axis=0)
    n = int(rows.sum())
    lf = _log_factorials(n)
    observed = float(lf[counts].sum())
    constant = float(lf[rows].sum() + lf[columns].sum() - lf[n])
    # P(T) ≤ P(obs)(1 + tol) ⇔ Σ log n_ij! ≥ observed − log(1 + tol).
    threshold = observed - np.log1p(_RELATIVE_TOLERANCE)
    sums = _enumerate(rows, columns, limit)
    if sums is not None:
        extreme = sums >= threshold
        p = float(np.exp(constant - sums[extreme]).sum())
        return ExactTest(min(p, 1.0), 0.0, "exact")
    sampler = _sps.random_table(rows, columns, seed=rng)
    hits = 0
    done = 0
    while done < draws:
        size = min(_CHUNK, draws - done)
        drawn = sampler.rvs(size=size).astype(np.int64)
        hits += int((lf[drawn].sum(axis=(1, 2)) >= threshold).sum())
        done += size
    p = (hits + 1.0) / (draws + 1.0)
    return ExactTest(p, float(np.sqrt(p * (1.0 - p) / draws)), "monte carlo")


# --------------------------------------------------------------------------------------------
# Trend tests
# --------------------------------------------------------------------------------------------


def _scores(scores: npt.ArrayLike | None, size: int, name: str) -> FloatArray:
    if scores is None:
        return np.arange(1.0, size + 1.0)
    values = np.asarray(scores, dtype=np.float64)
    if values.shape != (size,) or not np.isfinite(values).all():
        raise JobhandicapError(
            f"{name} must be {size} finite numbers, one per category; got {values.tolist()!r}"
        )
    return values


def linear_by_linear(
    table: npt.ArrayLike,
    *,
    row_scores: npt.ArrayLike | None = None,
    column_scores: npt.ArrayLike | None = None,
) -> LinearTrend[Any]:
    r"""Mantel's linear-by-linear association test, :math:`M^2 = (n - 1) r^2`.

    Parameters
    ----------
    table
        Counts, shape ``(r, c)`` or a stack ``(..., r, c)``.
    row_scores, column_scores
        Scores of the categories; ``1, 2, …`` by default (the Likert codes of the answers).

    Returns
    -------
    LinearTrend
        ``(statistic, z, p_value)``: :math:`M^2`, its signed root
        :math:`z = \sqrt{n - 1}\, r` and the p-value on one degree of freedom; ``nan`` when
        the scores of the rows or columns in use do not vary.

    Notes
    -----
    :math:`r` is the Pearson correlation of the row and column scores over the :math:`n`
    units. This is ``vcdExtra::CMHtest``'s "cor" statistic and ``coin::lbl_test``'s
    :math:`Z^2` (the permutation variance, with :math:`n - 1`); statsmodels'
    ``Table.test_ordinal_association`` agrees only with ``shift_zeros=False`` (METHODS.md,
    §1.3).

    References
    ----------
    Mantel, N. (1963). Chi-square tests with one degree of freedom. *JASA* 58, 690–700.
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, section 3.4.

    Examples
    --------
    >>> result = linear_by_linear([[34, 12], [8, 28]], row_scores=[2, 1], column_scores=[2, 1])
    >>> round(result.statistic, 4)
    21.3335
    """
    t = _tables(table)
    u = _scores(row_scores, t.shape[-2], "row_scores")
    v = _scores(column_scores, t.shape[-1], "column_scores")
    rows, columns, n = _margins(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_u = (rows * u).sum(axis=-1) / n
        mean_v = (columns * v).sum(axis=-1) / n
        du = u - mean_u[..., None]
        dv = v - mean_v[..., None]
        covariance = (t * du[..., :, None] * dv[..., None, :]).sum(axis=(-2, -1))
        var_u = (rows * du**2).sum(axis=-1)
        var_v = (columns * dv**2).sum(axis=-1)
        r = covariance / np.sqrt(var_u * var_v)
    r = np.where((var_u > 0) & (var_v > 0), r, np.nan)
    z = np.sqrt(n - 1.0) * r
    p = 2.0 * _sps.norm.sf(np.abs(z))
    return LinearTrend(
        scalar_or_array(z**2), scalar_or_array(z), scalar_or_array(np.asarray(p, dtype=np.float64))
    )


def cochran_armitage(
    successes: npt.ArrayLike, totals: npt.ArrayLike, *, scores: npt.ArrayLike | None = None
) -> LinearTrend[Any]:
    r"""The Cochran–Armitage test for a trend in proportions over ordered groups.

    Parameters
    ----------
    successes, totals
        Per group (last axis), the successes :math:`x_k` and the group size :math:`n_k`.
    scores
        Scores :math:`s_k` of the groups; ``1, 2, …`` by default.

    Returns
    -------
    LinearTrend
        ``(statistic, z, p_value)``: :math:`Z^2`, :math:`Z` and the two-sided p-value.

    Notes
    -----
    With :math:`N = \sum n_k` and :math:`\bar p = \sum x_k / N`,
    :math:`Z = \sum s_k (x_k - n_k \bar p) / \sqrt{\bar p (1 - \bar p) [\sum n_k s_k^2 -
    (\sum n_k s_k)^2 / N]}`: the binomial variance with :math:`N`, as R's
    ``prop.trend.test`` and DescTools. The permutation version (``coin``, and
    :func:`linear_by_linear` of the 2×k table) is :math:`(N - 1)/N \cdot Z^2` (METHODS.md,
    §1.3).

    References
    ----------
    Armitage, P. (1955). Tests for linear trends in proportions and frequencies.
    *Biometrics* 11, 375–386.

    Examples
    --------
    >>> result = cochran_armitage([0, 3, 9, 19, 15], [6, 13, 21, 25, 17])
    >>> round(result.z, 5)
    5.03991
    """
    x = np.asarray(successes, dtype=np.float64)
    total = np.asarray(totals, dtype=np.float64)
    if x.shape != total.shape or x.ndim < 1:
        raise JobhandicapError(
            f"successes and totals must have one shape (groups on the last axis); got "
            f"{x.shape} and {total.shape}"
        )
    _tables(np.stack([x, total - x], axis=-2))  # whole, non-negative, successes ≤ totals
    s = _scores(scores, x.shape[-1], "scores")
    big_n = total.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_bar = x.sum(axis=-1) / big_n
        numerator = (s * (x - total * p_bar[..., None])).sum(axis=-1)
        spread = (total * s**2).sum(axis=-1) - (total * s).sum(axis=-1) ** 2 / big_n
        z = numerator / np.sqrt(p_bar * (1.0 - p_bar) * spread)
    p = 2.0 * _sps.norm.sf(np.abs(z))
    return LinearTrend(
        scalar_or_array(z**2), scalar_or_array(z), scalar_or_array(np.asarray(p, dtype=np.float64))
    )


# --------------------------------------------------------------------------------------------
# Ordinal association
# --------------------------------------------------------------------------------------------


def _exclusive_cumsum(x: FloatArray, axis: int, reverse: bool = False) -> FloatArray:
    """Σ of the entries strictly before (or, reversed, strictly after) each along ``axis``."""
    if reverse:
        x = np.flip(x, axis=axis)
    inclusive = np.cumsum(x, axis=axis)
    out = inclusive - x
    return np.flip(out, axis=axis) if reverse else out


def _pairs(t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """A_ij and D_ij: the counts of the cells concordant and discordant with cell (i, j)."""
    above = _exclusive_cumsum(t, -2)
    below = _exclusive_cumsum(t, -2, reverse=True)
    concordant = _exclusive_cumsum(above, -1) + _exclusive_cumsum(below, -1, reverse=True)
    discordant = _exclusive_cumsum(above, -1, reverse=True) + _exclusive_cumsum(below, -1)
    return concordant, discordant


def _ordinal(
    t: FloatArray, kind: Literal["gamma", "tau_b"], level: float
) -> OrdinalAssociation[Any]:
    z_level = z_value(check_level(level))
    a, d = _pairs(t)
    p = (t * a).sum(axis=(-2, -1))
    q = (t * d).sum(axis=(-2, -1))
    rows, columns, n = _margins(t)
    dd = a - d
    with np.errstate(invalid="ignore", divide="ignore"):
        null_spread = np.sqrt(np.maximum((t * dd**2).sum(axis=(-2, -1)) - (p - q) ** 2 / n, 0.0))
        if kind == "gamma":
            estimate = (p - q) / (p + q)
            inner = (t * (q[..., None, None] * a - p[..., None, None] * d) ** 2).sum(axis=(-2, -1))
            se = 4.0 / (p + q) ** 2 * np.sqrt(inner)
            se_null = 2.0 / (p + q) * null_spread
        else:
            w_r = n**2 - (rows**2).sum(axis=-1)
            w_c = n**2 - (columns**2).sum(axis=-1)
            w = np.sqrt(w_r * w_c)
            estimate = (p - q) / w
            v = (
                rows[..., :, None] * w_c[..., None, None]
                + columns[..., None, :] * (w_r[..., None, None])
            )
            inner = (t * (2.0 * w[..., None, None] * dd + estimate[..., None, None] * v) ** 2).sum(
                axis=(-2, -1)
            ) - n**3 * estimate**2 * (w_r + w_c) ** 2
            se = np.sqrt(np.maximum(inner, 0.0)) / w**2
            se_null = 2.0 / w * null_spread
        z = estimate / se_null
    defined = np.isfinite(estimate)
    estimate = np.where(defined, estimate, np.nan)
    z = np.where(defined & (se_null > 0), z, np.nan)
    low = np.clip(estimate - z_level * se, -1.0, 1.0)
    high = np.clip(estimate + z_level * se, -1.0, 1.0)
    p_value = np.asarray(2.0 * _sps.norm.sf(np.abs(z)), dtype=np.float64)
    return OrdinalAssociation(*(scalar_or_array(np.asarray(f, dtype=np.float64)) for f in (
        estimate, low, high, se, se_null, z, p_value
    )))  # fmt: skip


def goodman_kruskal_gamma(
    table: npt.ArrayLike, *, level: float = DEFAULT_LEVEL
) -> OrdinalAssociation[Any]:
    r"""Goodman and Kruskal's :math:`\gamma` with its asymptotic interval and test.

    Parameters
    ----------
    table
        Counts, shape ``(r, c)`` or a stack ``(..., r, c)``, categories in their order.
    level
        Confidence level of the interval.

    Returns
    -------
    OrdinalAssociation
        ``(estimate, ci_low, ci_high, se, se_null, z, p_value)``: :math:`\gamma`, its
        interval :math:`\gamma \pm z \cdot \mathrm{ASE1}` (clipped to [−1, 1]), ASE1, ASE0,
        :math:`z = \gamma / \mathrm{ASE0}` and its two-sided p-value. ``nan`` when no pair of
        units is concordant or discordant.

    Notes
    -----
    With :math:`A_{ij}` (:math:`D_{ij}`) the units in cells concordant (discordant) with cell
    :math:`(i, j)`, :math:`P = \sum n_{ij} A_{ij}`, :math:`Q = \sum n_{ij} D_{ij}` and
    :math:`d_{ij} = A_{ij} - D_{ij}`: :math:`\gamma = (P - Q)/(P + Q)`,

    .. math::

        \mathrm{ASE1} = \frac{4}{(P + Q)^2}\sqrt{\textstyle\sum n_{ij}(Q A_{ij} - P D_{ij})^2},
        \qquad
        \mathrm{ASE0} = \frac{2}{P + Q}\sqrt{\textstyle\sum n_{ij} d_{ij}^2 - (P - Q)^2/n}.

    ASE1 is the delta-method standard error (``vcdExtra::GKgamma``); the test uses ASE0, the
    standard error under independence (SAS PROC FREQ), and gives the same :math:`z` as
    :func:`kendall_tau_b`.

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, pp. 57–59.

    Examples
    --------
    >>> table = [[3, 2, 1, 0, 0], [2, 5, 3, 1, 0], [1, 3, 8, 5, 2], [0, 2, 6, 12, 5],
    ...          [0, 1, 3, 7, 10]]
    >>> result = goodman_kruskal_gamma(table)
    >>> round(result.estimate, 6), round(result.se, 7)
    (0.683236, 0.0758202)
    """
    return _ordinal(_tables(table), "gamma", level)


def kendall_tau_b(
    table: npt.ArrayLike, *, level: float = DEFAULT_LEVEL
) -> OrdinalAssociation[Any]:
    r"""Kendall's :math:`\tau_b` with its asymptotic interval and test.

    Parameters
    ----------
    table
        Counts, shape ``(r, c)`` or a stack ``(..., r, c)``, categories in their order.
    level
        Confidence level of the interval.

    Returns
    -------
    OrdinalAssociation
        ``(estimate, ci_low, ci_high, se, se_null, z, p_value)`` as for
        :func:`goodman_kruskal_gamma`, for :math:`\tau_b`.

    Notes
    -----
    With :math:`P, Q, A_{ij}, D_{ij}, d_{ij}` as for :func:`goodman_kruskal_gamma`,
    :math:`w_r = n^2 - \sum n_{i+}^2`, :math:`w_c = n^2 - \sum n_{+j}^2`,
    :math:`w = \sqrt{w_r w_c}` and :math:`v_{ij} = n_{i+} w_c + n_{+j} w_r`:
    :math:`\tau_b = (P - Q)/w`,

    .. math::

        \mathrm{ASE1} = \frac{1}{w^2}\sqrt{\textstyle\sum n_{ij}(2 w d_{ij} + \tau_b v_{ij})^2
        - n^3 \tau_b^2 (w_r + w_c)^2},\qquad
        \mathrm{ASE0} = \frac{2}{w}\sqrt{\textstyle\sum n_{ij} d_{ij}^2 - (P - Q)^2/n}.

    ASE1 is the SAS/Agresti delta method, symmetric in rows and columns (DescTools'
    ``KendallTauB`` gives another, asymmetric value; METHODS.md §1.2). **The test** is the
    ASE0 test, :math:`z = \tau_b/\mathrm{ASE0}` (SAS PROC FREQ), not the classical Kendall
    test with the tie-corrected permutation variance of R's ``cor.test(method = "kendall")``
    and ``scipy.stats.kendalltau``, which gives a smaller :math:`z` on tied data.

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, pp. 57–60. SAS Institute,
    *PROC FREQ: Statistical computations, Measures of association*.

    Examples
    --------
    >>> table = [[3, 2, 1, 0, 0], [2, 5, 3, 1, 0], [1, 3, 8, 5, 2], [0, 2, 6, 12, 5],
    ...          [0, 1, 3, 7, 10]]
    >>> result = kendall_tau_b(table)
    >>> round(result.estimate, 6), round(result.se, 7), round(result.z, 5)
    (0.544256, 0.0685794, 7.46242)
    """
    return _ordinal(_tables(table), "tau_b", level)
