"""Sampled surveys of citizens and employers: the design of a survey frame, and raking.

A :class:`SurveyDesign` names the columns of a respondent-level (or long, one row per answer)
frame that hold the design: weights, strata, clusters, the finite-population size and, after
:func:`rake`, the weights before raking and the raked margins. :func:`design_arrays` turns a
frame and its design into the arrays of :mod:`jobhandicap.stats.design` — one entry per
respondent, checked once — for :func:`top_box`, :func:`likert_distribution` and
:func:`jobhandicap.scale_means` with ``design=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._grouping import check_columns
from jobhandicap.errors import ArgumentTypeError, OptionError, SchemaError
from jobhandicap.stats._core import FloatArray, factorize_groups
from jobhandicap.stats.design import (
    CalibrationArrays,
    DesignArrays,
    calibration_cells,
    design_structure,
    rake_weights,
)

IntArray = npt.NDArray[np.int64]


def _names(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class SurveyDesign:
    """The design columns of a sampled survey's frame (one stage, stratified, clustered).

    Parameters
    ----------
    weights
        The column of the respondents' weights (finite, > 0), ``"weight"`` by default.
    strata
        The stratum column; one stratum when ``None``.
    clusters
        The cluster (primary sampling unit) column; labels are nested in strata (the same label
        in two strata is two clusters, R's ``nest = TRUE``). Each respondent is its own unit
        when ``None``.
    fpc
        The column with the population size of the respondent's stratum: the number of units,
        or with ``clusters`` the number of clusters in the stratum's population (R's one-stage
        ``fpc``). Sampling with replacement at stage 1 when ``None``.
    base_weights
        After :func:`rake`: the column of the weights before raking (``rake(..., base=...)``).
    calibration
        After :func:`rake`: the margins' columns. With ``base_weights`` the variance is the
        GREG variance of the calibration; without, the raked weights count as fixed.

    Raises
    ------
    ArgumentTypeError
        For a column name that is not a string.
    OptionError
        For ``calibration`` without ``base_weights`` or the other way round, or a column
        named twice.

    Notes
    -----
    The design columns describe the respondent: in a long frame they repeat on each of the
    respondent's rows and must be the same there (checked). A stratum with one PSU is an
    error (R's ``options(survey.lonely.psu = "fail")``, the default): merge it with a
    similar stratum.

    Examples
    --------
    >>> SurveyDesign(weights="weight", strata="region")
    SurveyDesign(weights='weight', strata='region', clusters=None, fpc=None, \
base_weights=None, calibration=())
    """

    weights: str = "weight"
    strata: str | None = None
    clusters: str | None = None
    fpc: str | None = None
    base_weights: str | None = attrs.field(default=None, kw_only=True)
    calibration: tuple[str, ...] = attrs.field(default=(), converter=_names, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for field in ("weights", "strata", "clusters", "fpc", "base_weights"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, str) or not value):
                raise ArgumentTypeError(
                    f"SurveyDesign: {field} must be a column name (a string), got {value!r}"
                )
        if not all(isinstance(c, str) and c for c in self.calibration):
            raise ArgumentTypeError("SurveyDesign: calibration must be column names (strings)")
        if bool(self.calibration) != (self.base_weights is not None):
            raise OptionError(
                "SurveyDesign: calibration (the raked margins' columns) and base_weights (the "
                "weights before raking) go together; give both or neither"
            )
        if len(set(self.columns)) != len(self.columns):
            raise OptionError(f"SurveyDesign names a column twice: {list(self.columns)}")

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the design names."""
        named = (self.weights, self.strata, self.clusters, self.fpc, self.base_weights)
        return (*[c for c in named if c is not None], *self.calibration)


def check_design(design: object) -> SurveyDesign:
    if not isinstance(design, SurveyDesign):
        raise ArgumentTypeError(
            f"design must be a jobhandicap.SurveyDesign, got {type(design).__name__}"
        )
    return design


def _unit_codes(
    frame: pd.DataFrame, column: str, units: IntArray, first: IntArray, what: str
) -> IntArray:
    """Per unit: the code of ``column``; raise if missing or varying within a unit."""
    values = frame[column]
    missing = values.isna().to_numpy(dtype=bool)
    if missing.any():
        raise SchemaError(
            f"the design column {column!r} is missing on {int(missing.sum())} row(s); "
            f"every {what} needs a value"
        )
    codes = factorize_groups(frame[[column]])[0]
    per_unit = codes[first]
    if (per_unit[units] != codes).any():
        raise SchemaError(
            f"the design column {column!r} differs between rows of one {what}; it describes "
            f"the {what} and must repeat unchanged on each of its rows"
        )
    return per_unit


def _unit_numbers(
    frame: pd.DataFrame, column: str, units: IntArray, first: IntArray, what: str
) -> FloatArray:
    try:
        values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"the design column {column!r} must hold numbers") from exc
    if np.isnan(values).any():
        raise SchemaError(
            f"the design column {column!r} is missing on {int(np.isnan(values).sum())} "
            f"row(s); every {what} needs a value"
        )
    per_unit = values[first]
    if (per_unit[units] != values).any():
        raise SchemaError(
            f"the design column {column!r} differs between rows of one {what}; it describes "
            f"the {what} and must repeat unchanged on each of its rows"
        )
    return per_unit


