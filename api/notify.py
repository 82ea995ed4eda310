"""Telling subscribers of new and changed registrations (DCI ``notify``).

The registry writes a ``RegistryEvent`` row with each change; after that commits, a task walks
every active subscription from its cursor, queues one ``notify`` callback per matching event (its
message id made from the subscription and the event, so it is never queued twice) and moves the
cursor on. The beat runs the same walk every minute, so nothing waits on a lost task; the tasks
(``api.tasks``) start the walk and send what it queued.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from api import callbacks, envelope, records
from api.models import Subscription
from api.queries import Criteria, QueryError, applications_matching, parse_criteria
from api.scopes import REGISTRY_PERSONAL
from registry.models import Application, RegistryEvent

logger = logging.getLogger(__name__)
BATCH = 200
# A subscription to every kind of event.
ANY_EVENT = "ANY"


def has_subscribers() -> bool:
    """Tell whether anyone is subscribed at all (most registry events then need no walk)."""
    return Subscription.objects.filter(status=Subscription.Status.ACTIVE).exists()


def walk_subscriptions() -> list[int]:
    """Queue the notifications every active subscription is owed; return the ids of the callbacks queued."""
    queued: list[int] = []
    for subscription_id in Subscription.objects.filter(status=Subscription.Status.ACTIVE).values_list("pk", flat=True):
        queued += _walk(subscription_id)
    return queued


def _walk(subscription_id: int) -> list[int]:
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(skip_locked=True)
            .select_related("partner")
            .filter(pk=subscription_id, status=Subscription.Status.ACTIVE)
            .first()
        )
        if subscription is None:
            return []
        events = list(RegistryEvent.objects.filter(pk__gt=subscription.cursor).order_by("pk")[:BATCH])
        if not events:
            return []
        wanted = [event for event in events if subscription.event_type in (event.kind, ANY_EVENT)]
        applications = _matching(subscription, {event.application_id for event in wanted})
        queued = []
        for event in wanted:
            application = applications.get(event.application_id)
            if application is None:
                continue
            body = _notify_body(subscription, event, application)
            message_id = body["header"]["message_id"]
            queued.append(
                callbacks.enqueue(subscription.partner, subscription.notify_uri, body, message_id=message_id).pk
            )
        subscription.cursor = events[-1].pk
        subscription.save(update_fields=["cursor"])
        return queued


def _matching(subscription: Subscription, application_ids: set[int]) -> dict[int, Application]:
    """The applications among ``application_ids`` that the subscription's filter and partner let through."""
    if not application_ids or not subscription.partner.is_active:
        return {}
    try:
        criteria = parse_criteria(subscription.filter) if subscription.filter else Criteria(Q())
    except QueryError:
        return {}
    found = applications_matching(criteria, subscription.partner.programme_codes()).filter(pk__in=application_ids)
    return {application.pk: application for application in records.with_record_data(found)}


def _notify_body(subscription: Subscription, event: RegistryEvent, application) -> dict:
    partner = subscription.partner
    header = envelope.answer_header("notify", receiver_id=partner.code)
    header["message_id"] = f"notify-{subscription.code}-{event.pk}"[: envelope.MAX_ID]
    message = {
        "transaction_id": f"notify-{subscription.code}"[: envelope.MAX_ID],
        "notify_event": [
            {
                "reference_id": f"event-{event.pk}",
                "timestamp": event.created_at.isoformat(),
                "data": {
                    "version": envelope.VERSION,
                    "reg_type": envelope.REG_TYPE,
                    "reg_event_type": event.kind,
                    "reg_record_type": records.RECORD_TYPE,
                    "reg_records": records.record(
                        application,
                        personal=partner.has_scope(REGISTRY_PERSONAL),
                        programmes=partner.programme_codes(),
                    ),
                },
            }
        ],
    }
    return envelope.signed({"header": header, "message": message})
