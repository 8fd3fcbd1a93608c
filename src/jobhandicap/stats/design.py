"""Design-based estimation for sampled surveys: Taylor linearisation, design effects, raking.

A citizen or employer survey is a sample drawn with a design — strata, clusters, unequal
selection probabilities — and often calibrated afterwards to known population totals. Its
means and shares are weighted, and their variances follow the design, not the simple random
sample formula. This module computes, vectorised over many groups (domains) at once:

- the weighted mean (a share for a 0/1 outcome) and the weighted total, with the
  Taylor-linearised variance of a stratified one-stage cluster sample, with or without the
  finite-population correction at stage 1 (R ``survey``'s default ``svyrecvar``);
- the design effects against simple random sampling without (``deff``) and with replacement
  (``deff_replace``), the effective sample size and the design degrees of freedom;
- intervals: normal (``confint(svymean)``), t with the design degrees of freedom, and the logit
  interval for shares (``svyciprop(method="logit")``);
- raking (iterative proportional fitting) of weights to known margins, and the variance after
  raking by the GREG residuals of the calibration (``calibrate(calfun="raking")``).

Reduce, then infer: :func:`design_mean` first sums weights and weighted outcomes per group and
primary sampling unit (PSU), per stratum and per calibration cell (:func:`numpy.bincount`), and
computes every variance from those small tables; nothing loops over respondents.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._options import check_choice, check_count, check_level
from jobhandicap.errors import ArgumentTypeError, DataQualityWarning, OptionError, SchemaError
from jobhandicap.stats._core import Estimate, FloatArray, Labels, lazy_module

if TYPE_CHECKING:
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")

__all__ = [
    "DesignEstimate",
    "Interval",
    "Raking",
    "design_interval",
    "design_mean",
    "rake_weights",
]

IntArray = npt.NDArray[np.int64]
#: Up to this many group × PSU combinations the reduced table is found by counting into a dense
#: array (no hashing); above it by factorising the combined codes.
_DENSE_CELLS = 1 << 22
#: The interval of a design-based estimate: ``"normal"``, ``"t"`` (design degrees of freedom)
#: or ``"logit"`` (for shares; with the t quantile of ``df``).
Interval = Literal["normal", "t", "logit"]


class DesignEstimate(NamedTuple):
    r"""Design-based estimates of one or more groups (arrays with one entry per group).

    Attributes
    ----------
    estimate
        The weighted mean (a share for a 0/1 outcome).
    se
        Its Taylor-linearised standard error.
    ci_low, ci_high
        The interval asked for (:func:`design_interval`).
    total, total_se
        The weighted total and its standard error.
    n
        Respondents in the group (unweighted).
    weight_sum
        The sum of their weights: the estimated population size of the group.
    sd
        The weighted standard deviation :math:`\hat s` of the outcome.
    deff
        Design effect against simple random sampling without replacement (R's ``deff=TRUE``).
    deff_replace
        Design effect against simple random sampling with replacement (``deff="replace"``).
    n_eff
        Effective sample size, ``n / deff_replace``.
    df
        Design degrees of freedom: PSUs minus strata of the design the group belongs to.
    """

    estimate: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    total: FloatArray
    total_se: FloatArray
    n: FloatArray
    weight_sum: FloatArray
    sd: FloatArray
    deff: FloatArray
    deff_replace: FloatArray
    n_eff: FloatArray
    df: FloatArray


class Raking(NamedTuple):
    """Raked weights and how the iteration ended.

    Attributes
    ----------
    weights
        The raked weights, in the order of the input.
    iterations
        Full sweeps over the margins that were run.
    max_error
        The largest absolute difference between a raked margin and its population total.
    converged
        Whether ``max_error`` fell to ``tol`` times the population total.
    """

    weights: FloatArray
    iterations: int
    max_error: float
    converged: bool


def design_interval(
    estimate: npt.ArrayLike,
    se: npt.ArrayLike,
    df: npt.ArrayLike = np.inf,
    *,
    level: float = DEFAULT_LEVEL,
    method: Interval = "t",
) -> Estimate[FloatArray]:
    r"""Interval of a design-based mean or share from its estimate and standard error.

    Parameters
    ----------
    estimate, se
        The estimates and their design-based standard errors.
    df
        Degrees of freedom of the quantile (the design's: PSUs minus strata); ``inf`` for the
        normal quantile.
    level
        Confidence level.
    method
        ``"normal"``: :math:`\hat\theta \pm z\,SE` (R's ``confint(svymean(...))``, whatever
        ``df``); ``"t"``: :math:`\hat\theta \pm t_{df}\,SE`; ``"logit"`` (shares only):
        the interval of the logit, back-transformed, with the t quantile of ``df`` — R's
        ``svyciprop(method="logit")``, whose default ``df`` is the design's.

    Returns
    -------
    Estimate
        ``estimate``, ``ci_low``, ``ci_high`` as float64 arrays.

    Raises
    ------
    OptionError
        For an unknown ``method``, a level outside (0, 1), or a logit interval of an estimate
        outside [0, 1].

    Notes
    -----
    The logit interval is

    .. math::
        \operatorname{expit}\Bigl(\operatorname{logit}\hat p \pm
        t_{df,\,1-\alpha/2}\,\frac{SE(\hat p)}{\hat p(1-\hat p)}\Bigr),

    the design standard error of the logit being the delta method's (exact for the
    intercept-only quasi-binomial model that ``svyciprop`` fits). It stays inside (0, 1); a
    share of exactly 0 or 1 has a zero-width interval there (its linearised variance is 0).

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, section 2.3.

    Examples
    --------
    >>> interval = design_interval(0.546667, 0.0813770, 38, method="logit")
    >>> [round(float(v), 4) for v in (interval.ci_low[()], interval.ci_high[()])]
    [0.3828, 0.701]
    """
    level = check_level(level)
    method_name = check_choice("method", method, ("normal", "t", "logit"))
    p = np.asarray(estimate, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    degrees = np.asarray(df, dtype=np.float64)
    if method_name == "normal":
        quantile = np.full(np.broadcast(p, s).shape, _sps.norm.ppf(0.5 + level / 2))
    else:
        quantile = np.asarray(_sps.t.ppf(0.5 + level / 2, degrees), dtype=np.float64)
    if method_name != "logit":
        return Estimate(p + 0.0 * s, p - quantile * s, p + quantile * s)
    if ((p < 0) | (p > 1)).any():
        raise OptionError("a logit interval needs shares between 0 and 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = np.log(p / (1 - p))
        half = quantile * s / (p * (1 - p))
        low = 1 / (1 + np.exp(-(logit - half)))
        high = 1 / (1 + np.exp(-(logit + half)))
    edge = (p == 0) | (p == 1)
    return Estimate(p + 0.0 * s, np.where(edge, p, low), np.where(edge, p, high))


class CalibrationArrays(NamedTuple):
    """What the GREG residuals of a raking need, per design unit."""

    base: FloatArray  # the weights before calibration
    cell: IntArray  # the unit's joint calibration cell
    dummies: FloatArray  # cells × margin levels: 1 where the cell has that level


class DesignArrays(NamedTuple):
    """The design, per design unit (respondent) and per stratum."""

    weight: FloatArray  # per unit
    psu: IntArray  # per unit: its PSU, 0 … P-1
    psu_stratum: IntArray  # per PSU: its stratum, 0 … H-1
    population: FloatArray  # per stratum: N_h (PSUs in the population); inf without fpc
    stratum_scope: IntArray  # per stratum: the design (wave) it belongs to
    calibration: CalibrationArrays | None


def _sums(codes: IntArray, values: FloatArray, size: int) -> FloatArray:
    """Sums of the columns of ``values`` (rows × columns) per code: size × columns."""
    columns = [
        np.bincount(codes, weights=values[:, j], minlength=size) for j in range(values.shape[1])
    ]
    return np.asarray(np.column_stack(columns), dtype=np.float64).reshape(size, values.shape[1])


def _linearised(
    design: DesignArrays,
    unit: IntArray,
    group: IntArray,
    group_scope: IntArray,
    y: FloatArray,
) -> tuple[FloatArray, ...]:
    """Weighted means and totals of ``y`` per group with their linearised variances.

    ``unit`` and ``group`` give each observation's design unit and group (only observations
    in the group's domain); ``y`` is observations × outcomes. Returns mean, variance of the
    mean, total, variance of the total (groups × outcomes), n, weight sum and the weighted
    variance ŝ² (groups × outcomes) and the degrees of freedom per group.
    """
    n_groups = len(group_scope)
    n_psus = len(design.psu_stratum)
    n_strata = len(design.population)
    outcomes = y.shape[1]
    w = design.weight[unit]
    psu = design.psu[unit]
    n = np.bincount(group, minlength=n_groups).astype(np.float64)
    weight_sum = np.asarray(np.bincount(group, weights=w, minlength=n_groups), dtype=np.float64)
    weighted = _sums(group, w[:, None] * y, n_groups)
    squares = _sums(group, w[:, None] * y * y, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weighted / weight_sum[:, None]
        spread = (squares - weight_sum[:, None] * mean * mean) / weight_sum[:, None]
        s2 = np.maximum(spread, 0.0) * (n / (n - 1))[:, None]

    # The reduced table: one row per group and PSU that has observations of the group.
    combined = group * np.int64(n_psus) + psu
    if n_groups * n_psus <= _DENSE_CELLS:
        occupied = np.bincount(combined, minlength=n_groups * n_psus) > 0
        keys = np.flatnonzero(occupied).astype(np.int64)
        position = np.cumsum(occupied, dtype=np.int64) - 1
        cells = position[combined]
    else:
        codes, first = pd.factorize(combined, sort=True)
        cells, keys = codes.astype(np.int64), np.asarray(first, dtype=np.int64)
    cell_group, cell_psu = keys // n_psus, keys % n_psus
    cell_weight = np.bincount(cells, weights=w, minlength=len(keys))
    cell_weighted = _sums(cells, w[:, None] * y, len(keys))
    with np.errstate(invalid="ignore", divide="ignore"):
        z_mean = (cell_weighted - mean[cell_group] * cell_weight[:, None]) / weight_sum[
            cell_group, None
        ]
    z_total = cell_weighted
    stratum = design.psu_stratum[cell_psu]
    slot = cell_group * n_strata + stratum
    slots = n_groups * n_strata
    in_scope = group_scope[:, None] == design.stratum_scope[None, :]
    psus = np.bincount(design.psu_stratum, minlength=n_strata).astype(np.float64)

    def stratum_sums(z: FloatArray) -> tuple[FloatArray, FloatArray]:
        first_moment = _sums(slot, z, slots).reshape(n_groups, n_strata, outcomes)
        second = _sums(slot, z * z, slots).reshape(n_groups, n_strata, outcomes)
        return first_moment, second

    s1_mean, s2_mean = stratum_sums(z_mean)
    s1_total, s2_total = stratum_sums(z_total)
    calibration = design.calibration
    if calibration is not None:
        s1_mean, s2_mean, s1_total, s2_total = _greg(
            design,
            unit,
            group,
            group_scope,
            y,
            (mean, weight_sum),
            (z_mean, z_total, cell_psu, slot),
            (s1_mean, s2_mean, s1_total, s2_total),
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = (1 - psus / design.population) * psus / (psus - 1)
        factor = np.where(psus > 1, factor, 0.0)

        def variance(first_moment: FloatArray, second: FloatArray) -> FloatArray:
            within = second - first_moment * first_moment / psus[None, :, None]
            within = np.where(in_scope[:, :, None], within, 0.0)
            summed: FloatArray = np.einsum("h,ghq->gq", factor, within)
            return np.maximum(summed, 0.0)

        var_mean = np.where(weight_sum[:, None] > 0, variance(s1_mean, s2_mean), np.nan)
        var_total = variance(s1_total, s2_total)
    df = np.asarray(np.where(in_scope, psus[None, :] - 1, 0.0).sum(axis=1), dtype=np.float64)
    return mean, np.asarray(var_mean, dtype=np.float64), weighted, var_total, n, weight_sum, s2, df


def _greg(
    design: DesignArrays,
    unit: IntArray,
    group: IntArray,
    group_scope: IntArray,
    y: FloatArray,
    estimates: tuple[FloatArray, FloatArray],
    table: tuple[FloatArray, FloatArray, IntArray, IntArray],
    moments: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Replace the linearised values by their GREG residuals on the calibration dummies."""
    calibration = design.calibration
    if calibration is None:  # pragma: no cover - the caller checks
        raise OptionError("no calibration")
    mean, weight_sum = estimates
    z_mean, z_total, cell_psu, slot = table
    n_groups, n_strata, outcomes = moments[0].shape
    n_psus = len(design.psu_stratum)
    slots = n_groups * n_strata
    dummies = calibration.dummies
    levels = dummies.shape[1]
    unit_scope = design.stratum_scope[design.psu_stratum[design.psu]]
    n_scopes = int(design.stratum_scope.max()) + 1
    # X'DX per design (base weights), its pseudo-inverse (the margins' dummies are collinear).
    cell_base = np.bincount(
        unit_scope * len(dummies) + calibration.cell,
        weights=calibration.base,
        minlength=n_scopes * len(dummies),
    ).reshape(n_scopes, len(dummies))
    gram = np.einsum("sj,jk,jl->skl", cell_base, dummies, dummies)
    inverse = np.linalg.pinv(gram)[group_scope]
    # Σ d x y and Σ d x over each group's observations.
    x_obs = dummies[calibration.cell[unit]]
    d_obs = calibration.base[unit]
    dxy = np.stack(
        [_sums(group, x_obs * (d_obs * y[:, q])[:, None], n_groups) for q in range(outcomes)],
        axis=2,
    )
    dx = _sums(group, x_obs * d_obs[:, None], n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope_mean = np.einsum(
            "gkl,glq->gkq",
            inverse,
            (dxy - dx[:, :, None] * mean[:, None, :]) / weight_sum[:, None, None],
        )
    slope_mean = np.nan_to_num(slope_mean)
    slope_total = np.einsum("gkl,glq->gkq", inverse, dxy)
    # Σ w x per PSU (final weights), then per stratum its sum and sum of outer products.
    psu_x = _sums(design.psu, dummies[calibration.cell] * design.weight[:, None], n_psus)
    stratum_x = _sums(design.psu_stratum, psu_x, n_strata)
    outer = _sums(
        design.psu_stratum, np.einsum("pk,pl->pkl", psu_x, psu_x).reshape(n_psus, -1), n_strata
    ).reshape(n_strata, levels, levels)
    cell_x = psu_x[cell_psu]

    def adjusted(
        z: FloatArray, first_moment: FloatArray, second: FloatArray, slope: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        cross = np.stack(
            [_sums(slot, cell_x * z[:, q : q + 1], slots) for q in range(outcomes)], axis=2
        ).reshape(n_groups, n_strata, levels, outcomes)
        first_adjusted = first_moment - np.einsum("hk,gkq->ghq", stratum_x, slope)
        second_adjusted = (
            second
            - 2 * np.einsum("ghkq,gkq->ghq", cross, slope)
            + np.einsum("gkq,hkl,glq->ghq", slope, outer, slope)
        )
        return first_adjusted, second_adjusted

    s1_mean, s2_mean = adjusted(z_mean, moments[0], moments[1], slope_mean)
    s1_total, s2_total = adjusted(z_total, moments[2], moments[3], slope_total)
    return s1_mean, s2_mean, s1_total, s2_total


def _codes(values: Labels | None, size: int, name: str) -> tuple[IntArray, int]:
    if values is None:
        return np.zeros(size, dtype=np.int64), 1
    labels = pd.Series(
        np.asarray(values, dtype=object) if not isinstance(values, pd.Series) else values
    )
    if len(labels) != size:
        raise OptionError(
            f"{name} has {len(labels)} entries, y has {size}; give one per respondent"
        )
    if labels.isna().any():
        raise SchemaError(f"{name} is missing for some respondents; every respondent needs one")
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.int64), len(uniques)


def _check_weights(weights: FloatArray, name: str = "weights") -> None:
    """Raise :class:`~jobhandicap.errors.SchemaError` unless every weight is finite and > 0."""
    bad = ~np.isfinite(weights) | (weights <= 0)
    if bad.any():
        raise SchemaError(
            f"{name} must be finite and greater than 0; {int(bad.sum())} of {len(weights)} are "
            f"not (for example {float(weights[bad][0])!r})"
        )


def design_structure(
    weights: FloatArray,
    strata: IntArray,
    clusters: IntArray,
    population: FloatArray | None,
    scope: IntArray,
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """PSUs and strata of design units: (unit → PSU, PSU → stratum, N_h, stratum → scope).

    ``strata``, ``clusters`` and ``scope`` are integer codes per unit (a cluster code is only
    unique within its stratum and scope); ``population`` is the unit's stratum population
    (N_h) or None. Raises for a stratum with one PSU, a population varying within a stratum
    or smaller than the stratum's sample.
    """
    _check_weights(weights)
    stratum_codes, stratum_keys = pd.factorize(
        scope * (int(strata.max(initial=0)) + 1) + strata, sort=True
    )
    stratum_codes = stratum_codes.astype(np.int64)
    n_strata = len(stratum_keys)
    psu_codes, psu_keys = pd.factorize(
        stratum_codes * (int(clusters.max(initial=0)) + 1) + clusters, sort=True
    )
    psu_codes = psu_codes.astype(np.int64)
    keys = np.asarray(psu_keys, dtype=np.int64)
    psu_stratum = keys // (int(clusters.max(initial=0)) + 1)
    psus = np.bincount(psu_stratum, minlength=n_strata)
    if (psus < 2).any():
        raise SchemaError(
            f"{int((psus < 2).sum())} stratum(s) have a single PSU (cluster or respondent); "
            "its variance cannot be estimated: merge it with a similar stratum"
        )
    stratum_scope = np.asarray(stratum_keys, dtype=np.int64) // (int(strata.max(initial=0)) + 1)
    if population is None:
        sizes = np.full(n_strata, np.inf)
    else:
        sizes = np.full(n_strata, np.nan)
        sizes[stratum_codes] = population
        varies = population != sizes[stratum_codes]
        if varies.any() or not np.isfinite(sizes).all():
            raise SchemaError(
                "the fpc (population size) must be a finite number, the same for every "
                "respondent of a stratum"
            )
        small = sizes < psus
        if small.any():
            raise SchemaError(
                f"the fpc of {int(small.sum())} stratum(s) is smaller than its sample "
                f"({sizes[small][0]:g} < {int(psus[small][0])} PSUs); the fpc is the number of "
                "units (or clusters, with clusters) in the stratum's population"
            )
    return psu_codes, psu_stratum, sizes, stratum_scope


def calibration_cells(
    margins: Sequence[IntArray], sizes: Sequence[int]
) -> tuple[IntArray, FloatArray]:
    """Joint cells of the margins' level codes and the dummy matrix (cells × levels)."""
    joint = np.zeros(len(margins[0]), dtype=np.int64)
    for codes, size in zip(margins, sizes, strict=True):
        joint = joint * size + codes
    cell, keys = pd.factorize(joint, sort=True)
    keys = np.asarray(keys, dtype=np.int64)
    columns: list[FloatArray] = []
    for size in reversed(sizes):
        level = keys % size
        keys = keys // size
        columns.insert(0, np.eye(size)[level])
    return cell.astype(np.int64), np.hstack(columns)


def design_mean(
    y: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    strata: Labels | None = None,
    clusters: Labels | None = None,
    fpc: npt.ArrayLike | None = None,
    groups: Labels | None = None,
    domain: npt.ArrayLike | None = None,
    calibration: Sequence[Labels] | None = None,
    base_weights: npt.ArrayLike | None = None,
    level: float = DEFAULT_LEVEL,
    interval: Interval = "t",
) -> DesignEstimate:
    r"""Weighted mean and total with Taylor-linearised standard errors, design effects, intervals.

    Parameters
    ----------
    y
        The outcome of each respondent (0/1 for a share).
    weights
        The respondents' weights (finite, > 0).
    strata
        Stratum labels; one stratum when omitted.
    clusters
        Cluster (PSU) labels, unique within a stratum; each respondent its own PSU when
        omitted.
    fpc
        The population size of the respondent's stratum: units, or with ``clusters`` the
        number of clusters in the stratum's population (R's one-stage ``fpc``). Sampling with
        replacement when omitted.
    groups
        Group (domain) labels: one estimate per group, each with the whole design's strata and
        PSUs (R's ``svyby``).
    domain
        Booleans: only these respondents count as observations (R's ``subset``); the others
        keep their place in the design.
    calibration, base_weights
        The margins (level labels per respondent) the weights were raked to, and the weights
        before raking: the variance then uses the GREG residuals of the calibration.
    level
        Confidence level.
    interval
        ``"t"`` (default, design degrees of freedom), ``"normal"`` or ``"logit"``
        (:func:`design_interval`).

    Returns
    -------
    DesignEstimate
        One entry per group (sorted labels), a single entry without ``groups``.

    Raises
    ------
    SchemaError
        For weights that are not finite and positive, a stratum with one PSU (R's
        ``survey.lonely.psu = "fail"``), an fpc smaller than its stratum's sample or varying
        within a stratum, a missing label.
    OptionError
        For arguments of different lengths, ``calibration`` without ``base_weights``.

    Notes
    -----
    With :math:`W = \sum w_i` over the domain, :math:`\bar y = \sum w_i y_i / W` and the
    linearised values :math:`z_i = w_i (y_i - \bar y)/W` (zero outside the domain), summed per
    PSU to :math:`z_{hc}`:

    .. math::
        \widehat{V}(\bar y) = \sum_h \Bigl(1 - \frac{n_h}{N_h}\Bigr) \frac{n_h}{n_h - 1}
        \sum_c (z_{hc} - \bar z_h)^2,

    with :math:`n_h` PSUs in stratum :math:`h` (all of the design's, whether or not they hold
    domain observations) and :math:`N_h` the fpc (the factor is 1 without it). The total
    :math:`\sum w_i y_i` has :math:`z_i = w_i y_i`. Degrees of freedom: PSUs minus strata.
    After raking, :math:`z_i` is replaced by :math:`w_i e_i`, :math:`e_i` the residual of the
    regression of :math:`(y_i - \bar y)/W` on the margins' dummies weighted by the base
    weights (the GREG variance of R's ``calibrate(calfun = "raking")``; ``rake()``'s
    iterative projection gives slightly different values, and treating the raked weights as
    fixed larger ones).

    Design effects, with :math:`\hat s^2 = \frac{n}{n-1}\sum w_i (y_i - \bar y)^2 / W`:
    :math:`\text{deff} = \widehat V / [\hat s^2 (W - n)/(W n)]` and
    :math:`\text{deff}_\text{replace} = \widehat V / (\hat s^2 / n)`; the effective sample
    size is :math:`n / \text{deff}_\text{replace} = \hat s^2 / \widehat V`.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
    Särndal, C.-E., Swensson, B. & Wretman, J. (1992). *Model Assisted Survey Sampling*.
    Springer, chapter 6.

    Examples
    --------
    >>> y = [1, 0, 1, 1, 0, 1, 0, 0]
    >>> weights = [2.0, 2.0, 2.0, 2.0, 6.0, 6.0, 6.0, 6.0]
    >>> result = design_mean(y, weights, strata=[1, 1, 1, 1, 2, 2, 2, 2])
    >>> round(float(result.estimate[0]), 4), round(float(result.se[0]), 4), float(result.df[0])
    (0.375, 0.1976, 6.0)
    """
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1:
        raise OptionError("y must be one outcome per respondent (a 1-D array)")
    size = len(values)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != values.shape:
        raise OptionError(f"weights has {w.size} entries, y has {size}; give one per respondent")
    level = check_level(level)
    stratum, _ = _codes(strata, size, "strata")
    cluster, _ = _codes(clusters, size, "clusters")
    if clusters is None:
        cluster = np.arange(size, dtype=np.int64)
    group, n_groups = _codes(groups, size, "groups")
    population = None if fpc is None else np.asarray(fpc, dtype=np.float64)
    psu, psu_stratum, sizes, stratum_scope = design_structure(
        w, stratum, cluster, population, np.zeros(size, dtype=np.int64)
    )
    cal = None
    if calibration is not None or base_weights is not None:
        if calibration is None or base_weights is None or not len(calibration):
            raise OptionError("calibration and base_weights go together: give both or neither")
        base = np.asarray(base_weights, dtype=np.float64)
        _check_weights(base, "base_weights")
        coded = [_codes(margin, size, "a calibration margin") for margin in calibration]
        cell, dummies = calibration_cells([c for c, _ in coded], [s for _, s in coded])
        cal = CalibrationArrays(base, cell, dummies)
    design = DesignArrays(w, psu, psu_stratum, sizes, stratum_scope, cal)
    keep = np.ones(size, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    units = np.flatnonzero(keep).astype(np.int64)
    return estimate_from(
        design,
        units,
        group[keep],
        np.zeros(n_groups, dtype=np.int64),
        values[keep][:, None],
        level=level,
        interval=interval,
    )


def estimate_from(
    design: DesignArrays,
    unit: IntArray,
    group: IntArray,
    group_scope: IntArray,
    y: FloatArray,
    *,
    level: float,
    interval: Interval,
) -> DesignEstimate:
    """The estimates of :func:`design_mean` for prepared design arrays (outcomes × groups).

    Each field is groups × outcomes flattened in row order (group-major). Shared with
    :mod:`jobhandicap.survey` and :mod:`jobhandicap.staff`, which prepare the arrays from
    their frames; not in ``__all__`` (as :class:`DesignArrays`, :class:`CalibrationArrays`,
    :func:`design_structure` and :func:`calibration_cells`): the arrays' layout may change.
    """
    mean, var_mean, total, var_total, n, weight_sum, s2, df = _linearised(
        design, unit, group, group_scope, y
    )
    outcomes = y.shape[1]
    se = np.sqrt(var_mean)
    n_rep = np.repeat(n, outcomes).reshape(-1, outcomes)
    w_rep = np.repeat(weight_sum, outcomes).reshape(-1, outcomes)
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = var_mean / (s2 * (w_rep - n_rep) / (w_rep * n_rep))
        deff_replace = var_mean / (s2 / n_rep)
        n_eff = n_rep / deff_replace
    # Outcomes that do not vary (a share of 0 or 1, constant scores) have no design effect;
    # rounding leaves their variance a hair above 0, which would give deff 0 and n_eff inf.
    flat = s2 <= 1e-24 * np.maximum(mean * mean, 1.0)
    deff, deff_replace, n_eff = (np.where(flat, np.nan, a) for a in (deff, deff_replace, n_eff))
    df_rep = np.repeat(df, outcomes).reshape(-1, outcomes)
    bounds = design_interval(mean, se, df_rep, level=level, method=interval)
    return DesignEstimate(
        estimate=mean.ravel(),
        se=se.ravel(),
        ci_low=np.asarray(bounds.ci_low).ravel(),
        ci_high=np.asarray(bounds.ci_high).ravel(),
        total=total.ravel(),
        total_se=np.sqrt(var_total).ravel(),
        n=n_rep.ravel(),
        weight_sum=w_rep.ravel(),
        sd=np.sqrt(s2).ravel(),
        deff=deff.ravel(),
        deff_replace=deff_replace.ravel(),
        n_eff=n_eff.ravel(),
        df=df_rep.ravel(),
    )


def rake_weights(
    weights: npt.ArrayLike,
    margins: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]],
    *,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> Raking:
    r"""Rake weights to known population margins by iterative proportional fitting.

    Parameters
    ----------
    weights
        The weights to start from (design weights), finite and > 0.
    margins
        One ``(codes, totals)`` pair per margin: each respondent's level as an integer code
        ``0 … L-1`` and the population total of each level.
    max_iter
        The most sweeps over all margins.
    tol
        Converged when every raked margin is within ``tol`` times the population total of
        its target.

    Returns
    -------
    Raking
        The raked weights, the sweeps run, the largest margin error and whether it converged.

    Raises
    ------
    OptionError
        For margins whose totals differ, a level with a population total but no respondents
        (an empty cell), a code outside the margin's levels or a total that is not positive.

    Warns
    -----
    DataQualityWarning
        When the margins are not met after ``max_iter`` sweeps (the weights are returned).

    Notes
    -----
    Each sweep multiplies, margin after margin, the weights of level :math:`l` by
    :math:`T_l / \sum_{i \in l} w_i` (Deming and Stephan's algorithm), which converges to the
    weights closest to the start in the raking distance that meet every margin, when such
    weights exist: R ``survey``'s ``rake`` and ``calibrate(calfun = "raking")`` give the same.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled
    frequency table when the expected marginal totals are known. *Ann. Math. Stat.* 11,
    427–444.

    Examples
    --------
    >>> raked = rake_weights([1.0, 1.0, 1.0, 1.0],
    ...                      [([0, 0, 1, 1], [3.0, 5.0]), ([0, 1, 0, 1], [4.0, 4.0])])
    >>> raked.weights.round(3).tolist(), raked.converged
    ([1.5, 1.5, 2.5, 2.5], True)
    """
    w = np.asarray(weights, dtype=np.float64)
    _check_weights(w)
    max_iter = check_count(max_iter, "max_iter", minimum=1)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not tol > 0:
        raise OptionError(f"tol must be a positive number; got {tol!r}")
    if not margins:
        raise OptionError("margins must give at least one margin")
    coded: list[tuple[IntArray, FloatArray]] = []
    for position, (codes, totals) in enumerate(margins):
        code = np.asarray(codes)
        if code.dtype.kind not in "iu":
            raise ArgumentTypeError(f"margin {position}: codes must be integers 0 … L-1")
        target = np.asarray(totals, dtype=np.float64)
        if len(code) != len(w):
            raise OptionError(f"margin {position} has {len(code)} codes for {len(w)} weights")
        if (code < 0).any() or (code >= len(target)).any():
            raise OptionError(f"margin {position}: a code is outside 0 … {len(target) - 1}")
        if not np.isfinite(target).all() or (target <= 0).any():
            raise OptionError(f"margin {position}: every population total must be > 0")
        empty = np.bincount(code, minlength=len(target)) == 0
        if empty.any():
            raise OptionError(
                f"margin {position}: level {int(np.flatnonzero(empty)[0])} has a population "
                "total but no respondents (an empty cell); merge it with a neighbouring level"
            )
        coded.append((code.astype(np.int64), target))
    grand = [float(t.sum()) for _, t in coded]
    if max(grand) - min(grand) > 1e-9 * max(grand):
        raise OptionError(
            f"the margins' totals differ ({', '.join(f'{g:g}' for g in grand)}); every margin "
            "must add up to the same population"
        )

    def error(current: FloatArray) -> float:
        return max(
            float(np.abs(np.bincount(c, weights=current, minlength=len(t)) - t).max())
            for c, t in coded
        )

    iterations = 0
    worst = error(w)
    while worst > tol * grand[0] and iterations < max_iter:
        for code, target in coded:
            w = w * (target / np.bincount(code, weights=w, minlength=len(target)))[code]
        iterations += 1
        worst = error(w)
    converged = worst <= tol * grand[0]
    if not converged:
        warnings.warn(
            f"raking did not meet the margins in {max_iter} sweeps (largest error {worst:g}); "
            "raise max_iter, or check that the margins can be met together",
            DataQualityWarning,
            stacklevel=2,
        )
    return Raking(w, iterations, worst, converged)
