"""Domain vocabulary: enums and one-record models.

Enums name the categories of the field — compensation schemes, benefit target groups, decisions,
Likert answers, strategy types — and parse the Danish and English labels and aliases found in
real exports (``CompensationScheme.parse("Hjælpemidler")``). String enums' values are their
English labels in lower case; :class:`Likert` is an :class:`~enum.IntEnum` with the survey codes
1–5 and 9 for "don't know". The labels live in ``data/labels.csv``.

Models are frozen, slotted, keyword-only attrs classes that validate one record: a
:class:`Case` cannot be decided before it was applied for, a refused case carries no amount.
Many records are handled as pandas frames (see :mod:`jobhandicap.frames`).

Examples
--------
>>> from datetime import date
>>> CompensationScheme.parse("Hjælpemidler")
<CompensationScheme.AIDS: 'aids'>
>>> Likert.parse("I høj grad")
<Likert.HIGH: 4>
>>> case = Case(case_id="A-1", municipality=101, scheme="personlig assistance",
...             target_group="fleksjob", applied=date(2019, 1, 3),
...             decided=date(2019, 2, 1), decision="bevilget", amount_dkk=120_000.0)
>>> case.scheme, case.decision
(<CompensationScheme.PERSONAL_ASSISTANCE: 'personal assistance'>, <Decision.GRANTED: 'granted'>)
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable
from enum import IntEnum, StrEnum
from typing import Any, Self

import attrs

from jobhandicap import _labels
from jobhandicap._packaged import read_csv_table
from jobhandicap.errors import SchemaError, UnknownLabelError, problems_frame

__all__ = [
    "Case",
    "CompensationScheme",
    "Decision",
    "Jobcentre",
    "KeyPersonModel",
    "Likert",
    "Municipality",
    "OrganisationProfile",
    "Region",
    "StaffAnswer",
    "StrategyType",
    "SurveyAnswer",
    "TargetGroup",
]


# --------------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------------

#: The label-table kind and the human name of each enum (kept outside the classes: an Enum
#: would turn class attributes into members).
_KINDS: dict[str, tuple[str, str]] = {
    "Region": ("region", "region"),
    "CompensationScheme": ("scheme", "compensation scheme"),
    "TargetGroup": ("target_group", "target group"),
    "Decision": ("decision", "decision"),
    "Likert": ("likert", "Likert answer"),
    "StrategyType": ("strategy", "strategy type"),
    "KeyPersonModel": ("key_person_model", "key-person model"),
}


class _Labelled:
    """Mixin giving an enum ``parse`` and its Danish and English labels from ``labels.csv``."""

    value: Any

    @classmethod
    def parse(cls, label: object) -> Self:
        """Return the member that ``label`` names.

        Accepts a member, its value, or any Danish or English label or alias, ignoring case,
        surrounding and repeated whitespace, hyphens and apostrophes.

        Raises
        ------
        UnknownLabelError
            When the label names no member; the error lists the closest accepted labels.
        """
        if isinstance(label, cls):
            return label
        kind, name = _KINDS[cls.__name__]
        # Only text with letters is a label: "-1" or "4-" must not lose their marks and match.
        value = (
            _labels.lookup(kind, label)
            if isinstance(label, str) and any(c.isalpha() for c in label)
            else None
        )
        if value is not None:
            return cls._from_value(value)
        raise UnknownLabelError(
            label, name, _labels.close_matches(kind, label) if isinstance(label, str) else ()
        )

    @classmethod
    def _from_value(cls, value: str) -> Self:
        return cls(value)  # type: ignore[call-arg]

    @classmethod
    def labels(cls) -> dict[Self, tuple[str, ...]]:
        """Every accepted label of every member (English, Danish, then aliases)."""
        kind = _KINDS[cls.__name__][0]
        return {
            member: _labels.labels_of(kind, str(member.value))
            for member in cls  # type: ignore[attr-defined]
        }

    @property
    def label_en(self) -> str:
        """The English label, for reports."""
        return _labels.labels_of(_KINDS[type(self).__name__][0], str(self.value), "en")[0]

    @property
    def label_da(self) -> str:
        """The Danish label, for reports."""
        return _labels.labels_of(_KINDS[type(self).__name__][0], str(self.value), "da")[0]


class Region(_Labelled, StrEnum):
    """The five Danish regions."""

    CAPITAL = "capital region"
    ZEALAND = "zealand"
    SOUTHERN_DENMARK = "southern denmark"
    CENTRAL_DENMARK = "central denmark"
    NORTH_DENMARK = "north denmark"

    @property
    def iso_code(self) -> str:
        """ISO 3166-2 code, e.g. ``"DK-84"`` for the Capital Region."""
        return _REGION_ISO[self]


_REGION_ISO = {
    Region.NORTH_DENMARK: "DK-81",
    Region.CENTRAL_DENMARK: "DK-82",
    Region.SOUTHERN_DENMARK: "DK-83",
    Region.CAPITAL: "DK-84",
    Region.ZEALAND: "DK-85",
}


class CompensationScheme(_Labelled, StrEnum):
    """Disability compensation schemes (*handicapkompenserende ordninger*).

    The catalogue with legal basis and eligibility is :func:`jobhandicap.reference.schemes`.
    """

    PERSONAL_ASSISTANCE = "personal assistance"
    PERSONAL_ASSISTANCE_EDUCATION = "personal assistance in education"
    AIDS = "aids"
    SPECIAL_EXPENSES = "special expenses"
    PRIORITY_ACCESS = "priority access"
    ICEBREAKER = "icebreaker scheme"
    MENTOR_SUPPORT = "mentor support"


class TargetGroup(_Labelled, StrEnum):
    """Benefit target groups (*ydelsesgrupper*) recorded at the time of application."""

    INSURED_UNEMPLOYMENT = "insured unemployment benefit"
    SOCIAL_ASSISTANCE = "social assistance"
    EDUCATION_ASSISTANCE = "education assistance"
    INTEGRATION_BENEFIT = "integration benefit"
    SICKNESS_BENEFIT = "sickness benefit"
    JOB_CLARIFICATION = "job clarification course"
    RESOURCE_COURSE = "resource course"
    FLEX_JOB_UNEMPLOYMENT = "flex-job unemployment benefit"
    FLEX_JOB = "flex-job"
    REHABILITATION = "rehabilitation"
    DISABILITY_PENSION = "disability pension"
    EMPLOYED = "employed"
    STUDENT = "student"
    SELF_SUPPORTING = "self-supporting"


class Decision(_Labelled, StrEnum):
    """The outcome of an application."""

    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class StrategyType(_Labelled, StrEnum):
    """A jobcentre's strategy on the disability area (see :mod:`jobhandicap.strategy`)."""

    PROACTIVE = "proactive"
    DIFFUSE = "diffuse"
    REACTIVE = "reactive"


