"""The bundled example data: its frames, its files and its survey instruments.

Reading the packaged example needs no simulator: :func:`load_example` parses the files under
``jobhandicap/data/example``. The simulator that wrote them is :mod:`._generate`
(:func:`~jobhandicap.datasets.simulate`), which imports this module, never the other way round,
so that the report can read the example without importing the simulator.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any, Final

import attrs
import pandas as pd

from jobhandicap import reference
from jobhandicap._packaged import open_binary, read_text
from jobhandicap.datasets._sampled import CITIZEN_MARGINS, EMPLOYER_MARGINS, SAMPLED_SURVEYS
from jobhandicap.errors import JobhandicapError
from jobhandicap.frames._schema import SCHEMAS as _FRAME_SCHEMAS

__all__ = [
    "EXAMPLE_SEED",
    "FRAME_NAMES",
    "REVERSED_STAFF_ITEMS",
    "SAMPLED_SURVEYS",
    "SCHEMAS",
    "STAFF_ITEMS",
    "SURVEY_ITEMS",
    "ExampleData",
    "canonical",
    "load_example",
]

#: The seed of the packaged example: ``load_example()`` equals ``simulate(seed=EXAMPLE_SEED)``.
EXAMPLE_SEED: Final = 2018

_METADATA: Final = "metadata.json"

# --------------------------------------------------------------------------------------------
# Canonical dtypes (those of jobhandicap.frames). Shared with the simulator, so that simulate()
# and load_example() produce identical frames.

STRING: Final = pd.StringDtype()

# The frames' columns and dtypes are the canonical schemas of jobhandicap.frames, so the
# simulated world cannot drift from what the validators produce.
SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    kind: schema.dtypes for kind, schema in _FRAME_SCHEMAS.items() if kind != "sampled_survey"
}
#: The frames of an example world, in the order of :class:`~jobhandicap.datasets.ExampleData`
#: (one per kind; the sampled surveys, two of one kind, are :data:`SAMPLED_SURVEYS`).
FRAME_NAMES: Final[tuple[str, ...]] = tuple(SCHEMAS)

#: The canonical dtypes of the sampled surveys' design columns (margin columns are ``string``).
_SAMPLED_DTYPES: Final[dict[str, Any]] = _FRAME_SCHEMAS["sampled_survey"].dtypes


# --------------------------------------------------------------------------------------------
# The survey instruments of the example world (from data/instruments.csv)

#: Survey items: id -> question (English), in questionnaire order. ``new_strategy`` is asked in
#: 2018 only. See :func:`jobhandicap.reference.instruments` for the Danish wording.
SURVEY_ITEMS: Final[dict[str, str]] = {
    str(row.item): str(row.question_en)
    for row in reference.instruments("survey").itertuples(index=False)
}

#: Staff-survey items: id -> statement (1 = strongly disagree … 5 = strongly agree); the
#: reverse-worded ones end in "(reversed)".
STAFF_ITEMS: Final[dict[str, str]] = {
    str(row.item): str(row.question_en) + (" (reversed)" if row.reversed else "")
    for row in reference.instruments("staff").itertuples(index=False)
}

#: Reverse-worded staff items: agreement means *less* knowledge or belief.
REVERSED_STAFF_ITEMS: Final[tuple[str, ...]] = tuple(
    str(row.item) for row in reference.instruments("staff").itertuples(index=False) if row.reversed
)


def canonical(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the canonical columns, order and dtypes of kind ``name``."""
    schema = SCHEMAS[name]
    columns: dict[str, Any] = {}
    for column, dtype in schema.items():
        if column not in frame.columns:  # an optional column the simulation does not draw
            values = pd.Series(None, index=frame.index, dtype=object)
        else:
            values = frame[column]
        if dtype == "datetime64[ns]":
            columns[column] = pd.to_datetime(values, format="ISO8601").astype("datetime64[ns]")
        elif dtype == "Int64" and values.dtype.kind == "f":
            columns[column] = values.round().astype("Int64")
        else:
            columns[column] = values.astype(dtype)
    return pd.DataFrame(columns).reset_index(drop=True)


