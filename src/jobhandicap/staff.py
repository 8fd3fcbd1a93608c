"""Staff-survey scales: scores, reliability, associations and group means.

A staff survey asks caseworkers several items per construct — knowledge of the compensation
schemes, belief in the citizen's chance of a job. A :class:`Scale` says which items make a
construct, which are reverse-worded and how many answers a score needs. From the canonical long
staff frame (``respondent``, ``jobcentre``, ``item``, ``value``) this module computes the scale
scores, their reliability (Cronbach's α with Feldt's interval, McDonald's ω), associations
between scales (Fisher or cluster-bootstrap intervals, since staff are nested in jobcentres),
how alike colleagues answer (:func:`icc`: the intraclass correlation and design effect)
and group means (for example by the jobcentre's strategy type, a column the caller joins).

Reduce, then infer: :func:`reduce_cross_products` reduces rows of numbers (scored items, or
scale scores) to counts, sums and sums of cross-products per group and pair of columns, built
on :func:`jobhandicap._reduce.grouped_sums`; α, ω, correlations, means and their intervals are
computed from that table. The cluster bootstraps resample the jobcentres' reduced sums, not
rows: a matrix product of the draw counts and the per-jobcentre sums. What needs rows says so:
a respondent's scale score (its minimum of answered items) and ranks for Spearman's
correlation.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap._grouping import as_by, check_columns
from jobhandicap._options import (
    Seed,
    check_choice,
    check_count,
    check_level,
    generator,
    warn_small_bases,
)
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats import (
    bootstrap_interval,
    fisher_interval,
    mcdonald_omega_from_correlation,
    z_value,
)
from jobhandicap.stats._core import FloatArray, factorize_groups, lazy_module
from jobhandicap.stats.clustering import cluster_anova, design_effect, intraclass_correlation
from jobhandicap.stats.design import estimate_from
from jobhandicap.survey._design import SurveyDesign, check_design, design_arrays

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")

__all__ = ["Scale", "association", "icc", "reliability", "scale_means", "scale_scores"]

Method = Literal["pearson", "spearman"]


def _to_items(value: Sequence[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Scale:
    """A multi-item scale of a staff survey.

    Parameters
    ----------
    name
        Name of the score column, e.g. ``"knowledge"``.
    items
        Item ids that make the scale.
    reversed
        Items worded in the opposite direction; scored ``minimum + maximum - x``.
    minimum, maximum
        The answer range, 1–5 by default.
    min_answered
        How many items a respondent must answer to get a score; by default at least half of
        them (rounded up).

    Examples
    --------
    >>> Scale("belief", ["belief_1", "belief_2", "belief_3"], reversed=["belief_3"])
    Scale(name='belief', items=('belief_1', 'belief_2', 'belief_3'), reversed=('belief_3',), \
minimum=1.0, maximum=5.0, min_answered=2)
    """

    name: str
    items: tuple[str, ...] = attrs.field(converter=_to_items)
    reversed: tuple[str, ...] = attrs.field(default=(), converter=_to_items, kw_only=True)
    minimum: float = attrs.field(default=1.0, converter=float, kw_only=True)
    maximum: float = attrs.field(default=5.0, converter=float, kw_only=True)
    min_answered: int = attrs.field(kw_only=True)

    @min_answered.default
    def _half_of_items(self) -> int:
        return max(1, math.ceil(len(self.items) / 2))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ArgumentTypeError(f"a scale needs a non-empty name, got {self.name!r}")
        if not self.items:
            raise OptionError(f"scale {self.name!r} needs at least one item")
        if len(set(self.items)) != len(self.items):
            raise OptionError(f"scale {self.name!r} lists an item twice: {self.items}")
        stray = [i for i in self.reversed if i not in self.items]
        if stray:
            raise OptionError(
                f"scale {self.name!r}: reversed item(s) {stray} are not among its items"
            )
        if not self.minimum < self.maximum:
            raise OptionError(
                f"scale {self.name!r}: minimum {self.minimum} must be below maximum {self.maximum}"
            )
        if not 1 <= self.min_answered <= len(self.items):
            raise OptionError(
                f"scale {self.name!r}: min_answered must be from 1 to {len(self.items)}, "
                f"got {self.min_answered}"
            )


class _ItemMatrix:
    """The long staff frame reduced to a respondents × items matrix (NaN = not answered)."""

    def __init__(self, staff: pd.DataFrame) -> None:
        check_columns(staff, ["respondent", "jobcentre", "item", "value"], "staff")
        respondent_codes, respondents = pd.factorize(staff["respondent"], sort=True)
        item_codes, items = pd.factorize(staff["item"], sort=True)
        if (respondent_codes < 0).any() or (item_codes < 0).any():
            raise JobhandicapError("staff has rows without a respondent or an item")
        flat = respondent_codes.astype(np.int64) * len(items) + item_codes
        if len(np.unique(flat)) != len(flat):
            first = int(np.flatnonzero(pd.Series(flat).duplicated().to_numpy())[0])
            raise JobhandicapError(
                f"respondent {staff['respondent'].iloc[first]!r} answered item "
                f"{staff['item'].iloc[first]!r} twice (row {staff.index[first]}); "
                "a staff frame has one answer per respondent and item"
            )
        values = staff["value"].to_numpy(dtype=np.float64, na_value=np.nan)
        matrix = np.full((len(respondents), len(items)), np.nan)
        matrix[respondent_codes, item_codes] = values
        jobcentre = pd.Series(staff["jobcentre"].to_numpy(), index=respondent_codes)
        per_respondent = jobcentre.groupby(level=0).nunique()
        if (per_respondent > 1).any():
            who = respondents[int(per_respondent.index[per_respondent.to_numpy() > 1][0])]
            raise JobhandicapError(f"respondent {who!r} is recorded in two jobcentres")
        self.respondents = respondents
        self.jobcentres = jobcentre.groupby(level=0).first().sort_index().to_numpy()
        self.items = [str(i) for i in items]
        self.matrix = matrix

    def scored(self, scale: Scale) -> FloatArray:
        """Return the scale's item columns with reversed items recoded."""
        unknown = [i for i in scale.items if i not in self.items]
        if unknown:
            raise OptionError(
                f"scale {scale.name!r} names item(s) {unknown} that the staff frame does not "
                f"have; it has {self.items}"
            )
        columns = self.matrix[:, [self.items.index(i) for i in scale.items]]
        answered = columns[~np.isnan(columns)]
        outside = (answered < scale.minimum) | (answered > scale.maximum)
        if outside.any():
            raise JobhandicapError(
                f"scale {scale.name!r} runs from {scale.minimum:g} to {scale.maximum:g} but an "
                f"answer is {answered[outside][0]:g}"
            )
        flip = np.array([i in scale.reversed for i in scale.items])
        return np.where(flip, scale.minimum + scale.maximum - columns, columns)


