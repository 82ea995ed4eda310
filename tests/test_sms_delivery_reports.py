"""Delivery reports: once per (id, status), a final status never undone by a late one, unknown ids answered 200."""

from __future__ import annotations

from unittest import mock

import pytest

from sms.gateways.africastalking import AfricasTalkingGateway
from sms.models import DeliveryReport, OutboundMessage
from sms.outbox import enqueue
from sms.tasks import send_message
from tests.fakes.fake_at import delivery_report_fields

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"


@pytest.fixture
def sent(db, fake_at) -> OutboundMessage:
    message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    send_message(message.pk)
    message.refresh_from_db()
    assert message.provider_message_id
    return message


def report(client, token, message_id, status, **extra):
    fields = delivery_report_fields(message_id, status, phone=PHONE, **extra)
    return client.post(f"/sms/at/{token}/delivery/", fields)


def test_success_marks_the_message_delivered(client, callback_token, sent):
    assert report(client, callback_token, sent.provider_message_id, "Success").status_code == 200

    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.DELIVERED
    assert sent.delivery_status == "Success"
    assert sent.delivered_at is not None


@pytest.mark.parametrize("status", ["Rejected", "Failed", "Expired"])
def test_a_failed_delivery_marks_the_message_failed_with_the_reason(client, callback_token, sent, status):
    report(client, callback_token, sent.provider_message_id, status, failure_reason="UserIsInactive")

    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.FAILED
    assert sent.delivery_status == status
    assert sent.failure_reason == f"{status} UserIsInactive"


@pytest.mark.parametrize("late", ["Sent", "Submitted", "Buffered"])
def test_a_late_non_final_report_keeps_the_final_status(client, callback_token, sent, late):
    report(client, callback_token, sent.provider_message_id, "Success")
    assert report(client, callback_token, sent.provider_message_id, late).status_code == 200

    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.DELIVERED
    assert sent.delivery_status == "Success"
    assert DeliveryReport.objects.filter(message=sent).count() == 2


def test_a_late_non_final_report_keeps_a_failure_too(client, callback_token, sent):
    report(client, callback_token, sent.provider_message_id, "Failed", failure_reason="DeliveryFailure")
    report(client, callback_token, sent.provider_message_id, "Buffered")

    sent.refresh_from_db()
    assert (sent.status, sent.delivery_status) == (OutboundMessage.Status.FAILED, "Failed")


def test_non_final_reports_follow_each_other(client, callback_token, sent):
    report(client, callback_token, sent.provider_message_id, "Sent")
    report(client, callback_token, sent.provider_message_id, "Buffered")

    sent.refresh_from_db()
    assert (sent.status, sent.delivery_status) == (OutboundMessage.Status.SENT, "Buffered")


def test_a_success_after_a_retried_failure_wins(client, callback_token, sent):
    report(client, callback_token, sent.provider_message_id, "Failed", failure_reason="DeliveryFailure")
    report(client, callback_token, sent.provider_message_id, "Success", retry_count=1)

    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.DELIVERED


def test_the_same_report_twice_is_kept_once(client, callback_token, sent):
    for _attempt in range(3):
        assert report(client, callback_token, sent.provider_message_id, "Success").status_code == 200

    assert DeliveryReport.objects.count() == 1


def test_an_unknown_id_is_logged_and_answered_200(db, client, callback_token):
    with mock.patch("sms.reports.logger") as logger:
        assert report(client, callback_token, "ATXid_unknown", "Success").status_code == 200

    assert "ATXid_unknown" in logger.warning.call_args.args
    assert DeliveryReport.objects.get().message is None


def test_a_report_that_came_before_the_send_was_recorded_is_applied_then(db, client, callback_token, fake_at):
    message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    real_send = AfricasTalkingGateway.send

    def send_and_get_the_report_at_once(gateway, to, body):
        result = real_send(gateway, to, body)
        report(client, callback_token, result.provider_message_id, "Success")
        return result

    with mock.patch.object(AfricasTalkingGateway, "send", send_and_get_the_report_at_once):
        send_message(message.pk)

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.DELIVERED
    assert DeliveryReport.objects.get().message == message


def test_a_wrong_token_gets_404_and_nothing_is_stored(client, callback_token, sent):
    response = report(client, "wrong-token", sent.provider_message_id, "Success")

    assert response.status_code == 404
    assert DeliveryReport.objects.count() == 0
    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.SENT


@pytest.mark.parametrize("fields", [{"id": ""}, {"status": ""}, {"status": "<script>"}, {"phoneNumber": "12"}])
def test_malformed_reports_are_refused(client, callback_token, sent, fields):
    data = delivery_report_fields(sent.provider_message_id, "Success", phone=PHONE) | fields

    assert client.post(f"/sms/at/{callback_token}/delivery/", data).status_code == 400
    assert DeliveryReport.objects.count() == 0
