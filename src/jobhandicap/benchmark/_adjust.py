r"""Outcomes adjusted for framework conditions: observed against expected counts per unit.

A jobcentre's job-entry rate depends on its population and labour market, which it does not
choose. This module says how many job entries each unit would have had *given its framework
conditions* — by a binomial or Poisson GLM of job entry on unit-level conditions fitted over
all units (:func:`jobhandicap.stats.fit_glm`), or model-free by indirect standardisation on
strata — and sets the observed count against it: the ratio :math:`O/E` with its exact
interval and p-value (:func:`expected_outcomes`, whose result is an
:class:`ExpectedOutcomes`). :func:`~jobhandicap.benchmark.funnel` and
:func:`~jobhandicap.benchmark.best_practice` take the expected counts (``expected=``), and
:func:`~jobhandicap.benchmark.compare_groups` compares the ratios between groups.

Reduce, then infer: the rows (one per unit and year, say) are the observations of the model;
the observed and expected counts are then summed per unit, and the intervals and tests run on
those sums.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import check_columns
from jobhandicap._options import check_choice, check_level, warn_small_bases
from jobhandicap.benchmark._units import (
    numeric_column,
    refuse_result_names,
    row_problems,
    unit_counts,
    unit_labels,
)
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
    SchemaError,
    UnknownLabelError,
    problems_frame,
)
from jobhandicap.stats import GLMFit, fit_glm, poisson_interval, poisson_test, z_value
from jobhandicap.stats._core import FloatArray, lazy_module

_sps = lazy_module("scipy.stats")

__all__ = ["ExpectedOutcomes", "expected_outcomes"]

_EXPECTED = "__expected__"

#: The result columns of :attr:`ExpectedOutcomes.units` after the unit columns.
RATIO_COLUMNS = (
    "n",
    "count",
    "expected",
    "ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "share",
    "expected_share",
)
#: The columns of :attr:`ExpectedOutcomes.coefficients`.
COEFFICIENT_COLUMNS = ("term", "coefficient", "se", "ci_low", "ci_high", "z", "p_value")


@attrs.frozen(kw_only=True, eq=False)
class ExpectedOutcomes:
    r"""The result of :func:`expected_outcomes`.

    Attributes
    ----------
    units
        One row per unit (sorted by the unit columns): the unit column(s), ``n`` (the summed
        total, persons), ``count`` (observed, :math:`O`), ``expected`` (:math:`E`),
        ``ratio`` (:math:`O/E`), ``ci_low``, ``ci_high`` (its exact interval), ``p_value``
        (exact test of :math:`O` against :math:`E`), ``share`` (the raw rate :math:`O/n`) and
        ``expected_share`` (:math:`E/n`, the rate expected of the unit).
    overall
        One row for all units together, with the same columns (no unit columns). With a GLM
        that has an intercept :math:`\sum E = \sum O`, so its ratio is 1.
    coefficients
        One row per term of the model: ``term``, ``coefficient``, ``se``, ``ci_low``,
        ``ci_high`` (Wald interval at ``level``), ``z`` and ``p_value``. A covariate without
        variation is left out of the model and shown with NaN. With indirect standardisation
        one row per stratum instead: ``term`` (the stratum), ``coefficient`` (its reference
        rate) and NaN elsewhere.
    method
        How the expected counts were obtained, in words.
    fit
        The fitted :class:`~jobhandicap.stats.GLMFit` (deviance, Pearson :math:`X^2`, AIC,
        df, fitted values per row), or ``None`` for indirect standardisation.
    """

    units: pd.DataFrame
    overall: pd.DataFrame
    coefficients: pd.DataFrame
    method: str
    fit: GLMFit | None

    def __repr__(self) -> str:
        return (
            f"ExpectedOutcomes(units={len(self.units)} rows, coefficients="
            f"{len(self.coefficients)} rows, method={self.method!r})"
        )


def _names(value: str | Sequence[str] | None, what: str) -> list[str]:
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(name, str) for name in names):
        raise ArgumentTypeError(f"{what} must name columns (strings), got {value!r}")
    if len(set(names)) != len(names):
        raise OptionError(f"{what} names a column twice: {names}")
    return names


def _covariate_matrix(frame: pd.DataFrame, names: list[str]) -> FloatArray:
    """The covariates as a float matrix; every missing or infinite cell is a problem."""
    columns = [numeric_column(frame, name, "outcomes") for name in names]
    checks = [
        (name, values, ~np.isfinite(values), "a covariate must be a finite number, not missing")
        for name, values in zip(names, columns, strict=True)
    ]
    problems = row_problems(frame, checks)
    if problems:
        raise SchemaError(
            "the covariates of the outcomes cannot be used", problems_frame(problems)
        )
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


def _stratum_rates(
    frame: pd.DataFrame,
    strata: str,
    x: FloatArray,
    n: FloatArray,
    rates: Mapping[Hashable, float] | None,
) -> tuple[FloatArray, pd.DataFrame, str]:
    """Each row's reference rate, the table of rates, and the words for the method."""
    labels = frame[strata]
    missing = labels.isna().to_numpy(dtype=bool)
    if missing.any():
        raise SchemaError(
            "the strata of the outcomes cannot be used",
            problems_frame(
                row_problems(
                    frame,
                    [(strata, np.full(len(frame), np.nan), missing, "the stratum is missing")],
                )
            ),
        )
    codes, uniques = pd.factorize(labels, sort=True)
    if rates is None:
        events = np.bincount(codes, weights=x, minlength=len(uniques))
        persons = np.bincount(codes, weights=n, minlength=len(uniques))
        if (persons <= 0).any():
            empty = [str(uniques[i]) for i in np.flatnonzero(persons <= 0).tolist()]
            raise JobhandicapError(
                f"strata {empty} have no persons; their reference rate is undefined"
            )
        table = events / persons
        words = "internal reference rates (each stratum's pooled rate over all units)"
    else:
        if not isinstance(rates, Mapping):
            raise ArgumentTypeError(
                f"rates must map each stratum to its reference rate, got {type(rates).__name__}"
            )
        table = np.empty(len(uniques))
        for i, label in enumerate(uniques.tolist()):
            if label not in rates:
                raise UnknownLabelError(
                    label,
                    f"stratum of column {strata!r} (no reference rate given)",
                    [str(k) for k in rates],
                )
            try:
                table[i] = float(rates[label])
            except (TypeError, ValueError) as exc:
                raise ArgumentTypeError(
                    f"the reference rate of stratum {label!r} must be a number, got "
                    f"{rates[label]!r}"
                ) from exc
        bad = ~(np.isfinite(table) & (table >= 0.0))
        if bad.any():
            raise OptionError(
                "reference rates must be finite and at least 0; got "
                f"{dict(zip(uniques[bad].tolist(), table[bad].tolist(), strict=True))}"
            )
        words = "given reference rates"
    coefficients = pd.DataFrame(
        {
            "term": pd.Series([str(u) for u in uniques.tolist()], dtype="string"),
            "coefficient": table,
            **{c: np.full(len(uniques), np.nan) for c in COEFFICIENT_COLUMNS[2:]},
        }
    )
    return table[codes], coefficients, f"indirect standardisation on {strata!r}, {words}"


