"""Sensitive cases exist only for cleared staff; every read of a person or case is in the access log."""

from __future__ import annotations

import pytest

from backoffice.masking import mask_phone
from backoffice.roles import GRIEVANCE_OFFICER, ME_VIEWER, SENSITIVE_CASE_OFFICER, SUPERVISOR
from grievances.models import AccessLog, Category
from grievances.services import TransitionError, transition
from registry.models import Person
from registry.references import format_reference as grouped
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

PHONE = "+254711000111"


@pytest.fixture
def cases(areas):
    person = Person.objects.create(
        given_name="Zawadi",
        family_name="Mwangi",
        birth_year=1980,
        sex="female",
        phone=PHONE,
        area=areas["kibra"],
        national_id_hash="x" * 64,
        national_id_last3="789",
    )
    sensitive = file_case(category=Category.FRAUD_CORRUPTION, complainant=person, phone=PHONE)
    ordinary = file_case(category=Category.PAYMENT_NOT_RECEIVED, complainant=person, phone=PHONE)
    return sensitive, ordinary


def _link(case) -> str:
    return f'href="/admin/cases/{case.pk}/"'


def _export(client) -> str:
    response = client.get("/admin/cases/?status=all&export=csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("role", [GRIEVANCE_OFFICER, SUPERVISOR])
def test_a_non_cleared_officer_cannot_reach_a_sensitive_case_by_list_search_or_url(cases, client, role):
    sensitive, ordinary = cases
    user = make_staff("nora", role)
    sign_in_verified(client, user)

    listing = client.get("/admin/cases/?status=all").content.decode()
    assert _link(ordinary) in listing and _link(sensitive) not in listing
    assert sensitive.reference not in listing
    assert _link(sensitive) not in client.get(f"/admin/cases/?q={sensitive.reference}").content.decode()
    by_phone = client.get(f"/admin/cases/?q={PHONE}").content.decode()
    assert _link(ordinary) in by_phone and _link(sensitive) not in by_phone
    assert "Fraud or bribes" not in client.get("/admin/cases/").content.decode()  # not even as a filter

    for url in (f"/admin/cases/{sensitive.pk}/",):
        assert client.get(url).status_code == 404
    for url in (f"/admin/cases/{sensitive.pk}/reveal/", f"/admin/cases/{sensitive.pk}/act/note/"):
        assert client.post(url, {"text": "x"}).status_code == 404
    client.post("/admin/cases/assign/", {"case": [sensitive.pk], "assignee": "me"})
    sensitive.refresh_from_db()
    assert sensitive.assignee is None
    assert not AccessLog.objects.filter(object_type="grievances.grievance", object_id=str(sensitive.pk)).exists()
    with pytest.raises(TransitionError) as raised:
        transition(sensitive, "note", user, text="peek")
    assert raised.value.code == "not_found"


def test_a_non_cleared_supervisor_exports_no_sensitive_case(cases, client):
    sensitive, ordinary = cases
    supervisor = make_staff("sam", SUPERVISOR)
    sign_in_verified(client, supervisor)
    exported = _export(client)
    assert ordinary.reference in exported and sensitive.reference not in exported
    assert PHONE not in exported and "Zawadi" not in exported  # exports carry no personal data
    log = AccessLog.objects.get(user=supervisor, action="export")
    assert log.reason.startswith("1 case(s)")


def test_aggregate_counts_include_sensitive_cases_without_details(cases, client):
    sensitive, _ordinary = cases
    viewer = make_staff("mae", ME_VIEWER)
    sign_in_verified(client, viewer)
    counts = client.get("/admin/dashboard/counts.csv").content.decode()
    assert "category,Fraud or bribes,1" in counts
    assert sensitive.reference not in counts


def test_sensitive_cases_cannot_go_to_an_officer_who_is_not_cleared(cases):
    sensitive, _ordinary = cases
    cleared = make_staff("sara", SENSITIVE_CASE_OFFICER, SUPERVISOR)
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    with pytest.raises(TransitionError) as raised:
        transition(sensitive, "assign", cleared, assignee=officer)
    assert raised.value.code == "assignee"
    transition(sensitive, "assign", cleared, assignee=cleared)


def test_every_read_by_a_cleared_officer_is_in_the_access_log(cases, client):
    sensitive, _ordinary = cases
    cleared = make_staff("sara", SENSITIVE_CASE_OFFICER, SUPERVISOR)
    sign_in_verified(client, cleared)

    assert _link(sensitive) in client.get("/admin/cases/?status=all").content.decode()
    page = client.get(f"/admin/cases/{sensitive.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert PHONE not in body and mask_phone(PHONE) in body  # masked until revealed
    assert "•••••789" in body  # national ID: last three digits only
    revealed = client.post(f"/admin/cases/{sensitive.pk}/reveal/").content.decode()
    assert PHONE in revealed
    client.get(f"/admin/cases/?q={sensitive.reference}")
    exported = _export(client)
    assert sensitive.reference in exported

    logged = list(AccessLog.objects.filter(user=cleared).values_list("action", "object_type", "object_id"))
    assert ("view", "grievances.grievance", str(sensitive.pk)) in logged
    assert ("reveal", "grievances.grievance", str(sensitive.pk)) in logged
    assert ("view", "grievances.grievance", "search") in logged
    assert ("export", "grievances.grievance", "csv") in logged


def test_the_dashboard_hides_sensitive_overdue_cases_from_viewers_not_cleared(cases, client):
    from datetime import timedelta

    from django.utils import timezone

    from grievances.models import Grievance

    sensitive, ordinary = cases
    Grievance.objects.update(due_at=timezone.now() - timedelta(days=1))
    viewer = make_staff("mae", ME_VIEWER)
    sign_in_verified(client, viewer)
    page = client.get("/admin/dashboard/").content.decode()
    assert grouped(ordinary.reference) in page and grouped(sensitive.reference) not in page
    assert "2 overdue cases" in page and "1 of them is sensitive" in page

    client.logout()
    cleared = make_staff("sara", SENSITIVE_CASE_OFFICER, ME_VIEWER)
    sign_in_verified(client, cleared)
    assert grouped(sensitive.reference) in client.get("/admin/dashboard/").content.decode()
