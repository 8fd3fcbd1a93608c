"""Survey respondents that name a jobcentre or municipality, as the jobcentre code (private).

A yearly jobcentre survey names its respondent by the jobcentre, written as each export writes
it: "Jobcenter Høje-Taastrup" one year, "Høje-Tåstrup Kommune" or "0169" the next. So that the
same jobcentre pairs across waves (:func:`jobhandicap.survey.wave_change`), the canonical
survey frame holds the jobcentre's code ("169") instead, when *every* respondent of the table
names a jobcentre or a municipality:

- a municipality code, zero-padded or not ("169", "0169"), or a municipality name or any
  known variant ("Høje-Tåstrup Kommune", "Hoeje Taastrup"), with or without "Jobcenter"
  before or after it, names the jobcentre that served the municipality on 1 July of the
  wave's year (:data:`jobhandicap.reference.MEMBERSHIP_DAY`): Fanø is Esbjerg's jobcentre
  (561), Ishøj Vallensbæk's (187) until 2021 and its own (183) from 2022;
- the name of a joint jobcentre ("Jobcenter Esbjerg-Fanø") names that jobcentre.

Respondents that are not such names (staff ids, "R17", serial numbers) are kept as written.
A table that mixes both is kept as written too — a serial number may look like a code, and
half-normalised respondents would pair worse than none — with a
:class:`~jobhandicap.errors.DataQualityWarning` when some respondents are jobcentre names,
naming a few of those that are not (usually a misspelt name, which the user can correct).
"""

from __future__ import annotations

import functools
import re
import warnings
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import reference
from jobhandicap._labels import label_key
from jobhandicap.errors import DataQualityWarning, SchemaError
from jobhandicap.frames._cells import Problems, spreadsheet_rows

__all__ = ["normalise_respondents", "respondent_jobcentres"]

#: "Jobcenter", "Jobcentre", "Jobcentret" before or after the name, as label keys.
_JOBCENTRE_WORD: Final = re.compile(
    r"^(?:jobcentret|jobcenter|jobcentre)|(?:jobcentret|jobcenter|jobcentre)$"
)
#: Transliterations of æ, ø, å found in ASCII exports (those of :mod:`jobhandicap.reference`).
_TRANSLITERATIONS: Final = (
    str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}),
    str.maketrans({"æ": "ae", "ø": "o", "å": "a"}),
)
#: How many respondents a warning or message spells out.
_SHOWN: Final = 3


@functools.cache
def _joint_names() -> dict[str, int]:
    """Label keys of the jobcentres' names without "Jobcenter" (and transliterated) -> code."""
    table = reference.jobcentres()
    index: dict[str, int] = {}
    for code, name in zip(table["jobcentre"], table["jobcentre_name"], strict=True):
        key = _JOBCENTRE_WORD.sub("", label_key(str(name)))
        for form in {key, *(key.translate(t) for t in _TRANSLITERATIONS)}:
            index.setdefault(form, int(code))
    return index


