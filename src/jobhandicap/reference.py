"""Packaged reference tables: municipalities, jobcentres, schemes and target groups.

The facts live in data files under ``jobhandicap/data`` — ``municipalities.csv``,
``municipality_aliases.csv``, ``jobcentres.csv``, ``schemes.csv`` and ``target_groups.csv`` —
read once and cached; a reform, a renamed municipality or a new jobcentre map is a data change.
Every function returning a frame returns a new one that the caller may modify.

Municipalities are found by code (``101``, ``"0101"``, ``101.0``), by name, or by any known
variant of the name: with or without "Kommune", old names (Århus, Brønderslev-Dronninglund),
spellings with *å* or *aa* (Høje-Tåstrup), short and genitive forms (Nordfyn / Nordfyns
Kommune) and ASCII transliterations (Aeroe, Koebenhavn, Kobenhavn). Matching ignores case,
spaces, hyphens and full stops. Code 411 (Christiansø) is not a municipality.

A jobcentre is identified by its host municipality's code. Which municipalities it serves changes
over time, so ``jobcentres.csv`` has one row per jobcentre–municipality membership with the
first and last day (inclusive) of that composition; an empty last day means current.

Examples
--------
>>> municipality("Århus Kommune")
Municipality(code=751, name='Aarhus', region=<Region.CENTRAL_DENMARK: 'central denmark'>)
>>> jobcentre_of("Ishøj", "2021-06-01").name, jobcentre_of("Ishøj", "2022-06-01").name
('Jobcenter Vallensbæk-Ishøj', 'Jobcenter Ishøj')
>>> municipality_codes(["0101", "Nordfyn", 751, "Christiansø"]).tolist()
[101, 480, 751, <NA>]
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _labels
from jobhandicap._labels import label_key
from jobhandicap._options import check_choice
from jobhandicap._packaged import read_csv_table
from jobhandicap.domain import CompensationScheme, Jobcentre, Municipality, Region, TargetGroup
from jobhandicap.errors import (
    ArgumentTypeError,
    OptionError,
    SchemaError,
    UnknownLabelError,
    problems_frame,
)

__all__ = [
    "DIFFICULTY_LEVELS",
    "GALI_LEVELS",
    "MEMBERSHIP_DAY",
    "answer_labels",
    "instrument_items",
    "instruments",
    "item_labels",
    "item_sets",
    "jobcentre_codes",
    "jobcentre_of",
    "jobcentres",
    "membership_day",
    "municipalities",
    "municipality",
    "municipality_codes",
    "scale_items",
    "schemes",
    "target_groups",
]

#: The day of the year (month, day) on which a jobcentre's membership counts for the whole year
#: (:func:`jobhandicap.usage.rates_per_population`, :func:`jobhandicap.usage.count_cases`, and
#: the jobcentre a survey respondent names in a wave): 1 July, the middle of the year.
MEMBERSHIP_DAY: Final = (7, 1)

#: Code 411 is Christiansø, which Statistics Denmark lists among the municipality codes although
#: it belongs to no municipality.
_CHRISTIANSO = 411
_CHRISTIANSO_NOTE = (
    "411 is Christiansø, which is not a municipality: the state administers it and it belongs "
    "to no municipality, region or jobcentre"
)

#: Transliterations of æ, ø, å found in ASCII exports: the Danish convention and plain folding.
_TRANSLITERATIONS = (
    str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}),
    str.maketrans({"æ": "ae", "ø": "o", "å": "a"}),
)

#: A code written as text: "101", "0101", " 101 ", "101.0".
_CODE_TEXT = re.compile(r"\s*\+?(\d{1,6})(?:\.0*)?\s*")

#: Time units of datetime64 input compared as they are; coarser ones are converted to days.
_UNITS = frozenset({"D", "h", "m", "s", "ms", "us", "ns"})


# --------------------------------------------------------------------------------------------
# Reading the packaged data (once)
# --------------------------------------------------------------------------------------------


def _read(name: str) -> pd.DataFrame:
    """Read a packaged CSV file with every column as text (empty cells as "")."""
    rows = read_csv_table(name)
    return pd.DataFrame({column: [row[column] for row in rows] for column in rows[0]}).astype(
        "string"
    )


def _categorical(values: Iterable[str], enum: type[StrEnum]) -> pd.Categorical[str]:
    """Unordered categorical over all of ``enum``'s values; unknown values are a data bug."""
    categories = [member.value for member in enum]
    result = pd.Categorical(list(values), categories=categories)
    if result.isna().any():
        raise RuntimeError(f"packaged data holds a value outside {enum.__name__}: {values!r}")
    return result


