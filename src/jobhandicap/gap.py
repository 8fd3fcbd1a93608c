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
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap._grouping import as_by, check_columns
from jobhandicap.errors import JobhandicapError, SchemaError, SmallSampleWarning, problems_frame
from jobhandicap.stats import newcombe_difference
from jobhandicap.stats._core import check_level

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


def _definition(definition: str) -> str:
    key = _normalise(definition) if isinstance(definition, str) else definition
    if key not in DEFINITIONS:
        raise JobhandicapError(
            f"unknown definition {definition!r}; give one of {', '.join(map(repr, DEFINITIONS))}"
        )
    return str(key)


def _disabled_columns(disabled: str | Sequence[str] | None, definition: str) -> list[str]:
    if disabled is None:
        if definition == "eurostat":
            return ["gali"]
        if definition == "washington":
            return list(WG_COLUMNS)
        raise JobhandicapError(
            "definition='uk' needs disabled= naming a yes/no column (disabled = a condition of "
            "12 months or more that reduces day-to-day activities)"
        )
    columns = [disabled] if isinstance(disabled, str) else list(disabled)
    if not columns or not all(isinstance(c, str) for c in columns):
        raise JobhandicapError(f"disabled must name a column or columns, got {disabled!r}")
    if definition != "washington" and len(columns) != 1:
        raise JobhandicapError(
            f"definition={definition!r} reads one column for disability, got {columns}; "
            "several columns (the Washington Group domains) need definition='washington'"
        )
    return columns


def _age_band(
    age: tuple[float, float] | Literal["all"] | None, definition: str
) -> tuple[float, float] | None:
    if age is None:
        first, last = DEFINITIONS[definition]
        return float(first), float(last)
    if isinstance(age, str):
        if age == "all":
            return None
        raise JobhandicapError(f"age must be (lowest, highest) or 'all', got {age!r}")
    try:
        bounds = [float(a) for a in age]
        low, high = bounds
    except (TypeError, ValueError):
        raise JobhandicapError(
            f"age must be (lowest, highest), both inclusive, such as (20, 64), got {age!r}"
        ) from None
    if not low <= high:
        raise JobhandicapError(f"age must be (lowest, highest) with lowest ≤ highest, got {age!r}")
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


