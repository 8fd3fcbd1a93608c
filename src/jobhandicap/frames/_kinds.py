"""Per table kind: empty frames, validation, and models <-> frames."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

import pandas as pd

from jobhandicap._engines import wrap_engine
from jobhandicap.errors import UnknownLabelError
from jobhandicap.frames._convert import frame_to_records, records_to_frame
from jobhandicap.frames._respondents import normalise_respondents
from jobhandicap.frames._sampled import respondent_columns
from jobhandicap.frames._schema import (
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
)
from jobhandicap.frames._validate import CROSS_CHECKS, validate

if TYPE_CHECKING:
    from narwhals.stable.v2.typing import IntoFrameT

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


def empty_frame(kind: str) -> pd.DataFrame:
    """Return the canonical frame of one kind with no rows.

    Parameters
    ----------
    kind
        One of ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"``, ``"people"``, ``"sampled_survey"``.

    Returns
    -------
    pandas.DataFrame
        No rows; the canonical columns and dtypes.

    Raises
    ------
    UnknownLabelError
        When ``kind`` is not a kind of canonical frame.

    Examples
    --------
    >>> empty_frame("population").dtypes.to_dict()
    {'municipality': dtype('int64'), 'year': dtype('int64'), 'population': dtype('int64')}
    >>> empty_frame("cases")["scheme"].cat.categories.tolist()[:3]
    ['personal assistance', 'personal assistance in education', 'aids']
    """
    schema = _schema_of(kind)
    return schema.empty()


def to_frame(records: Iterable[Any], *, model: type | None = None) -> pd.DataFrame:
    """Return the frame of a list of records of one model type.

    Parameters
    ----------
    records
        Records of one of the models :class:`~jobhandicap.domain.Case`,
        :class:`~jobhandicap.domain.SurveyAnswer`, :class:`~jobhandicap.domain.StaffAnswer`,
        :class:`~jobhandicap.domain.OrganisationProfile`,
        :class:`~jobhandicap.domain.Municipality` or :class:`~jobhandicap.domain.Jobcentre`.
    model
        The model type; needed when ``records`` is empty, checked otherwise.

    Returns
    -------
    pandas.DataFrame
        The canonical frame of the records' kind (``Case`` -> cases, with the derived
        ``jobcentre``; ``SurveyAnswer`` -> survey; ``StaffAnswer`` -> staff;
        ``OrganisationProfile`` -> profiles), one row per record in order. ``Municipality``
        gives columns ``code``, ``name``, ``region`` (categorical); ``Jobcentre`` gives
        ``code``, ``name``, ``municipalities`` (a tuple of codes per row, object column),
        ``valid_from`` and ``valid_to`` (NaT while current).

    Raises
    ------
    JobhandicapError
        When the records are of several types or of no known model, or the list is empty and
        ``model`` is not given.
    SchemaError
        When a case was applied for on a day no jobcentre served its municipality (before
        2007), so the ``jobcentre`` column cannot be derived.

    Notes
    -----
    Column-wise: each field is read for all records at once (:func:`operator.attrgetter`),
    enum members map to categorical codes through a dict, dates to datetime64 through their
    ordinals (each distinct date once), optional fields to nullable dtypes (``Int64``,
    ``boolean``; ``NaN`` for floats, ``NaT`` for dates).

    Examples
    --------
    >>> from datetime import date
    >>> from jobhandicap.domain import Case
    >>> cases = [
    ...     Case(case_id="A-1", municipality=563, scheme="aids", target_group="flexjob",
    ...          applied=date(2019, 1, 3), decided=date(2019, 2, 1), decision="refused"),
    ...     Case(case_id="A-2", municipality=101, scheme="mentorstøtte",
    ...          target_group="sygedagpenge", applied=date(2019, 3, 4)),
    ... ]
    >>> frame = to_frame(cases)
    >>> frame[["case_id", "municipality", "jobcentre", "scheme", "applied", "decision"]]
      case_id  municipality  jobcentre          scheme    applied decision
    0     A-1           563        561            aids 2019-01-03  refused
    1     A-2           101        101  mentor support 2019-03-04      NaN
    >>> from_frame(frame, Case) == cases
    True
    >>> len(to_frame([], model=Case).columns)
    15
    """
    return records_to_frame(records, model)


def from_frame(frame: pd.DataFrame, model: type) -> list[Any]:
    """Return one model per row of a frame.

    Parameters
    ----------
    frame
        A frame of the model's kind. For ``Case``, ``SurveyAnswer``, ``StaffAnswer`` and
        ``OrganisationProfile`` it is first validated like ``validate_*`` does (so raw cells are
        accepted and problems are reported by row), except that rows may repeat a key (a list
        of records may hold the same case twice); derived columns such as ``jobcentre`` and any
        extra columns are ignored.
    model
        The model type.

    Returns
    -------
    list
        The records, in row order: dates as :class:`datetime.date`, missing values as ``None``.

    Raises
    ------
    SchemaError
        When the frame does not meet the schema (``MissingColumnsError`` for absent columns).
    JobhandicapError
        When ``model`` is not one of the models with a frame form.

    Notes
    -----
    ``from_frame(to_frame(records), type(records[0])) == records`` for every list of records.

    Examples
    --------
    >>> import pandas as pd
    >>> from jobhandicap.domain import SurveyAnswer
    >>> raw = pd.DataFrame({"respondent": ["Jobcenter Aarhus"], "wave": [2018],
    ...                     "item": ["political_focus"], "answer": ["I høj grad"]})
    >>> from_frame(raw, SurveyAnswer)
    [SurveyAnswer(respondent='Jobcenter Aarhus', wave=2018, item='political_focus',
                  answer=<Likert.HIGH: 4>)]
    """
    return frame_to_records(frame, model)


def _schema_of(kind: str) -> FrameSchema:
    """The schema of ``kind``, or an :class:`UnknownLabelError` with close matches."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise UnknownLabelError(
            kind, "kind of frame", difflib.get_close_matches(str(kind), list(SCHEMAS), n=3)
        )
    return schema