@functools.cache
def _municipality_table() -> pd.DataFrame:
    raw = _read("municipalities.csv")
    codes = raw["code"].astype("int64")
    aliases = _read("municipality_aliases.csv")
    alias_codes = aliases["code"].astype("int64")
    unknown = sorted(set(alias_codes) - set(codes))
    if unknown:
        raise RuntimeError(f"municipality_aliases.csv names unknown codes {unknown}")
    by_code: dict[int, tuple[str, ...]] = {}
    for code, alias in zip(alias_codes, aliases["alias"], strict=True):
        by_code[int(code)] = (*by_code.get(int(code), ()), str(alias))
    return pd.DataFrame(
        {
            "code": codes,
            "name": raw["name"],
            "region": _categorical(raw["region"], Region),
            "iso_region": raw["iso_region"],
            "aliases": pd.Series([by_code.get(int(c), ()) for c in codes], dtype=object),
        }
    )


@functools.cache
def _models() -> dict[int, Municipality]:
    table = _municipality_table()
    return {
        int(code): Municipality(code=int(code), name=str(name), region=Region(region))
        for code, name, region in zip(table["code"], table["name"], table["region"], strict=True)
    }


@functools.cache
def _known_codes() -> npt.NDArray[np.bool_]:
    """Return a mask over 0 … the largest code, true at municipality codes."""
    codes = np.array(sorted(_models()), dtype=np.int64)
    known = np.zeros(codes.max() + 1, dtype=bool)
    known[codes] = True
    return known


def _variants(text: str) -> set[str]:
    """Return the matching keys of a name: as written, with "Kommune", transliterated."""
    key = label_key(text)
    forms = {key} if key.endswith("kommune") else {key, key + "kommune"}
    return forms | {form.translate(table) for form in forms for table in _TRANSLITERATIONS}


@functools.cache
def _name_index() -> dict[str, int]:
    """Map every matching key of every name and alias to its municipality code."""
    index: dict[str, int] = {}
    table = _municipality_table()
    for code, name, aliases in zip(table["code"], table["name"], table["aliases"], strict=True):
        for text in (name, *aliases):
            for key in _variants(str(text)):
                other = index.setdefault(key, int(code))
                if other != code:
                    raise RuntimeError(f"municipality name {text!r} names both {other} and {code}")
    return index


@functools.cache
def _jobcentre_table() -> pd.DataFrame:
    raw = _read("jobcentres.csv")
    jobcentre = raw["jobcentre"].astype("int64")
    municipality = raw["municipality"].astype("int64")
    unknown = sorted((set(jobcentre) | set(municipality)) - set(_models()))
    if unknown:
        raise RuntimeError(f"jobcentres.csv names unknown municipality codes {unknown}")
    frame = pd.DataFrame(
        {
            "jobcentre": jobcentre,
            "jobcentre_name": raw["jobcentre_name"],
            "municipality": municipality,
            "valid_from": pd.to_datetime(raw["valid_from"], format="%Y-%m-%d").astype(
                "datetime64[ns]"
            ),
            "valid_to": pd.to_datetime(
                raw["valid_to"].where(raw["valid_to"] != ""), format="%Y-%m-%d"
            ).astype("datetime64[ns]"),
            "_guest": municipality != jobcentre,
        }
    )
    frame = frame.sort_values(["jobcentre", "valid_from", "_guest", "municipality"])
    return frame.drop(columns="_guest").reset_index(drop=True)


class _Periods(NamedTuple):
    """The membership map as gather tables: days cut into periods in which nothing changes.

    A membership starts or ends (the day after its last) only on the *break* days; between two
    breaks every municipality keeps its membership. Day ``d`` (days since 1970) lies in period
    ``period[clip(d - first, 0, len(period) - 1)]``, where ``first`` is the day before the
    first break (index 0 stands for every earlier day, the last index for every day from the
    last break on). ``row[p, c]`` is the membership (a row of the membership table) in force in
    period ``p`` for the municipality with code ``c``, and ``jobcentre[p, c]`` its host code;
    both -1 where none is, and in the last column, which codes out of range are sent to.
    """

    first: int
    period: npt.NDArray[np.int64]
    row: npt.NDArray[np.int64]
    jobcentre: npt.NDArray[np.int64]


@functools.cache
def _periods() -> _Periods:
    table = _jobcentre_table()
    municipality = table["municipality"].to_numpy(dtype=np.int64)
    start = table["valid_from"].to_numpy("datetime64[D]").view(np.int64)
    end = (table["valid_to"] + pd.Timedelta(days=1)).to_numpy("datetime64[D]").view(np.int64)
    open_ended = table["valid_to"].isna().to_numpy()
    breaks = np.unique(np.concatenate([start, end[~open_ended]]))
    first, last = int(breaks[0]) - 1, int(breaks[-1])
    period = np.searchsorted(breaks, np.arange(first, last + 1), side="right").astype(np.int64)
    # A day of each period: the day before the first break, then each break.
    period_day = np.concatenate([[first], breaks])
    stop = np.where(open_ended, np.iinfo(np.int64).max, end)
    in_force = (period_day[:, None] >= start) & (period_day[:, None] < stop)
    row = np.full((len(period_day), int(municipality.max()) + 2), -1, dtype=np.int64)
    if municipality.min() <= 0:  # pragma: no cover - the packaged data have codes 101-860
        raise RuntimeError("_locate sends negative codes to column 0, which must stay empty")
    which_period, which_row = np.nonzero(in_force)
    row[which_period, municipality[which_row]] = which_row
    hosts = np.append(table["jobcentre"].to_numpy(dtype=np.int64), -1)
    return _Periods(first=first, period=period, row=row, jobcentre=hosts[row])


