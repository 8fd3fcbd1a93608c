"""Case-review indicators: processing time with open cases censored, and grant rates.

Processing time is the time from application to decision. Case reviews usually compute its
median over the *decided* cases only, which drops the slow cases still open at the extraction
date and biases the median down. Here an open case — or one decided after the extraction date —
is **censored** at the extraction date and the time to decision is estimated by Kaplan–Meier, so
every case counts. Withdrawn applications never reach a decision on the merits: they are left
out of the estimate and counted apart (``withdrawn``) — unless they were withdrawn after the
extraction date: then they were still open at that date, and are censored there and counted as
open, like a case decided after it. A case decided before it was applied for has no processing
time; it is refused with a :class:`~jobhandicap.errors.SchemaError` naming its row, also on
frames that were never validated.

:func:`compare_processing_time` tests whether processing times differ between groups (years,
say): log-rank tests, stratified (by jobcentre) and for trend, medians and restricted means
with their differences. There withdrawn applications are censored at their withdrawal instead
of left out, since they were at risk of a decision until then.

As everywhere in jobhandicap, the cases are first reduced to counts of decisions, censorings
and withdrawals per group and day (:func:`reduce_decisions`, one grouped count over all cases;
:func:`reduce_grants` for the grant rates), and the curves, quantiles and shares of every group
are computed from that small table alone, at once.

:func:`decision_incidence` treats withdrawal as what it is for the applicant — a competing way
for the wait to end — and gives the share of applications decided (and withdrawn) within given
days by Aalen–Johansen, from the same reduced table.
"""

from __future__ import annotations

from jobhandicap.cases._compare import ProcessingTimeComparison, compare_processing_time
from jobhandicap.cases._incidence import decision_incidence
from jobhandicap.cases._review import grant_rate, processing_time, survival_table
from jobhandicap.cases._review import reduce_decisions as reduce_decisions
from jobhandicap.cases._review import reduce_grants as reduce_grants

__all__ = [
    "ProcessingTimeComparison",
    "compare_processing_time",
    "decision_incidence",
    "grant_rate",
    "processing_time",
    "survival_table",
]
