"""A real Celery worker, on Redis and the test PostgreSQL database, sends a queued message to the fake AT server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from sms.models import OutboundMessage
from sms.outbox import enqueue

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (and DATABASE_URL to PostgreSQL)"),
]

ROOT = Path(__file__).resolve().parent.parent


def database_url_of_this_run() -> str:
    """A URL naming the database this test run uses (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def worker(transactional_db, fake_at, settings):
    """A ``celery -A portal worker`` subprocess consuming a queue of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("The worker needs the test database in PostgreSQL (set DATABASE_URL).")
    from portal.celery import app

    queue = f"lango-test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "DATABASE_URL": database_url_of_this_run(),
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
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        assert wait_for(lambda: bool(app.control.ping([f"{queue}@{os.uname().nodename}"], timeout=0.5)), 60)
        yield process
    finally:
        app.conf.task_default_queue = default_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_real_worker_sends_a_message_queued_on_commit(worker, fake_at):
    message = enqueue("+254712345678", "sign_in_code", "en", {"code": "654321"})

    assert wait_for(lambda: fake_at.bodies() == [message.body], 60)
    assert wait_for(lambda: OutboundMessage.objects.get(pk=message.pk).status == "sent", 30)
    message.refresh_from_db()
    assert message.provider_message_id == fake_at.messages[0].message_id