def _resolve(texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Per text: the municipality or jobcentre code it names (-1: none), and which it is.

    A text is a municipality (code or name, see :func:`jobhandicap.reference.municipality`),
    else one with "Jobcenter" before or after it, else a (joint) jobcentre's name.
    """
    direct = reference.municipality_codes(pd.Series(texts, dtype=object))
    keys = [label_key(text) for text in texts]
    rests = [_JOBCENTRE_WORD.sub("", key) for key in keys]
    stripped = reference.municipality_codes(
        pd.Series(
            [r if r and r != k else None for r, k in zip(rests, keys, strict=True)], dtype=object
        )
    )
    municipality = direct.fillna(stripped).to_numpy(dtype=np.int64, na_value=-1)
    named = _joint_names()
    jobcentre = np.array([named.get(rest, -1) for rest in rests], dtype=np.int64)
    joint = (municipality < 0) & (jobcentre > 0)
    return np.where(joint, jobcentre, municipality), joint


def respondent_jobcentres(
    respondents: pd.Series, waves: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The jobcentre each respondent names in its wave, or -1 where it names none.

    ``respondents`` are texts (missing allowed), ``waves`` the survey years (-1: missing).
    """
    codes, uniques = pd.factorize(respondents, use_na_sentinel=True)
    found, is_joint = _resolve([str(u) for u in uniques])
    unique_codes = np.append(found, -1)  # position -1: a missing respondent
    unique_joint = np.append(is_joint, False)
    code = unique_codes[codes]
    joint = unique_joint[codes]
    years = np.where(waves > 0, waves, 1970)
    days = reference.membership_day(years)
    served = reference.jobcentre_codes(np.where(code > 0, code, -1), days)
    result = np.where(joint, code, served)
    return np.where((waves > 0) & (code > 0), result, -1).astype(np.int64)


def normalise_respondents(
    raw: pd.DataFrame, survey: pd.DataFrame, rows: npt.NDArray[np.int64] | None = None
) -> pd.DataFrame:
    """The canonical survey frame with jobcentre names as jobcentre codes (see the module).

    ``raw`` is the table as given, ``survey`` its canonical frame (row for row), ``rows`` the
    row number of each position as the source shows it (default: as a spreadsheet of ``raw``
    with its header would, position + 2).

    Raises
    ------
    SchemaError
        When two differently written respondents name the same jobcentre in one wave and item
        (each row named, with the respondent as written).
    """
    if survey.empty:
        return survey
    respondents = survey["respondent"]
    waves = survey["wave"].to_numpy(dtype=np.int64, na_value=-1)
    jobcentre = respondent_jobcentres(respondents, waves)
    present = respondents.notna().to_numpy(dtype=bool)
    named = jobcentre >= 0
    if not named[present].all():
        _warn_mixed(respondents, present, named)
        return survey
    normalised: Any = pd.array(
        [
            str(c) if ok else None
            for c, ok in zip(jobcentre.tolist(), present.tolist(), strict=True)
        ],
        dtype=cast(Any, respondents.dtype),
    )
    _refuse_collisions(
        raw, survey, normalised, spreadsheet_rows(len(raw)) if rows is None else rows
    )
    return survey.assign(respondent=normalised)


def _has_letters(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _warn_mixed(
    respondents: pd.Series, present: npt.NDArray[np.bool_], named: npt.NDArray[np.bool_]
) -> None:
    by_name = respondents[present & named].drop_duplicates()
    if not any(_has_letters(str(r)) for r in by_name):
        return
    others = respondents[present & ~named].drop_duplicates().astype(str).tolist()
    shown = ", ".join(repr(o) for o in others[:_SHOWN]) + (
        f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""
    )
    warnings.warn(
        f"{len(by_name)} survey respondent(s) name a jobcentre or municipality, but "
        f"{len(others)} do(es) not ({shown}): the respondents are kept as written, so a "
        "jobcentre written differently in two waves is not paired across them. Write every "
        "respondent as a jobcentre name or code to have them normalised to the jobcentre code",
        DataQualityWarning,
        stacklevel=5,
    )


def _refuse_collisions(
    raw: pd.DataFrame, survey: pd.DataFrame, normalised: Any, rows: npt.NDArray[np.int64]
) -> None:
    """Refuse differently written respondents naming one jobcentre in one wave and item."""
    keys = pd.DataFrame(
        {"respondent": normalised, "wave": survey["wave"].array, "item": survey["item"].array}
    )
    repeated = keys.duplicated(keep=False).to_numpy(dtype=bool)
    if not repeated.any():
        return
    written = survey["respondent"]
    candidates = keys.assign(written=written.to_numpy())[repeated]
    spellings = candidates.groupby(["respondent", "wave", "item"], sort=False, dropna=False)[
        "written"
    ].transform("nunique")
    positions = np.flatnonzero(repeated)[spellings.to_numpy() > 1]
    if not len(positions):
        return  # written alike: the schema's duplicate check has reported them
    problems = Problems(rows, list(survey.columns))
    where = keys.iloc[positions]
    messages = [
        f"respondent names jobcentre {code}, as another row of wave {wave} and item {item!r} "
        "does (another spelling, or another municipality the jobcentre served on 1 July): "
        "give each jobcentre one answer per item and wave"
        for code, wave, item in where.itertuples(index=False)
    ]
    source = raw["respondent"] if "respondent" in raw.columns else written
    problems.add(positions, "respondent", source.iloc[positions].tolist(), messages)
    raise SchemaError(
        "the survey table names one jobcentre twice in a wave and item", problems.frame()
    )
