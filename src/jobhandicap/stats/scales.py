"""Reliability of multi-item scales and intervals for correlations.

Item data are respondents × items (a 2-D array or a data frame of numeric columns); rows with a
missing item are left out (listwise deletion) before anything is computed. Functions of a
covariance or correlation matrix are given too, for users who only have the matrix.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, TypeAlias, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import DataQualityWarning, JobhandicapError, SmallSampleWarning
from jobhandicap.stats._core import (
    Estimate,
    FloatArray,
    Scalar,
    check_level,
    lazy_module,
    z_value,
)
from jobhandicap.stats.proportions import (
    broadcast_shape,
    describe_positions,
    first_value,
    is_scalar,
    scalar_or_arrays,
    to_float,
)

if TYPE_CHECKING:
    from scipy import optimize as _opt
    from scipy import stats as _sps
else:
    _opt = lazy_module("scipy.optimize")
    _sps = lazy_module("scipy.stats")

__all__ = [
    "cronbach_alpha",
    "cronbach_alpha_from_covariance",
    "fisher_interval",
    "mcdonald_omega",
    "mcdonald_omega_from_correlation",
    "standardised_alpha",
]

#: Bounds of the uniquenesses in the one-factor maximum-likelihood fit (as R's ``factanal``).
_PSI_BOUNDS = (0.005, 1.0)

#: Relative tolerance for symmetry of a covariance or correlation matrix.
_SYMMETRY_TOLERANCE = 1e-8


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


#: Relative size below which the variance of a (standardised) total counts as zero: rounding
#: leaves about this much of a variance that is zero in exact arithmetic.
_ZERO_VARIANCE = float(np.sqrt(np.finfo(np.float64).eps))


#: Respondents × items (or a square matrix of the items): a data frame of numeric columns or
#: anything :func:`numpy.asarray` turns into a 2-D array of numbers.
ItemTable: TypeAlias = pd.DataFrame | npt.ArrayLike


def _item_matrix(items: ItemTable, *, minimum_items: int = 2) -> tuple[FloatArray, list[str]]:
    """Respondents × items as float64, listwise complete, and how to name each item.

    Errors name the offending column. Items are named ``'q1'`` (quoted column name) for a
    data frame, ``column 0`` (position) otherwise.
    """
    if isinstance(items, pd.DataFrame):
        for column in items.columns:
            dtype = items[column].dtype
            if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
                raise JobhandicapError(
                    f"item column {column!r} has dtype {dtype}; items must be numeric "
                    "(scores such as Likert codes 1-5)"
                )
        matrix = items.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        matrix, _ = to_float(items, "items")
    if matrix.ndim != 2:
        raise JobhandicapError(
            f"items must be a 2-D table (respondents × items), got an array of shape "
            f"{matrix.shape}"
        )
    if matrix.shape[1] < minimum_items:
        raise JobhandicapError(
            f"a scale needs at least {minimum_items} items (columns), got {matrix.shape[1]}"
        )
    if np.isinf(matrix).any():
        raise JobhandicapError("items contain infinite values; give finite scores or NaN")
    complete = ~np.isnan(matrix).any(axis=1)
    rows: FloatArray = matrix[complete]
    return rows, _item_names(items, matrix.shape[1])


def _item_names(table: ItemTable, k: int) -> list[str]:
    """How messages name the items: the quoted column name of a frame, else the position."""
    if isinstance(table, pd.DataFrame):
        return [repr(str(column)) for column in table.columns]
    return [f"column {i}" for i in range(k)]


def _listed(names: list[str], positions: Any) -> str:
    """``item 'q1'`` or ``items 'q1', 'q3'``."""
    chosen = [names[int(i)] for i in positions]
    return f"item{'s' if len(chosen) > 1 else ''} {', '.join(chosen)}"


def _warn_constant(names: list[str], constant: Any, n: int) -> None:
    """Warn that items are constant over the complete rows: they add nothing to a scale."""
    if len(constant) == 0:
        return
    warnings.warn(
        f"{_listed(names, constant)} {'is' if len(constant) == 1 else 'are'} constant over "
        f"the {n} complete rows (every respondent gave the same answer): a constant item adds "
        "nothing to the scale but still counts among its k items, which shrinks alpha "
        "toward 0; check the item (a coding error, or a question nobody disagreed with) or "
        "leave it out",
        DataQualityWarning,
        stacklevel=3,
    )


def _square_matrix(matrix: ItemTable, name: str, *, minimum: int) -> FloatArray:
    """Check a covariance or correlation matrix: square, finite, symmetric, positive diagonal."""
    if isinstance(matrix, pd.DataFrame):
        matrix = matrix.to_numpy(dtype=np.float64, na_value=np.nan)
    array, _ = to_float(matrix, name)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise JobhandicapError(f"{name} must be a square matrix, got shape {array.shape}")
    if array.shape[0] < minimum:
        raise JobhandicapError(
            f"{name} must describe at least {minimum} items, got {array.shape[0]}"
        )
    if not np.isfinite(array).all():
        raise JobhandicapError(f"{name} contains missing or infinite values")
    scale = np.abs(array).max()
    if not np.allclose(array, array.T, rtol=0.0, atol=_SYMMETRY_TOLERANCE * scale):
        raise JobhandicapError(f"{name} must be symmetric")
    if (np.diag(array) <= 0).any():
        raise JobhandicapError(
            f"{name} must have positive variances on its diagonal, got {np.diag(array)!r}"
        )
    return (array + array.T) / 2.0


def _warn(message: str) -> None:
    warnings.warn(message, SmallSampleWarning, stacklevel=3)


# --------------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------------


def cronbach_alpha(items: ItemTable, *, level: float = 0.95) -> Estimate[float]:
    r"""Cronbach's α of a scale with Feldt's confidence interval.

    Parameters
    ----------
    items
        Respondents × items: a 2-D array-like or a data frame of numeric columns. Rows with a
        missing item are left out (listwise deletion).
    level
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    Estimate
        ``(estimate, ci_low, ci_high)`` as floats; ``nan`` when fewer than 2 complete rows.

    Raises
    ------
    JobhandicapError
        If ``items`` is not a 2-D numeric table, has fewer than 2 items, or the total score
        has no variance (every respondent has the same total) — or a variance that is zero
        but for rounding, below :math:`\sqrt{\epsilon}` times the sum of the item variances.

    Warns
    -----
    SmallSampleWarning
        When fewer than 2 rows are complete.
    DataQualityWarning
        When an item is constant over the complete rows, naming it: it adds nothing to the
        scale but counts among the :math:`k` items.

    Notes
    -----
    With :math:`k` items, item variances :math:`\sigma_i^2` and total-score variance
    :math:`\sigma_T^2` (all with :math:`n - 1` in the denominator, over the :math:`n` complete
    rows), :math:`\alpha = \frac{k}{k-1}\bigl(1 - \sum_i \sigma_i^2/\sigma_T^2\bigr)`.
    Feldt's interval treats :math:`(1-\alpha)/(1-\hat\alpha)` as
    :math:`F(n-1, (n-1)(k-1))`:

    .. math::

        \bigl[1 - (1-\hat\alpha)F^{-1}(1 - a/2),\; 1 - (1-\hat\alpha)F^{-1}(a/2)\bigr],
        \quad a = 1 - \text{level}.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. *Psychometrika* 30, 357–370.

    Examples
    --------
    >>> items = [[4, 4, 3, 5], [5, 4, 5, 4], [3, 3, 2, 3], [4, 5, 4, 4], [2, 2, 1, 2],
    ...          [5, 5, 4, 5], [4, 3, 4, 4], [3, 3, 2, 3], [4, 4, 3, 5], [5, 4, 5, 4]]
    >>> est = cronbach_alpha(items)
    >>> round(est.estimate, 6), round(est.ci_low, 6), round(est.ci_high, 6)
    (0.920354, 0.790463, 0.97778)
    """
    a = 1.0 - check_level(level)
    matrix, names = _item_matrix(items)
    n, k = matrix.shape
    if n < 2:
        _warn(f"Cronbach's alpha needs at least 2 complete rows, got {n}; returning NaN")
        return Estimate(np.nan, np.nan, np.nan)
    variances = matrix.var(axis=0, ddof=1)
    item_variance = variances.sum()
    total_variance = matrix.sum(axis=1).var(ddof=1)
    if not total_variance > _ZERO_VARIANCE * item_variance:
        raise JobhandicapError(
            f"the total score has (next to) zero variance over the {n} complete rows (every "
            "respondent has the same total, or the items cancel out); alpha is undefined. It "
            "needs totals that vary: check for a reverse-worded item that was not reverse-coded"
        )
    _warn_constant(names, np.flatnonzero(~(variances > 0)), n)
    alpha = k / (k - 1) * (1.0 - item_variance / total_variance)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * float(_sps.f.ppf(1.0 - a / 2.0, df1, df2))
    high = 1.0 - (1.0 - alpha) * float(_sps.f.ppf(a / 2.0, df1, df2))
    return Estimate(float(alpha), float(low), float(high))


def cronbach_alpha_from_covariance(cov: ItemTable) -> float:
    r"""Cronbach's α from a covariance (or correlation) matrix of the items.

    Parameters
    ----------
    cov
        A square, symmetric :math:`k \times k` covariance or correlation matrix
        (:math:`k \ge 2`); array-like or data frame.

    Returns
    -------
    float
        :math:`\alpha`; from a correlation matrix this is the standardised α.

    Raises
    ------
    JobhandicapError
        If the matrix is not square and symmetric with a positive diagonal, has fewer than 2
        items, or its entries sum to zero or less.

    Notes
    -----
    :math:`\alpha = \frac{k}{k-1}\bigl(1 - \operatorname{tr}C / \mathbf 1^\top C \mathbf 1\bigr)`:
    the sum of the item variances over the variance of the total.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334.

    Examples
    --------
    >>> import numpy as np
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> implied = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    >>> round(cronbach_alpha_from_covariance(implied), 6)
    0.742055
    """
    matrix = _square_matrix(cov, "cov", minimum=2)
    k = matrix.shape[0]
    total = matrix.sum()
    if not total > _ZERO_VARIANCE * np.trace(matrix):
        raise JobhandicapError(
            "the entries of the covariance matrix sum to zero or less (the total score would "
            "have no variance); alpha is undefined. It needs a positive total variance: check "
            "for a reverse-worded item that was not reverse-coded"
        )
    return float(k / (k - 1) * (1.0 - np.trace(matrix) / total))


def standardised_alpha(items: ItemTable) -> float:
    r"""Standardised Cronbach's α: α of the items' correlation matrix.

    Parameters
    ----------
    items
        Respondents × items (2-D array-like or data frame), listwise complete rows used.

    Returns
    -------
    float
        The standardised α; ``nan`` (with a warning) when fewer than 2 rows are complete.

    Raises
    ------
    JobhandicapError
        If ``items`` is not a 2-D numeric table, has fewer than 2 items, an item is constant
        (its correlations are undefined), or the mean inter-item correlation is at or below
        :math:`-1/(k-1)` (the sum of the standardised items has no variance, up to rounding).

    Warns
    -----
    SmallSampleWarning
        When fewer than 2 rows are complete.

    Notes
    -----
    With :math:`\bar r` the mean of the :math:`k(k-1)` off-diagonal correlations,
    :math:`\alpha_{\text{std}} = k\bar r / (1 + (k-1)\bar r)`. The denominator is the
    variance of the sum of the standardised items over :math:`k`; it is defined only when
    :math:`\bar r > -1/(k-1)`, and :math:`\bar r \ge -1/(k-1)` always holds for a
    correlation matrix, so the boundary (for example two items correlating :math:`-1`) is
    refused rather than returned as :math:`-\infty`.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334.

    Examples
    --------
    >>> items = [[4, 4, 3, 5], [5, 4, 5, 4], [3, 3, 2, 3], [4, 5, 4, 4], [2, 2, 1, 2],
    ...          [5, 5, 4, 5], [4, 3, 4, 4], [3, 3, 2, 3], [4, 4, 3, 5], [5, 4, 5, 4]]
    >>> round(standardised_alpha(items), 6)
    0.929239
    """
    matrix, names = _item_matrix(items)
    n, k = matrix.shape
    if n < 2:
        _warn(f"standardised alpha needs at least 2 complete rows, got {n}; returning NaN")
        return float("nan")
    corr = _correlation(matrix, names)
    mean_r = (corr.sum() - k) / (k * (k - 1))
    if not corr.sum() > _ZERO_VARIANCE * k:
        raise JobhandicapError(
            f"standardised alpha is undefined for these {k} items: their mean inter-item "
            f"correlation {mean_r:.6g} is at or below -1/(k - 1) = {-1.0 / (k - 1):.6g}, so the "
            "sum of the standardised items has no variance. It is defined when the mean "
            "correlation is above -1/(k - 1); check for a reverse-worded item that was not "
            "reverse-coded"
        )
    return float(k * mean_r / (1.0 + (k - 1) * mean_r))


def _correlation(matrix: FloatArray, names: list[str]) -> FloatArray:
    """Correlation matrix of complete item data; a constant item is an error naming it."""
    sd = matrix.std(axis=0, ddof=1)
    constant = np.flatnonzero(~(sd > 0))
    if constant.size:
        raise JobhandicapError(
            f"{_listed(names, constant)} {'is' if constant.size == 1 else 'are'} constant over "
            f"the {matrix.shape[0]} complete rows (every respondent gave the same answer); "
            "correlations with a constant item are undefined: leave it out"
        )
    corr = np.asarray(np.corrcoef(matrix, rowvar=False), dtype=np.float64)
    return corr


# --------------------------------------------------------------------------------------------
# McDonald's omega
# --------------------------------------------------------------------------------------------


def _one_factor_discrepancy(psi: FloatArray, corr: FloatArray) -> float:
    """ML discrepancy of the one-factor model, concentrated over the loadings."""
    scale = 1.0 / np.sqrt(psi)
    theta = np.linalg.eigvalsh(corr * np.outer(scale, scale))[:-1]
    return float(np.sum(theta - np.log(theta) - 1.0))


def _one_factor_gradient(psi: FloatArray, corr: FloatArray) -> FloatArray:
    """Gradient of :func:`_one_factor_discrepancy` with respect to the uniquenesses."""
    loadings = _loadings_given_psi(psi, corr)
    gradient: FloatArray = (loadings**2 + psi - np.diag(corr)) / psi**2
    return gradient


def _loadings_given_psi(psi: FloatArray, corr: FloatArray) -> FloatArray:
    """ML loadings for fixed uniquenesses (Jöreskog 1967)."""
    root = np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr / np.outer(root, root))
    loadings: FloatArray = root * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    return loadings if loadings.sum() >= 0 else -loadings


def _fit_one_factor(corr: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Fit the one-factor model by maximum likelihood; return loadings and uniquenesses."""
    p = corr.shape[0]
    start = np.clip((1.0 - 0.5 / p) / np.diag(np.linalg.inv(corr)), *_PSI_BOUNDS)
    result = _opt.minimize(
        _one_factor_discrepancy,
        start,
        args=(corr,),
        jac=_one_factor_gradient,
        method="TNC",
        bounds=[_PSI_BOUNDS] * p,
        options={"ftol": 1e-15, "gtol": 1e-12, "xtol": 1e-12, "maxfun": 100 * p},
    )
    psi = np.asarray(result.x, dtype=np.float64)
    return _loadings_given_psi(psi, corr), psi


