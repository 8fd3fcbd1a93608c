r"""``expenditure_shares(spread=True)`` in another engine: amounts spread over grant periods.

The engine counterpart of :func:`~jobhandicap.usage._spells.spread_amounts` followed by
:func:`~jobhandicap.usage.reduce_usage`, with the same table as their result. The years are
few (tens), the grants many, so nothing expands grants into grant-years: one small aggregate
pass finds the horizon (the data's last year) and the years that get spending, then one grouped
sum (:func:`jobhandicap._reduce.engine_sums`) over the non-year ``by`` columns and ``scheme``
computes, for every year :math:`y` at once, each grant's spending in :math:`y`, whether it has
any, and whether that spending is known. Only those sums are collected; the reshape to one row
per group and year happens on the small table.

For grant :math:`i` with period :math:`[s_i, e_i]` (day numbers; :math:`e_i` the horizon's
31 December when open-ended) its days in force in year :math:`y` are

.. math:: d_{iy} = \max\bigl(0,\ \min(e_i, \text{31 Dec } y) - \max(s_i, \text{1 Jan } y) + 1\bigr)

and its spending there is :math:`a^{\text{year}}_i d_{iy} / D_y` (:math:`D_y` the days of the
year) with a yearly amount, :math:`a_i d_{iy} / (e_i - s_i + 1)` for a closed period without
one, and :math:`a_i` in its start year (the application year without a period) for any other
granted case — exactly as :func:`~jobhandicap.usage._spells.spread_amounts` computes it, term
by term, so the sums agree with pandas' to rounding.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jobhandicap._engines import EngineFrame, check_engine_columns, day_number, engine_schema
from jobhandicap._grouping import engine_keys, refuse_reserved
from jobhandicap._reduce import LeftOut, engine_sums
from jobhandicap.domain import Decision
from jobhandicap.errors import JobhandicapError
from jobhandicap.usage._engine import CATEGORIES, engine_scalars, label_in

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

__all__ = ["engine_spread_usage"]

#: The columns of a grant period.
_PERIOD = ("granted_from", "granted_to")
#: The working columns the engine adds to the frame (besides ``_n``, ``_a``, ``_k`` + a year):
#: a grouping column of the same name would be overwritten by them.
_WORKING = (
    "_from", "_to", "_spread", "_once", "_once_year", "_start_year", "_base", "_end",
    "_length", "_yearly", "_value", "_spread_known", "_once_known", "_amount", "_pro_rata",
    "_later", "_rows",
)  # fmt: skip

_EPOCH = dt.date(1970, 1, 1)


def _new_year(year: int) -> float:
    """Day number (days since 1970-01-01) of 1 January of ``year``."""
    return float((dt.date(year, 1, 1) - _EPOCH).days)


def _with_day_numbers(frame: EngineFrame, days: dict[str, str]) -> EngineFrame:
    """The frame with the whole day numbers of date columns (``days``: new name -> column).

    Whole days, as pandas counts them (:func:`~jobhandicap.usage._spells._days`): a time of
    day is dropped.
    """
    return frame.with_columns(
        **{name: day_number(column, frame).floor() for name, column in days.items()}
    )


def _known(expr: nw.Expr) -> nw.Expr:
    """Whether a number is known: neither null nor NaN (never null itself)."""
    return ~expr.is_nan().fill_null(value=True)


def engine_spread_usage(
    frame: EngineFrame, names: list[str]
) -> tuple[pd.DataFrame, int, float, LeftOut]:
    """The reduced table of ``expenditure_shares(spread=True)`` and what goes with it.

    Parameters
    ----------
    frame
        A wrapped cases frame with ``scheme``, ``decision``, ``amount_dkk``, the period
        columns and the ``by`` columns (``yearly_amount_dkk`` optional).
    names
        The ``by`` columns, ``year`` among them (the year of the spending).

    Returns
    -------
    tuple
        The table :func:`~jobhandicap.usage.reduce_usage` gives on the spread rows (the
        ``names`` columns and ``scheme``, ``n``, ``amount_dkk``, ``n_with_amount``, one row
        per group and year with spending, sorted by the keys), the last year listed (the
        horizon), the amount closed pro-rata periods spend after it, and the granted cases
        with a missing label in a ``by`` column or ``scheme`` (cases, not grant-years, as
        the pandas path counts them).

    Raises
    ------
    MissingColumnsError
        When a needed or grouping column is missing.
    JobhandicapError
        When the period columns hold no dates, or a granted case spent once (not spread)
        has no application date, as the pandas path does.
    """
    import narwhals.stable.v2 as nw

    columns = check_engine_columns(frame, ("decision", "amount_dkk", *_PERIOD), "cases")
    others = [n for n in names if n != "year"]
    per_year = [n for n in others if re.fullmatch(r"_[nak]-?\d+", n)]
    refuse_reserved(
        others,
        (*_WORKING, *per_year),
        "the working table of expenditure_shares(spread=True) in an engine",
    )
    check_engine_columns(frame, [*others, "scheme"], "cases")
    schema = engine_schema(frame)
    if not all(isinstance(schema[c], nw.Datetime | nw.Date) for c in _PERIOD):
        raise JobhandicapError(
            "granted_from and granted_to must hold dates; validate the cases with "
            "jobhandicap.validate_cases first"
        )
    granted = label_in("decision", [Decision.GRANTED.value])
    framed = _kinds(frame, columns, granted)
    last, span, left_out = _years(framed, columns, [*others, "scheme"], granted)
    framed = _terms(framed, columns, last)
    values = {"_later": _later(last)} | _year_values(last, span)
    table = engine_sums(
        framed, [*others, "scheme"], values, where=granted, count="_rows", categories=CATEGORIES
    )
    later_dkk = float(table["_later"].sum())
    if left_out.rows:
        # Grants with a missing group label are in no group but do spend after the horizon.
        later_dkk = float(
            engine_sums(framed, [], {"_later": values["_later"]}, where=granted)["_later"].iloc[0]
        )
    return _by_year(table, names, others, span), last, later_dkk, left_out


def _yearly(columns: list[str]) -> nw.Expr:
    """The yearly amount (null when the frame has none)."""
    import narwhals.stable.v2 as nw

    if "yearly_amount_dkk" in columns:
        return nw.col("yearly_amount_dkk").cast(nw.Float64)
    return nw.lit(None, dtype=nw.Float64)


def _kinds(frame: EngineFrame, columns: list[str], granted: nw.Expr) -> EngineFrame:
    """The frame with each grant's kind of spending, its day numbers and its once-year.

    ``_spread``: spread over its years (a usable period with a yearly amount or a closed
    end); ``_once``: any other grant, spent in ``_once_year`` (its start year, or the
    application year without a period — a ``year`` column where the frame has one);
    ``_base``: that application year; ``_from``, ``_to``: the period's day numbers.
    """
    import narwhals.stable.v2 as nw

    base_key = engine_keys(frame, ["year"], columns, check_missing=False)
    base = base_key.get("year", nw.col("year").cast(nw.Int64))
    started = granted & ~nw.col("granted_from").is_null()
    open_ended = nw.col("granted_to").is_null()
    # In whole days, as pandas: the two columns may also differ in unit (PyArrow will not
    # compare a date beyond 2262 in seconds with one in nanoseconds).
    valid = open_ended | (nw.col("_to") >= nw.col("_from"))
    spread = (started & valid & (_known(_yearly(columns)) | ~open_ended)).fill_null(value=False)
    start_year = nw.col("granted_from").dt.year().cast(nw.Int64)
    framed = _with_day_numbers(frame, {"_from": "granted_from", "_to": "granted_to"})
    return framed.with_columns(
        _spread=spread,
        _once=(granted & ~spread).fill_null(value=False),
        _once_year=nw.when(nw.col("granted_from").is_null()).then(base).otherwise(start_year),
        _start_year=start_year,
        _base=base,
    )


def _years(
    framed: EngineFrame, columns: list[str], keys: list[str], granted: nw.Expr
) -> tuple[int, range, LeftOut]:
    """One pass: the horizon, the years with spending, and the grants that lack a key.

    The horizon is the data's last year (of the latest application, decision or period
    start; 1970 without any), as :func:`~jobhandicap.usage._spells.data_last_year`.

    Raises
    ------
    JobhandicapError
        When a grant spent once has no application year (pandas derives it for each).
    """
    import narwhals.stable.v2 as nw

    once, once_year = nw.col("_once"), nw.col("_once_year")
    latest = [
        nw.col(c).dt.year().cast(nw.Int64).max()
        for c in ("applied", "decided", "granted_from")
        if c in columns
    ]
    missing_key = nw.any_horizontal(*(nw.col(c).is_null() for c in keys), ignore_nulls=True)
    scalars = engine_scalars(
        framed,
        {
            "first": nw.when(nw.col("_spread")).then(nw.col("_start_year")).min(),
            "once_first": nw.when(once).then(once_year).min(),
            "once_last": nw.when(once).then(once_year).max(),
            "no_year": (once & nw.col("_base").is_null()).cast(nw.Int64).sum(),
            "unkeyed": (granted & missing_key).fill_null(value=False).cast(nw.Int64).sum(),
            **{
                f"missing{i}": (granted & nw.col(key).is_null())
                .fill_null(value=False)
                .cast(nw.Int64)
                .sum()
                for i, key in enumerate(keys)
            },
            **{f"latest{i}": expr for i, expr in enumerate(latest)},
        },
    )
    if scalars["no_year"]:
        raise JobhandicapError(
            f"cannot derive 'year': {scalars['no_year']} granted case(s) of the cases frame "
            "whose amount is spent once (not spread over a period) have no 'applied' date; "
            "validate the frame first (jobhandicap.validate_cases)"
        )
    known = [v for k, v in scalars.items() if k.startswith("latest") and v is not None]
    last = max(known) if known else 1970
    firsts = [v for v in (scalars["first"], scalars["once_first"]) if v is not None]
    lasts = [v for v in (scalars["once_last"],) if v is not None]
    if scalars["first"] is not None:
        lasts.append(last)
    span = range(min(firsts), max(lasts) + 1) if firsts else range(0)
    unlabelled = tuple(key for i, key in enumerate(keys) if scalars[f"missing{i}"])
    return last, span, LeftOut(scalars["unkeyed"] or 0, {}, unlabelled)


def _terms(framed: EngineFrame, columns: list[str], last: int) -> EngineFrame:
    """Each row's terms as columns, so that the per-year expressions stay small.

    DuckDB and Spark compile every year's expressions into one query. ``_end``: the last
    day in force (open-ended grants, which have a yearly amount, to the horizon's end);
    ``_length``: the period's days; ``_value``: the yearly amount, or the amount without
    one; ``_yearly``, ``_spread_known``, ``_once_known``: which of them are known;
    ``_pro_rata``: a closed period without a yearly amount.
    """
    import narwhals.stable.v2 as nw

    yearly, amount = _yearly(columns), nw.col("amount_dkk").cast(nw.Float64)
    has_yearly = _known(yearly)
    horizon_end = _new_year(last + 1) - 1
    open_ended = nw.col("granted_to").is_null()
    end = nw.when(open_ended).then(nw.lit(horizon_end)).otherwise(nw.col("_to"))
    value = nw.when(has_yearly).then(yearly).otherwise(amount)
    return framed.with_columns(
        _end=end,
        _length=end - nw.col("_from") + 1,
        _yearly=has_yearly,
        _value=value,
        _spread_known=_known(value),
        _once_known=_known(amount),
        _amount=amount,
        _pro_rata=(nw.col("_spread") & ~has_yearly).fill_null(value=False),
    )


def _later(last: int) -> nw.Expr:
    """What a closed pro-rata period spends after the horizon: its days beyond it, pro rata."""
    import narwhals.stable.v2 as nw

    beyond = (nw.col("_end") - nw.lit(_new_year(last + 1) - 1)).clip(lower_bound=0)
    known = nw.col("_pro_rata") & nw.col("_once_known")
    return nw.when(known).then(nw.col("_amount") * beyond / nw.col("_length")).fill_null(0.0)


def _year_values(last: int, span: range) -> dict[str, nw.Expr]:
    """Per year :math:`y`: grants with spending (``_n``), their known spending (``_a``, ``_k``)."""
    import narwhals.stable.v2 as nw

    start, end, length = nw.col("_from"), nw.col("_end"), nw.col("_length")
    once, amount = nw.col("_once"), nw.col("_amount")
    values: dict[str, nw.Expr] = {}
    for year in span:
        first_day, next_day = _new_year(year), _new_year(year + 1)
        in_once = once & (nw.col("_once_year") == year).fill_null(value=False)
        once_known = in_once & nw.col("_once_known")
        if year <= last:
            days = (
                end.clip(upper_bound=next_day - 1) - start.clip(lower_bound=first_day) + 1
            ).clip(lower_bound=0)
            per_year, per_period = days / (next_day - first_day), days / length
            share = nw.when(nw.col("_yearly")).then(per_year).otherwise(per_period)
            in_spread = (nw.col("_spread") & (days > 0)).fill_null(value=False)
            value = nw.when(in_spread).then(nw.col("_value") * share).otherwise(amount)
            counted = in_spread | in_once
            is_known = (in_spread & nw.col("_spread_known")) | once_known
        else:  # after the horizon only grants spent once may fall (a given ``year`` column)
            value, counted, is_known = amount, in_once, once_known
        values[f"_n{year}"] = counted.cast(nw.Int64)
        values[f"_a{year}"] = nw.when(is_known).then(value).otherwise(nw.lit(0.0))
        values[f"_k{year}"] = is_known.cast(nw.Int64)
    return values


def _by_year(
    table: pd.DataFrame, names: list[str], others: list[str], span: range
) -> pd.DataFrame:
    """The wide table (one set of sums per year) as one row per group and year with spending."""
    keys = [*others, "scheme"]
    parts = []
    for year in span:
        counts = table[f"_n{year}"].to_numpy(dtype=np.int64)
        keep = counts > 0
        part = table.loc[keep, keys].reset_index(drop=True)
        part["year"] = np.full(int(keep.sum()), year, dtype=np.int64)
        part["n"] = counts[keep]
        part["amount_dkk"] = table[f"_a{year}"].to_numpy(dtype=np.float64)[keep]
        part["n_with_amount"] = table[f"_k{year}"].to_numpy(dtype=np.int64)[keep]
        parts.append(part)
    if parts:
        result = pd.concat(parts, ignore_index=True)
    else:
        result = (
            table[keys]
            .iloc[:0]
            .assign(
                year=np.array([], np.int64),
                n=np.array([], np.int64),
                amount_dkk=np.array([], np.float64),
                n_with_amount=np.array([], np.int64),
            )
        )
    for name in keys:
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            result[name] = result[name].astype(table[name].dtype)
    order = [*names, "scheme"]
    result = result[[*order, "n", "amount_dkk", "n_with_amount"]]
    if len(result) > 1:
        result = result.sort_values(order, kind="stable", ignore_index=True)
    return result
