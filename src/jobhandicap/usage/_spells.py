r"""Grants as spells: the stock of grants in force per year next to the flow of new grants.

A grant with a period (``granted_from`` to ``granted_to``; open-ended without an end) is *in
force* in year :math:`y` when its period overlaps 1 January to 31 December of :math:`y`. The
national grant statistics count personal assistance so (grants active in the year: a grant
runs for years) and aids by the year they start (aids have no end date). This module holds
the reduction of periods to counts per group and year, the expansion of periods into their
years (for counts of distinct jobcentres and for spreading amounts), and
:func:`active_grants`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import AnyFrame, EngineFrame, as_pandas, engine_frame
from jobhandicap._grouping import as_by, check_columns, group_keys, refuse_reserved, warn_left_out
from jobhandicap._reduce import LeftOut
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
)
from jobhandicap.usage._common import selected_cases
from jobhandicap.usage._engine import engine_active_grants

__all__ = [
    "PERIOD_COLUMNS",
    "Spells",
    "active_grants",
    "grant_spells",
    "spell_years",
]

#: The columns of a grant period in the cases frame.
PERIOD_COLUMNS = ("granted_from", "granted_to")

IntArray = npt.NDArray[np.int64]


@attrs.frozen
class Spells:
    """The granted cases with a period, as whole days and years (one entry per grant).

    Attributes
    ----------
    rows
        Positions of the grants in the cases frame.
    start, end
        First and last day in force (days since 1970-01-01); for an open-ended grant ``end``
        is 31 December of the last year open-ended grants are counted to.
    open_ended
        Whether the grant has no end date.
    first_year, last_year
        The years counted.
    """

    rows: npt.NDArray[np.intp]
    start: IntArray
    end: IntArray
    open_ended: npt.NDArray[np.bool_]
    first_year: int
    last_year: int


def _days(column: pd.Series) -> IntArray:
    """Whole days since 1970-01-01 of a datetime column (NaT as the int64 minimum).

    The column's own unit is kept: in nanoseconds 9999-12-31 (a common "no end") would wrap
    around to 1816. A time of day is dropped (the day it falls on counts).
    """
    values = column.to_numpy()
    if values.dtype.kind != "M":  # e.g. a time-zone-aware column: Timestamps as objects
        values = column.to_numpy(dtype="datetime64[ns]")
    return np.asarray(values.astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def _year_of(days: IntArray) -> IntArray:
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    return np.asarray(years, dtype=np.int64)


def _new_year(years: IntArray) -> IntArray:
    """Day number of 1 January of each year."""
    stamps = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    return np.asarray(stamps.astype(np.int64), dtype=np.int64)


def check_years(years: object) -> list[int] | None:
    if years is None:
        return None
    values = [years] if isinstance(years, int | np.integer) else years
    if isinstance(values, str) or not isinstance(values, Sequence | range | np.ndarray):
        raise ArgumentTypeError(f"years must be a year or a list of years, got {years!r}")
    found = list(values)
    if not found or not all(
        isinstance(y, int | np.integer) and not isinstance(y, bool) for y in found
    ):
        raise ArgumentTypeError(f"years must be whole years such as 2018, got {years!r}")
    if not all(1900 <= int(y) <= 2200 for y in found):
        raise OptionError(f"years must lie between 1900 and 2200, got {years!r}")
    return sorted({int(y) for y in found})


def data_last_year(cases: pd.DataFrame) -> int | None:
    """The last year of the data: of the latest application, decision or period start."""
    latest: list[int] = []
    for name in ("applied", "decided", "granted_from"):
        if name in cases.columns:
            value = cases[name].max()
            if not pd.isna(value):
                latest.append(int(pd.Timestamp(value).year))
    return max(latest) if latest else None


def grant_spells(cases: pd.DataFrame, years: object = None) -> Spells:
    """The granted cases with a grant period, clipped to the years counted.

    The years counted are ``years`` (from the first to the last given) or, without them,
    from the first period's start to the last year of the data (:func:`data_last_year`).
    Open-ended grants run to 31 December of the last year counted. Grants whose period
    lies wholly outside the years are left out.
    """
    check_columns(cases, ("decision", *PERIOD_COLUMNS), "cases")
    wanted = check_years(years)
    granted = selected_cases(cases, Decision.GRANTED.value)
    start_column = cases["granted_from"]
    if not pd.api.types.is_datetime64_any_dtype(start_column.dtype) or not (
        pd.api.types.is_datetime64_any_dtype(cases["granted_to"].dtype)
    ):
        raise JobhandicapError(
            "granted_from and granted_to must hold dates; validate the cases with "
            "jobhandicap.validate_cases first"
        )
    start_all = _days(start_column)
    end_all = _days(cases["granted_to"])
    nat = np.iinfo(np.int64).min
    has = granted & (start_all != nat)
    rows = np.flatnonzero(has)
    start, end = start_all[rows], end_all[rows]
    open_ended = end == nat
    if wanted is not None:
        first, last = wanted[0], wanted[-1]
    else:
        last_data = data_last_year(cases)
        if not len(rows) or last_data is None:
            first = last = last_data if last_data is not None else 1970
        else:
            first = int(_year_of(start).min())
            last = max(last_data, first)
    # Open-ended grants run to the end of the last year counted, closed ones to their end.
    horizon_end = int(_new_year(np.array([last + 1]))[0]) - 1
    horizon_start = int(_new_year(np.array([first]))[0])
    end = np.where(open_ended, np.maximum(horizon_end, start), end)
    keep = (start <= horizon_end) & (end >= horizon_start) & (end >= start)
    return Spells(rows[keep], start[keep], end[keep], open_ended[keep], first, last)


def spell_years(spells: Spells) -> tuple[npt.NDArray[np.intp], IntArray, IntArray]:
    """Expand each grant into the years it is in force (within the years counted).

    Returns the position of each pair's grant among the spells, its year, and the days the
    grant is in force in that year. Vectorised: :func:`numpy.repeat` over the grants and a
    running offset, no loop over grants.
    """
    first_day = int(_new_year(np.array([spells.first_year]))[0])
    last_day = int(_new_year(np.array([spells.last_year + 1]))[0]) - 1
    start = np.maximum(spells.start, first_day)
    end = np.minimum(spells.end, last_day)
    y0, y1 = _year_of(start), _year_of(end)
    spans = (y1 - y0 + 1).astype(np.int64)
    grant = np.repeat(np.arange(len(start)), spans)
    offsets = np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    year = y0[grant] + offsets
    begin = np.maximum(_new_year(year), start[grant])
    finish = np.minimum(_new_year(year + 1) - 1, end[grant])
    return grant, year, finish - begin + 1


def _group_codes(
    cases: pd.DataFrame, names: list[str], rows: npt.NDArray[np.intp]
) -> tuple[IntArray, pd.DataFrame, LeftOut]:
    """Group number of each of ``rows`` (-1: a missing key), the groups and what is left out.

    The groups are sorted by key; the rows with a missing key are left out (:class:`LeftOut`).
    """
    if not names:
        return np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=range(1)), LeftOut()
    keys = group_keys(cases, names)
    combined = np.zeros(len(rows), dtype=np.int64)
    missing = np.zeros(len(rows), dtype=bool)
    uniques = []
    absent: list[str] = []
    for name in names:
        codes, values = pd.factorize(keys[name], sort=True)
        picked = np.asarray(codes, dtype=np.int64)[rows]
        if (picked < 0).any():
            absent.append(name)
        missing |= picked < 0
        combined = combined * (len(values) + 1) + np.maximum(picked, 0)
        uniques.append(values)
    present, group = np.unique(combined[~missing], return_inverse=True)
    codes_of_groups = []
    rest = present
    for values in reversed(uniques):
        codes_of_groups.append(rest % (len(values) + 1))
        rest = rest // (len(values) + 1)
    groups = pd.DataFrame(
        {
            name: pd.Series(values.take(code))
            for name, values, code in zip(names, uniques, reversed(codes_of_groups), strict=True)
        }
    )
    out = np.full(len(rows), -1, dtype=np.int64)
    out[~missing] = np.asarray(group, dtype=np.int64).reshape(-1)
    return out, groups, LeftOut(int(missing.sum()), {}, tuple(absent))


#: The counts per group and year of :func:`reduce_spells`.
SPELL_COUNTS = ("started", "stopped", "new", "ended", "open_started")


def reduce_spells(
    cases: pd.DataFrame, names: list[str], spells: Spells
) -> tuple[pd.DataFrame, LeftOut]:
    """Counts per group and year: grants starting, stopping, ending and open-ended starting.

    ``started`` counts grants by the first year counted in which they are in force (a grant
    from before the years counted is started in the first year), ``stopped`` by the first year
    after their last year in force (up to the year after the last counted), ``new`` by their
    real start year (within the years) and ``ended`` by the year of their end date. One
    :func:`numpy.bincount` per count over integer group-and-year slots: no loop over grants.
    Counts only: tables of parts add up. One row per group and year from the first year
    counted to the year after the last, groups sorted by their keys; and the grants left out
    for a missing label.
    """
    first, last = spells.first_year, spells.last_year
    width = last - first + 2
    group, groups, left_out = _group_codes(cases, names, spells.rows)
    start_year = _year_of(spells.start)
    end_year = _year_of(spells.end)
    events = {
        "started": np.maximum(start_year, first),
        "stopped": np.minimum(end_year, last) + 1,
        "new": np.where(start_year >= first, start_year, -1),
        "ended": np.where(~spells.open_ended & (end_year <= last), end_year, -1),
        "open_started": np.where(spells.open_ended, np.maximum(start_year, first), -1),
    }
    size = len(groups) * width
    counts = {}
    for event, year in events.items():
        usable = (group >= 0) & (year >= first)
        slot = group[usable] * width + (year[usable] - first)
        counts[event] = np.bincount(slot, minlength=size).astype(np.int64)
    table = pd.DataFrame(
        {
            **{name: groups[name].repeat(width).to_numpy() for name in names},
            "year": np.tile(np.arange(first, last + 2, dtype=np.int64), len(groups)),
            **counts,
        }
    )
    return table, left_out


#: The columns :func:`active_grants` makes (and its reduction's counts): no ``by`` name.
ACTIVE_COLUMNS = ("active", "new", "ended", "open_ended", *SPELL_COUNTS)


def active_grants(
    cases: AnyFrame,
    *,
    years: int | Sequence[int] | None = None,
    by: str | Sequence[str] = "scheme",
) -> pd.DataFrame:
    r"""The stock of grants in force in each year next to the flow of new grants.

    Parameters
    ----------
    cases
        Canonical cases frame with grant periods (``decision``, ``granted_from``,
        ``granted_to`` and the ``by`` columns). Only granted cases with a known start of
        their period count; ``granted_to`` missing means open-ended. A pandas frame, or a
        Polars, PyArrow, DuckDB or PySpark frame (reduced in its engine).
    years
        The years to count (a year or a list; every year from the first to the last given is
        listed). Default: from the first period's start to the last year of the data (the
        latest application, decision or period start).
    by
        Grouping columns of the cases frame (default ``"scheme"``; ``()`` for all grants).
        ``year`` and the names of the counts (``active``, ``new``, ``ended``,
        ``open_ended``, ``started``, ``stopped``, ``open_started``) are the function's own
        columns and may not be given.

    Returns
    -------
    pandas.DataFrame
        One row per group and year counted (every year, for each group with a grant in
        force in one of them), sorted by the groups and year:

        ==================  ============================================================
        column              content
        ==================  ============================================================
        the ``by`` columns  the group
        ``year``            the calendar year
        ``active``          grants in force some day of the year (the stock)
        ``new``             grants whose period starts in the year (the flow)
        ``ended``           grants whose period ends in the year
        ``open_ended``      of the active grants, those without an end date
        ==================  ============================================================

        ``attrs["open_ended_to"]`` is the year open-ended grants were counted to,
        ``attrs["without_period"]`` the granted cases left out for want of a period and
        ``attrs["invalid_period"]`` those left out because their period ends before it
        starts.

    Raises
    ------
    MissingColumnsError
        When the frame lacks ``decision``, a period column or a ``by`` column.
    OptionError
        When ``by`` names ``year`` or a count column, or ``years`` lies outside 1900–2200.
    ArgumentTypeError
        When ``years`` is not a year or a list of years.

    Warns
    -----
    DataQualityWarning
        When a granted case's period ends before it starts (the case is left out and
        counted in ``attrs["invalid_period"]``). Once, when granted cases with a grant
        period in the years counted have no label in a ``by`` column, with their number:
        they are left out.

    Notes
    -----
    A grant :math:`i` with period :math:`[s_i, e_i]` (:math:`e_i = \infty` when open-ended)
    is in force in year :math:`y` when :math:`s_i \le` 31 Dec :math:`y` and
    :math:`e_i \ge` 1 Jan :math:`y`. With :math:`S_g(y)` the grants of group :math:`g`
    whose first year in force is :math:`y` and :math:`T_g(y)` those whose last year in
    force is :math:`y - 1`,

    .. math:: \text{active}_g(y) = \sum_{u \le y} S_g(u) - \sum_{u \le y} T_g(u),

    so the cases are reduced to counts of starts and stops per group and year (one
    :func:`numpy.bincount` through :func:`jobhandicap._reduce.grouped_sums`) and the stock is
    their running sum: no loop over grants or years. ``new`` counts :math:`s_i` in
    :math:`y`. A grant lasting at least a year is active in every year it is new, so then
    ``active >= new``. Open-ended grants run to 31 December of the last year counted
    (``attrs["open_ended_to"]``): give ``years`` to fix the horizon.

    References
    ----------
    Styrelsen for Arbejdsmarked og Rekruttering (STAR). Handicapkompenserende ordninger:
    bevillingsstatistik 2018 — personlig assistance opgjort som aktive bevillinger i året,
    hjælpemidler som bevillinger med start i året.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "scheme": ["personal assistance", "personal assistance", "aids"],
    ...     "decision": ["granted", "granted", "granted"],
    ...     "granted_from": pd.to_datetime(["2017-03-01", "2018-07-01", "2018-05-02"]),
    ...     "granted_to": pd.to_datetime(["2019-12-31", None, None])})
    >>> active_grants(cases, years=[2017, 2018, 2019])
                    scheme  year  active  new  ended  open_ended
    0                 aids  2017       0    0      0           0
    1                 aids  2018       1    1      0           1
    2                 aids  2019       1    0      0           1
    3  personal assistance  2017       1    1      0           0
    4  personal assistance  2018       2    1      0           1
    5  personal assistance  2019       2    0      1           1
    """
    names = as_by(by)
    if "year" in names:
        raise OptionError("active_grants counts per year itself; drop 'year' from by")
    refuse_reserved(names, ACTIVE_COLUMNS, "the result of active_grants")
    engine = engine_frame(cases, function="active_grants", what="cases")
    if engine is not None:
        return _engine_active_grants(engine, names, check_years(years))
    cases = as_pandas(cases, function="active_grants", what="cases")
    check_columns(cases, names, "cases")
    spells = grant_spells(cases, years)
    reduced, left_out = reduce_spells(cases, names, spells)
    warn_left_out(left_out, _GRANTS_COUNTED)
    result = _stock(reduced, names, spells.first_year, spells.last_year)
    for name in names:
        if isinstance(cases[name].dtype, pd.CategoricalDtype):
            result[name] = result[name].astype(cases[name].dtype)
    if names:
        result = result.sort_values([*names, "year"], kind="stable").reset_index(drop=True)
    granted = selected_cases(cases, Decision.GRANTED.value)
    result.attrs["open_ended_to"] = spells.last_year
    result.attrs["without_period"] = int(
        (granted & cases["granted_from"].isna().to_numpy(dtype=bool)).sum()
    )
    return _with_invalid(result, int(backwards_periods(cases).sum()))


def _stock(reduced: pd.DataFrame, names: list[str], first: int, last: int) -> pd.DataFrame:
    """Inference on the counts of :func:`reduce_spells`: the stock is a running sum."""
    width = last - first + 2
    groups = len(reduced) // width

    def per_year(column: str) -> IntArray:
        return reduced[column].to_numpy(dtype=np.int64).reshape(groups, width)

    active = np.cumsum(per_year("started"), axis=1) - np.cumsum(per_year("stopped"), axis=1)
    open_ended = np.cumsum(per_year("open_started"), axis=1)
    # The last slot of each group is the year after the last counted: not listed.
    listed = np.tile(np.arange(width) < width - 1, groups)
    result = pd.DataFrame(
        {
            **{name: reduced[name].to_numpy()[listed] for name in names},
            "year": reduced["year"].to_numpy()[listed],
            "active": active[:, :-1].ravel(),
            "new": per_year("new")[:, :-1].ravel(),
            "ended": per_year("ended")[:, :-1].ravel(),
            "open_ended": open_ended[:, :-1].ravel(),
        }
    )
    return result


def _engine_active_grants(
    frame: EngineFrame, names: list[str], wanted: list[int] | None
) -> pd.DataFrame:
    """:func:`active_grants` on a frame of another engine: counts per start and end year.

    The engine reduces the grants to counts per group, start year and end year
    (:func:`engine_active_grants`); the events of :func:`reduce_spells` are then weighted
    counts over that small table.
    """
    table, first, last, without, lost = engine_active_grants(frame, names, wanted)
    warn_left_out(_grants_left_out(lost, names, first, last), _GRANTS_COUNTED, stacklevel=4)
    start = table["_start"].to_numpy(dtype=np.int64)
    raw_end = table["_end_year"].to_numpy(dtype=np.int64)
    open_ended = raw_end == -1
    end = np.where(open_ended, np.maximum(last, start), raw_end)
    keep = (table["_valid"].to_numpy() == 1) & (start <= last) & (end >= first)
    kept = table.loc[keep].reset_index(drop=True)
    start, end, open_ended = start[keep], end[keep], open_ended[keep]
    weight = kept["n"].to_numpy(dtype=np.float64)
    width = last - first + 2
    if names:
        group = kept.groupby(names, observed=True, sort=True).ngroup().to_numpy(dtype=np.int64)
        groups = kept.groupby(names, observed=True, sort=True).size().reset_index()
    else:
        group = np.zeros(len(kept), dtype=np.int64)
        groups = pd.DataFrame(index=range(1))
    events = {
        "started": np.maximum(start, first),
        "stopped": np.minimum(end, last) + 1,
        "new": np.where(start >= first, start, -1),
        "ended": np.where(~open_ended & (end <= last), end, -1),
        "open_started": np.where(open_ended, np.maximum(start, first), -1),
    }
    size = len(groups) * width
    counts = {}
    for event, year in events.items():
        usable = year >= first
        slot = group[usable] * width + (year[usable] - first)
        counts[event] = np.rint(np.bincount(slot, weight[usable], minlength=size)).astype(np.int64)
    reduced = pd.DataFrame(
        {
            **{name: groups[name].repeat(width).to_numpy() for name in names},
            "year": np.tile(np.arange(first, last + 2, dtype=np.int64), len(groups)),
            **counts,
        }
    )
    result = _stock(reduced, names, first, last)
    for name in names:
        if isinstance(kept[name].dtype, pd.CategoricalDtype):
            result[name] = result[name].astype(kept[name].dtype)
    if names:
        result = result.sort_values([*names, "year"], kind="stable").reset_index(drop=True)
    result.attrs["open_ended_to"] = last
    result.attrs["without_period"] = without
    return _with_invalid(result, int(table.loc[table["_valid"] == 0, "n"].sum()))


#: What :func:`active_grants` counts, in the warning about cases without a label.
_GRANTS_COUNTED = "granted case(s) with a grant period in the years counted"


def _grants_left_out(lost: pd.DataFrame, names: list[str], first: int, last: int) -> LeftOut:
    """The grants of the engine's left-out rows that the years counted would have held.

    The same test as :func:`grant_spells` applies to the spells: a usable period (ending on
    or after its start) overlapping the years from ``first`` to ``last``.
    """
    if lost.empty:
        return LeftOut()
    start = lost["_start"].to_numpy(dtype=np.int64)
    raw_end = lost["_end_year"].to_numpy(dtype=np.int64)
    end = np.where(raw_end == -1, np.maximum(last, start), raw_end)
    keep = (lost["_valid"].to_numpy() == 1) & (start <= last) & (end >= first)
    kept = lost.loc[keep]
    absent = [name for name in names if bool(kept[name].isna().any())]
    return LeftOut(int(kept["n"].sum()), {}, tuple(absent))


def _with_invalid(result: pd.DataFrame, invalid: int) -> pd.DataFrame:
    """Record (``attrs["invalid_period"]``) and warn of grants whose period ends too early."""
    result.attrs["invalid_period"] = invalid
    if invalid:
        warnings.warn(
            f"{invalid} granted case(s) have a period that ends before it starts; they are left "
            "out of the counts (attrs['invalid_period']); jobhandicap.validate_cases names "
            "their rows",
            DataQualityWarning,
            stacklevel=3,
        )
    return result


def backwards_periods(cases: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Which granted cases have a period whose end lies before its start."""
    start = cases["granted_from"].to_numpy(dtype="datetime64[ns]")
    end = cases["granted_to"].to_numpy(dtype="datetime64[ns]")
    with np.errstate(invalid="ignore"):
        backwards = np.asarray(~np.isnat(start) & ~np.isnat(end) & (end < start), dtype=bool)
    granted = selected_cases(cases, Decision.GRANTED.value)
    result: npt.NDArray[np.bool_] = granted & backwards
    return result


