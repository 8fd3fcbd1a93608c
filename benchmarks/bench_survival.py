"""Benchmark: log-rank across jobcentres and restricted means per jobcentre, beside lifelines.

The data are the synthetic canonical cases of the suite (``_data.canonical_cases``, a million
applications at full size, about 98 jobcentres). The time to decision and its event indicator
(decided by the extraction date; open and withdrawn cases censored, the convention of
:func:`jobhandicap.compare_processing_time`) are computed once, untimed, for both contenders.

- **log-rank**: jobhandicap reduces the durations to counts per jobcentre and day
  (:func:`jobhandicap.stats.reduce_survival`) and runs
  :func:`jobhandicap.stats.logrank_from_counts` (98 groups, one 97-df test); lifelines runs
  ``multivariate_logrank_test`` on the same arrays. The χ² must agree to 1e-9 relative.
- **restricted mean**: jobhandicap reduces and runs
  :func:`jobhandicap.stats.restricted_mean_from_counts` for every jobcentre at once (with the
  standard errors); lifelines fits a ``KaplanMeierFitter`` per jobcentre and calls
  ``restricted_mean_survival_time``. The means must agree to 1e-9 relative.

Registered in ``benchmarks/run.py`` as ``survival``. Usage::

    python benchmarks/run.py --only survival          # full size
    python benchmarks/run.py --only survival --quick  # 50,000 cases (log-rank: 10 jobcentres)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import _data
import _harness
from _harness import Result
from jobhandicap.stats import logrank_from_counts, reduce_survival, restricted_mean_from_counts

#: Horizon of the restricted means (days): a quarter of a year, well inside every jobcentre's
#: follow-up.
TAU = 90.0
NOT_INSTALLED = "peer not installed (lifelines); " + _harness.INSTALL_HINT


def durations(n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Days to decision or censoring, decided (0/1) and jobcentre of ``n`` synthetic cases."""
    cases = _data.canonical_cases(n)
    cut = np.datetime64(pd.Timestamp(_data.EXTRACTED), "ns")
    applied = cases["applied"].to_numpy("datetime64[ns]")
    decided = cases["decided"].to_numpy("datetime64[ns]")
    withdrawn = (cases["decision"] == "withdrawn").to_numpy(dtype=bool, na_value=False)
    done = ~np.isnat(decided) & (decided <= cut)
    end = np.where(done, decided, cut)
    days = ((end - applied) / np.timedelta64(1, "D")).astype(np.float64)
    event = (done & ~withdrawn).astype(np.int64)
    return days, event, cases["jobcentre"].to_numpy(np.int64)


#: The goal of both workloads.
GOAL = "faster than lifelines, same answer"


def _faster(ours: float, theirs: float | None) -> bool | None:
    """Goal: faster than lifelines."""
    return None if theirs is None else theirs > ours


def logrank_workload(n: int, repeat: int, groups: int | None = None) -> Result:
    days, event, jobcentre = durations(n)
    if groups is not None:
        kept = np.isin(jobcentre, np.unique(jobcentre)[:groups])
        days, event, jobcentre = days[kept], event[kept], jobcentre[kept]

    def ours() -> float:
        counts = reduce_survival(days, event, pd.Series(jobcentre, name="jobcentre"))
        return logrank_from_counts(counts, "jobcentre").statistic

    theirs: Callable[[], Any] | None = None
    check, note = "—", NOT_INSTALLED
    if _harness.have("lifelines"):
        from lifelines.statistics import multivariate_logrank_test

        def theirs() -> float:
            return float(multivariate_logrank_test(days, jobcentre, event).test_statistic)

        mine, other = ours(), theirs()
        same = bool(np.isclose(mine, other, rtol=1e-9, atol=0.0))
        check = ("identical" if same else "DIFFERS") + f" (χ² {mine:.6g} vs {other:.6g})"
        note = f"{len(np.unique(jobcentre))} jobcentres, one χ² on k − 1 df"
    return _harness.timed_result(
        workload="log-rank across jobcentres",
        size=_harness.count_text(days.size) + " cases",
        peer="lifelines multivariate_logrank_test",
        ours=ours,
        theirs=theirs,
        repeat=repeat,
        goal=GOAL,
        judge=_faster,
        check=check,
        note=note,
    )


def rmst_workload(n: int, repeat: int, peer_groups: int | None) -> Result:
    days, event, jobcentre = durations(n)

    def ours() -> pd.DataFrame:
        counts = reduce_survival(days, event, pd.Series(jobcentre, name="jobcentre"))
        return restricted_mean_from_counts(counts, TAU)

    theirs: Callable[[], Any] | None = None
    check, note, scale = "—", NOT_INSTALLED, 1.0
    peer = "lifelines KaplanMeierFitter + restricted_mean_survival_time per jobcentre"
    if _harness.have("lifelines"):
        from lifelines import KaplanMeierFitter
        from lifelines.utils import restricted_mean_survival_time

        groups = np.unique(jobcentre)
        chosen = groups
        note = "jobhandicap also gives the standard errors (lifelines' variance is not one)"
        if peer_groups is not None and peer_groups < len(groups):
            chosen = groups[:peer_groups]
            scale = len(groups) / len(chosen)
            peer += f" (timed on {len(chosen)} of {len(groups)} jobcentres, × {scale:.2f})"
            note += "; the lifelines loop was timed on a subset and scaled"
        rows = [np.flatnonzero(jobcentre == g) for g in chosen]

        def theirs() -> dict[int, float]:
            means = {}
            fitter = KaplanMeierFitter()
            for g, index in zip(chosen, rows, strict=True):
                fitter.fit(days[index], event_observed=event[index])
                means[int(g)] = float(restricted_mean_survival_time(fitter, t=TAU))
            return means

        other = theirs()
        mine = ours().set_index("jobcentre")["rmst"]
        values = mine.loc[list(other)].to_numpy(np.float64)
        same = bool(np.allclose(values, list(other.values()), rtol=1e-9, atol=0.0))
        check = ("identical" if same else "DIFFERS") + f" (means of {len(other)} jobcentres)"
    return _harness.timed_result(
        workload=f"restricted mean (τ = {TAU:g} days) per jobcentre",
        size=_harness.count_text(n) + " cases",
        peer=peer,
        ours=ours,
        theirs=theirs,
        repeat=repeat,
        goal=GOAL,
        judge=_faster,
        check=check,
        note=note,
        scale=scale,
    )


def workload(n: int, repeat: int, peer_groups: int | None) -> list[Result]:
    """Both comparisons on ``n`` cases (the entry of ``benchmarks/run.py``).

    In a quick run (``peer_groups`` set) both contenders run the log-rank test on the cases of
    the first ``peer_groups`` jobcentres only: lifelines' cost grows with the number of groups,
    and one test cannot be timed on a subset and scaled.
    """
    return [logrank_workload(n, repeat, peer_groups), rmst_workload(n, repeat, peer_groups)]