def employment_gap(
    people: pd.DataFrame,
    *,
    disabled: str | Sequence[str] | None = None,
    employed: str = "employed",
    weight: str | None = None,
    age: tuple[float, float] | Literal["all"] | None = None,
    by: str | Sequence[str] = (),
    definition: Definition = "eurostat",
    split_severity: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Disability employment gap: employment rate without minus with a disability, in pp.

    Parameters
    ----------
    people
        Person-level survey data, one row per person (the canonical ``people`` frame: ``age``,
        ``sex``, ``employed``, ``gali``, ``wg_*`` and ``weight``; other column names can be
        given below).
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
    weight
        Column of survey weights (positive). ``None``: every person weighs 1.
    age
        Age band ``(lowest, highest)``, both inclusive, over the ``age`` column; ``None``
        takes the definition's band (Eurostat 20–64, UK 16–64, Washington 20–64); ``"all"``
        uses everybody.
    by
        Grouping columns of ``people`` (for example ``"sex"``).
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
        ``split_severity``), ``n_disabled``, ``n_not_disabled`` (unweighted counts),
        ``rate_disabled``, ``rate_not_disabled`` (weighted employment rates, 0–1),
        ``gap_pp`` (not disabled minus disabled, percentage points), ``ci_low``, ``ci_high``
        (its interval, pp), ``relative_rate`` (disabled ÷ not disabled),
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
    JobhandicapError
        On an unknown definition, a bad age band, a missing age, or a weight that is not a
        positive finite number.

    Warns
    -----
    SmallSampleWarning
        When a group has nobody disabled or nobody not disabled (after the age band): its
        rate, gap and interval are NaN.

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
    >>> gap[["n_disabled", "n_not_disabled", "rate_disabled", "rate_not_disabled"]]
       n_disabled  n_not_disabled  rate_disabled  rate_not_disabled
    0          80              70            0.6                0.8
    >>> gap[["gap_pp", "ci_low", "ci_high", "relative_rate"]].round(4)
       gap_pp  ci_low  ci_high  relative_rate
    0    20.0  5.2431  33.3873           0.75
    """
    level = check_level(level)
    definition = _definition(definition)  # type: ignore[assignment]
    columns = _disabled_columns(disabled, definition)
    names = as_by(by)
    if split_severity and definition != "eurostat":
        raise JobhandicapError(
            "split_severity needs definition='eurostat' (the GALI levels 'limited but not "
            f"severely' and 'severely limited'); got definition={definition!r}"
        )
    check_columns(people, [*columns, employed, *names], "people")
    band = _age_band(age, definition)
    inside = _in_band(people, band)
    weights = _weights(people, weight)
    status = _disability_status(people, definition, columns)
    works = _levels(
        people,
        employed,
        _reader(_EMPLOYED_LABELS, booleans=True),
        "true/false, 1/0, 'yes'/'no', 'employed'/'unemployed'/'inactive' (or Danish)",
    )
    status = np.where(works < 0, -1, status)
    sums = _reduce(people, names, inside, status, works, weights)
    return _assemble(sums, names, split_severity, level, definition, _band_label(band))


def _reduce(
    people: pd.DataFrame,
    names: list[str],
    inside: npt.NDArray[np.bool_],
    status: npt.NDArray[np.int64],
    works: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
) -> dict[str, Any]:
    """Sums of 1, w, w·e and w² per group and disability status (one group-by).

    Returns the group keys (a frame, one row per group) and, per statistic, an array of shape
    (groups, 4) over the statuses -1 (missing), 0, 1, 2.
    """
    employed = np.where(works > 0, 1.0, 0.0)
    keys = [f"_key{i}" for i in range(len(names))] or ["_all"]
    scratch = pd.DataFrame(
        {
            **{f"_key{i}": people[c].reset_index(drop=True) for i, c in enumerate(names)},
            "_all": np.zeros(len(people), dtype=np.int64),
            "_status": status,
            "n": np.ones(len(people)),
            "w": weights,
            "we": weights * employed,
            "w2": weights * weights,
        }
    ).loc[inside]
    table = (
        scratch.groupby([*keys, "_status"], observed=True, sort=True, dropna=False)[
            ["n", "w", "we", "w2"]
        ]
        .sum()
        .reset_index()
    )
    group = table.groupby(keys, observed=True, sort=True, dropna=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    groups = table.iloc[starts][keys].reset_index(drop=True)
    if names:
        groups.columns = pd.Index(names)
    elif groups.empty:  # nobody in the band: one row of zeros
        groups = pd.DataFrame({"_all": [0]})
    groups = groups.drop(columns="_all", errors="ignore")
    slot = table["_status"].to_numpy(dtype=np.int64) + 1
    stats = {}
    for stat in ("n", "w", "we", "w2"):
        array = np.zeros((len(groups), 4))
        array[group, slot] = table[stat].to_numpy(dtype=np.float64)
        stats[stat] = array
    return {"groups": groups, **stats}


def _assemble(
    sums: dict[str, Any],
    names: list[str],
    split_severity: bool,
    level: float,
    definition: str,
    band: str,
) -> pd.DataFrame:
    groups: pd.DataFrame = sums["groups"]
    severities = _SEVERITY if split_severity else {"some or severe": (1, 2)}
    frames = []
    for severity, statuses in severities.items():
        columns = [1 + s for s in statuses]  # column 0 is the missing status (-1)

        def pick(stat: str, cols: list[int] = columns) -> npt.NDArray[np.float64]:
            return np.asarray(sums[stat][:, cols].sum(axis=1), dtype=np.float64)

        def not_disabled(stat: str) -> npt.NDArray[np.float64]:
            return np.asarray(sums[stat][:, 1], dtype=np.float64)

        frame = _estimate(
            n=(pick("n"), not_disabled("n")),
            w=(pick("w"), not_disabled("w")),
            we=(pick("we"), not_disabled("we")),
            w2=(pick("w2"), not_disabled("w2")),
            level=level,
        )
        missing = np.asarray(sums["n"][:, 0], dtype=np.float64)
        frame = pd.concat(
            [
                groups.reset_index(drop=True),
                pd.DataFrame({"severity": severity}, index=frame.index)
                if split_severity
                else None,
                frame,
            ],
            axis=1,
        ).assign(n_missing=missing.astype(np.int64), definition=definition, age_band=band)
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if split_severity:
        order = list(_SEVERITY)
        result = result.assign(
            severity=pd.Categorical(result["severity"], categories=order)
        ).sort_values([*names, "severity"], kind="stable")
        result = result.reset_index(drop=True)
    if result.empty:
        warnings.warn(
            f"nobody in the people table is in the age band {band}; the result is empty",
            SmallSampleWarning,
            stacklevel=3,
        )
    empty = (result["n_disabled"] == 0) | (result["n_not_disabled"] == 0)
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
            stacklevel=3,
        )
    return result


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
            "rate_disabled": rate[0],
            "rate_not_disabled": rate[1],
            "gap_pp": gap,
            "ci_low": low,
            "ci_high": high,
            "relative_rate": relative,
            "n_eff_disabled": n_eff[0],
            "n_eff_not_disabled": n_eff[1],
        }
    )
