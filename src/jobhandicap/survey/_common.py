"""What every survey indicator shares: the checks of its arguments, answer codes and constants."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import AnyFrame, EngineFrame, check_engine_columns, engine_frame
from jobhandicap._grouping import as_by, check_columns
from jobhandicap._options import check_choice, check_count
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats._core import FloatArray

DontKnow = Literal["include", "exclude"]
Population = int | Mapping[int, int] | pd.DataFrame | Literal["jobcentres"]

SURVEY_COLUMNS = ("respondent", "wave", "item", "answer")
DONT_KNOW = int(Likert.DONT_KNOW)
SCALE = tuple(int(a) for a in Likert)
#: The answer code of a row without an answer in the reduced tables: no answer code is
#: negative (0 is "not ticked" of a 0/1 tick item, 1-5 and 9 are Likert codes).
NO_ANSWER = -1
#: Columns the reductions add, which a grouping column may not be named.
RESERVED = ("answer", "n")


def check_survey(survey: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """Check the columns a survey indicator needs; return ``by`` as a list."""
    names = _grouping_names(by)
    check_columns(survey, list(dict.fromkeys((*SURVEY_COLUMNS[1:], *names))), "survey")
    return names


def _grouping_names(by: str | Sequence[str] | None) -> list[str]:
    names = as_by(by)
    reserved = [name for name in names if name in RESERVED]
    if reserved:
        raise OptionError(
            f"by cannot group by {reserved}: the answer codes and counts are columns of the "
            "result; group by the respondents' attributes, the wave or the item"
        )
    return names


def survey_input(
    survey: AnyFrame, by: str | Sequence[str] | None, function: str
) -> tuple[list[str], EngineFrame | None]:
    """:func:`check_survey` for a pandas frame or a frame of another engine.

    Returns ``by`` as a list and the wrapped engine frame (``None`` for pandas).
    """
    engine = engine_frame(survey, function=function, what="survey")
    if engine is None:
        return check_survey(survey, by), None  # type: ignore[arg-type]
    names = _grouping_names(by)
    check_engine_columns(engine, list(dict.fromkeys((*SURVEY_COLUMNS[1:], *names))), "survey")
    return names, engine


def check_boxes(boxes: object) -> int:
    value = check_count(boxes, "boxes", minimum=1)
    if value > 4:
        raise OptionError(
            f"boxes must be a whole number from 1 to 4 (2 = high or very high), got {boxes!r}"
        )
    return value


def check_dont_know(dont_know: object) -> DontKnow:
    if check_choice("dont_know", dont_know, ("include", "exclude")) == "include":
        return "include"
    return "exclude"


def answer_codes(survey: pd.DataFrame) -> FloatArray:
    """Return the answers as float codes, NaN where not answered."""
    return survey["answer"].to_numpy(dtype=np.float64, na_value=np.nan)


def is_top(codes: npt.NDArray[np.int64], boxes: int) -> npt.NDArray[np.bool_]:
    """Whether each answer code is in the top ``boxes`` categories."""
    return (codes >= 6 - boxes) & (codes <= 5)


@contextmanager
def one_small_sample_warning() -> Iterator[None]:
    """Silence the estimators' own small-base warnings: the indicator warns once itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        yield


def group_labels(groups: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """A short label per group, for a warning: ``wave=2018, item=focus``."""
    if not by:
        return ["all"] * len(groups)
    columns = [groups[name].astype("string").fillna("<NA>").tolist() for name in by]
    return [
        ", ".join(f"{name}={value}" for name, value in zip(by, values, strict=True))
        for values in zip(*columns, strict=True)
    ]


def check_one_answer(survey: pd.DataFrame, what: str) -> None:
    """Raise when a respondent has two rows for one item in one wave: ``what`` needs one each.

    Counting both would weigh the respondent twice and settle a conflict between the two
    answers silently, so the duplicate is refused with the first one named.
    """
    twice = survey.duplicated(["respondent", "wave", "item"]).to_numpy(dtype=bool)
    if twice.any():
        row = int(np.flatnonzero(twice)[0])
        raise JobhandicapError(
            f"respondent {survey['respondent'].iloc[row]!r} answered item "
            f"{survey['item'].iloc[row]!r} twice in wave {survey['wave'].iloc[row]}; {what} "
            "needs one answer each (remove or merge the duplicate rows)"
        )
