"""Issue 13, point 1: a sensitive case exists only for staff cleared for it, on every back-office URL.

The walk enumerates every ``/admin/`` route of the URL resolver and requests it as each role that is
not cleared, with a sensitive complaint (linked to an application, with a named complainant) in the
data; the case's reference and its link appear nowhere. Reads of lists are in the access log.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from backoffice.roles import (
    CALL_CENTRE_AGENT,
    CONTENT_EDITOR,
    GRIEVANCE_OFFICER,
    ME_VIEWER,
    PROGRAMME_OFFICER,
    SENSITIVE_CASE_OFFICER,
    SUPERVISOR,
)
from grievances.models import AccessLog, CallVerification, Category
from registry.references import format_reference
from registry.references import format_reference as grouped
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified, submit_application

pytestmark = pytest.mark.django_db

PHONE = "+254733444555"
UNCLEARED_ROLES = [GRIEVANCE_OFFICER, SUPERVISOR, PROGRAMME_OFFICER, CALL_CENTRE_AGENT, CONTENT_EDITOR, ME_VIEWER]
# Signing out, or answering the second factor again, would end the walk, not show a case.
SKIPPED_URL_NAMES = {"wagtailadmin_logout", "lango_2fa_verify", "lango_2fa_enrol", "wagtailadmin_error_test"}
TEXT_PARAMS = {
    "app_label": "grievances",
    "app_name": "grievances",
    "content_type_app_name": "grievances",
    "model_name": "grievance",
    "content_type_model_name": "grievance",
    "action": "assign",
    "action_name": "edit",
    "filter_spec": "original",
    "token": "x",
    "uidb64": "x",
}
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@pytest.fixture
def sealed(areas, programmes):
    """An application and a sexual-exploitation complaint about it, by the applicant, and an ordinary case."""
    application = submit_application(["old-age-pension"], areas["kilifi"], phone=PHONE, given_name="Neema")
    pa = application.programme_applications.get()
    person = application.applicant
    sensitive = file_case(
        category=Category.SEXUAL_EXPLOITATION,
        complainant=person,
        phone=PHONE,
        related_programme_application=pa,
    )
    ordinary = file_case(category=Category.PAYMENT_NOT_RECEIVED, complainant=person, phone=PHONE)
    assert sensitive.is_sensitive and not ordinary.is_sensitive
    return {"sensitive": sensitive, "ordinary": ordinary, "pa": pa, "person": person, "application": application}


def admin_routes() -> list[tuple[str, str]]:
    """Every route under ``/admin/`` as (pattern text, url name), from the URL resolver itself."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append((prefix + str(pattern.pattern), pattern.name or ""))

    walk(get_resolver().url_patterns, "")
    return [(route, name) for route, name in routes if route.startswith("admin/")]