class KeyPersonModel(_Labelled, StrEnum):
    """How a jobcentre organises its key persons for the disability area."""

    SPECIALISED_TEAM = "specialised team"
    SPREAD_SPECIALISATION = "spread specialisation"
    GENERAL_SPECIALISATION = "general specialisation"


class Likert(_Labelled, IntEnum):
    """Five-point survey answer with a "don't know" code.

    The codes are those of the jobcentre surveys: 1 = not at all … 5 = to a very high degree,
    and 9 = don't know, which is never a point of the scale.

    Examples
    --------
    >>> Likert.parse(4), Likert.parse("ved ikke"), Likert.parse("5")
    (<Likert.HIGH: 4>, <Likert.DONT_KNOW: 9>, <Likert.VERY_HIGH: 5>)
    >>> Likert.DONT_KNOW.is_substantive
    False
    """

    NOT_AT_ALL = 1
    LOW = 2
    SOME = 3
    HIGH = 4
    VERY_HIGH = 5
    DONT_KNOW = 9

    @classmethod
    def parse(cls, label: object) -> Likert:
        """Return the answer that a code (1–5, 9) or a Danish or English label names.

        Raises
        ------
        UnknownLabelError
            When the label or code is not an answer of the scale.
        """
        if isinstance(label, cls):
            return label
        code: object = label
        if isinstance(label, str) and _NUMBER_TEXT.fullmatch(label.strip()):
            # Number-like text is a number ("5." is 5, "-1" is out of the scale), never a label.
            number = float(label.strip().replace(",", "."))
            code = int(number) if number.is_integer() else number
        elif isinstance(label, float) and label.is_integer():
            code = int(label)
        if isinstance(code, int) and not isinstance(code, bool):
            if code in _LIKERT_CODES:
                return cls(code)
            raise UnknownLabelError(label, "Likert answer", ["1", "2", "3", "4", "5", "9"])
        return super().parse(label)

    @classmethod
    def _from_value(cls, value: str) -> Likert:
        return cls(int(value))

    @property
    def is_substantive(self) -> bool:
        """Whether the answer is a point of the scale (not "don't know")."""
        return self is not Likert.DONT_KNOW


_LIKERT_CODES = frozenset(int(m) for m in Likert)
#: Number-like text (ASCII digits, a sign, one decimal mark): read as a number, not a label.
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


