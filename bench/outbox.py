"""Outbox benchmark: 10,000 queued SMS through real Celery workers to the fake AT server, none twice, none lost.

PostgreSQL and Redis on loopback; a database of its own (``lango_bench_outbox``, dropped, created
and migrated on each run) and a Redis database number of its own (its Celery queue is purged).
The fake Africa's Talking server runs as a subprocess on 127.0.0.1 and counts what it accepts.
Like AT, it posts delivery reports to the site (gunicorn, also on loopback) — but late
(``REPORT_DELAY_SECONDS`` after each message, longer than a dead sender's claim lasts), and in run 2
not for every message. Messages go through the real SDK, the real ``sms.tasks.send_message`` and
the real relay. Several messages go to each phone (``MESSAGES_PER_PHONE``), spread through the
queue as a person's messages are, so reports cannot be matched by number alone. Messages are of
two kinds: replies, whose repeat is harmless, and decisions, never sent twice blindly.

1. **Killed worker.** N messages are queued (their tasks published to Redis), then worker
   processes start (default 2 × 4 prefork children). When a third of them has gone out, one worker
   is sent SIGKILL (its pool children die with it, mid-send) and a replacement is started. The
   relay (``sms.tasks.relay_outbox``, run every 2 s by this script as beat would every minute)
   must send what the dead worker had reserved, and settle what it was sending: a message the
   provider took just before the kill is recorded from its late delivery report, not sent again.
2. **Provider down, then timing out.** N more decisions are queued while the fake answers HTTP
   500 for its first 30 seconds; then it accepts every ``SLOW_EVERY``-th request but answers only
   after the client's timeout, and posts no report for a share ``1 - REPORT_RATIO`` of messages.
   Every message must still reach the fake exactly once: unconfirmed sends are settled from
   reports or left for a supervisor, never repeated blindly.

Timings are shrunk for the benchmark through the environment (production defaults in brackets):
``SMS_RETRY_DELAYS_SECONDS=10,20,40`` (60 s … 2 h, over 6 h), ``SMS_RELAY_GRACE_SECONDS=20`` (60),
``SMS_CLAIM_TIMEOUT_SECONDS=10`` (120), ``SMS_RECONCILE_SECONDS=30`` (600), ``AT_TIMEOUT_SECONDS=2`` (10).

Each run prints messages/s, time to drain, duplicates (texts the fake accepted more than once),
lost (queued texts it never accepted) and failed; all must be 0. It also prints how unconfirmed
sends were settled and how many were left for a supervisor (accepted by the fake, no report).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/outbox.py [--messages 10000] [--workers 2] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))
BENCH_DATABASE = os.environ.get("BENCH_OUTBOX_DATABASE", "lango_bench_outbox")
API_KEY = "bench-at-key"
RELAY_EVERY_SECONDS = 2.0
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
BENCH_TIMINGS = {
    "SMS_RETRY_DELAYS_SECONDS": "10,20,40",
    "SMS_RELAY_GRACE_SECONDS": "20",
    "SMS_CLAIM_TIMEOUT_SECONDS": "10",
    "SMS_RECONCILE_SECONDS": "30",
    "AT_TIMEOUT_SECONDS": "2",
}
PROVIDER_DOWN_SECONDS = 30
REPORT_DELAY_SECONDS = 12.0
REPORT_RATIO = 0.8  # run 2: a fifth of the messages never get a delivery report
SLOW_EVERY = 50  # run 2: every 50th request is accepted, then answered after the client's timeout
SLOW_SECONDS = 3.0
MESSAGES_PER_PHONE = 4
DECISION_SHARE = 5  # run 1: one message in five is a decision, the others replies
KILL_AT_SHARE = 1 / 3


def require_loopback(url: str, name: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit(f"{name} must point at this machine (loopback only), not {host!r}.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url(server_url: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DATABASE))


def recreate_database(server_url: str) -> None:
    """Drop and create the benchmark's own database."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


# --- The fake AT server (a subprocess) ---------------------------------------------------------