def _is_frame(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, pd.DataFrame):
        raise JobhandicapError(
            f"ExampleData.{attribute.name} must be a pandas DataFrame, got {type(value).__name__}"
        )


def _is_margins(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(m, Mapping) for m in value.values()):
        raise JobhandicapError(
            f"ExampleData.{attribute.name} must map each margin column to {{level: total}}, "
            f"got {type(value).__name__}"
        )


def _is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise JobhandicapError(
            f"ExampleData.{attribute.name} must be a datetime.date, got {value!r}"
        )


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ExampleData:
    """A complete set of canonical frames: the example world of jobcentres' disability work.

    Every frame has the canonical columns and dtypes of :mod:`jobhandicap.frames` and a
    ``RangeIndex``. Compare two instances frame by frame (``eq`` is not defined: frames have no
    single truth value).

    Parameters
    ----------
    cases
        Applications for compensation schemes 2018–2020 (canonical cases frame).
    survey
        Jobcentre survey, waves 2017 and 2018, long format (respondent, wave, item, answer).
    staff
        Staff survey, long format (respondent, jobcentre, item, value).
    profiles
        Organisational profile of each 2018 jobcentre (one row per jobcentre).
    population
        Residents aged 16–64 per municipality and year, 2017–2020.
    outcomes
        Persons with a disability in the target groups and job entries per jobcentre and year.
    people
        Person-level survey sample for the disability employment gap.
    citizens
        Sampled survey of people with a disability, 2021 (canonical sampled-survey frame:
        stratified by region, design weights, margin variables ``sex`` and ``age_group``).
    employers
        Sampled survey of workplaces, 2021 (stratified by ``size_band``, margin variables
        ``industry`` and ``size_band``).
    citizen_margins, employer_margins
        The surveys' known population totals: ``{margin column: {level: total}}``, the form
        ``rake(frame, margins)`` takes.
    extracted
        Extraction date of the case data: cases open on this day have no decision yet; censor
        their processing time here.

    Raises
    ------
    JobhandicapError
        When a frame is not a DataFrame or ``extracted`` is not a date.

    Examples
    --------
    >>> from jobhandicap.datasets import load_example
    >>> data = load_example()
    >>> data
    ExampleData(cases=20000×15, survey=5394×4, staff=...×4, profiles=94×10, population=392×3,
                outcomes=376×6, people=20000×11, citizens=6000×10, employers=3600×10,
                extracted=2021-01-31)
    """

    cases: pd.DataFrame = attrs.field(validator=_is_frame)
    survey: pd.DataFrame = attrs.field(validator=_is_frame)
    staff: pd.DataFrame = attrs.field(validator=_is_frame)
    profiles: pd.DataFrame = attrs.field(validator=_is_frame)
    population: pd.DataFrame = attrs.field(validator=_is_frame)
    outcomes: pd.DataFrame = attrs.field(validator=_is_frame)
    people: pd.DataFrame = attrs.field(validator=_is_frame)
    citizens: pd.DataFrame = attrs.field(validator=_is_frame)
    employers: pd.DataFrame = attrs.field(validator=_is_frame)
    citizen_margins: Mapping[str, Mapping[str, float]] = attrs.field(validator=_is_margins)
    employer_margins: Mapping[str, Mapping[str, float]] = attrs.field(validator=_is_margins)
    extracted: dt.date = attrs.field(validator=_is_date)

    def __repr__(self) -> str:
        shapes = ", ".join(
            f"{name}={getattr(self, name).shape[0]}×{getattr(self, name).shape[1]}"
            for name in (*FRAME_NAMES, *SAMPLED_SURVEYS)
        )
        return f"ExampleData({shapes}, extracted={self.extracted.isoformat()})"

    def frames(self) -> dict[str, pd.DataFrame]:
        """Return the frames by name, in a fixed order (cases, survey, …, people).

        Returns
        -------
        dict of str to pandas.DataFrame
            The frames themselves, not copies.

        Examples
        --------
        >>> from jobhandicap.datasets import load_example
        >>> list(load_example().frames())
        ['cases', 'survey', 'staff', 'profiles', 'population', 'outcomes', 'people']
        """
        return {name: getattr(self, name) for name in FRAME_NAMES}

    def sampled_surveys(self) -> dict[str, pd.DataFrame]:
        """Return the sampled surveys by name: ``citizens``, then ``employers``.

        Returns
        -------
        dict of str to pandas.DataFrame
            The frames themselves, not copies; both of kind ``"sampled_survey"``.

        Examples
        --------
        >>> from jobhandicap.datasets import load_example
        >>> {k: v.shape for k, v in load_example().sampled_surveys().items()}
        {'citizens': (6000, 10), 'employers': (3600, 10)}
        """
        return {name: getattr(self, name) for name in SAMPLED_SURVEYS}