#: Instants of each time unit in one day.
_PER_DAY = {"D": 1, "h": 24, "m": 1_440, "s": 86_400, "ms": 86_400_000}
_PER_DAY |= {"us": 1_000 * _PER_DAY["ms"], "ns": 1_000_000 * _PER_DAY["ms"]}


@functools.cache
def _compositions() -> tuple[Jobcentre, ...]:
    """Return the jobcentre composition that each membership row belongs to, row by row."""
    table = _jobcentre_table()
    rows = list(
        zip(
            table["jobcentre"].tolist(),
            table["valid_from"].dt.date.tolist(),
            table["jobcentre_name"].tolist(),
            table["valid_to"].dt.date.tolist(),
            table["municipality"].tolist(),
            strict=True,
        )
    )
    members: dict[tuple[int, dt.date], list[int]] = {}
    details: dict[tuple[int, dt.date], tuple[str, dt.date | None]] = {}
    for code, start, name, end, member in rows:
        members.setdefault((code, start), []).append(member)
        details[(code, start)] = (name, None if pd.isna(end) else end)
    models = {
        key: Jobcentre(
            code=key[0],
            name=details[key][0],
            municipalities=tuple(codes),
            valid_from=key[1],
            valid_to=details[key][1],
        )
        for key, codes in members.items()
    }
    return tuple(models[(code, start)] for code, start, *_ in rows)


def _catalogue(
    name: str, enum: type[CompensationScheme] | type[TargetGroup], column: str
) -> pd.DataFrame:
    """Join a catalogue file with the enum's labels, one row per member in enum order."""
    raw = _read(name)
    values = [member.value for member in enum]
    if sorted(raw[column]) != sorted(values):
        raise RuntimeError(f"{name} must list each {enum.__name__} value exactly once")
    raw = raw.set_index(column).loc[values].reset_index()
    members = [enum(value) for value in values]
    labels = pd.DataFrame(
        {
            column: _categorical(values, enum),
            "danish": pd.array([m.label_da for m in members], dtype="string"),
            "english": pd.array([m.label_en for m in members], dtype="string"),
        }
    )
    return pd.concat([labels, raw.drop(columns=column)], axis=1)


@functools.cache
def _scheme_table() -> pd.DataFrame:
    return _catalogue("schemes.csv", CompensationScheme, "scheme")


@functools.cache
def _target_group_table() -> pd.DataFrame:
    return _catalogue("target_groups.csv", TargetGroup, "target_group")


# --------------------------------------------------------------------------------------------
# Resolving one key
# --------------------------------------------------------------------------------------------


