"""Periodic grievance work, run by Celery beat."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from grievances.public_stats import make_snapshot
from grievances.sla_sweep import run_sla_sweep


@shared_task(name="grievances.tasks.sweep_sla", ignore_result=True)
def sweep_sla() -> dict:
    """Escalate overdue cases, flag cases at risk and close cases past their appeal window."""
    return asdict(run_sla_sweep())


@shared_task(name="grievances.tasks.make_public_statistics", ignore_result=True)
def make_public_statistics() -> dict:
    """Work out tonight's public statistics snapshot (skipped if another run is at it)."""
    result = make_snapshot()
    return {"made_on": result.made_on.isoformat() if result.made_on else None, "skipped": result.skipped}
