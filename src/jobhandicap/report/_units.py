"""The units behind the report's tables, for the protection of the release as a whole.

Private to :mod:`jobhandicap.report`. :func:`jobhandicap.disclosure.protect` needs, for every
table that counts persons, the units it counts: one row per case (its application year,
scheme, jobcentre, target group and the statuses the indicators count it under) and one row per
staff respondent and scale. With them, a count shown in several tables is one quantity, and a
total published in one table is a total of another. The protection checks every table against
these units, so a status defined here differently from its indicator is an error, not a
silent leak.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jobhandicap.gap import employment_gap
from jobhandicap.staff import Scale
from jobhandicap.usage import grant_spells, spell_years


def case_units(cases: pd.DataFrame, extracted: dt.date | None) -> pd.DataFrame:
    """One row per case with the keys and statuses the case and usage tables count.

    Statuses: ``granted``, ``refused``, ``decided`` (granted or refused: the base of a grant
    rate), ``with_amount`` and ``without_amount`` (granted with and without a known amount);
    for the processing time, as
    :func:`jobhandicap.processing_time` counts them, ``time_decided`` (decided by the
    extraction date, not withdrawn), ``time_open`` (still open then, not withdrawn),
    ``time_n`` (either) and ``withdrawn`` (by the extraction date; a case withdrawn later was
    open then).
    """
    decision = cases["decision"].astype(object)
    granted = (decision == "granted").to_numpy(dtype=bool)
    refused = (decision == "refused").to_numpy(dtype=bool)
    withdrawn = (decision == "withdrawn").to_numpy(dtype=bool).copy()
    decided_on = cases["decided"].to_numpy(dtype="datetime64[ns]")
    closed = ~np.isnat(decided_on)
    if extracted is not None:
        late = closed & (decided_on > np.datetime64(pd.Timestamp(extracted), "ns"))
        closed &= ~late
        # Withdrawn after the extraction date: still open then, censored like a late decision.
        withdrawn &= ~late
    amount = cases["amount_dkk"].to_numpy(dtype=np.float64, na_value=np.nan)
    known = granted & np.isfinite(amount)
    return pd.DataFrame(
        {
            "year": cases["applied"].dt.year.astype("int64").to_numpy(),
            "scheme": cases["scheme"].astype(object).to_numpy(),
            "jobcentre": cases["jobcentre"].astype(object).to_numpy(),
            "target_group": cases["target_group"].astype(object).to_numpy(),
            "granted": granted,
            "refused": refused,
            "decided": granted | refused,
            "with_amount": known,
            "without_amount": granted & ~known,
            "time_decided": closed & ~withdrawn,
            "time_open": ~closed & ~withdrawn,
            "time_n": ~withdrawn,
            "withdrawn": withdrawn,
            "amount_dkk": np.where(known, amount, 0.0),
        }
    )


def grant_units(cases: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """One row per grant and year it is in force (within ``years``), as active_grants counts.

    ``active`` is every row (a grant in force in the year), ``new`` the row of the year its
    period starts. A grant is a unit in each of its years: the table counts grant-years.
    """
    spells = grant_spells(cases, list(years))
    grant, year, _ = spell_years(spells)
    start_year = spells.start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    rows = spells.rows[grant]
    return pd.DataFrame(
        {
            "year": year,
            "scheme": cases["scheme"].astype(object).to_numpy()[rows],
            "active": np.ones(len(rows), dtype=bool),
            "new": year == start_year[grant] + 1970,
        }
    )


def staff_units(
    staff: pd.DataFrame,
    scales: Sequence[Scale],
    scores: pd.DataFrame | None,
    strategies: pd.DataFrame | None,
    pair: tuple[str, str] | None,
) -> pd.DataFrame:
    """One row per staff respondent and scale, with what the staff tables count.

    ``complete``: every item of the scale answered (the base of its reliability); ``scored``:
    a scale score (the base of the means by strategy type); ``both``: on the row of the first
    scale of ``pair``, scores on both scales of the pair (the base of their association).
    """
    answered = staff.loc[staff["value"].notna(), ["respondent", "item"]]
    respondents = pd.Index(pd.unique(staff["respondent"]), name="respondent")
    jobcentre = staff.groupby("respondent", sort=False)["jobcentre"].first()
    if strategies is not None:
        kinds = strategies.set_index("jobcentre")["strategy"].astype(object)
        strategy = jobcentre.map(kinds.to_dict())
    else:
        strategy = pd.Series(None, index=jobcentre.index, dtype=object)
    score_table = None if scores is None else scores.set_index("respondent")
    frames = []
    for scale in scales:
        items = answered[answered["item"].astype(object).isin(list(scale.items))]
        counts = items.groupby("respondent", sort=False).size()
        complete = counts.reindex(respondents, fill_value=0).to_numpy() == len(scale.items)
        if score_table is not None and scale.name in score_table.columns:
            scored = score_table[scale.name].reindex(respondents).notna().to_numpy()
        else:
            scored = np.zeros(len(respondents), dtype=bool)
        both = np.zeros(len(respondents), dtype=bool)
        if pair is not None and scale.name == pair[0] and score_table is not None:
            both = score_table[list(pair)].reindex(respondents).notna().all(axis=1).to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "scale": scale.name,
                    "strategy": strategy.reindex(respondents).to_numpy(dtype=object),
                    "complete": complete,
                    "scored": scored,
                    "both": both,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["scale", "strategy", "complete", "scored", "both"])
    return pd.concat(frames, ignore_index=True)


def people_units(people: pd.DataFrame, weight: str | None) -> pd.DataFrame:
    """The persons behind the employment-gap table, by severity and employment, with counts.

    The table shows unweighted counts and (with survey weights) weighted rates; an unweighted
    rate times its count is the number employed, so the employed and the not employed of each
    group are units the protection must know. They are counted here with
    :func:`jobhandicap.employment_gap` itself (unweighted), so the definitions (age band,
    levels of limitation) are the table's own. ``persons`` is the number of persons per row.
    """
    del weight  # counts are unweighted whatever the table's rates
    plain = employment_gap(people, weights=None, split_severity=True)
    rows: list[tuple[str, str, bool, float]] = []
    for record in plain.to_dict("records"):
        severity = str(record["severity"])
        if severity not in ("some", "severe"):
            continue
        n = float(record["n_disabled"])
        employed = float(np.round(float(record["rate_disabled"]) * n)) if n else 0.0
        rows += [
            (severity, "disabled", True, employed),
            (severity, "disabled", False, n - employed),
        ]
    if len(plain):
        first = plain.iloc[0]
        n = float(first["n_not_disabled"])
        employed = float(np.round(float(first["rate_not_disabled"]) * n)) if n else 0.0
        rows += [
            ("none", "not_disabled", True, employed),
            ("none", "not_disabled", False, n - employed),
        ]
        rows.append(("missing", "missing", False, float(first["n_missing"])))
    frame = pd.DataFrame(rows, columns=["severity", "status", "employed", "persons"])
    status = frame["status"]
    return frame.assign(
        disabled=status == "disabled",
        disabled_employed=(status == "disabled") & frame["employed"],
        disabled_not_employed=(status == "disabled") & ~frame["employed"],
        not_disabled=status == "not_disabled",
        not_disabled_employed=(status == "not_disabled") & frame["employed"],
        not_disabled_not_employed=(status == "not_disabled") & ~frame["employed"],
        missing=status == "missing",
    )