# --------------------------------------------------------------------------------------------
# Counting rows for scheme_usage: applications, new grants or grants in force
# --------------------------------------------------------------------------------------------

#: What ``scheme_usage(count=...)`` counts: the values of its ``counted`` column.
COUNTS = ("applications", "new", "active")


def chosen_counts(
    cases: pd.DataFrame, names: list[str], decision: object, count: str | None
) -> dict[str, str]:
    """The count of each scheme of the cases (scheme value -> one of :data:`COUNTS`).

    ``count`` given: every scheme so. ``None``: per scheme from the data when the counts are
    per year and scheme of granted cases with periods — ``"active"`` for a scheme at least
    half of whose grants with a period have an end date, ``"new"`` for any other scheme with
    periods (with a :class:`~jobhandicap.errors.DataQualityWarning` when some of its periods
    have an end, which this count does not use) —, and ``"applications"`` otherwise.
    """
    if count is not None and (not isinstance(count, str) or count not in COUNTS):
        raise OptionError(
            f"count must be 'new', 'active', 'applications' or None (from the data), got {count!r}"
        )
    schemes = _scheme_values(cases)
    periodic = count in ("new", "active")
    granted_only = decision is not None and _is_granted(decision)
    if periodic and "year" not in names:
        raise OptionError(f"count={count!r} counts grants per year: put 'year' in by")
    if periodic and not granted_only:
        raise OptionError(f"count={count!r} counts grants: use decision='granted'")
    if count is not None:
        if periodic:
            check_columns(cases, PERIOD_COLUMNS, "cases")
        return dict.fromkeys(schemes, count)
    usable = (
        "year" in names
        and "scheme" in names
        and granted_only
        and all(c in cases.columns for c in PERIOD_COLUMNS)
    )
    if not usable:
        return dict.fromkeys(schemes, "applications")
    granted = selected_cases(cases, Decision.GRANTED.value)
    has_start = granted & cases["granted_from"].notna().to_numpy(dtype=bool)
    if not has_start.any():
        return dict.fromkeys(schemes, "applications")
    has_end = has_start & cases["granted_to"].notna().to_numpy(dtype=bool)
    scheme = cases["scheme"].astype("object")
    with_start = {str(k): int(v) for k, v in scheme[has_start].value_counts().items()}
    with_end = {str(k): int(v) for k, v in scheme[has_end].value_counts().items()}
    return counts_from_periods(schemes, with_start, with_end)