def mcdonald_omega_from_correlation(corr: ItemTable) -> float:
    r"""McDonald's ω (total) from a correlation matrix, by a one-factor ML fit.

    Parameters
    ----------
    corr
        A square, symmetric, positive-definite correlation matrix of at least 3 items. A
        covariance matrix is accepted too and rescaled to correlations first.

    Returns
    -------
    float
        :math:`\omega`.

    Raises
    ------
    JobhandicapError
        If the matrix is not square and symmetric with a positive diagonal, is not positive
        definite, or has fewer than 3 items (a one-factor model of 2 items is not
        identified).

    Warns
    -----
    DataQualityWarning
        When an item loads negatively on the common factor (the loadings are oriented so
        that they sum to a positive number), naming it (by column name when ``corr`` is a
        data frame, else by position) and its loading: usually a reverse-worded item that
        was not reverse-coded.

    Notes
    -----
    The one-factor model :math:`\Sigma = \lambda\lambda^\top + \operatorname{diag}(\psi)` is
    fitted to the correlation matrix :math:`S` by maximum likelihood, minimising the
    discrepancy

    .. math::

        F(\lambda, \psi) = \log|\Sigma| + \operatorname{tr}(S\Sigma^{-1}) - \log|S| - p.

    As in R's ``factanal``, the loadings are concentrated out: for fixed :math:`\psi` the
    optimal :math:`\lambda = \psi^{1/2} u \sqrt{\max(\theta - 1, 0)}` with :math:`\theta, u`
    the largest eigenvalue and its eigenvector of :math:`\psi^{-1/2} S \psi^{-1/2}`, and then
    :math:`F = \sum_{j \ge 2} (\theta_j - \log\theta_j - 1)` over the other eigenvalues. This
    is minimised over the uniquenesses :math:`\psi_i \in [0.005, 1]` by a bounded truncated
    Newton method (scipy's ``TNC``) with the analytic gradient
    :math:`\partial F/\partial\psi_i = (\lambda_i^2 + \psi_i - S_{ii})/\psi_i^2`, starting
    from :math:`\psi_i = (1 - 1/2p)/(S^{-1})_{ii}`. Then

    .. math::

        \omega = \frac{(\sum_i \lambda_i)^2}{(\sum_i \lambda_i)^2 + \sum_i \psi_i}.

    On the implied matrix of a one-factor (congeneric) model the fit is exact and
    :math:`\omega \ge \alpha`, with equality for equal loadings.

    References
    ----------
    McDonald, R. P. (1999). *Test theory: a unified treatment*. Mahwah, NJ: Erlbaum.
    Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
    *Psychometrika* 32, 443–482.

    Examples
    --------
    >>> import numpy as np
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> implied = np.outer(loadings, loadings) + np.diag(1 - loadings**2)
    >>> round(mcdonald_omega_from_correlation(implied), 6)
    0.749446
    """
    matrix = _square_matrix(corr, "corr", minimum=3)
    return _omega(matrix, _item_names(corr, matrix.shape[0]))


