"""The SLA sweep escalates overdue cases once, flags cases at 80 % of their time, and never runs twice at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER
from grievances import sla_sweep
from grievances.models import Category, Grievance, GrievanceEvent
from grievances.services import transition
from grievances.sla import due_at, sla_days
from grievances.tasks import sweep_sla
from tests.backoffice_helpers import file_case, make_staff

pytestmark = pytest.mark.django_db


def _escalations(case: Grievance) -> int:
    return case.events.filter(action="escalate").count()


def test_running_the_sweep_twice_escalates_each_overdue_case_once(db):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    payment = file_case(category=Category.PAYMENT_NOT_RECEIVED)  # 7 days
    other = file_case(category=Category.OTHER)  # 14 days
    assigned = file_case(category=Category.DATA_CORRECTION)  # 7 days
    transition(assigned, "assign", officer, assignee=officer)
    later = timezone.now() + timedelta(days=8)

    first = sla_sweep.run_sla_sweep(now=later)
    second = sla_sweep.run_sla_sweep(now=later)

    assert (first.escalated, second.escalated) == (2, 0)
    for case in (payment, assigned):
        case.refresh_from_db()
        assert case.level == 2
        assert case.due_at == due_at(case.category, 2, later) > later
        assert case.level_started_at == later and case.escalated_at == later
        assert case.sla_breached and not case.at_risk
        assert case.assignee is None  # back to the level's queue
        assert _escalations(case) == 1
        event = case.events.get(action="escalate")
        assert not event.is_public and event.actor is None
    other.refresh_from_db()
    assert other.level == 1 and _escalations(other) == 0 and not other.sla_breached


def test_an_overdue_case_climbs_one_level_per_deadline_and_stops_at_the_top(db):
    case = file_case(category=Category.PAYMENT_NOT_RECEIVED)
    now = timezone.now()
    for _ in range(4):
        case.refresh_from_db()
        now = case.due_at + timedelta(seconds=1)
        sla_sweep.run_sla_sweep(now=now)
    case.refresh_from_db()
    assert case.level == 3
    assert _escalations(case) == 2


def test_closed_and_resolved_cases_are_never_escalated(db):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    case = file_case()
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome="upheld", text="Paid.")
    assert sla_sweep.run_sla_sweep(now=timezone.now() + timedelta(days=20)).escalated == 0
    case.refresh_from_db()
    assert case.level == 1


def test_at_risk_is_flagged_right_at_80_percent_of_the_time(db):
    case = file_case(category=Category.PAYMENT_NOT_RECEIVED)
    start = case.level_started_at
    eighty_percent = start + timedelta(days=sla_days(Category.PAYMENT_NOT_RECEIVED) * 0.8)
    assert case.at_risk_at == eighty_percent

    assert sla_sweep.run_sla_sweep(now=eighty_percent - timedelta(microseconds=1)).flagged_at_risk == 0
    case.refresh_from_db()
    assert not case.at_risk

    assert sla_sweep.run_sla_sweep(now=eighty_percent).flagged_at_risk == 1
    case.refresh_from_db()
    assert case.at_risk
    assert sla_sweep.run_sla_sweep(now=eighty_percent).flagged_at_risk == 0


def test_escalation_restarts_the_clock_for_at_risk(db):
    case = file_case(category=Category.PAYMENT_NOT_RECEIVED)
    sla_sweep.run_sla_sweep(now=case.at_risk_at)
    overdue = case.due_at + timedelta(minutes=1)
    sla_sweep.run_sla_sweep(now=overdue)
    case.refresh_from_db()
    assert case.level == 2 and not case.at_risk
    assert case.at_risk_at == overdue + (case.due_at - overdue) * 0.8


def test_a_second_sweep_does_nothing_while_one_holds_the_lock(db):
    case = file_case()
    cache.add(sla_sweep.LOCK_KEY, "another worker", sla_sweep.LOCK_SECONDS)
    result = sla_sweep.run_sla_sweep(now=timezone.now() + timedelta(days=30))
    assert result.skipped
    case.refresh_from_db()
    assert case.level == 1
    assert cache.get(sla_sweep.LOCK_KEY) == "another worker"  # not ours to release


def test_the_sweep_releases_its_lock_and_the_lock_expires_if_a_worker_dies(db):
    sla_sweep.run_sla_sweep()
    assert cache.get(sla_sweep.LOCK_KEY) is None
    assert 0 < sla_sweep.LOCK_SECONDS <= 15 * 60


def test_the_sweep_updates_in_batches_not_one_query_per_case(db, monkeypatch):
    monkeypatch.setattr(sla_sweep, "BATCH_SIZE", 10)
    for _ in range(30):
        file_case()
    with CaptureQueriesContext(connection) as queries:
        result = sla_sweep.run_sla_sweep(now=timezone.now() + timedelta(days=8))
    assert result.escalated == 30
    assert GrievanceEvent.objects.filter(action="escalate").count() == 30
    # Per batch: select, update, one insert of events; plus the empty selects and the other steps.
    assert len(queries) < 30
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3 + 1  # three batches of escalations, one at-risk update


def test_resolved_cases_are_closed_when_their_appeal_window_ends(db, settings):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    case = file_case()
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome="not_upheld", text="Paid in full.")
    window = timedelta(days=settings.APPEAL_WINDOW_DAYS)
    assert sla_sweep.run_sla_sweep(now=case.resolved_at + window - timedelta(minutes=1)).closed == 0
    assert sla_sweep.run_sla_sweep(now=case.resolved_at + window + timedelta(minutes=1)).closed == 1
    case.refresh_from_db()
    assert case.status == Grievance.Status.CLOSED
    assert case.events.filter(action="close", is_public=True).count() == 1


def test_the_sweep_is_a_celery_task_beat_runs_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["grievances-sla-sweep"]
    assert entry["task"] == sweep_sla.name == "grievances.tasks.sweep_sla"
    assert entry["schedule"] == 300.0
    assert sweep_sla() == {"escalated": 0, "flagged_at_risk": 0, "closed": 0, "skipped": False}