class FakeServer:
    """``python -m tests.fakes.fake_at`` in a subprocess, scripted and read over its control endpoints."""

    def __init__(self, delivery_reports_to: str) -> None:
        self.port = free_port()
        command = [PYTHON, "-m", "tests.fakes.fake_at", "--port", str(self.port), "--api-key", API_KEY]
        self.process = subprocess.Popen(
            [*command, "--delivery-reports-to", delivery_reports_to], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        self.process.stdout.readline()  # the banner: it is listening

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/version1"

    def _call(self, method: str, path: str, fields: dict | None = None) -> bytes:
        data = urllib.parse.urlencode(fields or {}).encode() if method == "POST" else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def stats(self) -> dict:
        return json.loads(self._call("GET", "/_fake/stats"))

    def accepted(self) -> int:
        return self.stats()["accepted"]

    def messages(self) -> dict:
        return json.loads(self._call("GET", "/_fake/messages"))

    def reset(self) -> None:
        self._call("POST", "/_fake/reset")

    def fail_for(self, seconds: float, status: int = 500) -> None:
        self._call("POST", "/_fake/fail", {"status": str(status), "seconds": str(seconds)})

    def slow_down(self, seconds: float, every: int) -> None:
        self._call("POST", "/_fake/slow", {"seconds": str(seconds), "every": str(every)})

    def reports(self, delay: float, ratio: float) -> None:
        self._call("POST", "/_fake/reports", {"delay": str(delay), "ratio": str(ratio)})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class WebServer:
    """The site under gunicorn on loopback, to receive the fake's delivery reports."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env | {"PYTHONWARNINGS": "ignore::UserWarning"},  # no collected static files: not served here
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


# --- Celery workers (subprocesses) -------------------------------------------------------------


class Workers:
    """Celery worker processes, each in a session of its own so it can be killed with its children."""

    def __init__(self, env: dict[str, str], concurrency: int) -> None:
        self.env = env
        self.concurrency = concurrency
        self.processes: list[subprocess.Popen] = []
        self.log = tempfile.NamedTemporaryFile("w", prefix="lango-bench-outbox-workers-", suffix=".log", delete=False)

    def start(self) -> subprocess.Popen:
        name = f"bench{len(self.processes) + 1}-{secrets.token_hex(3)}@%h"
        command = [CELERY, "-A", "portal", "worker", "-n", name, "--concurrency", str(self.concurrency)]
        command += ["--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        command += ["--loglevel", "WARNING"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and its pool children (Celery's children die with their parent anyway)."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)  # and any orphaned pool child
            except ProcessLookupError:
                pass
        self.log.close()


# --- The relay, as beat would run it -----------------------------------------------------------


class RelayLoop(threading.Thread):
    """Run ``sms.tasks.relay_outbox`` every few seconds, as Celery beat does every minute."""

    def __init__(self) -> None:
        super().__init__(name="relay", daemon=True)
        self.stopping = threading.Event()
        self.sent = 0

    def run(self) -> None:
        from django.db import connection

        from sms.tasks import relay_outbox

        while not self.stopping.wait(RELAY_EVERY_SECONDS):
            self.sent += relay_outbox()
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


class SettledClaims(logging.Handler):
    """Count how the relay settled unconfirmed sends (from ``sms.delivery``'s log)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.recorded = 0
        self.resent = 0
        self.left = 0

    def emit(self, record: logging.LogRecord) -> None:
        from sms.delivery import LEFT_UNCONFIRMED, RECORDED_FROM_REPORT, SENT_AGAIN

        if record.msg == RECORDED_FROM_REPORT:
            self.recorded += 1
        elif record.msg == SENT_AGAIN:
            self.resent += 1
        elif record.msg == LEFT_UNCONFIRMED:
            self.left += 1

    def counts(self) -> tuple[int, int, int]:
        return self.recorded, self.resent, self.left


# --- Runs --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    queued: int
    seconds: float
    duplicates: int
    lost: int
    failed: int
    relayed: int
    unconfirmed: int
    recorded_from_reports: int
    sent_again: int
    left_for_supervisor: int

    def line(self) -> str:
        rate = self.queued / self.seconds if self.seconds else 0.0
        return (
            f"{self.name}: {self.queued} queued, drained in {self.seconds:.1f} s, {rate:.0f} messages/s, "
            f"duplicates {self.duplicates}, lost {self.lost}, failed {self.failed}; sent by the relay {self.relayed}; "
            f"unconfirmed {self.unconfirmed}: {self.recorded_from_reports} matched to a late report, "
            f"{self.sent_again} sent once more (repeat harmless, no report), "
            f"{self.left_for_supervisor} left for a supervisor (no report; the fake had accepted each)"
        )


def queue_messages(run: int, count: int, decisions_every: int) -> list[str]:
    """Queue ``count`` distinct messages (published to the broker on commit); return their texts.

    Every ``decisions_every``-th message is a decision (never repeated blindly), the others are
    replies (a repeat is harmless). ``MESSAGES_PER_PHONE`` messages go to each phone, spread
    through the queue.
    """
    from django.db import transaction

    from sms.outbox import enqueue

    phones = max(1, count // MESSAGES_PER_PHONE)
    bodies = []
    for start in range(0, count, 500):
        with transaction.atomic():
            for index in range(start, min(start + 500, count)):
                phone = f"+2547{run}{index % phones:07d}"
                reference = f"R{run}{index:07d}"
                if index % decisions_every == 0:
                    context = {"reference": reference, "programme": "Child grant"}
                    message = enqueue(phone, "application_enrolled", "en", context)
                else:
                    message = enqueue(phone, "track_closed", "en", {"reference": reference, "status": "Answered"})
                bodies.append(message.body)
    return bodies


def pending() -> int:
    """Messages not settled yet: waiting, being sent, or unconfirmed and waiting for a report."""
    from django.db.models import Q

    from sms.models import OutboundMessage

    Status = OutboundMessage.Status
    unsettled = Q(status__in=(Status.PENDING, Status.SENDING)) | Q(
        status=Status.UNCONFIRMED, next_attempt_at__isnull=False
    )
    return OutboundMessage.objects.filter(unsettled).count()


def failed() -> int:
    from sms.models import OutboundMessage

    return OutboundMessage.objects.filter(status=OutboundMessage.Status.FAILED).count()


def unconfirmed_ever(bodies: list[str]) -> int:
    """Messages of this run whose send was unconfirmed at some point (their reason says so, or still are)."""
    from django.db.models import Q

    from sms.models import OutboundMessage

    reasons = Q(failure_reason__startswith="sent again") | Q(failure_reason__startswith="no delivery report")
    marked = OutboundMessage.objects.filter(body__in=bodies).filter(
        reasons | Q(status=OutboundMessage.Status.UNCONFIRMED)
    )
    return marked.count()


def wait_until_drained(fake: FakeServer, deadline: float, on_progress=None) -> float | None:
    """Wait until no message is unsettled; return when the fake first accepted one (monotonic)."""
    first_accepted = None
    while pending() > 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"not drained in time: {pending()} still unsettled, {fake.accepted()} accepted")
        accepted = fake.accepted()
        if accepted and first_accepted is None:
            first_accepted = time.monotonic()
        if on_progress:
            on_progress(accepted)
        time.sleep(0.25)
    return first_accepted


def tally(name: str, fake: FakeServer, bodies: list[str], seconds: float, relayed: int, settled: tuple) -> Result:
    time.sleep(REPORT_DELAY_SECONDS + 3)  # let anything late (a report, a redelivered task) arrive first
    received = Counter(row[1] for row in fake.messages()["messages"])
    duplicates = sum(1 for body in bodies if received[body] > 1)
    for body in bodies:
        if received[body] > 1:
            print(f"  sent {received[body]} times: {body!r}")
    lost = sum(1 for body in bodies if received[body] == 0)
    for body in bodies:
        if received[body] == 0:
            print(f"  never sent: {body!r}")
    recorded, resent, left = settled
    return Result(
        name,
        len(bodies),
        seconds,
        duplicates,
        lost,
        failed(),
        relayed,
        unconfirmed_ever(bodies),
        recorded,
        resent,
        left,
    )


def run_killed_worker(fake: FakeServer, workers: Workers, relay: RelayLoop, claims: SettledClaims, args) -> Result:
    fake.reports(REPORT_DELAY_SECONDS, 1.0)
    bodies = queue_messages(1, args.messages, DECISION_SHARE)
    print(f"run 1: {len(bodies)} messages queued; starting {args.workers} workers", flush=True)
    started = time.monotonic()
    first = [workers.start() for _ in range(args.workers)]
    killed = False

    def kill_once(accepted: int) -> None:
        nonlocal killed
        if not killed and accepted >= args.messages * KILL_AT_SHARE:
            workers.kill(first[0])
            killed = True
            print(f"run 1: SIGKILL worker pid {first[0].pid} at {accepted} sent; starting a replacement", flush=True)
            workers.start()

    relayed_before = relay.sent
    before = claims.counts()
    wait_until_drained(fake, started + args.timeout, kill_once)
    seconds = time.monotonic() - started
    settled = tuple(now - then for now, then in zip(claims.counts(), before, strict=True))
    return tally(
        "run 1 (worker killed, reports 12 s late)", fake, bodies, seconds, relay.sent - relayed_before, settled
    )


def run_provider_down(fake: FakeServer, relay: RelayLoop, claims: SettledClaims, args) -> Result:
    fake.reset()
    fake.reports(REPORT_DELAY_SECONDS, REPORT_RATIO)
    fake.fail_for(PROVIDER_DOWN_SECONDS)
    fake.slow_down(SLOW_SECONDS, SLOW_EVERY)
    started = time.monotonic()
    relayed_before = relay.sent
    before = claims.counts()
    bodies = queue_messages(2, args.messages, 1)
    print(
        f"run 2: {len(bodies)} decisions queued while the provider answers HTTP 500 for {PROVIDER_DOWN_SECONDS} s, "
        f"then answers every {SLOW_EVERY}th request after our timeout; {1 - REPORT_RATIO:.0%} of reports never come",
        flush=True,
    )
    wait_until_drained(fake, started + args.timeout)
    seconds = time.monotonic() - started
    settled = tuple(now - then for now, then in zip(claims.counts(), before, strict=True))
    name = "run 2 (HTTP 500 for 30 s, then late answers, 20% of reports missing)"
    return tally(name, fake, bodies, seconds, relay.sent - relayed_before, settled)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds each run may take at most")
    args = parser.parse_args()
    server_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL server) and REDIS_URL (a Redis database number of its own).")
    require_loopback(server_url, "DATABASE_URL")
    require_loopback(redis_url, "REDIS_URL")

    token = secrets.token_urlsafe(24)
    web_port = free_port()
    fake = FakeServer(f"http://127.0.0.1:{web_port}/sms/at/{token}")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "AT_CALLBACK_TOKEN": token,
            "DATABASE_URL": bench_database_url(server_url),
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "lango-bench-outbox",
            "SMS_BACKEND": "africastalking",
            "AT_USERNAME": "lango",
            "AT_API_KEY": API_KEY,
            "AT_API_BASE_URL": fake.base_url,
            "LOG_LEVEL": "ERROR",
            **BENCH_TIMINGS,
        }
    )
    workers = Workers(env, args.concurrency)
    relay = web = None
    try:
        print(f"creating and migrating {BENCH_DATABASE} …", flush=True)
        recreate_database(server_url)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        web = WebServer(env, web_port)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from portal.celery import app

        app.control.purge()
        with app.connection_for_write() as connection:  # tasks a killed worker of an earlier run held
            connection.default_channel.client.delete("unacked", "unacked_index")
        claims = SettledClaims()
        delivery_log = logging.getLogger("sms.delivery")
        delivery_log.setLevel(logging.WARNING)
        delivery_log.propagate = False
        delivery_log.addHandler(claims)
        relay = RelayLoop()
        relay.start()
        results = [
            run_killed_worker(fake, workers, relay, claims, args),
            run_provider_down(fake, relay, claims, args),
        ]
        reports = fake.stats()["reports_posted"]
    finally:
        if relay is not None:
            relay.stop()
        workers.stop_all()
        fake.stop()
        if web is not None:
            web.stop()
    print()
    for result in results:
        print(result.line())
    print(f"delivery reports posted by the fake, by our HTTP answer: {reports}")
    ok = all(r.duplicates == 0 and r.lost == 0 and r.failed == 0 for r in results)
    print("OK: nothing sent twice, nothing lost." if ok else "FAILED: duplicates or lost messages.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