def _number_of(value: object) -> int | None:
    """Return the whole number a value spells (int, whole float, digit text), or ``None``."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return int(value) if np.isfinite(value) and float(value).is_integer() else None
    if isinstance(value, str) and (match := _CODE_TEXT.fullmatch(value)) is not None:
        return int(match.group(1))
    return None


def _code_of(value: object) -> int | None:
    """Return the municipality code that ``value`` names, or ``None``."""
    if isinstance(value, Municipality):
        return value.code
    number = _number_of(value)
    if number is not None:
        return number if number in _models() else None
    if isinstance(value, str):
        return _name_index().get(label_key(value))
    return None


def _unknown(key: object) -> UnknownLabelError:
    """Build the error for a key naming no municipality: close matches or an explanation."""
    number = _number_of(key)
    if number == _CHRISTIANSO or (
        isinstance(key, str) and label_key(key) in _variants("Christiansø")
    ):
        error = UnknownLabelError(key, "municipality")
        message = f"{error}: {_CHRISTIANSO_NOTE}"
        error.args = (message,)
        error.problems = problems_frame([(None, None, key, message)])
        return error
    models = _models()
    matches: list[str] = []
    if number is not None:
        codes = sorted(models)
        at = int(np.searchsorted(codes, number))
        matches = [f"{c} ({models[c].name})" for c in codes[max(at - 1, 0) : at + 1]]
    elif isinstance(key, str):
        index = _name_index()
        found = difflib.get_close_matches(label_key(key), list(index), n=20, cutoff=0.6)
        matches = list(dict.fromkeys(models[index[k]].name for k in found))[:3]
    return UnknownLabelError(key, "municipality", matches)


def _day(on: object, name: str = "on") -> pd.Timestamp:
    """Read a date argument (date, datetime, Timestamp, datetime64, ISO text) as a Timestamp."""
    day: pd.Timestamp | None = None
    try:
        if isinstance(on, str):
            day = pd.Timestamp(dt.date.fromisoformat(on.strip()))
        elif isinstance(on, dt.date | np.datetime64):
            day = pd.Timestamp(on)
    except ValueError:
        day = None
    if day is None or pd.isna(day):
        message = "expected a date: datetime.date, pandas.Timestamp or an ISO date (2018-01-01)"
        raise SchemaError(f"{name}={on!r}: {message}", problems_frame([(None, name, on, message)]))
    return (day if day.tz is None else day.tz_localize(None)).normalize()


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def municipalities() -> pd.DataFrame:
    """Return the 98 Danish municipalities with their region and known name variants.

    Returns
    -------
    pandas.DataFrame
        One row per municipality in code order: ``code`` (int64), ``name`` (string, the Danish
        name without "Kommune"), ``region`` (categorical of :class:`~jobhandicap.domain.Region`
        values), ``iso_region`` (string, ISO 3166-2 code such as ``"DK-84"``) and ``aliases``
        (a tuple of strings per row: the explicit name variants of
        ``data/municipality_aliases.csv``). A new frame on every call.

    Notes
    -----
    The aliases listed are the irregular variants only. :func:`municipality` and
    :func:`municipality_codes` also accept every name and alias followed by "Kommune" and their
    ASCII transliterations (æ → ae; ø → oe or o; å → aa or a), ignoring case, spaces, hyphens
    and full stops.

    References
    ----------
    Danmarks Statistik, municipality and region codes (*kommunekoder*); ISO 3166-2:DK.

    Examples
    --------
    >>> table = municipalities()
    >>> len(table), table["region"].value_counts(sort=False).to_dict()
    (98, {'capital region': 29, 'zealand': 17, 'southern denmark': 22, 'central denmark': 19,
          'north denmark': 11})
    >>> table.set_index("code").loc[751, ["name", "iso_region", "aliases"]].tolist()
    ['Aarhus', 'DK-82', ('Århus',)]
    """
    return _municipality_table().copy(deep=True)


def municipality(key: object) -> Municipality:
    """Return the municipality that a code or name names.

    Parameters
    ----------
    key
        A code as a number (``101``, ``101.0``) or text (``"101"``, zero-padded ``"0101"``),
        the name, or any known variant of it (see :func:`municipalities`), in any case and
        spacing.

    Returns
    -------
    Municipality
        Code, name and region.

    Raises
    ------
    UnknownLabelError
        When ``key`` names no municipality: the message lists the closest names (or the
        nearest codes), or explains that 411 (Christiansø) is not a municipality.

    Notes
    -----
    A name matches when its key — case-folded, without spaces, hyphens, underscores, full stops
    and apostrophes (:func:`jobhandicap._labels.label_key`) — equals the key of the name, an
    alias, either followed by "Kommune", or their ASCII transliterations.

    Examples
    --------
    >>> municipality("0101")
    Municipality(code=101, name='København', region=<Region.CAPITAL: 'capital region'>)
    >>> municipality("hoeje taastrup kommune").name
    'Høje-Taastrup'
    >>> municipality("Vesthimmerland").code, municipality("Bornholms Regionskommune").code
    (820, 400)
    >>> try:
    ...     municipality("Ålbrog")
    ... except UnknownLabelError as error:
    ...     print(error)
    unknown municipality 'Ålbrog'; did you mean 'Aalborg'?
    """
    code = _code_of(key)
    if code is None:
        raise _unknown(key)
    return _models()[code]


def municipality_codes(values: npt.ArrayLike | Iterable[object]) -> pd.Series[Any]:
    """Map codes, zero-padded codes, names and aliases to municipality codes, vectorised.

    Parameters
    ----------
    values
        A Series (or anything a Series can be made from) of ints, whole floats, strings
        (``"0101"``, ``"Århus Kommune"``), categoricals, with missing values.

    Returns
    -------
    pandas.Series
        ``Int64`` codes with the same index (and name) as ``values``; ``<NA>`` where the value
        is missing or names no municipality (including 411 Christiansø).

    Notes
    -----
    Each distinct value is resolved once (:func:`pandas.factorize`) and the codes are taken
    back to the rows, so the cost is one factorisation of the column plus one lookup per
    distinct value: a million rows take milliseconds. The matching rules are those of
    :func:`municipality`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.Series(["0751", "Århus", 751.0, None, "Atlantis"], index=[5, 6, 7, 8, 9])
    >>> municipality_codes(raw)
    5     751
    6     751
    7     751
    8    <NA>
    9    <NA>
    dtype: Int64
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu":
        given = series.to_numpy(dtype=np.int64)
        known = _known_codes()
        if len(given) and given.min() >= 0 and given.max() < known.size:
            valid = known[given]
        else:
            inside = (given >= 0) & (given < known.size)
            valid = inside & known[np.where(inside, given, 0)]
        codes = np.array(given) if valid.all() else np.where(valid, given, -1)
    else:
        positions, uniques = pd.factorize(series, use_na_sentinel=True)
        lookup = np.array([_code_of(value) or -1 for value in uniques] + [-1], dtype=np.int64)
        codes = lookup[positions]
    return pd.Series(
        pd.arrays.IntegerArray(codes, codes < 0), index=series.index, name=series.name
    )


