"""The optional grant-period columns of a canonical cases frame, as a table without them has."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def no_grant_periods(n: int) -> dict[str, Any]:
    """The grant-period columns of ``n`` cases without a period, person or hours."""
    return {
        "granted_from": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "granted_to": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "hours_per_week": np.full(n, np.nan),
        "yearly_amount_dkk": np.full(n, np.nan),
        "person": pd.array([None] * n, dtype="string"),
    }
