"""Jobcentre-survey indicators: answer distributions, top-box shares and their change.

The yearly surveys of all jobcentres report "the share answering to a high or very high degree"
(the *top-2 box*). This module computes those shares from the canonical long survey frame
(``respondent``, ``wave``, ``item``, ``answer``; see :func:`jobhandicap.validate_survey`) with
what the published reports leave out: the base ``n``, a Wilson interval, the share answering
"don't know", and — when the number of jobcentres in the country is known — the
finite-population interval, the response rate and the nonresponse bounds.

Reduce, then infer: every indicator first reduces the frame to a small table of counts
(:func:`reduce_answers`: answers per group, item, wave and answer code;
:func:`reduce_pairs`: a discordance table of the respondents answering in two waves;
:func:`reduce_respondents`: respondents per wave), built on
:func:`jobhandicap._reduce.grouped_sums`, and then runs the estimators of
:mod:`jobhandicap.stats` on that table only.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import as_by, check_columns
from jobhandicap._options import check_choice, check_count, check_level, warn_small_bases
from jobhandicap._reduce import grouped_sums
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.stats import (
    mcnemar_exact,
    newcombe_difference,
    nonresponse_bounds,
    paired_difference,
    wilson_interval,
)
from jobhandicap.stats._core import FloatArray

__all__ = ["likert_distribution", "response_rate", "top_box", "wave_change"]

DontKnow = Literal["include", "exclude"]
Population = int | Mapping[int, int] | pd.DataFrame | Literal["jobcentres"]

_SURVEY_COLUMNS = ("respondent", "wave", "item", "answer")
_DONT_KNOW = int(Likert.DONT_KNOW)
_SCALE = tuple(int(a) for a in Likert)
#: The answer code of a row without an answer in the reduced tables (no Likert code is 0).
_NO_ANSWER = 0
#: Columns the reductions add, which a grouping column may not be named.
_RESERVED = ("answer", "n")


def _check_survey(survey: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """Check the columns a survey indicator needs; return ``by`` as a list."""
    names = as_by(by)
    check_columns(survey, list(dict.fromkeys((*_SURVEY_COLUMNS[1:], *names))), "survey")
    reserved = [name for name in names if name in _RESERVED]
    if reserved:
        raise OptionError(
            f"by cannot group by {reserved}: the answer codes and counts are columns of the "
            "result; group by the respondents' attributes, the wave or the item"
        )
    return names


def _check_boxes(boxes: object) -> int:
    value = check_count(boxes, "boxes", minimum=1)
    if value > 4:
        raise OptionError(
            f"boxes must be a whole number from 1 to 4 (2 = high or very high), got {boxes!r}"
        )
    return value


def _check_dont_know(dont_know: object) -> DontKnow:
    if check_choice("dont_know", dont_know, ("include", "exclude")) == "include":
        return "include"
    return "exclude"


def _answer_codes(survey: pd.DataFrame) -> FloatArray:
    """Return the answers as float codes, NaN where not answered."""
    return survey["answer"].to_numpy(dtype=np.float64, na_value=np.nan)


def _is_top(codes: npt.NDArray[np.int64], boxes: int) -> npt.NDArray[np.bool_]:
    """Whether each answer code is in the top ``boxes`` categories."""
    return (codes >= 6 - boxes) & (codes <= 5)


@contextmanager
def _one_small_sample_warning() -> Iterator[None]:
    """Silence the estimators' own small-base warnings: the indicator warns once itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        yield


