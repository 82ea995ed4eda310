"""Programme decisions: an officer enrols, waitlists or refuses an application to their programme.

Only a person refuses, always with a reason code and a sentence (DESIGN §2); the citizen is told by
SMS, and a refusal comes with how to appeal and by when. An upheld appeal re-opens the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registry import events
from registry.appeals import appeal_deadline
from registry.models import Application, ApplicationEvent, Programme, ProgrammeApplication
from registry.preferences import sms_language
from registry.references import format_reference
from sms.outbox import enqueue
from sms.templates import sms_date

Status = ProgrammeApplication.Status


class RefusalReason(models.TextChoices):
    """Why an application was refused; the officer adds a sentence in their own words."""

    INCOME_ABOVE_LIMIT = "income_above_limit", _("Household income above the programme's limit")
    AGE_OUTSIDE_RANGE = "age_outside_range", _("Age outside the programme's range")
    OUTSIDE_AREA = "outside_area", _("Lives outside the programme's areas")
    HOUSEHOLD_DOES_NOT_QUALIFY = "household_does_not_qualify", _("Household does not meet the programme's rules")
    ALREADY_SUPPORTED = "already_supported", _("Already receives this or a similar benefit")
    DETAILS_NOT_CONFIRMED = "details_not_confirmed", _("Details could not be confirmed")
    OTHER = "other", _("Another reason (explained below)")


# What the citizen reads for each reason, on every channel (the officer's own words follow it).
# Another reason has no standard words: the officer's sentence says it.
CITIZEN_REASONS = {
    # Translators: why an application was refused, read by the applicant on the web, USSD and in the
    # refusal SMS. At most 55 characters. French: no â ê î ô û ç or typographic apostrophe.
    RefusalReason.INCOME_ABOVE_LIMIT: _("Your household income is above the limit."),
    RefusalReason.AGE_OUTSIDE_RANGE: _("Your age is outside the range of this programme."),
    RefusalReason.OUTSIDE_AREA: _("You live outside the areas of this programme."),
    RefusalReason.HOUSEHOLD_DOES_NOT_QUALIFY: _("Your household does not meet the rules."),
    RefusalReason.ALREADY_SUPPORTED: _("You already get this or a similar benefit."),
    RefusalReason.DETAILS_NOT_CONFIRMED: _("We could not confirm your details."),
}


def citizen_reason(code: str) -> str:
    """The standard reason for a refusal in the citizen's words, in the active language ("" if none)."""
    try:
        words = CITIZEN_REASONS.get(RefusalReason(code))
    except ValueError:
        return ""
    return str(words) if words else ""


# What an officer may decide, and from which statuses.
OUTCOMES = (Status.ENROLLED, Status.NOT_ELIGIBLE, Status.WAITLISTED)
DECIDABLE_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED)

_SMS_TEMPLATES = {
    Status.ENROLLED: "application_enrolled",
    Status.NOT_ELIGIBLE: "application_not_eligible",
    Status.WAITLISTED: "application_waitlisted",
}


class DecisionError(ValidationError):
    """A decision cannot be made as asked; the message is for the officer."""


def may_decide(officer, programme: Programme) -> bool:
    """Tell whether ``officer`` decides applications to ``programme``."""
    if not getattr(officer, "is_active", False) or not officer.has_perm("registry.decide_programmeapplication"):
        return False
    return officer.is_superuser or programme.officers.filter(pk=officer.pk).exists()


def visible_programme_applications(officer):
    """The programme applications ``officer`` may see: those to the programmes they decide."""
    requests = ProgrammeApplication.objects.select_related("application", "programme")
    if not officer.has_perm("registry.decide_programmeapplication"):
        return requests.none()
    if officer.is_superuser:
        return requests
    return requests.filter(programme__officers=officer)


@dataclass(frozen=True)
class DecidingSystem:
    """A programme's own system deciding through the partner API: who it is and which programmes it decides."""

    code: str
    name: str
    programmes: frozenset[str]


@dataclass(frozen=True)
class SystemDecision:
    """What a system's decision did: the application as it now is, and whether this call changed it."""

    programme_application: ProgrammeApplication
    applied: bool


def decide(
    programme_application: ProgrammeApplication, outcome: str, reason_code: str, text: str, officer
) -> ProgrammeApplication:
    """Decide a programme application as ``officer``: enrolled, not eligible or waitlisted.

    A refusal needs a reason code from ``RefusalReason`` and a sentence. The decision, its event
    on the application's timeline and the citizen's SMS (with, for a refusal, the appeal deadline)
    are written in one transaction.
    """
    _check_decision(outcome, reason_code, text)
    with transaction.atomic():
        pa = _locked(programme_application)
        if not may_decide(officer, pa.programme):
            raise DecisionError(_("You do not decide applications to this programme."), code="officer")
        _check_status(pa, outcome)
        _apply_decision(pa, outcome, reason_code, text, officer=officer)
    programme_application.refresh_from_db()
    return programme_application


def decide_for_system(
    programme_application: ProgrammeApplication,
    outcome: str,
    reason_code: str,
    text: str,
    *,
    system: DecidingSystem,
    dedupe_key: str,
) -> SystemDecision:
    """Decide a programme application as a programme's own system (enrolment updates through the API).

    The same rules as an officer's decision (a refusal needs a reason code and a sentence; the
    citizen's SMS; the appeal window), for the programmes ``system`` decides. ``dedupe_key`` (the
    system's message reference) makes a decision that arrives twice apply once; the same outcome
    again is taken as already applied.
    """
    _check_decision(outcome, reason_code, text)
    if ApplicationEvent.objects.filter(dedupe_key=dedupe_key).exists():
        return SystemDecision(_refreshed(programme_application), applied=False)
    with transaction.atomic():
        pa = _locked(programme_application)
        if pa.programme.code not in system.programmes:
            raise DecisionError(_("This system does not decide applications to this programme."), code="officer")
        if ApplicationEvent.objects.filter(dedupe_key=dedupe_key).exists() or pa.status == outcome:
            return SystemDecision(_refreshed(programme_application), applied=False)
        _check_status(pa, outcome)
        _apply_decision(pa, outcome, reason_code, text, system=system, dedupe_key=dedupe_key)
    return SystemDecision(_refreshed(programme_application), applied=True)


