"""Cases made to order for the public statistics: at a given month, in a given area, answered or not.

``make_cases`` writes the rows directly (as the services would have left them), so that tests
can build hundreds of cases with exact dates in a few queries.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from grievances.models import SENSITIVE_CATEGORIES, Grievance
from grievances.public_periods import Periods

_references = itertools.count(1)


@dataclass
class Cases:
    """``count`` cases alike."""

    count: int
    month: date
    category: str = "payment_not_received"
    area: object = None
    channel: str = "web"
    kind: str = Grievance.Kind.COMPLAINT
    anonymous: bool = False
    answered_after_days: int | None = None  # None: still open
    late: bool = False
    outcome: str = Grievance.Outcome.UPHELD
    rating: int | None = None
    day: int = 5


def local(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def make_cases(*groups: Cases) -> list[Grievance]:
    """Write every group's cases and return them."""
    rows = []
    for group in groups:
        for _n in range(group.count):
            created = local(group.month.replace(day=group.day))
            row = Grievance(
                reference=f"2{next(_references):09d}",
                kind=group.kind,
                category=group.category,
                is_sensitive=group.category in SENSITIVE_CATEGORIES,
                channel=group.channel,
                description="Made for the statistics tests.",
                language="en",
                is_anonymous=group.anonymous,
                area=group.area,
                due_at=created + timedelta(days=14),
                level_started_at=created,
            )
            if group.answered_after_days is not None:
                decided = created + timedelta(days=group.answered_after_days)
                row.resolution_outcome = group.outcome
                row.sla_breached = group.late
                if group.outcome == Grievance.Outcome.REJECTED:
                    row.status, row.closed_at = Grievance.Status.CLOSED, decided
                else:
                    row.status, row.resolved_at = Grievance.Status.RESOLVED, decided
                if group.rating is not None:
                    row.rating, row.rated_at, row.rating_channel = group.rating, decided + timedelta(hours=2), "sms"
            rows.append((row, created))
    made = Grievance.objects.bulk_create([row for row, _created in rows])
    for case, (_row, created) in zip(made, rows, strict=True):
        Grievance.objects.filter(pk=case.pk).update(created_at=created)
    return made


def periods_now() -> Periods:
    """The periods a snapshot made today covers."""
    return Periods.for_day(timezone.localdate())
