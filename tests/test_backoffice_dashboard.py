"""The dashboard: volumes by status, category and area, SLA compliance, median time to resolve, weekly SVG chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER, ME_VIEWER
from grievances.models import Category, Grievance
from grievances.services import transition
from grievances.stats import dashboard_figures
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(areas):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    now = timezone.now()
    on_time = file_case(area=areas["kilifi"])
    late = file_case(area=areas["kibra"], category=Category.OTHER)
    still_open = file_case(area=areas["kibra"], category=Category.FRAUD_CORRUPTION)
    for case, took_days in ((on_time, 10), (late, 20)):
        transition(case, "assign", officer, assignee=officer)
        transition(case, "resolve", officer, outcome="upheld", text="Done.")
        Grievance.objects.filter(pk=case.pk).update(created_at=now - timedelta(days=took_days))
    Grievance.objects.filter(pk=late.pk).update(sla_breached=True)
    Grievance.objects.filter(pk=still_open.pk).update(due_at=now - timedelta(days=1))
    return on_time, late, still_open


def test_the_figures_count_cases_and_measure_the_sla(history):
    _on_time, _late, _still_open = history
    figures = dashboard_figures(make_staff("mae", ME_VIEWER))
    assert dict(figures.by_status) == {"Received": 1, "Being looked into": 0, "Resolved": 2, "Closed": 0}
    assert dict(figures.by_category)["Fraud or bribes"] == 1
    assert dict(figures.by_area) == {"Coast": 1, "Nairobi": 2}
    assert (figures.decided, figures.decided_on_time, figures.sla_compliance) == (2, 1, 50.0)
    assert figures.median_days_to_resolve == 15.0  # the middle of 10 and 20 days
    assert (figures.overdue_total, figures.overdue_hidden, figures.overdue) == (1, 1, [])
    this_week = figures.weeks[-1]
    assert len(figures.weeks) == 12 and (this_week.received, this_week.resolved) == (1, 2)


def test_the_dashboard_draws_its_chart_on_the_server_without_javascript(history, client):
    sign_in_verified(client, make_staff("mae", ME_VIEWER))
    page = client.get("/admin/dashboard/")
    assert page.status_code == 200
    main = page.content.decode().split('id="main"', 1)[1]
    chart = main[main.index('<svg xmlns="http://www.w3.org/2000/svg"') :].split("</svg>", 1)[0]
    assert 'role="img"' in chart and "Cases received and resolved per week" in chart
    assert chart.count("<rect") >= 24  # two bars a week for twelve weeks (and the legend)
    assert "<script" not in main.split("</main>", 1)[0]
    assert "50.0 %" in main and "15.0 days" in main