def _omega(matrix: FloatArray, names: list[str]) -> float:
    """ω of a checked covariance or correlation matrix; warn of negative loadings."""
    sd = np.sqrt(np.diag(matrix))
    matrix = matrix / np.outer(sd, sd)
    if np.linalg.eigvalsh(matrix)[0] <= 1e-12:
        raise JobhandicapError(
            "corr is not positive definite (some item is a linear combination of others, or "
            "the matrix is not a correlation matrix); the one-factor ML fit needs a "
            "positive-definite matrix"
        )
    loadings, psi = _fit_one_factor(matrix)
    negative = np.flatnonzero(loadings < 0)
    if negative.size:
        shown = ", ".join(f"{names[i]} ({loadings[i]:.3f})" for i in negative)
        warnings.warn(
            f"{'items load' if negative.size > 1 else 'item loads'} negatively on the common "
            f"factor: {shown}. Such an item measures the opposite of the others, and omega "
            "counts it against the scale; it is usually a reverse-worded item that was not "
            "reverse-coded (for a staff scale, declare it in Scale(reversed=...))",
            DataQualityWarning,
            stacklevel=3,
        )
    common = loadings.sum() ** 2
    return float(common / (common + psi.sum()))


def mcdonald_omega(items: ItemTable) -> float:
    r"""McDonald's ω (total) of a scale from item data, by a one-factor ML fit.

    Parameters
    ----------
    items
        Respondents × items (2-D array-like or data frame, at least 3 items); rows with a
        missing item are left out.

    Returns
    -------
    float
        :math:`\omega`; ``nan`` (with a warning) when fewer than 3 rows are complete.

    Raises
    ------
    JobhandicapError
        If ``items`` is not a 2-D numeric table, has fewer than 3 items, an item is constant,
        or the correlation matrix is not positive definite.

    Warns
    -----
    SmallSampleWarning
        When fewer than 3 rows are complete.
    DataQualityWarning
        When an item loads negatively on the common factor, naming the item and its loading:
        usually a reverse-worded item that was not reverse-coded.

    Notes
    -----
    The Pearson correlation matrix of the complete rows is passed to
    :func:`mcdonald_omega_from_correlation`, which fits the one-factor model by maximum
    likelihood and returns :math:`\omega = (\sum\lambda)^2/((\sum\lambda)^2 + \sum\psi)`.
    Unlike for an implied matrix, a sample ω can fall below the sample α.

    References
    ----------
    McDonald, R. P. (1999). *Test theory: a unified treatment*. Mahwah, NJ: Erlbaum.

    Examples
    --------
    >>> items = [[4, 4, 3, 5], [5, 4, 5, 4], [3, 3, 2, 3], [4, 5, 4, 4], [2, 2, 1, 2],
    ...          [5, 5, 4, 5], [4, 3, 4, 4], [3, 3, 2, 3], [4, 4, 3, 5], [5, 4, 5, 4]]
    >>> round(mcdonald_omega(items), 2)
    0.93
    """
    matrix, names = _item_matrix(items, minimum_items=3)
    n = matrix.shape[0]
    if n < 3:
        _warn(f"McDonald's omega needs at least 3 complete rows, got {n}; returning NaN")
        return float("nan")
    corr = _square_matrix(_correlation(matrix, names), "corr", minimum=3)
    return _omega(corr, names)