def _glm(
    frame: pd.DataFrame,
    names: list[str],
    family: Literal["binomial", "poisson"],
    x: FloatArray,
    n: FloatArray,
    level: float,
) -> tuple[FloatArray, pd.DataFrame, str, GLMFit]:
    """Fitted expected counts per row, the coefficients, the method's words and the fit."""
    design = _covariate_matrix(frame, names)
    used = n > 0  # rows without persons carry no information and expect nothing
    if used.sum() < 2:
        raise JobhandicapError("the model needs at least two rows with persons")
    constant = np.array([np.ptp(design[used, j]) == 0 for j in range(design.shape[1])], dtype=bool)
    if constant.any():
        dropped = [names[j] for j in np.flatnonzero(constant).tolist()]
        warnings.warn(
            f"covariate(s) {dropped} do not vary between the units; they are left out of the "
            "model (the intercept absorbs them) and their coefficient is NaN",
            DataQualityWarning,
            stacklevel=3,
        )
    kept = [names[j] for j in np.flatnonzero(~constant).tolist()]
    columns = design[used][:, ~constant]
    if family == "binomial":
        fit = fit_glm(x[used], columns, family="binomial", total=n[used], terms=kept)
    else:
        fit = fit_glm(x[used], columns, family="poisson", offset=np.log(n[used]), terms=kept)
    expected = np.zeros(len(frame))
    expected[used] = fit.fitted
    half = z_value(level) * fit.standard_errors
    z = fit.coefficients / fit.standard_errors
    coefficients = pd.DataFrame(
        {
            "term": fit.terms,
            "coefficient": fit.coefficients,
            "se": fit.standard_errors,
            "ci_low": fit.coefficients - half,
            "ci_high": fit.coefficients + half,
            "z": z,
            "p_value": 2.0 * _sps.norm.sf(np.abs(z)),
        }
    )
    if constant.any():
        nan = dict.fromkeys(COEFFICIENT_COLUMNS[1:], np.nan)
        extra = pd.DataFrame([{"term": name, **nan} for name in names if name not in kept])
        coefficients = pd.concat([coefficients, extra], ignore_index=True)
        order = {name: i for i, name in enumerate(["intercept", *names])}
        coefficients = coefficients.sort_values(
            "term", key=lambda s: s.map(order), kind="stable"
        ).reset_index(drop=True)
    coefficients = coefficients.astype({"term": "string"})
    link = "logit" if family == "binomial" else "log, offset log(persons)"
    on = ", ".join(kept) if kept else "the intercept only"
    return expected, coefficients, f"{family} GLM ({link}) on {on}", fit


