"""Each staff role sees, and can do, exactly what it should in the back-office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backoffice import roles
from grievances.models import CallbackRequest, Grievance
from grievances.services import request_callback
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified, submit_application

pytestmark = pytest.mark.django_db

ROLES = [
    roles.GRIEVANCE_OFFICER,
    roles.SUPERVISOR,
    roles.SENSITIVE_CASE_OFFICER,
    roles.PROGRAMME_OFFICER,
    roles.CALL_CENTRE_AGENT,
    roles.CONTENT_EDITOR,
    roles.ME_VIEWER,
]
CASE_WORKERS = {roles.GRIEVANCE_OFFICER, roles.SUPERVISOR, roles.SENSITIVE_CASE_OFFICER}

# page -> the roles that may open it
PAGES = {
    "queue": CASE_WORKERS,
    "case": CASE_WORKERS,
    "export": {roles.SUPERVISOR},
    "dashboard": {roles.SUPERVISOR, roles.ME_VIEWER},
    "dashboard_counts": {roles.SUPERVISOR, roles.ME_VIEWER},
    "call_centre": {roles.CALL_CENTRE_AGENT},
    "call_backs": {roles.SUPERVISOR, roles.CALL_CENTRE_AGENT},
    "failed_sms": {roles.SUPERVISOR},
    "applications": {roles.PROGRAMME_OFFICER},
    "application": {roles.PROGRAMME_OFFICER},
}


@pytest.fixture
def objects(areas, programmes):
    case = file_case()
    application = submit_application(["old-age-pension"], areas["mombasa"])
    request_callback(phone="+254700000009", reason="other", channel="ussd", language="en")
    return case, application.programme_applications.get(), programmes


def _url(page: str, case: Grievance, pa) -> str:
    return {
        "queue": "/admin/cases/",
        "case": f"/admin/cases/{case.pk}/",
        "export": "/admin/cases/?export=csv",
        "dashboard": "/admin/dashboard/",
        "dashboard_counts": "/admin/dashboard/counts.csv",
        "call_centre": "/admin/call-centre/",
        "call_backs": "/admin/call-backs/",
        "failed_sms": "/admin/failed-sms/",
        "applications": "/admin/applications/",
        "application": f"/admin/applications/{pa.pk}/",
    }[page]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(objects, client, role):
    case, pa, programmes = objects
    user = make_staff("user", role)
    programmes["old-age-pension"].officers.add(user)
    sign_in_verified(client, user)
    for page, allowed in PAGES.items():
        response = client.get(_url(page, case, pa))
        if role in allowed:
            assert response.status_code == 200, (role, page)
        else:
            assert response.status_code in (302, 403, 404), (role, page)
            if response.status_code == 302:
                assert response["Location"] == reverse("wagtailadmin_home"), (role, page)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_menu_items(objects, client, role):
    user = make_staff("user", role)
    sign_in_verified(client, user)
    home = client.get("/admin/").content.decode()
    expected = {
        '"name": "cases"': role in CASE_WORKERS,
        '"name": "lango-dashboard"': role in PAGES["dashboard"],
        '"name": "lango-call-centre"': role in PAGES["call_centre"],
        '"name": "lango-call-backs"': role in PAGES["call_backs"],
        '"name": "lango-failed-sms"': role in PAGES["failed_sms"],
        '"name": "applications"': role in PAGES["applications"],
    }
    seen = {marker: marker.replace('"', "&quot;") in home or marker in home for marker in expected}
    assert seen == expected


def test_an_officer_assigns_cases_only_to_themselves_and_a_supervisor_to_anyone(db, client):
    officer = make_staff("olive", roles.GRIEVANCE_OFFICER)
    colleague = make_staff("otto", roles.GRIEVANCE_OFFICER)
    supervisor = make_staff("sam", roles.SUPERVISOR)
    mine, theirs, third = file_case(), file_case(), file_case()

    sign_in_verified(client, officer)
    client.post("/admin/cases/assign/", {"case": [mine.pk], "assignee": "me"})
    client.post("/admin/cases/assign/", {"case": [theirs.pk], "assignee": colleague.pk})
    client.post(f"/admin/cases/{third.pk}/act/reopen/", {"text": "no"})
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.assignee, theirs.assignee) == (officer, None)
    assert "Assign the ticked cases to" in client.get("/admin/cases/").content.decode()

    client.logout()
    sign_in_verified(client, supervisor)
    client.post("/admin/cases/assign/", {"case": [theirs.pk, third.pk], "assignee": colleague.pk})
    assert set(Grievance.objects.filter(assignee=colleague).values_list("pk", flat=True)) == {theirs.pk, third.pk}


def test_only_the_assignee_sees_the_resolve_button_and_only_supervisors_reopen(db, client):
    officer = make_staff("olive", roles.GRIEVANCE_OFFICER)
    other = make_staff("otto", roles.GRIEVANCE_OFFICER)
    case = file_case()
    sign_in_verified(client, officer)
    client.post(f"/admin/cases/{case.pk}/act/assign/", {"assignee": "me"})
    assert f"/admin/cases/{case.pk}/act/resolve/" in client.get(f"/admin/cases/{case.pk}/").content.decode()
    client.logout()
    sign_in_verified(client, other)
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "/act/resolve/" not in page and "/act/note/" in page and "/act/reopen/" not in page
    client.post(f"/admin/cases/{case.pk}/act/resolve/", {"outcome": "upheld", "text": "Paid."})
    case.refresh_from_db()
    assert case.status == Grievance.Status.IN_PROGRESS


def test_a_supervisor_sees_call_backs_but_only_agents_record_outcomes(db, client):
    request_callback(phone="+254700000009", reason="other", channel="ussd", language="en")
    callback = CallbackRequest.objects.get()
    sign_in_verified(client, make_staff("sam", roles.SUPERVISOR))
    assert client.get("/admin/call-backs/").status_code == 200
    client.post(f"/admin/call-backs/{callback.pk}/outcome/", {"status": "done"})
    callback.refresh_from_db()
    assert callback.status == CallbackRequest.Status.PENDING


def test_the_admin_shows_staff_avatars_from_our_own_server_never_gravatar(db, client):
    officer = make_staff("gita", roles.GRIEVANCE_OFFICER)
    officer.email = "gita@example.org"
    officer.save(update_fields=["email"])
    sign_in_verified(client, officer)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "default-user-avatar" in body
    assert "gravatar" not in body.lower()
