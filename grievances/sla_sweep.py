"""The SLA sweep: escalate overdue open cases, flag cases at risk, close cases past their appeal window.

Run every few minutes by Celery beat. Never two at once (a cache lock with a timeout, so a killed
worker's lock expires); idempotent (an escalation gives the case a fresh due date in the future,
so a second run finds nothing more to escalate); safe across restarts (each batch commits on its
own and the next run picks up whatever is left). Updates are set-based, in batches, and the
timeline events of a batch are written with one insert — never a query per case.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from grievances import workflow
from grievances.models import MAX_LEVEL, Category, Grievance, GrievanceEvent
from grievances.sla import at_risk_from, due_at

logger = logging.getLogger(__name__)

LOCK_KEY = "grievances:sla-sweep"
LOCK_SECONDS = 15 * 60
BATCH_SIZE = 5_000
OPEN = Grievance.OPEN_STATUSES


@dataclass
class SweepResult:
    """What one sweep did; ``skipped`` when another sweep held the lock."""

    escalated: int = 0
    flagged_at_risk: int = 0
    closed: int = 0
    skipped: bool = False


def run_sla_sweep(now: datetime | None = None) -> SweepResult:
    """Run the whole sweep under the lock; return what it did (or that it was skipped)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        logger.info("SLA sweep skipped: another sweep is running.")
        return SweepResult(skipped=True)
    try:
        result = SweepResult(
            escalated=escalate_overdue_cases(now),
            flagged_at_risk=flag_cases_at_risk(now),
            closed=close_after_appeal_window(now),
        )
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    if result.escalated:
        # Supervisors see escalated cases at the top of their queue and on the admin home page.
        logger.warning("SLA sweep escalated %d overdue case(s); supervisors notified in the queue.", result.escalated)
    return result


def _per_category(when_due) -> Case:
    """A SQL expression giving each row the value ``when_due(category)`` for its category."""
    whens = [When(category=category, then=Value(when_due(category))) for category in Category.values]
    return Case(*whens, default=Value(when_due(Category.OTHER)), output_field=DateTimeField())


def escalate_overdue_cases(now: datetime) -> int:
    """Move every open case past its due date up one level (at most ``MAX_LEVEL``) with a new due date."""
    assert workflow.Role.SYSTEM in workflow.TRANSITIONS[workflow.Action.ESCALATE].roles
    total = 0
    for level in range(MAX_LEVEL - 1, 0, -1):  # the top levels first, so no case climbs twice in one run
        new_level = level + 1
        new_due = _per_category(lambda category, lv=new_level: due_at(category, lv, now))
        new_risk = _per_category(lambda category, lv=new_level: at_risk_from(now, due_at(category, lv, now)))
        overdue = Grievance.objects.filter(status__in=OPEN, level=level, due_at__lt=now).order_by()
        while True:
            with transaction.atomic():
                batch = list(overdue.select_for_update(skip_locked=True).values_list("pk", "status")[:BATCH_SIZE])
                if not batch:
                    break
                ids = [pk for pk, _status in batch]
                Grievance.objects.filter(pk__in=ids).update(
                    level=new_level,
                    due_at=new_due,
                    at_risk_at=new_risk,
                    at_risk=False,
                    level_started_at=now,
                    escalated_at=now,
                    sla_breached=True,
                    assignee=None,
                    updated_at=now,
                )
                GrievanceEvent.objects.bulk_create(
                    [
                        GrievanceEvent(
                            grievance_id=pk,
                            kind=GrievanceEvent.Kind.TRANSITION,
                            action=workflow.Action.ESCALATE,
                            is_public=False,
                            from_status=status,
                            to_status=status,
                        )
                        for pk, status in batch
                    ],
                    batch_size=BATCH_SIZE,
                )
                total += len(batch)
    return total


def flag_cases_at_risk(now: datetime) -> int:
    """Flag open cases that have used 80 % of their time at their level (one set-based update)."""
    return (
        Grievance.objects.filter(status__in=OPEN, at_risk=False, at_risk_at__lte=now)
        .order_by()
        .update(at_risk=True, updated_at=now)
    )


def close_after_appeal_window(now: datetime) -> int:
    """Close resolved cases whose appeal window has ended, with a public timeline event each."""
    assert workflow.Role.SYSTEM in workflow.TRANSITIONS[workflow.Action.CLOSE].roles
    cutoff = now - timedelta(days=settings.APPEAL_WINDOW_DAYS)
    expired = Grievance.objects.filter(status=Grievance.Status.RESOLVED, resolved_at__lt=cutoff).order_by()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH_SIZE])
            if not ids:
                break
            Grievance.objects.filter(pk__in=ids).update(status=Grievance.Status.CLOSED, closed_at=now, updated_at=now)
            GrievanceEvent.objects.bulk_create(
                [
                    GrievanceEvent(
                        grievance_id=pk,
                        kind=GrievanceEvent.Kind.TRANSITION,
                        action=workflow.Action.CLOSE,
                        is_public=True,
                        from_status=Grievance.Status.RESOLVED,
                        to_status=Grievance.Status.CLOSED,
                    )
                    for pk in ids
                ],
                batch_size=BATCH_SIZE,
            )
            total += len(ids)
    return total
