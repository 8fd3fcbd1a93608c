"""Scoring units under a specification: indicator matrix, normalisation, aggregation, ranks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._grouping import check_columns
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
    problems_frame,
)
from jobhandicap.strategy._spec import (
    COMPARE_DECIMALS,
    DEFAULT_SPEC,
    RESULT_COLUMNS,
    STRATEGY_TYPES,
    BoolArray,
    FloatArray,
    Indicator,
    StrategySpec,
    label_key,
)

# --------------------------------------------------------------------------------------------
# Input checks and extraction of the indicator matrix.


def _check_frame(frame: object, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(
            f"the {what} must be a pandas DataFrame, got {type(frame).__name__}"
        )
    return frame


def _check_spec(spec: object) -> StrategySpec:
    if not isinstance(spec, StrategySpec):
        raise ArgumentTypeError(f"spec must be a StrategySpec, got {type(spec).__name__}")
    return spec


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    check_columns(frame, list(dict.fromkeys(required)), what)
    available = list(frame.columns)
    duplicated = [column for column in dict.fromkeys(required) if available.count(column) > 1]
    if duplicated:
        raise JobhandicapError(f"the {what} table has more than one column named {duplicated!r}")


def _check_units(frame: pd.DataFrame, unit: str) -> pd.Series:
    """Return the unit column (fresh RangeIndex) after checking it identifies the rows."""
    units = frame[unit].reset_index(drop=True)
    problems: list[tuple[int | None, str | None, object, str]] = []
    missing = units.isna().to_numpy()
    problems.extend(
        (
            int(row),
            unit,
            None,
            f"the unit column {unit!r} is missing in this row; every row must name its unit",
        )
        for row in np.flatnonzero(missing)
    )
    duplicated = (units.duplicated(keep=False) & ~units.isna()).to_numpy()
    problems.extend(
        (
            int(row),
            unit,
            units.iloc[row],
            f"unit {units.iloc[row]!s} appears in more than one row; give one row per unit",
        )
        for row in np.flatnonzero(duplicated)
    )
    if problems:
        raise SchemaError(
            f"the unit column {unit!r} must identify the rows", problems_frame(problems)
        )
    if len(units) < 2:
        raise JobhandicapError(
            f"scoring compares units, so it needs at least two rows (units); got {len(units)}"
        )
    return units


def _column_values(
    series: pd.Series, indicator: Indicator
) -> tuple[FloatArray, list[tuple[int | None, str | None, object, str]]]:
    """Convert one indicator column to floats (NaN = missing) and list the bad rows."""
    column = indicator.column
    problems: list[tuple[int | None, str | None, object, str]] = []
    present = series.notna().to_numpy()
    mapping = indicator.value_map
    if mapping is not None:
        keys = pd.Index([label_key(key) for key in mapping], dtype=pd.StringDtype())
        numbers = np.array(list(mapping.values()), dtype=np.float64)
        labels = series.astype(pd.StringDtype()).str.strip().str.casefold()
        position = keys.get_indexer(pd.Index(labels))
        values: FloatArray = np.where(position >= 0, numbers[np.maximum(position, 0)], np.nan)
        unknown = present & (position < 0)
        accepted = ", ".join(repr(key) for key in mapping)
        problems.extend(
            (int(row), column, series.iloc[row], f"unknown category; accepted: {accepted}")
            for row in np.flatnonzero(unknown)
        )
        return values, problems
    dtype = series.dtype
    categorical = isinstance(dtype, pd.CategoricalDtype)
    labels_only = isinstance(dtype, pd.CategoricalDtype) and not pd.api.types.is_numeric_dtype(
        dtype.categories.dtype
    )
    if labels_only:
        problems.append(
            (
                None,
                column,
                None,
                f"column {column!r} holds category labels; give its "
                "Indicator a values mapping from each label to a number",
            )
        )
        return np.full(len(series), np.nan), problems
    if pd.api.types.is_numeric_dtype(dtype) and not categorical:
        values = np.asarray(
            series.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64
        )
    else:
        converted = pd.to_numeric(series.astype(object), errors="coerce")
        values = converted.to_numpy(dtype=np.float64, na_value=np.nan)
        problems.extend(
            (
                int(row),
                column,
                series.iloc[row],
                "not a number (or yes/no); give numbers, "
                "or a values mapping on the Indicator for category labels",
            )
            for row in np.flatnonzero(present & np.isnan(values))
        )
    problems.extend(
        (
            int(row),
            column,
            values[row],
            "infinite values cannot be scored; use a finite number or leave the value missing",
        )
        for row in np.flatnonzero(np.isinf(values))
    )
    return values, problems


def _indicator_matrix(frame: pd.DataFrame, spec: StrategySpec) -> FloatArray:
    """Return the (units x indicators) float matrix of ``frame``; NaN marks a missing value."""
    problems: list[tuple[int | None, str | None, object, str]] = []
    columns = []
    for indicator in spec.indicators:  # a handful of indicators, not rows
        values, found = _column_values(frame[indicator.column], indicator)
        columns.append(values)
        problems.extend(found)
    if problems:
        raise SchemaError("the indicator columns cannot be scored", problems_frame(problems))
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


# --------------------------------------------------------------------------------------------
# Normalisation and aggregation on plain arrays.


def _observed_range(
    y: FloatArray,
    x: FloatArray,
    present: BoolArray,
    spec: StrategySpec,
    columns: Iterable[int],
    method: str,
) -> tuple[FloatArray, FloatArray]:
    """Column minima and maxima of ``y``; raise if a needed column is empty or constant.

    ``x`` holds the values as given (``y`` may be sign-flipped), for the error message.
    """
    lowest = np.min(np.where(present, y, np.inf), axis=0)
    highest = np.max(np.where(present, y, -np.inf), axis=0)
    for j in columns:
        column = spec.indicators[j].column
        if method == "goalposts":
            what = "has no goalposts, so goalposts normalisation uses its observed range, but it"
            remedy = "give the indicator goalposts, or leave it out of the spec"
        else:
            what = f"cannot be {method} normalised: it"
            remedy = (
                "use goalposts or rank normalisation, leave it out of the spec, or (in "
                f"strategy_sensitivity) leave {method!r} out of normalisations"
            )
        if not present[:, j].any():
            raise JobhandicapError(
                f"indicator {column!r} {what} has no observed values; fill it in or {remedy}"
            )
        if lowest[j] == highest[j]:
            value = x[present[:, j], j][0]
            raise JobhandicapError(
                f"indicator {column!r} {what} is constant (every observed value is {value:g}) "
                f"and its range would be zero; {remedy}"
            )
    return lowest, highest


def normalise_matrix(x: FloatArray, spec: StrategySpec, method: str) -> FloatArray:
    """Normalise every column of ``x`` (units x indicators) with ``method``; NaN stays NaN."""
    present = ~np.isnan(x)
    k = x.shape[1]
    direction = np.array([indicator.direction for indicator in spec.indicators], dtype=float)
    if method == "goalposts":
        fixed = np.array([indicator.goalposts is not None for indicator in spec.indicators])
        lower = np.array([(ind.goalposts or (0.0, 1.0))[0] for ind in spec.indicators])
        upper = np.array([(ind.goalposts or (0.0, 1.0))[1] for ind in spec.indicators])
        if not fixed.all():
            observed = np.flatnonzero(~fixed)
            lowest, highest = _observed_range(x, x, present, spec, observed, "goalposts")
            lower = np.where(fixed, lower, lowest)
            upper = np.where(fixed, upper, highest)
        share = np.clip((x - lower) / (upper - lower), 0.0, 1.0)
        normalised = 100.0 * np.where(direction < 0, 1.0 - share, share)
    elif method == "minmax":
        y = x * direction
        lowest, highest = _observed_range(y, x, present, spec, range(k), "minmax")
        normalised = 100.0 * (y - lowest) / (highest - lowest)
    elif method == "rank":
        y = x * direction
        counts = present.sum(axis=0)
        for j in np.flatnonzero(counts < 2):
            raise JobhandicapError(
                f"indicator {spec.indicators[j].column!r} has {counts[j]} observed value(s); "
                "rank normalisation needs at least two"
            )
        ranks = _average_ranks(np.where(present, y, np.inf))
        normalised = 100.0 * (ranks - 1.0) / (counts - 1.0)
    elif method == "zscore":
        y = x * direction
        _observed_range(y, x, present, spec, range(k), "zscore")
        counts = present.sum(axis=0)
        mean = np.where(present, y, 0.0).sum(axis=0) / counts
        deviation = np.where(present, y - mean, 0.0)
        sd = np.sqrt((deviation**2).sum(axis=0) / (counts - 1.0))
        normalised = (y - mean) / sd
    else:  # pragma: no cover - the spec and the argument checks exclude it
        raise JobhandicapError(f"unknown normalisation {method!r}")
    return np.where(present, normalised, np.nan)


def _average_ranks(values: FloatArray) -> FloatArray:
    """Ranks 1..n down each column, ties sharing their average rank (vectorised)."""
    n = values.shape[0]
    order = np.argsort(values, axis=0)
    ordered = np.take_along_axis(values, order, axis=0)
    positions = np.arange(n, dtype=np.float64)[:, None]
    new = np.ones(values.shape, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    first = np.maximum.accumulate(np.where(new, positions, 0.0), axis=0)
    last_new = np.ones(values.shape, dtype=bool)
    last_new[:-1] = new[1:]
    last = np.minimum.accumulate(np.where(last_new, positions, n - 1.0)[::-1], axis=0)[::-1]
    ranks_sorted = (first + last) / 2.0 + 1.0
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=0)
    return ranks


def min_ranks(scores: FloatArray) -> FloatArray:
    """Rank each row of ``scores`` (draws x units), 1 = highest, ties -> minimum, NaN unranked."""
    valid = ~np.isnan(scores)
    key = np.where(valid, -np.round(scores, COMPARE_DECIMALS), np.inf)
    order = np.argsort(key, axis=-1)
    ordered = np.take_along_axis(key, order, axis=-1)
    new = np.ones(key.shape, dtype=bool)
    new[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    positions = np.broadcast_to(np.arange(key.shape[-1], dtype=np.float64), key.shape)
    first = np.maximum.accumulate(np.where(new, positions, 0.0), axis=-1)
    ranks = np.empty(key.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, first + 1.0, axis=-1)
    return np.where(valid, ranks, np.nan)


def classify_scores(scores: FloatArray, thresholds: tuple[float, float]) -> npt.NDArray[np.int8]:
    """Class codes 0 proactive, 1 diffuse, 2 reactive, -1 no score (0-100 scale)."""
    rounded = np.round(scores, COMPARE_DECIMALS)
    codes = np.where(rounded >= thresholds[1], 0, np.where(rounded < thresholds[0], 2, 1))
    return np.where(np.isnan(scores), -1, codes).astype(np.int8)


def prepare(
    profiles: object, spec: object, unit: object
) -> tuple[StrategySpec, pd.DataFrame, pd.Series, FloatArray]:
    frame = _check_frame(profiles, "profiles")
    checked = _check_spec(spec)
    if not isinstance(unit, str):
        raise ArgumentTypeError(f"unit must be a column name (text), got {unit!r}")
    _check_columns(frame, [unit, *checked.columns], "profiles")
    units = _check_units(frame, unit)
    return checked, frame, units, _indicator_matrix(frame, checked)


# --------------------------------------------------------------------------------------------
# Public functions.


def normalise(values: pd.DataFrame, spec: StrategySpec = DEFAULT_SPEC) -> pd.DataFrame:
    """Normalise the indicator columns of a table as ``spec`` prescribes.

    Parameters
    ----------
    values
        A table with (at least) the columns the specification names; other columns are
        ignored. Text categories are mapped through each indicator's ``values``; booleans
        count as 0/1; missing values stay missing.
    spec
        The specification; its ``normalisation`` and each indicator's ``direction`` and
        ``goalposts`` are used.

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``, one float column per indicator (in specification order):
        the normalised values on [0, 100] (z-scores for ``"zscore"``), NaN where missing.

    Raises
    ------
    MissingColumnsError
        If a column of the specification is missing.
    SchemaError
        If a value cannot be read as a number (or as a known category), or is infinite; the
        ``problems`` frame lists every such row.
    JobhandicapError
        If an indicator is constant or empty under min-max or z-score normalisation (or under
        goalposts without goalposts), or has fewer than two values under rank normalisation.

    Notes
    -----
    See :class:`StrategySpec` for the formulas. "Lower is better" indicators are multiplied by
    −1 before normalising (goalposts reflect within the goalposts: :math:`100 - v`), so a
    higher normalised value always means more proactive.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 5.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [0.2, 0.5, 0.9], "c": [3, 2, 1]})
    >>> spec = StrategySpec([Indicator("a"), Indicator("c", direction=-1)], normalisation="minmax")
    >>> normalise(x, spec).round(4)
             a      c
    0   0.0000    0.0
    1  42.8571   50.0
    2 100.0000  100.0
    """
    frame = _check_frame(values, "values")
    checked = _check_spec(spec)
    _check_columns(frame, checked.columns, "values")
    matrix = normalise_matrix(_indicator_matrix(frame, checked), checked, checked.normalisation)
    return pd.DataFrame(matrix, index=frame.index, columns=list(checked.columns))


def _aggregate(
    normalised: FloatArray, weights: FloatArray, aggregation: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Scores, raw coverage and contributions (units x indicators) from normalised values."""
    present = ~np.isnan(normalised)
    held = np.where(present, weights, 0.0)
    total = held.sum(axis=1)
    coverage = total / weights.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = held / total[:, None]
        if aggregation == "arithmetic":
            terms = np.where(present, share * normalised, 0.0)
            score = terms.sum(axis=1)
            contributions = terms
        else:
            logs = np.where(present, share * np.log1p(0.99 * np.nan_to_num(normalised)), 0.0)
            log_score = logs.sum(axis=1)
            score = np.exp(log_score)
            positive = log_score > 0.0
            contributions = np.where(
                positive[:, None],
                score[:, None] * logs / np.where(positive, log_score, 1.0)[:, None],
                score[:, None] * share,
            )
    return score, coverage, np.where(present, contributions, np.nan)


