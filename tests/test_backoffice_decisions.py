"""Programme officers decide applications to their programmes; a refusal always has a reason and an appeal date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER, PROGRAMME_OFFICER
from grievances.models import AccessLog
from registry.decisions import DecisionError, RefusalReason, decide, visible_programme_applications
from registry.models import ApplicationEvent, ProgrammeApplication
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified, submit_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(areas, programmes):
    officer = make_staff("petra", PROGRAMME_OFFICER)
    programmes["old-age-pension"].officers.add(officer)
    application = submit_application(["old-age-pension", "public-works"], areas["mombasa"])
    requests = {pa.programme.code: pa for pa in application.programme_applications.all()}
    return officer, requests["old-age-pension"], requests["public-works"]


def _unchanged(pa: ProgrammeApplication) -> None:
    pa.refresh_from_db()
    assert pa.status == ProgrammeApplication.Status.SUBMITTED
    assert pa.decided_by is None and pa.decided_at is None
    assert not pa.events.exists()


@pytest.mark.parametrize(
    ("reason_code", "text"),
    [("", "Income above the limit."), ("made_up", "Income above the limit."), ("income_above_limit", "  ")],
)
def test_a_refusal_without_a_reason_code_and_a_sentence_is_impossible(setting, reason_code, text):
    officer, pension, _works = setting
    messages = OutboundMessage.objects.count()
    with pytest.raises(DecisionError):
        decide(pension, ProgrammeApplication.Status.NOT_ELIGIBLE, reason_code, text, officer)
    _unchanged(pension)
    assert OutboundMessage.objects.count() == messages


def test_the_refusal_sms_names_the_appeal_deadline_as_digits(setting, settings):
    officer, pension, _works = setting
    decide(pension, "not_eligible", RefusalReason.AGE_OUTSIDE_RANGE, "Under 65 on the day you applied.", officer)
    pension.refresh_from_db()
    assert pension.status == "not_eligible"
    assert pension.decision_reason_code == "age_outside_range"
    assert pension.decided_by == officer
    deadline = timezone.localtime(pension.decided_at + timedelta(days=settings.APPEAL_WINDOW_DAYS))
    message = OutboundMessage.objects.get(template="application_not_eligible_reason")
    assert deadline.strftime("%d/%m/%Y") in message.body
    assert message.to == pension.application.applicant.phone
    assert "appeal" in message.body and message.parts == 1
    event = pension.events.get()
    assert (event.from_status, event.to_status, event.actor, event.is_public) == (
        "submitted",
        "not_eligible",
        officer,
        True,
    )


@pytest.mark.parametrize(
    ("outcome", "template"), [("enrolled", "application_enrolled"), ("waitlisted", "application_waitlisted")]
)
def test_enrolment_and_waitlisting_are_told_by_sms_without_a_reason(setting, outcome, template):
    officer, pension, _works = setting
    decide(pension, outcome, "", "", officer)
    pension.refresh_from_db()
    assert pension.status == outcome
    assert OutboundMessage.objects.filter(template=template, to=pension.application.applicant.phone).count() == 1


def test_only_an_officer_of_the_programme_decides(setting):
    officer, _pension, works = setting
    with pytest.raises(DecisionError):
        decide(works, "enrolled", "", "", officer)
    _unchanged(works)
    grievance_officer = make_staff("olive", GRIEVANCE_OFFICER)
    with pytest.raises(DecisionError):
        decide(works, "enrolled", "", "", grievance_officer)


def test_a_decided_application_cannot_be_decided_again_the_same_way(setting):
    officer, pension, _works = setting
    decide(pension, "enrolled", "", "", officer)
    with pytest.raises(DecisionError):
        decide(pension, "enrolled", "", "", officer)
    with pytest.raises(DecisionError):
        decide(pension, "not_eligible", "other", "Changed my mind.", officer)


def test_programme_officers_see_only_the_applications_to_their_programmes(setting, client):
    officer, pension, works = setting
    assert list(visible_programme_applications(officer)) == [pension]
    sign_in_verified(client, officer)
    listing = client.get("/admin/applications/").content.decode()
    assert f"/admin/applications/{pension.pk}/" in listing
    assert f"/admin/applications/{works.pk}/" not in listing
    assert client.get(f"/admin/applications/{works.pk}/").status_code == 404


def test_every_view_of_an_application_is_in_the_access_log(setting, client):
    officer, pension, _works = setting
    sign_in_verified(client, officer)
    page = client.get(f"/admin/applications/{pension.pk}/")
    assert page.status_code == 200
    assert "Amina Otieno" in page.content.decode()
    assert AccessLog.objects.filter(
        user=officer, action="view", object_type="registry.programmeapplication", object_id=str(pension.pk)
    ).exists()


def test_the_decision_form_refuses_a_refusal_without_a_reason(setting, client):
    officer, pension, _works = setting
    sign_in_verified(client, officer)
    page = client.post(f"/admin/applications/{pension.pk}/", {"outcome": "not_eligible", "reason_code": "", "text": ""})
    assert page.status_code == 200
    assert "Choose the reason for the refusal." in page.content.decode()
    _unchanged(pension)

    done = client.post(
        f"/admin/applications/{pension.pk}/",
        {"outcome": "not_eligible", "reason_code": "outside_area", "text": "Not in a covered district."},
    )
    assert done.status_code == 302
    pension.refresh_from_db()
    assert pension.status == "not_eligible" and pension.decision_text == "Not in a covered district."
    assert ApplicationEvent.objects.filter(programme_application=pension, actor=officer).count() == 1
