"""Read-only questions the back-office asks about cases: who may see which, search, attention order."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from grievances.models import Grievance, contact_phone_is
from registry.phones import normalise_phone
from registry.references import ReferenceKind, is_valid_reference, normalise_reference

CASE_WORKER_PERMISSIONS = ("grievances.view_grievance", "grievances.handle_grievance")


def may_use_queue(user) -> bool:
    """Tell whether ``user`` works with cases at all."""
    return bool(getattr(user, "is_active", False)) and any(user.has_perm(p) for p in CASE_WORKER_PERMISSIONS)


SENSITIVE_PERMISSION = "grievances.view_sensitive_grievance"


def is_cleared_for_sensitive(user) -> bool:
    """Tell whether ``user`` is cleared for sensitive cases (fraud, sexual exploitation, misconduct)."""
    return bool(getattr(user, "is_active", False)) and user.has_perm(SENSITIVE_PERMISSION)


def seal_sensitive(cases: QuerySet[Grievance], user) -> QuerySet[Grievance]:
    """``cases`` without the sensitive ones unless ``user`` is cleared for them.

    The one rule every staff screen, count and search applies to any set of cases it shows or
    counts — the queue, a case's appeals, an application's appeals, a caller's cases, call-centre
    matches, home panels and the dashboard's list.
    """
    return cases if is_cleared_for_sensitive(user) else cases.filter(is_sensitive=False)


def visible_cases(user) -> QuerySet[Grievance]:
    """The cases ``user`` may know exist: none unless they work cases; sensitive ones only when cleared."""
    cases = Grievance.objects.select_related("assignee", "area")
    if not may_use_queue(user):
        return cases.none()
    return seal_sensitive(cases, user)


def search_cases(cases: QuerySet[Grievance], query: str) -> QuerySet[Grievance]:
    """Cases matching a whole reference or a phone number; anything else matches nothing.

    A reference whose check digit is wrong matches nothing, so references cannot be guessed.
    """
    raw = (query or "").strip()
    reference = normalise_reference(raw)
    if is_valid_reference(reference, ReferenceKind.GRIEVANCE):
        return cases.filter(reference=reference)
    try:
        phone = normalise_phone(raw)
    except ValidationError:
        return cases.none()
    return cases.filter(contact_phone_is(phone) | Q(complainant__phone=phone))


def overdue_q(now=None) -> Q:
    """Open cases past their due date."""
    return Q(status__in=Grievance.OPEN_STATUSES, due_at__lt=now or timezone.now())


def needs_attention_q(now=None) -> Q:
    """Open cases a supervisor should look at first: escalated, overdue or at risk."""
    return Q(status__in=Grievance.OPEN_STATUSES) & (
        Q(escalated_at__isnull=False) | Q(due_at__lt=now or timezone.now()) | Q(at_risk=True)
    )


def attention_first(cases: QuerySet[Grievance]) -> QuerySet[Grievance]:
    """Order cases with escalated, overdue and at-risk ones first, then by due date."""
    return cases.annotate(
        needs_attention=Case(When(needs_attention_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("needs_attention", "due_at", "pk")
