"""Grouping columns of the case indicators, including the derived ``year``, and row selection.

The case and usage indicators group by columns of the canonical cases frame (``scheme``,
``target_group``, ``jobcentre``, ``municipality``, …) or by ``year``, the application year,
derived from ``applied``. This module resolves a ``by`` argument into grouping keys once, with a
clear error for unknown columns, selects the rows whose label is one of several
(:func:`rows_in`, for example the granted cases), and words the one warning about cases left
out of the groups for a missing label (:func:`warn_left_out`).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import EngineFrame, collect, engine_name, wrap_engine
from jobhandicap._reduce import LeftOut
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
)

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = [
    "DERIVED",
    "as_by",
    "check_columns",
    "engine_keys",
    "group_keys",
    "refuse_reserved",
    "rows_in",
    "warn_left_out",
]

#: Grouping columns derived from others: name -> (source column, description).
DERIVED = {"year": ("applied", "the application year")}


def as_by(by: str | Sequence[str] | None) -> list[str]:
    """Normalise a ``by`` argument to a list of column names.

    Examples
    --------
    >>> as_by("scheme"), as_by(("year", "scheme")), as_by(None)
    (['scheme'], ['year', 'scheme'], [])
    """
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    if not all(isinstance(name, str) for name in names):
        raise ArgumentTypeError(f"by must name columns (strings), got {by!r}")
    if len(set(names)) != len(names):
        raise OptionError(f"by names a column twice: {names}")
    return names


def refuse_reserved(names: Sequence[str], reserved: Collection[str], where: str) -> None:
    """Refuse grouping (or strata) columns named like a column of a reduced or result table.

    Such a name would overwrite the group labels with counts, or the counts with labels, or
    make pandas fail; renaming the column is the user's one-line fix.

    Raises
    ------
    OptionError
        Naming the clashing column(s) and every reserved name.

    Examples
    --------
    >>> refuse_reserved(["scheme"], ("time", "n"), "the reduced table")
    >>> refuse_reserved(["time"], ("time", "n"), "the table")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jobhandicap.errors.OptionError: grouping column(s) 'time' are named like columns of the ...
    """
    clash = [name for name in names if name in reserved]
    if clash:
        raise OptionError(
            f"grouping column(s) {', '.join(map(repr, clash))} are named like columns of "
            f"{where} ({', '.join(map(repr, reserved))}); rename them before grouping by them, "
            f"for example frame.rename(columns={{{clash[0]!r}: {clash[0] + '_group'!r}}})"
        )


def check_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    """Raise :class:`MissingColumnsError` unless ``frame`` has every column in ``required``.

    The one check of an argument's columns: a non-frame is an
    :class:`~jobhandicap.errors.ArgumentTypeError` (a ``TypeError``), an absent column always a
    :class:`~jobhandicap.errors.MissingColumnsError` (a ``KeyError``).
    """
    if not isinstance(frame, pd.DataFrame):
        raise _not_a_frame(frame, required, what)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise MissingColumnsError(missing, list(frame.columns), what)


def _not_a_frame(frame: object, required: Sequence[str], what: str) -> ArgumentTypeError:
    """The error for an argument that is not a pandas frame (saying how to collect one)."""
    engine = wrap_engine(frame)
    if engine is not None:
        return ArgumentTypeError(
            f"{what} must be a pandas DataFrame here: this function needs the rows, got a "
            f"{engine_name(engine)} frame; collect it to pandas first (Polars: "
            ".collect().to_pandas(); DuckDB: .df(); PySpark: .toPandas()), or use a "
            "function that reduces in the engine (docs: indicators on a national register)"
        )
    return ArgumentTypeError(
        f"{what} must be a pandas DataFrame with the columns "
        f"{', '.join(map(repr, required))}, got {type(frame).__name__}"
    )


def group_keys(frame: pd.DataFrame, by: Sequence[str], what: str = "cases") -> pd.DataFrame:
    """Return the grouping columns of ``frame`` as a new frame, deriving ``year`` if asked.

    Parameters
    ----------
    frame
        A canonical frame.
    by
        Column names; ``year`` is derived from ``applied`` unless ``frame`` has a ``year``.
    what
        The frame's kind, for messages.

    Raises
    ------
    MissingColumnsError
        When a grouping column is neither in the frame nor derivable; the message lists what
        is accepted.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"applied": pd.to_datetime(["2019-03-01", "2020-01-05"]),
    ...                       "scheme": ["aids", "aids"]})
    >>> group_keys(cases, ["year", "scheme"])
       year scheme
    0  2019   aids
    1  2020   aids
    """
    keys = {}
    for name in by:
        if name in frame.columns:
            keys[name] = frame[name]
        elif name in DERIVED and DERIVED[name][0] in frame.columns:
            source = frame[DERIVED[name][0]]
            if source.isna().any():
                row = source.index[source.isna().to_numpy()][0]
                raise JobhandicapError(
                    f"cannot derive {name!r}: the {what} frame has no {DERIVED[name][0]!r} date "
                    f"at row {row}; validate the frame first (jobhandicap.validate_{what})"
                )
            keys[name] = source.dt.year.astype("int64")
        else:
            derivable = [f"{k} ({v[1]})" for k, v in DERIVED.items()]
            raise MissingColumnsError(
                [name],
                list(frame.columns),
                what,
                f"group the {what} by its columns or by {', '.join(derivable)}",
            )
    return pd.DataFrame(keys, index=frame.index)


def rows_in(column: pd.Series, values: Collection[str]) -> npt.NDArray[np.bool_]:
    """Which rows of a label column hold one of ``values`` (missing cells: none).

    A categorical column is compared on its few categories and the answer gathered by code,
    with no string comparison per row.

    Examples
    --------
    >>> column = pd.Series(["granted", None, "refused"], dtype="category")
    >>> rows_in(column, {"granted", "withdrawn"}).tolist()
    [True, False, False]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = np.append(column.cat.categories.astype("object").isin(list(values)), False)
        return np.asarray(hit[column.cat.codes.to_numpy()], dtype=np.bool_)
    return np.asarray(column.isin(list(values)).to_numpy(dtype=bool, na_value=False))


