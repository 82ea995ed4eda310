"""Transient failures retry with jitter over more than six hours, then fail; sign-in codes expire; the relay
sends what was left behind."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from sms.gateways import Outcome
from sms.models import OutboundMessage
from sms.outbox import enqueue
from sms.tasks import RELAY_LOCK, relay_outbox, send_message

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"


def at(moment):
    """Move the clock of the code under test to ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def queue_reply() -> OutboundMessage:
    """A message that never expires (an officer's reply on a case)."""
    return enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})


def test_transient_failures_retry_with_jitter_over_more_than_six_hours_then_fail(db, fake_at, settings):
    bases = [timedelta(seconds=s) for s in settings.SMS_RETRY_DELAYS_SECONDS]
    fake_at.script_recipient(PHONE, *[500] * (len(bases) + 1))
    start = timezone.now()
    with at(start):
        message = queue_reply()
        assert send_message(message.pk) == Outcome.RETRY
    waits = []
    moment = start
    for n in range(len(bases)):
        message.refresh_from_db()
        waits.append(message.next_attempt_at - moment)
        with at(message.next_attempt_at - timedelta(seconds=1)):
            assert send_message(message.pk) is None  # not due yet
        moment = message.next_attempt_at
        with at(moment):
            assert send_message(message.pk) == (Outcome.FAILED if n == len(bases) - 1 else Outcome.RETRY)

    message.refresh_from_db()
    assert all(base <= wait <= base * 1.2 for base, wait in zip(bases, waits, strict=True))
    assert waits != bases  # jittered
    assert sum(waits, timedelta(0)) >= timedelta(hours=6)
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == len(bases) + 1
    assert len(fake_at.requests) == len(bases) + 1


def test_a_sign_in_code_the_provider_refuses_for_ten_minutes_expires_instead_of_arriving_late(db, fake_at, settings):
    fake_at.fail_requests(503)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        send_message(message.pk)
    for _ in range(10):
        message.refresh_from_db()
        if message.status != OutboundMessage.Status.PENDING:
            break
        with at(message.next_attempt_at):
            send_message(message.pk)
    with at(start + timedelta(minutes=11)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.EXPIRED
    assert message.attempts < len(settings.SMS_RETRY_DELAYS_SECONDS)
    assert fake_at.messages == []


def test_a_pending_sign_in_code_is_never_sent_after_ten_minutes(db, fake_at, django_capture_on_commit_callbacks):
    start = timezone.now()
    broken = mock.patch("sms.tasks.send_message.apply_async", side_effect=OperationalError("broker down"))
    with at(start), broken, django_capture_on_commit_callbacks(execute=True):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    with at(start + timedelta(minutes=10, seconds=1)):
        assert relay_outbox() == 0

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.EXPIRED
    assert (message.body, message.body_redacted) == ("", True)
    assert fake_at.requests == []


def test_a_retry_that_gets_through_ends_as_sent(db, fake_at):
    fake_at.fail_requests(503, times=1)
    start = timezone.now()
    with at(start):
        message = queue_reply()
        send_message(message.pk)
    with at(start + timedelta(minutes=2)):
        assert send_message(message.pk) == Outcome.SENT

    assert fake_at.bodies() == [message.body]


def test_the_retry_delays_come_from_the_settings(db, fake_at, settings):
    settings.SMS_RETRY_DELAYS_SECONDS = [7]
    settings.SMS_RETRY_JITTER_PERCENT = 0
    fake_at.script_recipient(PHONE, 500, 500)
    start = timezone.now()
    with at(start):
        message = queue_reply()
        send_message(message.pk)
    message.refresh_from_db()
    assert message.next_attempt_at == start + timedelta(seconds=7)
    with at(start + timedelta(seconds=7)):
        assert send_message(message.pk) == Outcome.FAILED


def test_a_gateway_error_is_unconfirmed_instead_of_being_repeated_at_once(db, fake_at):
    message = queue_reply()
    with mock.patch("sms.gateways.africastalking.AfricasTalkingGateway.send", side_effect=KeyError("bug")):
        assert send_message(message.pk) == Outcome.UNCONFIRMED

    message.refresh_from_db()
    assert message.attempts == 1
    assert message.status == OutboundMessage.Status.UNCONFIRMED
    assert message.failure_reason == "error: KeyError"


def test_a_message_queued_while_the_broker_is_down_is_sent_by_the_relay(
    db, fake_at, django_capture_on_commit_callbacks
):
    start = timezone.now()
    broken = mock.patch("sms.tasks.send_message.apply_async", side_effect=OperationalError("broker down"))
    with at(start), broken, django_capture_on_commit_callbacks(execute=True):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    body = message.body
    assert fake_at.requests == []

    with at(start + timedelta(seconds=30)):
        assert relay_outbox() == 0  # still within the grace its own task has
    with at(start + timedelta(seconds=61)):
        assert relay_outbox() == 1
        assert relay_outbox() == 0

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert fake_at.bodies() == [body]


def test_the_relay_leaves_messages_retrying_until_they_are_due(db, fake_at, settings):
    settings.SMS_RETRY_JITTER_PERCENT = 0
    fake_at.script_recipient(PHONE, 500)
    start = timezone.now()
    with at(start):
        message = queue_reply()
        send_message(message.pk)
    with at(start + timedelta(seconds=100)):
        assert relay_outbox() == 0
    with at(start + timedelta(seconds=121)):
        assert relay_outbox() == 1

    assert len(fake_at.requests) == 2


def test_two_relays_never_run_at_once(db, fake_at):
    start = timezone.now()
    with at(start):
        enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    cache.add(RELAY_LOCK, "1", timeout=60)
    with at(start + timedelta(minutes=2)):
        assert relay_outbox() == 0
        cache.delete(RELAY_LOCK)
        assert relay_outbox() == 1


def test_the_relay_runs_every_minute_from_celery_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "sms.tasks.relay_outbox")

    assert entry["schedule"] == 60.0
