"""Service-level agreements: how long each category and level has before a case is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from grievances.models import DEFAULT_SLA_DAYS, Category

AT_RISK_FRACTION = 0.8


def sla_days(category: str, level: int = 1) -> int:
    """Days allowed to resolve a case of ``category`` at ``level`` (settings may override per level)."""
    overrides = settings.GRIEVANCE_SLA_DAYS_OVERRIDES
    for key in (f"{category}:{level}", category):
        if key in overrides:
            return int(overrides[key])
    return DEFAULT_SLA_DAYS.get(category, DEFAULT_SLA_DAYS[Category.OTHER])


def due_at(category: str, level: int, start: datetime) -> datetime:
    """When a case of ``category`` that reached ``level`` at ``start`` falls due."""
    return start + timedelta(days=sla_days(category, level))


def at_risk_from(start: datetime, due: datetime) -> datetime:
    """The moment 80 % of the time between ``start`` and ``due`` has passed: the case is then at risk."""
    return start + (due - start) * AT_RISK_FRACTION
