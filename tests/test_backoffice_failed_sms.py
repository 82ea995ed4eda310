"""A supervisor sees the SMS the outbox gave up on and re-sends one, on the record; nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from backoffice import roles
from backoffice.masking import mask_phone
from grievances.models import AccessLog
from sms.models import OutboundMessage
from sms.outbox import enqueue
from tests.backoffice_helpers import make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
Status = OutboundMessage.Status


def failed(template: str = "application_enrolled", **context) -> OutboundMessage:
    context = context or {"reference": "A-1234-5678", "programme": "Child grant"}
    message = enqueue(PHONE, template, "en", context)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, next_attempt_at=None, attempts=11, failure_reason="HTTP 503: Service Unavailable"
    )
    return OutboundMessage.objects.get(pk=message.pk)


@pytest.fixture
def supervisor(client):
    user = make_staff("sam", roles.SUPERVISOR)
    sign_in_verified(client, user)
    return user


def test_a_supervisor_sees_failed_and_unresolved_unconfirmed_messages_with_masked_phones(client, supervisor):
    decision = failed()
    unconfirmed = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})
    OutboundMessage.objects.filter(pk=unconfirmed.pk).update(status=Status.UNCONFIRMED, next_attempt_at=None)
    waiting = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-9999-0000"})
    OutboundMessage.objects.filter(pk=waiting.pk).update(status=Status.UNCONFIRMED, next_attempt_at=timezone.now())

    page = client.get("/admin/failed-sms/")

    assert page.status_code == 200
    listed = [row["message"].pk for row in page.context["rows"]]
    assert sorted(listed) == sorted([decision.pk, unconfirmed.pk])  # still waiting for a report: not listed
    html = page.content.decode()
    assert PHONE not in html
    assert mask_phone(PHONE) in html
    assert AccessLog.objects.filter(user=supervisor, action="view", object_type="sms.outboundmessage").exists()


def test_a_supervisor_re_sends_a_failed_decision_on_the_record(client, supervisor, django_capture_on_commit_callbacks):
    decision = failed()

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/admin/failed-sms/{decision.pk}/resend/")

    assert response.status_code == 302
    copy = OutboundMessage.objects.get(resent_from=decision)
    assert (copy.status, copy.body, copy.to) == (Status.PENDING, decision.body, decision.to)
    entry = AccessLog.objects.get(user=supervisor, action="change", object_type="sms.outboundmessage")
    assert entry.object_id == str(copy.pk) and f"re-sent failed SMS {decision.pk}" in entry.reason
    assert decision.pk not in [row["message"].pk for row in client.get("/admin/failed-sms/").context["rows"]]


def test_the_same_failed_message_cannot_be_re_sent_twice(client, supervisor):
    decision = failed()
    client.post(f"/admin/failed-sms/{decision.pk}/resend/")
    client.post(f"/admin/failed-sms/{decision.pk}/resend/")

    assert OutboundMessage.objects.filter(resent_from=decision).count() == 1


def test_a_sign_in_code_is_never_re_sent_from_the_back_office(client, supervisor):
    code = failed("sign_in_code", code="123456")

    client.post(f"/admin/failed-sms/{code.pk}/resend/")

    assert not OutboundMessage.objects.filter(resent_from=code).exists()


def test_a_message_still_in_the_outbox_cannot_be_re_sent_by_hand(client, supervisor):
    pending = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})

    client.post(f"/admin/failed-sms/{pending.pk}/resend/")

    assert OutboundMessage.objects.count() == 1


@pytest.mark.parametrize("role", [roles.GRIEVANCE_OFFICER, roles.CALL_CENTRE_AGENT, roles.ME_VIEWER])
def test_staff_without_the_permission_can_neither_see_nor_re_send_failed_messages(client, role):
    decision = failed()
    sign_in_verified(client, make_staff("other", role))

    assert client.get("/admin/failed-sms/").status_code in (302, 403)
    assert client.post(f"/admin/failed-sms/{decision.pk}/resend/").status_code in (302, 403)
    assert not OutboundMessage.objects.filter(resent_from=decision).exists()


def test_a_re_send_without_the_csrf_token_is_refused(client, supervisor):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the supervisor's verified session, without a CSRF token
    decision = failed()

    assert strict.post(f"/admin/failed-sms/{decision.pk}/resend/").status_code == 403
    assert not OutboundMessage.objects.filter(resent_from=decision).exists()


def test_a_re_send_is_only_a_post(client, supervisor):
    decision = failed()

    assert client.get(f"/admin/failed-sms/{decision.pk}/resend/").status_code == 405
