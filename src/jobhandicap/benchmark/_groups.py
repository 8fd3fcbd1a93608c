"""Group differences: a unit-level value compared between groups of units.

This module splits a unit-level value (a jobcentre's job-entry rate, say) by a group column and
compares each group's mean with a reference group's: the difference with its Welch and
bootstrap intervals and Hedges' g (:func:`compare_groups`). With ``cluster=`` the rows are
people nested in clusters (staff in jobcentres): the intervals are then cluster-robust and a
cluster bootstrap, computed from per-cluster sums.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap._grouping import check_columns
from jobhandicap._options import (
    Seed,
    check_choice,
    check_count,
    check_level,
    generator,
    renamed,
    warn_small_bases,
)
from jobhandicap._reduce import grouped_sums
from jobhandicap.benchmark._units import numeric_column, row_problems
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
    UnknownLabelError,
    problems_frame,
)
from jobhandicap.stats import (
    bootstrap_difference,
    cluster_robust_difference,
    hedges_g,
    welch_difference,
)
from jobhandicap.stats._core import FloatArray

#: The bootstrap intervals :func:`compare_groups` offers.
Method = Literal["percentile", "bca"]

#: The result's own columns; the grouping column may not be called like one of them.
_COLUMNS = (
    "reference",
    "n",
    "n_reference",
    "difference",
    "ci_low",
    "ci_high",
    "boot_ci_low",
    "boot_ci_high",
    "hedges_g",
    "mean",
    "mean_reference",
    "clusters",
    "clusters_reference",
    "deff",
    "method",
)

#: The ``method`` of a clustered comparison's rows.
_CLUSTERED = "cluster robust (CR1, t with clusters - 1 df); cluster bootstrap"

__all__ = ["compare_groups"]


def _groups(
    frame: pd.DataFrame, value: str, group: str
) -> tuple[list[Hashable], list[FloatArray]]:
    """The groups (in sorted or categorical order) and each group's sorted values."""
    values = numeric_column(frame, value, "frame")
    infinite = np.isinf(values)
    if infinite.any():
        raise SchemaError(
            f"column {value!r} must hold finite numbers",
            problems_frame(
                row_problems(frame, [(value, values, infinite, "the value is infinite")])
            ),
        )
    keep = ~np.isnan(values) & frame[group].notna().to_numpy(dtype=bool)
    labels = frame[group][keep]
    try:
        grouped = pd.Series(values[keep], index=labels.index).groupby(
            labels, observed=True, sort=True
        )
        names = list(grouped.groups.keys())
        samples: list[FloatArray] = [
            np.sort(part.to_numpy(dtype=np.float64)).astype(np.float64) for _, part in grouped
        ]
    except TypeError as exc:
        raise JobhandicapError(
            f"the groups of column {group!r} cannot be ordered (mixed types?): {exc}"
        ) from exc
    return names, samples


