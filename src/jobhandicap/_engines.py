"""The engine boundary: pandas frames as they are, other engines' frames through narwhals.

Every indicator whose input can be large accepts a pandas frame (the fast path, unchanged: it
never passes through this module's conversions) and also a frame of another engine:

========================  =========================================================
engine                    frame
========================  =========================================================
Polars                    ``polars.DataFrame``, ``polars.LazyFrame``
PyArrow                   ``pyarrow.Table``
DuckDB                    ``duckdb.DuckDBPyRelation``
PySpark                   ``pyspark.sql.DataFrame`` (classic or Spark Connect)
========================  =========================================================

Such a frame is wrapped by narwhals (:func:`engine_frame`) and the reduction runs in its engine
(:func:`jobhandicap._reduce.engine_sums`), lazily where the frame is lazy; only the small
reduced table is collected, into pandas. Functions that need the rows themselves (bootstraps,
per-case work) refuse such a frame with :func:`needs_rows`, which says what to pass instead.

This module imports no engine: narwhals recognises a frame by the modules already imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # narwhals is imported when a frame of another engine arrives
    import narwhals.stable.v2 as nw
    from narwhals.stable.v2.typing import IntoFrame

from jobhandicap.errors import ArgumentTypeError, MissingColumnsError

__all__ = [
    "ENGINES",
    "AnyFrame",
    "EngineFrame",
    "as_pandas",
    "check_engine_columns",
    "collect",
    "day_number",
    "day_of",
    "engine_columns",
    "engine_frame",
    "engine_name",
    "engine_schema",
    "needs_rows",
    "wrap_engine",
]

#: What an indicator that reduces in the engine accepts: pandas, or another engine's frame.
AnyFrame: TypeAlias = "pd.DataFrame | IntoFrame"
#: A frame of another engine, wrapped by narwhals.
EngineFrame: TypeAlias = "nw.DataFrame[Any] | nw.LazyFrame[Any]"

#: The engines accepted besides pandas: narwhals implementation (its value) -> the name in
#: messages.
ENGINES = {
    "polars": "Polars",
    "pyarrow": "PyArrow",
    "duckdb": "DuckDB",
    "pyspark": "PySpark",
    "pyspark[connect]": "PySpark",
}
#: The packages whose frames may be an accepted engine's (narwhals' own frames included): a
#: frame of any other package is refused without importing narwhals.
_PACKAGES = frozenset({"polars", "pyarrow", "duckdb", "_duckdb", "pyspark", "narwhals"})

_ACCEPTED = (
    "a pandas DataFrame, a Polars DataFrame or LazyFrame, a PyArrow Table, a DuckDB relation "
    "or a PySpark DataFrame"
)


def engine_frame(frame: object, *, function: str, what: str) -> EngineFrame | None:
    """``None`` for a pandas frame; a frame of another engine wrapped by narwhals.

    Parameters
    ----------
    frame
        The argument as the caller gave it.
    function
        The public function, for the message.
    what
        The argument's name, for the message (``"cases"``).

    Raises
    ------
    ArgumentTypeError
        For anything else, naming the function and what it accepts.

    Examples
    --------
    >>> import pandas as pd
    >>> engine_frame(pd.DataFrame({"a": [1]}), function="grant_rate", what="cases") is None
    True
    >>> engine_frame([1, 2], function="grant_rate", what="cases")
    Traceback (most recent call last):
    ...
    jobhandicap.errors.ArgumentTypeError: grant_rate: cases must be a pandas DataFrame, ...
    """
    if isinstance(frame, pd.DataFrame):
        return None
    wrapped = wrap_engine(frame)
    if wrapped is not None:
        return wrapped
    raise ArgumentTypeError(
        f"{function}: {what} must be {_ACCEPTED} holding the canonical columns, got "
        f"{type(frame).__module__}.{type(frame).__name__}"
    )


def as_pandas(frame: AnyFrame, *, function: str, what: str) -> pd.DataFrame:
    """The frame itself when it is a pandas frame, which the caller has made sure of.

    For the pandas path after :func:`engine_frame` returned ``None``: typed, and a clear
    error should anything else arrive.
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    raise ArgumentTypeError(f"{function}: {what} must be {_ACCEPTED}, got {type(frame).__name__}")