# --------------------------------------------------------------------------------------------
# The packaged example


def _read_sampled(source: Any) -> pd.DataFrame:
    """A packaged sampled survey: the design columns' dtypes, margin columns as ``string``."""
    read_as = {c: STRING if d == "float64" else d for c, d in _SAMPLED_DTYPES.items()}
    raw = pd.read_csv(
        source,
        compression="gzip",
        dtype=STRING,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    columns = {
        c: raw[c].astype(read_as[c]).astype(_SAMPLED_DTYPES[c]) if c in read_as else raw[c]
        for c in raw.columns
    }
    return pd.DataFrame(columns)


def _read_frame(name: str, source: Any) -> pd.DataFrame:
    schema = SCHEMAS[name]
    read_as: dict[str, Any] = {}
    for column, dtype in schema.items():
        # Floats are parsed from text by astype (correctly rounded on every pandas version),
        # so that the round trip through CSV is exact.
        if isinstance(dtype, pd.CategoricalDtype) or dtype in ("datetime64[ns]", "float64"):
            read_as[column] = STRING
        else:
            read_as[column] = dtype
    raw = pd.read_csv(
        source,
        compression="gzip",
        dtype=read_as,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    return canonical(name, raw)


@functools.cache
def _packaged() -> ExampleData:
    metadata = json.loads(read_text("example", _METADATA))
    frames: dict[str, pd.DataFrame] = {}
    for name in FRAME_NAMES:
        with open_binary("example", f"{name}.csv.gz") as handle:
            frames[name] = _read_frame(name, handle)
    for name in SAMPLED_SURVEYS:
        with open_binary("example", f"{name}.csv.gz") as handle:
            frames[name] = _read_sampled(handle)
    return ExampleData(
        **frames,
        citizen_margins=CITIZEN_MARGINS,
        employer_margins=EMPLOYER_MARGINS,
        extracted=dt.date.fromisoformat(metadata["extracted"]),
    )


def load_example() -> ExampleData:
    """Return the packaged example world (``simulate(seed=2018)``, read from package files).

    The files are parsed once per process; every call returns fresh copies, so changing a frame
    you got cannot change what the next call returns.

    Returns
    -------
    ExampleData
        The example frames with their canonical dtypes and the extraction date 2021-01-31.

    Notes
    -----
    The files are gzip-compressed CSV under ``jobhandicap/data/example/`` with a
    ``metadata.json`` holding the seed and the extraction date. Regenerate them with
    ``python -m jobhandicap.datasets --write`` (see :func:`write_example`) whenever the
    simulator changes; a test checks that they equal ``simulate(seed=2018)``.

    References
    ----------
    .. [1] See :func:`simulate`.

    Examples
    --------
    >>> from jobhandicap.datasets import load_example
    >>> data = load_example()
    >>> data.profiles.shape, data.population.shape
    ((94, 10), (392, 3))
    >>> data.cases["applied"].dt.year.value_counts().sort_index().to_dict()
    {2018: 6500, 2019: 6700, 2020: 6800}
    """
    data = _packaged()
    frames = {**data.frames(), **data.sampled_surveys()}
    copies: dict[str, Any] = {name: frame.copy(deep=True) for name, frame in frames.items()}
    return attrs.evolve(data, **copies)
