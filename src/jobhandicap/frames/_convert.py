"""Models to frames and back, column-wise (private; used by :mod:`jobhandicap.frames`).

:func:`records_to_frame` reads each field of all records at once (:func:`operator.attrgetter`
mapped over the list) and builds one typed array per column: enum members become categorical
codes through a member -> code dict, dates become datetime64 through their ordinals (each
distinct date converted once), optional fields become nullable arrays. :func:`frame_to_records`
does the reverse: one list of Python values per column, then one model per row.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap.domain import (
    Case,
    Jobcentre,
    Likert,
    Municipality,
    OrganisationProfile,
    StaffAnswer,
    SurveyAnswer,
)
from jobhandicap.errors import JobhandicapError, MissingColumnsError, SchemaError, problems_frame
from jobhandicap.frames._schema import (
    CASES_SCHEMA,
    JOBCENTRE_RECORDS,
    MUNICIPALITY_RECORDS,
    PROFILES_SCHEMA,
    STAFF_SCHEMA,
    SURVEY_SCHEMA,
    ColumnSpec,
    FrameSchema,
)
from jobhandicap.frames._validate import CROSS_CHECKS, tick_items, validate

__all__ = ["MODEL_SCHEMAS", "frame_to_records", "records_to_frame"]

#: The frame schema of each model.
MODEL_SCHEMAS: dict[type, FrameSchema] = {
    Case: CASES_SCHEMA,
    SurveyAnswer: SURVEY_SCHEMA,
    StaffAnswer: STAFF_SCHEMA,
    OrganisationProfile: PROFILES_SCHEMA,
    Municipality: MUNICIPALITY_RECORDS,
    Jobcentre: JOBCENTRE_RECORDS,
}

Mask = npt.NDArray[np.bool_]
_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min
#: Likert answers by code (index 0 and the codes 6-8 stand for "no answer").
_LIKERT_BY_CODE = np.array(
    [None, *(Likert(c) for c in range(1, 6)), None, None, None, Likert.DONT_KNOW], dtype=object
)


def schema_of(model: object) -> FrameSchema:
    """The frame schema of a model class, or a clear error."""
    schema = MODEL_SCHEMAS.get(model) if isinstance(model, type) else None
    if schema is None:
        names = ", ".join(m.__name__ for m in MODEL_SCHEMAS)
        raise JobhandicapError(f"no frame form for {model!r}: expected one of {names}")
    return schema


# --------------------------------------------------------------------------------------------
# Records -> frame
# --------------------------------------------------------------------------------------------


def _nullable(values: list[Any], fill: object, dtype: type) -> tuple[npt.NDArray[Any], Mask]:
    """Data and missing mask of a list that may hold ``None``."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    objects = np.array(values, dtype=object)
    objects[mask] = fill
    return objects.astype(dtype), mask


def _dates(values: list[Any]) -> npt.NDArray[np.datetime64]:
    """datetime64[ns] of a list of dates or None, converting each distinct date once."""
    days = {d: _NAT if d is None else d.toordinal() - _EPOCH for d in set(values)}
    ordinals = np.fromiter(map(days.__getitem__, values), dtype=np.int64, count=len(values))
    return ordinals.view("datetime64[D]").astype("datetime64[ns]")


def _column(spec: ColumnSpec, values: list[Any]) -> Any:
    """The canonical array of one field's values."""
    n = len(values)
    kind = spec.kind
    if kind == "text":
        return pd.array(values, dtype=pd.StringDtype())
    if kind == "date":
        return _dates(values)
    if kind == "category":
        codes: dict[object, int] = {value: i for i, value in enumerate(spec.categories)}
        lookup: dict[object, int] = (
            {member: codes[str(member.value)] for member in spec.enum}
            if spec.enum is not None
            else dict(codes)
        )
        lookup[None] = -1
        row_codes = np.fromiter(map(lookup.__getitem__, values), dtype=np.int16, count=n)
        return pd.Categorical.from_codes(row_codes, dtype=spec.dtype)
    if kind == "number":
        return np.array(values, dtype=np.float64)
    if kind == "boolean":
        data, mask = _nullable(values, False, bool)
        return pd.arrays.BooleanArray(data, mask)
    if kind == "codes":
        column = np.empty(n, dtype=object)
        for i, value in enumerate(values):
            column[i] = value
        return column
    if spec.nullable:
        data, mask = _nullable(values, 0, np.int64)
        return pd.arrays.IntegerArray(data, mask)
    return np.fromiter(values, dtype=np.int64, count=n)


