"""Multiple-response sets: shares, number ticked, Cochran's Q and ranks with intervals."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from jobhandicap import reference
from jobhandicap._defaults import DEFAULT_LEVEL, DEFAULT_N_BOOT, DEFAULT_SEED
from jobhandicap._grouping import check_columns
from jobhandicap._options import Seed, check_count, check_level, generator, warn_small_bases
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import ArgumentTypeError, OptionError
from jobhandicap.stats import wilson_interval
from jobhandicap.stats._core import FloatArray, factorize_groups
from jobhandicap.stats.multiple import cochran_q, rank_intervals
from jobhandicap.survey._common import (
    answer_codes,
    check_one_answer,
    check_survey,
    group_labels,
    one_small_sample_warning,
)

__all__ = ["MultipleResponse", "multiple_response", "reduce_patterns"]

#: Columns of the pattern table besides the options; an option may not be named like them.
_RESERVED = ("wave", "n")


def _options_of(options: object) -> list[str]:
    """The option items: a set name of :func:`jobhandicap.reference.item_sets`, or items."""
    if isinstance(options, str):
        sets = reference.item_sets()
        if options not in sets:
            raise OptionError(
                f"options must be a multiple-response set of the survey instrument "
                f"({', '.join(map(repr, sets))}) or a list of 0/1 items; got {options!r}"
            )
        return list(sets[options])
    if not isinstance(options, Sequence) or not all(isinstance(o, str) for o in options):
        raise ArgumentTypeError(
            "options must be the name of a multiple-response set or a list of survey items "
            f"(strings), got {type(options).__name__}"
        )
    names = list(options)
    if len(names) < 2:
        raise OptionError(f"a multiple-response set needs at least 2 options, got {names}")
    if len(set(names)) != len(names):
        raise OptionError(f"options names an item twice: {names}")
    return names


def _waves_of(wave: object) -> list[int] | None:
    if wave is None:
        return None
    values = [wave] if not isinstance(wave, Sequence) or isinstance(wave, str) else list(wave)
    years: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ArgumentTypeError(f"wave must be a survey year or a list of years, got {wave!r}")
        years.append(int(value))
    if not years:
        raise ArgumentTypeError("wave must be a survey year or a list of years, got none")
    return years


def reduce_patterns(
    survey: pd.DataFrame,
    options: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    wave: int | Sequence[int] | None = None,
) -> pd.DataFrame:
    """Reduce a multiple-response set to how many respondents ticked each pattern.

    The reduction step of :func:`multiple_response`: shares, the number ticked, Cochran's Q
    and the bootstrap of the ranks all follow from this table alone.

    Parameters
    ----------
    survey
        Canonical long survey frame.
    options
        The set's 0/1 items: a set name of :func:`jobhandicap.reference.item_sets` or a list
        of items (at least two).
    by
        Respondent attributes to group by besides the wave (constant within a respondent's
        answers in a wave).
    wave
        A wave or a list of waves to keep; all waves by default.

    Returns
    -------
    pandas.DataFrame
        One row per wave, group and pattern of ticks that occurs, sorted: ``wave``, the
        ``by`` columns, one int64 column per option (named by its item; 1 = ticked) and ``n``
        (int64: the respondents who ticked exactly that pattern). A respondent is in the table
        when it **answered the set**: it has an answer (0 or 1) to at least one of the options
        in the wave; an option it left without an answer counts as not ticked. Counts only:
        the tables of parts that split the respondents add up to the table of the whole.

    Raises
    ------
    MissingColumnsError
        When the survey lacks a needed column.
    OptionError
        For unknown items, an option with answers other than 0 and 1, a ``by`` column that
        varies within a respondent's answers, or an option named like a result column.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({
    ...     "respondent": ["a", "a", "b", "b", "c", "c"], "wave": 2018,
    ...     "item": ["x", "y"] * 3, "answer": pd.array([1, 0, 1, 1, 1, 0], dtype="Int64")})
    >>> reduce_patterns(survey, ["x", "y"])
       wave  x  y  n
    0  2018  1  0  2
    1  2018  1  1  1
    """
    names = [name for name in check_survey(survey, by) if name != "wave"]
    items = _options_of(options)
    waves = _waves_of(wave)
    clash = [item for item in items if item in (*_RESERVED, *names)]
    if clash:
        raise OptionError(
            f"options {clash} have the name of a column of the pattern table (wave, n or a by "
            "column); rename the items"
        )
    check_columns(survey, ["respondent"], "survey")
    item_column = survey["item"]
    present = set(item_column.dropna().astype(str).unique().tolist())
    unknown = [item for item in items if item not in present]
    if unknown:
        shown = sorted(present)[:20]
        raise OptionError(f"unknown item(s) {unknown}; the survey has items {shown}")
    codes = answer_codes(survey)
    keep = ~np.isnan(codes) & item_column.isin(items).to_numpy(dtype=bool, na_value=False)
    if waves is not None:
        keep &= survey["wave"].isin(waves).to_numpy(dtype=bool, na_value=False)
    check_one_answer(survey.loc[keep], "a multiple-response set")
    answers = codes[keep]
    wrong = ~((answers == 0) | (answers == 1))
    if wrong.any():
        offending = pd.DataFrame(
            {"item": item_column.to_numpy()[keep][wrong], "answer": answers[wrong]}
        ).drop_duplicates()
        listed = ", ".join(
            f"{item!r} has {int(code)}"
            for item, code in offending.head(5).itertuples(index=False, name=None)
        )
        raise OptionError(
            f"options must be 0/1 tick items (1 = ticked, 0 = not ticked, empty = no answer); "
            f"{listed}. A Likert item is not an option of a multiple-response set"
        )
    keys = pd.DataFrame(
        {
            "wave": survey["wave"][keep],
            **{name: survey[name][keep] for name in names},
            "respondent": survey["respondent"][keep],
        }
    ).reset_index(drop=True)
    complete = keys.notna().all(axis=1).to_numpy(dtype=bool)
    keys, answers = keys.loc[complete].reset_index(drop=True), answers[complete]
    chosen = item_column.to_numpy()[keep][complete]
    respondent, groups = factorize_groups(keys)
    if names and groups.duplicated(["wave", "respondent"]).any():
        raise OptionError(
            f"by {names} varies within one respondent's answers in a wave; group a multiple-"
            "response set by attributes of the respondent"
        )
    position = pd.Index(items).get_indexer(pd.Index(chosen))
    ticks = np.zeros((len(groups), len(items)), dtype=np.int64)
    ticks[respondent, position] = answers.astype(np.int64)
    table = grouped_sums(
        {"wave": groups["wave"], **{name: groups[name] for name in names}}
        | {item: ticks[:, j] for j, item in enumerate(items)}
    )
    return table.astype(dict.fromkeys(items, "int64"))


@attrs.frozen(kw_only=True, eq=False)
class MultipleResponse:
    """The result of :func:`multiple_response`: three tidy frames.

    Attributes
    ----------
    options
        One row per group and option: ``wave``, the ``by`` columns, ``option`` (the item),
        ``n`` (respondents who answered the set), ``count`` (who ticked the option),
        ``share``, ``ci_low``, ``ci_high`` (Wilson), ``rank`` (1 = ticked most; ties share
        the best rank), ``rank_ci_low``, ``rank_ci_high`` (bootstrap percentile interval of
        the rank). In the order of the options given.
    ticked
        One row per group and number of options ticked (0 … k, zero counts included):
        ``wave``, the ``by`` columns, ``ticked``, ``n``, ``count`` (respondents who ticked
        that many), ``share``, ``ci_low``, ``ci_high`` (Wilson).
    test
        One row per group: ``wave``, the ``by`` columns, ``n``, ``options`` (k), ``statistic``
        (Cochran's Q), ``df`` (k − 1), ``p_value``, ``method`` (``"cochran_q"``).
    """

    options: pd.DataFrame
    ticked: pd.DataFrame
    test: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"MultipleResponse(options={len(self.options)} rows, ticked={len(self.ticked)} "
            f"rows, test={len(self.test)} rows)"
        )


def multiple_response(
    survey: pd.DataFrame,
    options: str | Sequence[str],
    *,
    wave: int | Sequence[int] | None = None,
    by: str | Sequence[str] | None = None,
    level: float = DEFAULT_LEVEL,
    n_boot: int = DEFAULT_N_BOOT,
    seed: Seed = DEFAULT_SEED,
) -> MultipleResponse:
    r"""Shares, ranking and test of a multiple-response set ("tick all that apply").

    Parameters
    ----------
    survey
        Canonical long survey frame with one 0/1 item per option (1 = ticked, 0 = not
        ticked, missing = no answer).
    options
        The name of a multiple-response set of the survey instrument
        (:func:`jobhandicap.reference.item_sets`, e.g. ``"schemes_used_for"``) or a list of
        at least two 0/1 items.
    wave
        A wave or a list of waves; by default every wave in which the set was answered. The
        result always has ``wave`` as its first column.
    by
        Respondent attributes to group by besides the wave.
    level
        Confidence level of the share and rank intervals.
    n_boot
        Bootstrap resamples of the respondents for the rank intervals.
    seed
        An ``int``, a :class:`numpy.random.Generator` or ``None``; the same seed gives the
        same rank intervals.

    Returns
    -------
    MultipleResponse
        Frames ``options`` (share, rank and their intervals per option), ``ticked`` (the
        distribution of the number of options ticked) and ``test`` (Cochran's Q that all
        shares are equal), each with one block of rows per wave and group; see
        :class:`MultipleResponse` for their columns.

    Raises
    ------
    MissingColumnsError
        When the survey lacks a needed column (a ``by`` column included).
    OptionError
        For unknown items or set names, options whose answers are not 0/1, or a bad
        ``level``, ``n_boot`` or ``seed`` (a ``ValueError``).
    ArgumentTypeError
        For an argument of the wrong type (a ``TypeError``).

    Warns
    -----
    SmallSampleWarning
        Once per call, when a group has fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` respondents who answered the set.

    Notes
    -----
    Reduce, then infer: everything is computed from the pattern table of
    :func:`reduce_patterns`.

    **Base.** A respondent *answered the set* in a wave when it answered (0 or 1) at least
    one of the options; the base :math:`n` of every share is those respondents, and an
    option they left unanswered counts as not ticked (an export that writes ticks as 1 and
    the rest as empty reads the same as one that writes 0). A respondent with no answer to
    any option is not in the base: it is indistinguishable from one who skipped the question.

    **Shares** :math:`C_j / n` with Wilson intervals (:func:`~jobhandicap.stats.wilson_interval`);
    they add up to more than 1 whenever respondents tick several options. **Number ticked**:
    the share of respondents ticking 0, 1, …, k options, with Wilson intervals.
    **Test**: Cochran's Q (:func:`~jobhandicap.stats.cochran_q`), :math:`\chi^2_{k-1}`.
    **Ranks** (:func:`~jobhandicap.stats.rank_intervals`): rank 1 is the option ticked most
    often, ties share the best rank; the interval is the percentile interval of the rank
    over ``n_boot`` resamples of the respondents of the group (resampled within wave and
    group), drawn from one generator in the order of the groups.

    References
    ----------
    Cochran, W. G. (1950). The comparison of percentages in matched samples. *Biometrika*
    37, 256–266. Goldstein, H. and Spiegelhalter, D. J. (1996). League tables and their
    limitations. *JRSS A* 159, 385–443.

    Examples
    --------
    >>> import pandas as pd
    >>> ticks = ["110", "100", "100", "111", "000", "101"] * 6
    >>> survey = pd.DataFrame({
    ...     "respondent": [f"r{i}" for i in range(len(ticks)) for _ in range(3)],
    ...     "wave": 2018, "item": ["x", "y", "z"] * len(ticks),
    ...     "answer": pd.array([int(c) for t in ticks for c in t], dtype="Int64")})
    >>> result = multiple_response(survey, ["x", "y", "z"], n_boot=999)
    >>> result.options[["option", "n", "count", "share", "rank", "rank_ci_low", "rank_ci_high"]]
      option   n  count     share  rank  rank_ci_low  rank_ci_high
    0      x  36     30  0.833333     1            1             1
    1      y  36     12  0.333333     2            2             3
    2      z  36     12  0.333333     2            2             3
    >>> result.test[["wave", "n", "statistic", "df", "p_value"]].round(6)
       wave   n  statistic  df  p_value
    0  2018  36       27.0   2  0.000001
    """
    level = check_level(level)
    n_boot = check_count(n_boot, "n_boot", minimum=1)
    rng = generator(seed)
    names = [name for name in check_survey(survey, by) if name != "wave"]
    items = _options_of(options)
    patterns = reduce_patterns(survey, items, by=names, wave=wave)
    keys = ["wave", *names]
    k = len(items)
    if patterns.empty:
        raise OptionError(
            f"no respondent answered the options {items}"
            + (f" in wave(s) {_waves_of(wave)}" if wave is not None else "")
        )
    group, groups = factorize_groups(patterns[keys])
    size = len(groups)
    matrix = patterns[items].to_numpy(dtype=np.float64)
    counts = patterns["n"].to_numpy(dtype=np.float64)
    n = np.bincount(group, weights=counts, minlength=size)
    totals = np.zeros((size, k))
    np.add.at(totals, group, matrix * counts[:, np.newaxis])
    ticked_counts = np.zeros((size, k + 1))
    np.add.at(ticked_counts, (group, matrix.sum(axis=1).astype(np.int64)), counts)

    statistics = np.full(size, np.nan)
    p_values = np.full(size, np.nan)
    ranks = np.zeros((3, size, k), dtype=np.int64)
    for g in range(size):
        rows = group == g
        test = cochran_q(matrix[rows], counts[rows])
        statistics[g], p_values[g] = test.statistic, test.p_value
        ranks[:, g, :] = rank_intervals(
            matrix[rows], counts[rows], n_boot=n_boot, level=level, seed=rng
        )

    with one_small_sample_warning():
        shares = wilson_interval(totals, n[:, np.newaxis], level=level)
        spread = wilson_interval(ticked_counts, n[:, np.newaxis], level=level)

    def frame(extra: dict[str, object], repeat: int) -> pd.DataFrame:
        base = groups.loc[groups.index.repeat(repeat)].reset_index(drop=True)
        return base.assign(**extra)  # type: ignore[arg-type]

    option_frame = frame(
        {
            "option": pd.array(np.tile(np.asarray(items, dtype=object), size), dtype="string"),
            "n": np.repeat(n, k).astype(np.int64),
            "count": totals.ravel().astype(np.int64),
            "share": _flat(shares.estimate),
            "ci_low": _flat(shares.ci_low),
            "ci_high": _flat(shares.ci_high),
            "rank": ranks[0].ravel(),
            "rank_ci_low": ranks[1].ravel(),
            "rank_ci_high": ranks[2].ravel(),
        },
        k,
    )
    ticked_frame = frame(
        {
            "ticked": np.tile(np.arange(k + 1, dtype=np.int64), size),
            "n": np.repeat(n, k + 1).astype(np.int64),
            "count": ticked_counts.ravel().astype(np.int64),
            "share": _flat(spread.estimate),
            "ci_low": _flat(spread.ci_low),
            "ci_high": _flat(spread.ci_high),
        },
        k + 1,
    )
    test_frame = groups.assign(
        n=n.astype(np.int64),
        options=k,
        statistic=statistics,
        df=k - 1,
        p_value=p_values,
        method=pd.array(["cochran_q"] * size, dtype="string"),
    )
    warn_small_bases(n, "respondents", labels=group_labels(groups, keys))
    return MultipleResponse(options=option_frame, ticked=ticked_frame, test=test_frame)


def _flat(values: FloatArray | float) -> FloatArray:
    return np.asarray(values, dtype=np.float64).ravel()
