r"""Use of the compensation schemes: volume, expenditure, rates per population, target groups.

The register side of the 2021 mapping of municipal practice asks how much each scheme is used,
where the money goes (personal assistance is about 89 % of expenditure), how often jobcentres
grant schemes relative to their population, and for how many benefit target groups they bring
the schemes into play. Each function here answers one of those questions on the canonical cases
frame:

- :func:`scheme_usage` — cases and distinct jobcentres per group, and each scheme's share;
- :func:`expenditure_shares` — granted amounts per scheme and their shares of the total;
- :func:`count_cases` and :func:`rates_per_population` — cases per 10,000 residents aged 16–64
  per municipality or jobcentre, with the exact (Garwood) Poisson interval;
- :func:`target_group_coverage` — how many (and which) target groups a jobcentre granted a
  scheme to;
- :func:`active_grants` — grants as spells: the grants in force per year (the stock) next to
  the new grants (the flow).

As everywhere in jobhandicap the cases are first reduced, in one pass, to a small table of
counts and sums per group (the part that must scale to national registers: the group keys are
integer-coded and counted with :func:`numpy.bincount`, a million cases in a few tens of
milliseconds), and the estimators then run on that small table.

The ``decision`` argument selects which applications count:

========================  =======================================================
``decision``              cases counted
========================  =======================================================
``"granted"`` (default)   granted applications
``"refused"``             refused applications
``"withdrawn"``           withdrawn applications
``"decided"``             granted or refused (decided on the merits)
``None`` or ``"all"``     every application, open ones included
========================  =======================================================

Single decisions are read with :meth:`jobhandicap.Decision.parse`, so Danish labels
(``"bevilget"``, ``"afslag"``) work too. Groups are formed by columns of the cases frame or by
``year``, the application year.
"""

from __future__ import annotations

from jobhandicap.reference import MEMBERSHIP_DAY
from jobhandicap.usage._coverage import target_group_coverage
from jobhandicap.usage._rates import count_cases, rates_per_population
from jobhandicap.usage._rates import rate_column as rate_column
from jobhandicap.usage._schemes import expenditure_shares, scheme_usage
from jobhandicap.usage._schemes import reduce_usage as reduce_usage
from jobhandicap.usage._spells import active_grants
from jobhandicap.usage._spells import grant_spells as grant_spells
from jobhandicap.usage._spells import spell_years as spell_years

__all__ = [
    "MEMBERSHIP_DAY",
    "active_grants",
    "count_cases",
    "expenditure_shares",
    "rates_per_population",
    "scheme_usage",
    "target_group_coverage",
]
