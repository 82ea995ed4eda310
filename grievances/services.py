"""Grievance services: the only code that files cases, writes their timeline or changes their state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances import notifications
from grievances.models import (
    MAX_LEVEL,
    SENSITIVE_CATEGORIES,
    CallbackRequest,
    Category,
    Grievance,
    GrievanceEvent,
)
from grievances.pins import hash_pin, new_pin
from grievances.sla import due_at
from registry.models import Person, ProgrammeApplication
from registry.phones import normalise_phone
from registry.references import ReferenceKind, new_reference

MAX_DESCRIPTION_LENGTH = 2000


class GrievanceError(ValidationError):
    """A grievance cannot be filed or changed as asked; the message is for the person."""


@dataclass
class FilingResult:
    """A filed case and, for cases without a known owner, the PIN to track it (shown once, never stored)."""

    grievance: Grievance
    pin: str | None
    created: bool


def file_grievance(
    *,
    category: str,
    description: str,
    channel: str,
    language: str,
    kind: str = Grievance.Kind.COMPLAINT,
    complainant: Person | None = None,
    phone: str = "",
    anonymous: bool = False,
    related_programme_application: ProgrammeApplication | None = None,
    appeal_of: Grievance | None = None,
    area=None,
    idempotency_key: str | None = None,
    filed_by=None,
) -> FilingResult:
    """File a complaint, appeal or feedback from any channel, atomically, and acknowledge it.

    An anonymous case keeps no person and no phone: it gets a 4-digit PIN, returned here once and
    stored only as a hash. So does any case without a known complainant. Sensitive categories are
    flagged; the due date follows the category's SLA at the case's level; the timeline starts with
    a "received" event; an acknowledgement SMS (never naming the category) is queued when there
    is a phone to send it to. The same ``idempotency_key`` returns the same case.
    """
    if category not in Category.values:
        raise GrievanceError(_("Choose what your complaint is about."), code="category")
    description = (description or "").strip()
    if not description:
        raise GrievanceError(_("Tell us what happened."), code="description")
    description = description[:MAX_DESCRIPTION_LENGTH]
    if kind not in Grievance.Kind.values:
        raise GrievanceError(_("Choose a kind of case."), code="kind")
    if anonymous:
        complainant, phone = None, ""
    elif phone:
        phone = normalise_phone(phone)
    elif complainant is not None:
        phone = complainant.phone

    level = 1
    excluded = None
    if kind == Grievance.Kind.APPEAL:
        level, excluded = _check_appeal(related_programme_application, appeal_of)
    if related_programme_application is not None and area is None:
        area = related_programme_application.application.household.area
    if area is None and complainant is not None:
        area = complainant.area

    with transaction.atomic():
        if idempotency_key:
            existing = Grievance.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return FilingResult(existing, None, created=False)
        now = timezone.now()
        pin = new_pin() if complainant is None else None
        try:
            with transaction.atomic():
                grievance = Grievance.objects.create(
                    reference=_free_reference(),
                    kind=kind,
                    category=category,
                    is_sensitive=category in SENSITIVE_CATEGORIES,
                    channel=channel,
                    description=description,
                    language=language,
                    complainant=complainant,
                    contact_phone=phone,
                    is_anonymous=anonymous,
                    tracking_pin_hash=hash_pin(pin) if pin else "",
                    related_programme_application=related_programme_application,
                    appeal_of=appeal_of,
                    level=level,
                    excluded_assignee=excluded,
                    area=area,
                    due_at=due_at(category, level, now),
                    level_started_at=now,
                    idempotency_key=idempotency_key or None,
                    filed_by=filed_by,
                )
        except IntegrityError:
            existing = Grievance.objects.get(idempotency_key=idempotency_key)
            return FilingResult(existing, None, created=False)
        GrievanceEvent.objects.create(
            grievance=grievance,
            kind=GrievanceEvent.Kind.FILED,
            action="acknowledge",
            is_public=True,
            to_status=grievance.status,
            actor=filed_by,
            channel=channel,
        )
        notifications.grievance_received(grievance)
        return FilingResult(grievance, pin, created=True)


def appeal_deadline(decided_at) -> timezone.datetime:
    """The last moment a decision made at ``decided_at`` can be appealed."""
    return decided_at + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def can_appeal_programme_application(pa: ProgrammeApplication) -> bool:
    """Tell whether a refusal can still be appealed (and is not already under appeal)."""
    return (
        pa.status == ProgrammeApplication.Status.NOT_ELIGIBLE
        and pa.decided_at is not None
        and timezone.now() <= appeal_deadline(pa.decided_at)
        and not pa.grievances.filter(kind=Grievance.Kind.APPEAL, status__in=Grievance.OPEN_STATUSES).exists()
    )


def _check_appeal(pa: ProgrammeApplication | None, appeal_of: Grievance | None):
    """Return the appeal's level and the person it must never be assigned to, or raise."""
    if pa is not None:
        if not can_appeal_programme_application(pa):
            raise GrievanceError(_("This decision can no longer be appealed."), code="appeal_window")
        return 2, pa.decided_by
    if appeal_of is not None:
        decided_at = appeal_of.resolved_at or appeal_of.closed_at
        appealable = appeal_of.status == Grievance.Status.RESOLVED or (
            appeal_of.status == Grievance.Status.CLOSED and appeal_of.resolution_outcome == Grievance.Outcome.REJECTED
        )
        if not appealable or decided_at is None or timezone.now() > appeal_deadline(decided_at):
            raise GrievanceError(_("This decision can no longer be appealed."), code="appeal_window")
        return min(appeal_of.level + 1, MAX_LEVEL), appeal_of.assignee
    raise GrievanceError(_("Say which decision you are appealing."), code="appeal_target")


def _free_reference() -> str:
    for _attempt in range(20):
        ref = new_reference(ReferenceKind.GRIEVANCE)
        if not Grievance.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("Could not find a free reference.")


def request_callback(
    *, phone: str, reason: str, channel: str, language: str, person: Person | None = None, requested_by=None
) -> tuple[CallbackRequest, bool]:
    """Ask for a call back; a number already waiting for a call is not queued twice.

    Returns the request and whether it is new.
    """
    phone = normalise_phone(phone)
    if reason not in CallbackRequest.Reason.values:
        raise GrievanceError(_("Choose why you would like a call."), code="reason")
    with transaction.atomic():
        waiting = (
            CallbackRequest.objects.select_for_update()
            .filter(phone=phone, status=CallbackRequest.Status.PENDING)
            .first()
        )
        if waiting is not None:
            return waiting, False
        request = CallbackRequest.objects.create(
            phone=phone, reason=reason, channel=channel, language=language, person=person, handled_by=None
        )
        return request, True


CALLBACK_PROMISE_HOURS = 48