def jobcentres(on: object = None) -> pd.DataFrame:
    """Return the jobcentre memberships, all of them or those in force on one day.

    Parameters
    ----------
    on
        A day (``datetime.date``, ``pandas.Timestamp``, ``numpy.datetime64`` or an ISO string).
        When given, only memberships in force that day are kept (an empty frame before
        2007-01-01, when the jobcentres were created).

    Returns
    -------
    pandas.DataFrame
        One row per jobcentre–municipality membership, host first within each composition:
        ``jobcentre`` (int64, the host municipality's code), ``jobcentre_name`` (string),
        ``municipality`` (int64), ``valid_from`` and ``valid_to`` (datetime64[ns], first and
        last day in force, ``valid_to`` NaT while current). A new frame on every call.

    Raises
    ------
    SchemaError
        When ``on`` is not a date.

    Notes
    -----
    A membership is in force on day *d* when ``valid_from`` ≤ *d* ≤ ``valid_to`` (or
    ``valid_to`` is NaT). Joint jobcentres are named for the host then the members
    ("Jobcenter Esbjerg-Fanø"); the host of Tårnby–Dragør is not verified.

    References
    ----------
    The Danish local government reform (*kommunalreformen*), in force 1 January 2007, which
    created the 98 municipalities and their jobcentres.

    Examples
    --------
    >>> table = jobcentres(on="2018-01-01")
    >>> table["jobcentre"].nunique(), len(table)
    (94, 98)
    >>> print(table[table["jobcentre"] == 561].to_string(index=False))
     jobcentre         jobcentre_name  municipality valid_from valid_to
           561 Jobcenter Esbjerg-Fanø           561 2007-01-01      NaT
           561 Jobcenter Esbjerg-Fanø           563 2007-01-01      NaT
    """
    table = _jobcentre_table()
    if on is None:
        return table.copy(deep=True)
    day = _day(on)
    keep = (table["valid_from"] <= day) & (table["valid_to"].isna() | (table["valid_to"] >= day))
    return table.loc[keep].reset_index(drop=True)


def jobcentre_of(municipality: object, on: object) -> Jobcentre:
    """Return the jobcentre serving a municipality on a given day.

    Parameters
    ----------
    municipality
        The municipality: code, zero-padded code, name or any variant (see :func:`municipality`).
    on
        The day (``datetime.date``, ``pandas.Timestamp``, ``numpy.datetime64`` or ISO string).

    Returns
    -------
    Jobcentre
        The jobcentre's composition in force that day: host code, name, the municipalities it
        serves (host first) and the composition's validity.

    Raises
    ------
    UnknownLabelError
        When ``municipality`` names no municipality.
    SchemaError
        When ``on`` is not a date, or is before the first jobcentre day (2007-01-01).

    Notes
    -----
    The same lookup as :func:`jobcentre_codes`, for one municipality and day.

    Examples
    --------
    >>> jobcentre_of("Læsø", "2018-01-01")
    Jobcentre(code=813, name='Jobcenter Frederikshavn-Læsø', municipalities=(813, 825),
              valid_from=datetime.date(2007, 1, 1), valid_to=None)
    >>> jobcentre_of(482, "2012-12-31").code, jobcentre_of(482, "2013-01-01").code
    (479, 482)
    """
    code = _code_of(municipality)
    if code is None:
        raise _unknown(municipality)
    day = _day(on)
    at = _locate(np.array([code], dtype=np.int64), *_as_instants(day.to_datetime64()))
    row = int(_periods().row.reshape(-1)[at[0]])
    if row < 0:
        first = _jobcentre_table()["valid_from"].min().date()
        reason = (
            f"jobcentres exist from {first}"
            if day.date() < first
            else "the jobcentre map has no membership for it on that day"
        )
        message = f"no jobcentre served {_models()[code].name} ({code}) on {day.date()}: {reason}"
        raise SchemaError(message, problems_frame([(None, "on", on, message)]))
    return _compositions()[row]


def _locate(
    codes: npt.NDArray[np.int64], instants: npt.NDArray[np.int64], unit: str
) -> npt.NDArray[np.int64]:
    """Return where each (code, instant) pair is in the flattened tables of :func:`_periods`.

    ``instants`` are datetime64 values of ``unit`` seen as int64 (NaT, the minimum, falls
    before the first period, in which no membership is in force).
    """
    periods = _periods()
    day = instants if unit == "D" else np.floor_divide(instants, _PER_DAY[unit])
    # Bound before shifting (NaT minus anything would wrap around), in place after the first.
    index = np.maximum(day, periods.first)
    np.minimum(index, periods.first + len(periods.period) - 1, out=index)
    index -= periods.first
    width = periods.row.shape[1]
    # Codes below 0 find column 0 and codes past the last municipality the last column: both
    # are empty (no municipality has code 0).
    column = np.maximum(codes, 0)
    np.minimum(column, width - 1, out=column)
    flat: npt.NDArray[np.int64] = periods.period[index]
    flat *= width
    flat += column
    return flat