@overload
def validate_kind(frame: pd.DataFrame, kind: str) -> pd.DataFrame: ...
@overload
def validate_kind(frame: IntoFrameT, kind: str) -> IntoFrameT: ...
def validate_kind(frame: Any, kind: str) -> Any:
    """Validate a table of the given kind and return its canonical frame.

    ``validate_kind(frame, "cases")`` is ``validate_cases(frame)``, and so on for every key
    of :data:`SCHEMAS`: for code that handles tables of several kinds.

    Parameters
    ----------
    frame
        The raw table (see the ``validate_*`` function of its kind), or a Polars, PyArrow,
        DuckDB or PySpark frame holding canonical values: it is then checked in its engine
        (every check counted in one pass, a few offending rows as examples, ``row`` missing
        in ``problems`` since engine frames have no row order) and returned, as the same
        engine's frame with the canonical columns (cases: with the derived ``jobcentre``).
    kind
        One of ``"cases"``, ``"survey"``, ``"staff"``, ``"profiles"``, ``"population"``,
        ``"outcomes"``, ``"people"``, ``"sampled_survey"``.

    Returns
    -------
    pandas.DataFrame
        The canonical frame of ``kind`` (for an engine frame: that engine's frame).

    Raises
    ------
    UnknownLabelError
        When ``kind`` is not a kind of canonical frame.
    MissingColumnsError, SchemaError
        As the ``validate_*`` function of the kind.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"municipality": ["0101"], "year": [2018], "population": [400_000]})
    >>> validate_kind(raw, "population")
       municipality  year  population
    0           101  2018      400000
    """
    schema = _schema_of(kind)
    engine = wrap_engine(frame)
    if engine is not None:
        # Imported here: narwhals only when a frame of another engine arrives.
        from jobhandicap.frames._engine import validate_engine

        return validate_engine(engine, schema)
    result = validate(frame, schema, CROSS_CHECKS.get(kind))
    if schema is SURVEY_SCHEMA:
        result = normalise_respondents(frame, result)
    elif schema is SAMPLED_SURVEY_SCHEMA:
        result = respondent_columns(frame, result)
    return result


