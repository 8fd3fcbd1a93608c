"""Sampled surveys of citizens or employers: the checks across their columns (private).

A sampled-survey table is long (one row per respondent, wave and item) and repeats the
respondent's design variables — weight, stratum, cluster, the stratum's population size — and
margin variables (sex, age group, industry, size band, …) on each of the respondent's rows.
:func:`check_sampled_survey` checks that they are one value per respondent and wave, that a
stratum, cluster or population given for some respondents is given for all, and that each
stratum's population is one number, at least the number of respondents sampled from it.
:func:`respondent_columns` keeps the columns outside the schema (the margin variables) as they
are.

A respondent is a respondent *of a wave*: a panel member may be drawn from another stratum, or
weighted differently, in the next wave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.frames._cells import STRING, Parsed, Problems, factorize
from jobhandicap.frames._schema import SAMPLED_SURVEY_SCHEMA

__all__ = ["DESIGN_COLUMNS", "check_sampled_survey", "extra_columns", "respondent_columns"]

#: The design variables of the schema, each one value per respondent and wave.
DESIGN_COLUMNS: tuple[str, ...] = ("weight", "stratum", "cluster", "population")

#: Design variables that a table gives for every respondent or for none.
_ALL_OR_NONE: tuple[str, ...] = ("stratum", "cluster", "population")

_CONSTANT = (
    "a respondent's design and margin variables are the same on each of their rows in a wave"
)


def extra_columns(frame: pd.DataFrame) -> list[Any]:
    """The columns of ``frame`` outside the sampled-survey schema, in the frame's order."""
    names = set(SAMPLED_SURVEY_SCHEMA.names)
    return [c for c in frame.columns if c not in names]


def respondent_columns(
    raw: pd.DataFrame, result: pd.DataFrame, *, as_text: bool = False
) -> pd.DataFrame:
    """``result`` with the columns of ``raw`` outside the schema appended, as they are.

    ``as_text``: as ``string`` columns (the readers', whose cells are text as written). Blank
    rows the readers dropped are not in ``raw``, so its rows are ``result``'s.
    """
    extras = extra_columns(raw)
    if not extras:
        return result
    kept = raw.loc[:, extras].copy(deep=True).set_axis(result.index)
    if as_text:
        kept = kept.astype(STRING)
    return pd.concat([result, kept], axis=1)


def _codes(values: Any) -> npt.NDArray[np.intp]:
    """Codes of the values of a column, missing values sharing one code (-1)."""
    codes, _ = factorize(pd.Series(values, copy=False))
    return np.asarray(codes, dtype=np.intp)