def counts_from_periods(
    schemes: list[str], with_start: dict[str, int], with_end: dict[str, int]
) -> dict[str, str]:
    """The default count per scheme from its grants with a period and those with an end.

    ``"active"`` when at least half of a scheme's periods have an end date, ``"new"`` for any
    other scheme with periods (with a :class:`~jobhandicap.errors.DataQualityWarning` when some
    of them have an end), ``"applications"`` for a scheme without periods.
    """
    chosen: dict[str, str] = {}
    mixed: list[str] = []
    for s in schemes:
        periods, ends = with_start.get(s, 0), with_end.get(s, 0)
        if not periods:
            chosen[s] = "applications"
        elif 2 * ends >= periods:
            chosen[s] = "active"
        else:
            chosen[s] = "new"
            if ends:
                mixed.append(f"{s} ({ends} of {periods} periods)")
    if mixed:
        warnings.warn(
            "schemes counted by the year their grants start ('new') although some of their "
            f"grants with a period have an end date: {', '.join(mixed)}; a scheme is counted as "
            "grants in force ('active') only when at least half of its periods have an end; give "
            "count='active' to count grants in force",
            DataQualityWarning,
            stacklevel=4,
        )
    return chosen


def warn_unusable(count: int) -> None:
    """Warn that ``count`` grants of 'active' schemes were counted in their application year."""
    if count:
        warnings.warn(
            f"{count} granted case(s) of schemes counted as grants in force have no "
            "usable grant period (none, or one ending before it starts); each is counted "
            "once, in its application year",
            DataQualityWarning,
            stacklevel=4,
        )


