"""The real Africa's Talking SDK sends through the fake AT server, and every answer ends as sent, retry or failed."""

from __future__ import annotations

import importlib.metadata
import socket
from datetime import timedelta

import pytest

from sms.gateways import Outcome
from sms.gateways.africastalking import AfricasTalkingGateway
from sms.models import OutboundMessage
from sms.outbox import enqueue
from sms.tasks import send_message

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"


def queue_code(code: str = "123456") -> OutboundMessage:
    return enqueue(PHONE, "sign_in_code", "en", {"code": code})


def test_the_sdk_posts_the_message_through_the_fake_server(fake_at):
    result = AfricasTalkingGateway().send(PHONE, "Lango code 123456. Valid 10 min. Never share it.")

    assert result.outcome is Outcome.SENT
    assert result.provider_message_id == fake_at.messages[0].message_id
    assert result.provider_message_id.startswith("ATXid_")
    request = fake_at.requests[0]
    assert request.headers["apikey"] == "test-at-key"
    assert request.headers["accept"] == "application/json"
    assert request.form["username"] == "lango"
    assert request.form["to"] == PHONE
    assert request.form["message"] == "Lango code 123456. Valid 10 min. Never share it."
    assert request.form["bulkSMSMode"] == "1"


def test_the_sender_id_is_sent_when_configured(fake_at, settings):
    settings.AT_SENDER_ID = "LANGO"

    AfricasTalkingGateway().send(PHONE, "hello")

    assert fake_at.requests[0].form["from"] == "LANGO"


@pytest.mark.parametrize("code", [100, 101, 102])
def test_an_accepted_recipient_code_ends_as_sent_with_the_message_id(db, fake_at, code):
    fake_at.script_recipient(PHONE, code)
    message = queue_code()

    assert send_message(message.pk) == Outcome.SENT
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.provider_message_id == fake_at.messages[0].message_id
    assert message.attempts == 1
    assert message.sent_at is not None


@pytest.mark.parametrize("code", [401, 405, 407, 500, 501, 502])
def test_a_transient_recipient_code_ends_as_retry_a_minute_or_more_later(db, fake_at, code):
    fake_at.script_recipient(PHONE, code)
    message = queue_code()
    before = message.next_attempt_at

    assert send_message(message.pk) == Outcome.RETRY
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at - before >= timedelta(minutes=1)
    assert message.failure_reason.startswith(str(code))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (402, "InvalidSenderId"),
        (403, "InvalidPhoneNumber"),
        (404, "UnsupportedNumberType"),
        (406, "UserInBlacklist"),
        (409, "DoNotDisturbRejection"),
    ],
)
def test_a_permanent_recipient_code_ends_as_failed(db, fake_at, code, name):
    fake_at.script_recipient(PHONE, code)
    message = queue_code()

    assert send_message(message.pk) == Outcome.FAILED
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert message.failure_reason == f"{code} {name}"
    assert message.provider_message_id == ""


@pytest.mark.parametrize("http_status", [401, 429, 500, 502, 503])
def test_a_refused_request_that_may_pass_later_ends_as_retry(db, fake_at, http_status):
    fake_at.fail_requests(http_status, times=1)
    message = queue_code()

    assert send_message(message.pk) == Outcome.RETRY
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    assert message.failure_reason.startswith(f"HTTP {http_status}")


def test_a_wrong_api_key_is_refused_by_the_fake_and_retried(db, fake_at, settings):
    settings.AT_API_KEY = "not-the-key"
    message = queue_code()

    assert send_message(message.pk) == Outcome.RETRY
    assert fake_at.requests[0].status == 401
    assert fake_at.messages == []


def test_a_bad_request_ends_as_failed(db, fake_at):
    fake_at.fail_requests(400, times=1)
    message = queue_code()

    assert send_message(message.pk) == Outcome.FAILED


def test_a_timeout_after_the_request_left_ends_as_unconfirmed_not_retry(db, fake_at, settings):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.hang_requests()
    message = queue_code()

    assert send_message(message.pk) == Outcome.UNCONFIRMED
    message.refresh_from_db()
    assert message.failure_reason == "timeout after sending"
    assert message.status == OutboundMessage.Status.UNCONFIRMED
    fake_at.release()


def test_an_unreachable_server_ends_as_retry(db, fake_at, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.AT_API_BASE_URL = f"http://127.0.0.1:{closed_port}/version1"
    message = queue_code()

    assert send_message(message.pk) == Outcome.RETRY
    message.refresh_from_db()
    assert message.failure_reason.startswith("network")


def test_a_number_the_sdk_refuses_ends_as_failed_without_a_request(db, fake_at):
    message = enqueue("0712345678", "sign_in_code", "en", {"code": "123456"})

    assert send_message(message.pk) == Outcome.FAILED
    assert fake_at.requests == []


def test_a_message_sent_once_is_not_sent_again(db, fake_at):
    message = queue_code()

    assert send_message(message.pk) == Outcome.SENT
    assert send_message(message.pk) is None
    assert len(fake_at.requests) == 1


def test_the_sdk_is_the_version_the_gateway_was_written_for():
    # The gateway sets the SDK's private _baseUrl and wraps its private POST helper: both are 2.0.3's.
    assert importlib.metadata.version("africastalking") == "2.0.3"
