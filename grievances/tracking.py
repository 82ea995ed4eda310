"""Tracking a case: what a citizen may see of it, after the checks every channel shares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance, GrievanceEvent
from grievances.pins import check_pin
from registry.references import ReferenceKind, is_valid_reference, normalise_reference

# Wrong PINs allowed per reference and requester before tracking it is paused for them; the
# per-reference ceiling bounds guessing spread over many requesters without letting one stranger
# lock the complainant out after a handful of tries.
MAX_PIN_FAILURES = 5
MAX_PIN_FAILURES_PER_REFERENCE = 50
PIN_LOCK_SECONDS = 3600


class TrackingError(Exception):
    """Why a case cannot be shown; ``message`` is for the person, ``code`` for the channel."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass
class PublicEvent:
    when: datetime
    kind: str
    message: str
    action: str = ""


# Public events whose text an officer wrote to the citizen: a reply, or the decision on the case.
OFFICER_MESSAGE_ACTIONS = frozenset({"reply", "resolve", "reject"})


@dataclass
class TrackedCase:
    """What the citizen sees: status, due date and public replies only — never internal notes."""

    grievance: Grievance
    status_label: str
    due_at: datetime
    events: list[PublicEvent] = field(default_factory=list)

    @property
    def last_reply(self) -> str:
        """The latest words an officer wrote to the citizen: a reply, or the decision once answered.

        While the case is open (a reopened one too) an earlier decision is not the answer.
        """
        answered = self.grievance.status not in Grievance.OPEN_STATUSES
        replies = [
            e.message
            for e in self.events
            if e.message and (e.kind == GrievanceEvent.Kind.REPLY or (answered and e.action in OFFICER_MESSAGE_ACTIONS))
        ]
        return replies[-1] if replies else ""


def check_reference(raw: str) -> str:
    """Return the normalised grievance reference or raise ``TrackingError`` — before any lookup."""
    reference = normalise_reference(raw)
    if not is_valid_reference(reference, ReferenceKind.GRIEVANCE):
        raise TrackingError(_("That reference is not right. Check the number and try again."), "bad_reference")
    return reference


def _pin_failures_keys(reference: str, requester: str) -> tuple[str, str]:
    who = hashlib.sha256(requester.encode()).hexdigest()[:16] if requester else "anyone"
    return f"tracking-pin-failures:{reference}:{who}", f"tracking-pin-failures:{reference}"


def _count_failure(key: str) -> None:
    try:
        cache.add(key, 0, timeout=PIN_LOCK_SECONDS)
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=PIN_LOCK_SECONDS)


def track_grievance(
    raw_reference: str, *, pin: str = "", phone: str = "", person=None, requester: str = ""
) -> TrackedCase:
    """Find a case by reference and show its public side to someone entitled to see it.

    Entitled: the complainant (``person``), the phone that filed a non-anonymous case, or anyone
    with the right PIN. The reference's check digit is verified before any database lookup. Wrong
    PINs are counted per requester (``requester``: a client address; else ``phone``) and per
    reference: too many pause tracking of that reference for an hour.
    """
    reference = check_reference(raw_reference)
    requester_key, reference_key = _pin_failures_keys(reference, requester or phone)
    if (cache.get(requester_key) or 0) >= MAX_PIN_FAILURES or (
        cache.get(reference_key) or 0
    ) >= MAX_PIN_FAILURES_PER_REFERENCE:
        raise TrackingError(_("Too many wrong PINs. Try again in an hour."), "locked")
    grievance = Grievance.objects.filter(reference=reference).first()
    if grievance is None:
        raise TrackingError(_("We could not find a case with that reference."), "not_found")
    owner = (person is not None and grievance.complainant_id == getattr(person, "pk", None)) or (
        phone and not grievance.is_anonymous and grievance.contact_phone == phone
    )
    if not owner:
        if not pin:
            raise TrackingError(_("Enter the 4-digit PIN you were given with this reference."), "pin_required")
        if not check_pin(pin, grievance.tracking_pin_hash):
            _count_failure(requester_key)
            _count_failure(reference_key)
            raise TrackingError(_("That PIN is not right."), "bad_pin")
    return public_view(grievance)


def public_view(grievance: Grievance) -> TrackedCase:
    """The public side of a case, for someone ``track_grievance`` already found entitled to it."""
    events = [
        PublicEvent(when=e.created_at, kind=e.kind, message=e.message, action=e.action)
        for e in grievance.events.filter(is_public=True).order_by("created_at", "id")
    ]
    return TrackedCase(
        grievance=grievance, status_label=str(grievance.get_status_display()), due_at=grievance.due_at, events=events
    )