def wrap_engine(frame: object) -> EngineFrame | None:
    """A frame of an accepted engine wrapped by narwhals; ``None`` for anything else.

    Examples
    --------
    >>> import polars as pl
    >>> wrap_engine(pl.DataFrame({"a": [1]})).implementation
    <Implementation.POLARS: 'polars'>
    >>> wrap_engine([1]) is None
    True
    """
    if isinstance(frame, pd.DataFrame | pd.Series | str | bytes):
        return None
    if type(frame).__module__.split(".")[0] not in _PACKAGES:
        return None
    import narwhals.stable.v2 as nw

    try:
        wrapped: Any = nw.from_native(frame)
    except TypeError:
        return None
    if (
        isinstance(wrapped, nw.DataFrame | nw.LazyFrame)
        and wrapped.implementation.value in ENGINES
    ):
        return wrapped
    return None


def engine_name(frame: EngineFrame) -> str:
    """The engine of a wrapped frame, as messages name it (``"DuckDB"``)."""
    return ENGINES.get(frame.implementation.value, str(frame.implementation.value))


def needs_rows(frame: object, *, function: str, what: str, instead: str = "") -> None:
    """Refuse a frame of another engine where ``function`` needs the rows in pandas.

    Parameters
    ----------
    frame
        The argument as the caller gave it.
    function, what
        The function and the argument's name, for the message.
    instead
        What else could be done (``"or use processing_time, which reduces in the engine"``).

    Raises
    ------
    ArgumentTypeError
        When ``frame`` is not a pandas frame (any other engine's frame included), saying to
        collect it to pandas first.

    Examples
    --------
    >>> import polars as pl
    >>> needs_rows(pl.LazyFrame({"a": [1]}), function="association", what="staff")
    Traceback (most recent call last):
    ...
    jobhandicap.errors.ArgumentTypeError: association needs the rows of staff in pandas ...
    """
    if isinstance(frame, pd.DataFrame):
        return
    wrapped = engine_frame(frame, function=function, what=what)
    if wrapped is None:  # pragma: no cover - a pandas frame returned above
        return
    hint = f"; {instead}" if instead else ""
    raise ArgumentTypeError(
        f"{function} needs the rows of {what} in pandas (it works row by row, not on a "
        f"reduction the engine could compute), got a {engine_name(wrapped)} frame: collect it "
        "to pandas first (Polars: .collect().to_pandas(); DuckDB: .df(); PySpark: "
        f".toPandas()){hint}"
    )


def engine_columns(frame: EngineFrame) -> list[str]:
    """The column names of a wrapped frame (a lazy frame's schema is resolved, not its data)."""
    import narwhals.stable.v2 as nw

    if isinstance(frame, nw.LazyFrame):
        return list(frame.collect_schema().names())
    return list(frame.columns)


def engine_schema(frame: EngineFrame) -> dict[str, Any]:
    """The narwhals dtypes of a wrapped frame's columns, by name (no data read)."""
    import narwhals.stable.v2 as nw

    schema = frame.collect_schema() if isinstance(frame, nw.LazyFrame) else frame.schema
    return dict(schema.items())


def check_engine_columns(frame: EngineFrame, required: Sequence[str], what: str) -> list[str]:
    """Raise :class:`MissingColumnsError` unless the frame has ``required``; return its columns."""
    columns = engine_columns(frame)
    missing = [name for name in required if name not in columns]
    if missing:
        raise MissingColumnsError(missing, columns, what)
    return columns


