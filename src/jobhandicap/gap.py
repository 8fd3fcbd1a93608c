r"""The disability employment gap on person-level survey data, by three definitions.

The disability employment gap is the employment rate of people without a disability minus that
of people with one, in percentage points, over a stated age band. How "disability" is measured
decides what the number means, so :func:`employment_gap` takes the definition explicitly:

``"eurostat"``
    EU-SILC's Global Activity Limitation Indicator (GALI): "for at least the past six months,
    to what extent have you been limited because of a health problem in activities people
    usually do?" — *severely limited*, *limited but not severely*, *not limited*. Disabled =
    some or severe limitation; ages 20–64 (Eurostat table ``hlth_dlm200``). The gap is also
    published for "some" and "severe" separately (``split_severity=True``).
``"uk"``
    The ONS/DWP measure from the Labour Force Survey: disabled = a physical or mental health
    condition lasting 12 months or more that reduces the ability to carry out day-to-day
    activities (the Equality Act 2010 core definition), a yes/no variable; ages 16–64.
``"washington"``
    The Washington Group Short Set (WG-SS): six questions on difficulty seeing, hearing,
    walking or climbing steps, remembering or concentrating, self-care and communicating,
    answered *no difficulty*, *some difficulty*, *a lot of difficulty* or *cannot do at all*.
    Disabled = at least one domain with *a lot of difficulty* or *cannot do at all* — the
    cut-off the Washington Group recommends for international comparison (its "disability 3"
    identifier; verify the cut-off name against the Washington Group's current guidance).
    Ages 20–64 unless ``age`` is given (the WG-SS sets no age band; 20–64 matches Eurostat).

Rates are weighted with the survey weights when given, and the gap's interval is Newcombe's
hybrid score interval on Kish's effective sample sizes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._engines import (
    AnyFrame,
    EngineFrame,
    as_pandas,
    check_engine_columns,
    collect,
    engine_frame,
    engine_schema,
)
from jobhandicap._grouping import as_by, check_columns
from jobhandicap._options import check_choice, check_level, renamed, warn_small_bases
from jobhandicap._reduce import engine_sums, grouped_sums
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
    problems_frame,
)
from jobhandicap.frames import PEOPLE_SCHEMA
from jobhandicap.stats import newcombe_difference

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = [
    "DEFINITIONS",
    "GALI_LEVELS",
    "WG_COLUMNS",
    "WG_LEVELS",
    "employment_gap",
]

Definition = Literal["eurostat", "uk", "washington"]

#: The definitions :func:`employment_gap` knows, with their default age band (inclusive).
DEFINITIONS: dict[str, tuple[int, int]] = {
    "eurostat": (20, 64),
    "uk": (16, 64),
    "washington": (20, 64),
}

#: GALI answers in canonical form, from no limitation to severe limitation.
GALI_LEVELS = reference.GALI_LEVELS

#: Washington Group answers in canonical form, from no difficulty to cannot do at all.
WG_LEVELS = reference.DIFFICULTY_LEVELS

#: The six Washington Group Short Set domains in the canonical ``people`` frame.
WG_COLUMNS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_cognition",
    "wg_selfcare",
    "wg_communication",
)

#: Answers read as missing in every coded column (plus NaN, None and <NA>).
_MISSING_TEXT = frozenset(
    {"", "don't know", "dont know", "do not know", "refused", "not stated", "ved ikke", "uoplyst"}
)

#: Washington Group numeric codes: 1–4 the answers, 7 refused, 8 don't know, 9 not stated.
_WG_CODES = {1: 0, 2: 1, 3: 2, 4: 3, 7: -1, 8: -1, 9: -1}

#: Accepted yes/no labels (normalised) -> 1 (yes) or 0 (no).
_YES_NO: dict[str, int] = {
    **dict.fromkeys(("yes", "true", "ja", "y", "j", "1"), 1),
    **dict.fromkeys(("no", "false", "nej", "n", "0"), 0),
}

_DISABLED_LABELS: dict[str, int] = {
    **_YES_NO,
    **dict.fromkeys(("disabled", "handicap", "has a disability", "med handicap"), 1),
    **dict.fromkeys(
        ("not disabled", "non disabled", "no disability", "uden handicap", "ikke handicap"), 0
    ),
}

_EMPLOYED_LABELS: dict[str, int] = {
    **_YES_NO,
    **dict.fromkeys(("employed", "in employment", "beskæftiget", "i beskæftigelse"), 1),
    **dict.fromkeys(
        (
            "not employed",
            "unemployed",
            "inactive",
            "economically inactive",
            "not in employment",
            "ikke beskæftiget",
            "ledig",
            "uden for arbejdsstyrken",
        ),
        0,
    ),
}

_SEVERITY = {"some or severe": (1, 2), "some": (1,), "severe": (2,)}

_SHOWN = 5


# --------------------------------------------------------------------------------------------
# Reading the coded columns
# --------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, punctuation and dashes as spaces, whitespace collapsed."""
    cleaned = text.lower()
    for mark in "-–—_,.;:()/":
        cleaned = cleaned.replace(mark, " ")
    return " ".join(cleaned.replace("’", "'").split())