def jobcentre_codes(
    municipalities: npt.ArrayLike | Iterable[object],
    dates: npt.ArrayLike | dt.date | Iterable[object],
) -> npt.NDArray[np.int64]:
    """Return the jobcentre serving each municipality on each date, vectorised.

    Parameters
    ----------
    municipalities
        Municipality codes (an integer array or Series; nullable integers, floats, strings and
        names are mapped with :func:`municipality_codes` first).
    dates
        Days, as a datetime64 array or Series (any resolution) or anything that converts to one
        (ISO strings, ``datetime.date`` objects); a single date applies to every row. Rows are
        paired by position, not by index label.

    Returns
    -------
    numpy.ndarray
        int64 host codes, one per row; -1 where the municipality is missing or unknown, the date
        is missing, or no jobcentre served it that day (before 2007-01-01).

    Raises
    ------
    ArgumentTypeError
        When the dates are not dates or date strings (a ``TypeError``).
    OptionError
        When a date string cannot be read as a date or the lengths do not match (a
        ``ValueError``).

    Notes
    -----
    Memberships start and end on few days (the 2007 reform, the mergers of jobcentres). Those
    days cut the calendar into periods in which no membership changes, so the answer is one
    gather from a small (period × municipality) table, the period found from the row's day
    (its date floored to the day) by a second gather. A million rows take a few
    milliseconds.

    Examples
    --------
    >>> import numpy as np
    >>> days = np.array(["2006-12-31", "2021-12-31", "2022-01-01"], dtype="datetime64[D]")
    >>> jobcentre_codes(np.array([183, 183, 183]), days)
    array([ -1, 187, 183])
    >>> jobcentre_codes([563, 101, 411], np.datetime64("2018-01-01"))
    array([561, 101,  -1])
    """
    codes = _as_codes(municipalities)
    instants, unit = _as_instants(dates)
    try:
        codes, instants = np.broadcast_arrays(codes, instants)
    except ValueError:
        raise OptionError(
            f"municipalities ({codes.shape[0]} values) and dates ({instants.shape[0]} values) "
            "must have the same length (or give a single date)"
        ) from None
    found: npt.NDArray[np.int64] = _periods().jobcentre.reshape(-1)[_locate(codes, instants, unit)]
    return found


def _as_codes(values: Any) -> npt.NDArray[np.int64]:
    """Municipality codes as a 1-D int64 array, -1 where missing or naming none."""
    if isinstance(values, pd.Series):
        series = values
    else:
        series = pd.Series(values if np.ndim(values) else [values])
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu":
        return series.to_numpy(dtype=np.int64)
    return municipality_codes(series).to_numpy(dtype=np.int64, na_value=-1)


def _as_instants(values: Any) -> tuple[npt.NDArray[np.int64], str]:
    """Return dates as a 1-D int64 view of datetime64 values, and their unit (NaT: minimum)."""
    if isinstance(getattr(values, "dtype", None), pd.DatetimeTZDtype):
        values = pd.Series(values).dt.tz_localize(None)
    array = np.atleast_1d(np.asarray(values))
    if array.dtype.kind == "M" and np.datetime_data(array.dtype)[0] in _UNITS:
        return array.view(np.int64), np.datetime_data(array.dtype)[0]
    first = array.reshape(-1)[:1]
    expected = (
        "dates must be dates (datetime64 values, datetime.date objects or ISO strings such as "
        f"'2018-01-01'), got values of type {array.dtype} such as {first!r}"
    )
    if array.dtype.kind not in "MUSO":
        raise ArgumentTypeError(expected)
    try:
        return array.astype("datetime64[D]").astype(np.int64), "D"
    except (TypeError, ValueError):
        raise OptionError(expected) from None


def schemes() -> pd.DataFrame:
    """Return the catalogue of disability compensation schemes.

    Returns
    -------
    pandas.DataFrame
        One row per :class:`~jobhandicap.domain.CompensationScheme` in definition order:
        ``scheme`` (categorical of the scheme values), ``danish`` and ``english`` (labels, from
        ``labels.csv``), ``legal_basis``, ``eligible`` (who may receive it) and ``pays_for``
        (strings). A new frame on every call.

    Notes
    -----
    LKHE is *Lov om kompensation til handicappede i erhverv*; LAB is *Lov om en aktiv
    beskæftigelsesindsats*. The facts are in ``data/schemes.csv``.

    References
    ----------
    Lov om kompensation til handicappede i erhverv m.v. (consolidated 2020, amended 2020, 2021,
    2023).

    Examples
    --------
    >>> print(schemes()[["scheme", "danish", "legal_basis"]].to_string(index=False))
                              scheme                          danish             legal_basis
                 personal assistance            personlig assistance             LKHE ch. 3
    personal assistance in education personlig assistance under uddannelse    LKHE ch. 4
    ...
                      mentor support                    mentorstøtte                     LAB
    """
    return _scheme_table().copy(deep=True)


