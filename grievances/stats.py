"""Figures for the grievance dashboard: volumes, SLA compliance, time to resolve, overdue cases, weekly trend,
citizens' ratings.

Counts include sensitive cases (aggregates name no one); lists of cases leave out the sensitive
ones for viewers who are not cleared for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from grievances.models import Category, Grievance
from grievances.queries import seal_sensitive
from grievances.ratings import RatingSummary, rating_summary

WINDOW_DAYS = 90
WEEKS = 12
OVERDUE_LIST_LENGTH = 50


@dataclass
class WeekCount:
    week: date
    received: int
    resolved: int


@dataclass
class DashboardFigures:
    by_status: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    decided: int
    decided_on_time: int
    median_days_to_resolve: float | None
    overdue: list[Grievance]
    overdue_total: int
    overdue_hidden: int
    weeks: list[WeekCount] = field(default_factory=list)
    ratings: RatingSummary = field(default_factory=RatingSummary)

    @property
    def sla_compliance(self) -> float | None:
        """The share (0–100) of cases decided in the window that were decided on time."""
        return round(100 * self.decided_on_time / self.decided, 1) if self.decided else None


def counts_by_status() -> list[tuple[str, int]]:
    counts = dict(Grievance.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(str(label), counts.get(value, 0)) for value, label in Grievance.Status.choices]


def counts_by_category() -> list[tuple[str, int]]:
    counts = dict(Grievance.objects.order_by().values_list("category").annotate(n=Count("pk")))
    return [(str(label), counts.get(value, 0)) for value, label in Category.choices]


def counts_by_region() -> list[tuple[str, int]]:
    """Cases per region (a district's cases count for its region); cases without an area last."""
    rows = (
        Grievance.objects.order_by()
        .annotate(region=Coalesce("area__parent__name", "area__name", Value("")))
        .values_list("region")
        .annotate(n=Count("pk"))
        .order_by("region")
    )
    named = [(region, n) for region, n in rows if region]
    unknown = sum(n for region, n in rows if not region)
    return named + ([("—", unknown)] if unknown else [])


def decided_since(since: datetime) -> QuerySet[Grievance]:
    """Cases resolved, or not taken forward, since ``since``."""
    return Grievance.objects.filter(
        Q(resolved_at__gte=since) | Q(resolved_at__isnull=True, resolution_outcome="rejected", closed_at__gte=since)
    )


def on_time(cases: QuerySet[Grievance]) -> QuerySet[Grievance]:
    """Cases decided before their due date without ever missing a deadline."""
    return cases.filter(sla_breached=False).filter(
        Q(resolved_at__lte=F("due_at")) | Q(resolved_at__isnull=True, closed_at__lte=F("due_at"))
    )


def median_days_to_resolve(since: datetime) -> float | None:
    """The median time from receipt to resolution of cases resolved since ``since``, in days."""
    duration = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    resolved = Grievance.objects.filter(resolved_at__gte=since).annotate(took=duration).order_by("took")
    count = resolved.count()
    if not count:
        return None
    middle = list(resolved.values_list("took", flat=True)[(count - 1) // 2 : count // 2 + 1])
    seconds = sum(d.total_seconds() for d in middle) / len(middle)
    return round(seconds / 86_400, 1)


def weekly_counts(now: datetime, weeks: int = WEEKS) -> list[WeekCount]:
    """Cases received and resolved per week over the last ``weeks`` weeks (oldest first)."""
    today = timezone.localdate(now)
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))

    def per_week(field_name: str) -> dict[date, int]:
        rows = (
            Grievance.objects.filter(**{f"{field_name}__gte": start})
            .order_by()
            .annotate(week=TruncWeek(field_name))
            .values_list("week")
            .annotate(n=Count("pk"))
        )
        return {(w.date() if isinstance(w, datetime) else w): n for w, n in rows}

    received, resolved = per_week("created_at"), per_week("resolved_at")
    days = [first + timedelta(weeks=i) for i in range(weeks)]
    return [WeekCount(day, received.get(day, 0), resolved.get(day, 0)) for day in days]


def dashboard_figures(user, now: datetime | None = None) -> DashboardFigures:
    """Everything the dashboard shows, for ``user`` (sensitive cases listed only when cleared)."""
    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    overdue = Grievance.objects.filter(status__in=Grievance.OPEN_STATUSES, due_at__lt=now).select_related(
        "area", "assignee"
    )
    overdue_total = overdue.count()
    overdue = seal_sensitive(overdue, user)
    shown = overdue.count()
    decided = decided_since(since)
    return DashboardFigures(
        by_status=counts_by_status(),
        by_category=counts_by_category(),
        by_area=counts_by_region(),
        decided=decided.count(),
        decided_on_time=on_time(decided).count(),
        median_days_to_resolve=median_days_to_resolve(since),
        overdue=list(overdue.order_by("due_at")[:OVERDUE_LIST_LENGTH]),
        overdue_total=overdue_total,
        overdue_hidden=overdue_total - shown,
        weeks=weekly_counts(now),
        ratings=rating_summary(since),
    )
