"""The simulator behind :func:`jobhandicap.datasets.simulate` (private).

Everything here is vectorised numpy driven by one :class:`numpy.random.Generator`, split into
independent child streams (one per component) so that changing how one table is drawn does not
change the others. Nothing depends on hash order or on the platform's ``dict``/``set`` order:
every loop runs over a fixed, sorted sequence. Floats that end up in the tables are rounded (to
whole DKK, two decimals for weights and training shares), so a CSV round trip is exact.

The public documentation of the simulated world — its sizes and its *documented truths* — is the
docstring of :mod:`jobhandicap.datasets` and the page ``docs/example-data.md``; the parameters
below are the single place those truths are encoded.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap.datasets._example import (
    FRAME_NAMES,
    REVERSED_STAFF_ITEMS,
    SCHEMAS,
    STAFF_ITEMS,
    SURVEY_ITEMS,
    canonical,
)
from jobhandicap.domain import (
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Likert,
    TargetGroup,
)

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_PEOPLE_DTYPES = SCHEMAS["people"]
SEX_CATEGORIES: Final[tuple[str, ...]] = tuple(_PEOPLE_DTYPES["sex"].categories)
GALI_CATEGORIES: Final[tuple[str, ...]] = tuple(_PEOPLE_DTYPES["gali"].categories)
WG_CATEGORIES: Final[tuple[str, ...]] = tuple(_PEOPLE_DTYPES["wg_seeing"].categories)
WG_DOMAINS: Final[tuple[str, ...]] = tuple(
    c.removeprefix("wg_") for c in _PEOPLE_DTYPES if c.startswith("wg_")
)

# --------------------------------------------------------------------------------------------
# Fixed facts of the simulated world.

#: Extraction date of the case data: open cases are censored here.
EXTRACTED: Final = dt.date(2021, 1, 31)
SURVEY_WAVES: Final = (2017, 2018)
OUTCOME_YEARS: Final = (2017, 2018, 2019, 2020)
CASE_YEARS: Final = (2018, 2019, 2020)
PROFILE_YEAR: Final = 2018
STAFF_YEAR: Final = 2020

#: Survey items: ``target_group_<group>`` for each benefit target group, in TargetGroup order.
TARGET_GROUP_ITEMS: Final = tuple(
    "target_group_" + str(g.value).replace(" ", "_").replace("-", "_") for g in TargetGroup
)

#: Approximate total population (all ages) of each municipality around 2018, rounded; the
#: simulator derives the 16–64 population from it. Not official statistics.
_TOTAL_POPULATION: Final[dict[int, int]] = {
    101: 613_000, 147: 104_000, 151: 48_500, 153: 35_000, 155: 14_300, 157: 75_000,
    159: 69_000, 161: 23_000, 163: 28_500, 165: 27_800, 167: 53_000, 169: 50_000,
    173: 56_000, 175: 40_000, 183: 23_000, 185: 43_000, 187: 16_000, 190: 41_000,
    201: 25_000, 210: 40_500, 217: 63_000, 219: 51_000, 223: 25_000, 230: 56_000,
    240: 43_000, 250: 45_000, 253: 50_000, 259: 60_000, 260: 31_000, 265: 87_000,
    269: 23_000, 270: 41_000, 306: 33_000, 316: 71_000, 320: 36_000, 326: 49_000,
    329: 34_000, 330: 79_000, 336: 22_500, 340: 30_000, 350: 27_500, 360: 42_000,
    370: 82_000, 376: 61_000, 390: 45_500, 400: 39_700, 410: 38_000, 420: 41_000,
    430: 51_500, 440: 24_000, 450: 32_000, 461: 202_000, 479: 58_500, 480: 29_500,
    482: 12_500, 492: 6_100, 510: 56_000, 530: 26_500, 540: 74_500, 550: 37_800,
    561: 115_800, 563: 3_400, 573: 50_000, 575: 42_800, 580: 59_000, 607: 51_000,
    615: 89_000, 621: 92_000, 630: 115_000, 657: 88_000, 661: 58_000, 665: 20_000,
    671: 21_500, 706: 42_000, 707: 37_500, 710: 48_000, 727: 22_500, 730: 97_000,
    740: 92_000, 741: 3_700, 746: 60_000, 751: 340_000, 756: 41_000, 760: 57_000,
    766: 46_000, 773: 20_500, 779: 46_500, 787: 43_800, 791: 96_000, 810: 36_000,
    813: 60_000, 820: 37_000, 825: 1_800, 840: 29_500, 846: 42_000, 849: 38_500,
    851: 213_000, 860: 65_000,
}  # fmt: skip

# Survey answer specifications: (item, wave) -> exact counts or probabilities.
# A spec is ("counts", (n1, n2, n3, n4, n5), n_dont_know, n_missing) — reproduces a published
# distribution exactly — or ("probs", (p1..p5), p_dont_know, p_missing).
_Spec: TypeAlias = tuple[str, tuple[float, ...], float, float]
_COMMON = (0.02, 0.08, 0.25, 0.40, 0.25)
_MEDIUM = (0.05, 0.15, 0.35, 0.30, 0.15)
_RARE = (0.15, 0.30, 0.35, 0.15, 0.05)
_TARGET_GROUP_PROBS: Final[dict[TargetGroup, tuple[float, ...]]] = {
    TargetGroup.INSURED_UNEMPLOYMENT: _MEDIUM,
    TargetGroup.SOCIAL_ASSISTANCE: _MEDIUM,
    TargetGroup.EDUCATION_ASSISTANCE: _RARE,
    TargetGroup.INTEGRATION_BENEFIT: _RARE,
    TargetGroup.SICKNESS_BENEFIT: _COMMON,
    TargetGroup.JOB_CLARIFICATION: _COMMON,
    TargetGroup.RESOURCE_COURSE: _COMMON,
    TargetGroup.FLEX_JOB_UNEMPLOYMENT: _COMMON,
    TargetGroup.FLEX_JOB: _MEDIUM,
    TargetGroup.REHABILITATION: _MEDIUM,
    TargetGroup.DISABILITY_PENSION: _RARE,
    TargetGroup.EMPLOYED: _MEDIUM,
    TargetGroup.STUDENT: _RARE,
    TargetGroup.SELF_SUPPORTING: _RARE,
}
_SURVEY_SPECS: Final[dict[tuple[str, int], _Spec]] = {
    # Published: 36 % high/very high of n = 84 (30), 43 % of n = 82 (35).
    ("political_focus", 2017): ("counts", (4, 15, 33, 24, 6), 2, 0),
    ("political_focus", 2018): ("counts", (3, 12, 30, 27, 8), 2, 0),
    ("management_priority", 2017): ("probs", (0.05, 0.17, 0.40, 0.29, 0.09), 0.02, 0.02),
    ("management_priority", 2018): ("probs", (0.04, 0.14, 0.38, 0.33, 0.11), 0.02, 0.02),
    # Published 2017 (n = 84): 20 / 54 / 21 / 5 / 0 / 0 % very high … don't know.
    ("scheme_focus", 2017): ("counts", (0, 4, 18, 45, 17), 0, 0),
    ("scheme_focus", 2018): ("probs", (0.01, 0.05, 0.20, 0.52, 0.22), 0.01, 0.01),
    ("expected_focus", 2017): ("probs", (0.02, 0.10, 0.38, 0.38, 0.12), 0.03, 0.02),
    # Published 2018: about half expect more focus (41 of 82).
    ("expected_focus", 2018): ("counts", (1, 8, 29, 31, 10), 3, 0),
    # Published 2018: 48 % said the national agreement led to a new local strategy (39 of 82).
    ("new_strategy", 2018): ("counts", (6, 12, 22, 29, 10), 3, 0),
    **{
        (item, wave): ("probs", _TARGET_GROUP_PROBS[group], 0.03, 0.03)
        for item, group in zip(TARGET_GROUP_ITEMS, TargetGroup, strict=True)
        for wave in SURVEY_WAVES
    },
}
#: How strongly proactivity drives each survey item's latent answer (correlation).
_ITEM_LOADING: Final[dict[str, float]] = {
    "political_focus": 0.6,
    "management_priority": 0.75,
    "scheme_focus": 0.6,
    "expected_focus": 0.4,
    "new_strategy": 0.6,
    **dict.fromkeys(TARGET_GROUP_ITEMS, 0.45),
}
_WAVE_PERSISTENCE: Final = 0.7
_RESPONDENTS: Final[dict[int, int]] = {2017: 84, 2018: 82}

#: The multiple-response set "which target groups have you especially focused on bringing the
#: schemes into play for (tick all that apply)": one 0/1 item per target group, in TargetGroup
#: order. Asked in both waves.
TICK_ITEMS: Final = tuple(
    "schemes_used_for_" + str(g.value).replace(" ", "_").replace("-", "_") for g in TargetGroup
)
#: Logit of ticking each target group for a respondent of average propensity whose Likert
#: answer to the group's target_group_ item is 3; the four groups the 2018 survey names
#: (sickness benefit, flex-job unemployment benefit, resource course, job clarification) are
#: ticked by about half the jobcentres, the rare groups by a few.
_TICK_LOGIT: Final[dict[TargetGroup, float]] = {
    TargetGroup.INSURED_UNEMPLOYMENT: -1.4,
    TargetGroup.SOCIAL_ASSISTANCE: -1.2,
    TargetGroup.EDUCATION_ASSISTANCE: -2.6,
    TargetGroup.INTEGRATION_BENEFIT: -2.8,
    TargetGroup.SICKNESS_BENEFIT: -0.2,
    TargetGroup.JOB_CLARIFICATION: -0.7,
    TargetGroup.RESOURCE_COURSE: -0.5,
    TargetGroup.FLEX_JOB_UNEMPLOYMENT: -0.4,
    TargetGroup.FLEX_JOB: -1.3,
    TargetGroup.REHABILITATION: -1.6,
    TargetGroup.DISABILITY_PENSION: -2.8,
    TargetGroup.EMPLOYED: -1.5,
    TargetGroup.STUDENT: -2.6,
    TargetGroup.SELF_SUPPORTING: -3.0,
}
#: Share of the respondents of a wave who skip the whole tick set (no answer to any option).
_TICK_SET_SKIPPED: Final = 0.04

# Cases.
_CASES_PER_YEAR: Final[dict[int, int]] = {2018: 6_500, 2019: 6_700, 2020: 6_800}
_SCHEMES: Final = tuple(CompensationScheme)
_SCHEME_PROBS: Final[dict[int, tuple[float, ...]]] = {
    # personal assistance, PA in education, aids, special expenses, priority access,
    # icebreaker (from 2020), mentor support
    2018: (0.215, 0.025, 0.665, 0.045, 0.010, 0.000, 0.040),
    2019: (0.215, 0.025, 0.665, 0.045, 0.010, 0.000, 0.040),
    2020: (0.210, 0.025, 0.655, 0.045, 0.010, 0.015, 0.040),
}
# Target group by scheme, columns in TargetGroup order.
_GROUP_PROBS: Final[dict[CompensationScheme, tuple[float, ...]]] = {
    CompensationScheme.PERSONAL_ASSISTANCE: (
        0.03, 0.01, 0.0, 0.0, 0.03, 0.01, 0.01, 0.03, 0.25, 0.01, 0.05, 0.53, 0.0, 0.04
    ),
    CompensationScheme.PERSONAL_ASSISTANCE_EDUCATION: (
        0.05, 0.03, 0.05, 0.01, 0.02, 0.02, 0.05, 0.05, 0.07, 0.05, 0.02, 0.28, 0.30, 0.0
    ),
    CompensationScheme.AIDS: (
        0.04, 0.02, 0.01, 0.005, 0.10, 0.03, 0.03, 0.05, 0.20, 0.01, 0.02, 0.45, 0.02, 0.015
    ),
    CompensationScheme.SPECIAL_EXPENSES: (
        0.0, 0.0, 0.0, 0.0, 0.0, 0.35, 0.45, 0.0, 0.0, 0.20, 0.0, 0.0, 0.0, 0.0
    ),
    CompensationScheme.PRIORITY_ACCESS: (
        0.30, 0.20, 0.05, 0.05, 0.05, 0.05, 0.05, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ),
    CompensationScheme.ICEBREAKER: (
        0.60, 0.20, 0.10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.10
    ),
    CompensationScheme.MENTOR_SUPPORT: (
        0.10, 0.15, 0.10, 0.05, 0.10, 0.10, 0.15, 0.05, 0.05, 0.02, 0.0, 0.13, 0.0, 0.0
    ),
}  # fmt: skip
# Per scheme: probability granted, log-days offset, amount median (DKK, NaN = not monetary),
# amount log-sd.
_SCHEME_PARAMS: Final[dict[CompensationScheme, tuple[float, float, float, float]]] = {
    CompensationScheme.PERSONAL_ASSISTANCE: (0.82, 0.25, 225_000.0, 0.55),
    CompensationScheme.PERSONAL_ASSISTANCE_EDUCATION: (0.85, 0.15, 30_000.0, 0.6),
    CompensationScheme.AIDS: (0.86, -0.08, 4_000.0, 0.9),
    CompensationScheme.SPECIAL_EXPENSES: (0.78, 0.0, 6_000.0, 0.8),
    CompensationScheme.PRIORITY_ACCESS: (0.75, -0.3, float("nan"), 0.0),
    CompensationScheme.ICEBREAKER: (0.80, 0.0, 60_000.0, 0.3),
    CompensationScheme.MENTOR_SUPPORT: (0.88, -0.1, 15_000.0, 0.6),
}
_WITHDRAWN: Final = 0.06
# Brings the median days of the applications that are not withdrawn (after the scheme mix and
# rounding up, open cases counted as longest) to _MEDIAN_DAYS.
_DAYS_CALIBRATION: Final = -0.02
_MEDIAN_DAYS: Final[dict[int, float]] = {2018: 45.0, 2019: 35.0, 2020: 28.0}

# Outcomes: the framework conditions (per cent) and their effect on the logit of job entry
# per percentage point above the mean; the documented truth the adjustment recovers.
_SOCIAL_ASSISTANCE_MEAN: Final = 4.0
_UNEMPLOYMENT_MEAN: Final = 4.5
_SOCIAL_ASSISTANCE_EFFECT: Final = -0.12
_UNEMPLOYMENT_EFFECT: Final = -0.15

# People: base employment rate by age band (upper bound inclusive) and logit shifts by GALI,
# calibrated so the 16–64 rates are about 85.9 / 76.3 / 36 % (none / minor / severe).
_AGE_BANDS: Final = (19, 24, 54, 59, 64, 69, 74)
_AGE_BAND_RATE: Final = (0.55, 0.75, 0.88, 0.83, 0.62, 0.22, 0.08)
_GALI_SHIFT: Final = (0.40, -0.31, -2.18)
_PEOPLE: Final = 20_000
_POPULATION_16_74: Final = 4_350_000.0

# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, eq=False)
class World:
    """A simulated world: the canonical frames and the latent truths behind them."""

    frames: dict[str, pd.DataFrame]
    extracted: dt.date
    proactivity: pd.Series  # latent proactivity, index = jobcentre code


def simulate_world(seed: int | np.random.Generator) -> World:
    """Simulate every frame of the example world from ``seed``."""
    rng = np.random.default_rng(seed)
    # Eight streams, one per part of the world. ``rng`` spawns nothing else: the sampled
    # surveys are spawned from it next (``simulate``), so a ninth stream here would move them.
    streams = rng.spawn(8)
    mapping = {year: _mapping(year) for year in OUTCOME_YEARS}
    codes = np.unique(np.concatenate([m["jobcentre"].to_numpy() for m in mapping.values()]))
    z = streams[0].standard_normal(codes.size)
    proactivity = pd.Series(z, index=pd.Index(codes, name="jobcentre"), name="proactivity")

    population = _population(streams[1])
    survey, truth = _survey(streams[2], mapping, proactivity)
    profiles = _profiles(streams[3], mapping[PROFILE_YEAR], proactivity, truth)
    staff = _staff(streams[4], _mapping(STAFF_YEAR), proactivity, population)
    cases = _cases(streams[5], mapping, proactivity, population)
    # The grant periods draw from a stream of their own, spawned from the cases' stream
    # (spawning does not advance a generator): every other column and table keeps its values.
    cases = _grant_periods(streams[5].spawn(1)[0], cases)
    # The framework conditions likewise draw from a stream spawned from the outcomes' stream.
    outcomes = _outcomes(streams[6], mapping, proactivity, population, streams[6].spawn(1)[0])
    people = _people(streams[7])
    frames = {
        "cases": cases,
        "survey": survey,
        "staff": staff,
        "profiles": profiles,
        "population": population,
        "outcomes": outcomes,
        "people": people,
    }
    return World(
        frames={name: canonical(name, frames[name]) for name in FRAME_NAMES},
        extracted=EXTRACTED,
        proactivity=proactivity,
    )


# --------------------------------------------------------------------------------------------
# Helpers


def _mapping(year: int) -> pd.DataFrame:
    """Jobcentre memberships in force on 1 July of ``year``, sorted by municipality."""
    frame = reference.jobcentres(on=reference.membership_day(year))
    frame = frame[["jobcentre", "jobcentre_name", "municipality"]]
    return frame.sort_values("municipality", kind="stable").reset_index(drop=True)


def _jobcentre_table(mapping: pd.DataFrame) -> pd.DataFrame:
    """One row per jobcentre (sorted by code) with its name."""
    table = mapping.drop_duplicates("jobcentre").sort_values("jobcentre", kind="stable")
    return table[["jobcentre", "jobcentre_name"]].reset_index(drop=True)


def _logistic(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))), dtype=np.float64)


def _logit(p: FloatArray | float) -> FloatArray:
    q = np.asarray(p, dtype=np.float64)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def _categorical_draw(rng: np.random.Generator, probs: FloatArray) -> IntArray:
    """One category index per row of ``probs`` (rows sum to 1)."""
    cumulative = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cumulative[:, -1]
    index = (u[:, None] >= cumulative).sum(axis=1)
    return np.asarray(np.minimum(index, probs.shape[1] - 1), dtype=np.int64)


def _quota(y: FloatArray, counts: IntArray) -> tuple[IntArray, FloatArray]:
    """Give categories 1..K to ``y`` by rank, ``counts[k-1]`` each; return them and the cuts.

    Cut ``k`` is the smallest value given a category above ``k`` (``-inf`` when no value is at
    or below category ``k``, ``inf`` when none is above), so that
    ``1 + searchsorted(cuts, v, side="right")`` gives every ranked value its category and places
    any other latent value ``v`` consistently with them.
    """
    n = y.size
    order = np.argsort(y, kind="stable")
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    cumulative = np.cumsum(counts)
    categories = np.searchsorted(cumulative, ranks, side="right").astype(np.int64) + 1
    inner = cumulative[:-1]
    if n == 0:
        return categories, np.zeros(inner.size)
    upper = y[order][np.clip(inner, 0, n - 1)]
    cuts = np.where(inner <= 0, -np.inf, np.where(inner >= n, np.inf, upper))
    return categories, np.asarray(cuts, dtype=np.float64)


def _item_answers(
    rng: np.random.Generator, y: FloatArray, answering: BoolArray, spec: _Spec
) -> tuple[FloatArray, IntArray]:
    """Answers (NaN = no answer) of the answering units and the true category of every unit."""
    kind, values, dont_know, missing = spec
    who = np.flatnonzero(answering)
    n = who.size
    if kind == "counts":
        n_dk, n_missing = int(dont_know), int(missing)
    else:
        n_dk = int(rng.binomial(n, dont_know))
        n_missing = int(rng.binomial(n - n_dk, missing))
    shuffled = rng.permutation(who)
    dk_units, missing_units = shuffled[:n_dk], shuffled[n_dk : n_dk + n_missing]
    substantive = np.sort(shuffled[n_dk + n_missing :])
    if kind == "counts":
        counts = np.asarray(values, dtype=np.int64)
        if int(counts.sum()) != substantive.size:
            raise RuntimeError("survey quota does not add up to the respondents")
    else:
        probs = np.asarray(values, dtype=np.float64)
        counts = rng.multinomial(substantive.size, probs / probs.sum()).astype(np.int64)
    assigned, cuts = _quota(y[substantive], counts)
    truth = (np.searchsorted(cuts, y, side="right") + 1).astype(np.int64)
    answer = np.full(y.size, np.nan)
    answer[substantive] = assigned
    answer[dk_units] = int(Likert.DONT_KNOW)
    answer[missing_units] = np.nan
    return answer, truth


# --------------------------------------------------------------------------------------------
# Components


def _population(rng: np.random.Generator) -> pd.DataFrame:
    municipalities = np.sort(reference.municipalities()["code"].to_numpy(dtype=np.int64))
    total = np.array([_TOTAL_POPULATION[int(c)] for c in municipalities], dtype=np.float64)
    size = (np.log(total) - np.log(1_800.0)) / (np.log(613_000.0) - np.log(1_800.0))
    share = 0.575 + 0.155 * size + rng.normal(0.0, 0.008, municipalities.size)
    growth = -0.006 + 0.016 * size + rng.normal(0.0, 0.003, municipalities.size)
    base = total * share
    years = np.asarray(OUTCOME_YEARS, dtype=np.int64)
    values = np.rint(base[:, None] * (1.0 + growth[:, None]) ** (years[None, :] - 2018))
    return pd.DataFrame(
        {
            "municipality": np.repeat(municipalities, years.size),
            "year": np.tile(years, municipalities.size),
            "population": values.ravel().astype(np.int64),
        }
    )


def _jobcentre_population(mapping: pd.DataFrame, population: pd.DataFrame, year: int) -> pd.Series:
    pop = population.loc[population["year"] == year].set_index("municipality")["population"]
    members = mapping.assign(population=mapping["municipality"].map(pop).to_numpy())
    return members.groupby("jobcentre", sort=True)["population"].sum()


def _survey(
    rng: np.random.Generator, mapping: dict[int, pd.DataFrame], proactivity: pd.Series
) -> tuple[pd.DataFrame, dict[tuple[str, int], pd.Series]]:
    """The long survey frame and each item's true category per jobcentre and wave."""
    codes = proactivity.index.to_numpy()
    z = proactivity.to_numpy()
    # The tick set draws from a stream of its own (spawning does not advance rng), so the
    # Likert answers are those drawn before the set existed.
    tick_rng = rng.spawn(1)[0]
    propensity = 0.4 * z + 0.9 * rng.standard_normal(codes.size)
    items = [item for item in SURVEY_ITEMS if item not in TICK_ITEMS]
    persistent = {item: rng.standard_normal(codes.size) for item in items}
    frames: list[pd.DataFrame] = []
    truth: dict[tuple[str, int], pd.Series] = {}
    for wave in SURVEY_WAVES:
        table = _jobcentre_table(mapping[wave])
        position = np.searchsorted(codes, table["jobcentre"].to_numpy())
        wave_z = z[position]
        score = propensity[position] + 0.5 * rng.standard_normal(position.size)
        top = np.argsort(-score, kind="stable")[: _RESPONDENTS[wave]]
        answering = np.zeros(position.size, dtype=bool)
        answering[top] = True
        answers: list[FloatArray] = []
        wave_items = [item for item in items if (item, wave) in _SURVEY_SPECS]
        for item in wave_items:
            loading = _ITEM_LOADING[item]
            noise = _WAVE_PERSISTENCE * persistent[item][position] + np.sqrt(
                1.0 - _WAVE_PERSISTENCE**2
            ) * rng.standard_normal(position.size)
            y = loading * wave_z + np.sqrt(1.0 - loading**2) * noise
            answer, true = _item_answers(rng, y, answering, _SURVEY_SPECS[item, wave])
            answers.append(answer[answering])
            truth[item, wave] = pd.Series(true, index=table["jobcentre"].to_numpy())
        likert = dict(zip(wave_items, answers, strict=True))
        ticks = _tick_answers(tick_rng, [likert[item] for item in TARGET_GROUP_ITEMS])
        answers.extend(ticks.T)
        wave_items = [*wave_items, *TICK_ITEMS]
        # The respondent is the jobcentre's code as text: the canonical form of a jobcentre
        # named in any spelling (jobhandicap.frames._respondents).
        names = table["jobcentre"].astype(str).to_numpy()[answering]
        frames.append(
            pd.DataFrame(
                {
                    "respondent": np.repeat(names, len(wave_items)),
                    "wave": wave,
                    "item": np.tile(np.asarray(wave_items, dtype=object), names.size),
                    "answer": np.column_stack(answers).ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), truth


def _tick_answers(rng: np.random.Generator, likert: list[FloatArray]) -> FloatArray:
    """The 0/1 ticks (NaN: set skipped) of the respondents, one column per target group.

    A respondent ticks a group more often the higher its Likert answer on bringing the schemes
    into play for that group (don't know and no answer count as the middle), and some tick
    many groups, some few.
    """
    answered = np.column_stack(likert)
    respondents = int(answered.shape[0])
    degree = np.where((answered >= 1) & (answered <= 5), answered, 3.0) - 3.0
    base = np.asarray([_TICK_LOGIT[g] for g in TargetGroup], dtype=np.float64)
    lean = 0.6 * rng.standard_normal(respondents)
    logit = base[np.newaxis, :] + 0.8 * degree + lean[:, np.newaxis]
    ticks = (rng.random(answered.shape) < _logistic(logit)).astype(np.float64)
    skipped = rng.random(respondents) < _TICK_SET_SKIPPED
    return np.where(skipped[:, np.newaxis], np.nan, ticks)


def _profiles(
    rng: np.random.Generator,
    mapping: pd.DataFrame,
    proactivity: pd.Series,
    truth: dict[tuple[str, int], pd.Series],
) -> pd.DataFrame:
    table = _jobcentre_table(mapping)
    jobcentres = table["jobcentre"].to_numpy()
    n = jobcentres.size
    z = proactivity.reindex(jobcentres).to_numpy()

    def likert(loading: float, mean: float) -> FloatArray:
        y = loading * z + np.sqrt(1.0 - loading**2) * rng.standard_normal(n) + mean
        return np.asarray(np.clip(np.rint(3.0 + 1.1 * y), 1, 5), dtype=np.float64)

    def with_missing(values: FloatArray, share: float) -> FloatArray:
        return np.where(rng.random(n) < share, np.nan, values)

    political = truth["political_focus", PROFILE_YEAR].reindex(jobcentres).to_numpy(float)
    management = truth["management_priority", PROFILE_YEAR].reindex(jobcentres).to_numpy(float)
    covered = sum(
        (truth[item, PROFILE_YEAR].reindex(jobcentres).to_numpy() >= 4).astype(np.int64)
        for item in TARGET_GROUP_ITEMS
    )
    written = rng.random(n) < _logistic(-0.1 + 1.5 * z)
    screening = rng.random(n) < _logistic(-0.5 + 1.2 * z)
    key_scores = np.column_stack([1.3 * z - 0.3, np.zeros(n), -1.0 * z - 0.2])
    key_probs = np.exp(key_scores) / np.exp(key_scores).sum(axis=1, keepdims=True)
    key = np.asarray([m.value for m in KeyPersonModel], dtype=object)[
        _categorical_draw(rng, key_probs)
    ]
    training = np.round(_logistic(0.2 + 0.9 * z + 0.5 * rng.standard_normal(n)), 2)
    return pd.DataFrame(
        {
            "jobcentre": jobcentres,
            "political_focus": with_missing(political, 0.02),
            "management_priority": with_missing(management, 0.02),
            "employer_outreach": with_missing(likert(0.65, 0.0), 0.03),
            "external_collaboration": with_missing(likert(0.5, 0.1), 0.03),
            "written_strategy": pd.arrays.BooleanArray(written, rng.random(n) < 0.03),
            "screening_at_intake": pd.arrays.BooleanArray(screening, rng.random(n) < 0.03),
            "key_person_model": pd.Series(key).mask(rng.random(n) < 0.02).to_numpy(),
            "staff_training": with_missing(training, 0.03),
            "target_groups_covered": np.asarray(covered, dtype=np.float64),
        }
    )


def _staff(
    rng: np.random.Generator,
    mapping: pd.DataFrame,
    proactivity: pd.Series,
    population: pd.DataFrame,
) -> pd.DataFrame:
    table = _jobcentre_table(mapping)
    jobcentres = table["jobcentre"].to_numpy()
    size = _jobcentre_population(mapping, population, STAFF_YEAR).reindex(jobcentres).to_numpy()
    weight = size.astype(np.float64) ** 0.8
    per_jobcentre = 2 + rng.poisson(1_340.0 * weight / weight.sum())
    unit = np.repeat(np.arange(jobcentres.size), per_jobcentre)
    n = unit.size
    z = proactivity.reindex(jobcentres).to_numpy()
    knowledge_centre = 0.5 * z + 0.35 * rng.standard_normal(jobcentres.size)
    belief_centre = 0.3 * rng.standard_normal(jobcentres.size)
    knowledge = knowledge_centre[unit] + 0.8 * rng.standard_normal(n)
    belief = 0.45 * knowledge + belief_centre[unit] + 0.75 * rng.standard_normal(n)
    knowledge_items = [item for item in STAFF_ITEMS if item.startswith("knowledge")]
    belief_items = [item for item in STAFF_ITEMS if item.startswith("belief")]
    offsets = {
        "knowledge_1": 0.6, "knowledge_2": 0.0, "knowledge_3": 0.2, "knowledge_4": -0.4,
        "knowledge_5": 0.1, "knowledge_6": 0.3, "belief_1": 0.2, "belief_2": 0.4,
        "belief_3": 0.0, "belief_4": 0.0, "belief_5": -0.5,
    }  # fmt: skip
    columns: list[FloatArray] = []
    for item in STAFF_ITEMS:
        factor = knowledge if item in knowledge_items else belief
        sign = -1.0 if item in REVERSED_STAFF_ITEMS else 1.0
        latent = sign * 0.9 * factor + offsets[item] + 0.7 * rng.standard_normal(n)
        columns.append(np.clip(np.rint(3.0 + latent), 1.0, 5.0))
    values = np.column_stack(columns)
    missing = rng.random(values.shape) < 0.02
    skipped_block = rng.random(n) < 0.02
    is_belief = np.isin(np.asarray([*STAFF_ITEMS]), belief_items)
    missing = missing | (skipped_block[:, None] & is_belief[None, :])
    values = np.where(missing, np.nan, values)
    # Pseudonymous ids in a random order, so that they reveal nothing about the jobcentre.
    number = rng.permutation(n) + 1
    order = np.argsort(number, kind="stable")
    ids = pd.Series(number[order]).astype("string").str.zfill(5)
    k = len(STAFF_ITEMS)
    return pd.DataFrame(
        {
            "respondent": np.repeat(("S" + ids).to_numpy(dtype=object), k),
            "jobcentre": np.repeat(jobcentres[unit[order]], k),
            "item": np.tile(np.asarray([*STAFF_ITEMS], dtype=object), n),
            "value": values[order].ravel(),
        }
    )


def _cases(
    rng: np.random.Generator,
    mapping: dict[int, pd.DataFrame],
    proactivity: pd.Series,
    population: pd.DataFrame,
) -> pd.DataFrame:
    municipalities = np.sort(population["municipality"].unique())
    usage = np.exp(0.2 * rng.standard_normal(municipalities.size))
    jc_days = 0.25 * rng.standard_normal(proactivity.size)
    parts: list[tuple[IntArray, npt.NDArray[np.datetime64]]] = []
    for year in CASE_YEARS:
        members = mapping[year].set_index("municipality")["jobcentre"]
        host = members.reindex(municipalities).to_numpy()
        z = proactivity.reindex(host).to_numpy()
        pop = (
            population.loc[population["year"] == year]
            .set_index("municipality")["population"]
            .reindex(municipalities)
            .to_numpy(dtype=np.float64)
        )
        weight = pop * usage * np.exp(0.25 * z)
        counts = rng.multinomial(_CASES_PER_YEAR[year], weight / weight.sum())
        start = np.datetime64(f"{year}-01-01", "D")
        days = (np.datetime64(f"{year + 1}-01-01", "D") - start).astype(np.int64)
        municipality = np.repeat(municipalities, counts)
        applied = start + rng.integers(0, days, municipality.size).astype("timedelta64[D]")
        parts.append((municipality, applied))
    municipality = np.concatenate([p[0] for p in parts])
    applied = np.concatenate([p[1] for p in parts])
    order = np.lexsort((municipality, applied))
    municipality, applied = municipality[order], applied[order]
    n = municipality.size
    case_year = applied.astype("datetime64[Y]").astype(np.int64) + 1970
    jobcentre = np.asarray(reference.jobcentre_codes(municipality, applied), dtype=np.int64)

    scheme_probs = np.asarray([_SCHEME_PROBS[int(y)] for y in CASE_YEARS])
    scheme = _categorical_draw(rng, scheme_probs[case_year - CASE_YEARS[0]])
    group_matrix = np.asarray([_GROUP_PROBS[s] for s in _SCHEMES], dtype=np.float64)
    group_matrix = group_matrix / group_matrix.sum(axis=1, keepdims=True)
    group = _categorical_draw(rng, group_matrix[scheme])

    params = np.asarray([_SCHEME_PARAMS[s] for s in _SCHEMES], dtype=np.float64)
    p_granted = params[scheme, 0]
    u = rng.random(n)
    decision = np.where(u < p_granted, 0, np.where(u < p_granted + _WITHDRAWN, 2, 1))
    median_days = np.asarray([_MEDIAN_DAYS[int(y)] for y in CASE_YEARS])[case_year - CASE_YEARS[0]]
    jc_position = np.searchsorted(proactivity.index.to_numpy(), jobcentre)
    # Centred over the cases, so the big jobcentres' draws do not move the national level.
    jobcentre_effect = jc_days[jc_position] - jc_days[jc_position].mean()
    log_days = (
        np.log(median_days)
        + _DAYS_CALIBRATION
        + params[scheme, 1]
        + jobcentre_effect
        + 0.55 * rng.standard_normal(n)
        + np.where(decision == 2, np.log(0.7), 0.0)
        + np.where(rng.random(n) < 0.01, np.log(4.0), 0.0)
    )
    duration = np.maximum(1, np.ceil(np.exp(log_days))).astype(np.int64)
    decided = applied + duration.astype("timedelta64[D]")
    is_open = decided > np.datetime64(EXTRACTED.isoformat(), "D")

    median_amount = params[scheme, 2]
    amount = np.round(median_amount * np.exp(params[scheme, 3] * rng.standard_normal(n)))
    unknown_amount = rng.random(n) < 0.01
    granted = (decision == 0) & ~is_open
    amount = np.where(granted & ~unknown_amount, amount, np.nan)

    decisions = np.asarray([d.value for d in Decision], dtype=object)
    seq = pd.Series(np.arange(n)).groupby(case_year).cumcount().to_numpy() + 1
    case_id = (
        pd.Series(case_year).astype("string") + "-" + pd.Series(seq).astype("string").str.zfill(5)
    )
    return pd.DataFrame(
        {
            "case_id": case_id.to_numpy(dtype=object),
            "municipality": municipality,
            "jobcentre": jobcentre,
            "scheme": np.asarray([s.value for s in _SCHEMES], dtype=object)[scheme],
            "target_group": np.asarray([g.value for g in TargetGroup], dtype=object)[group],
            "applied": applied.astype("datetime64[ns]"),
            "decided": np.where(is_open, np.datetime64("NaT"), decided).astype("datetime64[ns]"),
            "decision": pd.Series(decisions[decision]).mask(is_open).to_numpy(),
            "amount_dkk": amount,
        }
    )


def _framework(rng: np.random.Generator, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Social assistance and unemployment (%) per jobcentre (rows) and outcome year (columns).

    Both are worse where proactivity is low (so a raw comparison of job entry by strategy is
    confounded by them), share a local component, and move a little from year to year;
    rounded to 0.1 percentage point, as published, and kept in a plausible range.
    """
    shape = (z.size, len(OUTCOME_YEARS))
    local = rng.standard_normal(z.size)
    assistance = (
        _SOCIAL_ASSISTANCE_MEAN
        + (-0.8 * z + 0.7 * local + 0.7 * rng.standard_normal(z.size))[:, np.newaxis]
        + 0.2 * rng.standard_normal(shape)
    )
    unemployment = (
        _UNEMPLOYMENT_MEAN
        + (-0.6 * z + 0.5 * local + 0.5 * rng.standard_normal(z.size))[:, np.newaxis]
        + 0.3 * rng.standard_normal(shape)
    )
    return (
        np.round(np.clip(assistance, 0.5, 15.0), 1).astype(np.float64),
        np.round(np.clip(unemployment, 1.0, 15.0), 1).astype(np.float64),
    )


#: Grant periods by scheme: (kind, shortest and longest period in days). ``"open"``: from the
#: decision with no end (aids are bought once); ``"closed"``: a period of a drawn length;
#: ``"spell"``: personal assistance, a period of whole years, open-ended now and then.
_PERIODS: Final[dict[CompensationScheme, tuple[str, int, int]]] = {
    CompensationScheme.PERSONAL_ASSISTANCE: ("spell", 1, 4),
    CompensationScheme.PERSONAL_ASSISTANCE_EDUCATION: ("closed", 90, 365),
    CompensationScheme.AIDS: ("open", 0, 0),
    CompensationScheme.SPECIAL_EXPENSES: ("open", 0, 0),
    CompensationScheme.PRIORITY_ACCESS: ("open", 0, 0),
    CompensationScheme.ICEBREAKER: ("closed", 182, 182),
    CompensationScheme.MENTOR_SUPPORT: ("closed", 90, 365),
}
#: Share of personal-assistance grants without an end date.
_OPEN_ENDED_ASSISTANCE: Final = 0.15


def _grant_periods(rng: np.random.Generator, cases: pd.DataFrame) -> pd.DataFrame:
    """Add the grant period, hours per week and yearly amount of each granted case.

    Every granted case's period starts on its decision date, personal assistance up to two
    weeks later. Personal assistance runs one to four whole years (15 % open-ended) with 3 to
    20 hours a week and a yearly amount of its granted amount per year of the period; aids,
    special expenses and priority access have no end; the other schemes run for a drawn
    number of days. The columns are appended: the others keep their values.
    """
    n = len(cases)
    scheme = cases["scheme"].to_numpy(dtype=object)
    granted = (cases["decision"].to_numpy(dtype=object) == Decision.GRANTED.value) & cases[
        "decided"
    ].notna().to_numpy(dtype=bool)
    decided = cases["decided"].to_numpy(dtype="datetime64[D]")
    # Every draw is made for every case, so a case's draws do not depend on the others.
    delay = rng.integers(0, 15, n)
    years = rng.integers(1, 5, n)
    open_draw = rng.random(n)
    length_draw = rng.random(n)
    hours = np.round(rng.uniform(3.0, 20.0, n) * 2) / 2
    kind = np.array([_PERIODS[CompensationScheme(str(s))][0] for s in scheme], dtype=object)
    low = np.array([_PERIODS[CompensationScheme(str(s))][1] for s in scheme], dtype=np.int64)
    high = np.array([_PERIODS[CompensationScheme(str(s))][2] for s in scheme], dtype=np.int64)
    assistance = kind == "spell"
    start = decided + np.where(assistance, delay, 0).astype("timedelta64[D]")
    # Whole years: the day before the same date ``years`` later.
    spell_end = (
        (start.astype("datetime64[M]") + (12 * years).astype("timedelta64[M]")).astype(
            "datetime64[D]"
        )
        + (start - start.astype("datetime64[M]").astype("datetime64[D]"))
        - np.timedelta64(1, "D")
    )
    closed_days = low + np.floor(length_draw * (high - low + 1)).astype(np.int64)
    closed_end = start + (closed_days - 1).astype("timedelta64[D]")
    is_open = (kind == "open") | (assistance & (open_draw < _OPEN_ENDED_ASSISTANCE))
    end = np.where(assistance, spell_end, closed_end)
    nat = np.datetime64("NaT")
    granted_from = np.where(granted, start, nat)
    granted_to = np.where(granted & ~is_open, end, nat)
    amount = cases["amount_dkk"].to_numpy(dtype=np.float64)
    period_years = np.where(is_open, 1.0, years.astype(np.float64))
    with_hours = granted & assistance
    return cases.assign(
        granted_from=granted_from.astype("datetime64[ns]"),
        granted_to=granted_to.astype("datetime64[ns]"),
        hours_per_week=np.where(with_hours, hours, np.nan),
        yearly_amount_dkk=np.where(with_hours, np.round(amount / period_years), np.nan),
    )


def _outcomes(
    rng: np.random.Generator,
    mapping: dict[int, pd.DataFrame],
    proactivity: pd.Series,
    population: pd.DataFrame,
    framework_rng: np.random.Generator,
) -> pd.DataFrame:
    codes = proactivity.index.to_numpy()
    size_effect = 0.15 * rng.standard_normal(codes.size)
    success_effect = 0.15 * rng.standard_normal(codes.size)
    assistance, unemployment = _framework(framework_rng, proactivity.to_numpy())
    parts: list[pd.DataFrame] = []
    for column, year in enumerate(OUTCOME_YEARS):
        pop = _jobcentre_population(mapping[year], population, year)
        jobcentres = pop.index.to_numpy()
        position = np.searchsorted(codes, jobcentres)
        expected = pop.to_numpy(dtype=np.float64) * 0.012 * np.exp(size_effect[position])
        persons = rng.poisson(expected).astype(np.int64)
        sa, un = assistance[position, column], unemployment[position, column]
        logit = (
            _logit(0.20)
            + 0.4 * proactivity.to_numpy()[position]
            + 0.04 * (year - OUTCOME_YEARS[0])
            + _SOCIAL_ASSISTANCE_EFFECT * (sa - _SOCIAL_ASSISTANCE_MEAN)
            + _UNEMPLOYMENT_EFFECT * (un - _UNEMPLOYMENT_MEAN)
            + success_effect[position]
        )
        entered = rng.binomial(persons, _logistic(logit)).astype(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "jobcentre": jobcentres,
                    "year": year,
                    "persons": persons,
                    "entered_job": entered,
                    "social_assistance_pct": sa,
                    "unemployment_pct": un,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _people(rng: np.random.Generator) -> pd.DataFrame:
    n = _PEOPLE
    age = rng.integers(16, 75, n).astype(np.int64)
    female = rng.random(n) < 0.5
    limited = rng.random(n) < _logistic(-2.0 + 0.035 * (age - 16) + 0.15 * female)
    severe = limited & (rng.random(n) < _logistic(-1.3 + 0.015 * (age - 16)))
    gali = limited.astype(np.int64) + severe.astype(np.int64)
    band = np.searchsorted(np.asarray(_AGE_BANDS), age)
    logit = _logit(np.asarray(_AGE_BAND_RATE))[band] + np.asarray(_GALI_SHIFT)[gali]
    employed = rng.random(n) < _logistic(logit)
    # Washington Group answers: one latent per domain, capped and floored by the GALI level.
    offsets = np.asarray([0.0, -0.1, 0.3, 0.1, -0.6, -0.7])
    age_effect = np.asarray([0.01, 0.012, 0.012, 0.0, 0.004, 0.0])
    latent = (
        1.05 * gali[:, None]
        + 0.5 * rng.standard_normal(n)[:, None]
        + 0.7 * rng.standard_normal((n, len(WG_DOMAINS)))
        + offsets[None, :]
        + age_effect[None, :] * (age[:, None] - 45)
    )
    level = np.searchsorted(np.asarray([1.3, 2.3, 3.1]), latent).astype(np.int64)
    level = np.minimum(level, (gali + 1)[:, None])
    forced = _categorical_draw(
        rng, np.tile(np.asarray([0.15, 0.12, 0.35, 0.25, 0.05, 0.08]), (n, 1))
    )
    floor = np.asarray([0, 1, 2])[gali]
    one_hot = np.arange(len(WG_DOMAINS))[None, :] == forced[:, None]
    level = np.where(one_hot, np.maximum(level, floor[:, None]), level)
    weight = np.exp(0.3 * rng.standard_normal(n))
    weight = np.round(weight * _POPULATION_16_74 / weight.sum(), 2)
    labels = np.asarray(WG_CATEGORIES, dtype=object)
    return pd.DataFrame(
        {
            "age": age,
            "sex": np.where(female, "female", "male"),
            "employed": employed,
            "gali": np.asarray(GALI_CATEGORIES, dtype=object)[gali],
            **{f"wg_{d}": labels[level[:, i]] for i, d in enumerate(WG_DOMAINS)},
            "weight": weight,
        }
    )
