"""The retention table's appliers for domain and SMS records (DESIGN §11).

Each is called as ``apply(cutoff, batch_size)`` by ``privacy.retention.apply_retention`` and
returns how many records it deleted or anonymised. Channels keep their own appliers
(``portal.retention``, ``ussd.retention``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q

from grievances.models import AccessLog, Grievance
from privacy.anonymise import APPLICATION, GRIEVANCE, anonymise_application, anonymise_grievance
from privacy.models import Anonymisation
from privacy.retention import in_batches
from registry.models import Application, ProgrammeApplication
from sms.models import InboundMessage, OutboundMessage

SIGN_IN_TEMPLATE = "sign_in_code"


def delete_sign_in_sms(cutoff: datetime, batch_size: int) -> int:
    """Delete the outbox rows (and so the text) of sign-in code SMS made before ``cutoff``."""
    done = 0
    queryset = OutboundMessage.objects.filter(template=SIGN_IN_TEMPLATE, created_at__lt=cutoff)
    for pks in in_batches(queryset, batch_size):
        done += OutboundMessage.objects.filter(pk__in=pks).delete()[1].get(OutboundMessage._meta.label, 0)
    return done


def complaint_key(provider_id: str) -> str:
    """The idempotency key of the case an inbound SMS filed (as ``sms.handlers.complain`` makes it)."""
    return "sms:" + hashlib.sha256(provider_id.encode()).hexdigest()[:40]


def anonymise_inbound_sms(cutoff: datetime, batch_size: int) -> int:
    """Blank the text and number of SMS whose case closed before ``cutoff`` (or that made no case)."""
    done = 0
    queryset = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(text="", sender="")
    for pks in in_batches(queryset, batch_size):
        messages = dict(InboundMessage.objects.filter(pk__in=pks).values_list("pk", "provider_id"))
        keys = {pk: complaint_key(provider_id) for pk, provider_id in messages.items()}
        cases = dict(
            Grievance.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", "closed_at")
        )
        due = [pk for pk, key in keys.items() if key not in cases or (cases[key] is not None and cases[key] < cutoff)]
        done += InboundMessage.objects.filter(pk__in=due).update(text="", sender="")
    return done


def _not_yet(kind: str):
    return ~Exists(Anonymisation.objects.filter(kind=kind, object_id=OuterRef("pk")))


def anonymise_closed_cases(cutoff: datetime, batch_size: int) -> int:
    """Anonymise cases closed before ``cutoff`` (the public statistics keep their counts)."""
    done = 0
    queryset = Grievance.objects.filter(status=Grievance.Status.CLOSED, closed_at__lt=cutoff).filter(
        _not_yet(GRIEVANCE)
    )
    for pks in in_batches(queryset, batch_size):
        for pk in pks:
            done += anonymise_grievance(pk, Anonymisation.Reason.RETENTION)
    return done


def delete_access_logs(cutoff: datetime, batch_size: int) -> int:
    """Delete access log entries older than ``cutoff``."""
    done = 0
    for pks in in_batches(AccessLog.objects.filter(created_at__lt=cutoff), batch_size):
        with transaction.atomic():
            done += AccessLog.objects.filter(pk__in=pks).delete()[0]
    return done


def anonymise_withdrawn_applications(cutoff: datetime, batch_size: int) -> int:
    """Blank the answers of applications withdrawn from every programme before ``cutoff``."""
    withdrawn = ProgrammeApplication.Status.WITHDRAWN
    queryset = (
        Application.objects.annotate(
            still_on=Count("programme_applications", filter=~Q(programme_applications__status=withdrawn)),
            last_change=Max("programme_applications__updated_at"),
        )
        .filter(still_on=0, last_change__lt=cutoff)
        .filter(_not_yet(APPLICATION))
    )
    done = 0
    for pks in in_batches(queryset, batch_size):
        for pk in pks:
            done += anonymise_application(pk, Anonymisation.Reason.RETENTION)
    return done