def concrete_urls(route: str, ids: list[int]) -> list[str]:
    """The route with its parameters filled: every id in ``ids`` for numbers, fixed words for text."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    urls = []
    for value in ids:

        def fill(match, value=value):
            name = match.group("name")
            if match.groupdict().get("converter") in (None, "int") and name not in TEXT_PARAMS:
                return str(value)
            return TEXT_PARAMS.get(name, str(value))

        url = "/" + REGEX_GROUP.sub(lambda m, value=value: str(value), PARAM.sub(fill, route))
        if url not in urls:
            urls.append(url)
    return urls


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_the_walk_covers_every_back_office_screen():
    names = {name for _route, name in admin_routes()}
    for name in ("lango_cases:index", "lango_cases:index_results", "lango_applications:application"):
        assert name.split(":")[-1] in names
    for name in ("lango_callcentre", "lango_callcentre_caller", "lango_dashboard", "lango_callbacks"):
        assert name in names
    assert len(admin_routes()) > 200


@pytest.mark.parametrize("role", UNCLEARED_ROLES)
def test_a_colleague_not_cleared_finds_a_sensitive_case_on_no_back_office_url(sealed, client, role):
    sensitive, pa, person = sealed["sensitive"], sealed["pa"], sealed["person"]
    user = make_staff(f"walker-{role.split()[0].lower()}", role)
    if role == PROGRAMME_OFFICER:
        pa.programme.officers.add(user)
    if role == CALL_CENTRE_AGENT:
        CallVerification.objects.create(agent=user, person=person, facts="birth,district", succeeded=True)
    sign_in_verified(client, user)
    secrets = [sensitive.reference, format_reference(sensitive.reference), f"/admin/cases/{sensitive.pk}/"]
    queries = [
        {},
        {"q": sensitive.reference, "status": "all"},
        {"q": PHONE, "status": "all"},
    ]
    ids = sorted({sensitive.pk, pa.pk, person.pk})
    walked = 0
    for route, name in admin_routes():
        if name in SKIPPED_URL_NAMES:
            continue
        has_params = "<" in route or "(?P" in route
        for url in concrete_urls(route, ids):
            for query in [{}] if has_params else queries:
                response = client.get(url, query)
                walked += 1
                shown = _body(response) + response.get("Location", "")
                # A search box shows back what was typed; the case itself must not follow.
                for secret in [secret for secret in secrets if secret != query.get("q")]:
                    assert secret not in shown, f"{role} saw {secret} at {url} {query} ({response.status_code})"
    # The back-office's own actions, posted with the sensitive case's id, reveal nothing either.
    for url, data in [
        ("/admin/cases/assign/", {"case": [sensitive.pk], "assignee": "me"}),
        (f"/admin/cases/{sensitive.pk}/act/assign/", {"assignee": "me"}),
        (f"/admin/cases/{sensitive.pk}/reveal/", {}),
        (f"/admin/call-centre/{person.pk}/appeal/case/{sensitive.pk}/", {"text": "x"}),
    ]:
        response = client.post(url, data, follow=True)
        for secret in secrets:
            assert secret not in _body(response), f"{role} saw {secret} after POST {url}"
    assert walked > 250
    assert not AccessLog.objects.filter(object_type="grievances.grievance", object_id=str(sensitive.pk)).exists()


def test_a_cleared_officer_still_sees_the_sensitive_case_everywhere_it_belongs(sealed, client):
    sensitive, pa, person = sealed["sensitive"], sealed["pa"], sealed["person"]
    cleared = make_staff("sana", SENSITIVE_CASE_OFFICER, PROGRAMME_OFFICER, CALL_CENTRE_AGENT)
    pa.programme.officers.add(cleared)
    CallVerification.objects.create(agent=cleared, person=person, facts="birth,district", succeeded=True)
    sign_in_verified(client, cleared)

    assert grouped(sensitive.reference) in client.get(f"/admin/applications/{pa.pk}/").content.decode()
    assert f"/admin/cases/{sensitive.pk}/" in client.get("/admin/cases/", {"status": "all"}).content.decode()
    found = client.get("/admin/call-centre/", {"q": sensitive.reference}).content.decode()
    assert "1 record matches" in found


def test_a_programme_officer_sees_an_applications_ordinary_appeal_but_not_a_sensitive_complaint(sealed, client):
    sensitive, pa = sealed["sensitive"], sealed["pa"]
    appeal = file_case(
        category=Category.DECISION_APPEAL, complainant=sealed["person"], phone=PHONE, related_programme_application=pa
    )
    officer = make_staff("otieno", PROGRAMME_OFFICER)
    pa.programme.officers.add(officer)
    sign_in_verified(client, officer)

    page = client.get(f"/admin/applications/{pa.pk}/").content.decode()
    assert grouped(appeal.reference) in page
    assert grouped(sensitive.reference) not in page


def test_a_call_centre_agent_not_cleared_is_told_nothing_matches_a_sensitive_reference(sealed, client):
    agent = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, agent)

    page = client.get("/admin/call-centre/", {"q": sealed["sensitive"].reference}).content.decode()
    assert "record matches" not in page
    assert "no named complainant" not in page
    assert "No record found" in page
    assert "1 record matches" in client.get("/admin/call-centre/", {"q": sealed["ordinary"].reference}).content.decode()


def test_every_read_of_a_list_of_personal_data_is_one_access_log_row(sealed, client, programmes):
    pa, person = sealed["pa"], sealed["person"]
    user = make_staff("lulu", SUPERVISOR, PROGRAMME_OFFICER, CALL_CENTRE_AGENT)
    pa.programme.officers.add(user)
    CallVerification.objects.create(agent=user, person=person, facts="birth,district", succeeded=True)
    sign_in_verified(client, user)

    def rows(object_type: str, object_id: str = "list"):
        return AccessLog.objects.filter(user=user, action="view", object_type=object_type, object_id=object_id)

    client.get("/admin/cases/", {"status": "all"})
    assert rows("grievances.grievance").count() == 1
    assert rows("grievances.grievance").get().records == 1  # the ordinary case only: one row, not one per case
    client.get("/admin/cases/results/", {"status": "all"})
    assert rows("grievances.grievance").count() == 2
    client.get("/admin/cases/", {"q": PHONE})
    assert rows("grievances.grievance", "search").count() == 1
    client.get("/admin/applications/")
    assert rows("registry.programmeapplication").count() == 1
    client.get("/admin/applications/results/")
    assert rows("registry.programmeapplication").count() == 2
    client.get(f"/admin/call-centre/{person.pk}/")
    assert rows("grievances.grievance").count() == 3
    assert rows("grievances.grievance").order_by("-pk").first().reason == f"call centre: cases of person {person.pk}"
