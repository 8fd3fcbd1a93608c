r"""Generalised linear models for counts, fitted with NumPy: binomial logit and Poisson log.

:func:`fit_glm` fits a binomial model with the logit link (counts of successes out of trials)
or a Poisson model with the log link and an offset (counts over an exposure) by iteratively
reweighted least squares, and returns a :class:`GLMFit`: coefficients, standard errors,
fitted values, deviance, Pearson :math:`X^2`, AIC and degrees of freedom, as R's ``glm`` and
statsmodels' ``GLM`` report them. The fit refuses a design it cannot identify (rank
deficiency), a fit that does not converge, and (quasi-)complete separation, where a maximum
likelihood estimate does not exist, with an error that says which.

The estimator is small and dense: one row per unit (about a hundred jobcentres), a handful of
covariates. It is the model behind :func:`jobhandicap.expected_outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import numpy.typing as npt

from jobhandicap.errors import JobhandicapError, OptionError
from jobhandicap.stats._core import FloatArray, as_float_array, lazy_module, offending_entries

if TYPE_CHECKING:
    from scipy import special as _special
else:
    _special = lazy_module("scipy.special")

__all__ = ["Family", "GLMFit", "fit_glm"]

#: The model families :func:`fit_glm` fits: binomial with the logit link, Poisson with the log.
Family = Literal["binomial", "poisson"]
_FAMILIES = ("binomial", "poisson")

#: Fitted probabilities (binomial) or means (Poisson) this close to their bound mean
#: separation: the likelihood keeps growing as a coefficient runs off to infinity.
_BOUNDARY = 1e-8
#: Relative condition number above which the design is treated as rank deficient.
_RANK_TOLERANCE = 1e-9


@attrs.frozen(kw_only=True, eq=False)
class GLMFit:
    r"""A fitted binomial-logit or Poisson-log model (:func:`fit_glm`).

    Attributes
    ----------
    family
        ``"binomial"`` or ``"poisson"``.
    terms
        The names of the columns of the design, in order (``"intercept"`` first when added).
    coefficients, standard_errors
        The maximum-likelihood coefficients and their standard errors
        :math:`\sqrt{\operatorname{diag}(X^\top W X)^{-1}}` (dispersion 1).
    covariance
        :math:`(X^\top W X)^{-1}` at the estimate.
    fitted
        The fitted counts: :math:`n_i\hat p_i` (binomial) or :math:`\hat\mu_i` (Poisson).
    linear_predictor
        :math:`\hat\eta_i = x_i^\top\hat\beta` plus the offset.
    deviance, null_deviance
        The residual deviance and that of the model with the intercept (and offset) only.
    pearson_chi2
        Pearson's :math:`X^2 = \sum (y_i - \hat\mu_i)^2 / V(\hat\mu_i)`.
    log_likelihood, aic
        The full log-likelihood (with the binomial coefficients and :math:`\log y!`, as R) and
        :math:`\mathrm{AIC} = -2\ell + 2p`.
    df_residual, df_null
        :math:`N - p` and :math:`N - 1`.
    iterations
        IRLS iterations used.
    """

    family: Family
    terms: tuple[str, ...]
    coefficients: FloatArray
    standard_errors: FloatArray
    covariance: FloatArray
    fitted: FloatArray
    linear_predictor: FloatArray
    deviance: float
    null_deviance: float
    pearson_chi2: float
    log_likelihood: float
    aic: float
    df_residual: int
    df_null: int
    iterations: int

    @property
    def dispersion(self) -> float:
        r"""Pearson's estimate of the dispersion, :math:`X^2/(N - p)` (NaN when :math:`N = p`)."""
        if self.df_residual <= 0:
            return float("nan")
        return self.pearson_chi2 / self.df_residual


def _xlogy(x: FloatArray, y: FloatArray) -> FloatArray:
    """x·log(y) with 0·log(0) = 0."""
    return np.asarray(_special.xlogy(x, y), dtype=np.float64)


def _check_design(design: npt.ArrayLike, size: int) -> FloatArray:
    x = as_float_array(design, "design")
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2 or x.shape[0] != size:
        raise JobhandicapError(
            f"design must have one row per observation ({size}), got shape {x.shape}"
        )
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        raise JobhandicapError(
            "design must hold finite numbers; rows "
            f"{np.flatnonzero(bad)[:5].tolist()} hold missing or infinite values"
        )
    return x


