"""Staff-survey scales: scores, reliability, associations and group means.

A staff survey asks caseworkers several items per construct — knowledge of the compensation
schemes, belief in the citizen's chance of a job. A :class:`Scale` says which items make a
construct, which are reverse-worded and how many answers a score needs. From the canonical long
staff frame (``respondent``, ``jobcentre``, ``item``, ``value``) this module computes the scale
scores, their reliability (Cronbach's α with Feldt's interval, McDonald's ω), associations
between scales (Fisher or cluster-bootstrap intervals, since staff are nested in jobcentres)
and group means (for example by the jobcentre's strategy type, a column the caller joins).

The long frame is reduced once to a respondents × items matrix; everything else is vectorised
over that matrix.
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

from jobhandicap._grouping import check_columns
from jobhandicap.errors import JobhandicapError, MissingColumnsError, SmallSampleWarning
from jobhandicap.stats import (
    bootstrap_interval,
    cronbach_alpha,
    fisher_interval,
    mcdonald_omega,
    z_value,
)
from jobhandicap.stats._core import FloatArray, check_level, lazy_module

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")

__all__ = ["Scale", "association", "reliability", "scale_means", "scale_scores"]

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
            raise JobhandicapError(f"a scale needs a non-empty name, got {self.name!r}")
        if not self.items:
            raise JobhandicapError(f"scale {self.name!r} needs at least one item")
        if len(set(self.items)) != len(self.items):
            raise JobhandicapError(f"scale {self.name!r} lists an item twice: {self.items}")
        stray = [i for i in self.reversed if i not in self.items]
        if stray:
            raise JobhandicapError(
                f"scale {self.name!r}: reversed item(s) {stray} are not among its items"
            )
        if not self.minimum < self.maximum:
            raise JobhandicapError(
                f"scale {self.name!r}: minimum {self.minimum} must be below maximum {self.maximum}"
            )
        if not 1 <= self.min_answered <= len(self.items):
            raise JobhandicapError(
                f"scale {self.name!r}: min_answered must be from 1 to {len(self.items)}, "
                f"got {self.min_answered}"
            )


class _ItemMatrix:
    """The long staff frame reduced to a respondents × items matrix (NaN = not answered)."""

    def __init__(self, staff: pd.DataFrame) -> None:
        if not isinstance(staff, pd.DataFrame):
            raise JobhandicapError(
                f"staff must be the canonical staff DataFrame, got {type(staff).__name__}"
            )
        needed = [c for c in ("respondent", "jobcentre", "item", "value") if c not in staff]
        if needed:
            raise MissingColumnsError(needed, list(staff.columns), "staff")
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
            raise JobhandicapError(
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
    if not listed or not all(isinstance(s, Scale) for s in listed):
        raise JobhandicapError("scales must be a Scale or a non-empty sequence of Scale")
    names = [s.name for s in listed]
    if len(set(names)) != len(names):
        raise JobhandicapError(f"two scales share a name: {names}")
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


def reliability(staff: pd.DataFrame, scale: Scale, *, level: float = 0.95) -> pd.DataFrame:
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

    Warns
    -----
    DataQualityWarning
        Naming an item that is constant (it adds nothing to the scale), or that loads
        negatively on the common factor after the declared reversals — usually a
        reverse-worded item missing from ``Scale(reversed=...)``.
    SmallSampleWarning
        When fewer than 2 respondents answered every item.

    Notes
    -----
    :math:`\alpha = \frac{k}{k-1}\bigl(1 - \sum\sigma_i^2/\sigma^2_{total}\bigr)`; Feldt's
    interval uses the :math:`F(n-1, (n-1)(k-1))` distribution. ω is
    :math:`(\sum\lambda)^2/((\sum\lambda)^2 + \sum\psi)` from a one-factor model fitted by
    maximum likelihood (:func:`jobhandicap.stats.mcdonald_omega`).

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
    >>> result = reliability(staff, Scale("k", list(answers)))
    >>> result[["scale", "n", "alpha", "ci_low", "ci_high"]]
      scale   n     alpha    ci_low   ci_high
    0     k  10  0.920354  0.790463  0.977780
    """
    if not isinstance(scale, Scale):
        raise JobhandicapError(f"scale must be a Scale, got {type(scale).__name__}")
    columns = _ItemMatrix(staff).scored(scale)
    complete = columns[~np.isnan(columns).any(axis=1)]
    if len(scale.items) < 2:
        raise JobhandicapError(f"reliability needs a scale of 2 items or more; {scale.name!r}")
    named = pd.DataFrame(complete, columns=list(scale.items))
    estimate = cronbach_alpha(named, level=level)
    # ω needs 3 items or more, each varying (its correlations), and more respondents than items.
    k = len(scale.items)
    varies = bool((np.ptp(complete, axis=0) > 0).all()) if len(complete) else False
    omega = mcdonald_omega(named) if k >= 3 and len(complete) > k and varies else np.nan
    return pd.DataFrame(
        {
            "scale": pd.array([scale.name], dtype="string"),
            "n": [len(complete)],
            "alpha": [float(estimate.estimate)],
            "ci_low": [float(estimate.ci_low)],
            "ci_high": [float(estimate.ci_high)],
            "omega": [omega],
            "items": [len(scale.items)],
        }
    )


