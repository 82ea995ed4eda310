"""The appeal window: how long any decision — a programme's or a grievance officer's — can be appealed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings


def appeal_deadline(decided_at: datetime) -> datetime:
    """The last moment a decision made at ``decided_at`` can be appealed (``APPEAL_WINDOW_DAYS`` later)."""
    return decided_at + timedelta(days=settings.APPEAL_WINDOW_DAYS)