def target_groups() -> pd.DataFrame:
    """Return the catalogue of benefit target groups (*ydelsesgrupper*).

    Returns
    -------
    pandas.DataFrame
        One row per :class:`~jobhandicap.domain.TargetGroup` in definition order:
        ``target_group`` (categorical of the group values), ``danish``, ``english`` (labels,
        from ``labels.csv``) and ``description`` (strings). A new frame on every call.

    Notes
    -----
    A case records the applicant's group at the time of application. The descriptions are in
    ``data/target_groups.csv``.

    References
    ----------
    Styrelsen for Arbejdsmarked og Rekruttering, *Jobindsats.dk* benefit groups.

    Examples
    --------
    >>> table = target_groups()
    >>> len(table), table.loc[4, "danish"], table.loc[4, "english"]
    (14, 'sygedagpenge', 'sickness benefit')
    """
    return _target_group_table().copy(deep=True)


# --------------------------------------------------------------------------------------------
# The membership rule of a year
# --------------------------------------------------------------------------------------------


@overload
def membership_day(years: int) -> dt.date: ...


@overload
def membership_day(years: npt.ArrayLike) -> npt.NDArray[np.datetime64]: ...


def membership_day(years: int | npt.ArrayLike) -> dt.date | npt.NDArray[np.datetime64]:
    """Return the day on which jobcentre membership counts for the whole of a year: 1 July.

    A municipality belongs, for a whole year, to the jobcentre that served it on this day
    (:data:`MEMBERSHIP_DAY`, the middle of the year). The rule is used wherever a yearly figure
    is put on jobcentres: rates per population, counts of cases per jobcentre and year, the
    jobcentre a survey respondent names in a wave, and the simulated example world.

    Parameters
    ----------
    years
        One year (an ``int``), or an array of years.

    Returns
    -------
    datetime.date or numpy.ndarray
        The day for one year, or ``datetime64[D]`` days for an array (same shape).

    Notes
    -----
    A reform that takes effect mid-year changes the jobcentre of the whole year in which it
    takes effect on or before 1 July, and of the following year otherwise.

    Examples
    --------
    >>> membership_day(2018)
    datetime.date(2018, 7, 1)
    >>> membership_day([2017, 2020]).tolist()
    [datetime.date(2017, 7, 1), datetime.date(2020, 7, 1)]
    >>> jobcentre_of("Ishøj", membership_day(2022)).name
    'Jobcenter Ishøj'
    """
    month, day = MEMBERSHIP_DAY
    if isinstance(years, int | np.integer) and not isinstance(years, bool):
        return dt.date(int(years), month, day)
    first = np.asarray(years, dtype=np.int64) - 1970
    months = first.astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(month - 1, "M")
    shifted = months.astype("datetime64[D]") + np.timedelta64(day - 1, "D")
    return np.asarray(shifted, dtype="datetime64[D]")


# --------------------------------------------------------------------------------------------
# Answer vocabularies of the people table
# --------------------------------------------------------------------------------------------

#: The Global Activity Limitation Indicator's answers (EU-SILC PH030), from none to severe.
GALI_LEVELS: Final = ("not limited", "limited but not severely", "severely limited")

#: The Washington Group short set's answers, from no difficulty to cannot do at all.
DIFFICULTY_LEVELS: Final = (
    "no difficulty",
    "some difficulty",
    "a lot of difficulty",
    "cannot do at all",
)

_LEVELS: Final = {"gali": GALI_LEVELS, "difficulty": DIFFICULTY_LEVELS}


def answer_labels(kind: str) -> dict[str, str]:
    """Return every accepted label of a GALI or Washington Group answer and what it means.

    The one vocabulary of these answers: :func:`jobhandicap.frames.validate_people` and
    :func:`jobhandicap.gap.employment_gap` both read it (from ``data/labels.csv``, kinds
    ``gali`` and ``difficulty``), so a label one accepts the other accepts with the same
    meaning.

    Parameters
    ----------
    kind
        ``"gali"`` (:data:`GALI_LEVELS`) or ``"difficulty"`` (:data:`DIFFICULTY_LEVELS`, the
        six ``wg_*`` columns).

    Returns
    -------
    dict of str to str
        Label (as written in the data file: the canonical value, English, Danish and aliases)
        to the canonical answer. Callers match them case-insensitively, ignoring punctuation.

    Raises
    ------
    OptionError
        When ``kind`` is neither.

    Notes
    -----
    *Some* is a GALI answer only as Eurostat's short name for *limited but not severely*
    (its tables speak of "some or severe" limitation; the gap's ``severity`` column of
    :func:`~jobhandicap.gap.employment_gap` uses the same words); in a Washington Group column
    *some* is *some difficulty*. *None* is not a GALI label: readers take it for an empty cell,
    so it is left out rather than read as *not limited*.

    References
    ----------
    Eurostat, *Disability employment gap by level of activity limitation* (``hlth_dlm200``);
    Washington Group on Disability Statistics, *Short Set on Functioning*.

    Examples
    --------
    >>> answer_labels("gali")["some"]
    'limited but not severely'
    >>> answer_labels("difficulty")["some"]
    'some difficulty'
    """
    check_choice("kind", kind, tuple(_LEVELS))
    return {
        label: value
        for value in _LEVELS[kind]
        for label in (value, *_labels.labels_of(kind, value))
    }


# --------------------------------------------------------------------------------------------
# Survey instruments
# --------------------------------------------------------------------------------------------

