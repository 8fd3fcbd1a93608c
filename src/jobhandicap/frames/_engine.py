"""Validation of a canonical frame held by another engine (Polars, PyArrow, DuckDB, PySpark).

A table too large for pandas is validated where it lives: every check of the canonical schema
is an expression counted in one pass over the rows (required columns and their types,
categories within their values, numbers within their bounds, known municipalities, the checks
across the columns of a case), the duplicate keys one grouped count. Only the counts are
collected, and for a failing check a few offending rows as examples, picked by key (a lazy
frame has no row order, so no row number): the same :class:`~jobhandicap.errors.SchemaError`
with its ``problems`` as the pandas validation raises, its ``row`` missing.

Unlike the pandas validation, the cells are not read from text: the engine frame must already
hold canonical values (codes as integers, dates as dates, labels in lower-case English). The
how-to page "Indicators on a national register" shows how to get there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from jobhandicap import reference
from jobhandicap._engines import EngineFrame, collect, day_number, day_of, engine_schema
from jobhandicap.domain import Decision
from jobhandicap.errors import MissingColumnsError, SchemaError, problems_frame
from jobhandicap.frames._schema import CASES_SCHEMA, ColumnSpec, FrameSchema

__all__ = ["validate_engine"]

#: Offending rows shown per failing check.
EXAMPLES = 3

_INTEGER = (nw.Int8, nw.Int16, nw.Int32, nw.Int64, nw.UInt8, nw.UInt16, nw.UInt32, nw.UInt64)
_NUMBER = (*_INTEGER, nw.Float32, nw.Float64, nw.Decimal)
_TEXT = (nw.String, nw.Categorical, nw.Enum)
_DATE = (nw.Date, nw.Datetime)
#: The engine dtypes each kind of column may have, and how a message names them.
_TYPES: dict[str, tuple[tuple[Any, ...], str]] = {
    "text": (_TEXT, "text"),
    "category": (_TEXT, "text labels (the lower-case English category values)"),
    "integer": (_INTEGER, "whole numbers (an integer type)"),
    "municipality": (_INTEGER, "municipality codes (an integer type)"),
    "likert": (_INTEGER, "answer codes (an integer type)"),
    "number": (_NUMBER, "numbers"),
    "date": (_DATE, "dates (a date or datetime type)"),
    "boolean": ((nw.Boolean,), "true/false (a boolean type)"),
}


class _Check:
    """One check: a boolean expression true on offending rows, its column and message."""

    def __init__(self, column: str, offending: nw.Expr, message: str) -> None:
        self.column = column
        self.offending = offending.fill_null(value=False)
        self.message = message


def _column_checks(spec: ColumnSpec, dtype: Any) -> list[_Check]:
    """The checks of one column's values (its type already checked)."""
    value = nw.col(spec.name)
    checks = []
    if not spec.nullable:
        checks.append(_Check(spec.name, value.is_null(), "a value is required"))
    if spec.kind == "category":
        accepted = list(spec.categories)
        text = value.cast(nw.String) if isinstance(dtype, nw.Categorical | nw.Enum) else value
        checks.append(
            _Check(
                spec.name,
                ~value.is_null() & ~text.is_in(accepted),
                f"not one of the categories {', '.join(map(repr, accepted))}",
            )
        )
    if spec.kind in ("integer", "number"):
        if spec.minimum is not None:
            low = value <= spec.minimum if spec.exclusive_minimum else value < spec.minimum
            word = "greater than" if spec.exclusive_minimum else "at least"
            checks.append(_Check(spec.name, low, f"must be {word} {spec.minimum:g}"))
        if spec.maximum is not None:
            checks.append(
                _Check(spec.name, value > spec.maximum, f"must be at most {spec.maximum:g}")
            )
    if spec.kind == "municipality":
        codes = _municipality_codes()
        checks.append(
            _Check(spec.name, ~value.is_null() & ~value.is_in(codes), "unknown municipality code")
        )
    if spec.kind == "likert" and spec.codes:
        codes = sorted(int(c) for c in spec.codes)
        checks.append(
            _Check(
                spec.name,
                ~value.is_null() & ~value.is_in(codes),
                f"not an answer code ({', '.join(map(str, codes))})",
            )
        )
    return checks


def _municipality_codes() -> list[int]:
    return sorted(int(c) for c in reference.municipalities()["code"])