#: Accepted GALI and Washington Group labels (normalised: lower case, punctuation as spaces) ->
#: level: the vocabulary validate_people reads too (reference.answer_labels).
_GALI_LABELS: dict[str, int] = {
    _normalise(label): GALI_LEVELS.index(value)
    for label, value in reference.answer_labels("gali").items()
}
_WG_LABELS: dict[str, int] = {
    _normalise(label): WG_LEVELS.index(value)
    for label, value in reference.answer_labels("difficulty").items()
}


def _whole_number(value: object) -> int | None:
    """The whole number ``value`` is (int or whole float, not bool), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    return None


def _reader(
    labels: dict[str, int],
    *,
    codes: dict[int, int] | None = None,
    booleans: bool = False,
) -> Callable[[object], int | None]:
    """Build a function mapping one distinct value to its level, -1 (missing) or None."""

    def read(value: object) -> int | None:
        if isinstance(value, str):
            key = _normalise(value)
            if key in _MISSING_TEXT:
                return -1
            return labels.get(key)
        if isinstance(value, bool | np.bool_):
            return int(bool(value)) if booleans else None
        number = _whole_number(value)
        if number is not None:
            if codes is not None:
                return codes.get(number)
            if booleans and number in (0, 1):
                return number
        return None

    return read


def _levels(
    people: pd.DataFrame, column: str, read: Callable[[object], int | None], accepted: str
) -> npt.NDArray[np.int64]:
    """Read a coded column into integer levels (-1 missing), vectorised over distinct values.

    Raises a :class:`SchemaError` listing every distinct value that is not understood, with the
    first row where it occurs.
    """
    series = people[column]
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "b":
        read_bool = read(True), read(False)
        if None in read_bool:
            raise JobhandicapError(
                f"column {column!r} holds true/false values; it should hold {accepted}"
            )
        yes, no = (int(level) for level in read_bool if level is not None)
        return np.where(series.to_numpy(dtype=bool), yes, no).astype(np.int64)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = [read(value) for value in uniques]
    unknown = [i for i, level in enumerate(mapped) if level is None]
    if unknown:
        first = {i: int(np.flatnonzero(codes == i)[0]) for i in unknown[:50]}
        problems = problems_frame(
            (
                _row_label(people.index[first[i]]),
                column,
                uniques[i],
                f"not understood; accepted: {accepted}",
            )
            for i in first
        )
        raise SchemaError(
            f"column {column!r} holds {len(unknown)} value(s) that are not understood "
            f"(accepted: {accepted})",
            problems,
        )
    table = np.array([level if level is not None else -1 for level in mapped] + [-1])
    return table[codes].astype(np.int64)


def _row_label(label: object) -> int | None:
    """The row label as an int for a problems frame (None when it is not a number)."""
    return _whole_number(label)


def _accepted(labels: Sequence[str], extra: str = "") -> str:
    return ", ".join(repr(label) for label in labels) + extra


def _disability_status(
    people: pd.DataFrame, definition: str, columns: list[str]
) -> npt.NDArray[np.int64]:
    """Per person: 0 not disabled, 1 disabled (eurostat: 1 some, 2 severe), -1 unknown."""
    if definition == "eurostat":
        return _levels(
            people,
            columns[0],
            _reader(_GALI_LABELS),
            _accepted(GALI_LEVELS, " (or Danish equivalents); missing values are left out"),
        )
    if definition == "uk":
        return _levels(
            people,
            columns[0],
            _reader(_DISABLED_LABELS, booleans=True),
            "true/false, 1/0, 'yes'/'no', 'disabled'/'not disabled' (or Danish equivalents)",
        )
    read = _reader(_WG_LABELS, codes=_WG_CODES)
    accepted = _accepted(WG_LEVELS, ", codes 1–4 (7, 8, 9: missing) or Danish equivalents")
    domains = np.column_stack([_levels(people, c, read, accepted) for c in columns])
    severe = (domains >= 2).any(axis=1)
    answered = (domains >= 0).all(axis=1)
    return np.where(severe, 1, np.where(answered, 0, -1)).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


def _definition(definition: object) -> str:
    if not isinstance(definition, str):
        raise ArgumentTypeError(
            f"definition must be one of {', '.join(map(repr, DEFINITIONS))}; "
            f"got {type(definition).__name__}"
        )
    return check_choice("definition", _normalise(definition), tuple(DEFINITIONS))


def _disabled_columns(disabled: str | Sequence[str] | None, definition: str) -> list[str]:
    if disabled is None:
        if definition == "eurostat":
            return ["gali"]
        if definition == "washington":
            return list(WG_COLUMNS)
        raise OptionError(
            "definition='uk' needs disabled= naming a yes/no column (disabled = a condition of "
            "12 months or more that reduces day-to-day activities)"
        )
    columns = [disabled] if isinstance(disabled, str) else list(disabled)
    if not columns or not all(isinstance(c, str) for c in columns):
        raise ArgumentTypeError(f"disabled must name a column or columns, got {disabled!r}")
    if definition != "washington" and len(columns) != 1:
        raise OptionError(
            f"definition={definition!r} reads one column for disability, got {columns}; "
            "several columns (the Washington Group domains) need definition='washington'"
        )
    return columns


def _column_name(value: object, name: str) -> str | None:
    """Check an argument naming one column (``None`` allowed)."""
    if value is not None and not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must name a column (a string), got {value!r}")
    return value


def _age_band(
    age: tuple[float, float] | Literal["all"] | None, definition: str
) -> tuple[float, float] | None:
    if age is None:
        first, last = DEFINITIONS[definition]
        return float(first), float(last)
    if isinstance(age, str):
        if age == "all":
            return None
        raise OptionError(f"age must be (lowest, highest) or 'all', got {age!r}")
    try:
        bounds = [float(a) for a in age]
        low, high = bounds
    except TypeError:
        raise ArgumentTypeError(
            f"age must be (lowest, highest), both inclusive, such as (20, 64), got {age!r}"
        ) from None
    except ValueError:
        raise OptionError(
            f"age must be (lowest, highest), both inclusive, such as (20, 64), got {age!r}"
        ) from None
    if not low <= high:
        raise OptionError(f"age must be (lowest, highest) with lowest ≤ highest, got {age!r}")
    return low, high


def _in_band(people: pd.DataFrame, band: tuple[float, float] | None) -> npt.NDArray[np.bool_]:
    if band is None:
        return np.ones(len(people), dtype=bool)
    check_columns(people, ("age",), "people")
    try:
        age = people["age"].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise JobhandicapError(
            f"the age column must hold ages in years, got values of type {people['age'].dtype}"
        ) from None
    missing = np.isnan(age)
    if missing.any():
        rows = people.index[missing][:_SHOWN].tolist()
        raise JobhandicapError(
            f"age is missing in {int(missing.sum())} row(s) (first: {rows}); without an age a "
            "person cannot be placed in the age band — drop those rows or give age='all'"
        )
    return np.asarray((age >= band[0]) & (age <= band[1]), dtype=bool)


def _weights(people: pd.DataFrame, weight: str | None) -> npt.NDArray[np.float64]:
    if weight is None:
        return np.ones(len(people), dtype=np.float64)
    check_columns(people, (weight,), "people")
    try:
        values = people[weight].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise JobhandicapError(
            f"the weight column {weight!r} must hold numbers, got values of type "
            f"{people[weight].dtype}"
        ) from None
    with np.errstate(invalid="ignore"):
        bad = ~(values > 0) | ~np.isfinite(values)
    if bad.any():
        rows = people.index[bad][:_SHOWN].tolist()
        raise JobhandicapError(
            f"survey weights must be positive finite numbers; {int(bad.sum())} row(s) are not "
            f"(rows {rows}, values {values[bad][:_SHOWN].tolist()}); drop those people or fix "
            "their weights"
        )
    return values


def _band_label(band: tuple[float, float] | None) -> str:
    return "all" if band is None else f"{band[0]:g}-{band[1]:g}"


# --------------------------------------------------------------------------------------------
# The gap
# --------------------------------------------------------------------------------------------


@renamed(weight="weights")
def employment_gap(
    people: AnyFrame,
    *,
    disabled: str | Sequence[str] | None = None,
    employed: str = "employed",
    weights: str | None = None,
    age: tuple[float, float] | Literal["all"] | None = None,
    by: str | Sequence[str] = (),
    definition: Definition = "eurostat",
    split_severity: bool = False,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Disability employment gap: employment rate without minus with a disability, in pp.

    Parameters
    ----------
    people
        Person-level survey data, one row per person: pandas, or a Polars, PyArrow, DuckDB or
        PySpark frame (the sums are then computed in that engine, each coded column's
        distinct values read once). The canonical ``people`` frame has ``age``, ``sex``,
        ``employed``, ``gali``, ``wg_*`` and ``weight``; other column names can be given
        below.
    disabled
        The column(s) that say who is disabled, read according to ``definition``:
        ``"eurostat"`` — one GALI column (default ``"gali"``) holding *not limited*, *limited
        but not severely*, *severely limited* (also "some"/"severe", the old "yes, strongly
        limited" wording, or Danish); ``"uk"`` — one yes/no column (booleans, 1/0, "yes"/"no",
        "disabled"/"not disabled"), no default; ``"washington"`` — the Washington Group domain
        columns (default: the six ``wg_*`` columns) holding *no difficulty*, *some
        difficulty*, *a lot of difficulty*, *cannot do at all* (or the WG codes 1–4; 7, 8, 9
        are missing); disabled when at least one domain is *a lot of difficulty* or worse, the
        cut-off the Washington Group recommends for international comparison.
    employed
        Column saying whether the person is employed (booleans, 1/0, "yes"/"no",
        "employed"/"unemployed"/"inactive").
    weights
        Column of survey weights (positive). ``None``: every person weighs 1. (Called
        ``weight`` before 0.2; the old name still works, with a ``DeprecationWarning``.)
    age
        Age band ``(lowest, highest)``, both inclusive, over the ``age`` column; ``None``
        takes the definition's band (Eurostat 20–64, UK 16–64, Washington 20–64); ``"all"``
        uses everybody.
    by
        Grouping columns of ``people`` (for example ``"sex"``). A person with a missing
        value in a grouping column is left out, as in a pandas group-by.
    definition
        ``"eurostat"`` (default), ``"uk"`` or ``"washington"``; see the module documentation.
    split_severity
        Eurostat only: besides the gap for "some or severe" limitation, report the gap for
        "some" and for "severe" limitation (each against the not limited), in a ``severity``
        column.
    level
        Confidence level of the interval for the gap.

    Returns
    -------
    pandas.DataFrame
        One row per group (and severity): the grouping columns, ``severity`` (with
        ``split_severity``), ``n_disabled``, ``n_not_disabled`` (unweighted counts, the two
        bases), ``gap_pp`` (not disabled minus disabled, percentage points), ``ci_low``,
        ``ci_high`` (its interval, pp), ``rate_disabled``, ``rate_not_disabled`` (weighted
        employment rates, 0–1), ``relative_rate`` (disabled ÷ not disabled),
        ``n_eff_disabled``, ``n_eff_not_disabled`` (Kish's effective sizes), ``n_missing``
        (people in the band and group left out because their employment or disability
        answer is missing), ``definition``, ``age_band`` (e.g. ``"20-64"``).

    Raises
    ------
    MissingColumnsError
        When a named column is missing.
    SchemaError
        When a disability or employment column holds values that are not understood (the
        ``problems`` frame lists each value with the first row holding it).
    OptionError
        On an unknown definition, a bad age band, ``split_severity`` with another definition
        than Eurostat's, or a ``level`` outside (0, 1);
        :class:`~jobhandicap.errors.ArgumentTypeError` when a column argument is not a
        string.
    JobhandicapError
        On a missing age, or a weight that is not a positive finite number.

    Warns
    -----
    SmallSampleWarning
        Once per call: when a group has nobody disabled or nobody not disabled (after the
        age band) — its rate, gap and interval are NaN —, when nobody is in the age band,
        or else when some row rests on fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        persons disabled or not disabled.

    See Also
    --------
    reduce_people : the reduced table the estimates are computed from.

    Notes
    -----
    With weights :math:`w_i` and employment :math:`e_i \in \{0, 1\}` the employment rate of a
    group :math:`G` is :math:`\hat p_G = \sum_G w_i e_i / \sum_G w_i`, the gap
    :math:`\Delta = \hat p_{\text{not}} - \hat p_{\text{dis}}` (× 100 for percentage points)
    and the relative employment rate (OECD usage) :math:`\hat p_{\text{dis}} /
    \hat p_{\text{not}}`. The interval is Newcombe's hybrid score interval (method 10),

    .. math::

        L = \Delta - \sqrt{(\hat p_1 - l_1)^2 + (u_2 - \hat p_2)^2},\qquad
        U = \Delta + \sqrt{(u_1 - \hat p_1)^2 + (\hat p_2 - l_2)^2},

    with group 1 the not disabled, group 2 the disabled and :math:`l_i, u_i` Wilson limits
    computed from :math:`(\hat p_i n_i^*, n_i^*)`, where :math:`n^* = (\sum w)^2 / \sum w^2`
    is Kish's effective sample size (the plain count without weights). This accounts for the
    unequal weights but not for clustering or stratification of the survey design; with a
    complex design a replicate-weight or linearisation variance is more accurate.

    The persons are first reduced to sums per group and disability status
    (:func:`reduce_people`: :math:`n`, :math:`\sum w`, :math:`\sum w e`, :math:`\sum w^2`);
    the rates, effective sizes and intervals are computed from that table alone.

    The rows of a group with a missing employment or disability answer are left out
    (counted in ``n_missing``), as Eurostat leaves out non-response to GALI. With the
    Washington definition a person with one domain at *a lot of difficulty* or worse is
    disabled even if other domains are missing; otherwise all domains must be answered.

    Danish national survey figures (2022, ages 16–64: employment 36 % with a major
    disability, 76.3 % with a minor one, 85.9 % with none) rest on self-rated disability, not
    on GALI: they are **not** comparable with the Eurostat gap, nor with the UK or Washington
    Group figures.

    References
    ----------
    Eurostat. Disability employment gap by level of activity limitation and sex
    (``hlth_dlm200``), EU-SILC. Office for National Statistics / Department for Work and
    Pensions. The employment of disabled people (Labour Force Survey; disability employment
    gap, ages 16–64). Washington Group on Disability Statistics. The Washington Group Short
    Set on Functioning (WG-SS) and its analytic guidelines. Kish, L. (1965). *Survey
    Sampling*. Wiley. Newcombe, R. G. (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. *Statistics in Medicine* 17,
    873–890.

    Examples
    --------
    Newcombe's example: 56 of 70 people without and 48 of 80 with a limitation employed.

    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "age": 40,
    ...     "gali": ["not limited"] * 70 + ["severely limited"] * 80,
    ...     "employed": [True] * 56 + [False] * 14 + [True] * 48 + [False] * 32})
    >>> gap = employment_gap(people)
    >>> gap[["n_disabled", "n_not_disabled", "gap_pp", "ci_low", "ci_high"]].round(4)
       n_disabled  n_not_disabled  gap_pp  ci_low  ci_high
    0          80              70    20.0  5.2431  33.3873
    >>> gap[["rate_disabled", "rate_not_disabled", "relative_rate"]]
       rate_disabled  rate_not_disabled  relative_rate
    0            0.6                0.8           0.75
    """
    engine_frame(people, function="employment_gap", what="people")
    level = check_level(level)
    names = as_by(by)
    definition = _definition(definition)  # type: ignore[assignment]
    if split_severity and definition != "eurostat":
        raise OptionError(
            "split_severity needs definition='eurostat' (the GALI levels 'limited but not "
            f"severely' and 'severely limited'); got definition={definition!r}"
        )
    age_band = _age_band(age, definition)
    reduced = reduce_people(
        people,
        names,
        disabled=disabled,
        employed=employed,
        weights=weights,
        age=age_band if age_band is not None else "all",
        definition=definition,
    )
    return _assemble(reduced, names, split_severity, level, definition, _band_label(age_band))


