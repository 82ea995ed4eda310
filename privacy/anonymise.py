"""Remove the personal fields of one record, keep what the law and the statistics need, and log it.

Every anonymisation is written to the ``Anonymisation`` table and, when
``settings.ERASURE_LOG_FILE`` is set, appended to that file (one JSON line), which operations keep
apart from the database backups: ``reapply_erasures`` reads it after a restore. Each anonymiser
is idempotent and works on a record that was restored from an older copy as well.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grievances.models import (
    CallbackRequest,
    DataRequest,
    Grievance,
    GrievanceEvent,
    PhoneConfirmation,
    contact_phone_is,
)
from privacy.models import Anonymisation
from registry.models import Application, Person, PhonePreference
from sms.models import DeliveryReport, InboundMessage, OutboundMessage

Reason = Anonymisation.Reason

GRIEVANCE = "grievance"
APPLICATION = "application"
PERSON = "person"

# While the log is being re-applied its entries are already in the file: do not append them again.
_REAPPLYING: ContextVar[bool] = ContextVar("reapplying_erasures", default=False)


def anonymise_grievance(pk: int, reason: str, *, request_reference: str = "", now: datetime | None = None) -> bool:
    """Remove who complained and what they wrote; keep category, area, dates, outcome and rating.

    The public statistics count those, so they are unchanged. After an erasure request the
    decision (outcome and its reasons) is kept: it was made and may be relied on; after the
    retention period nothing personal is kept, not even the officer's words.
    """
    with transaction.atomic():
        case = Grievance.objects.select_for_update().filter(pk=pk).first()
        if case is None:
            return False
        case.description = ""
        case.contact_phone = ""
        case.complainant = None
        case.tracking_pin_hash = ""
        fields = ["description", "contact_phone", "complainant", "tracking_pin_hash"]
        if reason == Reason.RETENTION:
            case.resolution_text = ""
            fields.append("resolution_text")
        case.save(update_fields=fields)
        PhoneConfirmation.objects.filter(grievance=case).delete()  # a number given, never confirmed
        DataRequest.objects.filter(grievance=case).update(requested_changes={})  # the details asked for
        events = GrievanceEvent.objects.filter(grievance=case).exclude(message="")
        if reason == Reason.ERASURE:
            # The decision's own words stay with the decision; what the citizen wrote goes.
            events = events.filter(actor__isnull=True)
        events.update(message="")
        _log(GRIEVANCE, pk, reason, request_reference, now)
    return True


def anonymise_application(pk: int, reason: str, *, request_reference: str = "", now: datetime | None = None) -> bool:
    """Remove the answers as given; keep each programme's status and decision with its reason."""
    with transaction.atomic():
        if not Application.objects.filter(pk=pk).update(answers={}):
            return False
        _log(APPLICATION, pk, reason, request_reference, now)
    return True