def _check_lonely_psus(
    frame: pd.DataFrame,
    design: SurveyDesign,
    strata: IntArray,
    clusters: IntArray,
    scopes: IntArray,
    first: IntArray,
    scope: str | None,
) -> None:
    """Raise for a stratum with a single PSU, naming it (and its wave) as the frame has it."""
    psus = pd.DataFrame({"scope": scopes, "stratum": strata, "psu": clusters}).drop_duplicates()
    per_stratum = psus.groupby(["scope", "stratum"], sort=True).size()
    lonely = per_stratum[per_stratum.to_numpy() < 2]
    if lonely.empty:
        return
    at = np.flatnonzero((scopes == lonely.index[0][0]) & (strata == lonely.index[0][1]))[0]
    row = int(first[at])
    name = f"stratum {str(frame[design.strata].iloc[row])!r}" if design.strata else "the sample"
    wave = f" in wave {frame[scope].iloc[row]}" if scope else ""
    unit = "cluster" if design.clusters else "respondent"
    more = f" (and {len(lonely) - 1} more stratum(s))" if len(lonely) > 1 else ""
    raise SchemaError(
        f"{name}{wave} has a single {unit}{more}: its variance cannot be estimated (R's "
        "survey.lonely.psu = 'fail'); merge it with a similar stratum"
    )


def design_arrays(
    frame: pd.DataFrame,
    design: SurveyDesign,
    *,
    unit: Sequence[str],
    scope: str | None,
    what: str = "survey",
) -> tuple[DesignArrays, IntArray, IntArray]:
    """The design of ``frame`` as :mod:`jobhandicap.stats.design` arrays.

    ``unit`` are the columns that identify a respondent (``respondent``; none for one row per
    respondent); ``scope`` a column whose values are separate samples (``wave``), each with
    its own strata and PSUs. Returns the design, each row's unit and each unit's scope code.
    """
    check_columns(
        frame, list(dict.fromkeys([*design.columns, *unit, *([scope] if scope else [])])), what
    )
    keys = [*([scope] if scope and scope not in unit else []), *unit]
    if keys:
        if frame[keys].isna().any().any():
            raise SchemaError(f"{what} has rows without a {' or '.join(keys)}")
        units, _ = factorize_groups(frame[keys])
    else:
        units = np.arange(len(frame), dtype=np.int64)
    n_units = int(units.max()) + 1 if len(units) else 0
    first = np.empty(n_units, dtype=np.int64)
    first[units[::-1]] = np.arange(len(frame) - 1, -1, -1, dtype=np.int64)
    label = "respondent" if unit else "row"
    weight = _unit_numbers(frame, design.weights, units, first, label)
    scopes = (
        _unit_codes(frame, scope, units, first, label)
        if scope
        else np.zeros(n_units, dtype=np.int64)
    )
    strata = (
        _unit_codes(frame, design.strata, units, first, label)
        if design.strata
        else np.zeros(n_units, dtype=np.int64)
    )
    clusters = (
        _unit_codes(frame, design.clusters, units, first, label)
        if design.clusters
        else np.arange(n_units, dtype=np.int64)
    )
    population = _unit_numbers(frame, design.fpc, units, first, label) if design.fpc else None
    _check_lonely_psus(frame, design, strata, clusters, scopes, first, scope)
    psu, psu_stratum, sizes, stratum_scope = design_structure(
        weight, strata, clusters, population, scopes
    )
    calibration = None
    if design.base_weights is not None:
        base = _unit_numbers(frame, design.base_weights, units, first, label)
        margins = [_unit_codes(frame, c, units, first, label) for c in design.calibration]
        cell, dummies = calibration_cells(margins, [int(m.max()) + 1 for m in margins])
        calibration = CalibrationArrays(base, cell, dummies)
    return (
        DesignArrays(weight, psu, psu_stratum, sizes, stratum_scope, calibration),
        units,
        scopes,
    )