#: The sums of a reduced table of persons, besides its group keys and ``status``.
_PERSON_SUMS = ("weight", "weight_employed", "weight_squared")


def reduce_people(
    people: AnyFrame,
    by: str | Sequence[str] = (),
    *,
    disabled: str | Sequence[str] | None = None,
    employed: str = "employed",
    weights: str | None = None,
    age: tuple[float, float] | Literal["all"] | None = None,
    definition: Definition = "eurostat",
) -> pd.DataFrame:
    r"""Reduce persons to counts and weighted sums per group and disability status.

    The reduction step of :func:`employment_gap`, the only step whose cost grows with the
    number of persons (one grouped sum, :func:`jobhandicap._reduce.grouped_sums`): the rates,
    Kish's effective sizes and the Newcombe interval are computed from its table alone.
    Reading the coded answers (GALI, yes/no, the Washington Group domains) into a status is a
    lookup per distinct answer before the reduction.

    Parameters
    ----------
    people
        Person-level survey data; see :func:`employment_gap`.
    by, disabled, employed, weights, age, definition
        As for :func:`employment_gap`.

    Returns
    -------
    pandas.DataFrame
        One row per group and status among the persons in the age band, sorted by group and
        status (a person with a missing ``by`` value is left out):

        ======================  ======================================================
        column                  content
        ======================  ======================================================
        the ``by`` columns      the group
        ``status``              -1 employment or disability unknown, 0 not disabled,
                                1 disabled (Eurostat: some limitation), 2 severe
                                limitation (Eurostat only); int64
        ``n``                   persons (int64)
        ``weight``              :math:`\sum w`
        ``weight_employed``     :math:`\sum w e` (:math:`e = 1` when employed)
        ``weight_squared``      :math:`\sum w^2`
        ======================  ======================================================

        Without ``weights`` every :math:`w = 1`. Counts and sums only: tables of parts of the
        persons add up to the table of the whole (:func:`jobhandicap._reduce.combine` over
        the ``by`` columns and ``status``).

    Raises
    ------
    MissingColumnsError, SchemaError, OptionError, JobhandicapError
        As for :func:`employment_gap`.

    Notes
    -----
    These sums are sufficient for the weighted rate
    :math:`\hat p = \sum w e / \sum w`, Kish's (1965) effective sample size
    :math:`n^* = (\sum w)^2 / \sum w^2` and hence the interval of :func:`employment_gap`.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "age": [30, 40, 50, 60],
    ...     "gali": ["not limited", "severely limited", "not limited", None],
    ...     "employed": [True, False, True, True],
    ...     "weight": [1.0, 2.0, 3.0, 1.0]})
    >>> reduce_people(people, weights="weight")
       status  n  weight  weight_employed  weight_squared
    0      -1  1     1.0              1.0             1.0
    1       0  2     4.0              4.0            10.0
    2       2  1     2.0              0.0             4.0
    """
    names = as_by(by)
    definition = _definition(definition)  # type: ignore[assignment]
    columns = _disabled_columns(disabled, definition)
    employed = _column_name(employed, "employed") or "employed"
    weights = _column_name(weights, "weights")
    band = _age_band(age, definition)
    engine = engine_frame(people, function="reduce_people", what="people")
    if engine is not None:
        return _engine_people(
            engine,
            names,
            columns=columns,
            employed=employed,
            weights=weights,
            band=band,
            definition=definition,
        )
    people = as_pandas(people, function="reduce_people", what="people")
    check_columns(people, [*columns, employed, *names], "people")
    inside = _in_band(people, band)
    weight = _weights(people, weights)
    status = _disability_status(people, definition, columns)
    works = _levels(
        people,
        employed,
        _reader(_EMPLOYED_LABELS, booleans=True),
        "true/false, 1/0, 'yes'/'no', 'employed'/'unemployed'/'inactive' (or Danish)",
    )
    status = np.where(works < 0, -1, status)
    employment = np.where(works > 0, 1.0, 0.0)
    everyone = bool(inside.all())

    def kept(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return values if everyone else values[inside]

    keys: dict[str, pd.Series | npt.NDArray[Any]] = {
        name: people[name] if everyone else people[name].loc[inside] for name in names
    }
    weight = kept(weight)
    table = grouped_sums(
        {**keys, "status": kept(status)},
        {
            "weight": weight,
            "weight_employed": weight * kept(employment),
            "weight_squared": weight * weight,
        },
    )
    return table.astype({"status": "int64"})


def _assemble(
    reduced: pd.DataFrame,
    names: list[str],
    split_severity: bool,
    level: float,
    definition: str,
    band: str,
) -> pd.DataFrame:
    """The gap of every group (and severity) from the reduced table of :func:`reduce_people`."""
    # The groups in order (the table is sorted by them): one row, the whole sample, when
    # ungrouped — even with nobody in the band.
    if names:
        starts = ~reduced.duplicated(subset=names).to_numpy()
        group = np.cumsum(starts) - 1
        groups = reduced.loc[starts, names].reset_index(drop=True)
    else:
        group = np.zeros(len(reduced), dtype=np.int64)
        groups = pd.DataFrame(index=pd.RangeIndex(1))
    slot = reduced["status"].to_numpy(dtype=np.int64) + 1  # column 0: the missing status
    sums: dict[str, npt.NDArray[np.float64]] = {}
    for stat in ("n", *_PERSON_SUMS):
        array = np.zeros((len(groups), 4))
        array[group, slot] = reduced[stat].to_numpy(dtype=np.float64)
        sums[stat] = array
    severities = _SEVERITY if split_severity else {"some or severe": (1, 2)}
    frames = []
    for severity, statuses in severities.items():
        columns = [1 + s for s in statuses]

        def pair(stat: str, cols: list[int] = columns) -> tuple[Any, Any]:
            return sums[stat][:, cols].sum(axis=1), sums[stat][:, 1]

        frame = _estimate(
            n=pair("n"),
            w=pair("weight"),
            we=pair("weight_employed"),
            w2=pair("weight_squared"),
            level=level,
        )
        frame = pd.concat(
            [
                groups.reset_index(drop=True),
                pd.DataFrame({"severity": severity}, index=frame.index)
                if split_severity
                else None,
                frame,
            ],
            axis=1,
        ).assign(n_missing=sums["n"][:, 0].astype(np.int64), definition=definition, age_band=band)
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if split_severity:
        order = list(_SEVERITY)
        result = result.assign(
            severity=pd.Categorical(result["severity"], categories=order)
        ).sort_values([*names, "severity"], kind="stable")
        result = result.reset_index(drop=True)
    _warn(result, names, band)
    return result


def _warn(result: pd.DataFrame, names: list[str], band: str) -> None:
    """One :class:`SmallSampleWarning` per call: nobody in the band, an empty side, or few."""
    if result.empty:
        warnings.warn(
            f"nobody in the people table is in the age band {band}; the result is empty",
            SmallSampleWarning,
            stacklevel=5,
        )
        return
    smaller = np.minimum(result["n_disabled"].to_numpy(), result["n_not_disabled"].to_numpy())
    empty = smaller == 0
    if empty.any():
        where = (
            "; ".join(
                ", ".join(f"{c} {v}" for c, v in zip(names, row, strict=True))
                for row in result.loc[empty, names].head(_SHOWN).itertuples(index=False)
            )
            if names
            else "the whole sample"
        )
        warnings.warn(
            f"nobody disabled or nobody not disabled in the age band in {where}; the rates, "
            "gap and interval are NaN there",
            SmallSampleWarning,
            stacklevel=5,
        )
        return
    shown = [*names, "severity"] if "severity" in result.columns else names
    labels = (
        [", ".join(map(str, row)) for row in result[shown].itertuples(index=False)]
        if shown
        else ["all"] * len(result)
    )
    # The smaller side (disabled or not) is the base of the comparison.
    warn_small_bases(smaller, "persons", labels=labels, stacklevel=6)


def _estimate(
    *,
    n: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    w: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    we: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    w2: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    level: float,
) -> pd.DataFrame:
    """Rates, gap and Newcombe interval from the sums of the disabled (0) and not disabled (1)."""
    rate: list[npt.NDArray[np.float64]] = []
    n_eff: list[npt.NDArray[np.float64]] = []
    count: list[npt.NDArray[np.float64]] = []
    for k in (0, 1):
        has = n[k] > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            rate.append(np.where(has, we[k] / w[k], np.nan))
            n_eff.append(np.where(has, w[k] * w[k] / w2[k], 0.0))
            # p̂ · n* = Σwe · Σw / Σw²: exactly the count of the employed without weights.
            count.append(np.where(has, np.minimum(we[k] * w[k] / w2[k], n_eff[k]), 0.0))
    valid = (n[0] > 0) & (n[1] > 0)
    gap = np.full(valid.shape, np.nan)
    low = np.full(valid.shape, np.nan)
    high = np.full(valid.shape, np.nan)
    if valid.any():
        estimate = newcombe_difference(
            count[1][valid],
            n_eff[1][valid],
            count[0][valid],
            n_eff[0][valid],
            level=level,
            fractional=True,
        )
        gap[valid] = 100.0 * np.asarray(estimate.estimate)
        low[valid] = 100.0 * np.asarray(estimate.ci_low)
        high[valid] = 100.0 * np.asarray(estimate.ci_high)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(rate[1] > 0, rate[0] / rate[1], np.nan)
    return pd.DataFrame(
        {
            "n_disabled": n[0].astype(np.int64),
            "n_not_disabled": n[1].astype(np.int64),
            "gap_pp": gap,
            "ci_low": low,
            "ci_high": high,
            "rate_disabled": rate[0],
            "rate_not_disabled": rate[1],
            "relative_rate": relative,
            "n_eff_disabled": n_eff[0],
            "n_eff_not_disabled": n_eff[1],
        }
    )


# --------------------------------------------------------------------------------------------
# The reduction in another engine (Polars, PyArrow, DuckDB, PySpark) through narwhals
# --------------------------------------------------------------------------------------------

#: Categories of the canonical people frame's categorical columns, restored on reduced keys.
_PEOPLE_CATEGORIES = {
    spec.name: list(spec.categories) for spec in PEOPLE_SCHEMA.columns if spec.kind == "category"
}


def _engine_levels(
    frame: EngineFrame, column: str, read: Callable[[object], int | None], accepted: str
) -> nw.Expr:
    """A coded column read into levels (-1 missing) in the engine, from its distinct values.

    The distinct values are collected (a handful) and read in Python as in :func:`_levels`;
    the engine then maps each row by a chain of comparisons.
    """
    import narwhals.stable.v2 as nw

    value = nw.col(column)
    if isinstance(engine_schema(frame)[column], nw.Categorical | nw.Enum):
        value = value.cast(nw.String)
    distinct = collect(
        frame.select(value.alias(column)).filter(~nw.col(column).is_null()).unique()
    )
    uniques = [v for v in distinct[column].astype(object).tolist() if not pd.isna(v)]
    mapped = {v: read(v) for v in uniques}
    unknown = [v for v, level in mapped.items() if level is None]
    if unknown:
        raise SchemaError(
            f"column {column!r} holds {len(unknown)} value(s) that are not understood "
            f"(accepted: {accepted})",
            problems_frame(
                (None, column, v, f"not understood; accepted: {accepted}") for v in unknown[:50]
            ),
        )
    level: nw.Expr = nw.lit(-1, dtype=nw.Int64)
    for v, code in mapped.items():
        if code is not None and code >= 0:
            level = nw.when(value == nw.lit(v)).then(nw.lit(code, dtype=nw.Int64)).otherwise(level)
    return level


def _engine_people(
    frame: EngineFrame,
    names: list[str],
    *,
    columns: list[str],
    employed: str,
    weights: str | None,
    band: tuple[float, float] | None,
    definition: str,
) -> pd.DataFrame:
    """:func:`reduce_people` in the frame's engine: the checks, then one grouped sum."""
    import narwhals.stable.v2 as nw

    check_engine_columns(frame, [*columns, employed, *names], "people")
    checks: dict[str, nw.Expr] = {}
    if band is not None:
        check_engine_columns(frame, ("age",), "people")
        checks["age"] = nw.col("age").is_null()
    if weights is not None:
        check_engine_columns(frame, (weights,), "people")
        w = nw.col(weights).cast(nw.Float64)
        checks["weight"] = (w.is_null() | w.is_nan() | ~(w > 0) | (w == float("inf"))).fill_null(
            value=True
        )
    if checks:
        counted = collect(
            frame.select(*(c.cast(nw.Int64).sum().alias(k) for k, c in checks.items()))
        )
        found = {k: int(np.nan_to_num(counted[k].iloc[0])) for k in checks}
        if found.get("age"):
            raise JobhandicapError(
                f"age is missing in {found['age']} row(s); without an age a person cannot be "
                "placed in the age band — drop those rows or give age='all'"
            )
        if found.get("weight"):
            raise JobhandicapError(
                f"survey weights must be positive finite numbers; {found['weight']} row(s) are "
                "not; drop those people or fix their weights"
            )
    if definition == "eurostat":
        status = _engine_levels(frame, columns[0], _reader(_GALI_LABELS), _accepted(GALI_LEVELS))
    elif definition == "uk":
        status = _engine_levels(
            frame,
            columns[0],
            _reader(_DISABLED_LABELS, booleans=True),
            "true/false, 1/0, 'yes'/'no', 'disabled'/'not disabled' (or Danish equivalents)",
        )
    else:
        read = _reader(_WG_LABELS, codes=_WG_CODES)
        accepted = _accepted(WG_LEVELS, ", codes 1–4 (7, 8, 9: missing) or Danish equivalents")
        domains = [_engine_levels(frame, c, read, accepted) for c in columns]
        severe = nw.any_horizontal(*(d >= 2 for d in domains), ignore_nulls=True)
        answered = nw.all_horizontal(*(d >= 0 for d in domains), ignore_nulls=True)
        status = (
            nw.when(severe)
            .then(nw.lit(1, dtype=nw.Int64))
            .otherwise(nw.when(answered).then(nw.lit(0, dtype=nw.Int64)).otherwise(-1))
        )
    works = _engine_levels(
        frame,
        employed,
        _reader(_EMPLOYED_LABELS, booleans=True),
        "true/false, 1/0, 'yes'/'no', 'employed'/'unemployed'/'inactive' (or Danish)",
    )
    weight = nw.lit(1.0) if weights is None else nw.col(weights).cast(nw.Float64)
    derived = {
        "_status": nw.when(works < 0).then(nw.lit(-1, dtype=nw.Int64)).otherwise(status),
        "_weight": weight,
        "_employment": nw.when(works > 0).then(nw.lit(1.0)).otherwise(nw.lit(0.0)),
    }
    where = None
    if band is not None:
        age = nw.col("age").cast(nw.Float64)
        where = (age >= band[0]) & (age <= band[1])
    table = engine_sums(
        frame.with_columns(**derived),
        [*names, "_status"],
        {
            "weight": nw.col("_weight"),
            "weight_employed": nw.col("_weight") * nw.col("_employment"),
            "weight_squared": nw.col("_weight") * nw.col("_weight"),
        },
        where=where,
        categories=_PEOPLE_CATEGORIES,
    )
    table = table.rename(columns={"_status": "status"})
    return table.astype({"status": "int64"})
