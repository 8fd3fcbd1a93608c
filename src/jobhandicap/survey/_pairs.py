"""The pair reduction: answers to two items by the same respondent, counted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._grouping import check_columns
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import ArgumentTypeError, JobhandicapError, OptionError
from jobhandicap.survey._common import SURVEY_COLUMNS, answer_codes, check_survey

#: Names a ``by=`` column of the cross-tabulations cannot have (columns of their results).
_PAIR_COLUMNS = ("row_item", "column_item", "row_answer", "column_answer")


def as_items(value: object, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return list(dict.fromkeys(value))
    raise ArgumentTypeError(
        f"{name} must be a survey item or a non-empty list of items, got {value!r}"
    )


def check_known(survey: pd.DataFrame, column: str, wanted: Sequence[object]) -> None:
    available = set(survey[column].dropna().unique().tolist())
    unknown = [w for w in wanted if w not in available]
    if unknown:
        shown = sorted(map(str, available))[:20]
        raise OptionError(f"unknown {column}(s) {unknown!r}; the survey has {column}s {shown}")


def as_waves(survey: pd.DataFrame, wave: object) -> list[int] | None:
    if wave is None:
        return None
    if isinstance(wave, bool):
        raise ArgumentTypeError(f"wave must be a year or a list of years, got {wave!r}")
    if isinstance(wave, int | np.integer):
        waves = [int(wave)]
    elif (
        isinstance(wave, Sequence)
        and wave
        and all(isinstance(w, int | np.integer) and not isinstance(w, bool) for w in wave)
    ):
        waves = [int(w) for w in wave]
    else:
        raise ArgumentTypeError(f"wave must be a year or a list of years, got {wave!r}")
    check_known(survey, "wave", waves)
    return waves


def check_by(by: str | Sequence[str] | None) -> None:
    names = [by] if isinstance(by, str) else list(by or ())
    clash = [name for name in names if name in (*_PAIR_COLUMNS, "wave", "item", "respondent")]
    if clash:
        raise OptionError(
            f"by cannot group by {clash}: the waves, items and answer codes are columns of "
            "the result already; group by the respondents' attributes"
        )


def reduce_answer_pairs(
    survey: pd.DataFrame,
    rows: str | Sequence[str],
    columns: str | Sequence[str] | None = None,
    *,
    by: str | Sequence[str] | None = None,
    waves: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Reduce the survey to counts of pairs of answers given by the same respondent.

    The reduction step of :func:`crosstab`, :func:`item_association` and (with an item as
    ``by``) :func:`top_box_difference`: they infer from this table only.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    rows, columns
        The items of the pairs: every item of ``rows`` with every item of ``columns``; with
        ``columns=None``, every pair of two different items of ``rows`` (in the order given).
    by
        Respondent attributes (columns of the survey frame) to count by, besides the wave.
    waves
        Keep only these waves (all by default).

    Returns
    -------
    pandas.DataFrame
        One row per combination that occurs, sorted: ``wave``, the ``by`` columns,
        ``row_item`` and ``column_item`` (string), ``row_answer`` and ``column_answer``
        (int64: the codes 1–5 or 9 = don't know) and ``n`` (int64: respondents who gave that
        pair of answers). A respondent counts in a pair when it answered both items in the
        same wave under the same ``respondent`` value (and the same ``by`` values); a row
        without an answer counts in no pair. Counts only: the tables of parts that split the
        respondents add up to the table of the whole.

    Raises
    ------
    JobhandicapError
        When a respondent answered an item twice in one wave.

    Notes
    -----
    The answers are laid out as one row per respondent and wave and one column per item;
    each row item's pairs are then counted with :func:`jobhandicap._reduce.grouped_sums`
    over (group, column item, row answer, column answer). No loop over respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": ["a", "a", "b", "b", "c"], "wave": 2018,
    ...     "item": ["focus", "use", "focus", "use", "focus"],
    ...     "answer": pd.array([4, 5, 4, 5, 2], dtype="Int64")})
    >>> reduce_answer_pairs(survey, "focus", "use")
       wave row_item column_item  row_answer  column_answer  n
    0  2018    focus         use           4              5  2
    """
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    check_by(by)
    names = check_survey(survey, by)
    row_items = as_items(rows, "rows")
    column_items = row_items if columns is None else as_items(columns, "columns")
    selected = list(dict.fromkeys([*row_items, *column_items]))
    n_items = len(selected)
    item_codes, item_values = pd.factorize(survey["item"])
    item = np.append(pd.Index(selected).get_indexer(item_values), -1)[item_codes]
    codes = answer_codes(survey)
    keep = (item >= 0) & ~np.isnan(codes)
    if waves is not None:
        keep &= survey["wave"].isin(list(waves)).to_numpy(dtype=bool, na_value=False)
    group_names = ["wave", *names]
    # A unit is a respondent in a wave (and group): its answers pair with each other.
    group_code, group_values = _mixed_codes([survey[name] for name in group_names], keep)
    respondent, _ = pd.factorize(survey["respondent"])
    keep &= (group_code >= 0) & (respondent >= 0)
    unit, unit_group = _units(group_code[keep], respondent[keep])
    item, answer = item[keep], codes[keep].astype(np.int64)
    cell = unit * n_items + item
    repeated = np.bincount(cell, minlength=len(unit_group) * n_items) > 1
    if repeated.any():
        first = int(np.flatnonzero(repeated)[0])
        row = np.flatnonzero(keep)[np.flatnonzero(cell == first)[0]]
        raise JobhandicapError(
            f"respondent {survey['respondent'].iloc[row]!r} answered item "
            f"{selected[first % n_items]!r} twice in wave {survey['wave'].iloc[row]}; a "
            "cross-tabulation needs one answer each"
        )
    flat_matrix = np.zeros(len(unit_group) * n_items, dtype=np.int64)
    flat_matrix[cell] = answer
    matrix = flat_matrix.reshape(len(unit_group), n_items)
    position = {name: k for k, name in enumerate(selected)}
    parts = []
    for r, row_item in enumerate(row_items):
        partners = np.asarray(
            [
                position[c]
                for k, c in enumerate(column_items)
                if c != row_item and (columns is not None or k > r)
            ],
            dtype=np.int64,
        )
        if not partners.size:
            continue
        first_answer = matrix[:, position[row_item]]
        answered = np.flatnonzero(first_answer > 0)
        second = matrix[np.ix_(answered, partners)]
        # One integer per pair of answers: ((group · items + column item) · 10 + row answer)
        # · 10 + column answer, summed from a part per respondent and a part per column.
        own = (unit_group[answered] * n_items * _RADIX + first_answer[answered]) * _RADIX
        key = own[:, None] + (partners * _RADIX * _RADIX)[None, :] + second
        part = grouped_sums({"_key": key[second > 0]})
        parts.append(part.assign(_row=position[row_item]))
    table = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"_key": [], "n": [], "_row": []}).astype("int64")
    )
    key = table["_key"].to_numpy(dtype=np.int64)
    column_answer, key = key % _RADIX, key // _RADIX
    row_answer, key = key % _RADIX, key // _RADIX
    column_item, group = key % n_items, key // n_items
    labels = pd.Index(selected, dtype="string")
    out = pd.DataFrame(
        {
            name: pd.Series(values.take(group), dtype=survey[name].dtype)
            for name, values in zip(group_names, group_values, strict=True)
        }
    )
    out["row_item"] = pd.Series(labels.take(table["_row"].to_numpy(np.int64)), dtype="string")
    out["column_item"] = pd.Series(labels.take(column_item), dtype="string")
    out["row_answer"] = row_answer
    out["column_answer"] = column_answer
    out["n"] = table["n"].to_numpy(dtype=np.int64)
    order = np.lexsort(
        (column_answer, row_answer, column_item, table["_row"].to_numpy(np.int64), group)
    )
    return out.iloc[order].reset_index(drop=True)


