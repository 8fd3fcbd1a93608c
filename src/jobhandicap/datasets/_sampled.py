r"""The sampled surveys of the example world: citizens with a disability and employers (private).

Two surveys of the 2021 mapping's "citizen and employer perspective", each a stratified sample
of a known population, with answers that depend on the strata and on the margin variables, so
that weighting visibly matters:

- **citizens** — people aged 16–64 with a disability, stratified by region (the ``stratum``
  holds the :class:`~jobhandicap.Region` value), 400 respondents per region whatever its size
  (a disproportionate allocation: North Denmark is over-represented). Older people and women
  answer more often than younger people and men, so the sample holds too many of them for
  their share of the population. Margin variables ``sex`` and ``age_group`` with known
  population totals (:data:`CITIZEN_MARGINS`).
- **employers** — workplaces with employees, stratified by ``size_band`` (1–9, 10–49,
  50–249, 250+ employees), 300 per band (so large workplaces, 900 in the population, are a
  third of the sample). Workplaces in construction and trade answer less often. Margin
  variables ``size_band`` and ``industry`` with known totals (:data:`EMPLOYER_MARGINS`).

Each respondent's design weight is :math:`N_h / n_h` (stratum population over stratum sample),
``population`` is :math:`N_h`, and the weights of a stratum add up to :math:`N_h`, so every
margin's totals add up to the sum of the weights. Answers come from a latent
:math:`y = \text{stratum effect} + \text{margin effects} + \varepsilon`, :math:`\varepsilon
\sim N(0, 1)`, cut into the Likert codes 1–5; about 6 % answer "don't know" (9) and 2 % give
no answer. Older citizens and larger workplaces know the schemes better, so the unweighted
share overstates what the population answers.

The module holds the fixed facts (the population tables, read by
:mod:`jobhandicap.datasets._example` for the margins) and :func:`simulate_sampled`, run by
:func:`jobhandicap.datasets.simulate` on a stream of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap.domain import Region
from jobhandicap.frames._schema import SAMPLED_SURVEY_SCHEMA

__all__ = [
    "CITIZEN_ITEMS",
    "CITIZEN_MARGINS",
    "CITIZEN_POPULATION",
    "EMPLOYER_ITEMS",
    "EMPLOYER_MARGINS",
    "EMPLOYER_POPULATION",
    "SAMPLED_SURVEYS",
    "SAMPLED_WAVE",
    "simulate_sampled",
]

#: The sampled surveys of the example, by the name of their frame.
SAMPLED_SURVEYS: Final[tuple[str, ...]] = ("citizens", "employers")

#: The year both sampled surveys were fielded.
SAMPLED_WAVE: Final = 2021

#: Citizen-survey items, in questionnaire order (wording: ``reference.instruments("citizen")``).
CITIZEN_ITEMS: Final[tuple[str, ...]] = reference.instrument_items("citizen")
#: Employer-survey items, in questionnaire order.
EMPLOYER_ITEMS: Final[tuple[str, ...]] = reference.instrument_items("employer")

_STRING: Final = pd.StringDtype()

# --------------------------------------------------------------------------------------------
# The populations (fixed facts, not draws; approximate, not official statistics).

SEXES: Final = ("female", "male")
AGE_GROUPS: Final = ("16-29", "30-49", "50-64")
SIZE_BANDS: Final = ("1-9", "10-49", "50-249", "250+")
INDUSTRIES: Final = (
    "manufacturing",
    "construction",
    "trade and transport",
    "business services",
    "public and personal services",
)
REGIONS: Final = tuple(str(r.value) for r in Region)

_REGION_SIZE: Final = {
    Region.CAPITAL: 210_000,
    Region.ZEALAND: 105_000,
    Region.SOUTHERN_DENMARK: 150_000,
    Region.CENTRAL_DENMARK: 160_000,
    Region.NORTH_DENMARK: 75_000,
}
_AGE_SHARES: Final = {
    Region.CAPITAL: (0.27, 0.38, 0.35),
    Region.ZEALAND: (0.18, 0.34, 0.48),
    Region.SOUTHERN_DENMARK: (0.21, 0.36, 0.43),
    Region.CENTRAL_DENMARK: (0.23, 0.37, 0.40),
    Region.NORTH_DENMARK: (0.18, 0.33, 0.49),
}
_FEMALE_SHARE: Final = (0.52, 0.55, 0.57)  # by age group


def _citizen_population() -> pd.DataFrame:
    """People with a disability aged 16–64 by region, sex and age group (whole numbers)."""
    rows = [
        (str(region.value), sex, age, round(size * share * (f if sex == "female" else 1 - f)))
        for region, size in _REGION_SIZE.items()
        for age, share, f in zip(AGE_GROUPS, _AGE_SHARES[region], _FEMALE_SHARE, strict=True)
        for sex in SEXES
    ]
    return pd.DataFrame(rows, columns=["stratum", "sex", "age_group", "count"])


_BAND_SIZE: Final = {"1-9": 120_000, "10-49": 26_000, "50-249": 5_000, "250+": 900}
_INDUSTRY_SHARES: Final = {
    "1-9": (0.08, 0.16, 0.30, 0.28, 0.18),
    "10-49": (0.14, 0.14, 0.28, 0.22, 0.22),
    "50-249": (0.22, 0.10, 0.22, 0.18, 0.28),
    "250+": (0.24, 0.06, 0.16, 0.16, 0.38),
}


def _employer_population() -> pd.DataFrame:
    """Workplaces with employees by size band and industry (whole numbers)."""
    rows = [
        (band, industry, round(size * share))
        for band, size in _BAND_SIZE.items()
        for industry, share in zip(INDUSTRIES, _INDUSTRY_SHARES[band], strict=True)
    ]
    return pd.DataFrame(rows, columns=["stratum", "industry", "count"])


#: The citizens' population: one row per region (``stratum``), ``sex`` and ``age_group``.
CITIZEN_POPULATION: Final = _citizen_population()
#: The employers' population: one row per size band (``stratum``) and ``industry``.
EMPLOYER_POPULATION: Final = _employer_population()


def _margins(table: pd.DataFrame, columns: Mapping[str, str]) -> Mapping[str, Mapping[str, float]]:
    """Population totals of each margin: {margin column: {level: total}}."""
    return MappingProxyType(
        {
            margin: MappingProxyType(
                {
                    str(level): float(total)
                    for level, total in table.groupby(source, sort=False)["count"].sum().items()
                }
            )
            for margin, source in columns.items()
        }
    )


#: The citizens' known population margins (``sex`` and ``age_group``), as ``rake`` takes them.
CITIZEN_MARGINS: Final = _margins(CITIZEN_POPULATION, {"sex": "sex", "age_group": "age_group"})
#: The employers' known population margins (``size_band`` and ``industry``).
EMPLOYER_MARGINS: Final = _margins(
    EMPLOYER_POPULATION, {"size_band": "stratum", "industry": "industry"}
)

# --------------------------------------------------------------------------------------------
# Sampling and answers

_CITIZENS_PER_REGION: Final = 400
_EMPLOYERS_PER_BAND: Final = 300
_DONT_KNOW: Final = 0.06
_NO_ANSWER: Final = 0.02
_CUTS: Final = np.array([-1.4, -0.5, 0.4, 1.3])

#: Relative response propensity by (sex, age group): older people and women answer more.
_CITIZEN_RESPONSE: Final = {
    ("female", "16-29"): 0.55,
    ("male", "16-29"): 0.40,
    ("female", "30-49"): 0.75,
    ("male", "30-49"): 0.60,
    ("female", "50-64"): 1.00,
    ("male", "50-64"): 0.85,
}
#: Relative response propensity by industry.
_EMPLOYER_RESPONSE: Final = {
    "manufacturing": 0.8,
    "construction": 0.45,
    "trade and transport": 0.55,
    "business services": 0.7,
    "public and personal services": 1.0,
}

# Latent effects per item: (stratum effects, effects of the first and second margin variable).
_CITIZEN_EFFECTS: Final = {
    "citizen_knows_schemes": (
        (0.45, -0.25, 0.0, 0.1, -0.5),
        {"female": 0.1, "male": -0.1},
        {"16-29": -0.7, "30-49": 0.0, "50-64": 0.6},
    ),
    "citizen_jobcentre_help": (
        (-0.3, 0.1, 0.0, 0.15, 0.45),
        {"female": 0.0, "male": 0.0},
        {"16-29": -0.4, "30-49": 0.0, "50-64": 0.35},
    ),
    "citizen_understood": (
        (0.0, -0.1, 0.05, 0.1, 0.2),
        {"female": 0.15, "male": -0.15},
        {"16-29": -0.3, "30-49": 0.0, "50-64": 0.3},
    ),
}
_EMPLOYER_EFFECTS: Final = {
    "employer_knows_schemes": (
        (-0.6, 0.0, 0.5, 0.9),
        {
            "manufacturing": 0.0,
            "construction": -0.3,
            "trade and transport": -0.2,
            "business services": 0.0,
            "public and personal services": 0.4,
        },
    ),
    "employer_would_hire": (
        (-0.4, 0.0, 0.3, 0.6),
        {
            "manufacturing": 0.1,
            "construction": -0.2,
            "trade and transport": 0.0,
            "business services": -0.1,
            "public and personal services": 0.3,
        },
    ),
    "employer_knows_contact": (
        (-0.8, -0.1, 0.4, 0.8),
        {
            "manufacturing": 0.0,
            "construction": -0.2,
            "trade and transport": -0.1,
            "business services": 0.0,
            "public and personal services": 0.3,
        },
    ),
}


def _draw_cells(
    rng: np.random.Generator, population: pd.DataFrame, response: npt.NDArray[np.float64], n: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Draw ``n`` respondents per stratum: the row of ``population`` of each, and its weight.

    Within a stratum a respondent falls in a cell with probability proportional to the cell's
    count times its response propensity; the weight is the stratum's size over ``n``.
    """
    strata = population["stratum"].to_numpy()
    counts = population["count"].to_numpy(dtype=np.float64)
    cells: list[npt.NDArray[np.intp]] = []
    weights: list[npt.NDArray[np.float64]] = []
    for stratum in dict.fromkeys(strata.tolist()):  # the handful of strata, in table order
        rows = np.flatnonzero(strata == stratum)
        p = counts[rows] * response[rows]
        cells.append(rows[rng.choice(len(rows), size=n, p=p / p.sum())])
        weights.append(np.full(n, counts[rows].sum() / n))
    return np.concatenate(cells), np.concatenate(weights)