# --------------------------------------------------------------------------------------------
# Validation helpers shared by the models
# --------------------------------------------------------------------------------------------


@functools.cache
def known_municipality_codes() -> frozenset[int]:
    return frozenset(int(row["code"]) for row in read_csv_table("municipalities.csv"))


def _fail(field: str, value: object, message: str) -> SchemaError:
    return SchemaError(
        f"{field}={value!r}: {message}", problems_frame([(None, field, value, message)])
    )


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _parse_region(value: object) -> Region:
    return Region.parse(value)


def _parse_scheme(value: object) -> CompensationScheme:
    return CompensationScheme.parse(value)


def _parse_target_group(value: object) -> TargetGroup:
    return TargetGroup.parse(value)


def _parse_optional_decision(value: object) -> Decision | None:
    return None if _is_missing(value) else Decision.parse(value)


#: The decision each decision detail belongs to (also ``_schema.DETAIL_DECISIONS``).
_DETAIL_DECISIONS = {"partial": "granted", "lapsed": "withdrawn"}


def _parse_optional_detail(value: object) -> str | None:
    if _is_missing(value):
        return None
    found = _labels.lookup("decision_detail", value) if isinstance(value, str) else None
    if found is None:
        raise _fail(
            "decision_detail",
            value,
            "expected 'partial' (delvis bevilget), 'lapsed' (bortfaldet) or None",
        )
    return found


def _parse_optional_likert(value: object) -> Likert | None:
    return None if _is_missing(value) else Likert.parse(value)


def _parse_optional_key_person_model(value: object) -> KeyPersonModel | None:
    return None if _is_missing(value) else KeyPersonModel.parse(value)


def _to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail("date", value, "expected a date (datetime.date or an ISO date such as 2019-01-03)")


def _to_optional_date(value: object) -> dt.date | None:
    if value is None:
        return None
    # pandas NaT is a datetime subclass that compares unequal to itself.
    if value != value:
        return None
    return _to_date(value)