def _first_of_group(
    group: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Positions with a group (``group >= 0``) and the position of their group's first row."""
    where = np.flatnonzero(group >= 0)
    if not len(where):
        return where, where
    _, first, inverse = np.unique(group[where], return_index=True, return_inverse=True)
    return where, where[first][inverse.reshape(-1)]


def _group(*codes: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """One group code per row from several code columns (-1 where the first is -1)."""
    group = np.zeros(len(codes[0]), dtype=np.int64)
    for column in codes:
        group = group * (int(column.max(initial=-1)) + 2) + (column.astype(np.int64) + 1)
    return np.where(codes[0] >= 0, group, -1)


def _raw(frame: pd.DataFrame, name: Any, where: npt.NDArray[np.intp]) -> list[Any]:
    if name not in frame.columns or not len(where):
        return [None] * len(where)
    return list(frame[name].iloc[where].tolist())


def check_sampled_survey(
    frame: pd.DataFrame, columns: Mapping[str, Parsed], problems: Problems
) -> dict[str, Any]:
    """One value of each design and margin variable per respondent and wave; populations fit."""
    respondent, wave = columns["respondent"], columns["wave"]
    known = respondent.ok & wave.ok
    respondent_codes = np.where(known, _codes(respondent.data), -1)
    wave_codes = np.where(known, _codes(wave.data), -1)
    unit = _group(respondent_codes, wave_codes)
    rows = problems.rows

    for name in _ALL_OR_NONE:
        parsed = columns[name]
        if name in frame.columns and parsed.ok.any():
            where = np.flatnonzero(parsed.missing)
            problems.add(
                where,
                name,
                _raw(frame, name, where),
                f"missing {name}: the table gives a {name} for other respondents, so every "
                "respondent needs one",
            )

    # A design variable's cell that is refused or missing is reported as such, so it is left
    # out of the comparison; a margin variable missing on some of a respondent's rows differs.
    checked: list[tuple[Any, npt.NDArray[np.intp], npt.NDArray[np.int64]]] = [
        (name, _codes(columns[name].data), np.where(columns[name].ok, unit, -1))
        for name in DESIGN_COLUMNS
        if name in frame.columns
    ]
    checked += [(name, _codes(frame[name]), unit) for name in extra_columns(frame)]
    for name, codes, groups in checked:
        where, first = _first_of_group(groups)
        differs = codes[where] != codes[first]
        hit = where[differs]
        problems.add(
            hit,
            str(name),
            _raw(frame, name, hit),
            [
                f"{name} differs from the respondent's first row in this wave (row {r}): "
                + _CONSTANT
                for r in rows[first[differs]].tolist()
            ],
        )

    population = columns["population"]
    if "population" in frame.columns and population.ok.any():
        _check_population(frame, columns, unit, wave_codes, respondent_codes, problems)
    return {}


def _check_population(
    frame: pd.DataFrame,
    columns: Mapping[str, Parsed],
    unit: npt.NDArray[np.int64],
    wave_codes: npt.NDArray[np.intp],
    respondent_codes: npt.NDArray[np.intp],
    problems: Problems,
) -> None:
    """One population per stratum and wave, at least the respondents sampled from it."""
    population, stratum = columns["population"], columns["stratum"]
    usable = population.ok & (wave_codes >= 0) & ~stratum.invalid
    if stratum.ok.any():  # a respondent without a stratum is reported as such, not counted
        usable &= stratum.ok
    stratum_codes = _codes(stratum.data)  # no stratum column: one stratum per wave
    group = np.where(usable, _group(wave_codes, stratum_codes), -1)
    values = np.asarray(population.data.to_numpy(dtype=np.int64, na_value=0), dtype=np.int64)
    where, first = _first_of_group(group)
    differs = values[where] != values[first]
    hit = where[differs]
    rows = problems.rows
    problems.add(
        hit,
        "population",
        _raw(frame, "population", hit),
        [
            f"the stratum's population differs from row {r}: give one population per stratum "
            "and wave (the number of units the stratum's sample was drawn from)"
            for r in rows[first[differs]].tolist()
        ],
    )
    # Respondents per stratum: distinct (stratum group, respondent) pairs, counted per group.
    sampled = where[unit[where] >= 0]
    pairs = np.unique(
        np.stack([group[sampled], respondent_codes[sampled].astype(np.int64)]), axis=1
    )
    strata, counts = np.unique(pairs[0], return_counts=True)
    heads, head_index = np.unique(group[where], return_index=True)
    head_rows = where[head_index]
    count_of = np.zeros(len(heads), dtype=np.int64)
    count_of[np.searchsorted(heads, strata)] = counts
    short = values[head_rows] < count_of
    hit = head_rows[short]
    waves = columns["wave"].data
    problems.add(
        hit,
        "population",
        _raw(frame, "population", hit),
        [
            f"the stratum's population ({p}) is smaller than the {k} respondents sampled from "
            f"it in wave {w}: the population is the number of units the stratum's sample was "
            "drawn from"
            for p, k, w in zip(
                values[hit].tolist(),
                count_of[short].tolist(),
                [waves[i] for i in hit.tolist()],
                strict=True,
            )
        ],
    )