def _is_granted(decision: object) -> bool:
    try:
        return Decision.parse(decision) is Decision.GRANTED
    except JobhandicapError:
        return False


def _scheme_values(cases: pd.DataFrame) -> list[str]:
    if "scheme" not in cases.columns:
        return []
    column = cases["scheme"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return sorted(str(s) for s in column.dropna().unique().tolist())


def counting_rows(
    cases: pd.DataFrame, names: list[str], decision: object, counts: dict[str, str]
) -> pd.DataFrame:
    """The rows ``scheme_usage`` counts: one per application, new grant or grant-year.

    A frame with the ``names`` columns (``year`` explicit), ``jobcentre`` and ``decision``:
    applications keep their application year; a new grant counts in the year its period
    starts (the application year when it has no period); a grant in force counts once in
    every year of its period (:func:`spell_years`), and once in its application year when it
    has no usable period (with a :class:`~jobhandicap.errors.DataQualityWarning`).
    """
    wanted = set(counts.values())
    if wanted == {"applications"}:
        return cases
    # One lookup per distinct scheme, spread over the cases by their codes (-1: missing).
    codes, schemes = pd.factorize(cases["scheme"])
    lookup = np.array(
        [counts.get(str(s), "applications") for s in schemes] + ["applications"], dtype=object
    )
    kind = lookup[codes]
    others = [n for n in names if n != "year"]
    columns = [*others, "jobcentre", "decision"]
    base = group_keys(cases, ["year"])["year"].to_numpy(dtype=np.int64)
    parts: list[pd.DataFrame] = []
    take = np.flatnonzero(kind == "applications")
    parts.append(cases[columns].iloc[take].assign(year=base[take]))
    if "new" in wanted:
        take = np.flatnonzero((kind == "new") & selected_cases(cases, Decision.GRANTED.value))
        start = cases["granted_from"].iloc[take]
        year = np.where(start.isna(), base[take], start.dt.year.fillna(0).to_numpy(np.int64))
        parts.append(cases[columns].iloc[take].assign(year=year))
    if "active" in wanted:
        spells = grant_spells(cases)
        grant, year, _ = spell_years(spells)
        rows = spells.rows[grant]
        keep = kind[rows] == "active"
        parts.append(cases[columns].iloc[rows[keep]].assign(year=year[keep]))
        # A grant without a usable period (none, or one ending before it starts) counts once,
        # in its application year, as a grant of one year.
        unusable = cases["granted_from"].isna().to_numpy(dtype=bool) | backwards_periods(cases)
        take = np.flatnonzero(
            (kind == "active") & selected_cases(cases, Decision.GRANTED.value) & unusable
        )
        if len(take):
            warn_unusable(len(take))
            parts.append(cases[columns].iloc[take].assign(year=base[take]))
    return pd.concat(parts, ignore_index=True)[[*columns, "year"]]


# --------------------------------------------------------------------------------------------
# Expenditure spread over the years of a grant
# --------------------------------------------------------------------------------------------


def spread_amounts(cases: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, int, float]:
    r"""The granted amounts by calendar year: each grant's amount spread over its period.

    Returns a frame of the granted cases' ``names`` columns (``year`` the calendar year of
    the spending), ``scheme``, ``decision`` and ``amount_dkk``, one row per grant and year,
    the last year listed and the amount falling after it. Every grant runs to the same horizon,
    the data's last year (:func:`data_last_year`): open-ended grants to its end, and the
    years of closed periods after it are not listed (their amount is the second value), so
    no year lists some grants and not others:

    - a grant with a yearly amount: :math:`a^{\text{year}} \cdot d_y / D_y` in each year
      :math:`y` of its period, :math:`d_y` its days in force in the year and :math:`D_y` the
      days of the year;
    - a grant with a closed period and no yearly amount: :math:`a \cdot d_y / \sum_u d_u`,
      the amount pro rata by days over its whole period (:math:`\sum_u d_u` its length in
      days), so its years add up to its amount when none lies after the horizon;
    - any other granted case (no period, or open-ended without a yearly amount, such as an
      aid bought once): its whole amount in its start year (the application year without
      a period).
    """
    check_columns(cases, ("decision", "amount_dkk", *PERIOD_COLUMNS), "cases")
    granted = selected_cases(cases, Decision.GRANTED.value)
    amount = cases["amount_dkk"].to_numpy(dtype=np.float64, na_value=np.nan)
    yearly = (
        cases["yearly_amount_dkk"].to_numpy(dtype=np.float64, na_value=np.nan)
        if "yearly_amount_dkk" in cases.columns
        else np.full(len(cases), np.nan)
    )
    others = [n for n in names if n != "year"]
    columns = [*others, "scheme", "decision"]
    spells = grant_spells(cases)
    grant, year, days = spell_years(spells)
    rows = spells.rows[grant]
    in_year = (_new_year(year + 1) - _new_year(year)).astype(np.float64)
    total_days = (spells.end - spells.start + 1).astype(np.float64)[grant]
    has_yearly = ~np.isnan(yearly[rows])
    closed = ~spells.open_ended[grant]
    spread = has_yearly | closed
    share = np.where(has_yearly, days / in_year, days / np.maximum(total_days, 1.0))
    value = np.where(has_yearly, yearly[rows], amount[rows]) * share
    # A grant is spread over all its years or none: the test is per grant.
    spread_rows = np.zeros(len(cases), dtype=bool)
    spread_grants = np.zeros(len(spells.rows), dtype=bool)
    spread_grants[grant[spread]] = True
    spread_rows[spells.rows[spread_grants]] = True
    keep = spread_grants[grant]
    once = np.flatnonzero(granted & ~spread_rows)
    start = cases["granted_from"].iloc[once]
    base = group_keys(cases.iloc[once], ["year"])["year"].to_numpy(dtype=np.int64)
    once_year = np.where(start.isna(), base, start.dt.year.fillna(0).to_numpy(np.int64))
    # What closed periods without a yearly amount spend after the horizon: their days
    # beyond it, pro rata.
    horizon = int(_new_year(np.array([spells.last_year + 1]))[0]) - 1
    pro_rata = ~spells.open_ended & np.isnan(yearly[spells.rows])
    beyond = np.maximum(spells.end - np.maximum(spells.start, horizon + 1) + 1, 0)
    later = float(
        np.nansum(
            amount[spells.rows][pro_rata]
            * beyond[pro_rata]
            / (spells.end - spells.start + 1)[pro_rata]
        )
    )
    frame = pd.concat(
        [
            cases[columns].iloc[rows[keep]].assign(year=year[keep], amount_dkk=value[keep]),
            cases[columns].iloc[once].assign(year=once_year, amount_dkk=amount[once]),
        ],
        ignore_index=True,
    )
    return frame, spells.last_year, later