def _as_scales(scales: Scale | Sequence[Scale]) -> list[Scale]:
    listed = [scales] if isinstance(scales, Scale) else list(scales)
    if not all(isinstance(s, Scale) for s in listed):
        raise ArgumentTypeError("scales must be a Scale or a non-empty sequence of Scale")
    if not listed:
        raise OptionError("scales must be a Scale or a non-empty sequence of Scale")
    names = [s.name for s in listed]
    if len(set(names)) != len(names):
        raise OptionError(f"two scales share a name: {names}")
    return listed


def scale_scores(staff: pd.DataFrame, scales: Scale | Sequence[Scale]) -> pd.DataFrame:
    r"""Score every respondent on every scale.

    Parameters
    ----------
    staff
        Canonical long staff frame.
    scales
        One :class:`Scale` or several.

    Returns
    -------
    pandas.DataFrame
        One row per respondent (sorted): ``respondent``, ``jobcentre`` and one column per scale
        (NaN when fewer than ``min_answered`` items are answered).

    Notes
    -----
    A score is a per-respondent quantity (with its own minimum of answered items), so this
    function works on rows, not on a reduced table; its result is the input of
    :func:`association` and :func:`scale_means`, which reduce it.

    Score :math:`= \frac{1}{m}\sum_{j \in \text{answered}} x'_j` with
    :math:`x'_j = \text{minimum} + \text{maximum} - x_j` for reversed items, when
    :math:`m \ge` ``min_answered``.

    Examples
    --------
    >>> import pandas as pd
    >>> staff = pd.DataFrame({"respondent": ["s1", "s1", "s2", "s2"], "jobcentre": 101,
    ...                       "item": ["k1", "k2", "k1", "k2"], "value": [4.0, 2.0, 5.0, None]})
    >>> scale_scores(staff, Scale("knowledge", ["k1", "k2"], reversed=["k2"]))
      respondent  jobcentre  knowledge
    0         s1        101        4.0
    1         s2        101        5.0
    """
    listed = _as_scales(scales)
    matrix = _ItemMatrix(staff)
    result = pd.DataFrame(
        {
            "respondent": pd.array(np.asarray(matrix.respondents, dtype=object), dtype="string"),
            "jobcentre": matrix.jobcentres.astype(np.int64),
        }
    )
    for scale in listed:
        columns = matrix.scored(scale)
        answered = (~np.isnan(columns)).sum(axis=1)
        total = np.where(np.isnan(columns), 0.0, columns).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = total / answered
        result[scale.name] = np.where(answered >= scale.min_answered, score, np.nan)
    return result


#: Relative size below which a sum of squared deviations computed from sums counts as zero:
#: it is what rounding leaves of a zero in :math:`\sum x^2 - (\sum x)^2/n`.
_ROUNDING = 1e-12


def reduce_cross_products(
    frame: pd.DataFrame,
    columns: Sequence[str],
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Reduce rows of numbers to counts, sums and sums of cross-products per group.

    The reduction step of :func:`reliability` (over the scored items), :func:`association`
    and :func:`scale_means` (over scale scores, per group and per jobcentre for the cluster
    bootstrap): they infer from this table only.

    Parameters
    ----------
    frame
        One row per respondent, with the numeric ``columns`` and the ``by`` columns.
    columns
        The numeric columns (items or scores). A row counts only where every one of them is
        present (listwise deletion).
    by
        Grouping columns (a jobcentre, a strategy type); none for one group.

    Returns
    -------
    pandas.DataFrame
        One row per group and unordered pair of ``columns`` (a column paired with itself
        included), sorted by group and then in the order of ``columns``: the ``by`` columns,
        ``item_1`` and ``item_2`` (string: the pair's column names), ``n`` (int64: the
        group's rows with every column present, the same on all rows of a group), ``sum_1``
        and ``sum_2`` (:math:`\sum x_1`, :math:`\sum x_2`) and ``sum_product``
        (:math:`\sum x_1 x_2`; the sum of squares when ``item_1 == item_2``). Counts and
        sums only: the tables of parts that split the rows add up to the table of the whole
        (:func:`jobhandicap._reduce.combine` with keys ``by + ["item_1", "item_2"]``).

    Notes
    -----
    From the table of a group the covariance of columns :math:`i, j` is
    :math:`(\sum x_i x_j - \sum x_i \sum x_j / n)/(n - 1)`.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 2.0, None]})
    >>> reduce_cross_products(scores, ["x", "y"])
      item_1 item_2  n  sum_1  sum_2  sum_product
    0      x      x  2    3.0    3.0          5.0
    1      x      y  2    3.0    4.0          6.0
    2      y      y  2    4.0    4.0          8.0
    """
    names = list(columns)
    groups = as_by(by)
    check_columns(frame, [*names, *groups], "frame")
    values = _numbers(frame, names)
    complete = np.flatnonzero(~np.isnan(values).any(axis=1))
    rows = values[complete]
    first, second = np.triu_indices(len(names))
    sums = {f"sum_{i}": rows[:, i] for i in range(len(names))}
    products = {
        f"product_{p}": rows[:, i] * rows[:, j]
        for p, (i, j) in enumerate(zip(first, second, strict=True))
    }
    wide = grouped_sums({name: frame[name].iloc[complete] for name in groups}, sums | products)
    pairs = len(first)
    repeated = np.repeat(np.arange(len(wide)), pairs)
    total = wide[list(sums)].to_numpy(dtype=np.float64)
    result = wide[groups].iloc[repeated].reset_index(drop=True)
    result["item_1"] = pd.array(
        np.tile(np.asarray(names, dtype=object)[first], len(wide)), dtype="string"
    )
    result["item_2"] = pd.array(
        np.tile(np.asarray(names, dtype=object)[second], len(wide)), dtype="string"
    )
    result["n"] = wide["n"].to_numpy(dtype=np.int64)[repeated]
    result["sum_1"] = total[:, first].reshape(-1)
    result["sum_2"] = total[:, second].reshape(-1)
    result["sum_product"] = wide[list(products)].to_numpy(dtype=np.float64).reshape(-1)
    return result


def _numbers(frame: pd.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The columns as a float matrix (NaN where missing); a non-numeric column is refused."""
    try:
        return frame[list(columns)].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        for column in columns:
            try:
                frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError) as exc:
                raise ArgumentTypeError(f"column {column!r} must hold numbers") from exc
        raise