def _cluster_sums(
    frame: pd.DataFrame, value: str, group: str, cluster: str, names: list[Hashable]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per group (rows, in the order of ``names``) and cluster (columns): n, Σy and Σy²."""
    values = numeric_column(frame, value, "frame")
    keep = ~np.isnan(values) & frame[group].notna().to_numpy(dtype=bool)
    labels = frame[cluster][keep]
    if labels.isna().any():
        raise OptionError(
            f"the cluster column {cluster!r} is missing for some rows with a value and a "
            "group; every row needs a cluster"
        )
    y = values[keep]
    table = grouped_sums(
        {
            "group": frame[group][keep].reset_index(drop=True),
            "cluster": labels.reset_index(drop=True),
        },
        {"sum": y, "square": y * y},
    )
    rows = pd.Index(names).get_indexer(pd.Index(table["group"].astype(object)))
    columns = pd.factorize(table["cluster"], sort=True)[0]
    shape = (len(names), int(columns.max()) + 1)
    out = []
    for column in ("n", "sum", "square"):
        matrix = np.zeros(shape)
        matrix[rows, columns] = table[column].to_numpy(dtype=np.float64)
        out.append(matrix)
    return out[0], out[1], out[2]


def _cluster_bootstrap(
    n: FloatArray,
    sums: FloatArray,
    n_ref: FloatArray,
    sums_ref: FloatArray,
    *,
    n_boot: int,
    level: float,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Percentile interval of the difference in means over resampled clusters.

    Clusters that lie in one group are resampled within their group (the groups keep their
    number of clusters, as the unclustered bootstrap keeps their size); when a cluster holds
    members of both groups, all clusters are resampled together.
    """
    used = (n > 0) | (n_ref > 0)
    n, sums, n_ref, sums_ref = n[used], sums[used], n_ref[used], sums_ref[used]
    nested = not ((n > 0) & (n_ref > 0)).any()
    strata = np.where(n > 0, 0, 1) if nested else np.zeros(n.size, dtype=np.int64)
    draws = np.zeros((n_boot, n.size))
    for stratum in np.unique(strata):
        members = np.flatnonzero(strata == stratum)
        picked = rng.integers(0, members.size, size=(n_boot, members.size))
        flat = (np.arange(n_boot)[:, np.newaxis] * members.size + picked).reshape(-1)
        counts = np.bincount(flat, minlength=n_boot * members.size)
        draws[:, members] = counts.reshape(n_boot, members.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        replicates = (draws @ sums) / (draws @ n) - (draws @ sums_ref) / (draws @ n_ref)
    replicates = replicates[np.isfinite(replicates)]
    if replicates.size == 0:
        return float("nan"), float("nan")
    a = 1.0 - level
    low, high = np.quantile(replicates, [a / 2.0, 1.0 - a / 2.0])
    return float(low), float(high)


@renamed(group="by")
def compare_groups(
    frame: pd.DataFrame,
    *,
    value: str,
    by: str,
    reference: Any = None,
    n_boot: int = DEFAULT_N_BOOT,
    seed: Seed = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    method: Method = "percentile",
    cluster: str | None = None,
) -> pd.DataFrame:
    r"""Difference in means of a unit-level value between each group and a reference group.

    Parameters
    ----------
    frame
        One row per unit (for example per jobcentre: its job-entry rate and strategy type).
        Not modified.
    value
        The numeric column to compare. Missing values are left out; infinite ones are an
        error.
    by
        The grouping column: each unit's group. Rows with a missing group are left out (a unit
        without a strategy type, for example). (``group=``, its name before 0.2, still works
        with a ``DeprecationWarning``.)
    reference
        The group the others are compared with. Default: the first group in sorted order —
        for a categorical column the first category present (``"proactive"`` for the
        strategy types, so pass ``reference="reactive"`` to measure how much better the
        others do), for ``True``/``False`` ``False``.
    n_boot
        Bootstrap resamples per comparison (resampling with replacement: a bootstrap, not a
        permutation test); :data:`~jobhandicap._defaults.DEFAULT_N_BOOT` (1,999) by default.
    seed
        An integer or :class:`numpy.random.Generator` for the bootstrap; the comparisons use
        one generator in the order of the result's rows. The default
        (:data:`~jobhandicap._defaults.DEFAULT_SEED`) makes the result reproducible; ``None``
        draws fresh entropy (a different bootstrap interval on every call).
    level
        Confidence level of both intervals.
    method
        Bootstrap interval: ``"percentile"`` (default) or ``"bca"`` (not with ``cluster=``).
    cluster
        A column of cluster labels, when the rows are people nested in clusters (staff in
        jobcentres, compared by their jobcentre's strategy type): ``ci_low``, ``ci_high`` are
        then cluster-robust and ``boot_ci_low``, ``boot_ci_high`` a cluster bootstrap, and the
        result gets the columns ``clusters``, ``clusters_reference``, ``deff`` and
        ``method``. Without it nothing changes.

    Returns
    -------
    pandas.DataFrame
        One row per non-reference group, in group order: the group, in a column named like
        ``by``, and ``reference`` (both with the dtype of the grouping column), ``n`` and
        ``n_reference`` (units with a value), ``difference`` (mean minus reference mean),
        ``ci_low``, ``ci_high`` (Welch interval), ``boot_ci_low``, ``boot_ci_high`` (bootstrap
        interval), ``hedges_g``, ``mean`` and ``mean_reference``. Intervals are NaN when
        either group has fewer than two values; ``hedges_g`` is NaN when it is undefined (no
        variation within the groups). With ``cluster=``, further: ``clusters`` and
        ``clusters_reference`` (clusters with a value in each group), ``deff`` (the
        cluster-robust variance of the difference over the variance that treats rows as
        independent; :math:`n/\mathrm{deff}` is the effective size) and ``method`` (which
        intervals these are); the intervals are NaN when a group's values lie in fewer than two
        clusters.

    Raises
    ------
    MissingColumnsError
        If ``value`` or ``by`` is missing.
    SchemaError
        If ``value`` is not numeric or holds infinite values.
    UnknownLabelError
        If ``reference`` is not one of the groups.
    OptionError
        If ``n_boot``, ``level``, ``method`` or ``seed`` has a bad value, or ``by`` is named
        like a column of the result (a ``ValueError``).
    ArgumentTypeError
        If ``by``, ``n_boot``, ``level`` or ``seed`` has the wrong type (a ``TypeError``).
    JobhandicapError
        If fewer than two groups have values.

    Warns
    -----
    SmallSampleWarning
        Once, when a compared group has fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` (30) units with a value; with fewer than two
        its intervals are NaN.

    Notes
    -----
    For group :math:`g` against reference :math:`r`: :math:`\Delta = \bar x_g - \bar x_r`.

    - Welch (1947): :math:`\Delta \pm t_{1-a/2,\nu}\sqrt{s_g^2/n_g + s_r^2/n_r}` with the
      Welch–Satterthwaite :math:`\nu` (:func:`jobhandicap.stats.welch_difference`).
    - Bootstrap: the two groups are resampled separately, each with replacement and at its own
      size, ``n_boot`` times; percentile or BCa (Efron 1987) limits of the replicated
      differences (:func:`jobhandicap.stats.bootstrap_difference`). Each group's values are
      sorted first, so the result does not depend on the order of the rows.
    - Hedges' g (1981): :math:`g = d\,(1 - 3/(4(n_g + n_r) - 9))`,
      :math:`d = \Delta/s_p` with :math:`s_p` the pooled standard deviation.

    Units, not people, are the observations: each jobcentre's rate counts once, whatever its
    size.

    With ``cluster=`` the rows are reduced per group and cluster to :math:`n_j`,
    :math:`\sum y`, :math:`\sum y^2`, and:

    - the interval is :math:`\Delta \pm t_{C-1,\,1-a/2}\sqrt{\hat V}` with the
      cluster-robust (CR1) variance :math:`\hat V = \frac{C}{C-1}\sum_j u_j^2`,
      :math:`u_j = (S_{gj} - n_{gj}\bar y_g)/n_g - (S_{rj} - n_{rj}\bar y_r)/n_r` over the
      :math:`C` clusters with a member in either group
      (:func:`jobhandicap.stats.cluster_robust_difference`; Cameron & Miller 2015);
    - the bootstrap resamples whole clusters — within each group when every cluster lies in
      one group, otherwise all together — as a matrix product of draw counts and the
      clusters' sums (Field & Welsh 2007); percentile limits.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34, 28–35.

    Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the American
    Statistical Association* 82, 171–185.

    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. *Journal of Educational Statistics* 6, 107–128.

    Cameron, A. C. and Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. *Journal of Human Resources* 50, 317–372.

    Field, C. A. and Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of the Royal
    Statistical Society B* 69, 369–390.

    Examples
    --------
    >>> import pandas as pd
    >>> pro = [0.52, 0.61, 0.47, 0.58, 0.66, 0.55, 0.49, 0.63, 0.57, 0.60, 0.51, 0.59]
    >>> other = [0.44, 0.50, 0.39, 0.47, 0.53, 0.41, 0.46, 0.49, 0.43, 0.52, 0.38, 0.45,
    ...          0.48, 0.42, 0.51, 0.40]
    >>> units = pd.DataFrame({"rate": pro + other,
    ...                       "proactive": [True] * len(pro) + [False] * len(other)})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # groups of 12 and 16 jobcentres are small
    ...     result = compare_groups(units, value="rate", by="proactive", n_boot=2000, seed=1)
    >>> columns = ["proactive", "reference", "n", "n_reference", "difference", "ci_low", "ci_high"]
    >>> result[columns].round(6)
       proactive  reference   n  n_reference  difference    ci_low   ci_high
    0       True      False  12           16        0.11  0.067158  0.152842
    >>> row = result.iloc[0]
    >>> round(float(row["hedges_g"]), 4), bool(row["boot_ci_low"] < 0.11 < row["boot_ci_high"])
    (2.0394, True)
    """
    if not isinstance(by, str) or not isinstance(value, str):
        raise ArgumentTypeError(
            f"value and by must each name one column, got {value!r} and {by!r}"
        )
    if by in _COLUMNS:
        raise OptionError(
            f"the grouping column may not be called {by!r}: the result has a column of that "
            "name; rename it first"
        )
    if cluster is not None and not isinstance(cluster, str):
        raise ArgumentTypeError(f"cluster must name one column, got {cluster!r}")
    check_columns(frame, [value, by, *([cluster] if cluster is not None else [])], "frame")
    n_boot = check_count(n_boot, "n_boot", minimum=1)
    level = check_level(level)
    check_choice("method", method, ("percentile", "bca"))
    if cluster is not None and method == "bca":
        raise OptionError(
            "method='bca' is not available with cluster=: the cluster bootstrap gives "
            "percentile limits; use method='percentile'"
        )
    rng = generator(seed)
    group = by
    names, samples = _groups(frame, value, group)
    if len(names) < 2:
        raise JobhandicapError(
            f"comparing groups needs at least two groups with values in column {group!r}; "
            f"found {[str(name) for name in names]}"
        )
    if reference is None:
        ref = 0
    else:
        matches = [i for i, name in enumerate(names) if name == reference]
        if not matches:
            raise UnknownLabelError(
                reference, f"reference group of column {group!r}", [str(n) for n in names]
            )
        ref = matches[0]
    base = samples[ref]
    others = [i for i in range(len(names)) if i != ref]
    warn_small_bases(
        [samples[i].size for i in [ref, *others]],
        "units",
        labels=[str(names[i]) for i in [ref, *others]],
        stacklevel=4,  # past this function and the renamed() wrapper, to the caller
    )
    sums = _cluster_sums(frame, value, group, cluster, names) if cluster is not None else None
    rows: list[dict[str, Any]] = []
    for i in others:
        sample = samples[i]
        row: dict[str, Any] = {
            "n": sample.size,
            "n_reference": base.size,
            "difference": float(sample.mean() - base.mean()),
            "ci_low": np.nan,
            "ci_high": np.nan,
            "boot_ci_low": np.nan,
            "boot_ci_high": np.nan,
            "hedges_g": np.nan,
            "mean": float(sample.mean()),
            "mean_reference": float(base.mean()),
        }
        if min(sample.size, base.size) < 2:
            warnings.warn(
                f"group {names[i]!r} ({sample.size} values) or reference {names[ref]!r} "
                f"({base.size} values) has fewer than two values; its intervals are NaN",
                SmallSampleWarning,
                stacklevel=3,  # past the renamed() wrapper, to the caller
            )
        elif sums is not None and min((sums[0][i] > 0).sum(), (sums[0][ref] > 0).sum()) < 2:
            warnings.warn(
                f"group {names[i]!r} or reference {names[ref]!r} has its values in fewer than "
                "two clusters; its intervals are NaN",
                SmallSampleWarning,
                stacklevel=3,  # past the renamed() wrapper, to the caller
            )
        elif sums is not None:
            n_c, s_c, q_c = sums
            robust = cluster_robust_difference(
                n_c[i], s_c[i], q_c[i], n_c[ref], s_c[ref], q_c[ref], level=level
            )
            low, high = _cluster_bootstrap(
                n_c[i], s_c[i], n_c[ref], s_c[ref], n_boot=n_boot, level=level, rng=rng
            )
            row.update(
                ci_low=robust.ci_low,
                ci_high=robust.ci_high,
                boot_ci_low=low,
                boot_ci_high=high,
                deff=robust.deff,
            )
        else:
            welch = welch_difference(sample, base, level=level)
            boot = bootstrap_difference(
                sample, base, n_boot=n_boot, level=level, method=method, seed=rng
            )
            row.update(
                ci_low=welch.ci_low,
                ci_high=welch.ci_high,
                boot_ci_low=boot.ci_low,
                boot_ci_high=boot.ci_high,
            )
        with contextlib.suppress(JobhandicapError):  # undefined: stays NaN
            row["hedges_g"] = hedges_g(sample, base)
        if sums is not None:
            row["clusters"] = int((sums[0][i] > 0).sum())
            row["clusters_reference"] = int((sums[0][ref] > 0).sum())
            row.setdefault("deff", np.nan)
            row["method"] = _CLUSTERED
        rows.append(row)
    dtype = frame[group].dtype
    labels = pd.DataFrame(
        {
            by: pd.Series([names[i] for i in others], dtype=dtype),
            "reference": pd.Series([names[ref]] * len(others), dtype=dtype),
        }
    )
    numbers = pd.DataFrame(rows).astype({"n": np.int64, "n_reference": np.int64})
    if cluster is not None:
        numbers = numbers[[c for c in _COLUMNS[1:] if c in numbers.columns]].astype(
            {"clusters": np.int64, "clusters_reference": np.int64, "method": "string"}
        )
    result = pd.concat([labels, numbers], axis=1)
    result.attrs = {"level": level, "method": method, "n_boot": n_boot}
    if cluster is not None:
        result.attrs["cluster"] = cluster
    return result
