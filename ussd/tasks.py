"""Beat's USSD housekeeping: ended and abandoned sessions, and old drafts, leave the database."""

from __future__ import annotations

from celery import shared_task

from ussd import store


@shared_task(ignore_result=True)
def forget_expired_sessions() -> int:
    """Delete the session states and drafts past their time (an ended session's within a minute or so)."""
    return store.forget_expired()