def _ratio_columns(n: FloatArray, x: FloatArray, e: FloatArray, level: float) -> dict[str, Any]:
    interval = poisson_interval(x, exposure=e, level=level)
    return {
        "n": n.astype(np.int64),
        "count": x.astype(np.int64),
        "expected": e,
        "ratio": x / e,
        "ci_low": interval.ci_low,
        "ci_high": interval.ci_high,
        "p_value": poisson_test(x, e),
        "share": x / n,
        "expected_share": e / n,
    }


def expected_outcomes(
    outcomes: pd.DataFrame,
    covariates: str | Sequence[str] | None = None,
    *,
    family: Literal["binomial", "poisson"] = "binomial",
    count: str = "entered_job",
    total: str = "persons",
    unit: str | Sequence[str] | None = "jobcentre",
    strata: str | None = None,
    rates: Mapping[Hashable, float] | None = None,
    level: float = DEFAULT_LEVEL,
) -> ExpectedOutcomes:
    r"""Observed against expected outcomes per unit, given conditions it does not choose.

    Parameters
    ----------
    outcomes
        One or more rows per unit (the canonical outcomes frame: one per jobcentre and year)
        with the count and total columns and the covariates or the stratum column. Not
        modified.
    covariates
        The unit-level framework conditions to adjust for (numeric columns, such as
        ``social_assistance_share`` and ``unemployment_rate``); each row's own values are
        used. ``None`` or ``[]``: the intercept only, which gives every unit the pooled rate
        — the raw comparison. Make indicator (0/1) columns of a categorical condition first.
    family
        ``"binomial"`` (default): a logistic regression of ``count`` out of ``total``;
        ``"poisson"``: a log-linear model of ``count`` with offset :math:`\log` ``total``.
    count, total
        The observed count (job entries) and the persons it is out of, whole numbers with
        ``0 <= count <= total``.
    unit
        The unit column(s): rows of a unit are summed after the model is fitted on the rows.
        ``None``: every row is a unit.
    strata
        Instead of a model, indirect standardisation: the column naming each row's stratum
        (age group, benefit group); the rows are then one per unit (and year) and stratum.
        Not together with ``covariates``.
    rates
        With ``strata``: the reference rate of each stratum (a mapping from the stratum
        label to a rate); by default each stratum's pooled rate over all units (internal
        standardisation).
    level
        Confidence level of the ratios' exact intervals and of the coefficients' Wald
        intervals.

    Returns
    -------
    ExpectedOutcomes
        ``units`` (one row per unit: ``n``, ``count``, ``expected``, ``ratio``, ``ci_low``,
        ``ci_high``, ``p_value``, ``share``, ``expected_share``), ``overall`` (the same for
        all units together), ``coefficients`` (the model's terms with their standard errors),
        ``method`` and ``fit``; see :class:`ExpectedOutcomes`.

    Raises
    ------
    MissingColumnsError
        If a named column is missing.
    SchemaError
        If a count or total is bad (see :func:`funnel`), a covariate is missing, infinite or
        not a number, or a stratum is missing (``problems`` lists every such row).
    UnknownLabelError
        If ``rates`` gives no rate for a stratum present in the data.
    OptionError
        If ``family`` is unknown, ``covariates`` and ``strata`` are both given, a reference
        rate is negative, or ``level`` is not in (0, 1).
    JobhandicapError
        If the model cannot be fitted: covariates linearly dependent (rank deficient),
        separation, or no convergence (see :func:`jobhandicap.stats.fit_glm`); or fewer than
        two units.

    Warns
    -----
    SmallSampleWarning
        When a unit has fewer than 30 persons.
    DataQualityWarning
        When a covariate does not vary: it is left out of the model.

    Notes
    -----
    **Model** (``covariates``). The rows :math:`r` are fitted by maximum likelihood,
    :math:`\operatorname{logit} p_r = x_r^\top\beta` with :math:`O_r \sim
    \mathrm{Bin}(n_r, p_r)`, or :math:`\log\mu_r = \log n_r + x_r^\top\beta` with
    :math:`O_r \sim \mathrm{Poisson}(\mu_r)`; the expected count of a row is its fitted
    count, :math:`E_r = n_r\hat p_r` or :math:`\hat\mu_r`. With the intercept (always in)
    the expected counts sum to the observed ones, so the overall ratio is 1 and a unit's
    ratio says how it does *against units like it*. With no covariates :math:`E_r = n_r
    \sum O / \sum n`, the raw comparison.

    **Indirect standardisation** (``strata``): :math:`E_r = \lambda_{s(r)} n_r`, the
    reference rate of the row's stratum times its persons; :math:`\lambda_s` is given, or
    :math:`\sum_{r \in s} O_r / \sum_{r \in s} n_r` (internal).

    **Per unit** :math:`i`: :math:`O_i = \sum_{r \in i} O_r`, :math:`E_i = \sum_{r \in i}
    E_r`, the ratio :math:`O_i/E_i` (the standardised ratio, SMR); its exact (Garwood)
    interval :math:`[\chi^2_{a/2}(2O)/2,\ \chi^2_{1-a/2}(2O + 2)/2]/E` (with :math:`E`
    treated as fixed; :func:`jobhandicap.stats.poisson_interval`) and the exact two-sided
    p-value of R's ``poisson.test(O, E)`` (:func:`jobhandicap.stats.poisson_test`).
    epitools' ``ageadjust.indirect`` gives the same ratio with a log-normal interval,
    :math:`\exp(\ln\mathrm{SMR} \pm z/\sqrt O)`, which this function does not use.

    Coefficients have Wald intervals :math:`\hat\beta \pm z\,\mathrm{SE}` and
    :math:`p = 2\Phi(-|\hat\beta/\mathrm{SE}|)`, with dispersion 1; compare ``fit.deviance``
    and ``fit.pearson_chi2`` with ``fit.df_residual`` for overdispersion.

    References
    ----------
    Breslow, N. E. and Day, N. E. (1987). *Statistical Methods in Cancer Research, vol. II:
    The Design and Analysis of Cohort Studies*. IARC, ch. 2 and 4 (indirect standardisation,
    the SMR and its exact interval).

    McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman and
    Hall.

    Examples
    --------
    The twelve jobcentres of the reference values, with the share on social assistance and
    the unemployment rate:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "jobcentre": range(1, 13),
    ...     "persons": [84, 156, 63, 210, 118, 95, 142, 77, 188, 59, 131, 104],
    ...     "entered_job": [45, 65, 25, 72, 49, 38, 70, 41, 95, 20, 60, 42],
    ...     "sa_share": [19.1, 20.4, 19.3, 29.4, 21.5, 20.5, 14.3, 20.2, 18.3, 21.4, 28.5,
    ...                  13.4],
    ...     "unemp": [5.8, 6.4, 5.5, 6.1, 10.5, 6.3, 9.3, 3.8, 5.7, 8.8, 6.9, 10.2]})
    >>> result = expected_outcomes(frame, ["sa_share", "unemp"])
    >>> result.coefficients[["term", "coefficient", "se"]].round(6)
            term  coefficient        se
    0  intercept     0.875031  0.378494
    1   sa_share    -0.033311  0.011410
    2      unemp    -0.061027  0.030375
    >>> columns = ["jobcentre", "count", "expected", "ratio", "ci_low", "ci_high"]
    >>> result.units[columns].head(3).round(4)
       jobcentre  count  expected   ratio  ci_low  ci_high
    0          1     45   39.5843  1.1368  0.8292   1.5211
    1          2     65   70.4159  0.9231  0.7124   1.1765
    2          3     25   29.8711  0.8369  0.5416   1.2355
    """
    level = check_level(level)
    check_choice("family", family, ("binomial", "poisson"))
    names = _names(covariates, "covariates")
    if strata is not None and not isinstance(strata, str):
        raise ArgumentTypeError(f"strata must name one column, got {strata!r}")
    if strata is not None and names:
        raise OptionError(
            "give either covariates (a model) or strata (indirect standardisation), not both"
        )
    if rates is not None and strata is None:
        raise OptionError("rates= are the reference rates of the strata; give strata= too")
    keys = _names(unit, "unit")
    refuse_result_names(keys, RATIO_COLUMNS, "expected_outcomes")
    clash = [c for c in [*names, *([strata] if strata else [])] if c in (*keys, count, total)]
    if clash:
        raise OptionError(
            f"column {clash[0]!r} cannot be both a covariate or stratum and a unit, count "
            "or total column"
        )
    check_columns(
        outcomes, [*keys, count, total, *names, *([strata] if strata else [])], "outcomes"
    )
    units, x_unit, n_unit = unit_counts(
        outcomes, count, total, unit, what="outcomes", binomial=True, whole=True
    )
    x = numeric_column(outcomes, count, "outcomes")
    n = numeric_column(outcomes, total, "outcomes")
    fit: GLMFit | None = None
    if strata is not None:
        row_rates, coefficients, method = _stratum_rates(outcomes, strata, x, n, rates)
        expected = row_rates * n
    else:
        expected, coefficients, method, fit = _glm(outcomes, names, family, x, n, level)
    scratch = pd.DataFrame({_EXPECTED: expected, total: n}, index=outcomes.index)
    for key in keys:
        scratch[key] = outcomes[key]
    _, e_unit, _ = unit_counts(
        scratch, _EXPECTED, total, unit, what="outcomes", binomial=False, whole=False
    )
    zero = np.flatnonzero(e_unit <= 0)
    if zero.size:
        raise JobhandicapError(
            f"units {[unit_labels(units)[i] for i in zero[:5].tolist()]} expect no outcome "
            "at all (a reference rate of 0?); their ratio is undefined"
        )
    warn_small_bases(n_unit, "persons", labels=unit_labels(units), stacklevel=2)
    table = pd.concat([units, pd.DataFrame(_ratio_columns(n_unit, x_unit, e_unit, level))], axis=1)
    total_row = _ratio_columns(
        np.array([n_unit.sum()]), np.array([x_unit.sum()]), np.array([e_unit.sum()]), level
    )
    return ExpectedOutcomes(
        units=table,
        overall=pd.DataFrame(total_row),
        coefficients=coefficients.reset_index(drop=True),
        method=method,
        fit=fit,
    )