def _check_int(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(field, value, "expected a whole number")


def _check_municipality(field: str, value: object) -> None:
    _check_int(field, value)
    if value not in known_municipality_codes():
        raise _fail(
            field,
            value,
            "not one of the 98 Danish municipality codes (101 København … 860 Hjørring; "
            "411 Christiansø is not a municipality)",
        )


def _check_text(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, value, "expected non-empty text")


def _check_optional_number(field: str, value: object, low: float, high: float) -> None:
    if value is None:
        return
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise _fail(field, value, f"expected a number from {low:g} to {high:g}, or None")


#: The most hours of assistance per week a grant can carry: a full-time week.
MAX_HOURS_PER_WEEK = 37.0


def _to_optional_text(value: object) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    raise SchemaError(
        "person: expected a text key or None",
        problems_frame([(None, "person", None, "expected a text key or None")]),
    )


def _to_optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None if math.isnan(value) else float(value)
    raise _fail("value", value, "expected a number or None")


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Municipality:
    """A Danish municipality (*kommune*).

    Parameters
    ----------
    code
        The official three-digit code, e.g. 101 for København.
    name
        The Danish name without "Kommune".
    region
        The region it belongs to.
    """

    code: int
    name: str
    region: Region = attrs.field(converter=_parse_region)

    def __attrs_post_init__(self) -> None:
        _check_municipality("code", self.code)
        _check_text("name", self.name)


def _to_code_tuple(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Jobcentre:
    """A jobcentre, identified by its host municipality's code, for a period of validity.

    Parameters
    ----------
    code
        The host municipality's code.
    name
        The jobcentre's name, e.g. "Jobcenter Esbjerg".
    municipalities
        The codes of the municipalities it serves, host included.
    valid_from, valid_to
        First and last day (inclusive) of this composition; ``valid_to`` is ``None`` while
        current.
    """

    code: int
    name: str
    municipalities: tuple[int, ...] = attrs.field(converter=_to_code_tuple)
    valid_from: dt.date = attrs.field(converter=_to_date)
    valid_to: dt.date | None = attrs.field(default=None, converter=_to_optional_date)

    def __attrs_post_init__(self) -> None:
        _check_municipality("code", self.code)
        _check_text("name", self.name)
        if not self.municipalities:
            raise _fail("municipalities", self.municipalities, "a jobcentre serves at least one")
        for code in self.municipalities:
            _check_municipality("municipalities", code)
        if len(set(self.municipalities)) != len(self.municipalities):
            raise _fail("municipalities", self.municipalities, "a municipality is listed twice")
        if self.code not in self.municipalities:
            raise _fail("code", self.code, "the host municipality must be among municipalities")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise _fail("valid_to", self.valid_to, f"is before valid_from {self.valid_from}")

    def valid_on(self, day: dt.date) -> bool:
        """Whether this composition of the jobcentre was in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@attrs.frozen(kw_only=True)
class Case:
    """An application for a compensation scheme and its decision.

    Parameters
    ----------
    case_id
        The case number. It may be a personal identifier in raw data: pseudonymise before
        reporting (:func:`jobhandicap.disclosure.pseudonymise`).
    municipality
        Code of the citizen's home municipality, whose jobcentre decides.
    scheme, target_group
        The scheme applied for and the applicant's benefit group when applying (labels accepted).
    applied
        Date of application.
    decided
        Date of decision; ``None`` while the case is open.
    decision
        Granted, refused or withdrawn; present exactly when ``decided`` is.
    amount_dkk
        Granted amount in DKK, only for granted cases; ``None`` when unknown or not monetary.
    decision_detail
        ``"partial"`` for a partly granted case (*delvis bevilget*), ``"lapsed"`` for a
        withdrawn case that lapsed (*bortfaldet*); ``None`` otherwise (labels accepted).
    granted_from, granted_to
        The grant period (*bevillingsperiode*) of a granted case, where the register gives
        it: first and last day in force. ``granted_to`` is ``None`` for an open-ended grant
        (aids have no end date); both are ``None`` when no period is known.
    hours_per_week
        Hours of assistance per week granted (0 to 37, a full-time week), or ``None``.
    yearly_amount_dkk
        The amount granted per year of the period in DKK, or ``None``.
    person
        A pseudonymous key of the applicant (text), or ``None``; it lets validation find
        grant periods overlapping for the same person and scheme. Never a personal number
        in published output: pseudonymise first (:func:`jobhandicap.disclosure.pseudonymise`).

    Raises
    ------
    SchemaError
        When a field is invalid or the fields contradict each other.
    """

    case_id: str
    municipality: int
    scheme: CompensationScheme = attrs.field(converter=_parse_scheme)
    target_group: TargetGroup = attrs.field(converter=_parse_target_group)
    applied: dt.date = attrs.field(converter=_to_date)
    decided: dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    decision: Decision | None = attrs.field(default=None, converter=_parse_optional_decision)
    amount_dkk: float | None = attrs.field(default=None, converter=_to_optional_float)
    decision_detail: str | None = attrs.field(default=None, converter=_parse_optional_detail)
    granted_from: dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    granted_to: dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    hours_per_week: float | None = attrs.field(default=None, converter=_to_optional_float)
    yearly_amount_dkk: float | None = attrs.field(default=None, converter=_to_optional_float)
    person: str | None = attrs.field(default=None, converter=_to_optional_text)

    def __attrs_post_init__(self) -> None:
        _check_text("case_id", self.case_id)
        self._check_period()
        if self.decision_detail is not None:
            needs = _DETAIL_DECISIONS[self.decision_detail]
            if self.decision is None or self.decision.value != needs:
                raise _fail(
                    "decision_detail",
                    self.decision_detail,
                    f"belongs to a {needs} case, this one is {self.decision or 'open'}",
                )
        _check_municipality("municipality", self.municipality)
        if (self.decided is None) != (self.decision is None):
            if self.decided is None:
                raise _fail("decided", None, f"decision {self.decision} needs a decision date")
            raise _fail("decision", None, f"decision date {self.decided} needs a decision")
        if self.decided is not None and self.decided < self.applied:
            raise _fail("decided", self.decided, f"is before the application date {self.applied}")
        if self.amount_dkk is not None:
            if not math.isfinite(self.amount_dkk) or self.amount_dkk < 0:
                raise _fail("amount_dkk", self.amount_dkk, "expected an amount of 0 DKK or more")
            if self.decision is not Decision.GRANTED:
                raise _fail(
                    "amount_dkk",
                    self.amount_dkk,
                    f"only granted cases carry an amount, this one is {self.decision or 'open'}",
                )

    def _check_period(self) -> None:
        """The grant period, hours and yearly amount agree with each other and the decision."""
        if self.person is not None and not self.person.strip():
            # The key is never shown: it may be a personal number.
            raise SchemaError(
                "person: expected a non-empty key or None",
                problems_frame([(None, "person", None, "expected a non-empty key or None")]),
            )
        _check_optional_number("hours_per_week", self.hours_per_week, 0, MAX_HOURS_PER_WEEK)
        _check_optional_number("yearly_amount_dkk", self.yearly_amount_dkk, 0, 1e10)
        start, end = self.granted_from, self.granted_to
        if start is None:
            if end is not None:
                raise _fail("granted_to", end, "a grant period needs its start (granted_from)")
            for name in ("hours_per_week", "yearly_amount_dkk"):
                if getattr(self, name) is not None:
                    raise _fail(name, getattr(self, name), "belongs to a grant period")
            return
        if self.decision is not Decision.GRANTED:
            raise _fail(
                "granted_from",
                start,
                f"only granted cases have a grant period, this one is {self.decision or 'open'}",
            )
        if start < self.applied:
            raise _fail("granted_from", start, f"is before the application date {self.applied}")
        if end is not None and end < start:
            raise _fail("granted_to", end, f"ends before the period starts ({start})")

    @property
    def is_open(self) -> bool:
        """Whether the case awaits a decision."""
        return self.decided is None


@attrs.frozen(kw_only=True)
class SurveyAnswer:
    """One answer of one respondent to one item of a jobcentre survey.

    Parameters
    ----------
    respondent
        Free text: usually a jobcentre's name or code; not checked against reference tables.
    wave
        Survey year.
    item
        Item identifier, e.g. ``"political_focus"``.
    answer
        The Likert answer (labels and codes accepted); ``None`` when not answered.
    """

    respondent: str
    wave: int
    item: str
    answer: Likert | None = attrs.field(default=None, converter=_parse_optional_likert)

    def __attrs_post_init__(self) -> None:
        _check_text("respondent", self.respondent)
        _check_int("wave", self.wave)
        if not 1900 <= self.wave <= 2200:
            raise _fail("wave", self.wave, "expected a survey year such as 2018")
        _check_text("item", self.item)


@attrs.frozen(kw_only=True)
class StaffAnswer:
    """One answer of one staff member to one item of a staff survey.

    Parameters
    ----------
    respondent
        Pseudonymous respondent identifier.
    jobcentre
        The jobcentre (host municipality's code) the respondent works in.
    item
        Item identifier, e.g. ``"knowledge_1"``.
    value
        The numeric answer; ``None`` when not answered.
    """

    respondent: str
    jobcentre: int
    item: str
    value: float | None = attrs.field(default=None, converter=_to_optional_float)

    def __attrs_post_init__(self) -> None:
        _check_text("respondent", self.respondent)
        _check_municipality("jobcentre", self.jobcentre)
        _check_text("item", self.item)
        if self.value is not None and not math.isfinite(self.value):
            raise _fail("value", self.value, "expected a finite number or None")


def _check_likert_score(field: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise _fail(field, value, "expected a Likert score 1–5 (don't know as None)")


def _check_optional_bool(field: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise _fail(field, value, "expected True, False or None")


@attrs.frozen(kw_only=True)
class OrganisationProfile:
    """A jobcentre's organisational indicators in one survey year (inputs of the strategy score).

    Likert indicators are scores 1–5 (``None`` when missing or "don't know").

    Parameters
    ----------
    jobcentre
        The jobcentre (host municipality's code).
    political_focus, management_priority, employer_outreach, external_collaboration
        Likert scores 1–5.
    written_strategy, screening_at_intake
        Whether the jobcentre has a written strategy for the area, and screens for disability
        at intake.
    key_person_model
        How key persons are organised.
    staff_training
        Share of staff trained in the schemes (0–1).
    target_groups_covered
        Number of benefit target groups the schemes are brought into play for (0–14).
    """

    jobcentre: int
    political_focus: int | None = None
    management_priority: int | None = None
    employer_outreach: int | None = None
    external_collaboration: int | None = None
    written_strategy: bool | None = None
    screening_at_intake: bool | None = None
    key_person_model: KeyPersonModel | None = attrs.field(
        default=None, converter=_parse_optional_key_person_model
    )
    staff_training: float | None = None
    target_groups_covered: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_municipality("jobcentre", self.jobcentre)
        for name in (
            "political_focus",
            "management_priority",
            "employer_outreach",
            "external_collaboration",
        ):
            _check_likert_score(name, getattr(self, name))
        _check_optional_bool("written_strategy", self.written_strategy)
        _check_optional_bool("screening_at_intake", self.screening_at_intake)
        _check_optional_number("staff_training", self.staff_training, 0.0, 1.0)
        if self.target_groups_covered is not None:
            _check_int("target_groups_covered", self.target_groups_covered)
            if not 0 <= self.target_groups_covered <= len(TargetGroup):
                raise _fail(
                    "target_groups_covered",
                    self.target_groups_covered,
                    f"expected a count from 0 to {len(TargetGroup)}",
                )
