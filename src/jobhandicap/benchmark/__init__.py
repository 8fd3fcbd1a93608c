r"""Comparing jobcentres: funnel plots, shrinkage, best practice and group differences.

Ranking jobcentres by a raw rate — the share of people with a disability who entered a job —
mostly ranks their size: a jobcentre with 40 people can show 35 % or 10 % by chance alone, one
with 5,000 cannot. This module compares units honestly:

- :func:`funnel` puts each unit's rate against control limits that depend on its size (the
  data of a funnel plot), optionally widened for overdispersion and with false-discovery-rate
  control over the many units compared;
- :func:`shrink_rates` pulls small units' rates towards the overall rate by empirical Bayes;
- :func:`best_practice` finds the *positive deviants* — jobcentres doing better than chance
  allows even after shrinkage — and puts their proactive-strategy score next to them;
- :func:`compare_groups` compares a unit-level outcome between groups of units (for example
  job-entry rates of proactive and reactive jobcentres) with Welch and bootstrap intervals and
  Hedges' g.
- :func:`expected_outcomes` sets each unit's outcome against what is expected of a unit with
  its framework conditions (a binomial or Poisson GLM, or indirect standardisation): the
  observed/expected ratio with its exact interval, which :func:`funnel` and
  :func:`best_practice` take with ``expected=`` and :func:`compare_groups` compares between
  groups.

Outcomes are analysed *against* the strategy score here, never put into it: the score
(:func:`jobhandicap.strategy.score_strategies`) uses organisational inputs only, so "proactive
jobcentres do better" is a finding, not a definition.

Every function reduces its frame to one row per unit (a vectorised group-by sum) and runs the
estimators of :mod:`jobhandicap.stats.comparison` on those counts.
"""

from __future__ import annotations

from jobhandicap.benchmark._adjust import ExpectedOutcomes, expected_outcomes
from jobhandicap.benchmark._deviants import best_practice
from jobhandicap.benchmark._funnel import FLAGS, funnel
from jobhandicap.benchmark._groups import compare_groups
from jobhandicap.benchmark._shrinkage import shrink_rates

__all__ = [
    "FLAGS",
    "ExpectedOutcomes",
    "best_practice",
    "compare_groups",
    "expected_outcomes",
    "funnel",
    "shrink_rates",
]
