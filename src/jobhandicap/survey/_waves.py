"""The change of a top-box share between two survey waves, paired where respondents repeat."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import check_columns
from jobhandicap._options import check_level, warn_small_bases
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    OptionError,
)
from jobhandicap.stats import (
    mcnemar_exact,
    newcombe_difference,
    overlap_difference,
    paired_difference,
)
from jobhandicap.stats._core import FloatArray
from jobhandicap.survey._common import (
    DONT_KNOW,
    NO_ANSWER,
    SURVEY_COLUMNS,
    DontKnow,
    check_boxes,
    check_dont_know,
    is_top,
    one_small_sample_warning,
)
from jobhandicap.survey._reductions import reduce_pairs


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
    comes when no respondent pairs (the difference is then from independent samples) or fewer
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
            else f"partially overlapping samples, the covariance from those {k} only"
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
        "respondent ids must be written alike in both waves",
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
    r"""Change in the top-box share between two waves, using every respondent of each wave.

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
        ``difference`` (exactly ``later_share - earlier_share``), ``ci_low``, ``ci_high`` (its
        interval, by ``method``), ``method`` (``"paired"`` when every respondent of both waves
        is in both, ``"independent"`` when none is, ``"partially overlapping"`` otherwise),
        the bases of the method: ``n_paired`` (respondents in the base of both waves),
        ``n_earlier_only`` and ``n_later_only`` (respondents in the base of one wave only;
        ``n_earlier = n_paired + n_earlier_only``), ``p_value`` (exact McNemar when paired, the
        Wald z-test when partially overlapping, none when independent), and
        ``independent_difference``, ``independent_ci_low``, ``independent_ci_high``: the
        comparison that ignores the pairing (Newcombe's hybrid score interval).

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
        independent samples), or fewer than half of the smaller wave's are (the covariance
        rests on those only; the respondents are usually written differently in the two
        waves). The warning says, per item, how many respondents were paired of how many in
        each wave; normal attrition is silent. Respondents pair by their ``respondent`` value,
        which :func:`~jobhandicap.validate_survey` normalises to the jobcentre code when every
        respondent names a jobcentre or municipality.
    SmallSampleWarning
        Once per call, when a difference rests on fewer than
        :data:`~jobhandicap._defaults.SMALL_BASE` respondents (paired: the repeat respondents;
        otherwise: the smaller wave).

    Notes
    -----
    Reduce, then infer: everything comes from the table of :func:`reduce_pairs` with
    ``unpaired=True``, which counts the pairs of answers of the respondents in both waves and
    the answers of those in one wave only. A respondent in the base of both waves is paired;
    with ``dont_know="exclude"`` a "don't know" in one wave makes it a respondent of the other
    wave only.

    Among the :math:`k` paired respondents, :math:`a` say yes (top box) in both waves,
    :math:`b` in the later wave only, :math:`c` in the earlier only and :math:`d` in neither;
    :math:`x_e` of :math:`m_e` respondents of the earlier wave only and :math:`x_l` of
    :math:`m_l` of the later wave only say yes. The shares are
    :math:`\hat p_e = (a + c + x_e)/(k + m_e)` and :math:`\hat p_l = (a + b + x_l)/(k + m_l)`
    and the difference is :math:`\hat p_l - \hat p_e` whatever the method, so its sign is
    always that of the two shares on the row.

    - Paired (:math:`m_e = m_l = 0`): Newcombe's square-and-add interval with the
      continuity-corrected :math:`\phi` (:func:`~jobhandicap.stats.paired_difference`) and the
      exact McNemar test.
    - Independent (:math:`k = 0`): Newcombe's hybrid score interval of two Wilson intervals
      (:func:`~jobhandicap.stats.newcombe_difference`); no test.
    - Partially overlapping (otherwise): the Wald interval and z-test with the variance
      :math:`\hat p_l\hat q_l/N_l + \hat p_e\hat q_e/N_e - 2(ad - bc)/(k N_e N_l)`, where
      :math:`N_e = k + m_e` and :math:`N_l = k + m_l`
      (:func:`~jobhandicap.stats.overlap_difference`, ``variance="unpooled"``): every
      respondent counts, and the paired ones bring their covariance. The pooled-variance
      z-test of Derrick et al. (2015) is the other published choice; its interval rests on the
      variance under no change, so it is not the interval here.

    References
    ----------
    Newcombe, R. G. (1998). Improved confidence intervals for the difference between binomial
    proportions based on paired data. *Statistics in Medicine* 17, 2635–2650.
    Derrick, B., Dobson-Mckittrick, A., Toher, D. & White, P. (2015). Test statistics for
    comparing two proportions with partially overlapping samples. *Journal of Applied
    Quantitative Methods* 10(3).

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

    When respondent ``c`` skips the later wave and ``d`` joins it, all five answers count:

    >>> partly = survey.assign(respondent=["a", "b", "c", "a", "b", "d"])
    >>> change = wave_change(partly, item="focus")
    >>> change[["difference", "method", "n_paired", "n_earlier_only", "n_later_only"]]
       difference                 method  n_paired  n_earlier_only  n_later_only
    0    0.333333  partially overlapping         2               1             1
    """
    check_columns(survey, list(SURVEY_COLUMNS), "survey")
    boxes = check_boxes(boxes)
    dont_know = check_dont_know(dont_know)
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
    pairs = reduce_pairs(survey, items=items, waves=(earlier, later), unpaired=True)

    def in_base(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        answered: npt.NDArray[np.bool_] = codes != NO_ANSWER
        if dont_know == "exclude":
            answered &= codes != DONT_KNOW
        return answered

    # The discordance table of the respondents in the base of both waves, and the answers in
    # the base of one wave only.
    first = pairs["earlier"].to_numpy(dtype=np.int64)
    second = pairs["later"].to_numpy(dtype=np.int64)
    n_rows = pairs["n"].to_numpy(dtype=np.float64)
    base_early, base_late = in_base(first), in_base(second)
    yes_early = base_early & is_top(first, boxes)
    yes_late = base_late & is_top(second, boxes)
    both = base_early & base_late
    early_only, late_only = base_early & ~base_late, base_late & ~base_early
    cells = grouped_sums(
        {"item": pairs["item"]},
        {
            "a": np.where(both & yes_early & yes_late, n_rows, 0.0),
            "b": np.where(both & ~yes_early & yes_late, n_rows, 0.0),
            "c": np.where(both & yes_early & ~yes_late, n_rows, 0.0),
            "d": np.where(both & ~yes_early & ~yes_late, n_rows, 0.0),
            "n_early_only": np.where(early_only, n_rows, 0.0),
            "x_early_only": np.where(early_only & yes_early, n_rows, 0.0),
            "n_late_only": np.where(late_only, n_rows, 0.0),
            "x_late_only": np.where(late_only & yes_late, n_rows, 0.0),
        },
    )
    a, b, c, d, m_early, x_early_only, m_late, x_late_only = (
        _by_item(cells, items, column)
        for column in (
            "a",
            "b",
            "c",
            "d",
            "n_early_only",
            "x_early_only",
            "n_late_only",
            "x_late_only",
        )
    )
    n_paired = a + b + c + d
    n_early, n_late = n_paired + m_early, n_paired + m_late
    x_early, x_late = a + c + x_early_only, a + b + x_late_only
    paired_rows = (n_paired > 0) & (m_early == 0) & (m_late == 0)
    overlap_rows = (n_paired > 0) & ~paired_rows
    method = np.where(
        paired_rows, "paired", np.where(overlap_rows, "partially overlapping", "independent")
    )

    with one_small_sample_warning():
        independent = newcombe_difference(x_late, n_late, x_early, n_early, level=level)
        ci_low = np.asarray(independent.ci_low, dtype=np.float64).copy()
        ci_high = np.asarray(independent.ci_high, dtype=np.float64).copy()
        p_value = np.full(len(items), np.nan)
        if paired_rows.any():
            chosen = [cell[paired_rows] for cell in (a, b, c, d)]
            paired = paired_difference(*chosen, level=level)
            ci_low[paired_rows] = paired.ci_low
            ci_high[paired_rows] = paired.ci_high
            p_value[paired_rows] = mcnemar_exact(chosen[1], chosen[2])
        if overlap_rows.any():
            counts = (a, b, c, d, x_late_only, m_late, x_early_only, m_early)
            overlap = overlap_difference(*(v[overlap_rows] for v in counts), level=level)
            ci_low[overlap_rows] = overlap.ci_low
            ci_high[overlap_rows] = overlap.ci_high
            p_value[overlap_rows] = overlap.p_value
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
            # The shares' own difference, so that the row never contradicts itself; every
            # method's interval is built around this same value.
            "difference": share_late - share_early,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "method": pd.array(method.tolist(), dtype="string"),
            "n_paired": n_paired.astype(np.int64),
            "n_earlier_only": m_early.astype(np.int64),
            "n_later_only": m_late.astype(np.int64),
            "p_value": p_value,
            "independent_difference": np.asarray(independent.estimate, dtype=np.float64),
            "independent_ci_low": np.asarray(independent.ci_low, dtype=np.float64),
            "independent_ci_high": np.asarray(independent.ci_high, dtype=np.float64),
        }
    )
