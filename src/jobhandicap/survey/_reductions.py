"""The survey reductions: answers, respondents and wave pairs counted into small tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import AnyFrame, as_pandas
from jobhandicap._grouping import check_columns
from jobhandicap._reduce import engine_sums, grouped_sums
from jobhandicap.errors import (
    JobhandicapError,
)
from jobhandicap.frames import SAMPLED_SURVEY_SCHEMA, SURVEY_SCHEMA
from jobhandicap.survey._common import NO_ANSWER, SURVEY_COLUMNS, answer_codes, survey_input

#: Categories of the canonical survey frames' categorical columns, restored on reduced keys.
SURVEY_CATEGORIES = {
    spec.name: list(spec.categories)
    for schema in (SURVEY_SCHEMA, SAMPLED_SURVEY_SCHEMA)
    for spec in schema.columns
    if spec.kind == "category"
}


def reduce_answers(
    survey: AnyFrame,
    by: str | Sequence[str] | None = ("wave", "item"),
    *,
    items: Sequence[str] | None = None,
    waves: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Reduce the long survey frame to the number of answers per group and answer code.

    The reduction step of :func:`top_box` and :func:`likert_distribution`: they infer from
    this table only.

    Parameters
    ----------
    survey
        Canonical long survey frame: a pandas frame, or a Polars, PyArrow, DuckDB or PySpark
        frame (the counting then runs in that engine; only the reduced table is collected).
    by
        Grouping columns of the survey frame (``wave``, ``item`` or a respondent attribute).
    items, waves
        Keep only the rows of these items and waves (all by default).

    Returns
    -------
    pandas.DataFrame
        One row per combination of the ``by`` values and answer code that occurs, sorted by
        them: the ``by`` columns (with their dtypes), ``answer`` (int64: the Likert code 1–5
        or 9 = don't know, 0 or 1 for a 0/1 tick item, and -1 for a row without an answer)
        and ``n`` (int64: how many rows have that answer in that group). A row with a missing
        grouping value is left out, as in a pandas group-by. Counts only, so the tables of
        parts of the survey add up to the table of the whole
        (:func:`jobhandicap._reduce.combine`).

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": list("abcd"), "wave": 2018, "item": "q",
    ...                        "answer": pd.array([5, 4, 4, None], dtype="Int64")})
    >>> reduce_answers(survey)
       wave item  answer  n
    0  2018    q      -1  1
    1  2018    q       4  2
    2  2018    q       5  1
    """
    names, engine = survey_input(survey, by, "reduce_answers")
    if engine is not None:
        import narwhals.stable.v2 as nw

        conditions = []
        if items is not None:
            conditions.append(nw.col("item").is_in(list(items)).fill_null(value=False))
        if waves is not None:
            conditions.append(nw.col("wave").is_in(list(waves)).fill_null(value=False))
        where = nw.all_horizontal(*conditions, ignore_nulls=False) if conditions else None
        table = engine_sums(
            engine,
            [*names, "answer"],
            derived={"answer": nw.col("answer").cast(nw.Int64).fill_null(NO_ANSWER)},
            where=where,
            categories=SURVEY_CATEGORIES,
        )
        return table.astype({"answer": "int64"})
    survey = as_pandas(survey, function="reduce_answers", what="survey")
    keep = np.ones(len(survey), dtype=bool)
    if items is not None:
        keep &= survey["item"].isin(list(items)).to_numpy(dtype=bool, na_value=False)
    if waves is not None:
        keep &= survey["wave"].isin(list(waves)).to_numpy(dtype=bool, na_value=False)
    codes = answer_codes(survey)[keep]
    answer = np.where(np.isnan(codes), NO_ANSWER, codes).astype(np.int64)
    selected = keep.all()
    keys: dict[str, pd.Series | npt.NDArray[np.int64]] = {
        name: survey[name] if selected else survey[name][keep] for name in names
    }
    return grouped_sums(keys | {"answer": answer})


def answer_totals(
    reduced: pd.DataFrame,
    by: Sequence[str],
    counts: Mapping[str, Callable[[npt.NDArray[np.int64]], npt.NDArray[np.bool_]]],
) -> pd.DataFrame:
    """Per group of ``by``: the number of answers whose code each predicate selects."""
    codes = reduced["answer"].to_numpy(dtype=np.int64)
    n = reduced["n"].to_numpy(dtype=np.float64)
    table = grouped_sums(
        {name: reduced[name] for name in by},
        {name: np.where(select(codes), n, 0.0) for name, select in counts.items()},
        count="_cells",
    ).drop(columns="_cells")
    return table.astype(dict.fromkeys(counts, "int64"))