def _jobcentre() -> nw.Expr:
    """The host code of the jobcentre serving the municipality on the application day (-1)."""
    memberships = reference.jobcentres()
    municipality, day = nw.col("municipality"), nw.col("_applied_day")
    code: nw.Expr = nw.lit(-1, dtype=nw.Int64)
    starts = memberships["valid_from"].to_numpy(dtype="datetime64[ns]")
    ends = memberships["valid_to"].to_numpy(dtype="datetime64[ns]")
    hosts = memberships["jobcentre"].to_numpy(dtype="int64").tolist()
    members = memberships["municipality"].to_numpy(dtype="int64").tolist()
    # Most municipalities host their own jobcentre for the whole period: one branch for them
    # all (few branches keep the expression small for every engine), one for each other row.
    first = starts.min() if len(starts) else np.datetime64("NaT")
    own = [
        member
        for host, member, start, end in zip(hosts, members, starts, ends, strict=True)
        if host == member and start == first and np.isnat(end) and members.count(member) == 1
    ]
    for host, member, start, end in zip(hosts, members, starts, ends, strict=True):
        if member in own:
            continue
        serves = (municipality == member) & (day >= day_of(start))
        if not np.isnat(end):
            serves = serves & (day <= day_of(end))
        code = nw.when(serves).then(nw.lit(host, dtype=nw.Int64)).otherwise(code)
    if own:
        serves = municipality.is_in(own) & (day >= day_of(first))
        code = nw.when(serves).then(municipality.cast(nw.Int64)).otherwise(code)
    return code


def _case_checks(columns: Sequence[str]) -> list[_Check]:
    """The checks across the columns of a case, as :func:`check_cases` makes them."""
    applied, decided = nw.col("_applied_day"), nw.col("_decided_day")
    checks = []
    if "decided" in columns:
        decision = nw.col("decision").cast(nw.String)
        checks += [
            _Check("decided", decided < applied, "decided before the application date"),
            _Check(
                "decided",
                ~decision.is_null() & decided.is_null(),
                "a decided case needs a decision date",
            ),
            _Check(
                "decision",
                decision.is_null() & ~decided.is_null(),
                "a case with a decision date needs a decision (granted, refused or withdrawn)",
            ),
        ]
        if "amount_dkk" in columns:
            amount = nw.col("amount_dkk")
            not_granted = (decision != Decision.GRANTED.value).fill_null(value=True)
            checks.append(
                _Check(
                    "amount_dkk",
                    not_granted & ~amount.is_null() & (amount != 0),
                    "only granted cases carry an amount",
                )
            )
    elif "amount_dkk" in columns:
        amount = nw.col("amount_dkk")
        checks.append(
            _Check(
                "amount_dkk",
                ~amount.is_null() & (amount != 0),
                "only granted cases carry an amount; this table has no decisions",
            )
        )
    if any(name in columns for name in _PERIOD_COLUMNS):
        checks += _period_checks(columns)
    checks.append(
        _Check(
            "applied",
            ~applied.is_null()
            & nw.col("municipality").is_in(_municipality_codes())
            & (nw.col("_jobcentre") < 0),
            "no jobcentre served the municipality on the application date",
        )
    )
    return checks


#: The columns of a grant period (any one present: the period checks run).
_PERIOD_COLUMNS = ("granted_from", "granted_to", "hours_per_week", "yearly_amount_dkk")


def _period_checks(columns: Sequence[str]) -> list[_Check]:
    """Grant periods, as the pandas validation checks them row by row.

    Overlapping periods of one person and scheme (a check of the whole table) are not checked
    in an engine.
    """
    start, end = nw.col("_from_day"), nw.col("_to_day")
    applied = nw.col("_applied_day")
    checks = [
        _Check(
            "granted_to",
            ~end.is_null() & start.is_null(),
            "a grant period needs its start (granted_from)",
        ),
        _Check("granted_to", end < start, "the period ends before it starts"),
        _Check("granted_from", start < applied, "the period starts before the application date"),
    ]
    if "decision" in columns:
        not_granted = (nw.col("decision").cast(nw.String) != Decision.GRANTED.value).fill_null(
            value=True
        )
        checks.append(
            _Check(
                "granted_from",
                ~start.is_null() & not_granted,
                "only granted cases have a grant period; this one is not granted",
            )
        )
    for name, what in (
        ("hours_per_week", "hours per week"),
        ("yearly_amount_dkk", "a yearly amount"),
    ):
        if name in columns:
            checks.append(
                _Check(
                    name,
                    ~nw.col(name).is_null() & start.is_null() & end.is_null(),
                    f"{what} belongs to a grant period: give granted_from",
                )
            )
    return checks


