"""The web application journey: its questions in order, where to go next, and the submission.

One question per page. A question can only be reached once every question before it is answered;
"check your answers" lists every answer with a link back to its question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from portal.forms import apply as apply_forms
from registry.eligibility import ScreeningResult, open_programmes, prescreen
from registry.formatting import format_day, income_band_label
from registry.models import AdminArea, Programme, Sex
from registry.services import ApplicantDetails, HouseholdDetails, SubmissionResult, submit_application

ADVICE_SEEN = "advice_seen"


@dataclass(frozen=True)
class Step:
    """One page of the journey: the form it shows and the answers it must leave behind."""

    slug: str
    title: object
    form_class: type | None = None
    required: tuple[str, ...] = ()
    template: str = "portal/apply/question.html"
    heading_field: bool = True


STEPS: tuple[Step, ...] = (
    Step("name", _("What is your name?"), apply_forms.NameForm, ("given_name",), heading_field=False),
    Step(
        "date-of-birth",
        _("What is your date of birth?"),
        apply_forms.DateOfBirthForm,
        ("date_of_birth",),
        template="portal/apply/date_of_birth.html",
    ),
    Step("sex", _("What is your sex?"), apply_forms.SexForm, ("sex",)),
    Step("national-id", _("National ID number"), apply_forms.NationalIdForm, ("national_id",)),
    Step("household", _("Your household"), apply_forms.HouseholdSizeForm, ("household_size",)),
    Step(
        "children",
        _("Children in your household"),
        apply_forms.ChildrenForm,
        ("children_under_18", "children_under_5"),
        heading_field=False,
    ),
    Step("disability", _("Disability"), apply_forms.DisabilityForm, ("members_with_disability",)),
    Step("region", _("Where you live"), apply_forms.RegionForm, ("region",)),
    Step("district", _("Your district"), apply_forms.DistrictForm, ("district",)),
    Step("income", _("Household income"), apply_forms.IncomeForm, ("income_band",)),
    Step("advice", _("Programmes you may qualify for"), None, (ADVICE_SEEN,), template="portal/apply/advice.html"),
    Step(
        "programmes",
        _("Choose programmes"),
        apply_forms.ProgrammesForm,
        ("programmes",),
        template="portal/apply/programmes.html",
    ),
    Step("consent", _("Your consent"), apply_forms.ConsentForm, ("consent",), template="portal/apply/consent.html"),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def is_answered(step: Step, answers: dict) -> bool:
    """Tell whether ``step`` has all the answers it must leave behind."""
    return all(_has_value(answers, key) for key in step.required)


def _has_value(answers: dict, key: str) -> bool:
    value = answers.get(key)
    return value is not None and value is not False and value != []


def first_unanswered(answers: dict) -> Step | None:
    """The first question still to answer, or ``None`` when the application is ready to check."""
    return next((step for step in STEPS if not is_answered(step, answers)), None)


def can_open(step: Step, answers: dict) -> bool:
    """Tell whether every question before ``step`` is answered."""
    for earlier in STEPS:
        if earlier is step:
            return True
        if not is_answered(earlier, answers):
            return False
    return False


def previous_step(step: Step) -> Step | None:
    """The question before ``step`` (for the back link)."""
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None


def record_answers(answers: dict, step: Step, new: dict) -> dict:
    """Return ``answers`` with ``new`` recorded; answers that depend on a changed one are dropped."""
    updated = {**answers, **new}
    if step.slug == "region" and answers.get("region") != new.get("region"):
        updated.pop("district", None)
    if step.slug in {"date-of-birth", "household", "children", "disability", "region", "district", "income"}:
        if any(answers.get(key) != value for key, value in new.items()):
            updated.pop(ADVICE_SEEN, None)
    return updated


def preselect_programme(answers: dict, code: str) -> dict:
    """Add the programme a programme page's Apply link named, when it is open."""
    if not code or not Programme.objects.filter(code=code, is_open=True).exists():
        return answers
    chosen = list(answers.get("programmes") or answers.get("preselected") or [])
    if code not in chosen:
        chosen.append(code)
    key = "programmes" if "programmes" in answers else "preselected"
    return {**answers, key: chosen}