def reduce_respondents(survey: pd.DataFrame) -> pd.DataFrame:
    """Reduce the long survey frame to its respondents per wave.

    The reduction step of :func:`response_rate`.

    Parameters
    ----------
    survey
        Canonical long survey frame.

    Returns
    -------
    pandas.DataFrame
        One row per wave and respondent, sorted: ``wave``, ``respondent`` and ``n`` (int64:
        the respondent's rows in that wave). The number of rows per wave is the number of
        respondents; the table of the whole is the sum of the tables of parts that split the
        rows by wave or by respondent.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": ["a", "b", "a"], "wave": [2017, 2017, 2018],
    ...                        "item": "q", "answer": pd.array([4, 5, 3], dtype="Int64")})
    >>> reduce_respondents(survey)
       wave respondent  n
    0  2017          a  1
    1  2017          b  1
    2  2018          a  1
    """
    check_columns(survey, ["respondent", "wave"], "survey")
    return grouped_sums({"wave": survey["wave"], "respondent": survey["respondent"]})


def reduce_pairs(
    survey: pd.DataFrame,
    *,
    items: Sequence[str],
    waves: tuple[int, int],
    unpaired: bool = False,
) -> pd.DataFrame:
    """Reduce the survey to a discordance table of the respondents answering in both waves.

    The reduction step of :func:`wave_change`: a respondent pairs when it has an answer (any
    code, "don't know" included) to the item in both waves under the same ``respondent``
    value. With ``unpaired=True`` the table also counts the respondents that answered the
    item in one of the two waves only, so that it holds everything :func:`wave_change` infers
    from: the paired respondents' discordance table and each wave's other answers.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    items
        The items to pair.
    waves
        ``(earlier, later)``.
    unpaired
        Also count the respondents with an answer in one wave only (code -1 in the other).

    Returns
    -------
    pandas.DataFrame
        One row per item and pair of answer codes that occurs, sorted: ``item`` (string),
        ``earlier`` and ``later`` (int64: the answer codes — 1–5 or 9, 0 or 1 for a tick
        item — in the earlier and the later wave) and ``n`` (int64: how many respondents gave
        that pair of answers). With ``unpaired=True``, code -1 (``NO_ANSWER``) marks a wave in
        which the respondent has no answer to the item (it is not in that wave, or its answer
        is missing, as in :func:`reduce_answers`); a pair of two -1 never occurs. The rows
        without -1 are the table without ``unpaired``. Counts only: the tables of parts that
        split the respondents add up to the table of the whole.

    Raises
    ------
    JobhandicapError
        When a respondent answered an item twice in one wave.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": ["a", "b", "c", "a", "b"], "wave": [2017, 2017, 2017, 2018, 2018],
    ...     "item": "focus", "answer": pd.array([2, 4, 5, 4, 4], dtype="Int64")})
    >>> reduce_pairs(survey, items=["focus"], waves=(2017, 2018))
        item  earlier  later  n
    0  focus        2      4  1
    1  focus        4      4  1
    >>> reduce_pairs(survey, items=["focus"], waves=(2017, 2018), unpaired=True)
        item  earlier  later  n
    0  focus        2      4  1
    1  focus        4      4  1
    2  focus        5     -1  1
    """
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    earlier, later = waves
    codes = answer_codes(survey)
    wave = survey["wave"].to_numpy()
    keep = (
        ~np.isnan(codes)
        & np.isin(wave, [earlier, later])
        & survey["item"].isin(list(items)).to_numpy(dtype=bool, na_value=False)
    )
    rows = pd.DataFrame(
        {
            "item": survey["item"].to_numpy()[keep],
            "respondent": survey["respondent"].to_numpy()[keep],
            "later": wave[keep] == later,
            "answer": codes[keep].astype(np.int64),
        }
    )
    repeated = rows.duplicated(["item", "respondent", "later"])
    if repeated.any():
        first = rows.loc[repeated].iloc[0]
        raise JobhandicapError(
            f"respondent {first['respondent']!r} answered item {first['item']!r} twice in wave "
            f"{later if first['later'] else earlier}; wave_change needs one answer each"
        )
    later_rows = rows["later"].to_numpy(dtype=bool)
    both = rows.loc[~later_rows].merge(
        rows.loc[later_rows],
        how="outer" if unpaired else "inner",
        on=["item", "respondent"],
        suffixes=("_earlier", "_later"),
    )
    table = grouped_sums(
        {
            "item": pd.Series(both["item"].to_numpy(), dtype="string"),
            "earlier": both["answer_earlier"].fillna(NO_ANSWER).to_numpy(dtype=np.int64),
            "later": both["answer_later"].fillna(NO_ANSWER).to_numpy(dtype=np.int64),
        }
    )
    return table.astype({"earlier": "int64", "later": "int64"})
