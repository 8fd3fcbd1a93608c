"""How alike colleagues answer: the intraclass correlation of scale scores within jobcentres."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import check_columns
from jobhandicap._options import (
    check_level,
    warn_small_bases,
)
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import (
    ArgumentTypeError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats._core import lazy_module
from jobhandicap.stats.clustering import cluster_anova, design_effect, intraclass_correlation

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")
from jobhandicap.staff._moments import numbers


def score_columns(scores: pd.DataFrame, by: str, value: str | Sequence[str] | None) -> list[str]:
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
        (:math:`N/\mathrm{deff}`; missing when a negative ICC takes the design effect to 0 or
        below) and ``method``. A scale whose ICC is undefined (fewer than
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
    names = score_columns(scores, by, value)
    check_columns(scores, names, "scores")
    values = numbers(scores, names)
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
        # A strongly negative ICC can take the design effect to 0 or below: no effective n.
        n_effective = np.where(deff > 0, n / deff, np.nan)
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
            "method": pd.array([ICC_METHOD] * len(names), dtype="string"),
        }
    )


#: The ``method`` of :func:`icc`'s rows.
ICC_METHOD = "one-way ANOVA with k0; F interval (Searle)"
