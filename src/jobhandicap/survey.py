"""Jobcentre-survey indicators: answer distributions, top-box shares and their change.

The yearly surveys of all jobcentres report "the share answering to a high or very high degree"
(the *top-2 box*). This module computes those shares from the canonical long survey frame
(``respondent``, ``wave``, ``item``, ``answer``; see :func:`jobhandicap.validate_survey`) with
what the published reports leave out: the base ``n``, a Wilson interval, the share answering
"don't know", and — when the number of jobcentres in the country is known — the
finite-population interval, the response rate and the nonresponse bounds.

Every function reduces the frame to counts per group first (one vectorised ``groupby``) and then
runs the estimators of :mod:`jobhandicap.stats` on those counts.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from jobhandicap._grouping import as_by, check_columns
from jobhandicap.domain import Likert
from jobhandicap.errors import DataQualityWarning, JobhandicapError, MissingColumnsError
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


def _check_survey(survey: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """Check the columns a survey indicator needs; return ``by`` as a list."""
    names = as_by(by)
    check_columns(survey, list(dict.fromkeys((*_SURVEY_COLUMNS[1:], *names))), "survey")
    return names


def _check_boxes(boxes: int) -> int:
    if isinstance(boxes, bool) or not isinstance(boxes, int | np.integer) or not 1 <= boxes <= 4:
        raise JobhandicapError(
            f"boxes must be a whole number from 1 to 4 (2 = high or very high), got {boxes!r}"
        )
    return int(boxes)


def _check_dont_know(dont_know: str) -> DontKnow:
    if dont_know not in ("include", "exclude"):
        raise JobhandicapError(
            f"dont_know must be 'include' (base: all respondents, as published) or 'exclude' "
            f"(base: substantive answers only), got {dont_know!r}"
        )
    return dont_know  # type: ignore[return-value]


def _answer_codes(survey: pd.DataFrame) -> FloatArray:
    """Return the answers as float codes, NaN where not answered."""
    return survey["answer"].to_numpy(dtype=np.float64, na_value=np.nan)


def _group_counts(
    survey: pd.DataFrame, by: list[str], boxes: int, dont_know: DontKnow
) -> pd.DataFrame:
    """Reduce the survey to per-group counts: answered, don't know, base ``n`` and top box."""
    codes = _answer_codes(survey)
    answered = ~np.isnan(codes)
    is_dont_know = codes == _DONT_KNOW
    is_top = (codes >= 6 - boxes) & (codes <= 5)
    scratch = pd.DataFrame(
        {"answered": answered, "dont_know": is_dont_know, "count": is_top},
        index=survey.index,
    )
    keys = [survey[c] for c in by]
    if not by:
        counts = scratch.sum().to_frame().T
    else:
        counts = scratch.groupby(keys, observed=True, sort=True).sum().reset_index()
    counts = counts.astype({"answered": "int64", "dont_know": "int64", "count": "int64"})
    base = counts["answered"] - (counts["dont_know"] if dont_know == "exclude" else 0)
    return counts.assign(n=base)