def birth_year(answers: dict) -> int:
    return date.fromisoformat(answers["date_of_birth"]).year


def screening(answers: dict) -> list[ScreeningResult]:
    """Pre-screen advice, with reasons, for every open programme (advice only: anyone may apply)."""
    return prescreen(
        {
            "birth_year": birth_year(answers),
            "household_size": answers["household_size"],
            "children_under_5": answers["children_under_5"],
            "children_under_18": answers["children_under_18"],
            "members_with_disability": answers["members_with_disability"],
            "income_band": answers["income_band"],
            "area_id": answers["district"],
        }
    )


@dataclass
class SummaryRow:
    """One answer on the "check your answers" page."""

    label: object
    value: str
    step: str
    lines: list[str] = field(default_factory=list)


def summary_rows(answers: dict) -> list[SummaryRow]:
    """Every answer in plain words, each with the question to change it."""
    chosen = AdminArea.objects.filter(pk__in=[answers.get("region"), answers.get("district")])
    areas = {area.pk: area.name_in() for area in chosen}
    born = date.fromisoformat(answers["date_of_birth"])
    chosen = {p.code: p.name() for p in open_programmes().filter(code__in=answers.get("programmes", []))}
    name = " ".join(part for part in (answers.get("given_name"), answers.get("family_name")) if part)
    return [
        SummaryRow(_("Name"), name, "name"),
        # The month in words: "3/4/1981" reads as March or April depending on where you learnt dates.
        SummaryRow(_("Date of birth"), format_day(born), "date-of-birth"),
        SummaryRow(_("Sex"), str(Sex(answers["sex"]).label), "sex"),
        SummaryRow(_("National ID number"), answers.get("national_id") or str(_("None given")), "national-id"),
        SummaryRow(_("People in the household"), str(answers["household_size"]), "household"),
        SummaryRow(
            _("Children"),
            "",
            "children",
            lines=[
                str(_("Under 18: %(count)s") % {"count": answers["children_under_18"]}),
                str(_("Under 5: %(count)s") % {"count": answers["children_under_5"]}),
            ],
        ),
        SummaryRow(_("People with a disability"), str(answers["members_with_disability"]), "disability"),
        SummaryRow(_("Region"), areas.get(answers["region"], ""), "region"),
        SummaryRow(_("District"), areas.get(answers["district"], ""), "district"),
        SummaryRow(_("Monthly income"), income_band_label(answers["income_band"]), "income"),
        SummaryRow(
            _("Programmes"), "", "programmes", lines=[chosen[code] for code in answers["programmes"] if code in chosen]
        ),
    ]


def snapshot(answers: dict) -> dict:
    """The answers kept with the application: everything but the national ID, which is never kept in clear."""
    return {key: value for key, value in answers.items() if key not in {"national_id", ADVICE_SEEN, "preselected"}}


def submit_draft(draft: dict, *, phone: str, language: str) -> SubmissionResult:
    """Submit a complete draft for the signed-in ``phone`` with the draft's idempotency key."""
    answers = draft["answers"]
    born = date.fromisoformat(answers["date_of_birth"])
    return submit_application(
        applicant=ApplicantDetails(
            given_name=answers["given_name"],
            family_name=answers.get("family_name", ""),
            sex=answers["sex"],
            phone=phone,
            birth_year=born.year,
            date_of_birth=born,
            national_id=answers.get("national_id", ""),
        ),
        household=HouseholdDetails(
            size=answers["household_size"],
            children_under_5=answers["children_under_5"],
            children_under_18=answers["children_under_18"],
            members_with_disability=answers["members_with_disability"],
            income_band=answers["income_band"],
            area_id=answers["district"],
        ),
        programme_codes=list(answers["programmes"]),
        channel="web",
        language=language,
        consent_given=bool(answers.get("consent")),
        idempotency_key=draft["key"],
        answers=snapshot(answers),
    )