_INSTRUMENTS: Final = ("survey", "staff", "citizen", "employer")


def _instrument_rows(instrument: str | None) -> tuple[Mapping[str, str], ...]:
    if instrument is not None:
        check_choice("instrument", instrument, _INSTRUMENTS)
    rows = read_csv_table("instruments.csv")
    return tuple(row for row in rows if instrument is None or row["instrument"] == instrument)


def instruments(instrument: str | None = None) -> pd.DataFrame:
    """Return the items of the packaged survey instruments, with their wording and scales.

    Parameters
    ----------
    instrument
        ``"survey"`` (the yearly jobcentre survey), ``"staff"`` (the caseworkers' survey),
        ``"citizen"`` or ``"employer"`` (the sampled surveys of people with a disability and of
        employers), or ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        One row per item in questionnaire order, string columns ``instrument``, ``item`` (the
        item code of the long survey and staff frames), ``scale`` (the staff scale the item
        belongs to, or for a survey item the multiple-response set of 0/1 tick items it is an
        option of, see :func:`item_sets`; ``<NA>`` for none), ``reversed`` (bool: agreement
        means *less* of the scale, score it ``minimum + maximum − x``), ``label_en``,
        ``label_da`` (short labels for tables and figures), ``question_en``, ``question_da``
        (the wording as asked). A new frame on every call.

    Raises
    ------
    OptionError
        When ``instrument`` is not one of the above.

    Notes
    -----
    The items are in ``data/instruments.csv``: a new item, a better wording or another scale
    is a data change. The simulator of :mod:`jobhandicap.datasets` and the report both take
    the items from here. Survey answers are Likert codes (1 not at all … 5 to a very high
    degree, 9 don't know), those of a multiple-response set 1 (ticked) or 0 (not ticked);
    staff answers 1 (strongly disagree) … 5 (strongly agree).

    Examples
    --------
    >>> table = instruments("staff")
    >>> table.loc[table["reversed"], "item"].tolist()
    ['knowledge_5', 'belief_4']
    >>> instruments()["instrument"].value_counts().to_dict()
    {'survey': 33, 'staff': 11, 'citizen': 3, 'employer': 3}
    """
    rows = _instrument_rows(instrument)
    columns = read_csv_table("instruments.csv")[0]
    frame = pd.DataFrame({c: [row[c] for row in rows] for c in columns}, columns=list(columns))
    frame = frame.astype("string")
    return frame.assign(
        scale=frame["scale"].mask(frame["scale"] == ""),
        reversed=(frame["reversed"] == "true").astype(bool),
    )


def instrument_items(instrument: str) -> tuple[str, ...]:
    """Return the item codes of one instrument (``"survey"``, ``"staff"``, …) in order.

    Examples
    --------
    >>> instrument_items("staff")[:2]
    ('knowledge_1', 'knowledge_2')
    """
    return tuple(row["item"] for row in _instrument_rows(instrument))


def item_labels(lang: str, instrument: str | None = None) -> dict[str, str]:
    """Return the short label of every item (``lang`` ``"en"`` or ``"da"``), by item code.

    Examples
    --------
    >>> item_labels("da")["political_focus"]
    'Lokalpolitisk fokus på at få personer med handicap i beskæftigelse'
    """
    check_choice("lang", lang, ("en", "da"))
    return {row["item"]: row[f"label_{lang}"] for row in _instrument_rows(instrument)}


def item_sets() -> dict[str, tuple[str, ...]]:
    """Return the multiple-response sets of the jobcentre survey: set name to its items.

    A multiple-response question ("tick every target group that applies") is asked as one
    0/1 item per option (1 = ticked, 0 = not ticked). In ``data/instruments.csv`` its items are
    survey rows whose ``scale`` column names the set; they are listed here in questionnaire
    order. :func:`jobhandicap.multiple_response` takes a set by its name, and
    :func:`jobhandicap.validate_survey` accepts only 0, 1 or no answer for these items.

    Examples
    --------
    >>> sets = item_sets()
    >>> list(sets)
    ['schemes_used_for']
    >>> sets["schemes_used_for"][:2]
    ('schemes_used_for_insured_unemployment_benefit', 'schemes_used_for_social_assistance')
    """
    sets: dict[str, tuple[str, ...]] = {}
    for row in _instrument_rows("survey"):
        if row["scale"]:
            sets[row["scale"]] = (*sets.get(row["scale"], ()), row["item"])
    return sets


def scale_items() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Return the staff scales: name to (items, reverse-worded items), in file order.

    Examples
    --------
    >>> scale_items()["belief"]
    (('belief_1', 'belief_2', 'belief_3', 'belief_4', 'belief_5'), ('belief_4',))
    """
    scales: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for row in _instrument_rows("staff"):
        if not row["scale"]:
            continue
        items, reverse = scales.get(row["scale"], ((), ()))
        flipped = (*reverse, row["item"]) if row["reversed"] == "true" else reverse
        scales[row["scale"]] = ((*items, row["item"]), flipped)
    return scales
