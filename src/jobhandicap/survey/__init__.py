"""Jobcentre-survey indicators: answer distributions, top-box shares and their change.

The yearly surveys of all jobcentres report "the share answering to a high or very high degree"
(the *top-2 box*). This module computes those shares from the canonical long survey frame
(``respondent``, ``wave``, ``item``, ``answer``; see :func:`jobhandicap.validate_survey`) with
what the published reports leave out: the base ``n``, a Wilson interval, the share answering
"don't know", and — when the number of jobcentres in the country is known — the
finite-population interval, the response rate and the nonresponse bounds.

Reduce, then infer: every indicator first reduces the frame to a small table of counts
(:func:`reduce_answers`: answers per group, item, wave and answer code;
:func:`reduce_pairs`: a discordance table of the respondents answering in two waves;
:func:`reduce_answer_pairs`: pairs of answers to two items by the same respondent;
:func:`reduce_respondents`: respondents per wave; :func:`reduce_patterns`: respondents per
pattern of ticks of a multiple-response set), built on
:func:`jobhandicap._reduce.grouped_sums`, and then runs the estimators of
:mod:`jobhandicap.stats` on that table only.
"""

from __future__ import annotations

from jobhandicap.survey._common import DontKnow as DontKnow
from jobhandicap.survey._common import Population as Population
from jobhandicap.survey._crosstab import crosstab, item_association, top_box_difference
from jobhandicap.survey._design import SurveyDesign, rake
from jobhandicap.survey._multiple import MultipleResponse, multiple_response
from jobhandicap.survey._multiple import reduce_patterns as reduce_patterns
from jobhandicap.survey._pairs import reduce_answer_pairs as reduce_answer_pairs
from jobhandicap.survey._reductions import reduce_answers as reduce_answers
from jobhandicap.survey._reductions import reduce_pairs as reduce_pairs
from jobhandicap.survey._reductions import reduce_respondents as reduce_respondents
from jobhandicap.survey._shares import likert_distribution, response_rate, top_box
from jobhandicap.survey._waves import wave_change

__all__ = [
    "MultipleResponse",
    "SurveyDesign",
    "crosstab",
    "item_association",
    "likert_distribution",
    "multiple_response",
    "rake",
    "response_rate",
    "top_box",
    "top_box_difference",
    "wave_change",
]
