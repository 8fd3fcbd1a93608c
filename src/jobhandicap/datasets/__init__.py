r"""Bundled example data, the simulator that made it, and the published figures it mirrors.

:func:`load_example` returns a synthetic but realistic world of Danish jobcentres' disability
work — every canonical frame the library analyses — so that every analysis, report and docs page
can run without access to real (personal) data. :func:`simulate` builds such a world for any
seed; the packaged example is ``simulate(seed=2018)``. :func:`published_figures` returns the
figures published by the studies the library reproduces (listed in the docs' example-data
page), to compare against.

The simulated world
-------------------
All 98 municipalities and the jobcentres that serve them (94 from 2017 to 2020, from
:func:`jobhandicap.reference.jobcentres`), 2017–2020:

- ``survey`` — the yearly jobcentre survey, waves 2017 (84 respondents) and 2018 (82 of 94), of
  whom most answer both waves; the respondent is the jobcentre's code as text. Items (see
  :data:`SURVEY_ITEMS`): ``political_focus``, ``management_priority``, ``scheme_focus``,
  ``expected_focus``, ``new_strategy`` (2018 only) and ``target_group_<group>`` for each of the
  14 benefit target groups (value of :class:`~jobhandicap.TargetGroup` with spaces and hyphens
  as underscores, e.g. ``target_group_flex_job_unemployment_benefit``). Answers are Likert codes
  1–5, 9 = don't know, ``<NA>`` = no answer. In both waves the multiple-response set
  ``schemes_used_for`` (:func:`jobhandicap.reference.item_sets`) asks which target groups the
  jobcentre has especially focused on bringing the schemes into play for, one 0/1 tick item
  ``schemes_used_for_<group>`` per target group (1 = ticked); about 4 % of the respondents skip
  the whole set. Sickness benefit, flex-job unemployment benefit, resource course and job
  clarification are ticked by about half the jobcentres, as the 2018 survey found; a jobcentre
  ticks a group more often the higher its ``target_group_<group>`` answer.
- ``staff`` — a staff survey of about 1,500 caseworkers (pseudonymous ids ``S00001`` …), items
  ``knowledge_1`` … ``knowledge_6`` and ``belief_1`` … ``belief_5`` (belief in the citizen's chance
  of a job) on 1–5 (strongly disagree … strongly agree), about 3 % missing answers.
  ``knowledge_5`` and ``belief_4`` are reverse-worded (:data:`REVERSED_STAFF_ITEMS`): reverse
  them (``6 - value``) before building a scale.
- ``cases`` — 20,000 applications 2018–2020 (6,500 / 6,700 / 6,800 a year, about a third of the
  national volume), mostly aids and personal assistance, granted (about 84 %), refused or
  withdrawn; cases whose decision would fall after the extraction date ``extracted``
  (2021-01-31) are still open (``decided`` is NaT). ``amount_dkk`` is the granted amount
  (NaN for priority access, which costs nothing, and for about 1 % of grants with an unknown
  amount).
- ``profiles`` — organisational indicators of the 94 jobcentres of 2018 (the inputs of
  :func:`jobhandicap.strategy.score_strategies`), a few missing.
- ``population`` — residents aged 16–64 per municipality and year (98 × 4 rows), from
  approximate municipal populations (København about 440,000, Læsø about 1,000; not official
  statistics).
- ``outcomes`` — per jobcentre and year: persons with a disability in the target groups, how
  many of them entered a job, and two framework conditions the jobcentre does not choose:
  ``social_assistance_pct`` (residents aged 16–64 on social assistance, %) and
  ``unemployment_pct`` (the local unemployment rate, %).
- ``people`` — a person-level survey sample of 20,000 people aged 16–74 (sex, employment, the
  GALI limitation level, the six Washington Group short-set answers, a survey weight).
- ``citizens`` and ``employers`` (:data:`SAMPLED_SURVEYS`) — the 2021 sampled surveys of people
  with a disability (2,000 respondents, 400 per region, items ``citizen_knows_schemes``,
  ``citizen_jobcentre_help``, ``citizen_understood``) and of workplaces (1,200, 300 per size
  band, items ``employer_knows_schemes``, ``employer_would_hire``,
  ``employer_knows_contact``), long, with design weights :math:`N_h / n_h`, strata, stratum
  populations and margin variables; their known population totals are ``citizen_margins``
  (``sex``, ``age_group``) and ``employer_margins`` (``size_band``, ``industry``).

Documented truths
-----------------
The world is generated from explicit mechanisms, so later analyses have real effects to find:

1. **Latent proactivity.** Each jobcentre has a latent proactivity :math:`z_j \sim N(0, 1)`. It
   drives every organisational indicator of ``profiles`` (and the latent answers of the
   jobcentre survey), so the proactive-strategy score correlates strongly with it.
2. **Proactive jobcentres have better-informed staff**: a caseworker's latent knowledge is
   :math:`0.5 z_j + u_j + e_i` (:math:`u_j \sim N(0, 0.35^2)`, :math:`e_i \sim N(0, 0.8^2)`).
3. **More knowledge goes with more belief in the citizen**: latent belief is
   :math:`0.45 \cdot \text{knowledge} + v_j + e'_i`; the person-level correlation of the two
   scale means is about 0.45.
4. **Proactive jobcentres have higher job entry**:
   :math:`\operatorname{logit} P(\text{job}) = \operatorname{logit}(0.20) + 0.4 z_j
   + 0.04 (t - 2017) - 0.12 (s_{jt} - 4) - 0.15 (u_{jt} - 4.5) + w_j`, and they apply for
   schemes more often (rate :math:`\propto e^{0.25 z_j}` per resident aged 16–64). Here
   :math:`s_{jt}` is ``social_assistance_pct`` and :math:`u_{jt}` ``unemployment_pct``: each
   percentage point of social assistance lowers the log-odds of job entry by 0.12, each point
   of unemployment by 0.15.
5. **Personal assistance is about 89 % of granted expenditure**, aids dominate the number of
   cases (about 3.3 aids grants per personal-assistance grant, as in the grant statistics).
6. **Processing time falls**: the median time from application to decision is about 45, 35 and
   28 days for applications in 2018, 2019 and 2020 (estimate it with open cases censored at
   ``extracted``). Processing time varies between jobcentres but does **not** depend on
   proactivity.
7. **Published survey figures are reproduced exactly**: high or very high political focus 30 of
   84 (2017) and 35 of 82 (2018); scheme focus 2017 17 / 45 / 18 / 4 / 0 / 0 (very high … don't
   know); new local strategy 39 of 82 and more expected focus 41 of 82 (2018). Which jobcentre
   gives which answer depends on the seed; the 2018 answers of ``political_focus`` and
   ``management_priority`` equal the jobcentre's ``profiles`` value (when both are present).
8. **Employment by GALI level** (weighted, ages 16–64): about 86 % not limited, 76 % limited but
   not severely, 36 % severely limited, as in the Danish 2022 survey figures. Washington Group
   answers agree with GALI: not limited — no domain beyond "some difficulty"; limited but not
   severely — at least one domain with some difficulty, none "cannot do at all"; severely
   limited — at least one domain with "a lot of difficulty" or "cannot do at all".
9. **Weighting matters in the sampled surveys.** Strata are sampled disproportionately (North
   Denmark and large workplaces are over-represented) and older citizens, women and
   workplaces outside construction and trade answer more often; citizens' knowledge of the
   schemes rises with age and differs by region, and employers' knowledge and willingness rise
   with size. The unweighted share of employers who know the schemes (4 or 5) is about 0.45, the
   design-weighted share about 0.23.
10. **The framework conditions confound the raw comparison.** Social assistance and
    unemployment are lower where proactivity is high (correlation about −0.5 with
    :math:`z_j`): :math:`s_{jt} = 4 - 0.8 z_j + 0.7 c_j + 0.7 a_j + 0.2 e_{jt}` and
    :math:`u_{jt} = 4.5 - 0.6 z_j + 0.5 c_j + 0.5 b_j + 0.3 e'_{jt}` (standard normal
    :math:`c, a, b, e, e'`; rounded to 0.1, clipped to plausible ranges), so raw job-entry
    rates overstate the proactive jobcentres' advantage, and a model of job entry on the
    conditions and the strategy score recovers their effects
    (:func:`jobhandicap.expected_outcomes`).

Not simulated: applicants' age (the canonical cases frame has no age column), so the grant
statistics' age shares appear only in :func:`published_figures`.

Examples
--------
>>> from jobhandicap.datasets import load_example
>>> data = load_example()
>>> data.cases.shape, data.survey["wave"].value_counts().sort_index().to_dict()
((20000, 15), {2017: 2688, 2018: 2706})
>>> data.extracted
datetime.date(2021, 1, 31)
"""

from __future__ import annotations

from jobhandicap.datasets._example import (
    EXAMPLE_SEED,
    REVERSED_STAFF_ITEMS,
    SAMPLED_SURVEYS,
    STAFF_ITEMS,
    SURVEY_ITEMS,
    ExampleData,
    load_example,
)
from jobhandicap.datasets._generate import simulate, write_example
from jobhandicap.datasets._published import published_figures

__all__ = [
    "EXAMPLE_SEED",
    "REVERSED_STAFF_ITEMS",
    "SAMPLED_SURVEYS",
    "STAFF_ITEMS",
    "SURVEY_ITEMS",
    "ExampleData",
    "load_example",
    "published_figures",
    "simulate",
    "write_example",
]
