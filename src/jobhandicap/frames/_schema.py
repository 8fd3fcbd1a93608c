"""Declarative schemas of the canonical frames (private; re-exported by :mod:`jobhandicap.frames`).

A :class:`FrameSchema` is a tuple of :class:`ColumnSpec`: each names a column, the kind of value
it holds (which decides how raw cells are parsed), its canonical pandas dtype, whether the column
must be present and whether a cell may be missing, and the accepted range or categories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from jobhandicap import _labels, reference
from jobhandicap.domain import (
    MAX_HOURS_PER_WEEK,
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Region,
    TargetGroup,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "CASES_SCHEMA",
    "MARGIN_COLUMNS",
    "MAX_AMOUNT_DKK",
    "OPEN_ENDED_LABELS",
    "OUTCOMES_SCHEMA",
    "PEOPLE_SCHEMA",
    "POPULATION_SCHEMA",
    "PROFILES_SCHEMA",
    "SAMPLED_SURVEY_SCHEMA",
    "SCHEMAS",
    "STAFF_SCHEMA",
    "SURVEY_SCHEMA",
    "ColumnSpec",
    "FrameSchema",
]

#: The largest plausible amount of one grant (DKK): larger amounts are refused as typing or
#: export errors (``1e308`` would make every expenditure share 0), and sums of them stay finite.
MAX_AMOUNT_DKK = 1e10

#: How an open-ended grant period's end is written instead of a date (read as missing).
OPEN_ENDED_LABELS = (
    "løbende",
    "lobende",
    "ingen slutdato",
    "indtil videre",
    "varig",
    "open-ended",
    "open ended",
    "ongoing",
    "no end date",
)

#: How a column's raw cells are read.
ValueKind = Literal[
    "text", "integer", "number", "boolean", "date", "category", "municipality", "likert", "codes"
]

_DTYPES: dict[str, str] = {
    "text": "string",
    "integer": "int64",
    "number": "float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "municipality": "int64",
    "likert": "Int64",
    "codes": "object",
}


def _category_labels(spec: ColumnSpec) -> Mapping[str, str]:
    """Map label key -> category value for a category column (values are always accepted)."""
    index = {_labels.label_key(v): v for v in spec.categories}
    for label, value in spec.aliases.items():
        index.setdefault(_labels.label_key(label), value)
    return index


def _to_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class ColumnSpec:
    """One column of a canonical frame.

    Parameters
    ----------
    name
        The canonical column name.
    kind
        How raw cells are read: ``"text"``, ``"integer"``, ``"number"``, ``"boolean"``,
        ``"date"``, ``"category"``, ``"municipality"`` (a code, zero-padded code or name) or
        ``"likert"`` (a code or a Danish or English answer label); ``"codes"`` (a tuple of
        municipality codes per cell, only in frames of :class:`~jobhandicap.domain.Jobcentre`).
    required
        Whether the column must be present in the input (an optional column that is absent is
        filled with missing values).
    nullable
        Whether a cell may be missing.
    minimum, maximum
        Inclusive bounds of a numeric column (``None``: unbounded).
    exclusive_minimum
        Whether ``minimum`` itself is excluded (weights must be greater than 0).
    enum
        The enum whose values are the categories of a category column.
    categories
        The categories of a category column without an enum.
    aliases
        Further accepted labels of a category column without an enum (label -> category).
    integer_dtype
        For ``"integer"`` columns: ``"int64"`` or the nullable ``"Int64"``.
    codes
        For ``"likert"`` columns: the accepted answer codes. Code 0 (not ticked) is the one
        code that is not a :class:`~jobhandicap.domain.Likert` answer: the survey accepts it
        for the 0/1 tick items of a multiple-response set, which a check across columns
        enforces.
    dont_know_missing
        For ``"likert"`` columns: whether "don't know" (9) is read as a missing score.
    missing_labels
        For ``"category"`` columns: labels read as a missing value rather than refused (the
        decision's open-case statuses such as "Under behandling").
    derived
        Whether the column is computed from others (never read from the input).
    description
        What the column holds.

    Examples
    --------
    >>> spec = ColumnSpec(name="share", kind="number", nullable=True, minimum=0, maximum=1)
    >>> spec.dtype, spec.required, spec.nullable
    ('float64', True, True)
    >>> ColumnSpec(name="decision", kind="category", enum=Decision).categories
    ('granted', 'refused', 'withdrawn')
    """

    name: str
    kind: ValueKind
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    enum: type[Enum] | None = None
    categories: tuple[str, ...] = attrs.field(converter=_to_tuple, default=())
    aliases: Mapping[str, str] = attrs.field(factory=dict)
    integer_dtype: Literal["int64", "Int64"] = "int64"
    codes: tuple[int, ...] = ()
    dont_know_missing: bool = False
    missing_labels: tuple[str, ...] = attrs.field(converter=_to_tuple, default=())
    derived: bool = False
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if self.enum is not None and not self.categories:
            object.__setattr__(self, "categories", tuple(str(m.value) for m in self.enum))

    @property
    def dtype(self) -> Any:
        """The canonical pandas dtype of the column."""
        if self.kind == "category":
            return pd.CategoricalDtype(list(self.categories), ordered=False)
        if self.kind == "text":
            return pd.StringDtype()
        if self.kind == "integer":
            return self.integer_dtype
        return _DTYPES[self.kind]

    @property
    def label_index(self) -> Mapping[str, str]:
        """For category columns without an enum: label key -> category value."""
        return _category_labels(self)

    def empty(self) -> Any:
        """An empty array of the canonical dtype."""
        if self.kind in ("date", "codes"):
            return np.array([], dtype=self.dtype)
        return pd.array([], dtype=self.dtype)


@attrs.frozen
class FrameSchema:
    """The schema of one kind of canonical frame: its columns in canonical order.

    Parameters
    ----------
    kind
        The frame's kind, e.g. ``"cases"``.
    columns
        The columns in canonical order.
    key
        Columns whose combination identifies a row (duplicates are reported), or empty.

    Examples
    --------
    >>> CASES_SCHEMA.required
    ('case_id', 'municipality', 'scheme', 'target_group', 'applied')
    >>> CASES_SCHEMA.key, CASES_SCHEMA["amount_dkk"].minimum
    (('case_id',), 0)
    >>> list(POPULATION_SCHEMA.empty().columns)
    ['municipality', 'year', 'population']
    """

    kind: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(c.name for c in self.columns)

    @property
    def dtypes(self) -> dict[str, Any]:
        """Canonical dtype of every column."""
        return {c.name: c.dtype for c in self.columns}

    @property
    def required(self) -> tuple[str, ...]:
        """Columns the input must have."""
        return tuple(c.name for c in self.columns if c.required and not c.derived)

    def __getitem__(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def empty(self) -> pd.DataFrame:
        """The canonical frame with no rows."""
        return pd.DataFrame({c.name: c.empty() for c in self.columns})


_YEAR: dict[str, Any] = {"minimum": 1900, "maximum": 2200}

#: The categories of the cases' ``decision_detail`` column, and the decision each belongs to.
DECISION_DETAILS = ("partial", "lapsed")
DETAIL_DECISIONS: Mapping[str, str] = MappingProxyType(
    {"partial": Decision.GRANTED.value, "lapsed": Decision.WITHDRAWN.value}
)


def _label_aliases(kind: str, values: tuple[str, ...]) -> dict[str, str]:
    """Every label of ``values`` in ``labels.csv`` (kind ``kind``) -> its value."""
    return {label: value for value in values for label in _labels.labels_of(kind, value)}


_LIKERT_SCORE: dict[str, Any] = {
    "kind": "likert",
    "nullable": True,
    "codes": (1, 2, 3, 4, 5),
    "dont_know_missing": True,
}

CASES_SCHEMA = FrameSchema(
    "cases",
    (
        ColumnSpec(name="case_id", kind="text", description="case number (may identify a person)"),
        ColumnSpec(name="municipality", kind="municipality", description="home municipality"),
        ColumnSpec(
            name="jobcentre",
            kind="municipality",
            derived=True,
            description="host code of the jobcentre serving the municipality on the applied date",
        ),
        ColumnSpec(name="scheme", kind="category", enum=CompensationScheme),
        ColumnSpec(name="target_group", kind="category", enum=TargetGroup),
        ColumnSpec(name="applied", kind="date", description="date of application"),
        ColumnSpec(
            name="decided",
            kind="date",
            required=False,
            nullable=True,
            description="date of decision (missing while open)",
        ),
        ColumnSpec(
            name="decision",
            kind="category",
            enum=Decision,
            required=False,
            nullable=True,
            missing_labels=_labels.labels_of("open_status", "open"),
            description="missing while open; open-case statuses (under behandling, …) read so",
        ),
        ColumnSpec(
            name="amount_dkk",
            kind="number",
            required=False,
            nullable=True,
            minimum=0,
            maximum=MAX_AMOUNT_DKK,
            description="granted amount in DKK",
        ),
        ColumnSpec(
            name="decision_detail",
            kind="category",
            categories=DECISION_DETAILS,
            aliases=_label_aliases("decision_detail", DECISION_DETAILS),
            required=False,
            nullable=True,
            description=(
                "what the decision label said beyond granted/withdrawn: 'partial' (delvis "
                "bevilget, a granted case) or 'lapsed' (bortfaldet, a withdrawn case)"
            ),
        ),
        ColumnSpec(
            name="granted_from",
            kind="date",
            required=False,
            nullable=True,
            description="first day of the grant period (granted cases; missing: no period known)",
        ),
        ColumnSpec(
            name="granted_to",
            kind="date",
            required=False,
            nullable=True,
            missing_labels=OPEN_ENDED_LABELS,
            description="last day of the grant period; missing (or 'løbende'): open-ended",
        ),
        ColumnSpec(
            name="hours_per_week",
            kind="number",
            required=False,
            nullable=True,
            minimum=0,
            maximum=MAX_HOURS_PER_WEEK,
            description="hours of assistance per week granted (0-37)",
        ),
        ColumnSpec(
            name="yearly_amount_dkk",
            kind="number",
            required=False,
            nullable=True,
            minimum=0,
            maximum=MAX_AMOUNT_DKK,
            description="amount granted per year of the grant period in DKK",
        ),
        ColumnSpec(
            name="person",
            kind="text",
            required=False,
            nullable=True,
            description=(
                "pseudonymous key of the applicant (finds overlapping grant periods of one "
                "person and scheme; never shown in messages)"
            ),
        ),
    ),
    key=("case_id",),
)

SURVEY_SCHEMA = FrameSchema(
    "survey",
    (
        ColumnSpec(name="respondent", kind="text", description="usually a jobcentre"),
        ColumnSpec(name="wave", kind="integer", **_YEAR, description="survey year"),
        ColumnSpec(name="item", kind="text"),
        ColumnSpec(
            name="answer",
            kind="likert",
            nullable=True,
            codes=(0, 1, 2, 3, 4, 5, 9),
            description=(
                "Likert code 1-5, 9 = don't know; for a 0/1 tick item of a multiple-response "
                "set 1 = ticked, 0 = not ticked; missing = no answer"
            ),
        ),
    ),
    key=("respondent", "wave", "item"),
)

STAFF_SCHEMA = FrameSchema(
    "staff",
    (
        ColumnSpec(name="respondent", kind="text", description="pseudonymous staff member"),
        ColumnSpec(name="jobcentre", kind="municipality", description="host municipality code"),
        ColumnSpec(name="item", kind="text"),
        ColumnSpec(name="value", kind="number", nullable=True, description="missing = no answer"),
    ),
    key=("jobcentre", "respondent", "item"),
)

PROFILES_SCHEMA = FrameSchema(
    "profiles",
    (
        ColumnSpec(name="jobcentre", kind="municipality", description="host municipality code"),
        ColumnSpec(name="political_focus", **_LIKERT_SCORE),
        ColumnSpec(name="management_priority", **_LIKERT_SCORE),
        ColumnSpec(name="employer_outreach", **_LIKERT_SCORE),
        ColumnSpec(name="external_collaboration", **_LIKERT_SCORE),
        ColumnSpec(name="written_strategy", kind="boolean", nullable=True),
        ColumnSpec(name="screening_at_intake", kind="boolean", nullable=True),
        ColumnSpec(name="key_person_model", kind="category", enum=KeyPersonModel, nullable=True),
        ColumnSpec(
            name="staff_training",
            kind="number",
            nullable=True,
            minimum=0,
            maximum=1,
            description="share of staff trained",
        ),
        ColumnSpec(
            name="target_groups_covered",
            kind="integer",
            integer_dtype="Int64",
            nullable=True,
            minimum=0,
            maximum=len(TargetGroup),
        ),
    ),
    key=("jobcentre",),
)

POPULATION_SCHEMA = FrameSchema(
    "population",
    (
        ColumnSpec(name="municipality", kind="municipality"),
        ColumnSpec(name="year", kind="integer", **_YEAR),
        ColumnSpec(
            name="population", kind="integer", minimum=1, description="residents aged 16-64"
        ),
    ),
    key=("municipality", "year"),
)

OUTCOMES_SCHEMA = FrameSchema(
    "outcomes",
    (
        ColumnSpec(name="jobcentre", kind="municipality", description="host municipality code"),
        ColumnSpec(name="year", kind="integer", **_YEAR),
        ColumnSpec(
            name="persons", kind="integer", minimum=0, description="people in the target groups"
        ),
        ColumnSpec(
            name="entered_job", kind="integer", minimum=0, description="of whom entered a job"
        ),
        ColumnSpec(
            name="social_assistance_pct",
            kind="number",
            required=False,
            nullable=True,
            minimum=0,
            maximum=100,
            description="framework condition: % of residents aged 16-64 on social assistance",
        ),
        ColumnSpec(
            name="unemployment_pct",
            kind="number",
            required=False,
            nullable=True,
            minimum=0,
            maximum=100,
            description="framework condition: unemployment rate, % of the labour force",
        ),
    ),
    key=("jobcentre", "year"),
)

#: The Danish label of each category without an enum (the person-level sample): what the
#: writers put in Danish files, and one of the spellings the readers accept.
DANISH_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "female": "kvinde",
        "male": "mand",
        "not limited": "ikke begrænset",
        "limited but not severely": "begrænset men ikke alvorligt",
        "severely limited": "alvorligt begrænset",
        "no difficulty": "ingen vanskeligheder",
        "some difficulty": "nogle vanskeligheder",
        "a lot of difficulty": "mange vanskeligheder",
        "cannot do at all": "kan slet ikke",
        "partial": "delvis bevilget",
        "lapsed": "bortfaldet",
    }
)


def _with_danish(categories: tuple[str, ...], aliases: Mapping[str, str]) -> dict[str, str]:
    """``aliases`` plus the Danish label of each category (:data:`DANISH_LABELS`)."""
    return {**{DANISH_LABELS[c]: c for c in categories}, **aliases}


# The answers of the GALI and Washington Group columns, and every label they are read from: one
# vocabulary, shared with jobhandicap.gap (reference.answer_labels).
_DIFFICULTY = reference.DIFFICULTY_LEVELS
_DIFFICULTY_ALIASES = {
    label: value
    for label, value in reference.answer_labels("difficulty").items()
    if label not in _DIFFICULTY
}
_GALI = reference.GALI_LEVELS

PEOPLE_SCHEMA = FrameSchema(
    "people",
    (
        ColumnSpec(name="age", kind="integer", minimum=0, maximum=120),
        ColumnSpec(
            name="sex",
            kind="category",
            categories=("female", "male"),
            aliases=_with_danish(
                ("female", "male"),
                {"f": "female", "woman": "female", "k": "female", "m": "male", "man": "male"},
            ),
            nullable=True,
        ),
        ColumnSpec(name="employed", kind="boolean"),
        ColumnSpec(
            name="gali",
            kind="category",
            categories=_GALI,
            aliases={
                label: value
                for label, value in reference.answer_labels("gali").items()
                if label not in _GALI
            },
            required=False,
            nullable=True,
            description="Global Activity Limitation Indicator",
        ),
        *(
            ColumnSpec(
                name=f"wg_{domain}",
                kind="category",
                categories=_DIFFICULTY,
                aliases=_DIFFICULTY_ALIASES,
                required=False,
                nullable=True,
                description="Washington Group short set",
            )
            for domain in (
                "seeing",
                "hearing",
                "walking",
                "cognition",
                "selfcare",
                "communication",
            )
        ),
        ColumnSpec(name="weight", kind="number", minimum=0, exclusive_minimum=True),
    ),
)

SAMPLED_SURVEY_SCHEMA = FrameSchema(
    "sampled_survey",
    (
        ColumnSpec(name="respondent", kind="text", description="a sampled person or employer"),
        ColumnSpec(name="wave", kind="integer", **_YEAR, description="survey year"),
        ColumnSpec(name="item", kind="text"),
        ColumnSpec(
            name="answer",
            kind="likert",
            nullable=True,
            codes=(1, 2, 3, 4, 5, 9),
            description="Likert code 1-5, 9 = don't know, missing = no answer",
        ),
        ColumnSpec(
            name="weight",
            kind="number",
            minimum=0,
            exclusive_minimum=True,
            description="the respondent's design weight (greater than 0)",
        ),
        ColumnSpec(
            name="stratum",
            kind="text",
            required=False,
            nullable=True,
            description="the stratum the respondent was sampled from",
        ),
        ColumnSpec(
            name="cluster",
            kind="text",
            required=False,
            nullable=True,
            description="the primary sampling unit the respondent was sampled in",
        ),
        ColumnSpec(
            name="population",
            kind="integer",
            integer_dtype="Int64",
            required=False,
            nullable=True,
            minimum=1,
            description="units in the respondent's stratum (for the finite-population correction)",
        ),
    ),
    key=("respondent", "wave", "item"),
)

#: The margin variables of a sampled survey the readers know by name (Danish headers in
#: ``data/header_aliases.csv``). A sampled-survey table keeps these and any further columns
#: after its canonical ones, as they are.
MARGIN_COLUMNS: tuple[str, ...] = ("sex", "age_group", "region", "industry", "size_band")

#: Every canonical frame's schema by kind.
SCHEMAS: Mapping[str, FrameSchema] = MappingProxyType(
    {
        schema.kind: schema
        for schema in (
            CASES_SCHEMA,
            SURVEY_SCHEMA,
            STAFF_SCHEMA,
            PROFILES_SCHEMA,
            POPULATION_SCHEMA,
            OUTCOMES_SCHEMA,
            PEOPLE_SCHEMA,
            SAMPLED_SURVEY_SCHEMA,
        )
    }
)

#: Every canonical frame's columns, in order, by kind.
CANONICAL_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {kind: schema.names for kind, schema in SCHEMAS.items()}
)

#: Frame of :class:`~jobhandicap.domain.Municipality` records (not a canonical input table).
MUNICIPALITY_RECORDS = FrameSchema(
    "municipality records",
    (
        ColumnSpec(name="code", kind="municipality"),
        ColumnSpec(name="name", kind="text"),
        ColumnSpec(name="region", kind="category", enum=Region),
    ),
)

#: Frame of :class:`~jobhandicap.domain.Jobcentre` records (not a canonical input table).
JOBCENTRE_RECORDS = FrameSchema(
    "jobcentre records",
    (
        ColumnSpec(name="code", kind="municipality"),
        ColumnSpec(name="name", kind="text"),
        ColumnSpec(name="municipalities", kind="codes", description="tuple of codes"),
        ColumnSpec(name="valid_from", kind="date"),
        ColumnSpec(name="valid_to", kind="date", nullable=True, description="missing: current"),
    ),
)