def score_strategies(
    profiles: pd.DataFrame, spec: StrategySpec = DEFAULT_SPEC, *, unit: str = "jobcentre"
) -> pd.DataFrame:
    r"""Score, rank and classify each unit's strategy with a composite indicator.

    Parameters
    ----------
    profiles
        One row per unit with the unit column and the columns ``spec`` names (the canonical
        profiles frame for :data:`DEFAULT_SPEC`). Likert items may be nullable ``Int64``,
        yes/no items ``boolean`` (or plain bool/0-1), categories text or categorical. Missing
        values are allowed. Not modified.
    spec
        The specification (default :data:`DEFAULT_SPEC`).
    unit
        The column identifying the units; any column (identifiers are not checked against the
        reference tables), but it must be complete and unique.

    Returns
    -------
    pandas.DataFrame
        One row per unit, in input order: the unit column; ``score`` (float; on [0, 100] for
        arithmetic aggregation, [1, 100] for geometric, a weighted mean z-score for z-scores);
        ``rank`` (nullable ``Int64``, 1 = most proactive, ties share the best rank);
        ``strategy`` (categorical with categories ``"proactive"``, ``"diffuse"``,
        ``"reactive"``); ``coverage`` (share of the total weight the unit has); and one
        ``contribution_<column>`` per indicator. A unit with coverage below
        ``spec.min_coverage`` has a missing score, rank, strategy and contributions. Under
        z-score normalisation nothing is on the 0–100 scale, so ``strategy`` is missing for
        every unit.

    Raises
    ------
    MissingColumnsError
        If the unit column or an indicator column is missing.
    SchemaError
        If the unit column has missing or duplicate values, or an indicator value is not a
        number (or known category) or is infinite; ``problems`` lists every bad row.
    JobhandicapError
        If there are fewer than two units, or a normalisation is impossible (a constant
        indicator under min-max or z-score, for example).

    Notes
    -----
    The score is :math:`S_i = \sum_j \tilde w_{ij} v_{ij}` with the weights rescaled over the
    indicators unit *i* has (see :class:`StrategySpec`), and the contribution of indicator
    *j* is :math:`\tilde w_{ij} v_{ij}`, so the contributions of a unit sum to its score.
    For geometric aggregation, :math:`\log S_i = \sum_j \tilde w_{ij} \log g_{ij}`, and the
    contribution is the indicator's share of :math:`\log S_i` times :math:`S_i`:
    :math:`S_i \tilde w_{ij} \log g_{ij} / \log S_i` (the log-share), which again sums to
    :math:`S_i`; when :math:`S_i = 1` (every value at its minimum) it is :math:`\tilde w_{ij}`.
    Scores are ranked and classified after rounding to 9 decimals, so floating-point noise
    cannot split a tie.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, sections 5–6.

    Examples
    --------
    >>> profiles = pd.DataFrame(
    ...     {"jobcentre": [101, 147, 751], "a": [1, 3, 5], "b": [True, False, None]}
    ... )
    >>> spec = StrategySpec(
    ...     [Indicator("a", goalposts=(1, 5)), Indicator("b", goalposts=(0, 1))],
    ...     min_coverage=0.5,
    ... )
    >>> score_strategies(profiles, spec)
       jobcentre  score  rank strategy  coverage  contribution_a  contribution_b
    0        101   50.0     2  diffuse       1.0             0.0            50.0
    1        147   25.0     3 reactive       1.0            25.0             0.0
    2        751  100.0     1 proactive      0.5           100.0             NaN
    """
    checked, _, units, matrix = prepare(profiles, spec, unit)
    if unit in RESULT_COLUMNS:
        raise OptionError(
            f"the unit column may not be called {unit!r}: the result has a column of that "
            "name; rename it first"
        )
    score, coverage, contributions = spec_scores(matrix, checked)
    ranks = min_ranks(score)
    if checked.normalisation == "zscore":
        codes = np.full(len(score), -1, dtype=np.int8)
    else:
        codes = classify_scores(score, checked.thresholds)
    result = pd.DataFrame(
        {
            unit: units,
            "score": score,
            "rank": as_int64(ranks),
            "strategy": pd.Categorical.from_codes(
                codes.astype(np.int64), categories=pd.Index(STRATEGY_TYPES)
            ),
            "coverage": coverage,
        }
    )
    contribution_frame = pd.DataFrame(
        contributions, columns=[f"contribution_{column}" for column in checked.columns]
    )
    return pd.concat([result, contribution_frame], axis=1)


def spec_scores(
    matrix: FloatArray, checked: StrategySpec
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Scores, coverage and contributions of every unit under a checked specification.

    The specification's normalisation and aggregation with its weights; a unit whose coverage
    falls short of ``min_coverage`` gets no score and no contributions (NaN).
    """
    normalised = normalise_matrix(matrix, checked, checked.normalisation)
    weights = np.array(checked.weights, dtype=np.float64)
    score, coverage, contributions = _aggregate(normalised, weights, checked.aggregation)
    scored = coverage >= checked.min_coverage - 1e-12
    score = np.where(scored, score, np.nan)
    contributions = np.where(scored[:, None], contributions, np.nan)
    return score, coverage, contributions


def as_int64(values: FloatArray) -> pd.arrays.IntegerArray:
    """Whole-number floats (NaN = missing) as a nullable Int64 array."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