def _refreshed(programme_application: ProgrammeApplication) -> ProgrammeApplication:
    programme_application.refresh_from_db()
    return programme_application


def _check_decision(outcome: str, reason_code: str, text: str) -> None:
    text = (text or "").strip()
    if outcome not in OUTCOMES:
        raise DecisionError(_("Choose a decision."), code="outcome")
    if outcome == Status.NOT_ELIGIBLE:
        if reason_code not in RefusalReason.values:
            raise DecisionError(_("Choose the reason for the refusal."), code="reason_code")
        if not text:
            raise DecisionError(_("Explain the refusal in a sentence."), code="text")
    elif reason_code and reason_code not in RefusalReason.values:
        raise DecisionError(_("Choose the reason for the refusal."), code="reason_code")


def _locked(programme_application: ProgrammeApplication) -> ProgrammeApplication:
    return (
        ProgrammeApplication.objects.select_for_update()
        .select_related("application__applicant", "programme")
        .get(pk=programme_application.pk)
    )


def _check_status(pa: ProgrammeApplication, outcome: str) -> None:
    if pa.status not in DECIDABLE_STATUSES or pa.status == outcome:
        raise DecisionError(
            _("An application that is “%(status)s” cannot be decided now.") % {"status": pa.get_status_display()},
            code="status",
        )


def _apply_decision(
    pa: ProgrammeApplication,
    outcome: str,
    reason_code: str,
    text: str,
    *,
    officer=None,
    system: DecidingSystem | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Write the decision, its timeline event and the citizen's SMS (inside the caller's transaction)."""
    text = (text or "").strip()
    now = timezone.now()
    from_status = pa.status
    pa.status = outcome
    pa.decision_reason_code = reason_code if outcome == Status.NOT_ELIGIBLE else ""
    pa.decision_text = text
    pa.decided_by = officer
    pa.decided_at = now
    pa.save(update_fields=["status", "decision_reason_code", "decision_text", "decided_by", "decided_at", "updated_at"])
    _event(pa, from_status, officer, text, source=system.code if system else "", dedupe_key=dedupe_key)
    context = {}
    template = _SMS_TEMPLATES[outcome]
    if outcome == Status.NOT_ELIGIBLE:
        context["due_date"] = sms_date(appeal_deadline(now))
        if reason_code in CITIZEN_REASONS:
            # The standard reason only: the officer's own words may be personal and stay off SMS.
            template, context["reason_code"] = "application_not_eligible_reason", reason_code
    _tell(pa, template, context, dedupe_key=f"application-decision:{pa.pk}:{now.timestamp()}")


def reopen_after_appeal(programme_application: ProgrammeApplication, appeal, actor) -> ProgrammeApplication:
    """Put a refused application back under review because ``appeal`` against the refusal was upheld.

    The refusal is cleared (it stays on the timeline), the decision gets a fresh deadline and the
    citizen is told by SMS. Runs inside the caller's transaction when there is one.
    """
    if appeal.related_programme_application_id != programme_application.pk:
        raise DecisionError(_("This appeal is about another application."), code="appeal")
    with transaction.atomic():
        pa = (
            ProgrammeApplication.objects.select_for_update()
            .select_related("application__applicant", "programme")
            .get(pk=programme_application.pk)
        )
        if pa.status != Status.NOT_ELIGIBLE:
            raise DecisionError(_("Only a refused application can be re-opened after an appeal."), code="status")
        now = timezone.now()
        pa.status = Status.UNDER_REVIEW
        pa.decision_reason_code = ""
        pa.decision_text = ""
        pa.decided_by = None
        pa.decided_at = None
        pa.due_at = now + timedelta(days=pa.programme.decision_sla_days)
        pa.save(
            update_fields=[
                "status",
                "decision_reason_code",
                "decision_text",
                "decided_by",
                "decided_at",
                "due_at",
                "updated_at",
            ]
        )
        _event(
            pa, Status.NOT_ELIGIBLE, actor if getattr(actor, "pk", None) else None, format_reference(appeal.reference)
        )
        _tell(pa, "application_reopened", {}, dedupe_key=f"application-reopened:{pa.pk}:{appeal.pk}")
    programme_application.refresh_from_db()
    return programme_application


def _event(
    pa: ProgrammeApplication, from_status: str, actor, message: str, *, source: str = "", dedupe_key: str | None = None
) -> None:
    ApplicationEvent.objects.create(
        application=pa.application,
        programme_application=pa,
        kind=ApplicationEvent.Kind.STATUS,
        is_public=True,
        from_status=from_status,
        to_status=pa.status,
        message=message,
        actor=actor,
        source=source,
        dedupe_key=dedupe_key,
    )
    events.application_updated(pa.application)


def _tell(pa: ProgrammeApplication, template: str, context: dict, *, dedupe_key: str) -> None:
    application: Application = pa.application
    language = sms_language(application.applicant.phone, application.language)
    reason_code = context.pop("reason_code", "")
    if reason_code:
        with translation.override(language):
            context["reason"] = citizen_reason(reason_code)
    enqueue(
        application.applicant.phone,
        template,
        language,
        {
            "reference": format_reference(application.reference),
            "programme": pa.programme.short_name(language),
            **context,
        },
        dedupe_key=dedupe_key,
    )