def _answers(rng: np.random.Generator, latent: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Likert codes from latent values (NaN = no answer, 9 = don't know)."""
    y = latent + rng.standard_normal(latent.shape)
    codes = (np.searchsorted(_CUTS, y) + 1).astype(np.float64)
    u = rng.random(latent.shape)
    codes[u < _DONT_KNOW] = 9
    codes[(u >= _DONT_KNOW) & (u < _DONT_KNOW + _NO_ANSWER)] = np.nan
    return codes


def _long(
    prefix: str,
    population: pd.DataFrame,
    cells: pd.DataFrame,
    weights: npt.NDArray[np.float64],
    answers: npt.NDArray[np.float64],
    items: tuple[str, ...],
    margins: tuple[str, ...],
) -> pd.DataFrame:
    """The canonical long frame: one row per respondent and item, respondent-major.

    ``population`` is the table the respondents (``cells``, one row each) were drawn from.
    """
    n, k = answers.shape
    respondents = np.array([f"{prefix}{i:04d}" for i in range(1, n + 1)], dtype=object)
    sizes = cells["stratum"].map(population.groupby("stratum")["count"].sum()).to_numpy()
    schema = SAMPLED_SURVEY_SCHEMA.dtypes

    def repeat(values: npt.ArrayLike) -> npt.NDArray[np.generic]:
        return np.repeat(np.asarray(values), k)

    frame = pd.DataFrame(
        {
            "respondent": pd.array(repeat(respondents), dtype=schema["respondent"]),
            "wave": np.full(n * k, SAMPLED_WAVE, dtype=np.int64),
            "item": pd.array(np.tile(np.array(items, dtype=object), n), dtype=schema["item"]),
            "answer": pd.array(answers.reshape(-1), dtype="Float64").astype(schema["answer"]),
            "weight": repeat(weights).astype(np.float64),
            "stratum": pd.array(repeat(cells["stratum"].to_numpy()), dtype=schema["stratum"]),
            "cluster": pd.array([None] * (n * k), dtype=schema["cluster"]),
            "population": pd.array(repeat(sizes), dtype=schema["population"]),
            **{m: pd.array(repeat(cells[m].to_numpy()), dtype=_STRING) for m in margins},
        }
    )
    return frame


def _citizens(rng: np.random.Generator) -> pd.DataFrame:
    population = CITIZEN_POPULATION
    response = np.array(
        [
            _CITIZEN_RESPONSE[(s, a)]
            for s, a in zip(population["sex"], population["age_group"], strict=True)
        ]
    )
    rows, weights = _draw_cells(rng, population, response, _CITIZENS_PER_REGION)
    cells = population.iloc[rows].reset_index(drop=True)
    region = np.array([REGIONS.index(s) for s in cells["stratum"]])
    latent = np.column_stack(
        [
            np.asarray(by_region)[region]
            + cells["sex"].map(by_sex).to_numpy(dtype=np.float64)
            + cells["age_group"].map(by_age).to_numpy(dtype=np.float64)
            for by_region, by_sex, by_age in (_CITIZEN_EFFECTS[i] for i in CITIZEN_ITEMS)
        ]
    )
    return _long(
        "C", population, cells, weights, _answers(rng, latent), CITIZEN_ITEMS, ("sex", "age_group")
    )


def _employers(rng: np.random.Generator) -> pd.DataFrame:
    population = EMPLOYER_POPULATION
    response = np.asarray(
        population["industry"].map(_EMPLOYER_RESPONSE).to_numpy(), dtype=np.float64
    )
    rows, weights = _draw_cells(rng, population, response, _EMPLOYERS_PER_BAND)
    cells = population.iloc[rows].reset_index(drop=True).assign(size_band=lambda t: t["stratum"])
    band = np.array([SIZE_BANDS.index(s) for s in cells["stratum"]])
    latent = np.column_stack(
        [
            np.asarray(by_band)[band] + cells["industry"].map(by_industry).to_numpy(np.float64)
            for by_band, by_industry in (_EMPLOYER_EFFECTS[i] for i in EMPLOYER_ITEMS)
        ]
    )
    return _long(
        "E",
        population,
        cells,
        weights,
        _answers(rng, latent),
        EMPLOYER_ITEMS,
        ("industry", "size_band"),
    )


def simulate_sampled(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The citizen and employer surveys drawn from ``rng`` (two child streams of it)."""
    citizens, employers = rng.spawn(2)
    return {"citizens": _citizens(citizens), "employers": _employers(employers)}
