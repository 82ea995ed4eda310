"""Grievance services: the only code that files cases, writes their timeline or changes their state."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances import notifications, phone_confirmation, workflow
from grievances.assignment import assignment_problem
from grievances.data_decisions import carry_out
from grievances.models import (
    MAX_LEVEL,
    SENSITIVE_CATEGORIES,
    CallbackRequest,
    Category,
    Grievance,
    GrievanceEvent,
)
from grievances.pins import hash_pin, new_pin
from grievances.sla import at_risk_from, due_at
from registry.appeals import appeal_deadline
from registry.corrections import CorrectionError
from registry.decisions import reopen_after_appeal
from registry.models import Channel, Payment, Person, ProgrammeApplication
from registry.phones import normalise_phone
from registry.references import ReferenceKind, format_reference, new_reference
from sms.templates import sms_date

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
    related_payment: Payment | None = None,
    area=None,
    idempotency_key: str | None = None,
    filed_by=None,
    phone_confirmed: bool = True,
) -> FilingResult:
    """File a complaint, appeal or feedback from any channel, atomically, and acknowledge it.

    An anonymous case keeps no person and no phone: it gets a 6-digit PIN, returned here once and
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
    if related_payment is not None:
        _check_payment(related_payment, category, complainant, phone, anonymous)
        related_programme_application = related_programme_application or related_payment.programme_application

    if idempotency_key:  # a repeat finds its case before any check that the first one changed
        existing = Grievance.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return FilingResult(existing, None, created=False)
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
                    contact_phone=phone if phone_confirmed else "",
                    is_anonymous=anonymous,
                    tracking_pin_hash=hash_pin(pin) if pin else "",
                    related_programme_application=related_programme_application,
                    appeal_of=appeal_of,
                    related_payment=related_payment,
                    level=level,
                    excluded_assignee=excluded,
                    area=area,
                    due_at=due_at(category, level, now),
                    at_risk_at=at_risk_from(now, due_at(category, level, now)),
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
        if phone and not phone_confirmed:
            phone_confirmation.ask_to_confirm(grievance, phone)
        else:
            notifications.grievance_received(grievance)
        return FilingResult(grievance, pin, created=True)


def _check_payment(payment: Payment, category: str, complainant: Person | None, phone: str, anonymous: bool) -> None:
    """A complaint names a payment only when it says the money did not arrive, and only its owner's payment."""
    if category != Category.PAYMENT_NOT_RECEIVED:
        raise GrievanceError(_("Name a payment only for a complaint about a payment not received."), code="payment")
    applicant = payment.programme_application.application.applicant
    owner = not anonymous and (
        (complainant is not None and applicant.pk == complainant.pk) or (phone and applicant.phone == phone)
    )
    if not owner:
        raise GrievanceError(_("Choose one of your own payments."), code="payment")


def can_appeal_programme_application(pa: ProgrammeApplication) -> bool:
    """Tell whether a refusal can still be appealed (and is not already under appeal)."""
    return (
        pa.status == ProgrammeApplication.Status.NOT_ELIGIBLE
        and pa.decided_at is not None
        and timezone.now() <= appeal_deadline(pa.decided_at)
        and not pa.grievances.filter(kind=Grievance.Kind.APPEAL, status__in=Grievance.OPEN_STATUSES).exists()
    )


def can_appeal_grievance(case: Grievance) -> bool:
    """Tell whether a case's decision (resolved, or rejected and closed) can still be appealed (and is
    not already under appeal)."""
    try:
        _check_appeal(None, case)
    except GrievanceError:
        return False
    return True


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
        if appeal_of.appeals.filter(status__in=Grievance.OPEN_STATUSES).exists():
            raise GrievanceError(_("This decision can no longer be appealed."), code="appeal_open")
        return min(appeal_of.level + 1, MAX_LEVEL), appeal_of.decided_by or appeal_of.assignee
    raise GrievanceError(_("Say which decision you are appealing."), code="appeal_target")


def _free_reference() -> str:
    for _attempt in range(20):
        ref = new_reference(ReferenceKind.GRIEVANCE)
        if not Grievance.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("Could not find a free reference.")