def _pearson(sample: npt.NDArray[Any], axis: int) -> Any:
    """Pearson correlation of the two trailing columns, reducing ``axis`` (bootstrap form)."""
    x, y = sample[..., 0], sample[..., 1]
    x = x - x.mean(axis=axis, keepdims=True)
    y = y - y.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis) / np.sqrt((x * x).sum(axis) * (y * y).sum(axis))


def _spearman(sample: npt.NDArray[Any], axis: int) -> Any:
    return _pearson(sps.rankdata(sample, axis=axis), axis)


def _undefined_correlation(pairs: FloatArray, x: str, y: str) -> str:
    """Why a correlation of these complete pairs is undefined, or ``""`` when it is defined."""
    n = len(pairs)
    if n < 2:
        return f"it needs at least 2 complete pairs, got {n}"
    constant = [name for name, column in zip((x, y), pairs.T, strict=True) if np.ptp(column) == 0]
    if constant:
        return (
            f"{' and '.join(map(repr, constant))} "
            f"{'is' if len(constant) == 1 else 'are'} constant over its {n} complete pairs "
            "(a correlation needs variation in both columns)"
        )
    return ""


def association(
    scores: pd.DataFrame,
    x: str,
    y: str,
    *,
    by: str | Sequence[str] | None = None,
    method: Method = "pearson",
    cluster: str | None = None,
    level: float = 0.95,
    n_boot: int = 1_999,
    seed: int | np.random.Generator | None = None,
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
    n_boot, seed
        Resamples and seed of the cluster bootstrap.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n``, ``r``, ``ci_low``, ``ci_high``, ``interval`` (the
        interval's method) and ``clusters`` (number of clusters, when clustered). A group
        with fewer than 2 complete pairs, or where ``x`` or ``y`` is constant, has a row with
        its ``n`` and a missing (NaN) ``r`` and interval; the other groups are unaffected and
        get what :func:`association` gives for them alone.

    Warns
    -----
    SmallSampleWarning
        For each group whose correlation is undefined (naming the group and why), and when
        a group is too small for its interval (Fisher's needs :math:`n > 3`, the bootstrap
        2 clusters).

    Notes
    -----
    Fisher: :math:`\tanh(\operatorname{atanh} r \pm z\,s)`, :math:`s = 1/\sqrt{n-3}` for
    Pearson and Bonett & Wright's :math:`s = \sqrt{(1 + r^2/2)/(n-3)}` for Spearman.

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
    if method not in ("pearson", "spearman"):
        raise JobhandicapError(f"method must be 'pearson' or 'spearman', got {method!r}")
    check_level(level)
    groups = [] if by is None else ([by] if isinstance(by, str) else list(by))
    check_columns(scores, [x, y, *groups, *([cluster] if cluster else [])], "scores")
    keep = scores[[x, y]].notna().all(axis=1).to_numpy()
    frame = scores.loc[keep, [*groups, *([cluster] if cluster else [])]].copy()
    for column in (x, y):
        try:
            frame[column] = scores.loc[keep, column].to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise JobhandicapError(f"column {column!r} must hold numbers") from exc
    if method == "spearman":
        ranker = frame.groupby(groups, observed=True) if groups else frame
        frame[x] = ranker[x].rank()
        frame[y] = ranker[y].rank()
    statistic = _spearman if method == "spearman" else _pearson
    keys = frame.groupby(groups, observed=True, sort=True) if groups else [((), frame)]
    rows = []
    # A loop over the handful of groups (strategy types), not over rows.
    for key, part in keys:
        pairs = part[[x, y]].to_numpy()
        n = len(pairs)
        key_values = key if isinstance(key, tuple) else (key,)
        undefined = _undefined_correlation(pairs, x, y)
        if undefined:
            where = ", ".join(f"{g}={v!r}" for g, v in zip(groups, key_values, strict=True))
            warnings.warn(
                f"the correlation of {x!r} and {y!r}"
                + (f" for {where}" if where else "")
                + f" is undefined: {undefined}; its r and interval are missing (NaN)",
                SmallSampleWarning,
                stacklevel=2,
            )
            count: Any = len(pd.unique(part[cluster].to_numpy())) if cluster else pd.NA
            kind = "cluster bootstrap" if cluster else "fisher"
            rows.append((*key_values, n, np.nan, np.nan, np.nan, kind, count))
            continue
        r = float(_pearson(pairs[np.newaxis], axis=1)[0])
        if cluster is None:
            interval = "fisher"
            if method == "spearman" and n > 3:
                spread = math.sqrt((1 + r * r / 2) / (n - 3)) * z_value(level)
                with np.errstate(divide="ignore"):
                    centre = np.arctanh(np.clip(r, -1.0, 1.0))
                low, high = float(np.tanh(centre - spread)), float(np.tanh(centre + spread))
            else:
                estimate = fisher_interval(np.clip(r, -1, 1), n, level=level)
                low, high = float(estimate.ci_low), float(estimate.ci_high)
            clusters: Any = pd.NA
        else:
            interval = "cluster bootstrap"
            labels = part[cluster].to_numpy()
            clusters = len(pd.unique(labels))
            boot = bootstrap_interval(
                pairs, statistic, n_boot=n_boot, level=level, cluster=labels, seed=seed
            )
            low, high = float(boot.ci_low), float(boot.ci_high)
        rows.append((*key_values, n, r, low, high, interval, clusters))
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
    level: float = 0.95,
    n_boot: int = 1_999,
    seed: int | np.random.Generator | None = None,
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
    level, n_boot, seed
        Confidence level; resamples and seed of the cluster bootstrap.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``scale``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``sd``.

    Notes
    -----
    Without clusters: :math:`\bar x \pm t_{n-1, 1-a/2}\, s/\sqrt n`.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"knowledge": [3.0, 4.0, 5.0, 2.0, 3.0],
    ...                        "strategy": ["proactive"] * 3 + ["reactive"] * 2})
    >>> scale_means(scores, "knowledge", by="strategy").round(3)
        strategy      scale  n  mean  ci_low  ci_high     sd
    0  proactive  knowledge  3   4.0   1.516    6.484  1.000
    1   reactive  knowledge  2   2.5  -3.853    8.853  0.707
    """
    check_level(level)
    names = [scales] if isinstance(scales, str) else list(scales)
    groups = [] if by is None else ([by] if isinstance(by, str) else list(by))
    check_columns(scores, [*names, *groups, *([cluster] if cluster else [])], "scores")
    long = scores.melt(
        id_vars=[*groups, *([cluster] if cluster else [])],
        value_vars=names,
        var_name="scale",
        value_name="value",
    ).dropna(subset=["value"])
    keys = [*groups, "scale"]
    grouped = long.groupby(keys, observed=True, sort=True)["value"]
    summary = grouped.agg(["size", "mean", "std"]).reset_index()
    n = summary["size"].to_numpy(dtype=np.float64)
    sd = summary["std"].to_numpy(dtype=np.float64)
    if (n < 2).any():
        warnings.warn(
            "a group has fewer than 2 answers; its interval is NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)
    low = summary["mean"].to_numpy() - half
    high = summary["mean"].to_numpy() + half
    if cluster is not None:
        # Loop over the few groups × scales; each bootstrap is vectorised.
        for index, (_, part) in enumerate(long.groupby(keys, observed=True, sort=True)):
            boot = bootstrap_interval(
                part["value"].to_numpy(dtype=np.float64),
                np.mean,
                n_boot=n_boot,
                level=level,
                cluster=part[cluster].to_numpy(),
                seed=seed,
            )
            low[index], high[index] = boot.ci_low, boot.ci_high
    result = summary[keys].copy()
    result["scale"] = result["scale"].astype("string")
    result["n"] = summary["size"].to_numpy(np.int64)
    result["mean"] = summary["mean"].to_numpy()
    result["ci_low"] = low
    result["ci_high"] = high
    result["sd"] = sd
    return result
