"""Pre-screening: advice, with reasons in plain words, on which programmes a household may qualify for.

This is advice only (no automated exclusion): a person may apply to any open programme, and only
an officer refuses an application, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from registry.models import INCOME_BAND_FLOOR, AdminArea, Programme, ProgrammeName


@dataclass(frozen=True)
class ScreeningAnswers:
    """What pre-screening needs to know about the applicant and their household."""

    age: int
    household_size: int
    children_under_5: int = 0
    children_under_18: int = 0
    members_with_disability: int = 0
    income_band: int = 1
    area_id: int | None = None
    # The district's region, when the channel already knows it (spares a lookup per programme).
    region_id: int | None = None

    @classmethod
    def from_mapping(cls, answers: dict) -> ScreeningAnswers:
        """Build from a channel's answers; ``birth_year`` stands in for ``age`` when age is missing."""
        age = answers.get("age")
        if age is None and answers.get("birth_year"):
            age = date.today().year - int(answers["birth_year"])
        return cls(
            age=int(age or 0),
            household_size=max(1, int(answers.get("household_size") or 1)),
            children_under_5=int(answers.get("children_under_5") or 0),
            children_under_18=int(answers.get("children_under_18") or 0),
            members_with_disability=int(answers.get("members_with_disability") or 0),
            income_band=int(answers.get("income_band") or 1),
            area_id=int(answers["area_id"]) if answers.get("area_id") else None,
            region_id=int(answers["region_id"]) if answers.get("region_id") else None,
        )


@dataclass
class ScreeningResult:
    """The advice for one programme: likely or not, and why, in the active language."""

    programme: Programme
    likely: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def advice(self) -> str:
        return "likely" if self.likely else "unlikely"


def open_programmes():
    """Open programmes in display order, with their names and areas loaded in few queries."""
    return Programme.objects.filter(is_open=True).prefetch_related(
        Prefetch("names", queryset=ProgrammeName.objects.all()), "areas"
    )


# What the advice says, to the applicant (the default) and to the officer who decides.
CITIZEN_VOICE = {
    "min_age": gettext_lazy("This programme is for people aged %(age)s or over."),
    "max_age": gettext_lazy("This programme is for people aged %(age)s or under."),
    "age_fits": gettext_lazy("Your age fits this programme."),
    "has_disability": gettext_lazy("Someone in your household has a disability."),
    "needs_disability": gettext_lazy("This programme is for households with a member who has a disability."),
    "has_children": gettext_lazy("Your household has children of the right age."),
    "needs_children": gettext_lazy("This programme is for households with children under %(age)s."),
    "household_size": gettext_lazy("This programme is for households of %(size)s people or more."),
    "income_above": gettext_lazy("Your household income may be above this programme's limit."),
    "income_within": gettext_lazy("Your household income is within this programme's limit."),
    "not_in_district": gettext_lazy("This programme does not run in your district yet."),
    "in_district": gettext_lazy("This programme runs in your district."),
    "open": gettext_lazy("This programme is open to everyone."),
}
OFFICER_VOICE = {
    "min_age": gettext_lazy("The applicant is younger than %(age)s, the programme's lowest age."),
    "max_age": gettext_lazy("The applicant is older than %(age)s, the programme's highest age."),
    "age_fits": gettext_lazy("The applicant's age fits the programme."),
    "has_disability": gettext_lazy("Someone in the household has a disability."),
    "needs_disability": gettext_lazy(
        "The programme is for households with a member who has a disability: none declared."
    ),
    "has_children": gettext_lazy("The household has children of the right age."),
    "needs_children": gettext_lazy("The programme is for households with children under %(age)s: none declared."),
    "household_size": gettext_lazy("The programme is for households of %(size)s people or more."),
    "income_above": gettext_lazy("The household income may be above the programme's limit."),
    "income_within": gettext_lazy("The household income is within the programme's limit."),
    "not_in_district": gettext_lazy("The programme does not run in the applicant's district."),
    "in_district": gettext_lazy("The programme runs in the applicant's district."),
    "open": gettext_lazy("The programme is open to everyone."),
}


def screen_programme(programme: Programme, answers: ScreeningAnswers, *, voice=None) -> ScreeningResult:
    """Apply one programme's declarative rules to the answers.

    The reasons are in the active language, addressed to the applicant unless ``voice`` is
    ``OFFICER_VOICE`` (the back-office's wording about the applicant).
    """
    voice = voice or CITIZEN_VOICE
    likely = True
    reasons: list[str] = []

    def say(key: str, **values) -> None:
        reasons.append(str(voice[key]) % values if values else str(voice[key]))

    if programme.min_age is not None and answers.age < programme.min_age:
        likely = False
        say("min_age", age=programme.min_age)
    if programme.max_age is not None and answers.age > programme.max_age:
        likely = False
        say("max_age", age=programme.max_age)
    if programme.min_age is not None or programme.max_age is not None:
        if likely:
            say("age_fits")

    if programme.requires_disability:
        if answers.members_with_disability > 0:
            say("has_disability")
        else:
            likely = False
            say("needs_disability")

    if programme.requires_children_under:
        children = answers.children_under_5 if programme.requires_children_under <= 5 else answers.children_under_18
        if children > 0:
            say("has_children")
        else:
            likely = False
            say("needs_children", age=programme.requires_children_under)

    if programme.min_household_size and answers.household_size < programme.min_household_size:
        likely = False
        say("household_size", size=programme.min_household_size)

    if programme.max_monthly_income_per_person is not None:
        floor_per_person = INCOME_BAND_FLOOR.get(answers.income_band, 0) / max(1, answers.household_size)
        if floor_per_person > programme.max_monthly_income_per_person:
            likely = False
            say("income_above")
        else:
            say("income_within")

    area_ids = {area.pk for area in programme.areas.all()}
    if area_ids:
        if answers.area_id is None or not _area_within(answers, area_ids):
            likely = False
            say("not_in_district")
        else:
            say("in_district")

    if not reasons:
        say("open")
    return ScreeningResult(programme=programme, likely=likely, reasons=reasons)


def advice_for_officer(programme_application) -> list[str]:
    """The pre-screen reasons of one programme application, about the applicant, in the officer's language.

    Worked out again from the household as recorded (the reasons stored at submission are in the
    applicant's language and addressed to them).
    """
    application = programme_application.application
    household = application.household
    answers = ScreeningAnswers(
        age=date.today().year - application.applicant.birth_year,
        household_size=household.size,
        children_under_5=household.children_under_5,
        children_under_18=household.children_under_18,
        members_with_disability=household.members_with_disability,
        income_band=household.income_band,
        area_id=household.area_id,
        region_id=household.area.parent_id if household.area_id else None,
    )
    return screen_programme(programme_application.programme, answers, voice=OFFICER_VOICE).reasons


def prescreen(answers: ScreeningAnswers | dict) -> list[ScreeningResult]:
    """Return likely / unlikely advice with reasons for every open programme."""
    if isinstance(answers, dict):
        answers = ScreeningAnswers.from_mapping(answers)
    return [screen_programme(programme, answers) for programme in open_programmes()]


def _area_within(answers: ScreeningAnswers, allowed: set[int]) -> bool:
    if answers.area_id in allowed:
        return True
    parent_id = answers.region_id
    if parent_id is None:
        parent_id = AdminArea.objects.filter(pk=answers.area_id).values_list("parent_id", flat=True).first()
    return parent_id in allowed
