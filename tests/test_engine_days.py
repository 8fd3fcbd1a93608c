"""Day numbers in the engines: every route gives pandas' days, and each is a short expression.

:func:`jobhandicap._engines.day_number` turns a date column into days since 1970-01-01 in the
engine. Polars and PyArrow convert to epoch numbers, DuckDB subtracts into a duration, and the
general route (Spark's) computes the days from the calendar fields. All must give the same
numbers; and since an engine spells out every use of a subexpression again (SQL text for DuckDB,
a call to the JVM per operation for Spark), each route must stay a short expression: the
calendar formula once took DuckDB some 21,000 characters of SQL a column to bind and plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import narwhals.stable.v2 as nw
import numpy as np
import numpy.typing as npt
import pandas as pd
import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap._engines import day_number

#: Dates from year 1 to 9999 and times of day in whole seconds (the calendar route's range).
_STAMPS = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31))


def _expected(stamps: list[dt.datetime]) -> npt.NDArray[np.float64]:
    """Days since 1970-01-01 in NumPy: the day, plus the seconds of the day over 86,400."""
    seconds = np.array(stamps, dtype="datetime64[s]").astype(np.int64)
    days = np.floor_divide(seconds, 86_400)
    fraction = (seconds - days * 86_400).astype(np.float64) / 86_400.0
    return np.asarray(days.astype(np.float64) + fraction, dtype=np.float64)


@settings(max_examples=examples(20))
@given(st.lists(_STAMPS.map(lambda t: t.replace(microsecond=0)), min_size=1, max_size=200))
def test_every_route_gives_the_days_of_numpy(stamps: list[dt.datetime]) -> None:
    table = pa.table(
        {
            "stamp": pa.array(stamps, pa.timestamp("us")),
            "date": pa.array([t.date() for t in stamps], pa.date32()),
        }
    )
    expected = _expected(stamps)
    dates = np.floor(expected)
    natives: list[Any] = [pl.from_arrow(table), duckdb.connect().from_arrow(table), table]
    for native in natives:
        frame = nw.from_native(native)
        for engine in (frame, None):  # the engine's own route, then the calendar route
            got = _pandas(frame.select(day_number("stamp", engine)))
            np.testing.assert_allclose(got["stamp"].to_numpy(), expected, rtol=1e-15, atol=0)
        got = _pandas(frame.select(day_number("date", frame)))
        np.testing.assert_array_equal(got["date"].to_numpy(), dates)


def _pandas(frame: Any) -> pd.DataFrame:
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect("pandas")
    return frame.to_pandas()  # type: ignore[no-any-return]


def test_dates_far_from_1970_in_every_engine() -> None:
    # PyArrow refused microseconds beyond 2**53 as floats: 9999-12-31 is a common "no end".
    stamps = [dt.datetime(9999, 12, 31), dt.datetime(1600, 1, 1, 12), dt.datetime(1, 1, 1)]
    table = pa.table({"d": pa.array(stamps, pa.timestamp("us"))})
    natives: list[Any] = [table, pl.from_arrow(table), duckdb.connect().from_arrow(table)]
    for native in natives:
        frame = nw.from_native(native)
        got = _pandas(frame.select(day_number("d", frame)))["d"].tolist()
        assert got == _expected(stamps).tolist() == [2932896.0, -135139.5, -719162.0]


def test_the_calendar_route_knows_leap_years_and_the_epoch() -> None:
    stamps = [
        dt.datetime(1970, 1, 1),
        dt.datetime(1969, 12, 31, 18),
        dt.datetime(2000, 2, 29),
        dt.datetime(2000, 3, 1),
        dt.datetime(1900, 3, 1),
        dt.datetime(1, 1, 1),
        dt.datetime(9999, 12, 31, 23, 59, 59),
    ]
    frame = nw.from_native(pl.DataFrame({"d": stamps}))
    got = frame.select(day_number("d"))["d"].to_list()
    assert got == _expected(stamps).tolist()
    assert got[:5] == [0.0, -0.25, 11016.0, 11017.0, -25508.0]


def test_day_numbers_are_short_expressions_in_duckdb() -> None:
    relation = duckdb.connect().from_arrow(
        pa.table({"d": pa.array([dt.datetime(2020, 1, 2, 12)], pa.timestamp("us"))})
    )
    frame = nw.from_native(relation)
    for engine in (frame, None):
        native = frame.select(day_number("d", engine)).to_native()
        assert native.fetchall() == [(18263.5,)]
        assert len(native.sql_query()) < 2_500
