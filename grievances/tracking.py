"""Tracking a case: what a citizen may see of it, after the checks every channel shares.

How hard a PIN is to guess
--------------------------

A new PIN is one of 10**6. Whoever asks, from however many addresses or phones, a reference takes
at most MAX_WRONG_PINS_PER_DOOR wrong PINs a day through each of its two doors (the website; USSD
and SMS), so at most MAX_WRONG_PINS_PER_DAY = 2 x 10 = 20 a day in all (a door's day starts at its
first wrong PIN). After FREE_WRONG_PINS wrong PINs at a door, each further try there waits a delay
that doubles up to 15 minutes. Guessing without repeats, the expected number of tries to find a
PIN is (10**6 + 1) / 2, so

    expected days = (10**6 + 1) / 2 / 20 = 25,000 days (about 68 years)  > 10,000 days.

``expected_days_to_guess`` works it out from these settings; a test holds it above 10,000.
(An older case's 4-digit PIN keeps working; its figure is (10**4 + 1) / 2 / 20 = 250 days.)

The rightful holder is never locked out for long by a stranger: a stranger's wrong PINs from one
address or phone pause that requester for at most REQUESTER_PAUSE_SECONDS (15 minutes); a delay
between tries never exceeds 15 minutes; a script on the website cannot close the USSD and SMS door
(nor the other way round); and a browser that showed the right PIN before, or filed the case
(``known_holder``), is let in even when strangers spent the website's budget for the day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance, GrievanceEvent, PinGuard
from grievances.pins import PIN_DIGITS, check_pin
from registry.references import ReferenceKind, is_valid_reference, normalise_reference

MAX_PIN_FAILURES = 5  # per reference and requester, within REQUESTER_PAUSE_SECONDS
REQUESTER_PAUSE_SECONDS = 15 * 60
MAX_WRONG_PINS_PER_DOOR = 10  # per reference and door, a day, whoever asks
MAX_WRONG_PINS_PER_DAY = MAX_WRONG_PINS_PER_DOOR * len(PinGuard.Door)  # per reference, a day: 20
FREE_WRONG_PINS = 3  # per reference, before the delays start (typing slips)
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
GUARD_DAY = timedelta(days=1)


def delay_after(failures: int) -> int:
    """Seconds a reference waits for its next PIN after ``failures`` wrong ones this day.

    None for the first three; then 30 s, 1, 2, 4, 8 minutes, and 15 minutes from the eighth on.
    """
    if failures < FREE_WRONG_PINS:
        return 0
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** (failures - FREE_WRONG_PINS))


def expected_days_to_guess(pin_digits: int = PIN_DIGITS) -> float:
    """Expected days for anyone (unlimited addresses) to guess one reference's PIN of ``pin_digits``."""
    return (10**pin_digits + 1) / 2 / MAX_WRONG_PINS_PER_DAY


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


UNAVAILABLE_MESSAGE = _("We cannot check PINs just now. Try again in a few minutes.")
WAIT_MESSAGE = _("Too many wrong PINs. Try again in 15 minutes.")
PAUSED_TODAY_MESSAGE = _("Too many wrong PINs for this case today. Try again tomorrow.")


def _requester_key(reference: str, requester: str) -> str:
    """The counter of a requester's tries on a reference in the current quarter hour (so a pause ends with it)."""
    who = hashlib.sha256(requester.encode()).hexdigest()[:16] if requester else "anyone"
    quarter = int(timezone.now().timestamp() // REQUESTER_PAUSE_SECONDS)
    return f"tracking-pin-tries:{reference}:{who}:{quarter}"


def _reserve_requester_try(key: str) -> bool:
    """Count this try for its requester before the PIN is looked at; tell whether it is within limits.

    Add-then-increment is atomic on Redis and on the local cache, so tries that arrive together
    are each counted (no check-then-increment). A cache that cannot count refuses: fail closed.
    """
    try:
        cache.add(key, 0, timeout=REQUESTER_PAUSE_SECONDS)
        count = cache.incr(key)
    except Exception as exc:
        raise TrackingError(UNAVAILABLE_MESSAGE, "unavailable") from exc
    if not isinstance(count, int):
        raise TrackingError(UNAVAILABLE_MESSAGE, "unavailable")
    return count <= MAX_PIN_FAILURES


def _release_requester_try(key: str) -> None:
    """A right PIN does not count against its requester."""
    try:
        cache.decr(key)
    except Exception:  # noqa: BLE001, S110 - the count only expires sooner or later
        pass


def _guarded_pin_check(grievance: Grievance, pin: str, *, door: str, known_holder: bool) -> bool:
    """Check ``pin`` under the reference's guard row; count a wrong one; raise when tries are paused.

    The row is locked for the check, so tries arriving together are looked at one by one and every
    wrong one is counted (``F`` update). A ``known_holder`` is not held back by strangers' tries.
    """
    with transaction.atomic():
        guard, _created = PinGuard.objects.select_for_update().get_or_create(
            reference=grievance.reference, door=door, defaults={"window_started_at": timezone.now()}
        )
        now = timezone.now()  # read once the row is ours: tries that waited for it see its latest state
        if now >= guard.window_started_at + GUARD_DAY:
            guard.window_started_at, guard.failures, guard.next_try_at = now, 0, None
            guard.save(update_fields=["window_started_at", "failures", "next_try_at"])
        if not known_holder:
            if guard.failures >= MAX_WRONG_PINS_PER_DOOR:
                raise TrackingError(PAUSED_TODAY_MESSAGE, "locked")
            if guard.next_try_at is not None and now < guard.next_try_at:
                raise TrackingError(WAIT_MESSAGE, "locked")
        if check_pin(pin, grievance.tracking_pin_hash):
            return True
        delay = delay_after(guard.failures + 1)
        PinGuard.objects.filter(pk=guard.pk).update(
            failures=F("failures") + 1, next_try_at=now + timedelta(seconds=delay) if delay else None
        )
    return False


def track_grievance(
    raw_reference: str,
    *,
    pin: str = "",
    phone: str = "",
    person=None,
    requester: str = "",
    known_holder: bool = False,
) -> TrackedCase:
    """Find a case by reference and show its public side to someone entitled to see it.

    Entitled: the complainant (``person``), the phone that filed a non-anonymous case, or anyone
    with the right PIN. The reference's check digit is verified before any database lookup. Every
    PIN try is counted before it is checked, per requester (``requester``: a client address, given
    by the website; else ``phone``, on USSD and SMS) and, when wrong, per reference and door (see
    the figures at the top of this module).
    ``known_holder``: the channel has proof this requester showed the right PIN before (or filed
    the case); the reference's daily pause does not stop them.
    """
    reference = check_reference(raw_reference)
    grievance = Grievance.objects.filter(reference=reference).first()
    if grievance is None:
        raise TrackingError(_("We could not find a case with that reference."), "not_found")
    owner = (person is not None and grievance.complainant_id == getattr(person, "pk", None)) or (
        phone and not grievance.is_anonymous and grievance.contact_phone == phone
    )
    if not owner:
        if not pin:
            raise TrackingError(_("Enter the PIN you were given with this reference."), "pin_required")
        requester_key = _requester_key(reference, requester or phone)
        if not _reserve_requester_try(requester_key):
            raise TrackingError(WAIT_MESSAGE, "locked")
        door = PinGuard.Door.WEB if requester else PinGuard.Door.PHONE
        if not _guarded_pin_check(grievance, pin, door=door, known_holder=known_holder):
            raise TrackingError(_("That PIN is not right."), "bad_pin")
        _release_requester_try(requester_key)
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
