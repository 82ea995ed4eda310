"""Two concurrent runs of the send task for one message reach the provider once (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection

from sms.gateways import Outcome
from sms.models import OutboundMessage
from sms.outbox import enqueue
from sms.tasks import send_message

pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture
def queued(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks with SKIP LOCKED need PostgreSQL (set DATABASE_URL).")
    with mock.patch("sms.tasks.send_message.apply_async"):  # no worker: the test runs the task itself
        return enqueue("+254712345678", "sign_in_code", "en", {"code": "123456"})


def run_in_thread(results: dict, name: str, task, *args) -> threading.Thread:
    def target():
        try:
            results[name] = task(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def test_two_concurrent_sends_of_one_message_reach_the_provider_once(queued, fake_at):
    fake_at.hang_requests(1)  # the first send holds its row lock while the provider "thinks"
    results: dict = {}

    first = run_in_thread(results, "first", send_message, queued.pk)
    assert fake_at.request_arrived.wait(10)
    second = run_in_thread(results, "second", send_message, queued.pk)
    second.join(10)
    fake_at.release()
    first.join(10)

    assert results == {"first": Outcome.SENT, "second": None}
    assert len(fake_at.requests) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutboundMessage.Status.SENT, 1)


def test_the_relay_skips_a_message_a_worker_is_sending(queued, fake_at, settings):
    from sms.tasks import relay_outbox

    settings.SMS_RELAY_GRACE_SECONDS = 0
    fake_at.hang_requests(1)
    results: dict = {}

    worker = run_in_thread(results, "worker", send_message, queued.pk)
    assert fake_at.request_arrived.wait(10)
    relay = run_in_thread(results, "relay", relay_outbox)
    relay.join(10)
    fake_at.release()
    worker.join(10)

    assert results == {"worker": Outcome.SENT, "relay": 0}
    assert len(fake_at.requests) == 1