@attrs.frozen
class _Moments:
    """A table of :func:`reduce_cross_products` as arrays: one entry per group."""

    groups: pd.DataFrame  # the group keys, one row per group
    n: FloatArray  # (G,)
    sums: FloatArray  # (G, k)
    products: FloatArray  # (G, k, k), symmetric

    @classmethod
    def of(cls, table: pd.DataFrame, by: Sequence[str], columns: Sequence[str]) -> _Moments:
        names = pd.Index(list(columns))
        first = names.get_indexer(pd.Index(table["item_1"].astype("object")))
        second = names.get_indexer(pd.Index(table["item_2"].astype("object")))
        if by:
            codes = table.groupby(list(by), sort=True, observed=True).ngroup().to_numpy()
        else:
            codes = np.zeros(len(table), dtype=np.int64)
        count = int(codes.max()) + 1 if len(codes) else 0
        starts = np.unique(codes, return_index=True)[1]
        groups = table[list(by)].iloc[starts].reset_index(drop=True)
        k = len(names)
        n = np.zeros(count)
        sums = np.zeros((count, k))
        products = np.zeros((count, k, k))
        n[codes] = table["n"].to_numpy(dtype=np.float64)
        sums[codes, first] = table["sum_1"].to_numpy(dtype=np.float64)
        sums[codes, second] = table["sum_2"].to_numpy(dtype=np.float64)
        product = table["sum_product"].to_numpy(dtype=np.float64)
        products[codes, first, second] = product
        products[codes, second, first] = product
        return cls(groups, n, sums, products)

    def deviations(self) -> FloatArray:
        """Sums of squares and cross-products of deviations from the group means, (G, k, k)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            centred: FloatArray = (
                self.products
                - (self.sums[:, :, np.newaxis] * self.sums[:, np.newaxis, :])
                / self.n[:, np.newaxis, np.newaxis]
            )
        return centred


def _correlation_of_sums(sums: FloatArray) -> FloatArray:
    """Pearson r from rows of ``n, Σx, Σy, Σx², Σy², Σxy``; NaN where a column is constant."""
    n, sx, sy, sxx, syy, sxy = sums.T
    with np.errstate(invalid="ignore", divide="ignore"):
        dxx = sxx - sx * sx / n
        dyy = syy - sy * sy / n
        dxy = sxy - sx * sy / n
        flat = (dxx <= _ROUNDING * sxx) | (dyy <= _ROUNDING * syy)
        # |r| <= 1 exactly (Cauchy-Schwarz); sums of squares can round it past 1.
        r = np.clip(dxy / np.sqrt(dxx * dyy), -1.0, 1.0)
    return np.where(flat, np.nan, r)


def _percentile_limits(
    replicates: FloatArray, level: float, notes: list[str], where: str
) -> tuple[float, float]:
    """The percentile interval of bootstrap replicates; undefined replicates are left out."""
    finite = np.isfinite(replicates)
    if not finite.all():
        notes.append(
            f"the statistic was undefined (NaN or infinite) on {int((~finite).sum())} of "
            f"{replicates.size} bootstrap resamples{where}; they are left out of the interval"
        )
        replicates = replicates[finite]
    if replicates.size == 0:
        return float("nan"), float("nan")
    a = 1.0 - level
    low, high = np.quantile(replicates, [a / 2.0, 1.0 - a / 2.0])
    return float(low), float(high)


def _cluster_draws(clusters: int, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """How often each cluster is drawn in each resample: (n_boot, clusters)."""
    draws = rng.integers(0, clusters, size=(n_boot, clusters))
    flat = (np.arange(n_boot)[:, np.newaxis] * clusters + draws).reshape(-1)
    return (
        np.bincount(flat, minlength=n_boot * clusters).reshape(n_boot, clusters).astype(np.float64)
    )


def reliability(
    staff: pd.DataFrame, scale: Scale, *, level: float = DEFAULT_LEVEL
) -> pd.DataFrame:
    r"""Internal consistency of one scale: Cronbach's α with Feldt's interval and McDonald's ω.

    Parameters
    ----------
    staff
        Canonical long staff frame.
    scale
        The scale; reversed items are recoded first.
    level
        Confidence level of α's interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``scale``, ``n`` (respondents answering every item: listwise deletion),
        ``alpha``, ``ci_low``, ``ci_high``, ``omega``, ``items``. ``omega`` is missing (NaN)
        for a scale of 2 items (a one-factor model needs 3), when there are no more complete
        respondents than items, or when an item is constant.

    Raises
    ------
    OptionError
        For a scale of fewer than 2 items, items the staff frame does not have, or a bad
        ``level``.
    ArgumentTypeError
        When ``scale`` is not a :class:`Scale`.
    JobhandicapError
        When the total score has (next to) no variance: α is undefined.

    Warns
    -----
    DataQualityWarning
        Naming an item that is constant (it adds nothing to the scale), or that loads
        negatively on the common factor after the declared reversals — usually a
        reverse-worded item missing from ``Scale(reversed=...)``.
    SmallSampleWarning
        When fewer than :data:`~jobhandicap._defaults.SMALL_BASE` respondents answered every
        item (α is NaN below 2).

    Notes
    -----
    Reduce, then infer: the scored items of the complete respondents are reduced to
    :math:`n`, the item sums and the sums of cross-products (:func:`reduce_cross_products`);
    the covariance matrix :math:`C` of the items follows, with :math:`n - 1` in the
    denominator. :math:`\alpha = \frac{k}{k-1}\bigl(1 - \operatorname{tr}C/\mathbf 1^\top C
    \mathbf 1\bigr)`, the sum of the item variances over the variance of the total; Feldt's
    interval treats :math:`(1-\alpha)/(1-\hat\alpha)` as :math:`F(n-1, (n-1)(k-1))`. ω is
    :math:`(\sum\lambda)^2/((\sum\lambda)^2 + \sum\psi)` from a one-factor model fitted by
    maximum likelihood to the correlation matrix of :math:`C`
    (:func:`jobhandicap.stats.mcdonald_omega_from_correlation`).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334. Feldt, L. S. (1965). *Psychometrika* 30, 357–370.
    McDonald, R. P. (1999). *Test theory: a unified treatment*. Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = {"q1": [4, 5, 3, 4, 2, 5, 4, 3, 4, 5], "q2": [4, 4, 3, 5, 2, 5, 3, 3, 4, 4],
    ...            "q3": [3, 5, 2, 4, 1, 4, 4, 2, 3, 5], "q4": [5, 4, 3, 4, 2, 5, 4, 3, 5, 4]}
    >>> staff = pd.DataFrame([{"respondent": f"s{r}", "jobcentre": 101, "item": q, "value": v}
    ...                       for q, values in answers.items() for r, v in enumerate(values)])
    >>> result = reliability(staff, Scale("k", list(answers)))  # warns: 10 respondents
    >>> result[["scale", "n", "alpha", "ci_low", "ci_high"]]
      scale   n     alpha    ci_low   ci_high
    0     k  10  0.920354  0.790463  0.977780
    """
    if not isinstance(scale, Scale):
        raise ArgumentTypeError(f"scale must be a Scale, got {type(scale).__name__}")
    level = check_level(level)
    items = list(scale.items)
    scored = pd.DataFrame(_ItemMatrix(staff).scored(scale), columns=items)
    if len(items) < 2:
        raise OptionError(f"reliability needs a scale of 2 items or more; {scale.name!r}")
    moments = _Moments.of(reduce_cross_products(scored, items), (), items)
    n, k = float(moments.n[0]), len(items)
    warn_small_bases([n], "respondents answering every item", labels=[scale.name])
    alpha = low = high = omega = float("nan")
    if n >= 2:
        cov = moments.deviations()[0] / (n - 1.0)
        variances = np.diag(cov)
        item_variance, total_variance = float(variances.sum()), float(cov.sum())
        if not total_variance > math.sqrt(np.finfo(np.float64).eps) * item_variance:
            raise JobhandicapError(
                f"the total score has (next to) zero variance over the {int(n)} complete rows "
                "(every respondent has the same total, or the items cancel out); alpha is "
                "undefined. It needs totals that vary: check for a reverse-worded item that "
                "was not reverse-coded"
            )
        squares = np.diag(moments.products[0])
        constant = np.flatnonzero(~(variances * (n - 1.0) > _ROUNDING * squares))
        if constant.size:
            listed = ", ".join(repr(items[i]) for i in constant)
            warnings.warn(
                f"item{'s' if constant.size > 1 else ''} {listed} "
                f"{'is' if constant.size == 1 else 'are'} constant over the {int(n)} complete "
                "rows (every respondent gave the same answer): a constant item adds nothing to "
                "the scale but still counts among its k items, which shrinks alpha toward 0; "
                "check the item (a coding error, or a question nobody disagreed with) or leave "
                "it out",
                DataQualityWarning,
                stacklevel=2,
            )
        alpha = k / (k - 1) * (1.0 - item_variance / total_variance)
        a = 1.0 - level
        df1, df2 = n - 1.0, (n - 1.0) * (k - 1)
        low = 1.0 - (1.0 - alpha) * float(sps.f.ppf(1.0 - a / 2.0, df1, df2))
        high = 1.0 - (1.0 - alpha) * float(sps.f.ppf(a / 2.0, df1, df2))
        # ω needs 3 items or more, each varying (its correlations), and more respondents
        # than items.
        if k >= 3 and n > k and constant.size == 0:
            sd = np.sqrt(variances)
            corr = pd.DataFrame(cov / np.outer(sd, sd), index=items, columns=items)
            omega = mcdonald_omega_from_correlation(corr)
    return pd.DataFrame(
        {
            "scale": pd.array([scale.name], dtype="string"),
            "n": [int(n)],
            "alpha": [float(alpha)],
            "ci_low": [float(low)],
            "ci_high": [float(high)],
            "omega": [omega],
            "items": [k],
        }
    )


def _score_columns(scores: pd.DataFrame, by: str, value: str | Sequence[str] | None) -> list[str]:
    """The columns ``value`` names, or every numeric column but ``by`` and ``respondent``."""
    if value is not None:
        return [value] if isinstance(value, str) else list(value)
    skip = {by, "respondent"}
    numeric = [
        str(c)
        for c in scores.columns
        if c not in skip
        and pd.api.types.is_numeric_dtype(scores[c])
        and not pd.api.types.is_bool_dtype(scores[c])
    ]
    if not numeric:
        raise OptionError(
            f"scores has no numeric column besides {by!r} to compute an ICC of; name one "
            "with value=..."
        )
    return numeric


def icc(
    scores: pd.DataFrame,
    by: str = "jobcentre",
    *,
    value: str | Sequence[str] | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""How alike colleagues answer: the intraclass correlation of scores within clusters.

    Staff are nested in jobcentres: two caseworkers of one jobcentre share its management,
    training and culture, so their scores resemble each other more than two drawn at random.
    The intraclass correlation ICC(1) measures how much, and the design effect says how much
    less the staff are worth than as many independent answers when a mean (or a comparison of
    strategy types) is computed from them.

    Parameters
    ----------
    scores
        One row per respondent, e.g. from :func:`scale_scores`. Not modified.
    by
        The cluster column: the groups whose members resemble each other (``"jobcentre"``).
        Every row with a score needs one.
    value
        The score column(s). By default every numeric column except ``by`` and
        ``respondent`` (the scales of :func:`scale_scores`). Missing scores are left out.
    level
        Confidence level of the ICC's interval.

    Returns
    -------
    pandas.DataFrame
        One row per score column, in the order given: ``scale``, ``n`` (respondents with a
        score), ``clusters`` (clusters with a score), ``icc``, ``ci_low``, ``ci_high``
        (ICC(1) and its F interval), ``icc2`` (ICC(2), the reliability of a cluster's mean),
        ``p_value`` (F test of no clustering), ``mean_cluster_size`` (:math:`N/J`), ``k0``,
        ``deff`` (design effect of a mean, Kish's for unequal cluster sizes), ``n_effective``
        (:math:`N/\mathrm{deff}`) and ``method``. A scale whose ICC is undefined (fewer than
        2 clusters, no cluster with 2 respondents, or every score equal) has its ``n`` and
        ``clusters`` and NaN elsewhere.

    Raises
    ------
    MissingColumnsError
        For an unknown ``by`` or ``value`` column.
    ArgumentTypeError
        When a ``value`` column does not hold numbers, or ``by`` is not one column name.
    OptionError
        For a bad ``level``, no numeric column to use, or a score without a cluster.

    Warns
    -----
    SmallSampleWarning
        Once, naming each scale whose ICC is undefined and why; and once when an ICC rests on
        fewer than :data:`~jobhandicap._defaults.SMALL_BASE` respondents.

    Notes
    -----
    Reduce, then infer: the scores are reduced per scale and cluster to :math:`n_j`,
    :math:`\sum y` and :math:`\sum y^2`; everything follows from that table
    (:mod:`jobhandicap.stats.clustering`). ICC(1) is the one-way ANOVA estimator
    :math:`(MSB - MSW)/(MSB + (k_0 - 1)MSW)` with
    :math:`k_0 = (N - \sum n_j^2/N)/(J - 1)` for clusters of unequal size
    (:func:`jobhandicap.stats.intraclass_correlation`; the ``method`` column says so); R's
    ``multilevel::ICC1`` uses :math:`N/J` instead and REML differs again (METHODS.md §4.3:
    0.216542, 0.215276 and 0.216945). The interval is Searle's F interval with :math:`k_0`.
    ICC(1) can be negative. The design effect is
    :math:`1 + (\sum n_j^2/N - 1)\,\mathrm{ICC}`, which is
    :math:`1 + (\bar m(1 + CV^2) - 1)\,\mathrm{ICC}` with :math:`CV` the coefficient of
    variation of the cluster sizes (:func:`jobhandicap.stats.design_effect`).

    References
    ----------
    Searle, S. R. (1971). *Linear Models*, section 9.7. Wiley. Donner, A. (1986).
    *International Statistical Review* 54, 67–82. Kish, L. (1965). *Survey Sampling*. Wiley.
    Eldridge, S. M., Ashby, D. and Kerry, S. (2006). *International Journal of Epidemiology*
    35, 1292–1300.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = [2, 3, 4, 1, 2, 1, 4, 3, 3, 2, 3, 3, 3, 2, 5, 3, 3, 2, 2, 3, 3,
    ...            3, 4, 4, 4, 2, 4, 4, 3, 3, 4, 5, 3, 5, 3, 5, 4, 5, 5, 3, 2, 4]
    >>> sizes = [4, 6, 5, 7, 3, 6, 5, 6]
    >>> scores = pd.DataFrame({"jobcentre": [j for j, s in enumerate(sizes) for _ in range(s)],
    ...                        "knowledge": answers})
    >>> result = icc(scores)
    >>> result[["scale", "n", "clusters", "icc", "ci_low", "ci_high", "deff"]].round(6)
           scale   n  clusters       icc    ci_low   ci_high      deff
    0  knowledge  42         8  0.216542 -0.017995  0.647795  1.979593
    """
    level = check_level(level)
    if not isinstance(by, str):
        raise ArgumentTypeError(f"by must name one cluster column, got {by!r}")
    check_columns(scores, [by], "scores")
    names = _score_columns(scores, by, value)
    check_columns(scores, names, "scores")
    values = _numbers(scores, names)
    # Long form without melting the frame: (scale, row) pairs with a score.
    scale_index, rows = np.nonzero(~np.isnan(values.T))
    clusters = scores[by].iloc[rows]
    if clusters.isna().any():
        raise OptionError(
            f"the cluster column {by!r} is missing for some scores; every respondent with a "
            "score needs a cluster"
        )
    score = values[rows, scale_index]
    table = grouped_sums(
        {"scale": pd.Series(scale_index), "cluster": clusters.reset_index(drop=True)},
        {"sum": score, "square": score * score},
    )
    scale_of = table["scale"].to_numpy(dtype=np.int64)
    cluster_of = pd.factorize(table["cluster"], sort=True)[0]
    shape = (len(names), int(cluster_of.max()) + 1 if len(cluster_of) else 1)
    reduced = {}
    for column in ("n", "sum", "square"):
        matrix = np.zeros(shape)
        matrix[scale_of, cluster_of] = table[column].to_numpy(dtype=np.float64)
        reduced[column] = matrix
    n_j = reduced["n"]
    anova = cluster_anova(n_j, reduced["sum"], reduced["square"])
    estimate = intraclass_correlation(n_j, reduced["sum"], reduced["square"], level=level)
    deff = design_effect(estimate.icc, n_j)
    n = n_j.sum(axis=1)
    groups = (n_j > 0).sum(axis=1)
    undefined = np.isnan(estimate.icc)
    notes = []
    for k in np.flatnonzero(undefined):
        if groups[k] < 2:
            why = f"it needs scores in at least 2 clusters, got {int(groups[k])}"
        elif n[k] <= groups[k]:
            why = "no cluster has 2 scores"
        else:
            why = "every score is the same"
        notes.append(f"the ICC of {names[k]!r} is undefined: {why}")
    if notes:
        warnings.warn(
            "; ".join(notes) + "; its estimates are missing (NaN)",
            SmallSampleWarning,
            stacklevel=2,
        )
    warn_small_bases(
        n[~undefined], "scores", labels=[names[k] for k in np.flatnonzero(~undefined)]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_size = np.where(groups > 0, n / groups, np.nan)
        n_effective = n / deff
    return pd.DataFrame(
        {
            "scale": pd.array(names, dtype="string"),
            "n": n.astype(np.int64),
            "clusters": groups.astype(np.int64),
            "icc": estimate.icc,
            "ci_low": estimate.ci_low,
            "ci_high": estimate.ci_high,
            "icc2": estimate.icc2,
            "p_value": estimate.p_value,
            "mean_cluster_size": mean_size,
            "k0": anova.k0,
            "deff": deff,
            "n_effective": n_effective,
            "method": pd.array([_ICC_METHOD] * len(names), dtype="string"),
        }
    )


#: The ``method`` of :func:`icc`'s rows.
_ICC_METHOD = "one-way ANOVA with k0; F interval (Searle)"


def _pearson(sample: npt.NDArray[Any], axis: int) -> Any:
    """Pearson correlation of the two trailing columns, reducing ``axis`` (bootstrap form)."""
    x, y = sample[..., 0], sample[..., 1]
    x = x - x.mean(axis=axis, keepdims=True)
    y = y - y.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis) / np.sqrt((x * x).sum(axis) * (y * y).sum(axis))