def request_callback(
    *,
    phone: str,
    reason: str,
    channel: str,
    language: str,
    person: Person | None = None,
    requested_by=None,
    preferred_time: str = CallbackRequest.PreferredTime.ANY,
) -> tuple[CallbackRequest, bool]:
    """Ask for a call back, at a preferred time of day; a number already waiting for a call is not queued twice.

    Returns the request and whether it is new (a number already waiting keeps its request as it was).
    """
    phone = normalise_phone(phone)
    if reason not in CallbackRequest.Reason.values:
        raise GrievanceError(_("Choose why you would like a call."), code="reason")
    if preferred_time not in CallbackRequest.PreferredTime.values:
        raise GrievanceError(_("Choose when we should call you."), code="preferred_time")
    with transaction.atomic():
        waiting = (
            CallbackRequest.objects.select_for_update()
            .filter(phone=phone, status=CallbackRequest.Status.PENDING)
            .first()
        )
        if waiting is not None:
            return waiting, False
        request = CallbackRequest.objects.create(
            phone=phone,
            reason=reason,
            preferred_time=preferred_time,
            channel=channel,
            language=language,
            person=person,
            requested_by=requested_by,
        )
        return request, True


CALLBACK_PROMISE_HOURS = 48


# --- The workflow ---------------------------------------------------------------------------------


class TransitionError(GrievanceError):
    """An action is not allowed on a case (wrong status, role or data); nothing was changed."""


@dataclass
class TransitionResult:
    """What an action did: the case as it now is, its new timeline event and, for an appeal, the new case."""

    case: Grievance
    event: GrievanceEvent
    appeal: Grievance | None = None
    pin: str | None = None


def transition(case: Grievance, action: str, actor, **data) -> TransitionResult:
    """Take ``action`` on ``case`` as ``actor``, as the workflow table allows, atomically.

    ``actor`` is a staff user, ``workflow.SYSTEM`` or a ``workflow.CitizenActor``. Data by action:
    assign ``assignee``; note, reply ``text``; escalate ``text`` (optional); resolve ``outcome`` and
    ``text``; reject ``reason`` and ``text`` (optional); appeal ``text`` (and ``idempotency_key``);
    reopen ``text``. The case is locked and re-read; an action the table does not allow from its
    status for the actor's roles, or with missing data, raises ``TransitionError`` and changes
    nothing. Otherwise the case changes, one timeline event is written, and the citizen's SMS is
    queued in the same transaction. ``case`` is refreshed in place.
    """
    try:
        action = workflow.Action(action)
    except ValueError:
        raise TransitionError(_("That action does not exist."), code="action") from None
    row = workflow.TRANSITIONS[action]
    with transaction.atomic():
        locked = Grievance.objects.select_for_update().get(pk=case.pk)
        roles = workflow.roles_of(actor, locked)
        if not roles and workflow.is_staff_actor(actor) and not workflow.can_see(actor, locked):
            raise TransitionError(_("We could not find that case."), code="not_found")
        if not workflow.status_allows(row, locked):
            raise TransitionError(
                _("“%(action)s” is not possible for a case that is “%(status)s”.")
                % {"action": row.label, "status": locked.get_status_display()},
                code="status",
            )
        if not roles & row.roles:
            raise TransitionError(_("You may not “%(action)s” this case.") % {"action": row.label}, code="role")
        text = (data.get("text") or "").strip()
        if action in workflow.TEXT_REQUIRED and not text:
            raise TransitionError(workflow.TEXT_REQUIRED[action], code="text")
        result = _EFFECTS[action](locked, row, actor, roles, text, data)
    case.refresh_from_db()
    return result


def _actor_user(actor):
    return actor if workflow.is_staff_actor(actor) else None


def _actor_channel(actor, roles) -> str:
    if isinstance(actor, workflow.CitizenActor):
        return actor.channel
    if workflow.is_staff_actor(actor) and workflow.Role.CITIZEN in roles:
        return Channel.CALL_CENTRE
    return ""


def _record(case, row, actor, roles, *, from_status, kind=GrievanceEvent.Kind.TRANSITION, message="") -> GrievanceEvent:
    return GrievanceEvent.objects.create(
        grievance=case,
        kind=kind,
        action=row.action,
        is_public=row.public,
        from_status=from_status,
        to_status=case.status,
        message=message,
        actor=_actor_user(actor),
        channel=_actor_channel(actor, roles),
    )


def _tell_citizen(case, row, event, context: dict) -> None:
    """Queue the row's SMS for the citizen and note it on the (internal) timeline."""
    if row.sms and notifications.notify_case(case, row.sms, context, dedupe_key=f"grievance-{row.action}:{event.pk}"):
        GrievanceEvent.objects.create(grievance=case, kind=GrievanceEvent.Kind.SMS, action=row.action, message=row.sms)