#: Answer codes are below 10: one decimal digit each in the combined key of a pair.
_RADIX = 10


def _mixed_codes(
    columns: Sequence[pd.Series], keep: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[Any]]]:
    """Code each row's combination of ``columns``; give each code's value per column.

    Codes are numbered in sorted order; −1 where a value is missing or ``keep`` is False.
    """
    combined = np.zeros(len(keep), dtype=np.int64)
    missing = ~keep
    uniques: list[pd.Index] = []
    for column in columns:
        codes, distinct = pd.factorize(column, sort=True)
        missing |= codes < 0
        combined = combined * max(len(distinct), 1) + codes
        uniques.append(pd.Index(distinct))
    combined = np.where(missing, -1, combined)
    present, code = np.unique(combined[~missing], return_inverse=True)
    out = np.full(len(keep), -1, dtype=np.int64)
    out[~missing] = code
    per_column: list[npt.NDArray[Any]] = []
    remainder = present
    for index in reversed(uniques):
        size = max(len(index), 1)
        per_column.append(np.asarray(index.take(remainder % size)))
        remainder = remainder // size
    per_column.reverse()
    return out, per_column


def _units(
    group: npt.NDArray[np.int64], respondent: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Number the (group, respondent) units 0, 1, …; return each row's unit, each unit's group."""
    if not group.size:
        return group, group
    combined = group * (int(respondent.max()) + 1) + respondent
    present, unit = np.unique(combined, return_inverse=True)
    return unit.astype(np.int64), (present // (int(respondent.max()) + 1)).astype(np.int64)