def anonymise_person(pk: int, reason: str, *, request_reference: str = "", now: datetime | None = None) -> bool:
    """Erase a person: their name, birth, phone and ID go, and so do their words in their cases.

    Kept, because decisions were made on them and may be appealed or audited: the applications'
    statuses and decisions with their reasons, the cases' categories and outcomes, the consent
    records (that consent was given and withdrawn), and the person row itself, nameless.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=pk).first()
        if person is None:
            return False
        phone = person.phone
        for case_pk in Grievance.objects.filter(complainant=person).values_list("pk", flat=True):
            anonymise_grievance(case_pk, reason, request_reference=request_reference, now=now)
        if phone:
            for case_pk in Grievance.objects.filter(contact_phone_is(phone)).values_list("pk", flat=True):
                anonymise_grievance(case_pk, reason, request_reference=request_reference, now=now)
        for app_pk in Application.objects.filter(applicant=person).values_list("pk", flat=True):
            anonymise_application(app_pk, reason, request_reference=request_reference, now=now)
        CallbackRequest.objects.filter(person=person).update(phone="", outcome_note="", person=None)
        if phone and not Person.objects.filter(phone=phone).exclude(pk=pk).exists():
            CallbackRequest.objects.filter(phone=phone).update(phone="", outcome_note="")
            PhonePreference.objects.filter(phone=phone).delete()
            PhoneConfirmation.objects.filter(phone=phone).delete()
            _forget_phone_in_sms(phone)
        person.given_name = ""
        person.family_name = ""
        person.date_of_birth = None
        person.phone = ""
        person.national_id_hash = ""
        person.national_id_last3 = ""
        person.area = None
        person.user = None
        person.save(
            update_fields=[
                "given_name",
                "family_name",
                "date_of_birth",
                "phone",
                "national_id_hash",
                "national_id_last3",
                "area",
                "user",
            ]
        )
        _log(PERSON, pk, reason, request_reference, now)
    return True


# SMS whose fate is settled: nothing will be sent, retried or reconciled by phone for them again.
_SETTLED_SMS = (
    OutboundMessage.Status.SENT,
    OutboundMessage.Status.DELIVERED,
    OutboundMessage.Status.FAILED,
    OutboundMessage.Status.EXPIRED,
)


def _forget_phone_in_sms(phone: str) -> None:
    """Take an erased person's number and words out of the SMS kept: settled messages to them,
    what they sent, and the delivery reports. Messages still on their way keep the number they
    need (the answer to the erasure request itself may be one); retention clears them later."""
    OutboundMessage.objects.filter(to=phone, status__in=_SETTLED_SMS).update(to="", body="")
    InboundMessage.objects.filter(sender=phone).update(sender="", text="")
    DeliveryReport.objects.filter(phone=phone).update(phone="")


ANONYMISERS = {GRIEVANCE: anonymise_grievance, APPLICATION: anonymise_application, PERSON: anonymise_person}


def _log(kind: str, pk: int, reason: str, request_reference: str, now: datetime | None) -> None:
    now = now or timezone.now()
    _row, created = Anonymisation.objects.get_or_create(
        kind=kind,
        object_id=pk,
        defaults={"reason": reason, "request_reference": request_reference, "done_at": now},
    )
    if created and settings.ERASURE_LOG_FILE and not _REAPPLYING.get():
        line = json.dumps(
            {
                "kind": kind,
                "object_id": pk,
                "reason": reason,
                "request_reference": request_reference,
                "done_at": now.isoformat(),
            }
        )
        # Written when the transaction commits, so the file never names an erasure that was rolled back.
        transaction.on_commit(lambda: _append(Path(settings.ERASURE_LOG_FILE), line))


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")


def logged_anonymisations(path: Path | None = None) -> list[dict]:
    """Every anonymisation in the log file (if any) and in the table, oldest first, once each."""
    entries: dict[tuple[str, int], dict] = {}
    path = path or (Path(settings.ERASURE_LOG_FILE) if settings.ERASURE_LOG_FILE else None)
    if path is not None and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                entries.setdefault((entry["kind"], int(entry["object_id"])), entry)
    for row in Anonymisation.objects.all():
        entries.setdefault(
            (row.kind, row.object_id),
            {
                "kind": row.kind,
                "object_id": row.object_id,
                "reason": row.reason,
                "request_reference": row.request_reference,
                "done_at": row.done_at.isoformat(),
            },
        )
    return sorted(entries.values(), key=lambda entry: entry["done_at"])


def reapply(entries: list[dict]) -> int:
    """Anonymise again every record the log names (after a restore); return how many were found.

    Idempotent: a record already anonymised is anonymised again to the same result, and the log
    file does not grow.
    """
    done = 0
    token = _REAPPLYING.set(True)
    try:
        done = _reapply(entries)
    finally:
        _REAPPLYING.reset(token)
    return done


def _reapply(entries: list[dict]) -> int:
    done = 0
    for entry in entries:
        anonymiser = ANONYMISERS.get(entry["kind"])
        if anonymiser is None:
            continue
        done += anonymiser(
            int(entry["object_id"]),
            entry["reason"],
            request_reference=entry.get("request_reference", ""),
            now=datetime.fromisoformat(entry["done_at"]),
        )
    return done