@overload
def validate_cases(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_cases(frame: IntoFrameT) -> IntoFrameT: ...
def validate_cases(frame: Any) -> Any:
    """Validate a table of cases and return the canonical cases frame.

    Parameters
    ----------
    frame
        Columns ``case_id``, ``municipality``, ``scheme``, ``target_group``, ``applied`` and,
        optionally, ``decided`` with ``decision`` (both or neither: a table without them holds
        open cases) and ``amount_dkk``. A ``jobcentre`` column, if present, is ignored: it is
        always derived from the municipality and the application date.

    Returns
    -------
    pandas.DataFrame
        The canonical cases frame (see :data:`CASES_SCHEMA`), fresh ``RangeIndex``.

    Raises
    ------
    MissingColumnsError
        When a required column is absent.
    SchemaError
        Listing every problem: unreadable or unknown values (with close matches), unknown
        municipalities, a case decided before it was applied for, a decision without a date or
        a date without a decision, a negative amount or an amount on a case that is not
        granted, repeated case ids (every row of each), and applications on a day no jobcentre
        served the municipality (before 2007).

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> from jobhandicap.errors import SchemaError
    >>> raw = pd.DataFrame({
    ...     "case_id": ["A-1", "A-1"], "municipality": [411, 101],
    ...     "scheme": ["hjælpemidlr", "aids"], "target_group": ["flexjob", "flexjob"],
    ...     "applied": ["2019-01-03", "2019-31-01"],
    ... }, index=[2, 3])
    >>> try:
    ...     validate_cases(raw)
    ... except SchemaError as error:
    ...     print(error.problems[["row", "column", "value"]])
       row        column        value
    0    2       case_id          A-1
    1    2  municipality          411
    2    2        scheme  hjælpemidlr
    3    3       case_id          A-1
    4    3       applied   2019-31-01
    """
    return validate_kind(frame, "cases")


@overload
def validate_survey(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_survey(frame: IntoFrameT) -> IntoFrameT: ...
def validate_survey(frame: Any) -> Any:
    """Validate a long jobcentre-survey table and return the canonical survey frame.

    Parameters
    ----------
    frame
        Columns ``respondent``, ``wave`` (year), ``item`` and ``answer`` (a code 1-5 or 9, or a
        Danish or English label such as "I høj grad" or "Ved ikke"; empty = no answer).

    Returns
    -------
    pandas.DataFrame
        The canonical survey frame (see :data:`SURVEY_SCHEMA`): ``answer`` as ``Int64``.

    Raises
    ------
    MissingColumnsError
        When a required column is absent.
    SchemaError
        Listing every problem: answers outside the scale, unreadable waves, empty respondents
        or items, and repeated (respondent, wave, item) rows.

    Warns
    -----
    DataQualityWarning
        When some respondents name a jobcentre or municipality and others do not.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    **Respondents.** When every respondent names a jobcentre or a municipality — a code,
    zero-padded or not ("169", "0169"), a name or known variant ("Høje-Tåstrup Kommune"),
    with or without "Jobcenter" ("Jobcenter Høje-Taastrup"), or a joint jobcentre's name
    ("Jobcenter Esbjerg-Fanø") — each becomes the code of its jobcentre as text ("169"), so
    the same jobcentre pairs across waves whatever the spelling. A municipality names the
    jobcentre that served it on 1 July of the wave's year
    (:data:`jobhandicap.reference.MEMBERSHIP_DAY`; Fanø is "561"). Other respondents
    ("R17", staff ids, serial numbers) are kept as written; so is a table that mixes both
    (with a warning when some are jobcentre names), because normalising some respondents but
    not others would pair them no better. Two spellings of one jobcentre answering the same
    item in one wave are an error.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"respondent": ["Aarhus", "Jobcenter Århus"], "wave": ["2018", 2019],
    ...                     "item": ["q1", "q1"], "answer": ["Ved ikke", 4]})
    >>> validate_survey(raw)
      respondent  wave item  answer
    0        751  2018   q1       9
    1        751  2019   q1       4
    >>> validate_survey(raw.assign(respondent=["R17", "R18"]))["respondent"].tolist()
    ['R17', 'R18']
    """
    return validate_kind(frame, "survey")


@overload
def validate_staff(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_staff(frame: IntoFrameT) -> IntoFrameT: ...
def validate_staff(frame: Any) -> Any:
    """Validate a long staff-survey table and return the canonical staff frame.

    Parameters
    ----------
    frame
        Columns ``respondent``, ``jobcentre`` (host municipality's code or name), ``item`` and
        ``value`` (a number; empty = no answer).

    Returns
    -------
    pandas.DataFrame
        The canonical staff frame (see :data:`STAFF_SCHEMA`).

    Raises
    ------
    MissingColumnsError
        When a required column is absent.
    SchemaError
        Listing every problem, including repeated (jobcentre, respondent, item) rows.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"respondent": ["S1", "S1"], "jobcentre": ["0561", "0561"],
    ...                     "item": ["k1", "k2"], "value": ["4", None]})
    >>> validate_staff(raw)
      respondent  jobcentre item  value
    0         S1        561   k1    4.0
    1         S1        561   k2    NaN
    """
    return validate_kind(frame, "staff")


@overload
def validate_profiles(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_profiles(frame: IntoFrameT) -> IntoFrameT: ...
def validate_profiles(frame: Any) -> Any:
    """Validate a table of organisation profiles and return the canonical profiles frame.

    Parameters
    ----------
    frame
        One row per ``jobcentre`` with every indicator column of :data:`PROFILES_SCHEMA`.
        Likert scores are codes 1-5 or answer labels; "don't know" (9) is read as missing.
        Yes/no columns accept ja/nej, yes/no, true/false, 1/0.

    Returns
    -------
    pandas.DataFrame
        The canonical profiles frame.

    Raises
    ------
    MissingColumnsError
        When a column is absent.
    SchemaError
        Listing every problem: scores outside 1-5, ``staff_training`` outside [0, 1],
        ``target_groups_covered`` outside 0-14, unknown key-person models, repeated jobcentres.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({
    ...     "jobcentre": [561], "political_focus": ["I høj grad"], "management_priority": [5],
    ...     "employer_outreach": ["ved ikke"], "external_collaboration": [3],
    ...     "written_strategy": ["ja"], "screening_at_intake": ["nej"],
    ...     "key_person_model": ["Specialiseret team"], "staff_training": [0.5],
    ...     "target_groups_covered": [6]})
    >>> print(validate_profiles(raw).T)
                                           0
    jobcentre                              561
    political_focus                          4
    management_priority                      5
    employer_outreach                     <NA>
    external_collaboration                   3
    written_strategy                      True
    screening_at_intake                  False
    key_person_model          specialised team
    staff_training                         0.5
    target_groups_covered                    6
    """
    return validate_kind(frame, "profiles")


@overload
def validate_population(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_population(frame: IntoFrameT) -> IntoFrameT: ...
def validate_population(frame: Any) -> Any:
    """Validate a population table and return the canonical population frame.

    Parameters
    ----------
    frame
        Columns ``municipality`` (code or name), ``year`` and ``population`` (residents aged
        16-64, a whole number of 1 or more).

    Returns
    -------
    pandas.DataFrame
        The canonical population frame (see :data:`POPULATION_SCHEMA`).

    Raises
    ------
    MissingColumnsError
        When a column is absent.
    SchemaError
        Listing every problem: unknown municipalities, populations of 0 or less or not whole,
        repeated (municipality, year) rows.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"municipality": ["København", "0147"], "year": [2018, 2018],
    ...                     "population": [420_000, "68000"]})
    >>> validate_population(raw)
       municipality  year  population
    0           101  2018      420000
    1           147  2018       68000
    """
    return validate_kind(frame, "population")


@overload
def validate_outcomes(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_outcomes(frame: IntoFrameT) -> IntoFrameT: ...
def validate_outcomes(frame: Any) -> Any:
    """Validate a table of job outcomes and return the canonical outcomes frame.

    Parameters
    ----------
    frame
        Columns ``jobcentre`` (host municipality's code or name), ``year``, ``persons`` and
        ``entered_job`` (whole numbers, ``entered_job`` at most ``persons``).

    Returns
    -------
    pandas.DataFrame
        The canonical outcomes frame (see :data:`OUTCOMES_SCHEMA`).

    Raises
    ------
    MissingColumnsError
        When a column is absent.
    SchemaError
        Listing every problem, including more job entries than persons and repeated
        (jobcentre, year) rows.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> from jobhandicap.errors import SchemaError
    >>> raw = pd.DataFrame({"jobcentre": [561], "year": [2019], "persons": [40],
    ...                     "entered_job": [41]})
    >>> try:
    ...     validate_outcomes(raw)
    ... except SchemaError as error:
    ...     print(error)
    the outcomes table does not meet its schema (1 problem):
      - row 2, column entered_job, value 41: more than the 40 persons
    """
    return validate_kind(frame, "outcomes")


@overload
def validate_people(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_people(frame: IntoFrameT) -> IntoFrameT: ...
def validate_people(frame: Any) -> Any:
    """Validate a person-level survey sample and return the canonical people frame.

    Parameters
    ----------
    frame
        Columns ``age``, ``sex`` (female/male, kvinde/mand, f/m/k), ``employed`` (yes/no),
        ``weight`` (greater than 0) and, optionally, ``gali`` and the six Washington Group
        domains ``wg_seeing`` … ``wg_communication`` (absent columns are all missing).

    Returns
    -------
    pandas.DataFrame
        The canonical people frame (see :data:`PEOPLE_SCHEMA`).

    Raises
    ------
    MissingColumnsError
        When a required column is absent.
    SchemaError
        Listing every problem.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames` (labels in any language and case,
    dates in ISO or Danish form, numbers as text). Columns outside the schema are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"age": [34, 51], "sex": ["Kvinde", "M"], "employed": ["ja", 0],
    ...                     "gali": ["not limited", "Severely limited"], "weight": [1.5, 2]})
    >>> validate_people(raw)[["age", "sex", "employed", "gali", "wg_seeing", "weight"]]
       age     sex  employed              gali wg_seeing  weight
    0   34  female      True       not limited       NaN     1.5
    1   51    male     False  severely limited       NaN     2.0
    """
    return validate_kind(frame, "people")


@overload
def validate_sampled_survey(frame: pd.DataFrame) -> pd.DataFrame: ...
@overload
def validate_sampled_survey(frame: IntoFrameT) -> IntoFrameT: ...
def validate_sampled_survey(frame: Any) -> Any:
    """Validate a long sampled survey of citizens or employers and return its canonical frame.

    Parameters
    ----------
    frame
        One row per respondent, wave and item: ``respondent``, ``wave`` (year), ``item``,
        ``answer`` (a code 1-5 or 9, or a Danish or English label; empty = no answer) and the
        respondent's design variables: ``weight`` (the design weight, greater than 0 and
        finite), optionally ``stratum``, ``cluster`` (the primary sampling unit) and
        ``population`` (the number of units in the respondent's stratum, a whole number).
        Further columns are the respondent's margin variables (``sex``, ``age_group``,
        ``industry``, ``size_band``, …).

    Returns
    -------
    pandas.DataFrame
        The canonical columns of :data:`SAMPLED_SURVEY_SCHEMA` (``answer`` as ``Int64``,
        ``weight`` ``float64``, ``stratum`` and ``cluster`` ``string``, ``population``
        ``Int64``; absent optional columns all missing), then every further column of
        ``frame`` as it is (copied, same dtype).

    Raises
    ------
    MissingColumnsError
        When ``respondent``, ``wave``, ``item``, ``answer`` or ``weight`` is absent.
    SchemaError
        Listing every problem: what :func:`validate_survey` refuses (answers outside the
        scale, unreadable waves, repeated (respondent, wave, item) rows), weights of 0 or less,
        missing or not finite, a design or margin variable that is not the same on every row of
        a respondent in a wave, a stratum, cluster or population given for some respondents
        and not for others, a stratum whose population differs between its rows or is smaller
        than the number of respondents sampled from it.

    Notes
    -----
    Cells are read by the rules of :mod:`jobhandicap.frames`; numbers written as text with a
    decimal comma (``"1,5"``) are the readers' job (:func:`jobhandicap.io.read_sampled_survey`
    reads them). Respondents are kept as written (they are people or firms, not jobcentres).
    A respondent is a respondent of a wave: a panel member may have another weight or stratum
    in another wave. The design weight of a stratified simple random sample is
    :math:`w_i = N_h / n_h` for a respondent of stratum :math:`h`, so that the weights of a
    stratum add up to its population :math:`N_h`. The frame is the input of
    ``SurveyDesign(weights="weight", strata="stratum", fpc="population")`` and of ``rake``.

    References
    ----------
    .. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, ch. 2.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({
    ...     "respondent": ["P1", "P1", "P2"], "wave": [2021, 2021, 2021],
    ...     "item": ["knows_schemes", "jobcentre_help", "knows_schemes"],
    ...     "answer": ["I høj grad", 2, "Ved ikke"], "weight": [250.0, 250.0, 125.5],
    ...     "stratum": ["north", "north", "south"], "population": [500, 500, 251],
    ...     "sex": ["female", "female", "male"]})
    >>> validate_sampled_survey(raw)
      respondent  wave            item  answer  weight stratum cluster  population     sex
    0         P1  2021   knows_schemes       4   250.0   north    <NA>         500  female
    1         P1  2021  jobcentre_help       2   250.0   north    <NA>         500  female
    2         P2  2021   knows_schemes       9   125.5   south    <NA>         251    male
    """
    return validate_kind(frame, "sampled_survey")