Margins = Mapping[str, Mapping[Any, float] | pd.Series]


def rake(
    frame: pd.DataFrame,
    margins: Margins,
    *,
    weights: str = "weight",
    max_iter: int = 100,
    tol: float = 1e-10,
    base: str | None = None,
) -> pd.DataFrame:
    r"""Rake the weights of a sampled survey to known population totals.

    Parameters
    ----------
    frame
        The survey: one row per respondent, or the long frame (``respondent``, ``wave``,
        ``item``, ``answer`` and the design columns repeated on each of the respondent's
        rows). With a ``respondent`` column each respondent counts once (per ``wave``, each
        wave raked on its own); otherwise each row is a respondent.
    margins
        Per margin column, the population total of each of its levels: a mapping
        ``{level: total}`` or a pandas Series indexed by level. Every margin adds up to the
        same population.
    weights
        The weight column to start from; the result holds the raked weights there.
    max_iter
        The most sweeps over all margins.
    tol
        Converged when every margin is met to ``tol`` times the population total.
    base
        If given, a column of this name keeps the weights before raking — what
        :class:`SurveyDesign`'s ``base_weights`` needs for the variance after raking.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the raked weights (the input is not changed). Its
        ``attrs["raking"]`` reports the convergence: ``{"iterations": …, "max_error": …,
        "converged": …}`` (the worst over the waves; ``max_error`` in units of the totals).

    Raises
    ------
    MissingColumnsError
        For a margin or weight column the frame lacks.
    OptionError
        For margins whose totals differ, a level with respondents but no population total
        (or the other way round: an empty cell), a total that is not positive.
    SchemaError
        For weights that are not finite and positive or differ within a respondent, a
        missing margin value.

    Warns
    -----
    DataQualityWarning
        When the margins are not met after ``max_iter`` sweeps (the weights so far are
        returned, and ``converged`` is False).

    Notes
    -----
    Iterative proportional fitting (:func:`jobhandicap.stats.rake_weights`): each sweep scales
    the weights of every level of every margin in turn to its population total,
    :math:`w_i \leftarrow w_i\,T_{l}/\sum_{j \in l} w_j`. The raked weights equal R
    ``survey``'s ``rake()`` and ``calibrate(calfun = "raking")``.

    Estimates from the raked frame take the calibration into their variance when the design
    names it: ``SurveyDesign(..., base_weights=base, calibration=tuple(margins))`` gives the
    GREG variance (R's ``calibrate``); without, the raked weights count as fixed, which
    ignores what the margins add (usually, not always, a larger standard error).

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). *Ann. Math. Stat.* 11, 427–444.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"sex": ["F", "F", "M", "M"], "age": ["young", "old"] * 2,
    ...                        "weight": 1.0})
    >>> raked = rake(people, {"sex": {"F": 30, "M": 50}, "age": {"young": 40, "old": 40}})
    >>> raked["weight"].round(2).tolist()
    [15.0, 15.0, 25.0, 25.0]
    >>> raked.attrs["raking"]["converged"]
    True
    """
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if not isinstance(margins, Mapping) or not margins:
        raise ArgumentTypeError(
            "margins must map each margin column to {level: population total} (or a Series)"
        )
    taken = isinstance(base, str) and base in frame.columns
    if base is not None and (not isinstance(base, str) or not base or taken):
        raise OptionError(
            f"base must name a new column for the weights before raking; got {base!r}, "
            + ("which is already a column of the frame" if taken else "not a column name")
        )
    check_columns(frame, [weights, *margins], "frame")
    if len(frame) == 0:
        raise OptionError("rake: the frame has no rows, so no margin can be met")
    unit = ["respondent"] if "respondent" in frame.columns else []
    scope = "wave" if unit and "wave" in frame.columns else None
    design, units, scopes = design_arrays(
        frame, SurveyDesign(weights=weights), unit=unit, scope=scope, what="frame"
    )
    first = np.empty(len(design.weight), dtype=np.int64)
    first[units[::-1]] = np.arange(len(frame) - 1, -1, -1, dtype=np.int64)
    coded: list[tuple[IntArray, FloatArray]] = []
    for column, totals in margins.items():
        if not isinstance(totals, Mapping | pd.Series) or len(totals) == 0:
            raise ArgumentTypeError(
                f"margin {column!r} must map each level to its population total "
                f"({{level: total}} or a Series), got {type(totals).__name__}"
            )
        table = pd.Series(totals) if not isinstance(totals, pd.Series) else totals
        if not pd.api.types.is_numeric_dtype(table) or pd.api.types.is_bool_dtype(table):
            raise OptionError(
                f"the population totals of margin {column!r} must be numbers, got "
                f"{table.dtype} values such as {table.iloc[0]!r}"
            )
        target = table.to_numpy(dtype=np.float64)
        if not np.isfinite(target).all() or (target <= 0).any():
            raise OptionError(
                f"every population total of margin {column!r} must be a number > 0; "
                f"got {[str(v) for v in table.to_numpy()]}"
            )
        values = frame[column]
        if values.isna().any():
            raise SchemaError(f"the margin column {column!r} is missing on some rows")
        position = pd.Index(table.index).get_indexer(values)
        if (position < 0).any():
            stray = sorted({str(v) for v in values[position < 0].unique()})[:5]
            known = [str(v) for v in table.index]
            kinds = {type(v).__name__ for v in values[position < 0].unique()[:5]}
            hint = (
                f" (the levels are compared as they are: the data hold {sorted(kinds)}, the "
                f"margin's levels are {sorted({type(v).__name__ for v in table.index})})"
                if set(stray) <= set(known)
                else ""
            )
            raise OptionError(
                f"margin {column!r} has no population total for level(s) {stray}; it has "
                f"totals for {known}{hint}"
            )
        codes = position.astype(np.int64)[first]
        if (codes[units] != position).any():
            raise SchemaError(f"the margin column {column!r} differs between rows of a respondent")
        coded.append((codes, target))
    raked = np.empty_like(design.weight)
    report = {"iterations": 0, "max_error": 0.0, "converged": True}
    for code in np.unique(scopes):
        part = np.flatnonzero(scopes == code)
        wave = f" in wave {frame[scope].iloc[first[part[0]]]}" if scope else ""
        for (codes, target), (column, totals) in zip(coded, margins.items(), strict=True):
            empty = np.bincount(codes[part], minlength=len(target)) == 0
            if empty.any():
                level = list(pd.Series(totals).index)[int(np.flatnonzero(empty)[0])]
                raise OptionError(
                    f"margin {column!r}: level {str(level)!r} has a population total but no "
                    f"respondents{wave} (an empty cell); merge it with a neighbouring level"
                )
        try:
            result = rake_weights(
                design.weight[part],
                [(codes[part], target) for codes, target in coded],
                max_iter=max_iter,
                tol=tol,
            )
        except OptionError as exc:
            names = list(margins)
            raise OptionError(
                f"{exc} (margins in order: {names}"
                + (f"; wave {frame[scope].iloc[first[part[0]]]}" if scope else "")
                + ")"
            ) from exc
        raked[part] = result.weights
        report["iterations"] = max(int(report["iterations"]), result.iterations)
        report["max_error"] = max(float(report["max_error"]), result.max_error)
        report["converged"] = bool(report["converged"]) and result.converged
    out = frame.copy()
    if base is not None:
        out[base] = frame[weights].to_numpy(dtype=np.float64)
    out[weights] = raked[units]
    out.attrs = {**frame.attrs, "raking": report}
    return out
