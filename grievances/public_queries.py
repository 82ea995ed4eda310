"""The only reads of the live case table for the public statistics: a handful of grouped counts.

Each query groups the cases of the covered months by month and by every dimension at once
(category, region, channel…), so that the tables are added up in Python from a few thousand rows
whatever the number of cases. Three sets of cases are counted apart: complaints (and feedback)
outside the sensitive categories, appeals outside them, and the sensitive categories (counted
only nationally, per quarter). A district's cases count for its region; cases without an area,
anonymous ones among them, count as "region not known".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, DateTimeField, F, Func, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth

from grievances.models import Grievance
from grievances.public_periods import Periods
from registry.models import AdminArea

UNKNOWN_REGION = "unknown"
# Durations are counted in whole days, up to this many (a longer one counts as this many).
LONGEST_DAYS = 366


class WholeDaysBetween(Func):
    """Whole days from the second date-time to the first, computed by the database."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"WholeDaysBetween is not written for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


def _decided_at():
    return Coalesce("resolved_at", "closed_at", output_field=DateTimeField())


DECIDED = Q(resolved_at__isnull=False) | Q(resolution_outcome=Grievance.Outcome.REJECTED, closed_at__isnull=False)
ON_TIME = Q(sla_breached=False) & (
    Q(resolved_at__lte=F("due_at")) | Q(resolved_at__isnull=True, closed_at__lte=F("due_at"))
)
COMPLAINTS = Q(is_sensitive=False) & ~Q(kind=Grievance.Kind.APPEAL)
APPEALS = Q(is_sensitive=False, kind=Grievance.Kind.APPEAL)


def _month(value) -> date:
    return value.date().replace(day=1) if isinstance(value, datetime) else value.replace(day=1)


def _with_region(cases: QuerySet[Grievance]) -> QuerySet[Grievance]:
    return cases.order_by().annotate(region=Coalesce("area__parent_id", "area_id"))


@dataclass
class RawFigures:
    """Grouped counts, keyed by (month, …): what the published tables are added up from."""

    # (month, category, region, channel) -> n
    received: Counter = field(default_factory=Counter)
    # (month, category, region, channel) -> n, and how many of them on time
    resolved: Counter = field(default_factory=Counter)
    on_time: Counter = field(default_factory=Counter)
    # (month, category, region, channel, whole days) -> n
    days: Counter = field(default_factory=Counter)
    # (month, category, region, channel, score) -> n
    rated: Counter = field(default_factory=Counter)
    # month -> n ; (month, outcome) -> n
    appeals_received: Counter = field(default_factory=Counter)
    appeals_decided: Counter = field(default_factory=Counter)
    # (month, category) -> n, sensitive categories only
    sensitive_received: Counter = field(default_factory=Counter)
    sensitive_resolved: Counter = field(default_factory=Counter)
    # region code -> {language: name}
    regions: dict[str, dict[str, str]] = field(default_factory=dict)


def raw_figures(periods: Periods, languages: list[str]) -> RawFigures:
    """Run the grouped counts for ``periods`` (seven queries) and return them."""
    start, end = periods.start(), periods.end()
    figures = RawFigures()
    regions = list(AdminArea.objects.filter(level=AdminArea.Level.REGION).order_by("name"))
    code_of: dict[int | None, str] = {area.pk: area.code for area in regions}
    code_of[None] = UNKNOWN_REGION
    figures.regions = {area.code: {lang: area.name_in(lang) for lang in languages} for area in regions}

    def region(pk) -> str:
        return code_of.get(pk, UNKNOWN_REGION)

    cases = Grievance.objects.all()
    received = (
        _with_region(cases.filter(COMPLAINTS | APPEALS, created_at__gte=start, created_at__lt=end))
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "kind", "category", "region", "channel")
        .annotate(n=Count("pk"))
    )
    for month, kind, category, region_id, channel, n in received:
        if kind == Grievance.Kind.APPEAL:
            figures.appeals_received[_month(month)] += n
        else:
            figures.received[(_month(month), category, region(region_id), channel)] += n

    decided = (
        _with_region(cases.filter(COMPLAINTS | APPEALS).filter(DECIDED))
        .annotate(decided_at=_decided_at())
        .filter(decided_at__gte=start, decided_at__lt=end)
        .annotate(month=TruncMonth("decided_at"))
    )
    for month, kind, category, region_id, channel, outcome, n, on_time in decided.values_list(
        "month", "kind", "category", "region", "channel", "resolution_outcome"
    ).annotate(n=Count("pk"), on_time=Count("pk", filter=ON_TIME)):
        if kind == Grievance.Kind.APPEAL:
            figures.appeals_decided[(_month(month), outcome)] += n
        else:
            key = (_month(month), category, region(region_id), channel)
            figures.resolved[key] += n
            figures.on_time[key] += on_time

    durations = (
        decided.filter(COMPLAINTS)
        .annotate(took=WholeDaysBetween(F("decided_at"), F("created_at")))
        .values_list("month", "category", "region", "channel", "took")
        .annotate(n=Count("pk"))
    )
    for month, category, region_id, channel, took, n in durations:
        figures.days[(_month(month), category, region(region_id), channel, min(max(took or 0, 0), LONGEST_DAYS))] += n

    rated = (
        _with_region(cases.filter(COMPLAINTS, rating__isnull=False, rated_at__gte=start, rated_at__lt=end))
        .annotate(month=TruncMonth("rated_at"))
        .values_list("month", "category", "region", "channel", "rating")
        .annotate(n=Count("pk"))
    )
    for month, category, region_id, channel, score, n in rated:
        figures.rated[(_month(month), category, region(region_id), channel, score)] += n

    sensitive = cases.filter(is_sensitive=True).order_by()
    for month, category, n in (
        sensitive.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "category")
        .annotate(n=Count("pk"))
    ):
        figures.sensitive_received[(_month(month), category)] += n
    for month, category, n in (
        sensitive.filter(DECIDED)
        .annotate(decided_at=_decided_at())
        .filter(decided_at__gte=start, decided_at__lt=end)
        .annotate(month=TruncMonth("decided_at"))
        .values_list("month", "category")
        .annotate(n=Count("pk"))
    ):
        figures.sensitive_resolved[(_month(month), category)] += n
    return figures
