"""Design-based top-box shares and answer distributions (``design=`` of the survey indicators).

Reduce, then infer: the long frame is reduced by :mod:`jobhandicap.stats.design` to weighted
sums per group and PSU, per stratum and per calibration cell; the shares, their linearised
variances, design effects and logit intervals are computed from those sums.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.stats._core import FloatArray, factorize_groups
from jobhandicap.stats.design import DesignArrays, DesignEstimate, estimate_from
from jobhandicap.survey._common import (
    DONT_KNOW,
    SCALE,
    DontKnow,
    answer_codes,
    check_one_answer,
    is_top,
)
from jobhandicap.survey._design import SurveyDesign, design_arrays

IntArray = npt.NDArray[np.int64]


def _groups(survey: pd.DataFrame, by: list[str], rows: IntArray) -> tuple[IntArray, pd.DataFrame]:
    if not by:
        return np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    keys = survey[by].iloc[rows].reset_index(drop=True)
    return factorize_groups(keys)


def _method(interval: str, df: FloatArray, design: SurveyDesign) -> pd.Series:
    """The ``method`` column: one text per group (few groups: a list is cheap).

    It says which variance the standard error is: the GREG variance of a calibration (the
    design names the weights before raking and the margins), or Taylor linearisation with
    the weights as given (raked weights then count as fixed).
    """
    variance = "taylor, calibrated (GREG)" if design.calibration else "taylor"
    degrees = ["inf" if not np.isfinite(d) else f"{d:.0f}" for d in df.tolist()]
    return pd.Series(
        [f"{variance}, {interval} interval, t with {d} df" for d in degrees], dtype="string"
    )


def _rows(survey: pd.DataFrame, by: list[str], answered_only: bool) -> tuple[FloatArray, IntArray]:
    """The answer codes (NaN = no answer) and the rows with every grouping value present."""
    codes = answer_codes(survey)
    keep = ~np.isnan(codes) if answered_only else np.ones(len(codes), dtype=bool)
    if by:
        keep &= survey[by].notna().all(axis=1).to_numpy()
    return codes, np.flatnonzero(keep).astype(np.int64)


def _prepared(
    survey: pd.DataFrame, by: list[str], design: SurveyDesign, *, answered_only: bool
) -> tuple[DesignArrays, FloatArray, IntArray, IntArray, pd.DataFrame, IntArray]:
    """What both estimators start from, checked once.

    The design arrays; per row used its answer code, unit and group; the groups; and each
    group's scope (its wave when ``wave`` is in ``by``: each wave is its own sample).
    """
    check_one_answer(survey, "a design-based estimate")
    scope = "wave" if "wave" in by else None
    arrays, units, scopes = design_arrays(survey, design, unit=["respondent"], scope=scope)
    codes, rows = _rows(survey, by, answered_only=answered_only)
    group, groups = _groups(survey, by, rows)
    unit = units[rows]
    group_scope = np.zeros(len(groups), dtype=np.int64)
    group_scope[group] = scopes[unit]
    return arrays, codes[rows], unit, group, groups, group_scope


def design_top_box(
    survey: pd.DataFrame,
    by: list[str],
    *,
    boxes: int,
    dont_know: DontKnow,
    level: float,
    design: SurveyDesign,
) -> tuple[pd.DataFrame, FloatArray]:
    """The design-based ``top_box``: result frame and the base per group."""
    # Every row counts for the groups (a group without answers gets n = 0, as without a
    # design); the answered rows are the base.
    arrays, codes, unit, group, groups, group_scope = _prepared(
        survey, by, design, answered_only=False
    )
    n_groups = len(groups)
    answered = ~np.isnan(codes)
    answers = np.where(answered, codes, 0.0).astype(np.int64)
    dk = answers == DONT_KNOW
    base = answered & ~dk if dont_know == "exclude" else answered
    top = is_top(answers, boxes).astype(np.float64)
    estimate = estimate_from(
        arrays,
        unit[base],
        group[base],
        group_scope,
        top[base][:, None],
        level=level,
        interval="logit",
    )
    weight = arrays.weight[unit]
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_share = np.bincount(group, weights=weight * dk, minlength=n_groups) / np.bincount(
            group, weights=weight * answered, minlength=n_groups
        )
    result = groups.copy()
    result["n"] = estimate.n.astype(np.int64)
    result["count"] = np.bincount(group[base], weights=top[base], minlength=n_groups).astype(
        np.int64
    )
    _estimates(result, "share", estimate)
    result.insert(list(result.columns).index("ci_high") + 1, "dont_know_share", dk_share)
    result["method"] = _method("logit", estimate.df, design).to_numpy()
    return result.reset_index(drop=True), estimate.n


def _estimates(result: pd.DataFrame, name: str, estimate: DesignEstimate) -> None:
    result[name] = estimate.estimate
    result["ci_low"] = estimate.ci_low
    result["ci_high"] = estimate.ci_high
    result["se"] = estimate.se
    result["deff"] = estimate.deff_replace
    result["n_eff"] = estimate.n_eff


def design_distribution(
    survey: pd.DataFrame,
    by: list[str],
    *,
    level: float,
    design: SurveyDesign,
) -> tuple[pd.DataFrame, FloatArray]:
    """The design-based ``likert_distribution`` (without labels) and the base per group."""
    arrays, codes, unit, group, groups, group_scope = _prepared(
        survey, by, design, answered_only=True
    )
    n_groups = len(groups)
    answers = codes.astype(np.int64)
    onehot = (answers[:, None] == np.asarray(SCALE)[None, :]).astype(np.float64)
    estimate = estimate_from(
        arrays, unit, group, group_scope, onehot, level=level, interval="logit"
    )
    result = groups.loc[np.repeat(np.arange(n_groups), len(SCALE))].reset_index(drop=True)
    result["answer"] = np.tile(np.asarray(SCALE, dtype=np.int64), n_groups)
    result["n"] = estimate.n.astype(np.int64)
    counts = np.stack(
        [np.bincount(group, weights=onehot[:, j], minlength=n_groups) for j in range(len(SCALE))],
        axis=1,
    )
    result["count"] = counts.ravel().astype(np.int64)
    _estimates(result, "share", estimate)
    result["method"] = _method("logit", estimate.df, design).to_numpy()
    bases = estimate.n[:: len(SCALE)] if n_groups else estimate.n
    return result, bases