def _labels(groups: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """A short label per group, for a warning: ``wave=2018, item=focus``."""
    if not by:
        return ["all"] * len(groups)
    columns = [groups[name].astype("string").fillna("<NA>").tolist() for name in by]
    return [
        ", ".join(f"{name}={value}" for name, value in zip(by, values, strict=True))
        for values in zip(*columns, strict=True)
    ]


def reduce_answers(
    survey: pd.DataFrame,
    by: str | Sequence[str] | None = ("wave", "item"),
    *,
    items: Sequence[str] | None = None,
    waves: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Reduce the long survey frame to the number of answers per group and answer code.

    The reduction step of :func:`top_box`, :func:`likert_distribution` and the independent
    view of :func:`wave_change`: they infer from this table only.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    by
        Grouping columns of the survey frame (``wave``, ``item`` or a respondent attribute).
    items, waves
        Keep only the rows of these items and waves (all by default).

    Returns
    -------
    pandas.DataFrame
        One row per combination of the ``by`` values and answer code that occurs, sorted by
        them: the ``by`` columns (with their dtypes), ``answer`` (int64: the Likert code 1–5
        or 9 = don't know, and 0 for a row without an answer) and ``n`` (int64: how many rows
        have that answer in that group). A row with a missing grouping value is left out, as
        in a pandas group-by. Counts only, so the tables of parts of the survey add up to the
        table of the whole (:func:`jobhandicap._reduce.combine`).

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": list("abcd"), "wave": 2018, "item": "q",
    ...                        "answer": pd.array([5, 4, 4, None], dtype="Int64")})
    >>> reduce_answers(survey)
       wave item  answer  n
    0  2018    q       0  1
    1  2018    q       4  2
    2  2018    q       5  1
    """
    names = _check_survey(survey, by)
    keep = np.ones(len(survey), dtype=bool)
    if items is not None:
        keep &= survey["item"].isin(list(items)).to_numpy(dtype=bool, na_value=False)
    if waves is not None:
        keep &= survey["wave"].isin(list(waves)).to_numpy(dtype=bool, na_value=False)
    codes = _answer_codes(survey)[keep]
    answer = np.where(np.isnan(codes), _NO_ANSWER, codes).astype(np.int64)
    selected = keep.all()
    keys: dict[str, pd.Series | npt.NDArray[np.int64]] = {
        name: survey[name] if selected else survey[name][keep] for name in names
    }
    return grouped_sums(keys | {"answer": answer})


def _answer_totals(
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
    survey: pd.DataFrame, *, items: Sequence[str], waves: tuple[int, int]
) -> pd.DataFrame:
    """Reduce the survey to a discordance table of the respondents answering in both waves.

    The reduction step of the paired view of :func:`wave_change`: a respondent pairs when it
    has an answer (any code, "don't know" included) to the item in both waves under the same
    ``respondent`` value.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    items
        The items to pair.
    waves
        ``(earlier, later)``.

    Returns
    -------
    pandas.DataFrame
        One row per item and pair of answer codes that occurs, sorted: ``item`` (string),
        ``earlier`` and ``later`` (int64: the answer codes 1–5 or 9 in the earlier and the
        later wave) and ``n`` (int64: how many respondents gave that pair of answers). Counts
        only: the tables of parts that split the respondents add up to the table of the whole.

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
    """
    check_columns(survey, list(_SURVEY_COLUMNS), "survey")
    earlier, later = waves
    codes = _answer_codes(survey)
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
        rows.loc[later_rows], on=["item", "respondent"], suffixes=("_earlier", "_later")
    )
    table = grouped_sums(
        {
            "item": pd.Series(both["item"].to_numpy(), dtype="string"),
            "earlier": both["answer_earlier"].to_numpy(dtype=np.int64),
            "later": both["answer_later"].to_numpy(dtype=np.int64),
        }
    )
    return table.astype({"earlier": "int64", "later": "int64"})


def _population_sizes(groups: pd.DataFrame, by: list[str], population: Population) -> FloatArray:
    """Return the population size of each group: int, mapping by wave, frame or 'jobcentres'."""
    if isinstance(population, bool):
        raise ArgumentTypeError(f"population must be a size, not {population!r}")
    if isinstance(population, int | np.integer):
        return np.full(len(groups), float(population))
    if isinstance(population, str):
        if population != "jobcentres":
            raise OptionError(
                f"population must be an int, a mapping from wave to size, a frame with a "
                f"'population' column, or 'jobcentres'; got {population!r}"
            )
        if "wave" not in by:
            raise OptionError("population='jobcentres' needs 'wave' among the groups (by)")
        from jobhandicap.reference import jobcentres

        waves = groups["wave"].astype("int64")
        per_wave = {
            int(w): int(jobcentres(on=dt.date(int(w), 1, 1))["jobcentre"].nunique())
            for w in waves.unique()
        }
        return np.asarray(waves.map(per_wave), dtype=np.float64)
    if isinstance(population, pd.DataFrame):
        check_columns(population, ["population"], "population")
        keys = [c for c in population.columns if c != "population" and c in by]
        if not keys:
            raise OptionError(
                f"the population frame must share a grouping column with by={by}; it has "
                f"{list(population.columns)}"
            )
        if population.duplicated(keys).any():
            raise OptionError(f"the population frame has repeated rows for {keys}")
        merged = groups[keys].merge(population[[*keys, "population"]], on=keys, how="left")
        sizes = merged["population"].to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(population, Mapping):
        if "wave" not in by:
            raise OptionError("a population mapping is keyed by wave: add 'wave' to by")
        sizes = groups["wave"].map(dict(population)).to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        raise ArgumentTypeError(f"population of type {type(population).__name__} not understood")
    if (sizes < 1).any() or (sizes != np.floor(sizes)).any():
        bad = sizes[(sizes < 1) | (sizes != np.floor(sizes))][0]
        raise OptionError(f"a population size must be a whole number of 1 or more, got {bad}")
    if np.isnan(sizes).any():
        missing = groups[by].iloc[np.flatnonzero(np.isnan(sizes))].drop_duplicates().head(3)
        raise OptionError(
            "no population size for the group(s) "
            f"{missing.to_dict(orient='records')}; give one for every group"
        )
    return sizes


def top_box(
    survey: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = ("wave", "item"),
    boxes: int = 2,
    dont_know: DontKnow = "include",
    population: Population | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Share answering in the top ``boxes`` categories, with its interval.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    by
        Grouping columns, ``("wave", "item")`` by default.
    boxes
        How many categories from the top count as "yes": 2 = high or very high.
    dont_know
        ``"include"`` (default) keeps "don't know" in the base, as the published reports do
        ("43 % of the jobcentres"); ``"exclude"`` uses the substantive answers only.
    population
        The size of the population each group was drawn from: an int, a mapping from wave to
        size, a frame with the grouping column(s) and ``population``, or ``"jobcentres"`` for the
        number of jobcentres on 1 January of the wave year
        (:func:`jobhandicap.reference.jobcentres`). When given, ``ci_low`` and ``ci_high`` are the
        finite-population interval and the response rate and nonresponse bounds are added.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n`` (base of the share), ``count``, ``share``, ``ci_low``,
        ``ci_high``, ``dont_know_share`` (of all who answered the item) and, with
        ``population``, ``population``, ``response_rate``, ``bound_low``, ``bound_high``.

    Raises
    ------
    MissingColumnsError
        When the survey frame lacks a needed column (a grouping column included).
    OptionError
        For a bad option value (``boxes``, ``dont_know``, ``level``) or a population smaller
        than the number of respondents (a ``ValueError``).
    ArgumentTypeError
        For an option of the wrong type (a ``TypeError``).

    Warns
    -----
    SmallSampleWarning
        Once per call, when a share rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` respondents (naming a few such groups).

    Notes
    -----
    From the counts of :func:`reduce_answers` per group: :math:`n` answers in the base (all
    answers, or all but "don't know") and :math:`x` in the top ``boxes``.
    The share is :math:`\hat p = x/n` with the Wilson score interval. With a population of
    size :math:`N` the interval is Wilson's with the effective size
    :math:`n^* = n(N-1)/(N-n)` (zero width for a census), valid only if the :math:`N - n`
    non-respondents resemble the respondents. The nonresponse bounds
    :math:`[x/N, (x + N - n)/N]` assume nothing about them; show both.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22, 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": [f"jc{i}" for i in range(12)], "wave": 2018, "item": "focus",
    ...     "answer": pd.array([5, 4, 4, 3, 2, 1, 5, 4, 9, 9, 3, 4], dtype="Int64")})
    >>> top_box(survey)[["wave", "item", "n", "count", "share", "dont_know_share"]]
       wave   item   n  count  share  dont_know_share
    0  2018  focus  12      6    0.5         0.166667
    >>> float(top_box(survey, dont_know="exclude")["share"].iloc[0])
    0.6
    """
    by = _check_survey(survey, by)
    boxes = _check_boxes(boxes)
    dont_know = _check_dont_know(dont_know)
    level = check_level(level)
    counts = _answer_totals(
        reduce_answers(survey, by),
        by,
        {
            "answered": lambda codes: codes != _NO_ANSWER,
            "dont_know": lambda codes: codes == _DONT_KNOW,
            "count": lambda codes: _is_top(codes, boxes),
        },
    )
    answered = counts["answered"].to_numpy(dtype=np.float64)
    dk = counts["dont_know"].to_numpy(dtype=np.float64)
    n = answered - dk if dont_know == "exclude" else answered
    x = counts["count"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_share = dk / answered
    result = counts[by].copy() if by else pd.DataFrame(index=counts.index)
    result["n"] = n.astype(np.int64)
    result["count"] = counts["count"].to_numpy()
    with _one_small_sample_warning():
        if population is None:
            estimate = wilson_interval(x, n, level=level)
        else:
            sizes = _population_sizes(counts, by, population)
            too_many = answered > sizes
            if too_many.any():
                row = counts.loc[too_many, by].head(1).to_dict("records")
                raise OptionError(
                    f"more respondents than the population in group {row}: "
                    f"{int(answered[too_many][0])} > {int(sizes[too_many][0])}"
                )
            estimate = wilson_interval(x, n, level=level, population=sizes)
            low, high = nonresponse_bounds(x, n, sizes)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
    result["dont_know_share"] = dk_share
    if population is not None:
        result["population"] = sizes.astype(np.int64)
        result["response_rate"] = answered / sizes
        result["bound_low"] = np.asarray(low, dtype=np.float64)
        result["bound_high"] = np.asarray(high, dtype=np.float64)
    warn_small_bases(n, "respondents", labels=_labels(counts, by))
    return result.reset_index(drop=True)


def likert_distribution(
    survey: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = ("wave", "item"),
    level: float = DEFAULT_LEVEL,
    lang: str = "en",
) -> pd.DataFrame:
    """Count and share of each answer, "don't know" included, per group.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    by
        Grouping columns.
    level
        Confidence level of the Wilson interval of each share.
    lang
        ``"en"`` (default) or ``"da"``: the language of ``label``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``answer`` (code 1–5 or 9), ``n`` (all who answered the item in
        the group), ``count``, ``share``, ``ci_low``, ``ci_high`` and ``label`` (the answer's
        label); one row per answer and group, zero counts included. Unanswered items are not
        in ``n``.

    Warns
    -----
    SmallSampleWarning
        Once, when a group rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` answers.

    Notes
    -----
    From the counts of :func:`reduce_answers`: ``share = count / n`` with the Wilson interval
    of :func:`jobhandicap.stats.wilson_interval`.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": list("abcd"), "wave": 2017, "item": "q",
    ...                        "answer": pd.array([5, 4, 4, None], dtype="Int64")})
    >>> distribution = likert_distribution(survey)  # warns: a base of 3 answers is small
    >>> distribution[["answer", "n", "count", "share", "label"]].round(3)
       answer  n  count  share                  label
    0       1  3      0  0.000             not at all
    1       2  3      0  0.000        to a low degree
    2       3  3      0  0.000         to some degree
    3       4  3      2  0.667       to a high degree
    4       5  3      1  0.333  to a very high degree
    5       9  3      0  0.000             don't know
    """
    by = _check_survey(survey, by)
    level = check_level(level)
    lang = check_choice("lang", lang, ("en", "da"))
    reduced = reduce_answers(survey, by)
    answered = reduced.loc[reduced["answer"].to_numpy() != _NO_ANSWER]
    # observed=False gives every answer category; groups that the cartesian product of the keys
    # invents (an item not asked in a wave) have no answers and are dropped below.
    if answered.empty:  # no answers: no groups (grouped_sums would invent one)
        cells = answered[[*by, "answer"]].assign(count=answered["n"].astype(np.float64))
    else:
        cells = grouped_sums(
            {name: answered[name] for name in by}
            | {"answer": pd.Categorical(answered["answer"], categories=list(_SCALE))},
            {"count": answered["n"].to_numpy(dtype=np.float64)},
            count="_cells",
            observed=False,
        )
    counts = cells["count"].to_numpy(dtype=np.float64).reshape(-1, len(_SCALE))
    totals = np.repeat(counts.sum(axis=1), len(_SCALE))
    present = totals > 0
    frame = cells.loc[present].reset_index(drop=True)
    totals = totals[present]
    answers = frame["answer"].astype("int64")
    with _one_small_sample_warning():
        estimate = wilson_interval(
            frame["count"].to_numpy(np.float64), totals.astype(np.float64), level=level
        )
    labels = {int(a): a.label_en if lang == "en" else a.label_da for a in Likert}
    result: pd.DataFrame = frame[by].copy()
    for column in by:
        result[column] = result[column].astype(survey[column].dtype)
    result["answer"] = answers.to_numpy()
    result["n"] = totals.astype(np.int64)
    result["count"] = frame["count"].to_numpy().astype(np.int64)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
    result["label"] = pd.array(answers.map(labels).to_numpy(), dtype="string")
    groups = result.drop_duplicates(by) if by else result.head(1)
    warn_small_bases(groups["n"].to_numpy(), "answers", labels=_labels(groups, by))
    return result


def response_rate(survey: pd.DataFrame, population: Population) -> pd.DataFrame:
    """Respondents per wave as a share of the population (for example of all jobcentres).

    Parameters
    ----------
    survey
        Canonical long survey frame; a respondent counts once per wave.
    population
        As for :func:`top_box`: an int, a mapping from wave to size, a frame with ``wave`` and
        ``population``, or ``"jobcentres"``.

    Returns
    -------
    pandas.DataFrame
        ``wave``, ``n`` (the population: the base of the rate), ``count`` (respondents),
        ``response_rate`` and ``nonrespondents``.

    Notes
    -----
    From the table of :func:`reduce_respondents`: ``response_rate = count / n``. No interval:
    the respondents of a census are counted, not sampled.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": ["a", "b", "a"], "wave": [2017, 2017, 2018],
    ...                        "item": "q", "answer": pd.array([4, 5, 3], dtype="Int64")})
    >>> response_rate(survey, {2017: 4, 2018: 4})
       wave  n  count  response_rate  nonrespondents
    0  2017  4      2           0.50               2
    1  2018  4      1           0.25               3
    """
    check_columns(survey, list(_SURVEY_COLUMNS), "survey")
    pairs = reduce_respondents(survey)
    counts = grouped_sums({"wave": pairs["wave"]}, count="count")
    sizes = _population_sizes(counts, ["wave"], population)
    respondents = counts["count"].to_numpy()
    if (respondents > sizes).any():
        raise OptionError("a wave has more respondents than its population")
    return pd.DataFrame(
        {
            "wave": counts["wave"],
            "n": sizes.astype(np.int64),
            "count": respondents,
            "response_rate": respondents / sizes,
            "nonrespondents": (sizes - respondents).astype(np.int64),
        }
    )


def _check_values(survey: pd.DataFrame, column: str, wanted: Sequence[Hashable]) -> None:
    available = set(survey[column].dropna().unique().tolist())
    unknown = [w for w in wanted if w not in available]
    if unknown:
        shown = sorted(map(str, available))[:20]
        raise OptionError(f"unknown {column}(s) {unknown!r}; the survey has {column}s {shown}")


#: How many items a pairing warning spells out.
_SHOWN_ITEMS = 5


def _warn_unpaired(
    items: Sequence[str],
    n_paired: FloatArray,
    n_early: FloatArray,
    n_late: FloatArray,
    earlier: int,
    later: int,
) -> None:
    """Warn when an item's respondents could not be paired across the two waves.

    Some attrition is normal (a jobcentre answers one wave only) and stays silent; the warning
    comes when no respondent pairs (the difference falls back to independent samples) or fewer
    than half of the smaller wave's respondents do, which usually means the same respondents
    are written differently in the two waves.
    """
    lines = []
    unpaired = (n_paired == 0) | (2 * n_paired < np.minimum(n_early, n_late))
    unpaired &= (n_early > 0) & (n_late > 0)
    for i in np.flatnonzero(unpaired).tolist():
        k, a, b = int(n_paired[i]), int(n_early[i]), int(n_late[i])
        how = (
            "independent samples"
            if k == 0
            else f"paired on those {k}, the other respondents left out of the difference"
        )
        lines.append(
            f"{items[i]!r}: {k} respondent(s) paired of {a} in {earlier} and {b} in {later} "
            f"({how})"
        )
    if not lines:
        return
    more = len(lines) - _SHOWN_ITEMS
    shown = "; ".join(lines[:_SHOWN_ITEMS]) + (f"; and {more} more item(s)" if more > 0 else "")
    none_paired = bool((n_paired[unpaired] == 0).all())
    warnings.warn(
        f"wave_change could not pair {'any' if none_paired else 'every'} respondent across "
        f"{earlier} and {later}: {shown}. A respondent pairs when it has an answer in both "
        "waves under the same name; jobcentre and municipality names and codes are "
        "normalised to the jobcentre code when the survey is read (validate_survey), other "
        "respondent ids must be written alike in both waves. independent_difference uses all "
        "respondents of each wave",
        DataQualityWarning,
        stacklevel=3,
    )


def _by_item(table: pd.DataFrame, items: Sequence[str], column: str) -> FloatArray:
    """A column of a table with one row per item, in the order of ``items`` (0 where absent)."""
    position = pd.Index(table["item"].astype("object")).get_indexer(list(items))
    values = table[column].to_numpy(dtype=np.float64)
    return np.where(position >= 0, values[np.maximum(position, 0)] if len(values) else 0.0, 0.0)


def wave_change(
    survey: pd.DataFrame,
    *,
    item: str | Sequence[str],
    waves: tuple[int, int] | None = None,
    boxes: int = 2,
    dont_know: DontKnow = "include",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Change in the top-box share between two waves, paired where respondents repeat.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    item
        One item id or several.
    waves
        ``(earlier, later)``; by default the last two waves in the frame.
    boxes, dont_know, level
        As for :func:`top_box`.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``earlier_wave``, ``later_wave``, ``n_earlier``,
        ``n_later``, ``earlier_share``, ``later_share`` (on all respondents of each wave),
        ``difference``, ``ci_low``, ``ci_high`` (later minus earlier, by ``method``), ``method``
        (``"paired"`` on the respondents in the base of both waves when there are any, else
        ``"independent"``), ``n_paired``, ``p_value`` (exact McNemar, paired only), and
        ``independent_difference``, ``independent_ci_low``, ``independent_ci_high`` on all
        respondents of each wave.

    Raises
    ------
    OptionError
        For unknown items or waves, or a bad option value (a ``ValueError``).
    JobhandicapError
        When a respondent answered an item twice in one wave.

    Warns
    -----
    DataQualityWarning
        When no respondent of an item is in the base of both waves (the change is then from
        independent samples), or fewer than half of the smaller wave's are (the paired
        difference rests on those only; the respondents are usually written differently in the
        two waves). The warning says, per item, how many respondents were paired of how many
        in each wave; normal attrition is silent. Respondents pair by their ``respondent``
        value, which :func:`~jobhandicap.validate_survey` normalises to the jobcentre code when
        every respondent names a jobcentre or municipality.
    SmallSampleWarning
        Once per call, when a difference rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` respondents (paired: the repeat respondents;
        independent: the smaller wave).

    Notes
    -----
    Reduce, then infer: the paired view uses the discordance table of :func:`reduce_pairs`,
    the independent view the answer counts of :func:`reduce_answers` per item and wave.

    Paired: with :math:`a` (yes in both waves), :math:`b` (yes in the later wave only),
    :math:`c` (yes in the earlier wave only) and :math:`d` (no in both) among the :math:`n`
    repeat respondents, :math:`\Delta = (b - c)/n` with Newcombe's square-and-add interval
    (continuity-corrected :math:`\phi`) and the exact McNemar test. Independent: Newcombe's
    hybrid score interval of the difference of two Wilson-interval proportions.

    References
    ----------
    Newcombe, R. G. (1998). Improved confidence intervals for the difference between binomial
    proportions based on paired data. *Statistics in Medicine* 17, 2635–2650.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": ["a", "b", "c", "a", "b", "c"],
    ...     "wave": [2017, 2017, 2017, 2018, 2018, 2018], "item": "focus",
    ...     "answer": pd.array([2, 4, 5, 4, 4, 5], dtype="Int64")})
    >>> change = wave_change(survey, item="focus")
    >>> change[["item", "earlier_share", "later_share", "difference", "method", "n_paired"]]
        item  earlier_share  later_share  difference  method  n_paired
    0  focus       0.666667          1.0    0.333333  paired         3
    """
    check_columns(survey, list(_SURVEY_COLUMNS), "survey")
    boxes = _check_boxes(boxes)
    dont_know = _check_dont_know(dont_know)
    level = check_level(level)
    if isinstance(item, str):
        items = [item]
    elif isinstance(item, Sequence) and all(isinstance(i, str) for i in item):
        items = list(item)
    else:
        raise ArgumentTypeError(
            f"item must be a survey item or a list of items, got {type(item).__name__}"
        )
    if not items:
        raise OptionError("item must name at least one survey item")
    _check_values(survey, "item", items)
    if waves is None:
        present = sorted(int(w) for w in survey["wave"].dropna().unique())
        if len(present) < 2:
            raise OptionError(f"wave_change needs two waves; the survey has {present}")
        waves = (present[-2], present[-1])
    if len(waves) != 2 or waves[0] == waves[1]:
        raise OptionError(f"waves must be two different waves (earlier, later), got {waves}")
    earlier, later = int(waves[0]), int(waves[1])
    _check_values(survey, "wave", [earlier, later])
    pairs = reduce_pairs(survey, items=items, waves=(earlier, later))
    answers = reduce_answers(survey, ("item", "wave"), items=items, waves=(earlier, later))

    def in_base(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        answered: npt.NDArray[np.bool_] = codes != _NO_ANSWER
        if dont_know == "exclude":
            answered &= codes != _DONT_KNOW
        return answered

    # Independent view: answers in the base and top-box answers per item and wave.
    wave = answers["wave"].to_numpy()
    codes = answers["answer"].to_numpy(dtype=np.int64)
    n_answers = answers["n"].to_numpy(dtype=np.float64)
    base, yes = in_base(codes), in_base(codes) & _is_top(codes, boxes)
    per_item = grouped_sums(
        {"item": answers["item"].astype("string")},
        {
            "n_earlier": np.where(base & (wave == earlier), n_answers, 0.0),
            "n_later": np.where(base & (wave == later), n_answers, 0.0),
            "x_earlier": np.where(yes & (wave == earlier), n_answers, 0.0),
            "x_later": np.where(yes & (wave == later), n_answers, 0.0),
        },
    )
    n_early, n_late, x_early, x_late = (
        _by_item(per_item, items, column)
        for column in ("n_earlier", "n_later", "x_earlier", "x_later")
    )

    # Paired view: the discordance table of the respondents in the base of both waves.
    first = pairs["earlier"].to_numpy(dtype=np.int64)
    second = pairs["later"].to_numpy(dtype=np.int64)
    n_pairs = np.where(in_base(first) & in_base(second), pairs["n"].to_numpy(np.float64), 0.0)
    yes_early, yes_late = _is_top(first, boxes), _is_top(second, boxes)
    cells = grouped_sums(
        {"item": pairs["item"]},
        {
            "a": np.where(yes_early & yes_late, n_pairs, 0.0),
            "b": np.where(~yes_early & yes_late, n_pairs, 0.0),
            "c": np.where(yes_early & ~yes_late, n_pairs, 0.0),
            "d": np.where(~yes_early & ~yes_late, n_pairs, 0.0),
        },
    )
    a, b, c, d = (_by_item(cells, items, column) for column in "abcd")
    n_paired = a + b + c + d
    paired_rows = n_paired > 0

    with _one_small_sample_warning():
        independent = newcombe_difference(x_late, n_late, x_early, n_early, level=level)
        difference = np.asarray(independent.estimate, dtype=np.float64).copy()
        ci_low = np.asarray(independent.ci_low, dtype=np.float64).copy()
        ci_high = np.asarray(independent.ci_high, dtype=np.float64).copy()
        p_value = np.full(len(items), np.nan)
        if paired_rows.any():
            chosen = [cell[paired_rows] for cell in (a, b, c, d)]
            paired = paired_difference(*chosen, level=level)
            difference[paired_rows] = paired.estimate
            ci_low[paired_rows] = paired.ci_low
            ci_high[paired_rows] = paired.ci_high
            p_value[paired_rows] = mcnemar_exact(chosen[1], chosen[2])
    _warn_unpaired(items, n_paired, n_early, n_late, earlier, later)
    warn_small_bases(
        np.where(paired_rows, n_paired, np.minimum(n_early, n_late)),
        "respondents",
        labels=items,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        share_early = x_early / n_early
        share_late = x_late / n_late
    return pd.DataFrame(
        {
            "item": pd.array(items, dtype="string"),
            "earlier_wave": earlier,
            "later_wave": later,
            "n_earlier": n_early.astype(np.int64),
            "n_later": n_late.astype(np.int64),
            "earlier_share": share_early,
            "later_share": share_late,
            "difference": difference,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "method": pd.array(
                np.where(paired_rows, "paired", "independent").tolist(), dtype="string"
            ),
            "n_paired": n_paired.astype(np.int64),
            "p_value": p_value,
            "independent_difference": np.asarray(independent.estimate, dtype=np.float64),
            "independent_ci_low": np.asarray(independent.ci_low, dtype=np.float64),
            "independent_ci_high": np.asarray(independent.ci_high, dtype=np.float64),
        }
    )
