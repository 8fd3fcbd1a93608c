"""Answer distributions, top-box shares and response rates of one or more survey waves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._engines import AnyFrame, as_pandas, needs_rows
from jobhandicap._grouping import check_columns
from jobhandicap._options import check_choice, check_level, warn_small_bases
from jobhandicap._reduce import grouped_sums
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    ArgumentTypeError,
    OptionError,
)
from jobhandicap.stats import (
    nonresponse_bounds,
    wilson_interval,
)
from jobhandicap.stats._core import FloatArray
from jobhandicap.survey._common import (
    DONT_KNOW,
    NO_ANSWER,
    SCALE,
    SURVEY_COLUMNS,
    DontKnow,
    Population,
    check_boxes,
    check_dont_know,
    group_labels,
    is_top,
    one_small_sample_warning,
    survey_input,
)
from jobhandicap.survey._design import SurveyDesign, check_design
from jobhandicap.survey._reductions import answer_totals, reduce_answers, reduce_respondents
from jobhandicap.survey._weighted import design_distribution, design_top_box

#: What to do instead of a design-based estimate on an engine frame.
_NO_DESIGN = (
    "or, without design=, get the unweighted shares reduced in the engine (the design-based "
    "variance needs every respondent's row)"
)


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
    survey: AnyFrame,
    *,
    by: str | Sequence[str] | None = ("wave", "item"),
    boxes: int = 2,
    dont_know: DontKnow = "include",
    population: Population | None = None,
    level: float = DEFAULT_LEVEL,
    design: SurveyDesign | None = None,
) -> pd.DataFrame:
    r"""Share answering in the top ``boxes`` categories, with its interval.

    Parameters
    ----------
    survey
        Canonical long survey frame: pandas, or (without ``design``) a Polars, PyArrow,
        DuckDB or PySpark frame, whose answers are then counted in that engine.
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
    design
        For a sampled survey of citizens or employers: its :class:`~jobhandicap.SurveyDesign`
        (the design columns repeat on each of a respondent's rows). The share is then
        weighted, with a Taylor-linearised standard error and the logit interval
        (``svyciprop(method="logit")``, t quantile with the design's degrees of freedom);
        each wave is its own sample when ``wave`` is in ``by``. Not with ``population``
        (the design's ``fpc`` says the population sizes). A share of 0 or 1 (nobody or
        everybody in the top boxes, or a group of one respondent) has a linearised standard
        error of 0 and so an interval of zero width, as in R's ``svyciprop``, and no design
        effect (``deff`` and ``n_eff`` missing): read it with ``n``, not as certainty.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n`` (base of the share), ``count``, ``share``, ``ci_low``,
        ``ci_high``, ``dont_know_share`` (of all who answered the item) and, with
        ``population``, ``population``, ``response_rate``, ``bound_low``, ``bound_high``.
        With ``design``: ``n`` and ``count`` unweighted, ``share`` and ``dont_know_share``
        weighted, then ``se``, ``deff`` (the design effect against simple random sampling
        with replacement, R's ``deff = "replace"``, which does not depend on the scale of the
        weights), ``n_eff = n / deff`` (the effective sample size) and ``method``.

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

    With ``design`` the share is :math:`\sum w y / \sum w` over the base, for the top-box
    indicator :math:`y`, with the variance of :func:`jobhandicap.stats.design_mean`
    (domain estimation: the respondents outside the base keep their place in the design).

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
    by, _ = survey_input(survey, by, "top_box")
    boxes = check_boxes(boxes)
    dont_know = check_dont_know(dont_know)
    level = check_level(level)
    if design is not None:
        needs_rows(survey, function="top_box", what="survey (with design=)", instead=_NO_DESIGN)
        survey = as_pandas(survey, function="top_box", what="survey")
        design = check_design(design)
        if population is not None:
            raise OptionError(
                "population and design do not go together: give the population sizes as the "
                "design's fpc column"
            )
        with one_small_sample_warning():
            weighted, bases = design_top_box(
                survey, by, boxes=boxes, dont_know=dont_know, level=level, design=design
            )
        warn_small_bases(bases, "respondents", labels=group_labels(weighted, by))
        return weighted
    counts = answer_totals(
        reduce_answers(survey, by),
        by,
        {
            "answered": lambda codes: codes != NO_ANSWER,
            "dont_know": lambda codes: codes == DONT_KNOW,
            "count": lambda codes: is_top(codes, boxes),
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
    with one_small_sample_warning():
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
    warn_small_bases(n, "respondents", labels=group_labels(counts, by))
    return result.reset_index(drop=True)


def likert_distribution(
    survey: AnyFrame,
    *,
    by: str | Sequence[str] | None = ("wave", "item"),
    level: float = DEFAULT_LEVEL,
    lang: str = "en",
    design: SurveyDesign | None = None,
) -> pd.DataFrame:
    """Count and share of each answer, "don't know" included, per group.

    Parameters
    ----------
    survey
        Canonical long survey frame: pandas, or (without ``design``) a Polars, PyArrow,
        DuckDB or PySpark frame, whose answers are then counted in that engine.
    by
        Grouping columns.
    level
        Confidence level of the Wilson interval of each share.
    lang
        ``"en"`` (default) or ``"da"``: the language of ``label``.
    design
        For a sampled survey: its :class:`~jobhandicap.SurveyDesign`, as for
        :func:`top_box`. The shares are then weighted, with Taylor-linearised standard errors
        and logit intervals (of zero width for a share of 0 or 1, as in :func:`top_box`).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``answer`` (code 1–5 or 9), ``n`` (all who answered the item in
        the group), ``count``, ``share``, ``ci_low``, ``ci_high`` and ``label`` (the answer's
        label); one row per answer and group, zero counts included. Unanswered items are not
        in ``n``. With ``design``: ``share`` weighted, then ``se``, ``deff``, ``n_eff`` and
        ``method`` after ``label``.

    Warns
    -----
    SmallSampleWarning
        Once, when a group rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` answers.

    Notes
    -----
    From the counts of :func:`reduce_answers`: ``share = count / n`` with the Wilson interval
    of :func:`jobhandicap.stats.wilson_interval`. With ``design``: the weighted share of
    each answer and its interval as in :func:`top_box`.

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
    by, engine = survey_input(survey, by, "likert_distribution")
    level = check_level(level)
    lang = check_choice("lang", lang, ("en", "da"))
    labels = {int(a): a.label_en if lang == "en" else a.label_da for a in Likert}
    if design is not None:
        needs_rows(
            survey,
            function="likert_distribution",
            what="survey (with design=)",
            instead=_NO_DESIGN,
        )
        survey = as_pandas(survey, function="likert_distribution", what="survey")
        design = check_design(design)
        with one_small_sample_warning():
            weighted, bases = design_distribution(survey, by, level=level, design=design)
        weighted.insert(
            list(weighted.columns).index("ci_high") + 1,
            "label",
            pd.Series(weighted["answer"].map(labels).to_numpy(), dtype="string"),
        )
        groups = weighted.drop_duplicates(by) if by else weighted.head(1)
        warn_small_bases(bases, "answers", labels=group_labels(groups, by))
        return weighted
    reduced = reduce_answers(survey, by)
    answered = reduced.loc[reduced["answer"].to_numpy() != NO_ANSWER]
    # observed=False gives every answer category; groups that the cartesian product of the keys
    # invents (an item not asked in a wave) have no answers and are dropped below.
    if answered.empty:  # no answers: no groups (grouped_sums would invent one)
        cells = answered[[*by, "answer"]].assign(count=answered["n"].astype(np.float64))
    else:
        cells = grouped_sums(
            {name: answered[name] for name in by}
            | {"answer": pd.Categorical(answered["answer"], categories=list(SCALE))},
            {"count": answered["n"].to_numpy(dtype=np.float64)},
            count="_cells",
            observed=False,
        )
    counts = cells["count"].to_numpy(dtype=np.float64).reshape(-1, len(SCALE))
    totals = np.repeat(counts.sum(axis=1), len(SCALE))
    present = totals > 0
    frame = cells.loc[present].reset_index(drop=True)
    totals = totals[present]
    answers = frame["answer"].astype("int64")
    with one_small_sample_warning():
        estimate = wilson_interval(
            frame["count"].to_numpy(np.float64), totals.astype(np.float64), level=level
        )
    result: pd.DataFrame = frame[by].copy()
    for column in by:
        kept = survey[column].dtype if engine is None else reduced[column].dtype  # type: ignore[index]
        result[column] = result[column].astype(kept)
    result["answer"] = answers.to_numpy()
    result["n"] = totals.astype(np.int64)
    result["count"] = frame["count"].to_numpy().astype(np.int64)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
    result["label"] = pd.array(answers.map(labels).to_numpy(), dtype="string")
    groups = result.drop_duplicates(by) if by else result.head(1)
    warn_small_bases(groups["n"].to_numpy(), "answers", labels=group_labels(groups, by))
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
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
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
