"""Transient failures retry after 5, 10 and 15 minutes then fail; the relay sends what was left behind."""

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


def test_transient_failures_retry_after_5_10_and_15_minutes_then_fail(db, fake_at):
    fake_at.script_recipient(PHONE, 500, 500, 500, 500)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        assert send_message(message.pk) == Outcome.RETRY
    waits = []
    moment = start
    for expected in (Outcome.RETRY, Outcome.RETRY, Outcome.FAILED):
        message.refresh_from_db()
        waits.append(message.next_attempt_at - moment)
        with at(message.next_attempt_at - timedelta(seconds=1)):
            assert send_message(message.pk) is None  # not due yet
        moment = message.next_attempt_at
        with at(moment):
            assert send_message(message.pk) == expected

    message.refresh_from_db()
    assert waits == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=15)]
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == 4
    assert len(fake_at.requests) == 4


def test_a_retry_that_gets_through_ends_as_sent(db, fake_at):
    fake_at.fail_requests(503, times=1)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        send_message(message.pk)
    with at(start + timedelta(minutes=5)):
        assert send_message(message.pk) == Outcome.SENT

    assert fake_at.bodies() == [message.body]


def test_the_retry_delays_come_from_the_settings(db, fake_at, settings):
    settings.SMS_RETRY_DELAYS_SECONDS = [7]
    fake_at.script_recipient(PHONE, 500, 500)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        send_message(message.pk)
    message.refresh_from_db()
    assert message.next_attempt_at == start + timedelta(seconds=7)
    with at(start + timedelta(seconds=7)):
        assert send_message(message.pk) == Outcome.FAILED


def test_a_gateway_error_costs_an_attempt_instead_of_looping(db, fake_at):
    message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    with mock.patch("sms.gateways.africastalking.AfricasTalkingGateway.send", side_effect=KeyError("bug")):
        assert send_message(message.pk) == Outcome.RETRY

    message.refresh_from_db()
    assert message.attempts == 1
    assert message.failure_reason == "error: KeyError"


def test_a_message_queued_while_the_broker_is_down_is_sent_by_the_relay(
    db, fake_at, django_capture_on_commit_callbacks
):
    start = timezone.now()
    broken = mock.patch("sms.tasks.send_message.apply_async", side_effect=OperationalError("broker down"))
    with at(start), broken, django_capture_on_commit_callbacks(execute=True):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
    assert fake_at.requests == []

    with at(start + timedelta(seconds=30)):
        assert relay_outbox() == 0  # still within the grace its own task has
    with at(start + timedelta(seconds=61)):
        assert relay_outbox() == 1
        assert relay_outbox() == 0

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert fake_at.bodies() == [message.body]


def test_the_relay_leaves_messages_retrying_until_they_are_due(db, fake_at):
    fake_at.script_recipient(PHONE, 500)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        send_message(message.pk)
    with at(start + timedelta(minutes=5, seconds=30)):
        assert relay_outbox() == 0
    with at(start + timedelta(minutes=6, seconds=1)):
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