def records_to_frame(records: Iterable[Any], model: type | None) -> pd.DataFrame:
    """Build the frame of a list of records of one model type."""
    items = records if isinstance(records, list) else list(records)
    if not items:
        if model is None:
            raise JobhandicapError(
                "to_frame cannot tell the kind of an empty list: pass model=, "
                "e.g. to_frame([], model=Case)"
            )
        return schema_of(model).empty()
    model = type(items[0]) if model is None else model
    schema = schema_of(model)
    types = set(map(type, items))
    if types != {model}:
        found = ", ".join(sorted(t.__name__ for t in types))
        raise JobhandicapError(
            f"to_frame takes records of one model type ({model.__name__}); got {found}"
        )
    data: dict[str, Any] = {}
    for spec in schema.columns:
        if not spec.derived:
            data[spec.name] = _column(spec, list(map(operator.attrgetter(spec.name), items)))
    if schema is CASES_SCHEMA:
        data["jobcentre"] = _case_jobcentres(data["municipality"], data["applied"])
    return pd.DataFrame({name: data[name] for name in schema.names}, copy=False)


def _case_jobcentres(
    municipality: npt.NDArray[np.int64], applied: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.int64]:

    codes = np.asarray(reference.jobcentre_codes(municipality, applied), dtype=np.int64)
    where = np.flatnonzero(codes < 0)
    if len(where):
        days = np.datetime_as_string(applied[where], unit="D").tolist()
        problems = problems_frame(
            (int(i), "applied", day, f"no jobcentre served municipality {m} on {day}")
            for i, m, day in zip(where.tolist(), municipality[where].tolist(), days, strict=True)
        )
        raise SchemaError("cases applied for when no jobcentre served the municipality", problems)
    return codes


# --------------------------------------------------------------------------------------------
# Frame -> records
# --------------------------------------------------------------------------------------------


def _python_values(spec: ColumnSpec, column: pd.Series) -> list[Any]:
    """The values of one column as the Python objects a model field holds (``None``: missing)."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return list(np.asarray(column.to_numpy(), dtype="datetime64[D]").tolist())
    if isinstance(dtype, pd.CategoricalDtype):
        members: list[Any] = [
            spec.enum(value) if spec.enum is not None else value
            for value in dtype.categories.tolist()
        ]
        table = np.array([*members, None], dtype=object)
        return list(table[column.cat.codes.to_numpy()].tolist())
    if spec.kind == "likert" and not spec.dont_know_missing:
        codes = column.to_numpy(dtype=np.int64, na_value=0)
        return list(_LIKERT_BY_CODE[np.clip(codes, 0, 9)].tolist())
    # A fresh object array (never a view of the frame's data), missing values as None.
    values = np.array(column.to_numpy(dtype=object), dtype=object, copy=True)
    values[column.isna().to_numpy(dtype=bool)] = None
    return list(values.tolist())


def _refuse_tick_items(survey: pd.DataFrame) -> None:
    """A tick item's 0/1 answers are not Likert answers: they have no SurveyAnswer form."""
    found = tick_items(survey)
    if found:
        raise SchemaError(
            f"SurveyAnswer holds Likert answers; the 0/1 tick items {found[:5]} of a "
            "multiple-response set have no model form: analyse them in the survey frame "
            "(jh.multiple_response)"
        )


def frame_to_records(frame: object, model: type) -> list[Any]:
    """Build one model per row of a frame of that model's kind."""
    schema = schema_of(model)
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"from_frame expects a pandas DataFrame, got {type(frame).__name__}")
    fields: Sequence[ColumnSpec] = [spec for spec in schema.columns if not spec.derived]
    if schema in (MUNICIPALITY_RECORDS, JOBCENTRE_RECORDS):
        missing = [spec.name for spec in fields if spec.name not in frame.columns]
        if missing:
            raise MissingColumnsError(missing, list(frame.columns), schema.kind)
        table = frame
    else:
        # Each row must make a valid record; rows may repeat (a list of records may).
        table = validate(frame, schema, CROSS_CHECKS.get(schema.kind), check_keys=False)
    if model is SurveyAnswer:
        _refuse_tick_items(table)
    names = [spec.name for spec in fields]
    columns = [_python_values(spec, table[spec.name]) for spec in fields]
    return [model(**dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
