"""Periodic grievance work, run by Celery beat."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from grievances.sla_sweep import run_sla_sweep


@shared_task(name="grievances.tasks.sweep_sla", ignore_result=True)
def sweep_sla() -> dict:
    """Escalate overdue cases, flag cases at risk and close cases past their appeal window."""
    return asdict(run_sla_sweep())
