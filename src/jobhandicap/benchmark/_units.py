"""Reduction of a comparison frame to one row per unit, with the checks of its numbers.

This module validates the count and total columns that :func:`~jobhandicap.benchmark.funnel`
and :func:`~jobhandicap.benchmark.shrink_rates` compare (numbers, finite, non-negative, whole
where required, count not above total, unit present), reports every offending row in one
:class:`~jobhandicap.errors.SchemaError`, and sums the counts and totals per unit with one
vectorised group-by (:func:`unit_counts`); its column and row checks are shared with
:func:`~jobhandicap.benchmark.compare_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._grouping import as_by, check_columns
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
    problems_frame,
)
from jobhandicap.stats._core import FloatArray

_COUNT = "__count__"
_TOTAL = "__total__"


def numeric_column(frame: pd.DataFrame, column: str, what: str) -> FloatArray:
    """A column as float64 (NaN where missing), or a SchemaError if it does not hold numbers."""
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype) or not (
        pd.api.types.is_numeric_dtype(series.dtype) or series.dtype == object
    ):
        raise SchemaError(
            f"column {column!r} of the {what} must hold numbers, got dtype {series.dtype}"
        )
    try:
        values: FloatArray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise SchemaError(
            f"column {column!r} of the {what} must hold numbers; some values are not numbers"
        ) from exc
    return values


def _row(index: pd.Index, position: int) -> tuple[int | None, str]:
    """The row number for a problems frame, and a note when the row label is not a number."""
    label = index[position]
    if isinstance(label, int | np.integer) and not isinstance(label, bool | np.bool_):
        return int(label), ""
    return None, f" (row {label!r})"


def row_problems(
    frame: pd.DataFrame, checks: Sequence[tuple[str, FloatArray, npt.NDArray[np.bool_], str]]
) -> list[tuple[Any, ...]]:
    """Problems ``(row, column, value, message)`` for every offending row of every check."""
    problems: list[tuple[Any, ...]] = []
    for column, values, bad, message in checks:
        for position in np.flatnonzero(bad).tolist():  # offending rows only
            row, note = _row(frame.index, position)
            problems.append((row, column, values[position], message + note))
    return problems


def refuse_result_names(
    by: str | Sequence[str] | None, reserved: Sequence[str], function: str
) -> None:
    """Refuse a unit column named like a column of the result (it would be duplicated).

    ``reserved`` holds the result's column names; a name ending in ``_`` is a prefix (the
    ``low_95`` columns of a funnel).
    """
    for key in as_by(by):
        if key in reserved or any(r.endswith("_") and key.startswith(r) for r in reserved):
            shown = ", ".join(repr(r + "…" if r.endswith("_") else r) for r in reserved)
            raise OptionError(
                f"{function}: the unit column {key!r} is named like a column of the result "
                f"({shown}); rename it first, for example frame.rename(columns={{{key!r}: "
                f"'{key}_unit'}})"
            )


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (``np.int64(1)`` as ``1``), for messages."""
    return value.item() if isinstance(value, np.generic) else value


def unit_counts(
    frame: pd.DataFrame,
    count: str,
    total: str,
    by: str | Sequence[str] | None,
    *,
    what: str,
    binomial: bool,
    whole: bool,
) -> tuple[pd.DataFrame, FloatArray, FloatArray]:
    """Check ``frame``'s counts and sum them per unit.

    Returns the unit columns (one row per unit, sorted; no columns when ``by`` is None, one
    unit per row then), the summed counts and the summed totals.
    """
    keys = as_by(by)
    if not isinstance(count, str) or not isinstance(total, str):
        raise ArgumentTypeError(
            f"count and total must name columns of the {what}, got {count!r} and {total!r}"
        )
    if count == total:
        raise OptionError(f"count and total name the same column {count!r}")
    clash = [key for key in keys if key in (count, total)]
    if clash:
        raise OptionError(
            f"column {clash[0]!r} cannot be both a unit column (unit) and the count or total"
        )
    check_columns(frame, [*keys, count, total], what)
    x = numeric_column(frame, count, what)
    n = numeric_column(frame, total, what)
    checks: list[tuple[str, FloatArray, npt.NDArray[np.bool_], str]] = [
        (count, x, ~np.isfinite(x), "a count must be a finite number, not missing"),
        (total, n, ~np.isfinite(n), "a total must be a finite number, not missing"),
        (count, x, x < 0, "a count cannot be negative"),
        (total, n, n < 0, "a total cannot be negative"),
    ]
    if whole:
        checks += [
            (count, x, np.isfinite(x) & (x != np.round(x)), "a count must be a whole number"),
            (total, n, np.isfinite(n) & (n != np.round(n)), "a total must be a whole number"),
        ]
    if binomial:
        checks.append((count, x, x > n, f"the count exceeds the row's total ({total!r})"))
    for key in keys:
        missing = frame[key].isna().to_numpy(dtype=bool)
        checks.append(
            (key, np.full(len(frame), np.nan), missing, "the unit is missing; every row needs one")
        )
    problems = row_problems(frame, checks)
    if problems:
        raise SchemaError(f"the {what} cannot be compared", problems_frame(problems))

    if keys:
        sums = (
            pd.DataFrame({_COUNT: x, _TOTAL: n})
            .groupby([frame[key].reset_index(drop=True) for key in keys], sort=True, observed=True)
            .sum()
            .reset_index()
        )
        units = sums[keys]
        x = sums[_COUNT].to_numpy(dtype=np.float64)
        n = sums[_TOTAL].to_numpy(dtype=np.float64)
    else:
        units = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    empty = np.flatnonzero(n <= 0)
    if empty.size:
        where = (
            [", ".join(f"{k}={plain(units[k].iloc[i])!r}" for k in keys) for i in empty.tolist()]
            if keys
            else [f"row at position {i}" for i in empty.tolist()]
        )
        raise SchemaError(
            f"the {what} cannot be compared",
            problems_frame(
                (None, total, 0, f"{unit}: the total is 0; a rate needs a positive total")
                for unit in where
            ),
        )
    if x.size < 2:
        raise JobhandicapError(
            f"comparing units needs at least two of them; the {what} has {x.size}"
            + (f" (units {keys})" if keys else "")
        )
    return units.reset_index(drop=True), x, n


def unit_labels(units: pd.DataFrame) -> list[str]:
    """A label per unit for messages: its key values joined by "/", or its position."""
    if units.columns.empty:
        return [f"row {i}" for i in range(len(units))]
    parts = [units[column].astype("object").astype(str).to_numpy() for column in units.columns]
    return ["/".join(values) for values in zip(*parts, strict=True)]
