"""Hypothesis strategies for jobhandicap's models and canonical frames (extra ``testing``).

Every strategy produces only *valid* data: models that pass their own validation and frames that
equal their canonical form. Use them to property-test code built on jobhandicap::

    from hypothesis import given
    from jobhandicap.testing import case_frames

    @given(case_frames())
    def test_grant_rate_is_a_share(cases):
        ...

Requires the ``testing`` extra (``pip install "jobhandicap[testing]"``).

Examples
--------
>>> from hypothesis import given
>>> @given(cases())
... def check(case):
...     assert case.decided is None or case.decided >= case.applied
>>> check()
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        'jobhandicap.testing needs hypothesis: pip install "jobhandicap[testing]"'
    ) from exc

import pandas as pd

from jobhandicap.domain import (
    Case,
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Likert,
    OrganisationProfile,
    StaffAnswer,
    SurveyAnswer,
    TargetGroup,
    known_municipality_codes,
)
from jobhandicap.frames import to_frame, validate_sampled_survey

__all__ = [
    "case_frames",
    "cases",
    "dates",
    "municipality_codes",
    "profile_frames",
    "profiles",
    "sampled_survey_frames",
    "staff_answers",
    "staff_frames",
    "survey_answers",
    "survey_frames",
]

#: First day with jobcentres (the 2007 municipal reform).
FIRST_DAY = dt.date(2007, 1, 1)
#: Last day the strategies draw dates up to.
LAST_DAY = dt.date(2026, 12, 31)


def municipality_codes() -> st.SearchStrategy[int]:
    """Codes of the 98 Danish municipalities."""
    return st.sampled_from(sorted(known_municipality_codes()))


def dates(
    min_value: dt.date = FIRST_DAY, max_value: dt.date = LAST_DAY
) -> st.SearchStrategy[dt.date]:
    """Calendar dates from the 2007 reform to the end of 2026 by default."""
    return st.dates(min_value=min_value, max_value=max_value)


_identifiers = st.from_regex(r"[A-Z]{1,3}-[0-9]{1,6}", fullmatch=True)
_amounts = st.integers(min_value=0, max_value=200_000_000).map(lambda cents: cents / 100)


@st.composite
def cases(draw: st.DrawFn, *, case_id: st.SearchStrategy[str] | None = None) -> Case:
    """Valid :class:`~jobhandicap.domain.Case` records: open, granted, refused or withdrawn.

    A granted case may have a grant period (from its decision date, open-ended or not, with or
    without hours and a yearly amount); a case may have a person key (``"P"`` and its case id).
    """
    applied = draw(dates())
    status = draw(st.sampled_from(["open", *Decision]))
    decided: dt.date | None = None
    decision: Decision | None = None
    amount: float | None = None
    detail: str | None = None
    period: dict[str, Any] | None = None
    if status != "open":
        decision = Decision(status)
        decided = applied + dt.timedelta(days=draw(st.integers(0, 400)))
        if decision is Decision.GRANTED:
            amount = draw(st.none() | _amounts)
            detail = draw(st.sampled_from([None, "partial"]))
            period = draw(st.none() | _grant_periods(decided))
        elif decision is Decision.WITHDRAWN:
            detail = draw(st.sampled_from([None, "lapsed"]))
    identifier = draw(case_id if case_id is not None else _identifiers)
    return Case(
        case_id=identifier,
        municipality=draw(municipality_codes()),
        scheme=draw(st.sampled_from(CompensationScheme)),
        target_group=draw(st.sampled_from(TargetGroup)),
        applied=applied,
        decided=decided,
        decision=decision,
        amount_dkk=amount,
        decision_detail=detail,
        # One person per case id: frames with unique case ids have no overlapping periods.
        person=draw(st.sampled_from([None, f"P{identifier}"])),
        **(period or {}),
    )


@st.composite
def _grant_periods(draw: st.DrawFn, start: dt.date) -> dict[str, Any]:
    """A grant period from ``start`` (open-ended or not), with or without hours and amount."""
    days = draw(st.none() | st.integers(0, 3 * 366))
    return {
        "granted_from": start,
        "granted_to": None if days is None else start + dt.timedelta(days=days),
        "hours_per_week": draw(st.none() | st.integers(0, 74).map(lambda h: h / 2)),
        "yearly_amount_dkk": draw(st.none() | _amounts),
    }


_item_ids = st.from_regex(r"[a-z][a-z_]{0,11}[0-9]?", fullmatch=True)
_respondents = st.from_regex(
    r"[A-Za-zÆØÅæøå][A-Za-zÆØÅæøå0-9 \-]{0,20}[A-Za-z0-9]", fullmatch=True
)


def survey_answers() -> st.SearchStrategy[SurveyAnswer]:
    """Valid :class:`~jobhandicap.domain.SurveyAnswer` records (some unanswered)."""
    return st.builds(
        SurveyAnswer,
        respondent=_respondents,
        wave=st.integers(2010, 2026),
        item=_item_ids,
        answer=st.none() | st.sampled_from(Likert),
    )


def staff_answers() -> st.SearchStrategy[StaffAnswer]:
    """Valid :class:`~jobhandicap.domain.StaffAnswer` records on a 1–5 scale (some unanswered)."""
    return st.builds(
        StaffAnswer,
        respondent=st.from_regex(r"S[0-9]{5}", fullmatch=True),
        jobcentre=municipality_codes(),
        item=_item_ids,
        value=st.none() | st.integers(1, 5).map(float),
    )


def profiles() -> st.SearchStrategy[OrganisationProfile]:
    """Valid :class:`~jobhandicap.domain.OrganisationProfile` records (some indicators missing)."""
    likert = st.none() | st.integers(1, 5)
    flag = st.none() | st.booleans()
    return st.builds(
        OrganisationProfile,
        jobcentre=municipality_codes(),
        political_focus=likert,
        management_priority=likert,
        employer_outreach=likert,
        external_collaboration=likert,
        written_strategy=flag,
        screening_at_intake=flag,
        key_person_model=st.none() | st.sampled_from(KeyPersonModel),
        staff_training=st.none() | st.integers(0, 100).map(lambda pct: pct / 100),
        target_groups_covered=st.none() | st.integers(0, len(TargetGroup)),
    )


def _frames(
    records: st.SearchStrategy[Any], model: type, **list_options: Any
) -> st.SearchStrategy[pd.DataFrame]:

    def build(items: list[Any]) -> pd.DataFrame:
        return to_frame(items, model=model)

    return st.lists(records, **list_options).map(build)


def case_frames(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[pd.DataFrame]:
    """Canonical cases frames (unique case ids)."""
    return _frames(
        cases(), Case, min_size=min_size, max_size=max_size, unique_by=lambda c: c.case_id
    )


def survey_frames(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[pd.DataFrame]:
    """Canonical long survey frames (one answer per respondent, wave and item)."""
    return _frames(
        survey_answers(),
        SurveyAnswer,
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda a: (a.respondent, a.wave, a.item),
    )


def staff_frames(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[pd.DataFrame]:
    """Canonical long staff-survey frames (one answer per respondent and item)."""
    return _frames(
        staff_answers(),
        StaffAnswer,
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda a: (a.respondent, a.item),
    )


def profile_frames(*, min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[pd.DataFrame]:
    """Canonical profiles frames (one row per jobcentre)."""
    return _frames(
        profiles(),
        OrganisationProfile,
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda p: p.jobcentre,
    )


#: Identifiers and labels the sampled-survey strategy draws (formula characters included).
_NAMES = st.text(alphabet="abcXYZ019æøå=+-@", min_size=1, max_size=6).filter(
    lambda t: t.casefold() not in {"na", "nan", "nat", "null", "none"}
)


@st.composite
def sampled_survey_frames(
    draw: st.DrawFn, *, min_size: int = 0, max_size: int = 12
) -> pd.DataFrame:
    r"""Canonical sampled-survey frames: a stratified sample of one wave, with its design.

    Between ``min_size`` and ``max_size`` respondents, each in one of up to three strata and
    one cluster, answering one to three of the items ``q1``, ``q2``, ``q3``; weights
    :math:`N_h / n_h`, stratum populations :math:`N_h \ge n_h`, and a margin column ``sex``
    (``string``, sometimes missing).
    """
    respondents = draw(st.lists(_NAMES, min_size=min_size, max_size=max_size, unique=True))
    strata = draw(st.lists(_NAMES, min_size=1, max_size=3, unique=True))
    wave = draw(st.integers(2000, 2030))
    assigned = [draw(st.sampled_from(strata)) for _ in respondents]
    sampled = Counter(assigned)
    population = {h: sampled[h] + draw(st.integers(0, 10_000)) for h in strata}
    rows = []
    for respondent, stratum in zip(respondents, assigned, strict=True):
        cluster = draw(_NAMES)
        sex = draw(st.none() | st.sampled_from(["female", "male"]))
        items = draw(st.lists(st.sampled_from(["q1", "q2", "q3"]), min_size=1, unique=True))
        rows += [
            (
                respondent,
                wave,
                item,
                draw(st.none() | st.sampled_from([1, 2, 3, 4, 5, 9])),
                population[stratum] / sampled[stratum],
                stratum,
                cluster,
                population[stratum],
                sex,
            )
            for item in items
        ]
    columns = ["respondent", "wave", "item", "answer", "weight", "stratum", "cluster"]
    raw = pd.DataFrame(rows, columns=[*columns, "population", "sex"], dtype=object)
    return validate_sampled_survey(raw.assign(sex=raw["sex"].astype("string")))
