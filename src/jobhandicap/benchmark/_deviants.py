"""Positive deviants: jobcentres doing better than chance allows, next to their strategy.

This module combines the funnel (:func:`~jobhandicap.benchmark.funnel`) and the shrunk rates
(:func:`~jobhandicap.benchmark.shrink_rates`) of the outcomes of the chosen year(s): a jobcentre
whose shrunk rate exceeds the upper funnel limit at its size is a positive deviant, and its
proactive-strategy score from :func:`jobhandicap.strategy.score_strategies` is put next to it
(:func:`best_practice`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import check_columns
from jobhandicap._options import check_level
from jobhandicap.benchmark._funnel import funnel, limit_suffix
from jobhandicap.benchmark._shrinkage import shrink_rates
from jobhandicap.errors import JobhandicapError
from jobhandicap.stats import shrink_poisson
from jobhandicap.strategy import DEFAULT_SPEC, StrategySpec, score_strategies

__all__ = ["best_practice"]


def best_practice(
    outcomes: pd.DataFrame,
    profiles: pd.DataFrame,
    *,
    count: str = "entered_job",
    total: str = "persons",
    year: int | Sequence[int] | None = None,
    spec: StrategySpec | None = None,
    level: float = DEFAULT_LEVEL,
    overdispersion: bool | float = False,
    expected: str | None = None,
) -> pd.DataFrame:
    r"""Positive deviants: jobcentres doing better than chance allows, with their strategy.

    Parameters
    ----------
    outcomes
        The canonical outcomes frame (``jobcentre``, ``year``, ``persons``,
        ``entered_job``), or any frame with a ``jobcentre`` column and the ``count`` and
        ``total`` columns. Not modified.
    profiles
        The canonical profiles frame (one row per jobcentre), scored with
        :func:`jobhandicap.strategy.score_strategies`. Not modified.
    count, total
        The outcome's count and total columns; job entry by default.
    year
        The outcome year(s) to use (a ``year`` column is then required); several years are
        pooled per jobcentre. ``None``: every row of ``outcomes`` is used (pooled over all
        its years).
    spec
        The strategy specification; :data:`jobhandicap.strategy.DEFAULT_SPEC` by default.
    level
        Level of the upper funnel limit a positive deviant must exceed, and of the Wilson
        interval of each jobcentre's share.
    overdispersion
        Use Spiegelhalter's overdispersed limits (see :func:`funnel`): a positive deviant
        must then beat the ordinary spread *between* jobcentres, not just chance. A number is
        the between-unit variance :math:`\tau^2` to use, as in :func:`funnel`.
    expected
        A column of ``outcomes`` with each row's expected count (from
        :func:`expected_outcomes`, given the jobcentre's framework conditions): the
        jobcentres are then compared on their observed/expected ratio, against the exact
        Poisson funnel around 1 (:func:`funnel` with ``expected=``), and the ratios are
        shrunk by the Poisson form of Marshall's estimator. ``None`` (default): raw rates.

    Returns
    -------
    pandas.DataFrame
        Every jobcentre of ``outcomes`` (sorted by code), not just the deviants, so that the
        deviants can be set against the rest (for example ``pd.crosstab(result["strategy"],
        result["positive_deviant"])``): ``jobcentre``, ``n``, ``count``, ``share``,
        ``ci_low``, ``ci_high`` (Wilson), ``shrunk``, ``weight`` (from
        :func:`shrink_rates`), ``high_<L>`` (the upper funnel limit at ``level``, named as in
        :func:`funnel`), ``positive_deviant`` (bool), ``score``, ``rank`` and ``strategy``
        (from :func:`~jobhandicap.strategy.score_strategies`; missing for a jobcentre
        without a profile or without enough indicators). ``attrs`` holds ``target``,
        ``phi``, ``tau2``, ``level``, ``year`` and ``expected``. Select the deviants with
        ``result[result["positive_deviant"]]``. With ``expected=``, ``share`` is replaced by
        ``expected`` and ``ratio`` (:math:`O/E`, with its exact interval in ``ci_low``,
        ``ci_high``), and ``shrunk`` is the shrunk ratio.

    Raises
    ------
    MissingColumnsError
        If a column is missing from ``outcomes`` or ``profiles``.
    SchemaError
        For bad counts (see :func:`funnel`) or profiles (see
        :func:`~jobhandicap.strategy.score_strategies`).
    JobhandicapError
        If no row has the requested year, fewer than two jobcentres remain, or the
        ``jobcentre`` columns of the two frames cannot be matched.

    Notes
    -----
    Jobcentre :math:`i` is a positive deviant when

    .. math::

        \tilde r_i > u_L(n_i),

    :math:`\tilde r_i` its empirical-Bayes (shrunk) rate and :math:`u_L(n_i)` the upper
    funnel limit around the pooled rate at its size. Two guards act together:

    - **shrinkage guards against small jobcentres' noise**: a small jobcentre's extreme raw
      rate is pulled most towards the pooled rate, so it has to be extreme *and* large
      enough to count;
    - **the funnel guards against chance**: the limit is what a jobcentre of that size
      performing exactly at the pooled rate would exceed with probability
      :math:`(1 - L)/2`.

    With ``expected=`` the same rule holds on the ratio scale: :math:`\tilde r_i` is
    :math:`O_i/E_i` shrunk towards :math:`\sum O/\sum E` with weight
    :math:`C_i = \hat A/(\hat A + m/E_i)` (:func:`jobhandicap.stats.shrink_poisson` with
    the expected counts as exposure) and :math:`u_L(E_i)` the upper exact Poisson limit
    around 1. A jobcentre is then a positive deviant when it does better than jobcentres
    with its framework conditions, not just better than the average.

    As the shrunk rate lies between the raw rate and the pooled rate, every positive
    deviant is also ``"above"`` in :func:`funnel`; the converse need not hold. The strategy
    columns then show whether the positive deviants are proactive — the question of the
    cross-cutting analysis. The strategy score uses organisational inputs only, never the
    outcome, so the comparison is not circular.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185–1202.

    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes
    estimators. *Applied Statistics* 40, 283–294.

    Examples
    --------
    >>> from jobhandicap.datasets import load_example
    >>> data = load_example()
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # some jobcentres have fewer than 30 persons
    ...     result = best_practice(data.outcomes, data.profiles, year=2019)
    >>> len(result), result["positive_deviant"].dtype
    (94, dtype('bool'))
    >>> deviants = result[result["positive_deviant"]]
    >>> bool((deviants["shrunk"] > deviants["high_95"]).all())
    True
    """
    check_columns(outcomes, ["jobcentre", count, total], "outcomes")
    check_columns(profiles, ["jobcentre"], "profiles")
    level = check_level(level)
    years: list[int] | None = None
    selected = outcomes
    if year is not None:
        check_columns(outcomes, ["year"], "outcomes")
        years = [year] if isinstance(year, int | np.integer) else list(year)
        keep = outcomes["year"].isin(years).to_numpy(dtype=bool)
        if not keep.any():
            present = sorted(pd.unique(outcomes["year"].dropna()).tolist())
            raise JobhandicapError(
                f"the outcomes have no rows for year {years}; they have years {present}"
            )
        selected = outcomes[keep]
    funnelled = funnel(
        selected,
        count=count,
        total=total,
        unit="jobcentre",
        limits=(level,),
        overdispersion=overdispersion,
        level=level,
        expected=expected,
    )
    if expected is None:
        estimate = ["share"]
        shrunk = shrink_rates(selected, count=count, total=total, unit="jobcentre")
        shrunk_values, weights = shrunk["shrunk"].to_numpy(), shrunk["weight"].to_numpy()
    else:
        estimate = ["expected", "ratio"]
        ratios = shrink_poisson(
            funnelled["count"].to_numpy(dtype=np.float64),
            funnelled["expected"].to_numpy(dtype=np.float64),
            per=1.0,
        )
        shrunk_values, weights = ratios.shrunk, ratios.weight
    scores = score_strategies(profiles, DEFAULT_SPEC if spec is None else spec)
    high = f"high_{limit_suffix(level)}"
    result = funnelled[["jobcentre", "n", "count", *estimate, "ci_low", "ci_high"]].assign(
        shrunk=shrunk_values,
        weight=weights,
        **{high: funnelled[high].to_numpy()},
    )
    result = result.assign(positive_deviant=result["shrunk"].to_numpy() > result[high].to_numpy())
    try:
        result = result.merge(
            scores[["jobcentre", "score", "rank", "strategy"]],
            on="jobcentre",
            how="left",
            validate="one_to_one",
        )
    except ValueError as exc:
        raise JobhandicapError(
            "the jobcentre columns of outcomes and profiles cannot be matched (they must hold "
            f"the same kind of codes, such as integers): {exc}"
        ) from exc
    result.attrs = {
        "target": funnelled.attrs["target"],
        "phi": funnelled.attrs["phi"],
        "tau2": funnelled.attrs["tau2"],
        "level": level,
        "year": None if years is None else tuple(years),
        "expected": expected,
    }
    return result
