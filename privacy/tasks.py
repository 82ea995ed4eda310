"""Nightly personal-data work, run by Celery beat."""

from __future__ import annotations

from celery import shared_task

from privacy.retention import apply_retention


@shared_task(name="privacy.tasks.apply_retention", ignore_result=True)
def apply_retention_task() -> dict:
    """Apply the retention table (skipped if another run holds the lock)."""
    result = apply_retention()
    return {"counts": result.counts, "skipped": result.skipped}