def engine_keys(
    frame: EngineFrame,
    by: Sequence[str],
    columns: Sequence[str],
    what: str = "cases",
    *,
    check_missing: bool = True,
) -> dict[str, nw.Expr]:
    """The derived grouping columns of an engine frame (``year``), as expressions.

    The engine counterpart of :func:`group_keys`: a column of the frame needs no expression;
    ``year`` is derived from ``applied`` unless the frame has a ``year``. With
    ``check_missing`` a derived key's source is checked for missing values (one pass over the
    frame); without it the caller has checked them.

    Raises
    ------
    MissingColumnsError
        When a grouping column is neither in the frame nor derivable.
    JobhandicapError
        When ``year`` is derived and some ``applied`` date is missing.
    """
    import narwhals.stable.v2 as nw

    derived: dict[str, nw.Expr] = {}
    for name in by:
        if name in columns:
            continue
        if name in DERIVED and DERIVED[name][0] in columns:
            source = DERIVED[name][0]
            derived[name] = nw.col(source).dt.year().cast(nw.Int64)
            missing = (
                int(
                    collect(
                        frame.select(nw.col(source).is_null().cast(nw.Int64).sum())
                    ).to_numpy()[0, 0]
                )
                if check_missing
                else 0
            )
            if missing:
                raise JobhandicapError(
                    f"cannot derive {name!r}: {missing} row(s) of the {what} frame have no "
                    f"{source!r} date; validate the frame first (jobhandicap.validate_{what})"
                )
        else:
            derivable = [f"{k} ({v[1]})" for k, v in DERIVED.items()]
            raise MissingColumnsError(
                [name],
                list(columns),
                what,
                f"group the {what} by its columns or by {', '.join(derivable)}",
            )
    return derived


def warn_left_out(
    left_out: LeftOut,
    what: str = "case(s)",
    counted: Sequence[str] = (),
    *,
    stacklevel: int = 3,
) -> None:
    """Say, in one :class:`~jobhandicap.errors.DataQualityWarning`, that cases have no label.

    A case with a missing value in a grouping column belongs to no group: leaving it out is
    right, but the groups then add up to fewer cases than the frame holds, so it is said.

    Parameters
    ----------
    left_out
        What a reduction left out (:func:`jobhandicap._reduce.grouped_reduction`).
    what
        What the number counts, in the plural form of the message (``"decided case(s)"``).
    counted
        The value columns whose sums over the left-out rows are the cases the indicator
        would have counted (granted and refused for a grant rate); by default every
        left-out row.
    stacklevel
        As for :func:`warnings.warn`: the default points at the caller's caller, the
        user's call of the indicator that calls this.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_left_out(LeftOut(500, {}, ("jobcentre",)))
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    500 case(s) have no label in 'jobcentre': they are left out of the grouped results, whose
    groups therefore add up to 500 fewer; fill in the missing labels, or give them one (for
    example 'unknown'), to keep them
    """
    number = left_out.total(*counted)
    if number <= 0:
        return
    columns = ", ".join(map(repr, left_out.columns))
    warnings.warn(
        f"{number} {what} have no label in {columns}: they are left out of the grouped "
        f"results, whose groups therefore add up to {number} fewer; fill in the missing "
        "labels, or give them one (for example 'unknown'), to keep them",
        DataQualityWarning,
        stacklevel=stacklevel,
    )