def _population_sizes(groups: pd.DataFrame, by: list[str], population: Population) -> FloatArray:
    """Return the population size of each group: int, mapping by wave, frame or 'jobcentres'."""
    if isinstance(population, bool):
        raise JobhandicapError(f"population must be a size, not {population!r}")
    if isinstance(population, int | np.integer):
        return np.full(len(groups), float(population))
    if isinstance(population, str):
        if population != "jobcentres":
            raise JobhandicapError(
                f"population must be an int, a mapping from wave to size, a frame with a "
                f"'population' column, or 'jobcentres'; got {population!r}"
            )
        if "wave" not in by:
            raise JobhandicapError("population='jobcentres' needs 'wave' among the groups (by)")
        from jobhandicap.reference import jobcentres

        waves = groups["wave"].astype("int64")
        per_wave = {
            int(w): int(jobcentres(on=dt.date(int(w), 1, 1))["jobcentre"].nunique())
            for w in waves.unique()
        }
        return np.asarray(waves.map(per_wave), dtype=np.float64)
    if isinstance(population, pd.DataFrame):
        if "population" not in population.columns:
            raise MissingColumnsError(["population"], list(population.columns), "population")
        keys = [c for c in population.columns if c != "population" and c in by]
        if not keys:
            raise JobhandicapError(
                f"the population frame must share a grouping column with by={by}; it has "
                f"{list(population.columns)}"
            )
        if population.duplicated(keys).any():
            raise JobhandicapError(f"the population frame has repeated rows for {keys}")
        merged = groups[keys].merge(population[[*keys, "population"]], on=keys, how="left")
        sizes = merged["population"].to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(population, Mapping):
        if "wave" not in by:
            raise JobhandicapError("a population mapping is keyed by wave: add 'wave' to by")
        sizes = groups["wave"].map(dict(population)).to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        raise JobhandicapError(f"population of type {type(population).__name__} not understood")
    if (sizes < 1).any() or (sizes != np.floor(sizes)).any():
        bad = sizes[(sizes < 1) | (sizes != np.floor(sizes))][0]
        raise JobhandicapError(f"a population size must be a whole number of 1 or more, got {bad}")
    if np.isnan(sizes).any():
        missing = groups[by].iloc[np.flatnonzero(np.isnan(sizes))].drop_duplicates().head(3)
        raise JobhandicapError(
            "no population size for the group(s) "
            f"{missing.to_dict(orient='records')}; give one for every group"
        )
    return sizes


