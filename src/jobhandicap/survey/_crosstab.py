"""Two items' answers among the same respondents: cross-tabulations, association, subgroups."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_SEED
from jobhandicap._grouping import check_columns
from jobhandicap._options import (
    check_choice,
    check_count,
    check_level,
    generator,
    warn_small_bases,
)
from jobhandicap._reduce import grouped_sums
from jobhandicap.domain import Likert
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    MissingColumnsError,
    OptionError,
)
from jobhandicap.stats import newcombe_difference, wilson_interval
from jobhandicap.stats._core import FloatArray, factorize_groups
from jobhandicap.stats.contingency import (
    DEFAULT_DRAWS,
    fisher_exact,
    goodman_kruskal_gamma,
    kendall_tau_b,
    likelihood_ratio_g2,
    linear_by_linear,
    pearson_chi2,
)
from jobhandicap.survey._common import (
    DONT_KNOW,
    NO_ANSWER,
    SURVEY_COLUMNS,
    DontKnow,
    check_boxes,
    check_dont_know,
    check_survey,
    group_labels,
    is_top,
    one_small_sample_warning,
)
from jobhandicap.survey._pairs import (
    as_items,
    as_waves,
    check_known,
    reduce_answer_pairs,
)
from jobhandicap.survey._reductions import reduce_answers

#: The substantive answers, in order (the scores of the ordinal measures).
_SUBSTANTIVE = tuple(int(a) for a in Likert if int(a) != DONT_KNOW)
#: Below this expected count in a cell, ``exact="auto"`` runs the exact test (Cochran's rule).
_MIN_EXPECTED = 5.0


def _group_index(
    pairs: pd.DataFrame, keys: list[str]
) -> tuple[npt.NDArray[np.int64], pd.DataFrame]:
    """The table (group and item pair) of each row of a pair reduction, and the tables."""
    if pairs.empty:
        return np.zeros(0, dtype=np.int64), pairs[keys].iloc[:0]
    return factorize_groups(pairs[keys].reset_index(drop=True))


def _stack(
    pairs: pd.DataFrame, keys: list[str], categories: Sequence[Sequence[int]]
) -> tuple[FloatArray, pd.DataFrame]:
    """The count tables of a pair reduction: shape (tables, K, K) over ``categories``."""
    index, tables = _group_index(pairs, keys)
    lookup = np.full(10, -1, dtype=np.int64)
    for k, codes in enumerate(categories):
        lookup[list(codes)] = k
    size = len(categories)
    i = lookup[pairs["row_answer"].to_numpy(dtype=np.int64)]
    j = lookup[pairs["column_answer"].to_numpy(dtype=np.int64)]
    used = (i >= 0) & (j >= 0)
    flat = (index[used] * size + i[used]) * size + j[used]
    counts = np.bincount(
        flat, weights=pairs["n"].to_numpy(dtype=np.float64)[used], minlength=len(tables) * size**2
    )
    stack: FloatArray = counts.reshape(len(tables), size, size).astype(np.float64)
    return stack, tables


def crosstab(
    survey: pd.DataFrame,
    rows: str,
    columns: str,
    *,
    wave: int | Sequence[int] | None = None,
    by: str | Sequence[str] | None = None,
    dont_know: DontKnow = "exclude",
    level: float = DEFAULT_LEVEL,
    lang: str = "en",
) -> pd.DataFrame:
    r"""Cross-tabulate two items' answers among the respondents who answered both.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    rows, columns
        The item whose answers are the rows and the item whose answers are the columns.
    wave
        A wave or a list of waves; by default every wave, each its own table (a respondent
        pairs its answers within a wave only).
    by
        Respondent attributes (columns of the survey frame): one table per combination.
    dont_know
        ``"exclude"`` (default) leaves out the respondents answering "don't know" to either
        item; ``"include"`` makes "don't know" (9) a last row and column.
    level
        Confidence level of the Wilson interval of each row share.
    lang
        ``"en"`` (default) or ``"da"``: the language of ``row_label`` and ``column_label``.

    Returns
    -------
    pandas.DataFrame
        One row per cell, zero counts included: ``wave``, the ``by`` columns, ``row_item``,
        ``column_item``, ``row_answer``, ``column_answer`` (codes), ``n`` (the row's
        respondents: the base of the row share), ``count`` (respondents in the cell),
        ``share`` (``count / n``), ``ci_low``, ``ci_high`` (Wilson), ``table_share`` (of the
        table's respondents), ``row_label``, ``column_label``.

    Raises
    ------
    OptionError
        For unknown items or waves, the same item twice, or a bad option (a ``ValueError``).
    MissingColumnsError
        When the survey frame lacks a needed column.
    JobhandicapError
        When a respondent answered an item twice in one wave.

    Warns
    -----
    SmallSampleWarning
        Once, when a table rests on fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        respondents.

    Notes
    -----
    From the counts of :func:`reduce_answer_pairs`: with :math:`n_{ij}` respondents
    answering :math:`i` to the row item and :math:`j` to the column item and
    :math:`n_{i+} = \sum_j n_{ij}`, the row share is :math:`n_{ij}/n_{i+}` with the Wilson
    score interval (:func:`jobhandicap.stats.wilson_interval`); a row nobody is in has share
    ``nan``. Tests of association of the table: :func:`item_association`.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA* 22, 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": ["a", "a", "b", "b", "c", "c"], "wave": 2018,
    ...     "item": ["focus", "use"] * 3,
    ...     "answer": pd.array([4, 5, 4, 4, 2, 4], dtype="Int64")})
    >>> table = crosstab(survey, "focus", "use")  # warns: three respondents
    >>> table.loc[table["count"] > 0, ["row_answer", "column_answer", "n", "count", "share"]]
        row_answer  column_answer  n  count  share
    8            2              4  1      1    1.0
    18           4              4  2      1    0.5
    19           4              5  2      1    0.5
    """
    row_item, column_item = _single(rows, "rows"), _single(columns, "columns")
    if row_item == column_item:
        raise OptionError(f"rows and columns must be two different items, got {row_item!r} twice")
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    check_known(survey, "item", [row_item, column_item])
    waves = as_waves(survey, wave)
    dont_know = check_dont_know(dont_know)
    level = check_level(level)
    lang = check_choice("lang", lang, ("en", "da"))
    pairs = reduce_answer_pairs(survey, [row_item], [column_item], by=by, waves=waves)
    names = check_survey(survey, by)
    keys = ["wave", *names, "row_item", "column_item"]
    codes = [*_SUBSTANTIVE, DONT_KNOW] if dont_know == "include" else list(_SUBSTANTIVE)
    counts, tables = _stack(pairs, keys, [(c,) for c in codes])
    if not len(tables):
        raise OptionError(
            f"no respondent answered both {row_item!r} and {column_item!r} in the same wave"
        )
    size = len(codes)
    present = counts.sum(axis=(1, 2)) > 0
    counts, tables = counts[present], tables.loc[present].reset_index(drop=True)
    row_totals = np.repeat(counts.sum(axis=2), size, axis=1).reshape(-1)
    totals = np.repeat(counts.sum(axis=(1, 2)), size * size)
    flat = counts.reshape(-1)
    with one_small_sample_warning():
        estimate = wilson_interval(flat, row_totals, level=level)
    labels = {int(a): a.label_en if lang == "en" else a.label_da for a in Likert}
    result = tables.iloc[np.repeat(np.arange(len(tables)), size * size)].reset_index(drop=True)
    for name in ("wave", *names):
        result[name] = result[name].astype(survey[name].dtype)
    result["row_answer"] = np.tile(np.repeat(codes, size), len(tables)).astype(np.int64)
    result["column_answer"] = np.tile(codes, size * len(tables)).astype(np.int64)
    result["n"] = row_totals.astype(np.int64)
    result["count"] = flat.astype(np.int64)
    result["share"] = np.asarray(estimate.estimate, dtype=np.float64)
    result["ci_low"] = np.asarray(estimate.ci_low, dtype=np.float64)
    result["ci_high"] = np.asarray(estimate.ci_high, dtype=np.float64)
    result["table_share"] = flat / totals
    result["row_label"] = pd.array(result["row_answer"].map(labels).to_numpy(), dtype="string")
    result["column_label"] = pd.array(
        result["column_answer"].map(labels).to_numpy(), dtype="string"
    )
    warn_small_bases(
        counts.sum(axis=(1, 2)), "respondents", labels=group_labels(tables, ["wave", *names])
    )
    return pd.DataFrame(result)


def _single(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one survey item (a string), got {value!r}")
    return value


def _check_collapse(collapse: object) -> list[tuple[int, ...]]:
    """The answer categories: each substantive answer, or the groups of ``collapse``."""
    if collapse is None:
        return [(c,) for c in _SUBSTANTIVE]
    accepted = "a list of groups of the answers 1–5 such as [(1, 2), (3,), (4, 5)]"
    if isinstance(collapse, str) or not isinstance(collapse, Sequence):
        raise ArgumentTypeError(f"collapse must be {accepted}, got {collapse!r}")
    groups: list[tuple[int, ...]] = []
    for group in collapse:
        members = (group,) if isinstance(group, int | np.integer) else group
        if isinstance(members, str) or not isinstance(members, Sequence):
            raise ArgumentTypeError(f"collapse must be {accepted}, got {collapse!r}")
        groups.append(tuple(int(c) for c in members))
    flat = sorted(c for g in groups for c in g)
    if flat != list(_SUBSTANTIVE) or len(groups) < 2 or any(not g for g in groups):
        raise OptionError(
            f"collapse must put each of the answers 1–5 in exactly one of two or more "
            f"groups ({accepted}); got {collapse!r}"
        )
    return groups


def item_association(
    survey: pd.DataFrame,
    rows: str | Sequence[str],
    columns: str | Sequence[str] | None = None,
    *,
    wave: int | Sequence[int] | None = None,
    by: str | Sequence[str] | None = None,
    collapse: Sequence[Sequence[int] | int] | None = None,
    exact: Literal["auto", "always", "never"] = "auto",
    draws: int = DEFAULT_DRAWS,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""Tests and measures of association of pairs of items, among the same respondents.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    rows, columns
        Items: every item of ``rows`` against every item of ``columns``; with
        ``columns=None``, every pair of two different items of ``rows``.
    wave
        A wave or a list of waves; by default every wave, each on its own.
    by
        Respondent attributes (columns of the survey frame): one row per combination.
    collapse
        Groups of answers that form one category, in order, applied to both items: for
        example ``[(1, 2, 3), (4, 5)]`` for "top-2 box or not" (a 2×2 table) or
        ``[(1, 2), (3,), (4, 5)]``. By default the five answers.
    exact
        ``"auto"`` (default): Fisher's exact test when some expected count is below 5, where
        the chi-square approximation is in doubt; ``"always"``; ``"never"``.
    draws, seed
        Random tables of the Monte Carlo exact p-value (when the table has too many tables
        with its margins to enumerate) and their source: one stream, used by the tables in
        the order of the result's rows, so the same call gives the same p-values.
    level
        Confidence level of the intervals of :math:`\tau_b` and :math:`\gamma`.

    Returns
    -------
    pandas.DataFrame
        One row per wave, ``by`` group and item pair (sorted by them, items by name):
        ``wave``, the ``by`` columns,
        ``row_item``, ``column_item``, ``n`` (respondents answering both, "don't know" left
        out), ``tau_b``, ``ci_low``, ``ci_high`` (Kendall's :math:`\tau_b` with its ASE1
        interval), ``gamma``, ``gamma_ci_low``, ``gamma_ci_high`` (Goodman–Kruskal), ``z``
        and ``p_value`` (the ASE0 test of no ordinal association), ``chi2``, ``df``,
        ``chi2_p`` (Pearson), ``g2``, ``g2_p`` (likelihood ratio, same ``df``), ``exact_p``,
        ``exact_se``, ``exact_method`` (``"exact"``: complete enumeration, ``se`` 0;
        ``"monte carlo"``; ``"none"``: not run, ``exact_p`` missing), ``mantel_m2``,
        ``mantel_p`` (linear-by-linear trend with the answer codes, or the group positions, as
        scores) and ``min_expected`` (the smallest expected count of a cell in use).

    Raises
    ------
    OptionError
        For unknown items or waves, a bad ``collapse``, ``exact`` or ``level`` (a
        ``ValueError``), or when no respondent answered a pair of items.
    JobhandicapError
        When a respondent answered an item twice in one wave.

    Warns
    -----
    SmallSampleWarning
        Once, when a table rests on fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        respondents.
    DataQualityWarning
        When a pair's answers use a single category of an item: its tests are ``nan``.

    Notes
    -----
    From the counts of :func:`reduce_answer_pairs`, one count table per wave, group and pair
    (answers in rows and columns, "don't know" left out), every statistic is computed on the
    whole stack of tables at once with :mod:`jobhandicap.stats.contingency`:
    :func:`~jobhandicap.stats.contingency.pearson_chi2`,
    :func:`~jobhandicap.stats.contingency.likelihood_ratio_g2`,
    :func:`~jobhandicap.stats.contingency.linear_by_linear`,
    :func:`~jobhandicap.stats.contingency.kendall_tau_b` and
    :func:`~jobhandicap.stats.contingency.goodman_kruskal_gamma` (degrees of freedom count
    the answers in use). The test of the ordinal measures is the ASE0 :math:`z`, the same for
    both, not the classical Kendall test with the permutation variance. The exact test
    (:func:`~jobhandicap.stats.contingency.fisher_exact`) runs table by table: complete
    enumeration when the margins allow at most
    :data:`~jobhandicap.stats.contingency.EXACT_LIMIT` tables, else a Monte Carlo p-value
    from ``draws`` random tables with its standard error.

    References
    ----------
    Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley, chapters 2–3.

    Examples
    --------
    >>> import jobhandicap as jh
    >>> survey = jh.load_example().survey
    >>> result = item_association(survey, "political_focus", "scheme_focus", wave=2018)
    >>> result[["row_item", "column_item", "n", "exact_method"]]
              row_item   column_item   n exact_method
    0  political_focus  scheme_focus  80  monte carlo
    """
    row_items = as_items(rows, "rows")
    column_items = None if columns is None else as_items(columns, "columns")
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    check_known(survey, "item", [*row_items, *(column_items or [])])
    waves = as_waves(survey, wave)
    categories = _check_collapse(collapse)
    run_exact = check_choice("exact", exact, ("auto", "always", "never"))
    draws = check_count(draws, "draws", minimum=1)
    rng = generator(seed)
    level = check_level(level)
    if column_items is None and len(row_items) < 2:
        raise OptionError("item_association needs two items: give columns= or two rows items")
    if column_items is not None and set(row_items) == set(column_items) == {row_items[0]}:
        raise OptionError(
            f"rows and columns must be two different items, got {row_items[0]!r} twice"
        )
    pairs = reduce_answer_pairs(survey, row_items, column_items, by=by, waves=waves)
    names = check_survey(survey, by)
    keys = ["wave", *names, "row_item", "column_item"]
    counts, tables = _stack(pairs, keys, categories)
    n = counts.sum(axis=(1, 2))
    present = n > 0
    counts, tables, n = counts[present], tables.loc[present].reset_index(drop=True), n[present]
    if not len(tables):
        raise OptionError("no respondent answered both items of any pair in the same wave")
    # Scores: the answer codes 1–5, or the positions of the collapsed groups.
    scores = np.arange(1.0, len(categories) + 1.0)
    chi2 = pearson_chi2(counts)
    g2 = likelihood_ratio_g2(counts)
    trend = linear_by_linear(counts, row_scores=scores, column_scores=scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tau = kendall_tau_b(counts, level=level)
        gamma = goodman_kruskal_gamma(counts, level=level)
    rows_total, columns_total = counts.sum(axis=2), counts.sum(axis=1)
    expected = rows_total[:, :, None] * columns_total[:, None, :] / n[:, None, None]
    in_use = (rows_total[:, :, None] > 0) & (columns_total[:, None, :] > 0)
    min_expected = np.where(in_use, expected, np.inf).min(axis=(1, 2))
    run = np.full(len(tables), run_exact == "always")
    if run_exact == "auto":
        run = min_expected < _MIN_EXPECTED
    exact_p = np.full(len(tables), np.nan)
    exact_se = np.full(len(tables), np.nan)
    method = np.full(len(tables), "none", dtype=object)
    df = np.asarray(chi2.df, dtype=np.float64)
    # A pair using a single answer of an item has no association to test: no exact test
    # either (it would report p = 1 beside the other tests' nan).
    for k in np.flatnonzero(run & (df > 0)).tolist():
        test = fisher_exact(counts[k], draws=draws, seed=rng)
        exact_p[k], exact_se[k], method[k] = test.p_value, test.se, test.method
    labels = group_labels(tables, keys)
    degenerate = np.flatnonzero(df == 0)
    if degenerate.size:
        shown = "; ".join(labels[i] for i in degenerate[:3].tolist())
        more = f" and {degenerate.size - 3} more" if degenerate.size > 3 else ""
        warnings.warn(
            f"{degenerate.size} item pair(s) use a single answer of an item ({shown}{more}): "
            "there is no association to test, and their tests are nan",
            DataQualityWarning,
            stacklevel=2,
        )
    result = tables.copy()
    for name in ("wave", *names):
        result[name] = result[name].astype(survey[name].dtype)
    columns_out = {
        "n": n.astype(np.int64),
        "tau_b": tau.estimate,
        "ci_low": tau.ci_low,
        "ci_high": tau.ci_high,
        "gamma": gamma.estimate,
        "gamma_ci_low": gamma.ci_low,
        "gamma_ci_high": gamma.ci_high,
        "z": tau.z,
        "p_value": tau.p_value,
        "chi2": chi2.statistic,
        "df": df.astype(np.int64),
        "chi2_p": chi2.p_value,
        "g2": g2.statistic,
        "g2_p": g2.p_value,
        "exact_p": exact_p,
        "exact_se": exact_se,
        "exact_method": pd.array(method.tolist(), dtype="string"),
        "mantel_m2": trend.statistic,
        "mantel_p": trend.p_value,
        "min_expected": min_expected,
    }
    for name, values in columns_out.items():
        result[name] = values
    warn_small_bases(n, "respondents", labels=labels)
    return pd.DataFrame(result)


def top_box_difference(
    survey: pd.DataFrame,
    item: str,
    by: str,
    *,
    boxes: int = 2,
    wave: int | Sequence[int] | None = None,
    dont_know: DontKnow = "include",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    r"""The top-box share of an item in two subgroups of respondents and their difference.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    item
        The item whose top-box share is compared.
    by
        What splits the respondents: another **item** (the respondents answering it in its
        top ``boxes`` against those answering below; "don't know" and no answer are in
        neither group), or a **column** of the survey frame with two values (the larger value,
        ``True`` for a boolean, is the group, the smaller the reference).
    boxes
        How many categories from the top count as "yes" (for ``item`` and for an item ``by``).
    wave
        A wave or a list of waves; by default every wave, one row each.
    dont_know
        ``"include"`` (default) keeps "don't know" to ``item`` in the base, as :func:`top_box`;
        ``"exclude"`` leaves it out.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per wave: ``wave``, ``item``, ``by``, ``group``, ``reference`` (the two
        subgroups), ``n``, ``count``, ``share``, ``share_ci_low``, ``share_ci_high`` (the
        group's base, top-box answers and share with its Wilson interval), ``n_reference``,
        ``count_reference``, ``share_reference``, ``reference_ci_low``,
        ``reference_ci_high`` (the same for the reference), ``difference`` (group minus
        reference), ``ci_low``, ``ci_high`` (Newcombe), ``chi2`` and ``p_value`` (Pearson's
        test of the 2×2 table, no continuity correction) and ``method``.

    Raises
    ------
    MissingColumnsError
        When ``by`` is neither a column nor an item (a ``KeyError``).
    OptionError
        When the column ``by`` has not two values, or for unknown items and waves or a bad
        option (a ``ValueError``).

    Warns
    -----
    SmallSampleWarning
        Once, when a subgroup has fewer than :data:`~jobhandicap._defaults.SMALL_BASE`
        respondents.

    Notes
    -----
    Reduce, then infer: with an item as ``by``, from the pair counts of
    :func:`reduce_answer_pairs`; with a column, from the answer counts of
    :func:`reduce_answers` per wave and value. With :math:`x_1/n_1` and :math:`x_2/n_2` the
    shares of the group and the reference, the difference :math:`x_1/n_1 - x_2/n_2` has
    Newcombe's hybrid score interval (method 10, from the two Wilson intervals;
    :func:`jobhandicap.stats.newcombe_difference`).

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873–890.

    Examples
    --------
    >>> import jobhandicap as jh
    >>> survey = jh.load_example().survey
    >>> result = top_box_difference(survey, "scheme_focus", "political_focus", wave=2018)
    >>> result[["group", "n", "share", "n_reference", "share_reference"]].round(3)
       group   n  share  n_reference  share_reference
    0  top 2  35  0.771           45            0.556
    """
    item = _single(item, "item")
    by = _single(by, "by")
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    check_known(survey, "item", [item])
    boxes = check_boxes(boxes)
    waves = as_waves(survey, wave)
    dont_know = check_dont_know(dont_know)
    level = check_level(level)
    if by in SURVEY_COLUMNS:
        raise OptionError(
            f"by must be another item or a column of respondent attributes, not {by!r}"
        )
    items = set(survey["item"].dropna().unique().tolist())
    if by in survey.columns:
        table, group, reference = _split_by_column(survey, item, by, boxes, waves)
    elif by in items:
        if by == item:
            raise OptionError(f"by must be another item than {item!r}")
        table, group, reference = _split_by_item(survey, item, by, boxes, waves)
    else:
        shown = sorted(map(str, items))[:20]
        raise MissingColumnsError(
            [by],
            list(survey.columns),
            "survey",
            detail=f"by must name a column or an item of the survey; the items are {shown}",
        )
    codes = table["answer"].to_numpy(dtype=np.int64)
    counts = table["n"].to_numpy(dtype=np.float64)
    in_base = codes != DONT_KNOW if dont_know == "exclude" else np.ones(len(codes), bool)
    first = table["_first"].to_numpy(dtype=bool)
    sums = grouped_sums(
        {"wave": table["wave"]},
        {
            "n1": np.where(first & in_base, counts, 0.0),
            "x1": np.where(first & is_top(codes, boxes), counts, 0.0),
            "n2": np.where(~first & in_base, counts, 0.0),
            "x2": np.where(~first & is_top(codes, boxes), counts, 0.0),
        },
        count="_rows",
    )
    if sums.empty:
        raise OptionError(f"no respondent answered {item!r} in either group of {by!r}")
    n1, x1, n2, x2 = (sums[c].to_numpy(dtype=np.float64) for c in ("n1", "x1", "n2", "x2"))
    with one_small_sample_warning():
        one = wilson_interval(x1, n1, level=level)
        two = wilson_interval(x2, n2, level=level)
        difference = newcombe_difference(x1, n1, x2, n2, level=level)
        test = pearson_chi2(
            np.stack([np.stack([x1, n1 - x1], -1), np.stack([x2, n2 - x2], -1)], -2)
        )
    size = len(sums)
    result = pd.DataFrame(
        {
            "wave": sums["wave"].astype(survey["wave"].dtype),
            "item": pd.array([item] * size, dtype="string"),
            "by": pd.array([by] * size, dtype="string"),
            "group": pd.array([group] * size, dtype="string"),
            "reference": pd.array([reference] * size, dtype="string"),
            "n": n1.astype(np.int64),
            "count": x1.astype(np.int64),
            "share": np.asarray(one.estimate, dtype=np.float64),
            "share_ci_low": np.asarray(one.ci_low, dtype=np.float64),
            "share_ci_high": np.asarray(one.ci_high, dtype=np.float64),
            "n_reference": n2.astype(np.int64),
            "count_reference": x2.astype(np.int64),
            "share_reference": np.asarray(two.estimate, dtype=np.float64),
            "reference_ci_low": np.asarray(two.ci_low, dtype=np.float64),
            "reference_ci_high": np.asarray(two.ci_high, dtype=np.float64),
            "difference": np.asarray(difference.estimate, dtype=np.float64),
            "ci_low": np.asarray(difference.ci_low, dtype=np.float64),
            "ci_high": np.asarray(difference.ci_high, dtype=np.float64),
            "chi2": np.asarray(test.statistic, dtype=np.float64).reshape(size),
            "p_value": np.asarray(test.p_value, dtype=np.float64).reshape(size),
            "method": pd.array(["newcombe hybrid score"] * size, dtype="string"),
        }
    )
    labels = [str(w) for w in result["wave"].tolist()]
    warn_small_bases(
        np.concatenate([n1, n2]),
        "respondents",
        labels=[f"{w}, {group}" for w in labels] + [f"{w}, {reference}" for w in labels],
    )
    return result


def _split_by_item(
    survey: pd.DataFrame, item: str, by: str, boxes: int, waves: list[int] | None
) -> tuple[pd.DataFrame, str, str]:
    """Answer counts of ``item`` per wave among the top-box and the other answerers of ``by``."""
    pairs = reduce_answer_pairs(survey, [by], [item], waves=waves)
    splitting = pairs["row_answer"].to_numpy(dtype=np.int64)
    classified = splitting != DONT_KNOW
    table = pd.DataFrame(
        {
            "wave": pairs["wave"].to_numpy()[classified],
            "answer": pairs["column_answer"].to_numpy(dtype=np.int64)[classified],
            "n": pairs["n"].to_numpy(dtype=np.int64)[classified],
            "_first": is_top(splitting[classified], boxes),
        }
    )
    return table, f"top {boxes}", f"not top {boxes}"


def _split_by_column(
    survey: pd.DataFrame, item: str, by: str, boxes: int, waves: list[int] | None
) -> tuple[pd.DataFrame, str, str]:
    """Answer counts of ``item`` per wave in the two values of column ``by``."""
    unplaced = (
        survey[by].isna().to_numpy(dtype=bool)
        & (survey["item"] == item).to_numpy(dtype=bool, na_value=False)
        & survey["answer"].notna().to_numpy(dtype=bool)
    )
    if waves is not None:
        unplaced &= survey["wave"].isin(waves).to_numpy(dtype=bool, na_value=False)
    if unplaced.any():
        warnings.warn(
            f"{int(unplaced.sum())} answer(s) to {item!r} have no value in {by!r} and are left "
            "out of both groups",
            DataQualityWarning,
            stacklevel=3,
        )
    counts = reduce_answers(survey, ("wave", by), items=[item], waves=waves)
    counts = counts.loc[counts["answer"].to_numpy() != NO_ANSWER]
    values = pd.unique(counts[by])
    if len(values) != 2:
        raise OptionError(
            f"by={by!r} must take two values among the respondents answering {item!r}; it "
            f"takes {len(values)}: {sorted(map(str, values))[:10]}"
        )
    reference_value, group_value = sorted(values.tolist())
    table = pd.DataFrame(
        {
            "wave": counts["wave"].to_numpy(),
            "answer": counts["answer"].to_numpy(dtype=np.int64),
            "n": counts["n"].to_numpy(dtype=np.int64),
            "_first": (counts[by] == group_value).to_numpy(dtype=bool),
        }
    )
    return table, str(group_value), str(reference_value)
