"""Canonical frames: their schemas, validation of raw tables, and models <-> frames.

Bulk work in jobhandicap happens on pandas frames with a fixed *canonical* schema per kind of
table (``cases``, ``survey``, ``staff``, ``profiles``, ``population``, ``outcomes``,
``people``, ``sampled_survey``): fixed column order, exact dtypes (enum columns as categoricals
holding all of the enum's values, text as ``string``, dates as ``datetime64[ns]`` at midnight,
codes as integers) and a fresh ``RangeIndex``. The schemas are declared in :data:`SCHEMAS` (one
:class:`FrameSchema` of :class:`ColumnSpec` per kind); :func:`empty_frame` gives the frame with no
rows and :data:`CANONICAL_COLUMNS` the column names.

The ``validate_*`` functions turn a table whose columns have the canonical names but whose cells
may be raw into the canonical frame, or raise one :class:`~jobhandicap.errors.SchemaError` whose
``problems`` frame lists *every* problem (row, column, value and what would be accepted). They
never modify their argument, drop columns outside the schema, and contain no loop over rows:
labels, dates and codes are parsed once per distinct value. How cells are read:

- labels (schemes, target groups, decisions, Likert answers, key-person models, …): the enum
  value, the Danish or English label or a known alias, ignoring case, spacing and hyphens;
- municipality (and jobcentre) codes: numbers, text such as ``"101"`` or zero-padded ``"0101"``,
  or a municipality name or variant (see :func:`jobhandicap.reference.municipality_codes`);
- dates: datetime values (time of day and time zone dropped) or text in ISO form
  (``2019-01-03``, optionally with a time) or the Danish day-first forms ``dd-mm-yyyy``,
  ``dd.mm.yyyy`` and ``dd/mm/yyyy``; a column may mix them; dates must lie in 1900-2199;
- numbers: numbers or plain text (``"12500"``, ``"0.5"``; decimal commas and thousands
  separators are the readers' job, see :mod:`jobhandicap.io`);
- yes/no: booleans, 1/0, or ja/nej, yes/no, true/false, j/n, y/n;
- text: kept exactly as given (whole numbers given as numbers become their digits). Text such as
  ``=cmd|'/c calc'!A0`` is data and nothing else;
- missing: empty or blank cells, and outside text columns the texts NA, N/A, NaN, NaT, null
  and none.

Columns the schema marks as optional may be absent and are then all missing (the cases table's
``decided`` and ``decision`` together, and ``amount_dkk``; the people table's ``gali`` and
Washington Group columns; the sampled survey's ``stratum``, ``cluster`` and ``population``).
A sampled survey keeps its columns outside the schema (the respondent's margin variables) after
the canonical ones; every other kind drops them. Derived columns (the cases table's
``jobcentre``) are always computed, never read. Each problem's ``row`` is the row a spreadsheet
would show if the frame were written with its header: position + 2, whatever the index holds
(the readers name the file's own rows instead). A long list of accepted values is said once per
error (:attr:`~jobhandicap.errors.SchemaError.accepted`), not on every problem.

:func:`to_frame` and :func:`from_frame` convert lists of models to frames and back, column-wise.

References
----------
ISO 8601-1:2019, *Date and time — Representations for information interchange*. Washington
Group on Disability Statistics, *The Washington Group Short Set on Functioning* (2020). Eurostat,
*Global Activity Limitation Indicator (GALI)*, EU-SILC variable PH030.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({
...     "case_id": ["A-1", "A-2"],
...     "municipality": ["0101", "Esbjerg"],
...     "scheme": ["Hjælpemidler", "personlig assistance"],
...     "target_group": ["sygedagpenge", "Flexjob"],
...     "applied": ["03-01-2019", "2019-02-01"],
...     "decided": ["01.02.2019", None],
...     "decision": ["Bevilget", None],
...     "amount_dkk": ["12500", None],
... })
>>> print(validate_cases(raw).T)
                                     0                    1
case_id                            A-1                  A-2
municipality                       101                  561
jobcentre                          101                  561
scheme                            aids  personal assistance
target_group          sickness benefit             flex-job
applied            2019-01-03 00:00:00  2019-02-01 00:00:00
decided            2019-02-01 00:00:00                  NaT
decision                       granted                  NaN
amount_dkk                     12500.0                  NaN
decision_detail                    NaN                  NaN
granted_from                       NaT                  NaT
granted_to                         NaT                  NaT
hours_per_week                     NaN                  NaN
yearly_amount_dkk                  NaN                  NaN
person                            <NA>                 <NA>
"""

from __future__ import annotations

from jobhandicap.frames._kinds import (
    CANONICAL_COLUMNS,
    CASES_SCHEMA,
    OUTCOMES_SCHEMA,
    PEOPLE_SCHEMA,
    POPULATION_SCHEMA,
    PROFILES_SCHEMA,
    SAMPLED_SURVEY_SCHEMA,
    SCHEMAS,
    STAFF_SCHEMA,
    SURVEY_SCHEMA,
    ColumnSpec,
    FrameSchema,
    empty_frame,
    from_frame,
    to_frame,
    validate_cases,
    validate_kind,
    validate_outcomes,
    validate_people,
    validate_population,
    validate_profiles,
    validate_sampled_survey,
    validate_staff,
    validate_survey,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "CASES_SCHEMA",
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
    "empty_frame",
    "from_frame",
    "to_frame",
    "validate_cases",
    "validate_kind",
    "validate_outcomes",
    "validate_people",
    "validate_population",
    "validate_profiles",
    "validate_sampled_survey",
    "validate_staff",
    "validate_survey",
]
