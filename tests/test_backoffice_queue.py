"""The case queue: filters, search by reference or phone, due-date order, attention first for supervisors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER, SUPERVISOR
from grievances import sla_sweep
from grievances.models import Category, Grievance
from grievances.services import transition
from registry.references import format_reference
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db


def _listed(client, query: str = "") -> list[int]:
    page = client.get(f"/admin/cases/?{query}").content.decode()
    return [int(pk) for pk in re.findall(r'<a href="/admin/cases/(\d+)/"', page)]


@pytest.fixture
def officer(client):
    user = make_staff("olive", GRIEVANCE_OFFICER)
    sign_in_verified(client, user)
    return user


def test_the_queue_shows_open_cases_sorted_by_due_date(officer, client, areas):
    slow = file_case(category=Category.OTHER)  # 14 days
    fast = file_case(category=Category.PAYMENT_NOT_RECEIVED)  # 7 days
    done = file_case(category=Category.DATA_CORRECTION)
    transition(done, "reject", officer, reason="duplicate")
    assert _listed(client) == [fast.pk, slow.pk]
    assert _listed(client, "status=all") == [fast.pk, done.pk, slow.pk]
    assert _listed(client, "status=closed") == [done.pk]
    assert _listed(client, "ordering=-due_at") == [slow.pk, fast.pk]


def test_the_queue_filters_by_level_category_area_assignee_risk_and_overdue(officer, client, areas):
    kilifi = file_case(area=areas["kilifi"], category=Category.OTHER)
    kibra = file_case(area=areas["kibra"])
    mine = file_case(area=areas["kibra"], phone="+254700000123")
    transition(mine, "assign", officer, assignee=officer)
    transition(kibra, "escalate", officer)
    Grievance.objects.filter(pk=kilifi.pk).update(due_at=timezone.now() - timedelta(hours=1), at_risk=True)

    assert _listed(client, "level=2") == [kibra.pk]
    assert _listed(client, "category=other") == [kilifi.pk]
    assert set(_listed(client, f"area={areas['nairobi'].pk}")) == {kibra.pk, mine.pk}  # a region holds its districts
    assert _listed(client, f"area={areas['kilifi'].pk}") == [kilifi.pk]
    assert _listed(client, f"assignee={officer.pk}") == [mine.pk]
    assert set(_listed(client, "assignee=null")) == {kilifi.pk, kibra.pk}
    assert _listed(client, "at_risk=true") == [kilifi.pk]
    assert _listed(client, "overdue=true") == [kilifi.pk]
    assert set(_listed(client, "overdue=false")) == {kibra.pk, mine.pk}


def test_search_finds_a_case_by_reference_or_phone_and_nothing_by_a_mistyped_reference(officer, client):
    case = file_case(phone="+254733111222")
    other = file_case(phone="+254733999888")
    assert _listed(client, f"q={format_reference(case.reference)}") == [case.pk]
    assert _listed(client, "q=0733 111 222") == [case.pk]
    wrong = case.reference[:-1] + str((int(case.reference[-1]) + 1) % 10)
    assert _listed(client, f"q={wrong}") == []
    assert _listed(client, "q=733") == []
    assert other.pk in _listed(client)


def test_supervisors_see_escalated_overdue_and_at_risk_cases_first(client):
    supervisor = make_staff("sam", SUPERVISOR)
    calm = file_case(category=Category.PAYMENT_NOT_RECEIVED)  # due first, but nothing wrong with it
    escalated = file_case(category=Category.OTHER)
    overdue = file_case(category=Category.OTHER)
    risky = file_case(category=Category.OTHER)
    transition(escalated, "escalate", supervisor)
    Grievance.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Grievance.objects.filter(pk=risky.pk).update(at_risk=True)

    sign_in_verified(client, supervisor)
    ordered = _listed(client)
    assert set(ordered[:3]) == {escalated.pk, overdue.pk, risky.pk}
    assert ordered[3] == calm.pk
    assert _listed(client, "ordering=due_at")[:2] == [overdue.pk, calm.pk]  # explicit sort: by due date only

    client.logout()
    sign_in_verified(client, make_staff("olive", GRIEVANCE_OFFICER))
    assert _listed(client)[:2] == [overdue.pk, calm.pk]  # officers: by due date


def test_the_case_page_shows_the_timeline_notes_replies_and_allowed_actions(officer, client):
    case = file_case()
    client.post(f"/admin/cases/{case.pk}/act/assign/", {"assignee": "me"})
    client.post(f"/admin/cases/{case.pk}/act/note/", {"text": "Paypoint says the list was late."})
    client.post(f"/admin/cases/{case.pk}/act/reply/", {"text": "We are checking with the paypoint."})
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "Paypoint says the list was late." in page and "We are checking with the paypoint." in page
    assert page.count("Internal") >= 2 and "Seen by the citizen" in page
    for action in ("note", "reply", "escalate", "resolve", "reject", "assign"):
        assert f"/admin/cases/{case.pk}/act/{action}/" in page
    for action in ("appeal", "close", "reopen"):
        assert f"/act/{action}/" not in page
    assert case.events.filter(action="reply", is_public=True).count() == 1


def test_an_illegal_action_from_the_case_page_shows_the_error_and_changes_nothing(officer, client):
    case = file_case()
    response = client.post(f"/admin/cases/{case.pk}/act/resolve/", {"outcome": "upheld", "text": "x"}, follow=True)
    assert "is not possible for a case that is" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Grievance.Status.NEW and case.events.count() == 1


def test_the_export_follows_the_filters_and_is_logged(client, areas):
    supervisor = make_staff("sam", SUPERVISOR)
    kilifi = file_case(area=areas["kilifi"])
    kibra = file_case(area=areas["kibra"])
    sign_in_verified(client, supervisor)
    response = client.get(f"/admin/cases/?area={areas['kilifi'].pk}&export=csv")
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith("Reference,Kind,Category,Status")
    assert len(rows) == 2 and rows[1].startswith(kilifi.reference) and kibra.reference not in rows[1]


def test_supervisors_are_told_on_the_admin_home_page_what_needs_attention(client):
    supervisor = make_staff("sam", SUPERVISOR)
    for _ in range(2):
        file_case()
    sla_sweep.run_sla_sweep(now=timezone.now() + timedelta(days=8))  # both overdue: escalated
    sign_in_verified(client, supervisor)
    home = client.get("/admin/").content.decode()
    assert "Cases that need attention" in home
    assert "2 cases escalated in the last day" in home

    client.logout()
    sign_in_verified(client, make_staff("olive", GRIEVANCE_OFFICER))
    assert "Cases that need attention" not in client.get("/admin/").content.decode()
