"""Vectorised Monte Carlo uncertainty analysis of the strategy score."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, cast, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_SEED
from jobhandicap._options import Seed, check_count, generator
from jobhandicap.errors import ArgumentTypeError, OptionError
from jobhandicap.strategy._scoring import (
    as_int64,
    classify_scores,
    min_ranks,
    normalise_matrix,
    prepare,
    spec_scores,
)
from jobhandicap.strategy._spec import (
    AGGREGATIONS,
    BLOCK_CELLS,
    DEFAULT_SPEC,
    NORMALISATIONS,
    SENSITIVITY_COLUMNS,
    ZSCORE_GEOMETRIC,
    FloatArray,
    StrategySpec,
    as_float,
    is_number,
)


def _check_options(options: object, known: tuple[str, ...], name: str) -> tuple[str, ...]:
    if isinstance(options, str):
        options = (options,)
    try:
        chosen = tuple(cast(Iterable[object], options))
    except TypeError:
        raise ArgumentTypeError(
            f"{name} must be a sequence drawn from {list(known)}, got {options!r}"
        ) from None
    if not chosen:
        raise OptionError(f"{name} must name at least one of {list(known)}")
    for option in chosen:
        if option not in known:
            raise OptionError(f"unknown {name[:-1]} {option!r} in {name}; use {list(known)}")
    if len(set(chosen)) != len(chosen):
        raise OptionError(f"{name} lists an option twice: {list(chosen)!r}")
    return cast(tuple[str, ...], chosen)


@overload
def strategy_sensitivity(
    profiles: pd.DataFrame,
    spec: StrategySpec = DEFAULT_SPEC,
    *,
    draws: int = 10_000,
    weight_noise: float = 0.25,
    normalisations: Sequence[str] = ("goalposts", "minmax", "rank"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    drop_indicator: bool = False,
    seed: Seed = DEFAULT_SEED,
    unit: str = "jobcentre",
    return_draws: Literal[False] = False,
) -> pd.DataFrame: ...


@overload
def strategy_sensitivity(
    profiles: pd.DataFrame,
    spec: StrategySpec = DEFAULT_SPEC,
    *,
    draws: int = 10_000,
    weight_noise: float = 0.25,
    normalisations: Sequence[str] = ("goalposts", "minmax", "rank"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    drop_indicator: bool = False,
    seed: Seed = DEFAULT_SEED,
    unit: str = "jobcentre",
    return_draws: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...


@overload
def strategy_sensitivity(
    profiles: pd.DataFrame,
    spec: StrategySpec = DEFAULT_SPEC,
    *,
    draws: int = 10_000,
    weight_noise: float = 0.25,
    normalisations: Sequence[str] = ("goalposts", "minmax", "rank"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    drop_indicator: bool = False,
    seed: Seed = DEFAULT_SEED,
    unit: str = "jobcentre",
    return_draws: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]: ...


def strategy_sensitivity(
    profiles: pd.DataFrame,
    spec: StrategySpec = DEFAULT_SPEC,
    *,
    draws: int = 10_000,
    weight_noise: float = 0.25,
    normalisations: Sequence[str] = ("goalposts", "minmax", "rank"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    drop_indicator: bool = False,
    seed: Seed = DEFAULT_SEED,
    unit: str = "jobcentre",
    return_draws: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    r"""Uncertainty analysis of the strategy ranks and classes under alternative specifications.

    Every draw perturbs the weights, picks a normalisation and an aggregation and, optionally,
    drops one indicator; all units are scored under all draws of a normalisation–aggregation
    cell with one matrix product.

    Parameters
    ----------
    profiles
        One row per unit, as for :func:`score_strategies`. Not modified.
    spec
        The nominal specification: its weights are perturbed, its directions, goalposts,
        category values, ``min_coverage`` and thresholds are kept.
    draws
        The number of alternative specifications (Monte Carlo draws), at least 1.
    weight_noise
        :math:`f` in [0, 1): each weight is multiplied by :math:`1 + U(-f, f)`.
    normalisations
        The normalisations to draw from, uniformly (any of ``"goalposts"``, ``"minmax"``,
        ``"rank"``, ``"zscore"``).
    aggregations
        The aggregations to draw from, uniformly (``"arithmetic"``, ``"geometric"``). A z-score
        draw is always aggregated arithmetically (a geometric mean of z-scores is undefined),
        so ``"arithmetic"`` must be listed when ``"zscore"`` is.
    drop_indicator
        If true, each draw also drops one indicator (weight 0) or none, uniformly among these
        ``k + 1`` choices, as COINr's indicator-exclusion uncertainty. Needs two indicators.
    seed
        Seed or :class:`numpy.random.Generator` for the draws (same seed, same result). The
        default (:data:`~jobhandicap._defaults.DEFAULT_SEED`) makes the result reproducible;
        ``None`` draws fresh entropy (different draws on every call).
    unit
        The column identifying the units.
    return_draws
        If true, also return the parameters of every draw.

    Returns
    -------
    pandas.DataFrame or tuple of two pandas.DataFrame
        One row per unit, in input order: the unit column, ``nominal_rank`` (``Int64``, the
        rank :func:`score_strategies` gives under ``spec``), ``median_rank``, ``rank_q05``,
        ``rank_q95`` (quantiles of the unit's rank over the draws in which it has a score), and
        ``p_proactive``, ``p_diffuse``, ``p_reactive``: the share of the draws on the 0–100
        scale (all but z-score draws) in which the unit is so classified. A unit left unscored
        in some draws (too little weight covered) counts in none of the three, so they then
        sum to less than one; the shares are missing when every draw is a z-score draw.

        With ``return_draws=True``, also a frame with one row per draw: ``draw`` (0, 1, …),
        ``normalisation``, ``aggregation``, one ``weight_<column>`` per indicator (the weights
        used; 0 for a dropped indicator), ``dropped`` (the dropped column, or missing) and
        ``mean_abs_rank_shift`` (the mean over units of
        :math:`|r_{\text{draw}} - r_{\text{nominal}}|`).

    Raises
    ------
    MissingColumnsError, SchemaError, JobhandicapError
        As :func:`score_strategies`; also when a listed normalisation is impossible for the
        data (a constant indicator under ``"minmax"``, for example).
    OptionError
        For a bad value of ``draws``, ``weight_noise``, ``normalisations``,
        ``aggregations`` or ``seed`` (a ``ValueError``).
    ArgumentTypeError
        For an argument of the wrong type (a ``TypeError``).

    Notes
    -----
    Let :math:`V` (units × indicators) be the normalised values with missing values set to 0,
    :math:`M` the 0/1 mask of present values and :math:`W` (draws × indicators) the drawn
    weights. For all draws of one cell at once,

    .. math:: S = (W V^\top) \oslash (W M^\top), \qquad
              S^{\text{geo}} = \exp\big((W \log G^\top) \oslash (W M^\top)\big),

    where :math:`G = 1 + 0.99 V` on present values (its log is 0 where missing) and
    :math:`\oslash` divides elementwise: the weights are rescaled over each unit's present
    indicators. A unit whose covered weight share :math:`(W M^\top)_{di} / \sum_j W_{dj}` is
    below ``min_coverage`` is unscored in draw *d*. Numerators and denominators come from one
    product :math:`W [V; M]^\top` per cell (``numpy.einsum``, which for a handful of indicators
    is faster and steadier than a multi-threaded BLAS call). The normalised matrix is computed
    once per normalisation. Ranks per draw (1 = highest, ties → minimum; scores compared after
    rounding to 9 decimals) come from one ``argsort`` along the unit axis; the rank quantiles
    (``numpy.quantile``'s linear rule) are read off per-unit rank histograms, so memory does not
    grow with the number of draws (they are scored in blocks).

    To reproduce draw *d*: build ``StrategySpec`` from the nominal indicators with the weights
    ``weight_<column>`` of that row (leaving out the ``dropped`` indicator), its
    ``normalisation`` and ``aggregation``, and the nominal ``min_coverage`` and thresholds;
    :func:`score_strategies` then gives that draw's scores and ranks. With
    ``weight_noise=0``, only ``spec.normalisation`` and only ``spec.aggregation``, every draw
    reproduces the nominal ranks.

    References
    ----------
    .. [1] Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity
       analysis techniques as tools for the quality assessment of composite indicators.
       *J. R. Stat. Soc. A* 168(2), 307–323.
    .. [2] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 7.
    .. [3] COINr, ``get_sensitivity`` and ``get_noisy_weights``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jobhandicap.strategy import Indicator, StrategySpec
    >>> profiles = pd.DataFrame(
    ...     {"jobcentre": [101, 147, 751, 461], "a": [1, 3, 5, 4], "b": [5, 1, 4, 2]}
    ... )
    >>> spec = StrategySpec(
    ...     [Indicator("a", goalposts=(1, 5)), Indicator("b", goalposts=(1, 5))]
    ... )
    >>> strategy_sensitivity(profiles, spec, draws=1000, seed=1).round(2)
       jobcentre  nominal_rank  median_rank  rank_q05  rank_q95  p_proactive  p_diffuse  p_reactive
    0        101             2          3.0       2.0       4.0          0.0       0.48        0.51
    1        147             4          4.0       3.0       4.0          0.0       0.00        1.00
    2        751             1          1.0       1.0       1.0          1.0       0.00        0.00
    3        461             2          2.0       2.0       3.0          0.0       0.98        0.02
    """
    checked, _, units, matrix = prepare(profiles, spec, unit)
    if unit in SENSITIVITY_COLUMNS:
        raise OptionError(
            f"the unit column may not be called {unit!r}: the result has a column of that "
            "name; rename it first"
        )
    n_draws = check_count(draws, "draws", minimum=1)
    noise = as_float(weight_noise)
    if not is_number(noise) or not 0.0 <= noise < 1.0:
        raise OptionError(
            f"weight_noise must be a number in [0, 1) (each weight times 1 + U(-f, f)), "
            f"got {weight_noise!r}"
        )
    norms = _check_options(normalisations, NORMALISATIONS, "normalisations")
    aggs = _check_options(aggregations, AGGREGATIONS, "aggregations")
    if "zscore" in norms and "arithmetic" not in aggs:
        raise OptionError(ZSCORE_GEOMETRIC + "; add 'arithmetic' to aggregations")
    k = len(checked.indicators)
    if drop_indicator and k < 2:
        raise OptionError("drop_indicator needs a specification with at least two indicators")
    rng = generator(seed)

    # Nominal ranks, exactly as score_strategies computes them.
    nominal_rank = min_ranks(spec_scores(matrix, checked)[0])
    base = np.array(checked.weights, dtype=np.float64)

    # The draws: weights, normalisation, aggregation, dropped indicator (in this order).
    weights = base * (1.0 + rng.uniform(-noise, noise, size=(n_draws, k)))
    norm_code = rng.integers(len(norms), size=n_draws)
    agg_code = rng.integers(len(aggs), size=n_draws)
    if "zscore" in norms:
        is_z = norm_code == norms.index("zscore")
        agg_code = np.where(is_z, aggs.index("arithmetic"), agg_code)
    dropped = rng.integers(-1, k, size=n_draws) if drop_indicator else np.full(n_draws, -1)
    dropping = np.flatnonzero(dropped >= 0)
    weights[dropping, dropped[dropping]] = 0.0

    present = ~np.isnan(matrix)
    mask = present.astype(np.float64)
    n_units = matrix.shape[0]
    # Per unit, how often it got each rank and each class: the summaries need only these
    # histograms, so memory stays O(units^2) however many draws there are.
    rank_counts = np.zeros(n_units * n_units, dtype=np.int64)
    class_counts = np.zeros(n_units * 3, dtype=np.int64)
    rank_base = np.arange(n_units, dtype=np.int64) * n_units - 1
    class_base = np.arange(n_units, dtype=np.int64) * 3
    mean_shift = np.full(n_draws, np.nan)
    on_scale = 0
    block = max(1, BLOCK_CELLS // max(2 * n_units, 1))
    for a, method in enumerate(norms):  # at most four normalisations
        values = normalise_matrix(matrix, checked, method)
        for b, aggregation in enumerate(aggs):  # at most two aggregations
            cell = np.flatnonzero((norm_code == a) & (agg_code == b))
            if len(cell) == 0:
                continue
            if aggregation == "arithmetic":
                terms = np.where(present, values, 0.0)
            else:
                terms = np.where(present, np.log1p(0.99 * np.nan_to_num(values)), 0.0)
            # Numerators and denominators of all units in one (draws x 2 units) product.
            # einsum is a plain C loop: for a handful of indicators it beats a BLAS call,
            # whose thread start-up dominates (and varies) on a busy machine.
            stacked = np.ascontiguousarray(np.concatenate([terms, mask]).T)  # k x 2 units
            for start in range(0, len(cell), block):  # one block unless draws x units is huge
                rows = cell[start : start + block]
                w = weights[rows]
                product = np.einsum("dk,ku->du", w, stacked)
                held = product[:, n_units:]
                with np.errstate(invalid="ignore", divide="ignore"):
                    score = product[:, :n_units] / held
                if aggregation == "geometric":
                    score = np.exp(score)
                covered = held / w.sum(axis=1, keepdims=True)
                score = np.where(covered >= checked.min_coverage - 1e-12, score, np.nan)
                ranks = min_ranks(score)
                ranked = ~np.isnan(ranks)
                where = rank_base + np.where(ranked, ranks, 0.0).astype(np.int64)
                rank_counts += np.bincount(where[ranked], minlength=n_units * n_units)
                if method != "zscore":
                    codes = classify_scores(score, checked.thresholds)
                    where = class_base + codes
                    class_counts += np.bincount(where[codes >= 0], minlength=n_units * 3)
                    on_scale += len(rows)
                if return_draws:
                    shift = np.abs(ranks - nominal_rank)
                    compared = ~np.isnan(shift)
                    n_compared = compared.sum(axis=1)
                    total_shift = np.where(compared, shift, 0.0).sum(axis=1)
                    mean_shift[rows] = np.where(
                        n_compared > 0, total_shift / np.maximum(n_compared, 1), np.nan
                    )

    summary = _rank_quantiles(rank_counts.reshape(n_units, n_units), (0.05, 0.5, 0.95))
    if on_scale:
        shares = class_counts.reshape(n_units, 3).T / on_scale
    else:
        shares = np.full((3, n_units), np.nan)
    result = pd.DataFrame(
        {
            unit: units,
            "nominal_rank": as_int64(nominal_rank),
            "median_rank": summary[1],
            "rank_q05": summary[0],
            "rank_q95": summary[2],
            "p_proactive": shares[0],
            "p_diffuse": shares[1],
            "p_reactive": shares[2],
        }
    )
    if not return_draws:
        return result

    names = np.array([*checked.columns, None], dtype=object)  # index -1 = nothing dropped
    draw_frame = pd.DataFrame(
        {
            "draw": np.arange(n_draws, dtype=np.int64),
            "normalisation": pd.Series(np.array(norms)[norm_code], dtype=pd.StringDtype()),
            "aggregation": pd.Series(np.array(aggs)[agg_code], dtype=pd.StringDtype()),
            **{f"weight_{column}": weights[:, j] for j, column in enumerate(checked.columns)},
            "dropped": pd.Series(names[dropped], dtype=pd.StringDtype()),
            "mean_abs_rank_shift": mean_shift,
        }
    )
    return result, draw_frame


def _rank_quantiles(counts: npt.NDArray[np.int64], probabilities: Sequence[float]) -> FloatArray:
    """Quantiles of each unit's ranks from its rank histogram (``numpy.quantile``, linear).

    ``counts[i, r - 1]`` is how often unit *i* had rank *r*. Returns one row per probability
    and one column per unit; NaN for a unit that was never ranked.
    """
    total = counts.sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)
    result = np.full((len(probabilities), counts.shape[0]), np.nan)
    ranked = total > 0
    for i, probability in enumerate(probabilities):  # three quantiles
        # the (0-based) position in each unit's sorted ranks, as numpy.quantile places it
        position = probability * (total - 1.0)
        lower = np.floor(position)
        upper = np.minimum(lower + 1.0, total - 1.0)
        below = 1.0 + (cumulative <= lower[:, None]).sum(axis=1)
        above = 1.0 + (cumulative <= upper[:, None]).sum(axis=1)
        result[i] = np.where(ranked, below + (position - lower) * (above - below), np.nan)
    return result