# --------------------------------------------------------------------------------------------
# Correlation
# --------------------------------------------------------------------------------------------


@overload
def fisher_interval(r: Scalar, n: Scalar, *, level: float = ...) -> Estimate[float]: ...
@overload
def fisher_interval(
    r: npt.ArrayLike, n: npt.ArrayLike, *, level: float = ...
) -> Estimate[FloatArray]: ...
def fisher_interval(r: npt.ArrayLike, n: npt.ArrayLike, *, level: float = 0.95) -> Estimate[Any]:
    r"""Confidence interval for a Pearson correlation by Fisher's z transformation.

    Parameters
    ----------
    r
        Sample correlation(s), between −1 and 1; scalar or array.
    n
        Number of pairs behind each correlation (at least 0; need not be whole, so an
        effective sample size may be given); broadcast against ``r``.
    level
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    Estimate
        ``(estimate, ci_low, ci_high)`` with estimate ``r``; ``nan`` where ``n <= 3``.

    Raises
    ------
    JobhandicapError
        If ``r`` is missing or outside [−1, 1], ``n`` is missing, negative or infinite, or the
        shapes clash.

    Warns
    -----
    SmallSampleWarning
        Once per call when some ``n <= 3``.

    Notes
    -----
    :math:`z = \operatorname{artanh} r` is approximately normal with standard error
    :math:`1/\sqrt{n - 3}`; the limits are
    :math:`\tanh\bigl(z \pm z_{1-a/2}/\sqrt{n-3}\bigr)`. When observations are clustered
    (staff nested in jobcentres) this interval is too narrow; use a cluster bootstrap
    (:func:`~jobhandicap.stats.resampling.bootstrap_interval` with ``cluster=``).

    References
    ----------
    Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from
    a small sample. *Metron* 1, 3–32.

    Examples
    --------
    >>> est = fisher_interval(0.30, 82)
    >>> round(est.ci_low, 6), round(est.ci_high, 6)
    (0.088772, 0.485406)
    """
    z = z_value(level)
    scalar = is_scalar(r, n)
    rho, _ = to_float(r, "r")
    size, _ = to_float(n, "n")
    shape = broadcast_shape({"r": rho, "n": size})
    with np.errstate(invalid="ignore"):
        bad_r = ~(np.abs(rho) <= 1.0)
        bad_n = ~((size >= 0) & (size < np.inf))
    if bad_r.any():
        raise JobhandicapError(
            f"r must be a correlation between -1 and 1, got {first_value(rho, bad_r, shape)!r}"
            f"{describe_positions(bad_r, shape)}"
        )
    if bad_n.any():
        raise JobhandicapError(
            f"n must be a finite number of at least 0, got {first_value(size, bad_n, shape)!r}"
            f"{describe_positions(bad_n, shape)}"
        )
    small = size <= 3
    with np.errstate(invalid="ignore", divide="ignore"):
        half = z / np.sqrt(np.where(small, np.nan, size - 3.0))
        centre = np.arctanh(rho)
        low = np.tanh(centre - half)
        high = np.tanh(centre + half)
    estimate = np.where(small, np.nan, np.broadcast_to(rho, shape))
    if small.any():
        _warn("a correlation needs n > 3 pairs for Fisher's interval; NaN returned there")
    return Estimate(*scalar_or_arrays(scalar, estimate, low, high))