def _spearman(sample: npt.NDArray[Any], axis: int) -> Any:
    return _pearson(sps.rankdata(sample, axis=axis), axis)


def _undefined_correlation(n: float, flat_x: bool, flat_y: bool, x: str, y: str) -> str:
    """Why a correlation of ``n`` complete pairs is undefined, or ``""`` when it is defined."""
    if n < 2:
        return f"it needs at least 2 complete pairs, got {int(n)}"
    constant = [name for name, flat in ((x, flat_x), (y, flat_y)) if flat]
    if constant:
        return (
            f"{' and '.join(map(repr, constant))} "
            f"{'is' if len(constant) == 1 else 'are'} constant over its {int(n)} complete pairs "
            "(a correlation needs variation in both columns)"
        )
    return ""


def _where(groups: Sequence[str], key: Sequence[object]) -> str:
    named = ", ".join(f"{g}={v!r}" for g, v in zip(groups, key, strict=True))
    return f" for {named}" if named else ""


def association(
    scores: pd.DataFrame,
    x: str,
    y: str,
    *,
    by: str | Sequence[str] | None = None,
    method: Method = "pearson",
    cluster: str | None = None,
    level: float = DEFAULT_LEVEL,
    n_boot: int = DEFAULT_N_BOOT,
    seed: Seed = DEFAULT_SEED,
) -> pd.DataFrame:
    r"""Correlation between two scores with its interval, optionally per group.

    Parameters
    ----------
    scores
        A frame with one row per respondent, e.g. from :func:`scale_scores`.
    x, y
        The two columns to correlate. Rows missing either are left out.
    by
        Optional grouping column(s), e.g. a strategy type the caller joined.
    method
        ``"pearson"`` or ``"spearman"`` (Pearson on ranks).
    cluster
        A column of cluster labels, e.g. ``"jobcentre"``: the interval is then a percentile
        bootstrap that resamples whole clusters, because staff in one jobcentre are not
        independent. Without it the interval is Fisher's.
    level
        Confidence level.
    n_boot
        Resamples of the cluster bootstrap
        (:data:`~jobhandicap._defaults.DEFAULT_N_BOOT` by default).
    seed
        An int or a :class:`numpy.random.Generator` (advanced) for the cluster bootstrap;
        :data:`~jobhandicap._defaults.DEFAULT_SEED` by default, so the interval is
        reproducible. ``None`` draws fresh entropy (not reproducible).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n``, ``r``, ``ci_low``, ``ci_high``, ``interval`` (the
        interval's method) and ``clusters`` (number of clusters, when clustered). A group
        with fewer than 2 complete pairs, or where ``x`` or ``y`` is constant, has a row with
        its ``n`` and a missing (NaN) ``r`` and interval; the other groups are unaffected and
        get what :func:`association` gives for them alone.

    Raises
    ------
    OptionError
        For a bad ``method``, ``level`` or ``n_boot``, or missing cluster labels.
    ArgumentTypeError
        When ``x`` or ``y`` does not hold numbers.
    MissingColumnsError
        For an unknown column.

    Warns
    -----
    SmallSampleWarning
        Once, naming each group whose correlation is undefined (and why) or whose interval
        cannot be had (Fisher's needs :math:`n > 3`, the bootstrap 2 clusters); and once
        when a group's correlation rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` pairs.

    Notes
    -----
    Reduce, then infer: the complete pairs are reduced per group (and per cluster) to
    :math:`n, \sum x, \sum y, \sum x^2, \sum y^2, \sum xy` (:func:`reduce_cross_products`)
    and :math:`r = S_{xy}/\sqrt{S_{xx}S_{yy}}` with :math:`S_{xy} = \sum xy - \sum x \sum y/n`.
    Fisher: :math:`\tanh(\operatorname{atanh} r \pm z\,s)`, :math:`s = 1/\sqrt{n-3}` for
    Pearson and Bonett & Wright's :math:`s = \sqrt{(1 + r^2/2)/(n-3)}` for Spearman.
    Cluster bootstrap: each resample draws the :math:`G` clusters with replacement; with
    :math:`W` the resamples × clusters matrix of draw counts and :math:`M` the clusters'
    reduced sums, the resamples' sums are :math:`WM` and each gives :math:`r^*`; the interval
    is the percentile interval of the :math:`r^*`. Spearman's correlation ranks the pairs
    (within each group, and again within each resample), which needs rows: its cluster
    bootstrap resamples rows (:func:`jobhandicap.stats.bootstrap_interval`).

    References
    ----------
    Fisher, R. A. (1921). *Metron* 1, 3–32. Bonett, D. G. and Wright, T. A. (2000).
    Sample size requirements for estimating Pearson, Kendall and Spearman correlations.
    *Psychometrika* 65, 23–28. Field, C. A. and Welsh, A. H. (2007). Bootstrapping clustered
    data. *JRSS B* 69, 369–390.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> knowledge = rng.normal(size=200)
    >>> scores = pd.DataFrame({"knowledge": knowledge,
    ...                        "belief": 0.5 * knowledge + rng.normal(size=200)})
    >>> association(scores, "knowledge", "belief").round(2)
         n     r  ci_low  ci_high interval  clusters
    0  200  0.49    0.37     0.59   fisher      <NA>
    """
    method = (
        "spearman"
        if check_choice("method", method, ("pearson", "spearman")) == "spearman"
        else "pearson"
    )
    level = check_level(level)
    n_boot = check_count(n_boot, "n_boot", minimum=1)
    groups = as_by(by)
    extra = [cluster] if cluster else []
    check_columns(scores, [x, y, *groups, *extra], "scores")
    values = _numbers(scores, [x, y])
    keep = np.flatnonzero(~np.isnan(values).any(axis=1))
    frame = scores[[*groups, *extra]].iloc[keep].copy()
    frame[x], frame[y] = values[keep, 0], values[keep, 1]
    if cluster is not None and frame[cluster].isna().any():
        raise OptionError(
            f"the cluster column {cluster!r} is missing for some complete pairs; every "
            "respondent needs a cluster"
        )
    if method == "spearman":
        # Ranks are a property of the whole group: computed on rows, before the reduction.
        ranker = frame.groupby(groups, observed=True) if groups else frame
        frame[x] = ranker[x].rank()
        frame[y] = ranker[y].rank()
    moments = _Moments.of(reduce_cross_products(frame, [x, y], groups), groups, [x, y])
    dev = moments.deviations()
    squares = moments.products
    flat_x = dev[:, 0, 0] <= _ROUNDING * squares[:, 0, 0]
    flat_y = dev[:, 1, 1] <= _ROUNDING * squares[:, 1, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        r_all = np.clip(dev[:, 0, 1] / np.sqrt(dev[:, 0, 0] * dev[:, 1, 1]), -1.0, 1.0)
    per_cluster = (
        _Moments.of(
            reduce_cross_products(frame, [x, y], [*groups, cluster]), [*groups, cluster], [x, y]
        )
        if cluster is not None and method == "pearson"
        else None
    )
    if per_cluster is not None:
        cluster_group = (
            per_cluster.groups.merge(
                moments.groups.assign(_group=np.arange(len(moments.groups))), on=groups
            )["_group"].to_numpy()
            if groups
            else np.zeros(len(per_cluster.groups), dtype=np.int64)
        )
        cluster_sums = np.column_stack(
            [
                per_cluster.n,
                per_cluster.sums[:, 0],
                per_cluster.sums[:, 1],
                per_cluster.products[:, 0, 0],
                per_cluster.products[:, 1, 1],
                per_cluster.products[:, 0, 1],
            ]
        )
    notes: list[str] = []
    rows = []
    # A loop over the handful of groups (strategy types), not over rows.
    for g in range(len(moments.groups)):
        key = tuple(moments.groups.iloc[g]) if groups else ()
        where = _where(groups, key)
        n = float(moments.n[g])
        undefined = _undefined_correlation(n, bool(flat_x[g]), bool(flat_y[g]), x, y)
        labels = None
        clusters: Any = pd.NA
        if cluster is not None:
            mask = np.ones(len(frame), dtype=bool)
            for name, value in zip(groups, key, strict=True):
                mask &= (frame[name] == value).to_numpy(dtype=bool, na_value=False)
            labels = frame[cluster].to_numpy()[mask]
            clusters = len(pd.unique(labels))
        kind = "fisher" if cluster is None else "cluster bootstrap"
        if undefined:
            notes.append(f"the correlation of {x!r} and {y!r}{where} is undefined: {undefined}")
            rows.append((*key, int(n), np.nan, np.nan, np.nan, kind, clusters))
            continue
        r = float(r_all[g])
        if cluster is None:
            if n <= 3:
                notes.append(f"Fisher's interval{where} needs more than 3 pairs, got {int(n)}")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SmallSampleWarning)
                if method == "spearman" and n > 3:
                    spread = math.sqrt((1 + r * r / 2) / (n - 3)) * z_value(level)
                    with np.errstate(divide="ignore"):
                        centre = np.arctanh(np.clip(r, -1.0, 1.0))
                    low, high = float(np.tanh(centre - spread)), float(np.tanh(centre + spread))
                else:
                    estimate = fisher_interval(np.clip(r, -1, 1), n, level=level)
                    low, high = float(estimate.ci_low), float(estimate.ci_high)
        elif clusters < 2:
            notes.append(f"the bootstrap{where} needs at least 2 clusters, got {clusters}")
            low = high = float("nan")
        elif per_cluster is not None:
            sums = cluster_sums[cluster_group == g]
            draws = _cluster_draws(len(sums), n_boot, generator(seed))
            replicates = _correlation_of_sums(draws @ sums)
            low, high = _percentile_limits(replicates, level, notes, where)
        else:
            pairs = frame.loc[mask, [x, y]].to_numpy(dtype=np.float64)
            boot = bootstrap_interval(
                pairs, _spearman, n_boot=n_boot, level=level, cluster=labels, seed=seed
            )
            low, high = float(boot.ci_low), float(boot.ci_high)
        rows.append((*key, int(n), r, low, high, kind, clusters))
    if notes:
        warnings.warn(
            "; ".join(notes) + "; their r or interval is missing (NaN)",
            SmallSampleWarning,
            stacklevel=2,
        )
    defined = ~(flat_x | flat_y) & (moments.n >= 2)
    warn_small_bases(
        moments.n[defined],
        "pairs",
        labels=[
            _where(groups, tuple(moments.groups.iloc[g]) if groups else ()).removeprefix(" for ")
            or "all"
            for g in np.flatnonzero(defined)
        ],
    )
    result = pd.DataFrame(
        rows, columns=[*groups, "n", "r", "ci_low", "ci_high", "interval", "clusters"]
    )
    result["clusters"] = result["clusters"].astype("Int64")
    result["interval"] = result["interval"].astype("string")
    result["n"] = result["n"].astype(np.int64)
    return result


