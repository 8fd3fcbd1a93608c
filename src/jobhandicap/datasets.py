r"""Bundled example data, the simulator that made it, and the published figures it mirrors.

:func:`load_example` returns a synthetic but realistic world of Danish jobcentres' disability
work — every canonical frame the library analyses — so that every analysis, report and docs page
can run without access to real (personal) data. :func:`simulate` builds such a world for any
seed; the packaged example is ``simulate(seed=2018)``. :func:`published_figures` returns the
figures published by the studies the library reproduces (listed in the docs' example-data
page), to compare against.

The simulated world
-------------------
All 98 municipalities and the jobcentres that serve them (94 from 2017 to 2020, from
:func:`jobhandicap.reference.jobcentres`), 2017–2020:

- ``survey`` — the yearly jobcentre survey, waves 2017 (84 respondents) and 2018 (82 of 94), of
  whom most answer both waves; the respondent is the jobcentre's code as text. Items (see
  :data:`SURVEY_ITEMS`): ``political_focus``, ``management_priority``, ``scheme_focus``,
  ``expected_focus``, ``new_strategy`` (2018 only) and ``target_group_<group>`` for each of the
  14 benefit target groups (value of :class:`~jobhandicap.TargetGroup` with spaces and hyphens
  as underscores, e.g. ``target_group_flex_job_unemployment_benefit``). Answers are Likert codes
  1–5, 9 = don't know, ``<NA>`` = no answer.
- ``staff`` — a staff survey of about 1,500 caseworkers (pseudonymous ids ``S00001`` …), items
  ``knowledge_1`` … ``knowledge_6`` and ``belief_1`` … ``belief_5`` (belief in the citizen's chance
  of a job) on 1–5 (strongly disagree … strongly agree), about 3 % missing answers.
  ``knowledge_5`` and ``belief_4`` are reverse-worded (:data:`REVERSED_STAFF_ITEMS`): reverse
  them (``6 - value``) before building a scale.
- ``cases`` — 20,000 applications 2018–2020 (6,500 / 6,700 / 6,800 a year, about a third of the
  national volume), mostly aids and personal assistance, granted (about 84 %), refused or
  withdrawn; cases whose decision would fall after the extraction date ``extracted``
  (2021-01-31) are still open (``decided`` is NaT). ``amount_dkk`` is the granted amount
  (NaN for priority access, which costs nothing, and for about 1 % of grants with an unknown
  amount).
- ``profiles`` — organisational indicators of the 94 jobcentres of 2018 (the inputs of
  :func:`jobhandicap.strategy.score_strategies`), a few missing.
- ``population`` — residents aged 16–64 per municipality and year (98 × 4 rows), from
  approximate municipal populations (København about 440,000, Læsø about 1,000; not official
  statistics).
- ``outcomes`` — per jobcentre and year: persons with a disability in the target groups and how
  many of them entered a job.
- ``people`` — a person-level survey sample of 20,000 people aged 16–74 (sex, employment, the
  GALI limitation level, the six Washington Group short-set answers, a survey weight).

Documented truths
-----------------
The world is generated from explicit mechanisms, so later analyses have real effects to find:

1. **Latent proactivity.** Each jobcentre has a latent proactivity :math:`z_j \sim N(0, 1)`. It
   drives every organisational indicator of ``profiles`` (and the latent answers of the
   jobcentre survey), so the proactive-strategy score correlates strongly with it.
2. **Proactive jobcentres have better-informed staff**: a caseworker's latent knowledge is
   :math:`0.5 z_j + u_j + e_i` (:math:`u_j \sim N(0, 0.35^2)`, :math:`e_i \sim N(0, 0.8^2)`).
3. **More knowledge goes with more belief in the citizen**: latent belief is
   :math:`0.45 \cdot \text{knowledge} + v_j + e'_i`; the person-level correlation of the two
   scale means is about 0.45.
4. **Proactive jobcentres have higher job entry**:
   :math:`\operatorname{logit} P(\text{job}) = \operatorname{logit}(0.20) + 0.4 z_j
   + 0.04 (t - 2017) + w_j`, and they apply for schemes more often (rate
   :math:`\propto e^{0.25 z_j}` per resident aged 16–64).
5. **Personal assistance is about 89 % of granted expenditure**, aids dominate the number of
   cases (about 3.3 aids grants per personal-assistance grant, as in the grant statistics).
6. **Processing time falls**: the median time from application to decision is about 45, 35 and
   28 days for applications in 2018, 2019 and 2020 (estimate it with open cases censored at
   ``extracted``). Processing time varies between jobcentres but does **not** depend on
   proactivity.
7. **Published survey figures are reproduced exactly**: high or very high political focus 30 of
   84 (2017) and 35 of 82 (2018); scheme focus 2017 17 / 45 / 18 / 4 / 0 / 0 (very high … don't
   know); new local strategy 39 of 82 and more expected focus 41 of 82 (2018). Which jobcentre
   gives which answer depends on the seed; the 2018 answers of ``political_focus`` and
   ``management_priority`` equal the jobcentre's ``profiles`` value (when both are present).
8. **Employment by GALI level** (weighted, ages 16–64): about 86 % not limited, 76 % limited but
   not severely, 36 % severely limited, as in the Danish 2022 survey figures. Washington Group
   answers agree with GALI: not limited — no domain beyond "some difficulty"; limited but not
   severely — at least one domain with some difficulty, none "cannot do at all"; severely
   limited — at least one domain with "a lot of difficulty" or "cannot do at all".

Not simulated: applicants' age (the canonical cases frame has no age column), so the grant
statistics' age shares appear only in :func:`published_figures`.

Examples
--------
>>> from jobhandicap.datasets import load_example
>>> data = load_example()
>>> data.cases.shape, data.survey["wave"].value_counts().sort_index().to_dict()
((20000, 10), {2017: 1512, 2018: 1558})
>>> data.extracted
datetime.date(2021, 1, 31)
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from jobhandicap import _simulate
from jobhandicap._simulate import REVERSED_STAFF_ITEMS, STAFF_ITEMS, SURVEY_ITEMS
from jobhandicap.errors import JobhandicapError

__all__ = [
    "EXAMPLE_SEED",
    "REVERSED_STAFF_ITEMS",
    "STAFF_ITEMS",
    "SURVEY_ITEMS",
    "ExampleData",
    "load_example",
    "published_figures",
    "simulate",
    "write_example",
]

#: The seed of the packaged example: ``load_example()`` equals ``simulate(seed=EXAMPLE_SEED)``.
EXAMPLE_SEED: Final = 2018

_FRAME_NAMES: Final = _simulate.FRAME_NAMES
_METADATA: Final = "metadata.json"


def _is_frame(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, pd.DataFrame):
        raise JobhandicapError(
            f"ExampleData.{attribute.name} must be a pandas DataFrame, got {type(value).__name__}"
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
    ExampleData(cases=20000×10, survey=3070×4, staff=...×4, profiles=94×10, population=392×3,
                outcomes=376×4, people=20000×11, extracted=2021-01-31)
    """

    cases: pd.DataFrame = attrs.field(validator=_is_frame)
    survey: pd.DataFrame = attrs.field(validator=_is_frame)
    staff: pd.DataFrame = attrs.field(validator=_is_frame)
    profiles: pd.DataFrame = attrs.field(validator=_is_frame)
    population: pd.DataFrame = attrs.field(validator=_is_frame)
    outcomes: pd.DataFrame = attrs.field(validator=_is_frame)
    people: pd.DataFrame = attrs.field(validator=_is_frame)
    extracted: dt.date = attrs.field(validator=_is_date)

    def __repr__(self) -> str:
        shapes = ", ".join(
            f"{name}={getattr(self, name).shape[0]}×{getattr(self, name).shape[1]}"
            for name in _FRAME_NAMES
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
        return {name: getattr(self, name) for name in _FRAME_NAMES}


def _check_seed(seed: object) -> int | np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise JobhandicapError(
        f"seed={seed!r}: expected a non-negative whole number or a numpy.random.Generator"
    )


def simulate(seed: int | np.random.Generator = EXAMPLE_SEED) -> ExampleData:
    r"""Simulate a realistic world of Danish jobcentres' disability work, 2017–2020.

    The world and its documented truths (what later analyses should find) are described in the
    module documentation of :mod:`jobhandicap.datasets` and on the *Example data* docs page.

    Parameters
    ----------
    seed
        A non-negative integer or a :class:`numpy.random.Generator`; the same integer always
        gives the same world (on every platform, for a given numpy version). A generator is
        advanced. ``simulate(seed=2018)`` is the packaged example of :func:`load_example`.

    Returns
    -------
    ExampleData
        Canonical frames ``cases``, ``survey``, ``staff``, ``profiles``, ``population``,
        ``outcomes``, ``people`` and the extraction date of the case data.

    Raises
    ------
    JobhandicapError
        When ``seed`` is neither a non-negative integer nor a generator.

    Notes
    -----
    Generation is vectorised numpy on independent child streams of
    ``numpy.random.default_rng(seed)``, one per table. Each jobcentre :math:`j` has a latent
    proactivity :math:`z_j \sim N(0, 1)`. A survey item's latent answer is
    :math:`y_{jw} = a z_j + \sqrt{1 - a^2}\,(0.7 u_j + \sqrt{0.51}\, e_{jw})` with loading
    :math:`a` between 0.4 and 0.75; answers are the ranks of :math:`y` cut into the published
    (or assumed) category counts. Staff knowledge is :math:`0.5 z_j + u_j + e_i`, belief
    :math:`0.45\,\text{knowledge} + v_j + e'_i`; item answers are
    :math:`\operatorname{round}(3 \pm 0.9 \cdot \text{factor} + \delta + 0.7 \varepsilon)`
    clipped to 1–5. Processing days are log-normal around the yearly medians 45, 35, 28;
    job entry is binomial with :math:`\operatorname{logit} p = \operatorname{logit}(0.2)
    + 0.4 z_j + 0.04 (t - 2017) + w_j`. Takes well under a second.

    References
    ----------
    .. [1] Styrelsen for Arbejdsmarked og Rekruttering (STAR), jobcentre surveys on the
       disability area, 2017 and 2018 waves.
    .. [2] Kortlægning af kommunernes praksis på handicapområdet (mapping of municipal
       practice), 2021.

    Examples
    --------
    >>> from jobhandicap.datasets import simulate
    >>> world = simulate(seed=7)
    >>> world.cases.shape, world.profiles.shape, world.people.shape
    ((20000, 10), (94, 10), (20000, 11))
    >>> world.cases["scheme"].value_counts().head(2).to_dict()
    {'aids': ..., 'personal assistance': ...}
    """
    world = _simulate.simulate_world(_check_seed(seed))
    return ExampleData(**world.frames, extracted=world.extracted)


# --------------------------------------------------------------------------------------------
# The packaged example


def _example_files() -> Any:
    return resources.files("jobhandicap").joinpath("data", "example")


def _read_frame(name: str, source: Any) -> pd.DataFrame:
    schema = _simulate.SCHEMAS[name]
    read_as: dict[str, Any] = {}
    for column, dtype in schema.items():
        # Floats are parsed from text by astype (correctly rounded on every pandas version),
        # so that the round trip through CSV is exact.
        if isinstance(dtype, pd.CategoricalDtype) or dtype in ("datetime64[ns]", "float64"):
            read_as[column] = _simulate.STRING
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
    return _simulate.canonical(name, raw)


@functools.cache
def _packaged() -> ExampleData:
    folder = _example_files()
    metadata = json.loads(folder.joinpath(_METADATA).read_text(encoding="utf-8"))
    frames: dict[str, pd.DataFrame] = {}
    for name in _FRAME_NAMES:
        with folder.joinpath(f"{name}.csv.gz").open("rb") as handle:
            frames[name] = _read_frame(name, handle)
    return ExampleData(**frames, extracted=dt.date.fromisoformat(metadata["extracted"]))


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
    copies: dict[str, Any] = {name: frame.copy(deep=True) for name, frame in data.frames().items()}
    return attrs.evolve(data, **copies)


def write_example(directory: str | Path, *, seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write the example files (``simulate(seed)``) to ``directory``, for maintainers.

    Writes ``<frame>.csv.gz`` for every frame and ``metadata.json``. Output is byte-for-byte
    reproducible (the gzip header carries no time stamp).

    Parameters
    ----------
    directory
        Where to write; created if missing. The packaged copy lives in
        ``src/jobhandicap/data/example``.
    seed
        The seed to simulate with.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    JobhandicapError
        When ``seed`` is invalid.

    Notes
    -----
    Dates are written as ISO dates, missing values as empty fields, floats with their shortest
    round-trip representation, so :func:`load_example` restores the frames exactly.

    References
    ----------
    .. [1] See :func:`simulate`.

    Examples
    --------
    >>> import tempfile
    >>> from jobhandicap.datasets import write_example
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_example(folder)]
    ['cases.csv.gz', 'survey.csv.gz', 'staff.csv.gz', 'profiles.csv.gz', 'population.csv.gz',
     'outcomes.csv.gz', 'people.csv.gz', 'metadata.json']
    """
    checked = _check_seed(seed)
    if not isinstance(checked, int):
        raise JobhandicapError("write_example needs an integer seed, to record it")
    data = simulate(checked)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in data.frames().items():
        path = folder / f"{name}.csv.gz"
        frame.to_csv(
            path,
            index=False,
            date_format="%Y-%m-%d",
            lineterminator="\n",
            encoding="utf-8",
            compression={"method": "gzip", "mtime": 0, "compresslevel": 6},
        )
        written.append(path)
    metadata = {
        "description": "Synthetic example data of jobhandicap: jobhandicap.datasets.simulate",
        "seed": checked,
        "extracted": data.extracted.isoformat(),
        "rows": {name: int(frame.shape[0]) for name, frame in data.frames().items()},
    }
    path = folder / _METADATA
    path.write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Published figures

_SURVEY_2017: Final = "STAR jobcentre survey 2017"
_SURVEY_2018: Final = "STAR jobcentre survey 2018"
_MAPPING: Final = "Mapping of municipal practice 2021"
_GRANTS: Final = "Grant statistics 2018"
_NATIONAL: Final = "Danish national survey 2022 (ages 16–64)"
_JOBCENTRES: Final = 94

# measure, year, count, share, n, population, source
_FIGURES: Final[tuple[tuple[str, int, int | None, float, int | None, int | None, str], ...]] = (
    ("political_focus_top2", 2017, 30, 0.36, 84, _JOBCENTRES, _SURVEY_2017),
    ("political_focus_top2", 2018, 35, 0.43, 82, _JOBCENTRES, _SURVEY_2018),
    ("new_strategy_top2", 2018, 39, 0.48, 82, _JOBCENTRES, _SURVEY_2018),
    ("expected_focus_top2", 2018, 41, 0.50, 82, _JOBCENTRES, _SURVEY_2018),
    ("scheme_focus_very_high", 2017, 17, 0.20, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_high", 2017, 45, 0.54, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_some", 2017, 18, 0.21, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_low", 2017, 4, 0.05, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_not_at_all", 2017, 0, 0.0, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_dont_know", 2017, 0, 0.0, 84, _JOBCENTRES, _SURVEY_2017),
    ("expenditure_share_personal_assistance", 2021, None, 0.89, None, None, _MAPPING),
    ("grants_aids", 2018, 14_900, float("nan"), None, None, _GRANTS),
    ("grants_personal_assistance", 2018, 4_700, float("nan"), None, None, _GRANTS),
    ("grants_age_40_64_share_aids", 2018, None, 0.63, 14_900, None, _GRANTS),
    ("grants_age_40_64_share_personal_assistance", 2018, None, 0.65, 4_700, None, _GRANTS),
    ("employment_rate_major_disability", 2022, None, 0.36, None, None, _NATIONAL),
    ("employment_rate_minor_disability", 2022, None, 0.763, None, None, _NATIONAL),
    ("employment_rate_no_disability", 2022, None, 0.859, None, None, _NATIONAL),
)


def published_figures() -> pd.DataFrame:
    r"""Return the figures published by the studies the library reproduces, as a tidy frame.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns

        - ``measure`` (string): what is measured, e.g. ``political_focus_top2`` (share of
          jobcentres answering high or very high; survey measures are named after the items
          of :data:`SURVEY_ITEMS`);
        - ``year`` (int64): survey wave or statistics year; for the 2021 mapping of municipal
          practice, its publication year;
        - ``count`` (Int64): the count, where published or exactly implied by a share of a small
          base (``round(share × n)`` for the survey figures); ``<NA>`` otherwise;
        - ``share`` (float64): the published share (as published, e.g. 0.36 for 36 %); NaN for
          counts;
        - ``n`` (Int64): the base of the share (respondents, grants), where known;
        - ``population`` (Int64): the size of the surveyed population (94 jobcentres), for
          finite-population intervals and nonresponse bounds;
        - ``source`` (string): the study.

    Notes
    -----
    The survey shares are of all respondents, "don't know" included in the base
    (:math:`\hat p = \text{count} / n`). The grant statistics' counts are rounded national
    totals ("about 14,900"). The Danish national survey figures (self-rated disability) are not
    comparable with the GALI-based Eurostat indicator.

    References
    ----------
    .. [1] STAR jobcentre surveys on the disability area, 2017 and 2018.
    .. [2] Mapping of municipal practice on the disability area, 2021.
    .. [3] Municipal grant statistics for the compensation schemes, 2018.

    Examples
    --------
    >>> from jobhandicap.datasets import published_figures
    >>> figures = published_figures()
    >>> figures.loc[figures["measure"] == "political_focus_top2", ["year", "count", "n"]]
       year  count   n
    0  2017     30  84
    1  2018     35  82
    """
    columns = list(zip(*_FIGURES, strict=True))
    return pd.DataFrame(
        {
            "measure": pd.array(columns[0], dtype="string"),
            "year": np.asarray(columns[1], dtype=np.int64),
            "count": pd.array(columns[2], dtype="Int64"),
            "share": np.asarray(columns[3], dtype=np.float64),
            "n": pd.array(columns[4], dtype="Int64"),
            "population": pd.array(columns[5], dtype="Int64"),
            "source": pd.array(columns[6], dtype="string"),
        }
    )


# --------------------------------------------------------------------------------------------
# Maintainer command: python -m jobhandicap.datasets --write [DIRECTORY]


def _package_folder() -> Path:
    return Path(__file__).resolve().parent / "data" / "example"


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the packaged example files (maintainers): ``--write [DIRECTORY]``."""
    parser = argparse.ArgumentParser(
        prog="python -m jobhandicap.datasets",
        description="Regenerate the packaged example data from simulate(seed).",
    )
    parser.add_argument(
        "--write",
        nargs="?",
        const=str(_package_folder()),
        metavar="DIRECTORY",
        help="write the example files (default: the package's data/example folder)",
    )
    parser.add_argument("--seed", type=int, default=EXAMPLE_SEED)
    args = parser.parse_args(argv)
    if args.write is None:
        parser.print_help()
        return 2
    written = write_example(args.write, seed=args.seed)
    sys.stdout.write("".join(f"{path}\n" for path in written))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
