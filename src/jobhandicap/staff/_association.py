"""Associations between scales: correlations with Fisher or cluster-bootstrap intervals."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

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
from jobhandicap.errors import (
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats import (
    bootstrap_interval,
    fisher_interval,
    z_value,
)
from jobhandicap.stats._core import lazy_module

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")
from jobhandicap.staff._moments import (
    ROUNDING,
    Moments,
    cluster_draws,
    correlation_of_sums,
    group_phrase,
    numbers,
    percentile_limits,
    reduce_cross_products,
)

Method = Literal["pearson", "spearman"]


def pearson(sample: npt.NDArray[Any], axis: int) -> Any:
    """Pearson correlation of the two trailing columns, reducing ``axis`` (bootstrap form)."""
    x, y = sample[..., 0], sample[..., 1]
    x = x - x.mean(axis=axis, keepdims=True)
    y = y - y.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis) / np.sqrt((x * x).sum(axis) * (y * y).sum(axis))


def spearman(sample: npt.NDArray[Any], axis: int) -> Any:
    return pearson(sps.rankdata(sample, axis=axis), axis)


def undefined_correlation(n: float, flat_x: bool, flat_y: bool, x: str, y: str) -> str:
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
    values = numbers(scores, [x, y])
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
    moments = Moments.of(reduce_cross_products(frame, [x, y], groups), groups, [x, y])
    dev = moments.deviations()
    squares = moments.products
    flat_x = dev[:, 0, 0] <= ROUNDING * squares[:, 0, 0]
    flat_y = dev[:, 1, 1] <= ROUNDING * squares[:, 1, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        r_all = np.clip(dev[:, 0, 1] / np.sqrt(dev[:, 0, 0] * dev[:, 1, 1]), -1.0, 1.0)
    per_cluster = (
        Moments.of(
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
        where = group_phrase(groups, key)
        n = float(moments.n[g])
        undefined = undefined_correlation(n, bool(flat_x[g]), bool(flat_y[g]), x, y)
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
            draws = cluster_draws(len(sums), n_boot, generator(seed))
            replicates = correlation_of_sums(draws @ sums)
            low, high = percentile_limits(replicates, level, notes, where)
        else:
            pairs = frame.loc[mask, [x, y]].to_numpy(dtype=np.float64)
            boot = bootstrap_interval(
                pairs, spearman, n_boot=n_boot, level=level, cluster=labels, seed=seed
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
            group_phrase(groups, tuple(moments.groups.iloc[g]) if groups else ()).removeprefix(
                " for "
            )
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
