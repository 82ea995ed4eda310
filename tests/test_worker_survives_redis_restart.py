"""A real Celery worker keeps sending SMS after its Redis broker stops and comes back.

The worker holds a task it has not acknowledged (a retry waiting for its countdown, as
``acks_late`` leaves it) when its private ``redis-server`` stops; kombu's own transport then died
in ``restore_unacked`` (``'NoneType' object has no attribute 'hostname'``). With
``portal.celery_transport`` it reconnects when Redis returns and sends again, well within two minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from sms.models import OutboundMessage
from sms.outbox import enqueue
from tests.private_redis import REDIS_SERVER, PrivateRedis, wait_for
from tests.test_sms_celery_worker import database_url_of_this_run

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary"),
]

ROOT = Path(__file__).resolve().parent.parent
PORT = 6391


@pytest.fixture
def broker(settings):
    """A private Redis as this test's broker and cache, for the test process and its worker."""
    from portal.celery import app

    server = PrivateRedis(PORT)
    server.start()
    saved = app.conf.broker_url, app.conf.broker_transport, app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.broker_url = server.url
    app.conf.broker_transport = "portal.celery_transport:Transport"
    app.conf.task_default_queue = f"lango-restart-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    fresh_connections()
    try:
        yield server
    finally:
        app.conf.broker_url, app.conf.broker_transport, app.conf.task_default_queue, app.conf.task_always_eager = saved
        fresh_connections()
        server.stop()


@pytest.fixture
def worker(transactional_db, fake_at, settings, broker):
    if connection.vendor != "postgresql":
        pytest.skip("The worker needs the test database in PostgreSQL (set DATABASE_URL).")
    from portal.celery import app

    queue = app.conf.task_default_queue
    env = os.environ | {
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": broker.url,
        "SMS_BACKEND": "africastalking",
        "AT_USERNAME": "lango",
        "AT_API_KEY": settings.AT_API_KEY,
        "AT_API_BASE_URL": fake_at.base_url,
        "LOG_LEVEL": "WARNING",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"]
    command = [celery, "-A", "portal", "worker", "-Q", queue, "-n", f"{queue}@%h", "--concurrency", "2", *quiet]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        assert wait_for(lambda: bool(app.control.ping([f"{queue}@{os.uname().nodename}"], timeout=0.5)), 60)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fresh_connections() -> None:
    """Forget this process's broker connections (the test publishes as a new web request would)."""
    from portal.celery import app

    app._pool = None
    app.amqp._producer_pool = None


def sent(message) -> bool:
    return OutboundMessage.objects.get(pk=message.pk).status == "sent"


def test_the_worker_sends_again_within_two_minutes_of_redis_coming_back(worker, broker, fake_at):
    from sms.tasks import send_message

    first = enqueue("+254712345001", "sign_in_code", "en", {"code": "111111"})
    assert wait_for(lambda: sent(first), 60)
    # A task the worker holds unacknowledged (a retry's countdown) when Redis goes.
    held = enqueue("+254712345002", "sign_in_code", "en", {"code": "222222"})
    send_message.apply_async((held.pk,), countdown=600, retry=False)
    time.sleep(1)

    broker.stop()
    time.sleep(5)
    broker.start()
    back = time.monotonic()
    fresh_connections()

    after = enqueue("+254712345003", "sign_in_code", "en", {"code": "333333"})
    assert wait_for(lambda: sent(after), 120)
    assert time.monotonic() - back < 120
    assert worker.poll() is None, "the worker died"