def _save(case, fields: list[str]) -> None:
    case.save(update_fields=[*fields, "updated_at"])


def _assign(case, row, actor, roles, text, data) -> TransitionResult:
    assignee = data.get("assignee")
    problem = assignment_problem(case, assignee, actor=actor, may_assign_others=workflow.Role.SUPERVISOR in roles)
    if problem:
        raise TransitionError(problem, code="assignee")
    from_status = case.status
    case.assignee = assignee
    case.status = row.to_status
    _save(case, ["assignee", "status"])
    name = assignee.get_full_name() or assignee.get_username()
    return TransitionResult(case, _record(case, row, actor, roles, from_status=from_status, message=name))


def _note(case, row, actor, roles, text, data) -> TransitionResult:
    event = _record(case, row, actor, roles, from_status=case.status, kind=GrievanceEvent.Kind.NOTE, message=text)
    return TransitionResult(case, event)


def _reply(case, row, actor, roles, text, data) -> TransitionResult:
    event = _record(case, row, actor, roles, from_status=case.status, kind=GrievanceEvent.Kind.REPLY, message=text)
    _tell_citizen(case, row, event, {})
    return TransitionResult(case, event)


def _escalate(case, row, actor, roles, text, data) -> TransitionResult:
    if case.level >= MAX_LEVEL:
        raise TransitionError(_("This case is already at the highest level."), code="level")
    now = timezone.now()
    case.sla_breached = case.sla_breached or case.due_at < now
    _move_to_level(case, case.level + 1, now)
    case.assignee = None
    _save(
        case,
        ["level", "due_at", "at_risk_at", "at_risk", "level_started_at", "escalated_at", "sla_breached", "assignee"],
    )
    return TransitionResult(case, _record(case, row, actor, roles, from_status=case.status, message=text))


def _move_to_level(case: Grievance, level: int, now) -> None:
    """Give the case a fresh clock at ``level`` (escalation): new due date, no longer at risk."""
    case.level = level
    case.level_started_at = now
    case.due_at = due_at(case.category, level, now)
    case.at_risk_at = at_risk_from(now, case.due_at)
    case.at_risk = False
    case.escalated_at = now


def _record_resolution(case, row, actor, roles, text, data) -> tuple[str, GrievanceEvent]:
    """Resolve ``case`` with the outcome chosen and ``text``, record it and tell the citizen.

    Shared by every action that answers a case (a complaint, an appeal, a data request); returns
    the outcome and the event.
    """
    outcome = data.get("outcome")
    if outcome not in workflow.RESOLVE_OUTCOMES:
        raise TransitionError(_("Choose the outcome."), code="outcome")
    now = timezone.now()
    from_status = case.status
    case.status = row.to_status
    case.resolution_outcome = outcome
    case.resolution_text = text
    case.resolved_at = now
    case.decided_by = _actor_user(actor)
    case.at_risk = False
    _save(case, ["status", "resolution_outcome", "resolution_text", "resolved_at", "decided_by", "at_risk"])
    event = _record(case, row, actor, roles, from_status=from_status, message=text)
    _tell_citizen(case, row, event, {"due_date": sms_date(appeal_deadline(now))})
    return outcome, event


def _resolve(case, row, actor, roles, text, data) -> TransitionResult:
    outcome, event = _record_resolution(case, row, actor, roles, text, data)
    pa = case.related_programme_application
    if case.kind == Grievance.Kind.APPEAL and pa is not None and outcome != Grievance.Outcome.NOT_UPHELD:
        reopen_after_appeal(pa, case, actor)
    return TransitionResult(case, event)


def _reject(case, row, actor, roles, text, data) -> TransitionResult:
    reason = data.get("reason")
    if reason not in Grievance.RejectionReason.values:
        raise TransitionError(_("Choose why the case is not taken forward."), code="reason")
    now = timezone.now()
    from_status = case.status
    case.status = row.to_status
    case.resolution_outcome = Grievance.Outcome.REJECTED
    case.rejection_reason = reason
    case.resolution_text = text
    case.closed_at = now
    case.decided_by = _actor_user(actor)
    case.at_risk = False
    _save(
        case,
        ["status", "resolution_outcome", "rejection_reason", "resolution_text", "closed_at", "decided_by", "at_risk"],
    )
    event = _record(case, row, actor, roles, from_status=from_status, message=text)
    _tell_citizen(case, row, event, {"due_date": sms_date(appeal_deadline(now))})
    return TransitionResult(case, event)


