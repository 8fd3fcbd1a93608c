"""Target-group coverage: how many, and which, target groups each jobcentre granted schemes to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import AnyFrame, as_pandas, check_engine_columns, engine_frame
from jobhandicap._grouping import as_by, check_columns, warn_left_out
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    OptionError,
)
from jobhandicap.usage._common import cases_counted
from jobhandicap.usage._schemes import usage_reduction

# --------------------------------------------------------------------------------------------
# Target-group coverage
# --------------------------------------------------------------------------------------------


def target_group_coverage(
    cases: AnyFrame,
    *,
    by: str | Sequence[str] = ("jobcentre", "year"),
    decision: str | Decision | None = "granted",
    per_scheme: bool = True,
) -> pd.DataFrame:
    """How many, and which, benefit target groups each group brought the schemes into play for.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``target_group``, ``scheme`` when ``per_scheme``, and the
        grouping columns).
    by
        Grouping columns, or ``"year"`` (the application year).
    decision
        Which applications count, as in :func:`scheme_usage` (default: granted ones).
    per_scheme
        Count per scheme within each group (default). With ``False`` a target group counts
        when any scheme was granted to it — the organisational indicator
        ``target_groups_covered`` (0–14) of the profiles table.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (and ``scheme``), ``n`` (selected cases), ``target_groups``
        (distinct target groups among them) and ``which`` (their values sorted alphabetically
        and joined with ``"; "``, a string).

    Raises
    ------
    JobhandicapError
        When ``by`` contains ``target_group`` or names an unknown column.
    MissingColumnsError
        When a required column is missing.

    Warns
    -----
    DataQualityWarning
        Once, when selected cases have no label in a ``by`` column, in ``scheme`` (with
        ``per_scheme``) or in ``target_group``, with their number: they are left out of
        ``n`` and of the target groups counted.

    Notes
    -----
    The cases are reduced once to the distinct (group, scheme, target group) combinations
    with their case counts (:func:`reduce_usage`); the counts and lists are taken from that
    small table. The survey of jobcentres asks for which target groups the schemes are
    brought into play; the case register answers the same question from the decisions
    actually made.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "jobcentre": [101, 101, 101, 147],
    ...     "scheme": ["aids"] * 4,
    ...     "target_group": ["flex-job", "employed", "flex-job", "employed"],
    ...     "decision": "granted"})
    >>> target_group_coverage(cases, by="jobcentre")
       jobcentre scheme  n  target_groups               which
    0        101   aids  3              2  employed; flex-job
    1        147   aids  1              1            employed
    """
    names = as_by(by)
    if "target_group" in names:
        raise OptionError(
            f"target_group_coverage counts target groups within groups; drop 'target_group' "
            f"from by (got {names})"
        )
    inner = [*names, "scheme"] if per_scheme and "scheme" not in names else names
    engine = engine_frame(cases, function="target_group_coverage", what="cases")
    if engine is not None:
        check_engine_columns(engine, ("target_group",), "cases")
    else:
        check_columns(
            as_pandas(cases, function="target_group_coverage", what="cases"),
            ("target_group",),
            "cases",
        )
    distinct, left_out = usage_reduction(
        cases, [*inner, "target_group"], decision, function="target_group_coverage"
    )
    warn_left_out(left_out, cases_counted(decision))
    labels = distinct["target_group"].astype("string").to_numpy(dtype=object, na_value="")
    if not inner:
        values = sorted(labels.tolist())
        return pd.DataFrame(
            {
                "n": [int(distinct["n"].sum())],
                "target_groups": [len(values)],
                "which": pd.array(["; ".join(values)], dtype="string"),
            }
        )
    group = distinct.groupby(inner, observed=True, sort=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    return pd.DataFrame(
        {
            **{c: distinct[c].iloc[starts].reset_index(drop=True) for c in inner},
            "n": np.add.reduceat(distinct["n"].to_numpy(), starts).astype(np.int64),
            "target_groups": np.diff(np.append(starts, len(distinct))).astype(np.int64),
            "which": pd.array(_joined(labels, starts), dtype="string"),
        }
    )


def _joined(labels: npt.NDArray[Any], starts: npt.NDArray[np.intp]) -> list[str]:
    """Join each run of ``labels`` (runs begin at ``starts``) alphabetically with ``"; "``.

    With at most 62 distinct labels (there are 14 target groups) each run becomes a bit mask
    over the alphabetically ranked labels, combined with one ``bitwise_or.reduceat``; only the
    distinct masks are turned into text.
    """
    if labels.size == 0:
        return []
    vocabulary, rank = np.unique(labels, return_inverse=True)
    if vocabulary.size <= 62:
        masks = np.bitwise_or.reduceat(np.left_shift(1, rank.astype(np.int64)), starts)
        distinct, inverse = np.unique(masks, return_inverse=True)
        texts = [
            "; ".join(str(v) for i, v in enumerate(vocabulary) if int(mask) >> i & 1)
            for mask in distinct
        ]
        return [texts[i] for i in inverse.reshape(-1)]
    stops = np.append(starts[1:], labels.size)
    return ["; ".join(sorted(labels[a:b].tolist())) for a, b in zip(starts, stops, strict=True)]