def _check_rank(x: FloatArray, terms: Sequence[str]) -> None:
    """Refuse a design whose columns are linearly dependent, naming the columns involved."""
    if x.shape[1] > x.shape[0]:
        raise JobhandicapError(
            f"the model has {x.shape[1]} coefficients but only {x.shape[0]} observations; it "
            "cannot be identified (rank deficient)"
        )
    scale = np.sqrt((x**2).sum(axis=0))
    zero = scale == 0.0
    if zero.any():
        names = [terms[i] for i in np.flatnonzero(zero).tolist()]
        raise JobhandicapError(f"the design is rank deficient: column(s) {names} are all zero")
    _, singular, right = np.linalg.svd(x / scale, full_matrices=False)
    small = singular < _RANK_TOLERANCE * singular[0]
    if small.any():
        null = right[np.flatnonzero(small)[0]]
        involved = [terms[i] for i in np.flatnonzero(np.abs(null) > 1e-6).tolist()]
        raise JobhandicapError(
            "the design is rank deficient: the columns "
            f"{involved} are linearly dependent (one is a combination of the others, or "
            "constant next to the intercept); drop one of them"
        )


def fit_glm(
    count: npt.ArrayLike,
    design: npt.ArrayLike,
    *,
    family: Family = "binomial",
    total: npt.ArrayLike | None = None,
    offset: npt.ArrayLike | None = None,
    intercept: bool = True,
    terms: Sequence[str] | None = None,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> GLMFit:
    r"""Fit a binomial-logit or Poisson-log GLM by iteratively reweighted least squares.

    Parameters
    ----------
    count
        The response :math:`y_i`: whole counts, at least 0 (successes for the binomial
        family, events for the Poisson family), one per observation.
    design
        The covariates: an array with one row per observation and one column per covariate
        (a 1-D array is one covariate). Finite numbers.
    family
        ``"binomial"`` (logit link; needs ``total``) or ``"poisson"`` (log link).
    total
        Binomial trials :math:`n_i \ge y_i`, positive; not used for the Poisson family.
    offset
        A known term added to the linear predictor, such as :math:`\log` (persons) for a
        Poisson rate model; 0 by default.
    intercept
        Add a first column of ones named ``"intercept"`` (default ``True``).
    terms
        Names of the columns of ``design`` (``x1``, ``x2``, … by default).
    tol
        Convergence tolerance on the relative change of the deviance,
        :math:`|D^{(t)} - D^{(t-1)}|/(|D^{(t)}| + 0.1) < \mathrm{tol}` (R's rule).
    max_iter
        Most IRLS iterations before giving up.

    Returns
    -------
    GLMFit
        Coefficients, standard errors, fitted counts and the fit statistics.

    Raises
    ------
    OptionError
        If ``family`` is unknown, ``total`` is missing for the binomial family, or ``tol``
        or ``max_iter`` is not positive.
    JobhandicapError
        If the inputs are not counts of matching shape; if the design is rank deficient
        (columns linearly dependent, or more coefficients than observations), naming the
        columns; if the fit does not converge in ``max_iter`` iterations; or if the data are
        separated (a fitted probability or mean runs to its bound, so no finite maximum
        likelihood estimate exists).

    Notes
    -----
    With linear predictor :math:`\eta = X\beta + o`, mean :math:`\mu` and variance function
    :math:`V`: binomial :math:`\mu_i = n_i p_i`, :math:`p_i = 1/(1 + e^{-\eta_i})`,
    :math:`V = n_i p_i(1 - p_i)`; Poisson :math:`\mu_i = e^{\eta_i}`, :math:`V = \mu_i`. Both
    links are canonical, so each IRLS step is the weighted least-squares fit of the working
    response :math:`z = \eta - o + (y - \mu)/V` on :math:`X` with weights :math:`W = V`,
    solved through a QR decomposition of :math:`W^{1/2}X`. It starts from
    :math:`p = (y + 0.5)/(n + 1)` (binomial) or :math:`\mu = y + 0.1` (Poisson), as R does.

    At convergence :math:`\operatorname{Cov}(\hat\beta) = (X^\top W X)^{-1}`; the deviance is
    :math:`2\sum[y\log(y/\hat\mu) + (n - y)\log((n - y)/(n - \hat\mu))]` (binomial) or
    :math:`2\sum[y\log(y/\hat\mu) - (y - \hat\mu)]` (Poisson); :math:`X^2 = \sum(y -
    \hat\mu)^2/V(\hat\mu)`; :math:`\mathrm{AIC} = -2\ell(\hat\beta) + 2p`. With an intercept
    the fitted counts sum to the observed ones (canonical link).

    References
    ----------
    McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman and
    Hall, ch. 2 and 4.

    Albert, A. and Anderson, J. A. (1984). On the existence of maximum likelihood estimates
    in logistic regression models. *Biometrika* 71, 1–10.

    Examples
    --------
    >>> persons = [84, 156, 63, 210, 118, 95, 142, 77, 188, 59, 131, 104]
    >>> entered = [45, 65, 25, 72, 49, 38, 70, 41, 95, 20, 60, 42]
    >>> sa_share = [19.1, 20.4, 19.3, 29.4, 21.5, 20.5, 14.3, 20.2, 18.3, 21.4, 28.5, 13.4]
    >>> unemp = [5.8, 6.4, 5.5, 6.1, 10.5, 6.3, 9.3, 3.8, 5.7, 8.8, 6.9, 10.2]
    >>> import numpy as np
    >>> fit = fit_glm(entered, np.column_stack([sa_share, unemp]), total=persons,
    ...               terms=["sa_share", "unemp"])
    >>> fit.terms
    ('intercept', 'sa_share', 'unemp')
    >>> fit.coefficients.round(6), fit.standard_errors.round(6)
    (array([ 0.875031, -0.033311, -0.061027]), array([0.378494, 0.01141 , 0.030375]))
    >>> round(fit.deviance, 4), fit.df_residual, round(fit.aic, 4)
    (14.0131, 9, 81.513)
    """
    if family not in _FAMILIES:
        raise OptionError(f"family must be one of {list(_FAMILIES)}, got {family!r}")
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise OptionError(f"max_iter must be a whole number at least 1, got {max_iter!r}")
    if not (isinstance(tol, float | int) and np.isfinite(tol) and tol > 0):
        raise OptionError(f"tol must be a small positive number such as 1e-10, got {tol!r}")
    y = as_float_array(count, "count")
    if y.ndim != 1 or y.size == 0:
        raise JobhandicapError(f"count must be one-dimensional and not empty, got {y.shape}")
    bad = ~np.isfinite(y) | (y < 0) | (y != np.round(y))
    if bad.any():
        raise JobhandicapError(
            f"count must hold whole numbers at least 0; got {offending_entries(y, bad)}"
        )
    size = y.size
    if family == "binomial":
        if total is None:
            raise OptionError("the binomial family needs total= (the trials of each count)")
        n = np.broadcast_to(as_float_array(total, "total"), y.shape).astype(np.float64)
        bad = ~np.isfinite(n) | (n <= 0) | (n != np.round(n)) | (y > n)
        if bad.any():
            raise JobhandicapError(
                "total must hold whole numbers at least 1 and at least the count; got "
                f"{offending_entries(n, bad)}"
            )
    else:
        n = np.ones(size)
    o = (
        np.zeros(size)
        if offset is None
        else np.broadcast_to(as_float_array(offset, "offset"), y.shape).astype(np.float64)
    )
    if not np.isfinite(o).all():
        raise JobhandicapError(
            "offset must hold finite numbers (the log of a positive exposure, for example)"
        )
    covariates = _check_design(design, size)
    names = [f"x{i + 1}" for i in range(covariates.shape[1])] if terms is None else list(terms)
    if len(names) != covariates.shape[1]:
        raise JobhandicapError(
            f"terms names {len(names)} columns but the design has {covariates.shape[1]}"
        )
    if intercept:
        covariates = np.column_stack([np.ones(size), covariates])
        names = ["intercept", *names]
    if len(set(names)) != len(names):
        raise JobhandicapError(f"the terms must have different names, got {names}")
    _check_rank(covariates, names)

    if family == "binomial":
        mu = n * (y + 0.5) / (n + 1.0)
        eta = np.log(mu / (n - mu))
    else:
        mu = y + 0.1
        eta = np.log(mu)
    deviance = _deviance(family, y, n, mu)
    beta = np.zeros(covariates.shape[1])
    converged = False
    iterations = 0
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
            weight = mu * (1.0 - mu / n) if family == "binomial" else mu
            working = eta - o + (y - mu) / weight
            root = np.sqrt(weight)
            q, r = np.linalg.qr(covariates * root[:, np.newaxis])
            beta = np.linalg.solve(r, q.T @ (working * root))
            eta = covariates @ beta + o
            mu = n * _special.expit(eta) if family == "binomial" else np.exp(eta)
            previous, deviance = deviance, _deviance(family, y, n, mu)
            if not np.isfinite(deviance):
                break
            if abs(deviance - previous) / (abs(deviance) + 0.1) < tol:
                converged = True
                break
    share = mu / n
    at_bound = (share < _BOUNDARY) | ((family == "binomial") & (share > 1.0 - _BOUNDARY))
    if at_bound.any() or not np.isfinite(beta).all():
        raise JobhandicapError(
            "the data are separated: fitted "
            + ("probabilities" if family == "binomial" else "means")
            + f" of observations {np.flatnonzero(at_bound)[:5].tolist()} run to their bound "
            "(a covariate predicts every outcome there perfectly), so no finite maximum "
            "likelihood estimate exists; drop or group that covariate, or combine units"
        )
    if not converged:
        raise JobhandicapError(
            f"the fit did not converge in {max_iter} iterations (relative change of the "
            f"deviance still at least {tol}); raise max_iter, or rescale the covariates"
        )
    weight = mu * (1.0 - mu / n) if family == "binomial" else mu
    _, r = np.linalg.qr(covariates * np.sqrt(weight)[:, np.newaxis])
    r_inverse = np.linalg.solve(r, np.eye(r.shape[0]))
    covariance = r_inverse @ r_inverse.T
    pearson = float(np.sum((y - mu) ** 2 / weight))
    if family == "binomial":
        log_likelihood = float(
            np.sum(
                _special.gammaln(n + 1.0)
                - _special.gammaln(y + 1.0)
                - _special.gammaln(n - y + 1.0)
                + _xlogy(y, share)
                + _xlogy(n - y, 1.0 - share)
            )
        )
    else:
        log_likelihood = float(np.sum(_xlogy(y, mu) - mu - _special.gammaln(y + 1.0)))
    k = covariates.shape[1]
    return GLMFit(
        family=family,
        terms=tuple(names),
        coefficients=beta,
        standard_errors=np.sqrt(np.diag(covariance)),
        covariance=covariance,
        fitted=mu,
        linear_predictor=eta,
        deviance=float(deviance),
        null_deviance=_null_deviance(family, y, n, o, intercept),
        pearson_chi2=pearson,
        log_likelihood=log_likelihood,
        aic=-2.0 * log_likelihood + 2.0 * k,
        df_residual=size - k,
        df_null=size - 1 if intercept else size,
        iterations=iterations,
    )


def _deviance(family: Family, y: FloatArray, n: FloatArray, mu: FloatArray) -> float:
    if family == "binomial":
        terms = _xlogy(y, y / mu) + _xlogy(n - y, (n - y) / (n - mu))
    else:
        terms = _xlogy(y, y / mu) - (y - mu)
    return float(2.0 * np.sum(terms))


def _null_deviance(
    family: Family, y: FloatArray, n: FloatArray, o: FloatArray, intercept: bool
) -> float:
    """Deviance of the intercept-only model (the offset-only model without an intercept)."""
    if not intercept:
        mu = n * _special.expit(o) if family == "binomial" else np.exp(o)
        return _deviance(family, y, n, mu)
    if family == "binomial" and not o.any():
        return _deviance(family, y, n, n * (y.sum() / n.sum()))
    if family == "poisson":
        # The intercept-only Poisson model with offset o: mu_i = exp(o_i) * sum(y)/sum(exp(o)).
        exposure = np.exp(o)
        return _deviance(family, y, n, exposure * (y.sum() / exposure.sum()))
    # A binomial model with an offset and only an intercept: solve the one-parameter score.
    fit = fit_glm(y, np.empty((y.size, 0)), family="binomial", total=n, offset=o)
    return fit.deviance