def collect(frame: EngineFrame) -> pd.DataFrame:
    """A small wrapped frame (a reduced table, a few example rows) as a pandas frame.

    Collected through Arrow, which every engine writes natively; dictionary-encoded columns
    arrive as pandas categoricals.
    """
    import narwhals.stable.v2 as nw

    if isinstance(frame, nw.LazyFrame):
        # Polars' streaming engine reads a scan in batches: the data never sit in memory whole.
        streaming = {"engine": "streaming"} if frame.implementation.is_polars() else {}
        eager = frame.collect(backend="pyarrow", **streaming)
    else:
        eager = frame
    table: Any = eager.to_arrow()
    result: pd.DataFrame = table.to_pandas()
    return result


#: Days from 0001-01-01 (proleptic Gregorian) to 1970-01-01.
_EPOCH_DAYS = 719_162
#: The origin of the day numbers.
_EPOCH = dt.datetime(1970, 1, 1)
#: Microseconds in a day.
_DAY_US = 86_400_000_000


def day_number(column: str, frame: EngineFrame | None = None) -> nw.Expr:
    r"""Days from 1970-01-01 to a date or datetime column, as Float64 (time of day a fraction).

    Where the engine of ``frame`` converts datetimes to epoch numbers (Polars, PyArrow), that
    conversion is used: it is some seventy times faster than the general route. DuckDB has no
    such conversion in narwhals but subtracts datetimes into durations, whose microseconds it
    counts (``epoch_us``). Otherwise (Spark, which lacks both in narwhals) the days are
    computed from the calendar fields, the one route every engine implements: with
    :math:`y` the year and :math:`o` the day of the year,

    .. math::

        365 (y - 1) + \lfloor (y-1)/4 \rfloor - \lfloor (y-1)/100 \rfloor
        + \lfloor (y-1)/400 \rfloor + o - 1 - 719\,162

    days (those of the proleptic Gregorian years before :math:`y`, less those before 1970),
    plus hour, minute and second over 86,400. All routes give the same numbers for dates and
    whole seconds. Missing stays missing.

    Every route is a short expression: each use of a subexpression is spelled out again by
    the engine (SQL text for DuckDB, a call to the JVM per operation for Spark), so a formula
    that reuses its terms many times costs far more to plan than to run on small data.

    Examples
    --------
    >>> import datetime as dt
    >>> import narwhals.stable.v2 as nw
    >>> import polars as pl
    >>> frame = nw.from_native(pl.DataFrame({"d": [dt.datetime(2020, 1, 2, 12)]}))
    >>> frame.select(day_number("d"))["d"].to_list()
    [18263.5]
    """
    import narwhals.stable.v2 as nw

    date = nw.col(column)
    if frame is not None:
        implementation = frame.implementation
        epoch = implementation.is_polars() or implementation.is_pyarrow()
        if (epoch or implementation.is_duckdb()) and isinstance(
            engine_schema(frame).get(column), nw.Datetime | nw.Date
        ):
            stamp = date.cast(nw.Datetime("us"))
            if epoch:
                # Whole days and the rest apart: PyArrow refuses to cast microseconds beyond
                # 2**53 (dates after about 2255, such as 9999-12-31) to a float.
                micros = stamp.dt.timestamp("us")
                whole = micros // _DAY_US
                rest = micros - whole * _DAY_US
                return (whole.cast(nw.Float64) + rest.cast(nw.Float64) / _DAY_US).alias(column)
            micros = (stamp - nw.lit(_EPOCH)).dt.total_microseconds()
            return (micros.cast(nw.Float64) / _DAY_US).alias(column)
    before = date.dt.year().cast(nw.Int64) - 1
    days = (
        before * 365
        + before // 4
        - before // 100
        + before // 400
        + date.dt.ordinal_day().cast(nw.Int64)
        - (_EPOCH_DAYS + 1)
    )
    seconds = (
        date.dt.hour().cast(nw.Int64) * 3600
        + date.dt.minute().cast(nw.Int64) * 60
        + date.dt.second().cast(nw.Int64)
    )
    return (days.cast(nw.Float64) + seconds.cast(nw.Float64) / 86_400.0).alias(column)


def day_of(value: pd.Timestamp | np.datetime64) -> float:
    """The :func:`day_number` of a single date, in Python."""
    stamp = pd.Timestamp(value)
    return float((stamp - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1))