def scale_means(
    scores: pd.DataFrame,
    scales: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    cluster: str | None = None,
    level: float = DEFAULT_LEVEL,
    n_boot: int = DEFAULT_N_BOOT,
    seed: Seed = DEFAULT_SEED,
    design: SurveyDesign | None = None,
) -> pd.DataFrame:
    r"""Mean of each score per group, with a t or cluster-bootstrap interval.

    Parameters
    ----------
    scores
        One row per respondent, e.g. :func:`scale_scores` joined with a jobcentre attribute
        such as the strategy type.
    scales
        The score column(s) to summarise.
    by
        Grouping column(s).
    cluster
        Optional cluster column (``"jobcentre"``): the interval is then a percentile bootstrap
        over clusters, since colleagues in one jobcentre answer alike.
    level
        Confidence level.
    n_boot, seed
        Resamples and seed of the cluster bootstrap, as for :func:`association`
        (reproducible by default).
    design
        For a sampled survey (one row per respondent with its design columns): its
        :class:`~jobhandicap.SurveyDesign`. The means are then weighted, with
        Taylor-linearised standard errors and the t interval with the design's degrees of
        freedom (PSUs minus strata). Not with ``cluster`` (name the clusters in the design).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``scale``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``sd``.
        With ``design``: ``mean`` and ``sd`` weighted, then ``se``, ``deff``, ``n_eff`` and
        ``method``.

    Warns
    -----
    SmallSampleWarning
        Once, when a mean rests on fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        scores (its interval is NaN below 2), and once for the bootstraps that cannot be had
        (fewer than 2 clusters).

    Notes
    -----
    Reduce, then infer: the scores are reduced per group, scale (and cluster) to
    :math:`n, \sum x, \sum x^2`. Without clusters:
    :math:`\bar x \pm t_{n-1, 1-a/2}\, s/\sqrt n`. With clusters, each resample draws the
    :math:`G` clusters with replacement and its mean is :math:`(W S)/(W N)` for the draw
    counts :math:`W` and the clusters' sums :math:`S` and counts :math:`N`; the interval is the
    percentile interval of these means. With ``design``: the weighted mean
    :math:`\sum w x / \sum w` with the variance of :func:`jobhandicap.stats.design_mean`
    (each group and scale a domain of the whole design) and
    :math:`\bar x \pm t_{df}\,SE` (R's ``confint(svymean(...), df = degf(design))``).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"knowledge": [3.0, 4.0, 5.0, 2.0, 3.0],
    ...                        "strategy": ["proactive"] * 3 + ["reactive"] * 2})
    >>> scale_means(scores, "knowledge", by="strategy").round(3)  # warns: small groups
        strategy      scale  n  mean  ci_low  ci_high     sd
    0  proactive  knowledge  3   4.0   1.516    6.484  1.000
    1   reactive  knowledge  2   2.5  -3.853    8.853  0.707
    """
    level = check_level(level)
    n_boot = check_count(n_boot, "n_boot", minimum=1)
    names = [scales] if isinstance(scales, str) else list(scales)
    groups = as_by(by)
    extra = [cluster] if cluster else []
    check_columns(scores, [*names, *groups, *extra], "scores")
    if design is not None:
        if cluster is not None:
            raise OptionError(
                "cluster and design do not go together: name the clusters in the design "
                "(SurveyDesign(clusters=...)) for a design-based interval"
            )
        return _design_means(scores, names, groups, check_design(design), level)
    long = scores.melt(
        id_vars=[*groups, *extra], value_vars=names, var_name="scale", value_name="value"
    ).dropna(subset=["value"])
    if cluster is not None and long[cluster].isna().any():
        raise OptionError(
            f"the cluster column {cluster!r} is missing for some scores; every respondent "
            "needs a cluster"
        )
    keys = [*groups, "scale"]
    value = _numbers(long, ["value"])[:, 0]
    moments = {"sum": value, "square": value * value}
    summary = grouped_sums({name: long[name] for name in keys}, moments)
    n = summary["n"].to_numpy(dtype=np.float64)
    total = summary["sum"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        squares = summary["square"].to_numpy(dtype=np.float64)
        deviations = squares - total * total / n
        deviations = np.where(deviations <= _ROUNDING * squares, 0.0, deviations)
        sd = np.sqrt(deviations / (n - 1))
        half = sps.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)
    low, high = mean - half, mean + half
    if cluster is not None:
        per_cluster = grouped_sums({name: long[name] for name in [*keys, cluster]}, {"sum": value})
        group_of = (
            per_cluster[keys]
            .merge(summary[keys].assign(_group=np.arange(len(summary))), on=keys)["_group"]
            .to_numpy()
        )
        notes: list[str] = []
        # Loop over the few groups × scales; each bootstrap is one matrix product.
        for index in range(len(summary)):
            part = per_cluster.loc[group_of == index]
            where = _where(keys, tuple(summary[keys].iloc[index]))
            if len(part) < 2:
                notes.append(f"the bootstrap{where} needs at least 2 clusters, got {len(part)}")
                low[index] = high[index] = np.nan
                continue
            draws = _cluster_draws(len(part), n_boot, generator(seed))
            with np.errstate(invalid="ignore", divide="ignore"):
                replicates = (draws @ part["sum"].to_numpy(np.float64)) / (
                    draws @ part["n"].to_numpy(np.float64)
                )
            low[index], high[index] = _percentile_limits(replicates, level, notes, where)
        if notes:
            warnings.warn(
                "; ".join(notes) + "; the interval is missing (NaN) there",
                SmallSampleWarning,
                stacklevel=2,
            )
    warn_small_bases(
        n,
        "scores",
        labels=[
            _where(keys, tuple(summary[keys].iloc[i])).removeprefix(" for ")
            for i in range(len(summary))
        ],
    )
    result = summary[keys].copy()
    result["scale"] = result["scale"].astype("string")
    result["n"] = summary["n"].to_numpy(np.int64)
    result["mean"] = mean
    result["ci_low"] = low
    result["ci_high"] = high
    result["sd"] = sd
    return result


