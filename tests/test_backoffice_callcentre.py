"""Call-centre mode: nothing personal before verification; every action for a caller records the agent and channel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from backoffice.roles import CALL_CENTRE_AGENT, GRIEVANCE_OFFICER, PROGRAMME_OFFICER
from grievances.models import AccessLog, CallbackRequest, CallVerification, Grievance, GrievanceEvent
from grievances.services import request_callback, transition
from registry.decisions import decide
from registry.models import Application, ApplicationEvent
from tests.backoffice_helpers import make_staff, sign_in_verified, submit_application

pytestmark = pytest.mark.django_db

PHONE = "+254722333444"


@pytest.fixture
def caller(areas, programmes):
    application = submit_application(
        ["old-age-pension"], areas["kilifi"], phone=PHONE, given_name="Baraka", family_name="Kamau",
        birth_year=1948, date_of_birth=date(1948, 7, 2),
    )  # fmt: skip
    return application.applicant, application


@pytest.fixture
def agent(client):
    user = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, user)
    return user


def _verify(client, person, birth="02/07/1948", district=None):
    return client.post(
        f"/admin/call-centre/{person.pk}/verify/",
        {"stated_birth": birth, "stated_district": (district or person.area).pk},
    )


PERSONAL = ("Baraka", "Kamau", "1948", "Kilifi", "02/07")


def test_nothing_personal_is_shown_before_verification(caller, agent, client):
    person, application = caller
    for query in (PHONE, "0722 333 444", application.reference):
        page = client.get("/admin/call-centre/", {"q": query}).content.decode()
        assert "1 record matches" in page
        assert f"/admin/call-centre/{person.pk}/verify/" in page
        for detail in PERSONAL:
            assert detail not in page.split('id="found"', 1)[1]
    verify_page = client.get(f"/admin/call-centre/{person.pk}/verify/").content.decode()
    for detail in ("Baraka", "Kamau", "1948"):
        assert detail not in verify_page
    assert client.get(f"/admin/call-centre/{person.pk}/")["Location"].endswith(f"/{person.pk}/verify/")
    assert not AccessLog.objects.filter(object_type="registry.person").exists()
    # Acting for an unverified caller is refused and creates nothing.
    client.post(f"/admin/call-centre/{person.pk}/complaint/", {"category": "other", "description": "x"})
    client.post(f"/admin/call-centre/{person.pk}/call-back/", {"reason": "other"})
    assert not Grievance.objects.exists() and not CallbackRequest.objects.exists()


def test_the_caller_is_verified_with_two_facts_they_state(caller, agent, client, areas):
    person, _application = caller
    assert _verify(client, person, birth="1949").status_code == 200
    assert _verify(client, person, district=areas["mombasa"]).status_code == 200
    assert _verify(client, person, birth="1948")["Location"].endswith(f"/call-centre/{person.pk}/")
    attempts = list(CallVerification.objects.filter(agent=agent, person=person).values_list("succeeded", "facts"))
    assert sorted(attempts) == [(False, "birth,district"), (False, "birth,district"), (True, "birth,district")]

    page = client.get(f"/admin/call-centre/{person.pk}/").content.decode()
    assert "Baraka Kamau" in page and "Old-age pension" in page
    assert AccessLog.objects.filter(user=agent, action="view", object_type="registry.person").exists()


def test_three_wrong_answers_lock_the_record_for_the_agent(caller, agent, client):
    person, _application = caller
    for _ in range(3):
        _verify(client, person, birth="1950")
    page = _verify(client, person)
    assert page.status_code == 200 and "Too many answers did not match" in page.content.decode()
    assert client.get(f"/admin/call-centre/{person.pk}/").status_code == 302


def test_a_verification_lasts_for_the_call_and_only_for_that_agent(caller, agent, client):
    person, _application = caller
    _verify(client, person)
    assert client.get(f"/admin/call-centre/{person.pk}/").status_code == 200
    CallVerification.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    assert client.get(f"/admin/call-centre/{person.pk}/").status_code == 302

    _verify(client, person)
    client.logout()
    other = make_staff("cleo", CALL_CENTRE_AGENT)
    sign_in_verified(client, other)
    assert client.get(f"/admin/call-centre/{person.pk}/").status_code == 302


def test_actions_for_a_caller_record_the_agent_and_the_call_centre_channel(caller, agent, client, programmes):
    person, application = caller
    _verify(client, person)

    client.post(
        f"/admin/call-centre/{person.pk}/complaint/", {"category": "payment_not_received", "description": "No pay."}
    )
    complaint = Grievance.objects.get(kind="complaint")
    assert (complaint.channel, complaint.filed_by, complaint.complainant) == ("call_centre", agent, person)
    filed = complaint.events.get(kind=GrievanceEvent.Kind.FILED)
    assert (filed.actor, filed.channel) == (agent, "call_centre")

    client.post(f"/admin/call-centre/{person.pk}/call-back/", {"reason": "payment"})
    callback = CallbackRequest.objects.get()
    assert (callback.channel, callback.requested_by, callback.person) == ("call_centre", agent, person)

    decider = make_staff("dora", PROGRAMME_OFFICER)
    programmes["old-age-pension"].officers.add(decider)
    pa = application.programme_applications.get()
    decide(pa, "not_eligible", "other", "Could not confirm the age.", decider)
    client.post(f"/admin/call-centre/{person.pk}/appeal/application/{pa.pk}/", {"text": "Here is my card."})
    appeal = Grievance.objects.get(kind="appeal")
    assert (appeal.channel, appeal.filed_by, appeal.related_programme_application) == ("call_centre", agent, pa)
    assert appeal.excluded_assignee == decider

    officer = make_staff("olive", GRIEVANCE_OFFICER)
    transition(complaint, "assign", officer, assignee=officer)
    transition(complaint, "resolve", officer, outcome="not_upheld", text="Paid on 1 May.")
    client.post(f"/admin/call-centre/{person.pk}/appeal/case/{complaint.pk}/", {"text": "It never came."})
    second = Grievance.objects.get(appeal_of=complaint)
    assert (second.channel, second.filed_by) == ("call_centre", agent)
    appealed = complaint.events.get(action="appeal")
    assert (appealed.actor, appealed.channel) == (agent, "call_centre")


def test_an_agent_starts_an_application_for_a_caller(caller, agent, client, areas):
    person, _application = caller
    _verify(client, person)
    form = client.get(f"/admin/call-centre/{person.pk}/apply/")
    assert 'value="Baraka"' in form.content.decode()
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "given_name": "Baraka", "family_name": "Kamau", "sex": "male", "phone": PHONE, "birth_year": 1948,
        "size": 2, "children_under_5": 0, "children_under_18": 0, "members_with_disability": 1, "income_band": 1,
        "district": areas["kilifi"].pk, "programmes": ["disability-grant"], "language": "sw", "consent": "on",
        "idempotency_key": key,
    }  # fmt: skip
    assert client.post(f"/admin/call-centre/{person.pk}/apply/", data).status_code == 302
    assert client.post(f"/admin/call-centre/{person.pk}/apply/", data).status_code == 302  # a double click
    made = Application.objects.get(channel="call_centre")
    assert made.submitted_by == agent and made.applicant == person
    assert ApplicationEvent.objects.get(application=made).actor == agent


def test_the_call_back_queue_holds_every_channel_and_records_outcomes(agent, client):
    for phone, channel in (("+254700000001", "ussd"), ("+254700000002", "sms"), ("+254700000003", "web")):
        request_callback(phone=phone, reason="other", channel=channel, language="en")
    page = client.get("/admin/call-backs/").content.decode()
    for phone in ("+254700000001", "+254700000002", "+254700000003"):
        assert phone in page
    assert AccessLog.objects.filter(user=agent, object_type="grievances.callbackrequest").exists()

    first, second, third = CallbackRequest.objects.order_by("pk")
    client.post(f"/admin/call-backs/{first.pk}/outcome/", {"status": "done", "note": "Explained the payment date."})
    client.post(f"/admin/call-backs/{second.pk}/outcome/", {"status": "no_answer"})
    client.post(f"/admin/call-backs/{third.pk}/outcome/", {"status": "cancelled", "note": "Asked to stop."})
    outcomes = list(CallbackRequest.objects.order_by("pk").values_list("status", "handled_by", "outcome_note"))
    assert outcomes == [
        ("done", agent.pk, "Explained the payment date."),
        ("no_answer", agent.pk, ""),
        ("cancelled", agent.pk, "Asked to stop."),
    ]
    client.post(f"/admin/call-backs/{first.pk}/outcome/", {"status": "no_answer"})
    first.refresh_from_db()
    assert first.status == "done"
    assert "+254700000001" not in client.get("/admin/call-backs/").content.decode()  # only waiting ones by default


def test_the_callers_page_shows_references_grouped_and_never_split(caller, agent, client):
    from registry.references import format_reference

    person, application = caller
    _verify(client, person)
    page = client.get(f"/admin/call-centre/{person.pk}/").content.decode()

    grouped = format_reference(application.reference)
    assert f'<span class="lango-ref" style="white-space:nowrap">{grouped}</span>' in page
    assert application.reference not in page


def test_a_search_that_finds_nobody_says_so_without_a_records_found_heading(agent, client):
    page = client.get("/admin/call-centre/", {"q": "+254799999999"}).content.decode()
    assert "No record found" in page and "Records found" not in page
