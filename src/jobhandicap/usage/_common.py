"""What the use indicators share: the selection of cases by decision, amounts, and unit helpers."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._grouping import check_columns, rows_in
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    JobhandicapError,
    UnknownLabelError,
)
from jobhandicap.reference import membership_day

#: How many offending units an error message spells out.
SHOWN = 5

UNITS = ("jobcentre", "municipality")


def wanted_decisions(decision: object) -> frozenset[str] | None:
    """Return the decision values a ``decision`` argument selects (``None``: every case)."""
    if decision is None:
        return None
    if isinstance(decision, str) and not isinstance(decision, Decision):
        keyword = " ".join(decision.lower().split())
        if keyword == "all":
            return None
        if keyword == "decided":
            return frozenset({Decision.GRANTED.value, Decision.REFUSED.value})
    try:
        return frozenset({Decision.parse(decision).value})
    except UnknownLabelError as exc:
        raise UnknownLabelError(
            decision,
            "decision (give 'granted', 'refused', 'withdrawn', 'decided' or 'all')",
            exc.matches,
        ) from None


def cases_counted(decision: object) -> str:
    """What the cases a ``decision`` argument selects are called in a message.

    Examples
    --------
    >>> cases_counted("granted"), cases_counted("decided"), cases_counted(None)
    ('granted case(s)', 'decided case(s)', 'case(s)')
    """
    wanted = wanted_decisions(decision)
    if wanted is None:
        return "case(s)"
    if len(wanted) > 1:
        return "decided case(s)"
    return f"{next(iter(wanted))} case(s)"


def selected_cases(cases: pd.DataFrame, decision: object) -> npt.NDArray[np.bool_]:
    """Boolean mask of the cases that ``decision`` selects."""
    wanted = wanted_decisions(decision)
    if wanted is None:
        return np.ones(len(cases), dtype=bool)
    check_columns(cases, ("decision",), "cases")
    return rows_in(cases["decision"], wanted)


def amounts_dkk(cases: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The ``amount_dkk`` column as float64 (NaN when unknown)."""
    try:
        amount: npt.NDArray[np.float64] = cases["amount_dkk"].to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            "amount_dkk must hold numbers (amounts in DKK, NaN when unknown); validate the "
            "cases with jobhandicap.frames.validate_cases first"
        ) from exc
    return amount


def describe_units(frame: pd.DataFrame, columns: list[str]) -> str:
    """List the first few rows of ``frame`` as ``col value, col value``; say how many more."""
    shown = [
        ", ".join(f"{c} {v}" for c, v in zip(columns, row, strict=True))
        for row in frame[columns].head(SHOWN).itertuples(index=False)
    ]
    more = f" and {len(frame) - SHOWN} more" if len(frame) > SHOWN else ""
    return "; ".join(f"({s})" for s in shown) + more


def midyear(years: pd.Series[Any]) -> pd.Series[Any]:
    """The membership day (:data:`MEMBERSHIP_DAY`) of each year, as datetime64[ns]."""
    days = membership_day(years.to_numpy(dtype=np.int64))
    return pd.Series(days.astype("datetime64[ns]"), index=years.index)
