"""Mean scale scores per group, with t, cluster-bootstrap or design-based intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap._grouping import as_by, check_columns
from jobhandicap._options import (
    Seed,
    check_count,
    check_level,
    generator,
    warn_small_bases,
)
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import (
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats._core import factorize_groups, lazy_module
from jobhandicap.stats.design import estimate_from
from jobhandicap.survey._design import SurveyDesign, check_design, design_arrays

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")
from jobhandicap.staff._moments import (
    ROUNDING,
    cluster_draws,
    group_phrase,
    numbers,
    percentile_limits,
)


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
        return design_means(scores, names, groups, check_design(design), level)
    long = scores.melt(
        id_vars=[*groups, *extra], value_vars=names, var_name="scale", value_name="value"
    ).dropna(subset=["value"])
    if cluster is not None and long[cluster].isna().any():
        raise OptionError(
            f"the cluster column {cluster!r} is missing for some scores; every respondent "
            "needs a cluster"
        )
    keys = [*groups, "scale"]
    value = numbers(long, ["value"])[:, 0]
    moments = {"sum": value, "square": value * value}
    summary = grouped_sums({name: long[name] for name in keys}, moments)
    n = summary["n"].to_numpy(dtype=np.float64)
    total = summary["sum"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        squares = summary["square"].to_numpy(dtype=np.float64)
        deviations = squares - total * total / n
        deviations = np.where(deviations <= ROUNDING * squares, 0.0, deviations)
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
            where = group_phrase(keys, tuple(summary[keys].iloc[index]))
            if len(part) < 2:
                notes.append(f"the bootstrap{where} needs at least 2 clusters, got {len(part)}")
                low[index] = high[index] = np.nan
                continue
            draws = cluster_draws(len(part), n_boot, generator(seed))
            with np.errstate(invalid="ignore", divide="ignore"):
                replicates = (draws @ part["sum"].to_numpy(np.float64)) / (
                    draws @ part["n"].to_numpy(np.float64)
                )
            low[index], high[index] = percentile_limits(replicates, level, notes, where)
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
            group_phrase(keys, tuple(summary[keys].iloc[i])).removeprefix(" for ")
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


def design_means(
    scores: pd.DataFrame,
    names: list[str],
    groups: list[str],
    design: SurveyDesign,
    level: float,
) -> pd.DataFrame:
    """The design-based :func:`scale_means`: weighted means with linearised intervals."""
    identity = [c for c in ("jobcentre", "respondent") if c in scores.columns]
    repeated = (
        scores.duplicated(identity).to_numpy(dtype=bool)
        if "respondent" in identity
        else np.zeros(len(scores), dtype=bool)
    )
    if repeated.any():
        twice = scores["respondent"].iloc[int(np.flatnonzero(repeated)[0])]
        raise JobhandicapError(
            f"respondent {twice!r} has two rows of scores; a design-based mean needs one row "
            "per respondent (the frame of scale_scores)"
        )
    arrays, units, scopes = design_arrays(scores, design, unit=[], scope=None, what="scores")
    keys_present = (
        scores[groups].notna().all(axis=1).to_numpy() if groups else np.ones(len(scores), bool)
    )
    rows: list[npt.NDArray[np.int64]] = []
    for name in names:
        value = numbers(scores, [name])[:, 0]
        rows.append(np.flatnonzero(~np.isnan(value) & keys_present).astype(np.int64))
    index = np.concatenate(rows)
    scale = np.repeat(np.arange(len(names)), [len(r) for r in rows])
    values = np.concatenate(
        [numbers(scores, [name])[:, 0][r] for name, r in zip(names, rows, strict=True)]
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
            group_phrase([*groups, "scale"], tuple(table.iloc[i])).removeprefix(" for ")
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
    variance = "taylor, calibrated (GREG)" if design.calibration else "taylor"
    result["method"] = pd.array(
        [f"{variance}, t interval with {d:.0f} df" for d in estimate.df.tolist()], dtype="string"
    )
    return result