def _appeal(case, row, actor, roles, text, data) -> TransitionResult:
    channel = _actor_channel(actor, roles)
    category = case.category if case.is_sensitive else Category.DECISION_APPEAL
    try:
        filed = file_grievance(
            category=category,
            description=text,
            channel=channel,
            language=data.get("language") or case.language,
            kind=Grievance.Kind.APPEAL,
            complainant=case.complainant,
            phone=case.contact_phone,
            anonymous=case.is_anonymous,
            appeal_of=case,
            area=case.area,
            idempotency_key=data.get("idempotency_key"),
            filed_by=_actor_user(actor),
        )
    except GrievanceError as error:
        raise TransitionError(error.message, code=error.code) from None
    message = format_reference(filed.grievance.reference)
    # Messages are encrypted at rest: the repeat's event is found among the case's few appeal events.
    earlier = None
    if not filed.created:
        earlier = next((e for e in case.events.filter(action=row.action).order_by("pk") if e.message == message), None)
    event = earlier or _record(case, row, actor, roles, from_status=case.status, message=message)
    return TransitionResult(case, event, appeal=filed.grievance, pin=filed.pin)


def _close(case, row, actor, roles, text, data) -> TransitionResult:
    from_status = case.status
    case.status = row.to_status
    case.closed_at = timezone.now()
    _save(case, ["status", "closed_at"])
    return TransitionResult(case, _record(case, row, actor, roles, from_status=from_status, message=text))


def _reopen(case, row, actor, roles, text, data) -> TransitionResult:
    now = timezone.now()
    from_status = case.status
    case.status = row.to_status
    case.resolution_outcome = case.rejection_reason = case.resolution_text = ""
    case.resolved_at = case.closed_at = case.decided_by = None
    case.level_started_at = now
    case.due_at = due_at(case.category, case.level, now)
    case.at_risk_at = at_risk_from(now, case.due_at)
    case.at_risk = False
    _save(
        case,
        [
            "status",
            "resolution_outcome",
            "rejection_reason",
            "resolution_text",
            "resolved_at",
            "closed_at",
            "decided_by",
            "level_started_at",
            "due_at",
            "at_risk_at",
            "at_risk",
        ],
    )
    event = _record(case, row, actor, roles, from_status=from_status, message=text)
    _tell_citizen(case, row, event, {"due_date": sms_date(case.due_at)})
    return TransitionResult(case, event)


def _decide_data(case, row, actor, roles, text, data) -> TransitionResult:
    """Decide a data request: resolve it as ``_resolve`` does, then correct or erase as decided."""
    outcome, event = _record_resolution(case, row, actor, roles, text, data)
    try:
        with transaction.atomic():
            carry_out(case, outcome, text, _actor_user(actor), changes=data.get("changes"))
    except CorrectionError as error:
        raise TransitionError(error.messages[0], code="changes") from None
    return TransitionResult(case, event)


_EFFECTS = {
    workflow.Action.ASSIGN: _assign,
    workflow.Action.NOTE: _note,
    workflow.Action.REPLY: _reply,
    workflow.Action.ESCALATE: _escalate,
    workflow.Action.RESOLVE: _resolve,
    workflow.Action.REJECT: _reject,
    workflow.Action.APPEAL: _appeal,
    workflow.Action.CLOSE: _close,
    workflow.Action.REOPEN: _reopen,
    workflow.Action.DECIDE_DATA: _decide_data,
}


def record_callback_outcome(callback: CallbackRequest, status: str, note: str, agent) -> CallbackRequest:
    """Record how a call-back went (done, no answer, cancelled) with a note and the agent."""
    if not agent.has_perm("grievances.handle_callbackrequest"):
        raise GrievanceError(_("You may not record call-backs."), code="role")
    final = (CallbackRequest.Status.DONE, CallbackRequest.Status.NO_ANSWER, CallbackRequest.Status.CANCELLED)
    if status not in final:
        raise GrievanceError(_("Choose how the call went."), code="status")
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
        if locked.status != CallbackRequest.Status.PENDING:
            raise GrievanceError(_("This call-back was already dealt with."), code="done")
        locked.status = status
        locked.outcome_note = (note or "").strip()[:2000]
        locked.handled_by = agent
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "outcome_note", "handled_by", "handled_at"])
    callback.refresh_from_db()
    return callback
