"""The specification of a release's tables: their keys and their counts and amounts.

A :class:`TableSpec` says which columns of a published table are keys (shared with the other
tables and with the unit data) and which are :class:`Measure` columns — counts of units or sums
of an amount — with the columns derived from each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from jobhandicap.errors import JobhandicapError

__all__ = ["DEFAULT_UNIVERSE", "Measure", "TableSpec"]

#: The universe a :class:`TableSpec` belongs to unless it names another.
DEFAULT_UNIVERSE = "units"


class Error(JobhandicapError, ValueError):
    """A bad specification or option (also a ``ValueError``)."""


def as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@attrs.frozen(kw_only=True)
class Measure:
    """One column of counts or amounts in a table, as a sum over units.

    Parameters
    ----------
    column
        The column that shows it; ``None`` for a quantity the table reveals only through
        ``derived`` columns (the line total behind a share, the refusals behind a grant rate).
    units
        Which units it counts or sums: with unit data, a column of them that is true for the
        units counted (``None``: every unit); on a grid, the name of the category of units
        (``None``: all categories).
    amount
        The unit data's column of amounts this measure sums (``None``: a count of units).
    over
        Key columns of the table the measure sums over: its cell in each row is the total over
        those keys (``total_dkk`` repeated in every scheme's row, say).
    derived
        Columns computed from this measure's cell in the same row (rates, shares, intervals,
        amounts per case…), hidden whenever the cell is.
    describes
        Columns that describe the cell's units without revealing how many they are (a median
        or quantile of their processing times, a mean score): hidden when the cell is a small
        count, since they then describe a few people, but not when the cell is hidden only to
        protect another.
    """

    column: str | None
    units: str | None = None
    amount: str | None = None
    over: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    derived: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    describes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


def _as_measures(value: Iterable[Measure | str]) -> tuple[Measure, ...]:
    out = []
    for item in [value] if isinstance(value, str | Measure) else value:
        out.append(item if isinstance(item, Measure) else Measure(column=str(item)))
    return tuple(out)


@attrs.frozen(kw_only=True)
class TableSpec:
    """How a published table relates to the units and to the release's other tables.

    Parameters
    ----------
    measures
        The table's counts and amounts (:class:`Measure`, or column names for plain counts of
        every unit).
    by
        Key columns: the table's cells are the units whose values in these columns are the
        row's (a row whose key reads ``"total"``, ``"i alt"`` … sums over that key). Cells of
        two tables with the same key values and measure are the same quantity.
    fixed
        Keys held at one value for the whole table (``{"year": 2020}``).
    universe
        The name of the units the table counts (``"cases"``, ``"staff"`` …); tables of
        different universes are not linked.
    totals
        Further key values that mark a total row of this table (``"some or severe"``).
    """

    measures: tuple[Measure, ...] = attrs.field(converter=_as_measures)
    by: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    fixed: Mapping[str, Any] = attrs.field(factory=dict)
    universe: str = DEFAULT_UNIVERSE
    totals: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