def _examples(
    frame: EngineFrame, check: _Check, key: Sequence[str], count: int
) -> list[tuple[Any, ...]]:
    """Problems rows for a failing check: a few offending rows, by key."""
    shown = list(dict.fromkeys([*key, check.column]))
    rows = collect(frame.filter(check.offending).select(*shown).sort(*shown).head(EXAMPLES))
    problems = []
    for record in rows.to_dict("records"):
        where = ", ".join(f"{k} {record[k]!r}" for k in key if k != check.column)
        value = record[check.column]
        message = f"{check.message} ({count} row(s) in all"
        message += f"; this one at {where})" if where else ")"
        problems.append((None, check.column, None if pd.isna(value) else value, message))
    return problems


def validate_engine(frame: EngineFrame, schema: FrameSchema) -> Any:
    """Check a canonical frame in its engine; return it (the engine's own frame) when valid.

    Returns the native frame with the schema's columns in canonical order (for cases the
    derived ``jobcentre`` added); raises :class:`MissingColumnsError` or one
    :class:`SchemaError` listing every failing check with a few examples.
    """
    dtypes = engine_schema(frame)
    columns = list(dtypes)
    missing = [name for name in schema.required if name not in columns]
    if schema is CASES_SCHEMA and ("decided" in columns) != ("decision" in columns):
        missing.append("decision" if "decided" in columns else "decided")
    if missing:
        raise MissingColumnsError(missing, columns, schema.kind)
    present = [spec for spec in schema.columns if spec.name in columns and not spec.derived]
    problems: list[tuple[Any, ...]] = []
    checks: list[_Check] = []
    for spec in present:
        accepted, described = _TYPES.get(spec.kind, ((), ""))
        if accepted and not isinstance(dtypes[spec.name], accepted):
            problems.append(
                (
                    None,
                    spec.name,
                    str(dtypes[spec.name]),
                    f"the column holds {dtypes[spec.name]}; the canonical {schema.kind} frame "
                    f"holds {described} here",
                )
            )
        else:
            checks += _column_checks(spec, dtypes[spec.name])
    if problems:
        raise SchemaError(
            f"the {schema.kind} frame has {len(problems)} column(s) of the wrong type; an "
            "engine frame must hold canonical values (see the how-to page on national "
            "registers)",
            problems_frame(problems),
        )
    work = frame
    if schema is CASES_SCHEMA:
        work = work.with_columns(day_number("applied", frame).alias("_applied_day"))
        if "decided" in columns:
            work = work.with_columns(day_number("decided", frame).alias("_decided_day"))
        if any(name in columns for name in _PERIOD_COLUMNS):
            work = work.with_columns(
                (
                    day_number(name, frame) if name in columns else nw.lit(None, dtype=nw.Int64())
                ).alias(alias)
                for name, alias in (("granted_from", "_from_day"), ("granted_to", "_to_day"))
            )
        work = work.with_columns(_jobcentre().alias("_jobcentre"))
        checks += _case_checks(columns)
    counted = collect(
        work.select(
            *(c.offending.cast(nw.Int64).sum().alias(f"_{i}") for i, c in enumerate(checks))
        )
    )
    counts = [int(pd.to_numeric(counted[f"_{i}"]).fillna(0).iloc[0]) for i in range(len(checks))]
    key = [name for name in schema.key if name in columns]
    duplicates = 0
    if key:
        repeated = (
            work.group_by(*key)
            .agg(nw.len().alias("_rows"))
            .filter(nw.col("_rows") > 1)
            .select(nw.col("_rows").sum())
        )
        duplicated = collect(repeated)
        duplicates = int(pd.to_numeric(duplicated["_rows"]).fillna(0).iloc[0])
    for check, count in zip(checks, counts, strict=True):
        if count:
            problems += _examples(work, check, key, count)
    if duplicates:
        doubles = collect(
            work.group_by(*key)
            .agg(nw.len().alias("_rows"))
            .filter(nw.col("_rows") > 1)
            .sort(*key)
            .head(EXAMPLES)
        )
        for record in doubles.to_dict("records"):
            problems.append(
                (
                    None,
                    key[0],
                    record[key[0]],
                    f"repeated key ({', '.join(key)}): {record['_rows']} rows share it "
                    f"({duplicates} rows with a repeated key in all)",
                )
            )
    if problems:
        failing = sum(1 for count in counts if count) + bool(duplicates)
        raise SchemaError(
            f"the {schema.kind} frame fails {failing} check(s) ({sum(counts) + duplicates} "
            f"problem(s) in all; a few examples of each are listed)",
            problems_frame(problems),
        )
    if schema is CASES_SCHEMA:
        # The jobcentre is always derived, as by the pandas validation.
        work = work.with_columns(nw.col("_jobcentre").alias("jobcentre"))
        columns = [*columns, "jobcentre"]
    names = [spec.name for spec in schema.columns if spec.name in columns]
    return work.select(*names).to_native()