def _design_means(
    scores: pd.DataFrame,
    names: list[str],
    groups: list[str],
    design: SurveyDesign,
    level: float,
) -> pd.DataFrame:
    """The design-based :func:`scale_means`: weighted means with linearised intervals."""
    arrays, units, scopes = design_arrays(scores, design, unit=[], scope=None, what="scores")
    keys_present = (
        scores[groups].notna().all(axis=1).to_numpy() if groups else np.ones(len(scores), bool)
    )
    rows: list[npt.NDArray[np.int64]] = []
    for name in names:
        value = _numbers(scores, [name])[:, 0]
        rows.append(np.flatnonzero(~np.isnan(value) & keys_present).astype(np.int64))
    index = np.concatenate(rows)
    scale = np.repeat(np.arange(len(names)), [len(r) for r in rows])
    values = np.concatenate(
        [_numbers(scores, [name])[:, 0][r] for name, r in zip(names, rows, strict=True)]
    )
    keys = scores[groups].iloc[index].reset_index(drop=True) if groups else pd.DataFrame()
    keys["scale"] = pd.Categorical(np.asarray(names)[scale], categories=sorted(set(names)))
    group, table = factorize_groups(keys)
    group_scope = np.zeros(len(table), dtype=np.int64)
    group_scope[group] = scopes[units[index]]
    estimate = estimate_from(
        arrays, units[index], group, group_scope, values[:, None], level=level, interval="t"
    )
    warn_small_bases(
        estimate.n,
        "scores",
        labels=[
            _where([*groups, "scale"], tuple(table.iloc[i])).removeprefix(" for ")
            for i in range(len(table))
        ],
    )
    result = table.copy()
    result["scale"] = result["scale"].astype("string")
    result["n"] = estimate.n.astype(np.int64)
    result["mean"] = estimate.estimate
    result["ci_low"] = estimate.ci_low
    result["ci_high"] = estimate.ci_high
    result["sd"] = estimate.sd
    result["se"] = estimate.se
    result["deff"] = estimate.deff_replace
    result["n_eff"] = estimate.n_eff
    result["method"] = pd.array(
        [f"taylor, t interval with {d:.0f} df" for d in estimate.df.tolist()], dtype="string"
    )
    return result
