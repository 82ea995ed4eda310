"""Pre-screening: advice, with reasons in plain words, on which programmes a household may qualify for.

This is advice only (no automated exclusion): a person may apply to any open programme, and only
an officer refuses an application, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

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


def screen_programme(programme: Programme, answers: ScreeningAnswers) -> ScreeningResult:
    """Apply one programme's declarative rules to the answers."""
    likely = True
    reasons: list[str] = []

    if programme.min_age is not None and answers.age < programme.min_age:
        likely = False
        reasons.append(_("This programme is for people aged %(age)s or over.") % {"age": programme.min_age})
    if programme.max_age is not None and answers.age > programme.max_age:
        likely = False
        reasons.append(_("This programme is for people aged %(age)s or under.") % {"age": programme.max_age})
    if programme.min_age is not None or programme.max_age is not None:
        if likely:
            reasons.append(_("Your age fits this programme."))

    if programme.requires_disability:
        if answers.members_with_disability > 0:
            reasons.append(_("Someone in your household has a disability."))
        else:
            likely = False
            reasons.append(_("This programme is for households with a member who has a disability."))

    if programme.requires_children_under:
        children = answers.children_under_5 if programme.requires_children_under <= 5 else answers.children_under_18
        if children > 0:
            reasons.append(_("Your household has children of the right age."))
        else:
            likely = False
            reasons.append(
                _("This programme is for households with children under %(age)s.")
                % {"age": programme.requires_children_under}
            )

    if programme.min_household_size and answers.household_size < programme.min_household_size:
        likely = False
        reasons.append(
            _("This programme is for households of %(size)s people or more.") % {"size": programme.min_household_size}
        )

    if programme.max_monthly_income_per_person is not None:
        floor_per_person = INCOME_BAND_FLOOR.get(answers.income_band, 0) / max(1, answers.household_size)
        if floor_per_person > programme.max_monthly_income_per_person:
            likely = False
            reasons.append(_("Your household income may be above this programme's limit."))
        else:
            reasons.append(_("Your household income is within this programme's limit."))

    area_ids = {area.pk for area in programme.areas.all()}
    if area_ids:
        if answers.area_id is None or not _area_within(answers, area_ids):
            likely = False
            reasons.append(_("This programme does not run in your district yet."))
        else:
            reasons.append(_("This programme runs in your district."))

    if not reasons:
        reasons.append(_("This programme is open to everyone."))
    return ScreeningResult(programme=programme, likely=likely, reasons=reasons)


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
