"""My account: applications with statuses and public timelines, appeals, withdrawal, language, SMS."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from grievances.models import Category, Grievance
from registry.models import ApplicationEvent, Person, PhonePreference, Programme, ProgrammeApplication
from tests.portal_helpers import PHONE, apply_as, refuse, sign_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(programmes, areas):
    return apply_as(PHONE, ("old-age-pension", "disability-grant"))


@pytest.fixture
def citizen(client, application):
    sign_in(client)
    return client


def test_my_account_needs_a_signed_in_phone(client):
    response = client.get(url("account"))
    assert response.status_code == 302
    assert response["Location"] == url("sign_in") + "?next=%2Faccount%2F"


def test_my_account_lists_applications_with_their_programmes_and_statuses(citizen, application):
    body = citizen.get(url("account")).content.decode()
    assert 'Application <span dir="ltr">1\u00a0' in body  # grouped, never broken across lines
    assert "Old-age pension" in body and "Disability grant" in body
    assert body.count(">Received</span>") == 2


def test_an_application_shows_its_public_timeline_only(citizen, application):
    ApplicationEvent.objects.create(application=application, kind="note", is_public=False, message="Check the ID twice")
    body = citizen.get(url("account_application", application.reference)).content.decode()
    assert "Application received" in body
    assert "Check the ID twice" not in body


def test_a_citizen_withdraws_an_application(citizen, application):
    page = citizen.get(url("account_application", application.reference)).content.decode()
    assert "Withdraw from every programme" in page
    confirm = citizen.get(url("account_withdraw", application.reference))
    assert confirm.status_code == 200
    response = citizen.post(url("account_withdraw", application.reference))
    assert response.status_code == 302
    assert set(application.programme_applications.values_list("status", flat=True)) == {"withdrawn"}
    body = citizen.get(response["Location"]).content.decode()
    assert "You withdrew your application to Old-age pension, Disability grant." in body
    assert "Withdraw from every programme" not in body and "Withdraw this application" not in body


@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_a_citizen_withdraws_from_one_programme_and_keeps_the_other(client, application, language):
    sign_in(client, language=language)
    page = client.get(url("account_application", application.reference, language=language)).content.decode()
    one = url("account_withdraw_programme", application.reference, "disability-grant", language=language)
    assert one in page
    with translation.override(language):
        name = Programme.objects.get(code="disability-grant").name()
        kept = Programme.objects.get(code="old-age-pension").name()
        asked = gettext("Withdraw from %(programme)s") % {"programme": name}
        told = gettext("You withdrew your application to %(programmes)s.") % {"programmes": name}
    assert escape(asked) in client.get(one).content.decode()
    response = client.post(one)
    assert response.status_code == 302
    statuses = dict(application.programme_applications.values_list("programme__code", "status"))
    assert statuses == {"disability-grant": "withdrawn", "old-age-pension": "submitted"}
    event = ApplicationEvent.objects.get(to_status="withdrawn")
    assert event.programme_application.programme.code == "disability-grant"
    assert event.is_public and event.channel == "web" and event.from_status == "submitted"
    body = client.get(response["Location"]).content.decode()
    assert escape(told) in body and escape(kept) in body
    # The one left can still be withdrawn (the whole application now means that one programme).
    assert url("account_withdraw", application.reference, language=language) in body
    assert client.post(one).status_code == 200  # already withdrawn: said, nothing changes
    assert ApplicationEvent.objects.filter(to_status="withdrawn").count() == 1


def test_withdrawing_a_decided_programme_is_refused_and_records_nothing(citizen, application):
    refuse(application.programme_applications.get(programme__code="disability-grant"))
    page = citizen.get(url("account_application", application.reference)).content.decode()
    one = url("account_withdraw_programme", application.reference, "disability-grant")
    assert one not in page
    body = citizen.post(one).content.decode()
    assert "cannot be withdrawn now" in body
    assert not ApplicationEvent.objects.filter(to_status="withdrawn").exists()
    assert citizen.post(url("account_withdraw_programme", application.reference, "no-such")).status_code == 404


def test_a_refusal_can_be_appealed_in_the_persons_own_words(citizen, application):
    pa = refuse(application.programme_applications.get(programme__code="disability-grant"))
    page = citizen.get(url("account_application", application.reference)).content.decode()
    appeal_url = url("account_appeal", application.reference, "disability-grant")
    assert appeal_url in page
    response = citizen.post(appeal_url, {"reason": "My son uses a wheelchair since March.", "token": ""})
    assert response.status_code == 302
    appeal = Grievance.objects.get()
    assert appeal.kind == Grievance.Kind.APPEAL
    assert appeal.category == Category.DECISION_APPEAL
    assert appeal.related_programme_application == pa
    assert appeal.complainant == application.applicant
    assert appeal.channel == "web"
    assert appeal.description == "My son uses a wheelchair since March."
    assert response["Location"] == url("account_complaint", appeal.reference)
    assert "My son uses a wheelchair" in citizen.get(response["Location"]).content.decode()


def test_an_appeal_sent_twice_is_one_appeal(citizen, application):
    refuse(application.programme_applications.get(programme__code="disability-grant"))
    appeal_url = url("account_appeal", application.reference, "disability-grant")
    token = citizen.get(appeal_url).context["form"]["token"].value()
    citizen.post(appeal_url, {"reason": "I was wrongly refused.", "token": token})
    citizen.post(appeal_url, {"reason": "I was wrongly refused.", "token": token})
    assert Grievance.objects.count() == 1


def test_a_refusal_cannot_be_appealed_after_its_window(citizen, application):
    refuse(application.programme_applications.get(programme__code="disability-grant"), days_ago=31)
    appeal_url = url("account_appeal", application.reference, "disability-grant")
    assert appeal_url not in citizen.get(url("account_application", application.reference)).content.decode()
    assert citizen.get(appeal_url).status_code == 409
    assert citizen.post(appeal_url, {"reason": "Please look again."}).status_code == 409
    assert Grievance.objects.count() == 0


def test_an_application_not_refused_cannot_be_appealed(citizen, application):
    response = citizen.post(url("account_appeal", application.reference, "old-age-pension"), {"reason": "Why?"})
    assert response.status_code == 409
    assert Grievance.objects.count() == 0


def test_a_citizen_changes_their_language(citizen, application):
    response = citizen.post(url("account_language"), {"language": "sw"})
    assert response.status_code == 302
    assert response["Location"] == url("account", language="sw")
    assert PhonePreference.objects.get(phone=PHONE).language == "sw"
    assert Person.objects.get(phone=PHONE).preferred_language == "sw"


def test_a_citizen_opts_out_of_sms_they_do_not_need_and_back_in(citizen):
    citizen.post(url("account_sms"), {"opt_out": "on"})
    assert PhonePreference.objects.get(phone=PHONE).sms_opt_out is True
    assert citizen.get(url("account_sms")).context["form"]["opt_out"].value() is True
    citizen.post(url("account_sms"), {})
    assert PhonePreference.objects.get(phone=PHONE).sms_opt_out is False


def test_my_complaints_are_listed_with_their_public_timeline(citizen, application):
    citizen.post(
        url("complain"),
        {"category": "payment_not_received", "description": "No payment in May.", "token": ""},
    )
    grievance = Grievance.objects.get()
    grievance.events.create(kind="note", is_public=False, message="Caller sounded upset")
    grievance.events.create(kind="reply", is_public=True, message="We are checking with the bank.")
    assert url("account_complaint", grievance.reference) in citizen.get(url("account")).content.decode()
    body = citizen.get(url("account_complaint", grievance.reference)).content.decode()
    assert "We are checking with the bank." in body
    assert "Caller sounded upset" not in body


def test_every_status_is_shown_in_words(citizen, application):
    ProgrammeApplication.objects.filter(application=application).update(status="enrolled")
    body = citizen.get(url("account")).content.decode()
    assert body.count('<span class="tag done">Enrolled</span>') == 2


def answered_complaint(citizen, *, days_ago: int = 0) -> Grievance:
    """A complaint the citizen filed, assigned and answered by an officer through the workflow."""
    from datetime import timedelta

    from django.utils import timezone

    from backoffice.roles import GRIEVANCE_OFFICER
    from grievances.services import transition
    from tests.backoffice_helpers import make_staff

    citizen.post(
        url("complain"), {"category": "payment_not_received", "description": "No payment in May.", "token": ""}
    )
    case = Grievance.objects.get()
    officer = make_staff("officer", GRIEVANCE_OFFICER)
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome=Grievance.Outcome.NOT_UPHELD, text="The payment was made on 3 May.")
    if days_ago:
        Grievance.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - timedelta(days=days_ago))
    case.refresh_from_db()
    return case


def test_the_answer_to_a_complaint_can_be_appealed_from_the_account(citizen, application):
    case = answered_complaint(citizen)
    appeal_url = url("account_complaint_appeal", case.reference)
    assert appeal_url in citizen.get(url("account_complaint", case.reference)).content.decode()
    token = citizen.get(appeal_url).context["form"]["token"].value()
    response = citizen.post(appeal_url, {"reason": "The bank says nothing arrived.", "token": token})
    assert response.status_code == 302
    appeal = Grievance.objects.get(kind=Grievance.Kind.APPEAL)
    assert appeal.appeal_of == case and appeal.level == 2 and appeal.channel == "web"
    assert appeal.excluded_assignee is not None and appeal.excluded_assignee.username == "officer"
    assert response["Location"] == url("account_complaint", appeal.reference)
    citizen.post(appeal_url, {"reason": "The bank says nothing arrived.", "token": token})
    assert Grievance.objects.filter(kind=Grievance.Kind.APPEAL).count() == 1


def test_the_answer_to_a_complaint_cannot_be_appealed_after_its_window(citizen, application):
    case = answered_complaint(citizen, days_ago=31)
    appeal_url = url("account_complaint_appeal", case.reference)
    assert appeal_url not in citizen.get(url("account_complaint", case.reference)).content.decode()
    assert citizen.post(appeal_url, {"reason": "Please look again."}).status_code == 409
    assert not Grievance.objects.filter(kind=Grievance.Kind.APPEAL).exists()


def test_another_citizen_cannot_appeal_someone_elses_complaint(client, citizen, application):
    case = answered_complaint(citizen)
    other = type(client)()
    apply_as("+254722333444")
    sign_in(other, "+254722333444")
    assert other.get(url("account_complaint_appeal", case.reference)).status_code == 404
    assert other.post(url("account_complaint_appeal", case.reference), {"reason": "x"}).status_code == 404