def top_box(
    survey: pd.DataFrame,
    *,
    by: Sequence[str] = ("wave", "item"),
    boxes: int = 2,
    dont_know: DontKnow = "include",
    population: Population | None = None,
    level: float = 0.95,
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
        When the survey frame lacks a needed column.
    JobhandicapError
        For an unknown option or a population smaller than the number of respondents.

    Notes
    -----
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
    counts = _group_counts(survey, by, boxes, dont_know)
    n = counts["n"].to_numpy(dtype=np.float64)
    x = counts["count"].to_numpy(dtype=np.float64)
    answered = counts["answered"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_share = counts["dont_know"].to_numpy(dtype=np.float64) / answered
    result = counts[by].copy() if by else pd.DataFrame(index=counts.index)
    result["n"] = counts["n"].to_numpy()
    result["count"] = counts["count"].to_numpy()
    if population is None:
        estimate = wilson_interval(x, n, level=level)
    else:
        sizes = _population_sizes(counts, by, population)
        too_many = answered > sizes
        if too_many.any():
            row = counts.loc[too_many, by].head(1).to_dict("records")
            raise JobhandicapError(
                f"more respondents than the population in group {row}: "
                f"{int(answered[too_many][0])} > {int(sizes[too_many][0])}"
            )
        estimate = wilson_interval(x, n, level=level, population=sizes)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
    result["dont_know_share"] = dk_share
    if population is not None:
        low, high = nonresponse_bounds(x, n, sizes)
        result["population"] = sizes.astype(np.int64)
        result["response_rate"] = answered / sizes
        result["bound_low"] = np.asarray(low, dtype=np.float64)
        result["bound_high"] = np.asarray(high, dtype=np.float64)
    return result.reset_index(drop=True)


def likert_distribution(
    survey: pd.DataFrame, *, by: Sequence[str] = ("wave", "item"), level: float = 0.95
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

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``answer`` (code 1–5 or 9), ``label`` (English), ``n`` (all who
        answered the item in the group), ``count``, ``share``, ``ci_low``, ``ci_high``; one row
        per answer and group, zero counts included. Unanswered items are not in ``n``.

    Notes
    -----
    ``share = count / n`` with the Wilson interval of :func:`jobhandicap.stats.wilson_interval`.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": list("abcd"), "wave": 2017, "item": "q",
    ...                        "answer": pd.array([5, 4, 4, None], dtype="Int64")})
    >>> likert_distribution(survey)[["answer", "label", "n", "count", "share"]].round(3)
       answer                  label  n  count  share
    0       1             not at all  3      0  0.000
    1       2        to a low degree  3      0  0.000
    2       3         to some degree  3      0  0.000
    3       4       to a high degree  3      2  0.667
    4       5  to a very high degree  3      1  0.333
    5       9             don't know  3      0  0.000
    """
    by = _check_survey(survey, by)
    codes = _answer_codes(survey)
    answered = ~np.isnan(codes)
    answer = pd.Categorical(codes[answered].astype(np.int64), categories=list(_SCALE))
    keys = [survey[c].to_numpy()[answered] for c in by]
    # observed=False gives every answer category; groups that the cartesian product of the keys
    # invents (an item not asked in a wave) have no answers and are dropped below.
    counts = pd.Series(answer).groupby([*keys, answer], observed=False, sort=True).size()
    frame = counts.rename("count").reset_index()
    frame.columns = pd.Index([*by, "answer", "count"])
    if by:
        totals = frame.groupby(by, sort=False)["count"].transform("sum")
    else:
        totals = pd.Series(frame["count"].sum(), index=frame.index)
    frame, totals = frame.loc[totals > 0], totals.loc[totals > 0]
    answers = frame["answer"].astype("int64")
    estimate = wilson_interval(
        frame["count"].to_numpy(np.float64), totals.to_numpy(np.float64), level=level
    )
    labels = {int(a): a.label_en for a in Likert}
    result = frame[by].reset_index(drop=True)
    for column in by:
        if column in survey.columns:
            result[column] = result[column].astype(survey[column].dtype)
    result["answer"] = answers.to_numpy()
    result["label"] = pd.array(answers.map(labels).to_numpy(), dtype="string")
    result["n"] = totals.to_numpy(np.int64)
    result["count"] = frame["count"].to_numpy(np.int64)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
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
        ``wave``, ``respondents``, ``population``, ``response_rate``, ``nonrespondents``.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent": ["a", "b", "a"], "wave": [2017, 2017, 2018],
    ...                        "item": "q", "answer": pd.array([4, 5, 3], dtype="Int64")})
    >>> response_rate(survey, {2017: 4, 2018: 4})
       wave  respondents  population  response_rate  nonrespondents
    0  2017            2           4           0.50               2
    1  2018            1           4           0.25               3
    """
    _check_survey(survey, ("wave",))
    if "respondent" not in survey.columns:
        raise MissingColumnsError(["respondent"], list(survey.columns), "survey")
    counts = (
        survey[["wave", "respondent"]]
        .drop_duplicates()
        .groupby("wave", sort=True)
        .size()
        .rename("respondents")
        .reset_index()
    )
    sizes = _population_sizes(counts, ["wave"], population)
    if (counts["respondents"].to_numpy() > sizes).any():
        raise JobhandicapError("a wave has more respondents than its population")
    return counts.assign(
        population=sizes.astype(np.int64),
        response_rate=counts["respondents"].to_numpy() / sizes,
        nonrespondents=(sizes - counts["respondents"].to_numpy()).astype(np.int64),
    )


def _check_values(survey: pd.DataFrame, column: str, wanted: Sequence[Hashable]) -> None:
    available = set(survey[column].dropna().unique().tolist())
    unknown = [w for w in wanted if w not in available]
    if unknown:
        shown = sorted(map(str, available))[:20]
        raise JobhandicapError(
            f"unknown {column}(s) {unknown!r}; the survey has {column}s {shown}"
        )


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


def wave_change(
    survey: pd.DataFrame,
    *,
    item: str | Sequence[str],
    waves: tuple[int, int] | None = None,
    boxes: int = 2,
    dont_know: DontKnow = "include",
    level: float = 0.95,
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
    JobhandicapError
        For unknown items or waves, or a respondent answering an item twice in one wave.

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

    Notes
    -----
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
    _check_survey(survey, ("wave", "item"))
    if "respondent" not in survey.columns:
        raise MissingColumnsError(["respondent"], list(survey.columns), "survey")
    boxes = _check_boxes(boxes)
    dont_know = _check_dont_know(dont_know)
    if isinstance(item, str):
        items = [item]
    elif isinstance(item, Sequence) and all(isinstance(i, str) for i in item):
        items = list(item)
    else:
        raise JobhandicapError(
            f"item must be a survey item or a list of items, got {type(item).__name__}"
        )
    if not items:
        raise JobhandicapError("item must name at least one survey item")
    _check_values(survey, "item", items)
    if waves is None:
        present = sorted(int(w) for w in survey["wave"].dropna().unique())
        if len(present) < 2:
            raise JobhandicapError(f"wave_change needs two waves; the survey has {present}")
        waves = (present[-2], present[-1])
    if len(waves) != 2 or waves[0] == waves[1]:
        raise JobhandicapError(f"waves must be two different waves (earlier, later), got {waves}")
    earlier, later = int(waves[0]), int(waves[1])
    _check_values(survey, "wave", [earlier, later])

    codes = _answer_codes(survey)
    in_base = ~np.isnan(codes)
    if dont_know == "exclude":
        in_base &= codes != _DONT_KNOW
    wave = survey["wave"].to_numpy()
    keep = in_base & np.isin(wave, [earlier, later]) & survey["item"].isin(items).to_numpy()
    rows = pd.DataFrame(
        {
            "item": survey["item"].to_numpy()[keep],
            "respondent": survey["respondent"].to_numpy()[keep],
            "later": wave[keep] == later,
            "yes": (codes[keep] >= 6 - boxes) & (codes[keep] <= 5),
        }
    )
    repeated = rows.duplicated(["item", "respondent", "later"])
    if repeated.any():
        first = rows.loc[repeated].iloc[0]
        raise JobhandicapError(
            f"respondent {first['respondent']!r} answered item {first['item']!r} twice in wave "
            f"{later if first['later'] else earlier}; wave_change needs one answer each"
        )
    # Independent view: counts per item and wave.
    per_wave = rows.groupby(["item", "later"], sort=True)["yes"].agg(["size", "sum"])
    per_wave = per_wave.reindex(pd.MultiIndex.from_product([items, [False, True]]), fill_value=0)
    n_early = per_wave["size"].xs(False, level=1).reindex(items).to_numpy(np.float64)
    n_late = per_wave["size"].xs(True, level=1).reindex(items).to_numpy(np.float64)
    x_early = per_wave["sum"].xs(False, level=1).reindex(items).to_numpy(np.float64)
    x_late = per_wave["sum"].xs(True, level=1).reindex(items).to_numpy(np.float64)
    independent = newcombe_difference(x_late, n_late, x_early, n_early, level=level)

    # Paired view: respondents in the base of both waves.
    wide = rows.set_index(["item", "respondent", "later"])["yes"].unstack("later")  # noqa: PD010
    wide = wide.reindex(columns=[False, True]).dropna()
    yes_early = wide[False].astype(bool)
    yes_late = wide[True].astype(bool)
    table = pd.DataFrame(
        {
            "a": yes_early & yes_late,
            "b": ~yes_early & yes_late,
            "c": yes_early & ~yes_late,
            "d": ~yes_early & ~yes_late,
        }
    )
    cells = table.groupby(level="item").sum().reindex(items, fill_value=0).astype(np.float64)
    n_paired = cells.sum(axis=1).to_numpy()
    paired_rows = n_paired > 0

    difference = np.asarray(independent.estimate, dtype=np.float64).copy()
    ci_low = np.asarray(independent.ci_low, dtype=np.float64).copy()
    ci_high = np.asarray(independent.ci_high, dtype=np.float64).copy()
    p_value = np.full(len(items), np.nan)
    if paired_rows.any():
        a, b, c, d = (cells[k].to_numpy()[paired_rows] for k in "abcd")
        paired = paired_difference(a, b, c, d, level=level)
        difference[paired_rows] = paired.estimate
        ci_low[paired_rows] = paired.ci_low
        ci_high[paired_rows] = paired.ci_high
        p_value[paired_rows] = mcnemar_exact(b, c)
    _warn_unpaired(items, n_paired, n_early, n_late, earlier, later)
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
