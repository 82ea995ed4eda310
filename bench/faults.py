"""Fault benchmark: the production stack under a steady mix of citizens while its parts fail, one by one.

The stack runs on loopback as in production: gunicorn, a Celery worker and beat (DEBUG off), a
``redis-server`` of its own (port 6392), a PostgreSQL database of its own (``lango_bench_faults``)
reached through a small TCP proxy that can stop forwarding, and the fake Africa's Talking (in this
process) posting delivery reports back. A steady mix runs throughout: citizen web pages, USSD
complaint journeys (each files a case and sends an acknowledgement SMS), inbound SMS (each
answered by SMS; a failed callback is posted again a few seconds later, as AT retries). One after
the other, it injects:

1. ``redis``: Redis stopped for 60 s, then started again (empty);
2. ``worker``: the Celery worker SIGKILLed, brought back 5 s later (as systemd's ``Restart=always``);
3. ``at-500``: AT answering HTTP 500 for 5 minutes (shortened retry schedule), then
   ``at-timeout``: AT accepting each message but answering after our timeout, for 30 s;
4. ``db-hung``: the database hung for 30 s (the proxy holds every byte, connections stay open).

For each it prints requests answered / asked to try again (a deliberate, translated 503 with
``Retry-After``, or the USSD apology) / errored (no answer, or an error nobody planned), the p99
round trip, SMS enqueued / delivered / duplicated / lost, inbound stored / lost, USSD journeys
completed / asked to dial again / broken, and the seconds to recover after the fault ends
(``/healthz`` ok again and an SMS accepted by AT again). The exit status is 1 when anything was
lost, duplicated, errored or broken.

    .venv/bin/python bench/faults.py [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
CELERY = str(Path(PYTHON).with_name("celery"))
DATABASE = "lango_bench_faults"
REDIS_PORT = 6392
PROXY_PORT = 8210
WEB_PORT = 8211
API_KEY = "bench-faults-key"
TOKEN = "bench-faults-callback-token-0123456789"
SERVICE_CODE = "*384*1#"
TIMINGS = {
    "SMS_RETRY_DELAYS_SECONDS": "5,10,20,40,80,160",
    "SMS_RELAY_GRACE_SECONDS": "10",
    "SMS_CLAIM_TIMEOUT_SECONDS": "15",
    "SMS_RECONCILE_SECONDS": "30",
    "AT_TIMEOUT_SECONDS": "3",
}
WEB_PAGES = ("/", "/track/", "/complain/", "/sign-in/", "/call-me-back/", "/fr/", "/ar/track/")
CLIENTS = 6
THINK_SECONDS = (0.2, 0.6)
INBOUND_RETRY_SECONDS = 5
AT_OUTAGE_SECONDS = 300
INBOUND_RETRIES = 30
# The polite END a caller reads when a part behind the service fails (the bench's callers use English).
USSD_APOLOGIES = {"END Sorry, something went wrong. Please dial again."}


# --- The stack ---------------------------------------------------------------------------------


def free(port: int) -> None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"port {port} is in use")


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or sys.exit("needs redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        sys.exit("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Supervised:
    """One process of the stack, in its own process group (so a SIGKILL takes its children too)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name, self.command, self.env = name, command, env
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        log = open(Path(tempfile.gettempdir()) / f"lango-faults-{self.name}.log", "a")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return bool(self.process) and self.process.poll() is None


def stack_env(database_url: str, redis_url: str, fake_base_url: str, beat_schedule: str) -> dict[str, str]:
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
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "lango-bench-faults",
            "SMS_BACKEND": "africastalking",
            "AT_USERNAME": "lango",
            "AT_API_KEY": API_KEY,
            "AT_API_BASE_URL": fake_base_url,
            "AT_CALLBACK_TOKEN": TOKEN,
            "USSD_SERVICE_CODE": SERVICE_CODE,
            "USSD_HOPS_PER_PHONE_PER_MINUTE": "1000",
            "SMS_INBOUND_PER_HOUR": "1000",
            "LOG_LEVEL": "WARNING",
            "PYTHONWARNINGS": "ignore::UserWarning",
            "BEAT_SCHEDULE": beat_schedule,
            **TIMINGS,
        }
    )
    return env


def prepare_database(admin_url: str, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    seed = "from demo.areas_and_programmes import create_areas, create_programmes; create_programmes(create_areas())"
    subprocess.run([PYTHON, "manage.py", "shell", "-c", seed], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )  # the pages need the static manifest when DEBUG is off
    site = "from demo.pages import create_site; create_site()"
    subprocess.run([PYTHON, "manage.py", "shell", "-c", site], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


# --- The fake AT, able to accept and then answer too late ----------------------------------------


def make_fake(delivery_reports_to: str):
    from tests.fakes.fake_at import FakeAfricasTalking

    class SlowFake(FakeAfricasTalking):
        """The fake AT that, while ``late_until`` is ahead, accepts each message and answers too late."""

        late_until = 0.0

        def answer_messaging(self, headers, form):
            answer = super().answer_messaging(headers, form)
            if time.monotonic() < self.late_until:
                time.sleep(float(TIMINGS["AT_TIMEOUT_SECONDS"]) + 2)
            return answer

    return SlowFake(api_key=API_KEY, username="lango", delivery_reports_to=delivery_reports_to)


# --- The citizens --------------------------------------------------------------------------------


@dataclass
class Event:
    at: float
    kind: str
    ok: bool
    ms: float
    try_again: bool = False  # a deliberate, translated "try again" (503 with Retry-After, the USSD apology)


@dataclass
class Journey:
    started: float
    completed: bool = False
    redial: bool = False  # ended early with the polite "please dial again"
    broken: bool = False  # no answer, a raw error, or an unexpected screen


@dataclass
class Load:
    events: list[Event] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)
    inbound_sent: dict[str, float] = field(default_factory=dict)  # provider id -> first sent
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    retries: list[tuple[float, dict, int]] = field(default_factory=list)


def request(method: str, path: str, form: dict | None = None, timeout: float = 15) -> tuple[int, str, float]:
    """One request; the status is 0 without an answer, and -503 for a deliberate 503 with ``Retry-After``."""
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=timeout)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        status = response.status
        if status == 503 and response.getheader("Retry-After"):
            status = -503
    except (OSError, http.client.HTTPException):
        status, text = 0, ""
    return status, text, (time.perf_counter() - started) * 1000


def record(load: Load, kind: str, ok: bool, ms: float, try_again: bool = False) -> None:
    with load.lock:
        load.events.append(Event(time.monotonic(), kind, ok, ms, try_again))


def web_visit(load: Load) -> None:
    status, _text, ms = request("GET", random.choice(WEB_PAGES))
    record(load, "web", status == 200, ms, try_again=status == -503)


def ussd_journey(load: Load) -> None:
    phone = f"+2547{random.randrange(10**7, 10**8)}"
    session = "ATUid_" + secrets.token_hex(8)
    journey = Journey(time.monotonic())
    with load.lock:
        load.journeys.append(journey)
    texts, inputs = [""], ["1", "4", "1", "No payment since March", "2", "1"]
    for value in inputs:
        texts.append(f"{texts[-1]}*{value}" if texts[-1] else value)
    for n, text in enumerate(texts):
        form = {
            "sessionId": session,
            "serviceCode": SERVICE_CODE,
            "phoneNumber": phone,
            "networkCode": "63902",
            "text": text,
        }
        status, reply, ms = request("POST", f"/ussd/at/{TOKEN}/", form, timeout=10)
        apology = status == 200 and reply in USSD_APOLOGIES
        record(load, "ussd", status == 200 and reply[:4] in ("CON ", "END ") and not apology, ms, try_again=apology)
        last = n == len(texts) - 1
        if apology:
            journey.redial = True
            return
        if status != 200 or (reply.startswith("END ") and not last):
            journey.broken = True
            return
        if last:
            journey.completed = reply.startswith("END ") and bool(re.search(r"\d{4}", reply))
            journey.broken = not journey.completed
            return
        time.sleep(random.uniform(*THINK_SECONDS))


def inbound_sms(load: Load, form: dict | None = None, attempt: int = 0) -> None:
    if form is None:
        provider_id = "ATXin_" + secrets.token_hex(8)
        sender = f"+2547{random.randrange(10**7, 10**8)}"
        form = {
            "from": sender,
            "to": "21525",
            "text": "HELP",
            "id": provider_id,
            "date": "2026-12-01 10:00:00",
            "linkId": "",
            "networkCode": "63902",
        }
        with load.lock:
            load.inbound_sent[provider_id] = time.monotonic()
    status, _text, ms = request("POST", f"/sms/at/{TOKEN}/inbound/", form)
    record(load, "inbound", status == 200, ms, try_again=status == -503)
    if status != 200 and attempt < INBOUND_RETRIES:
        with load.lock:
            load.retries.append((time.monotonic() + INBOUND_RETRY_SECONDS, form, attempt + 1))


def citizen(load: Load) -> None:
    while not load.stop.is_set():
        roll = random.random()
        if roll < 0.45:
            web_visit(load)
        elif roll < 0.75:
            ussd_journey(load)
        else:
            inbound_sms(load)
        time.sleep(random.uniform(*THINK_SECONDS))


def retrier(load: Load) -> None:
    """Post failed inbound callbacks again, as AT does."""
    while not load.stop.is_set() or load.retries:
        now = time.monotonic()
        with load.lock:
            due = [r for r in load.retries if r[0] <= now]
            load.retries = [r for r in load.retries if r[0] > now]
        for _when, form, attempt in due:
            inbound_sms(load, form, attempt)
        time.sleep(0.5)
        if load.stop.is_set() and time.monotonic() > now + 120:
            break


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    started: float = 0.0
    fault_ended: float = 0.0
    ended: float = 0.0
    healthz_ok_at: float | None = None
    sms_again_at: float | None = None
    started_wall: object = None
    ended_wall: object = None


def healthz_ok() -> bool:
    status, text, _ms = request("GET", "/healthz", timeout=5)
    return status == 200 and '"status": "ok"' in text


def watch_recovery(phase: Phase, fake, accepted_before: int, deadline: float) -> None:
    while time.monotonic() < deadline and (phase.healthz_ok_at is None or phase.sms_again_at is None):
        if phase.healthz_ok_at is None and healthz_ok():
            phase.healthz_ok_at = time.monotonic()
        if phase.sms_again_at is None and len(fake.messages) > accepted_before:
            phase.sms_again_at = time.monotonic()
        time.sleep(0.25)


def outbound_of(phase: Phase):
    from sms.models import OutboundMessage

    return OutboundMessage.objects.filter(created_at__gte=phase.started_wall, created_at__lt=phase.ended_wall)


def drain(phase: Phase, fake, seconds: float) -> None:
    """Wait until every message of the phase was accepted by AT (or failed), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        accepted = Counter((m.number, m.message) for m in list(fake.messages))
        rows = list(outbound_of(phase).values_list("to", "body", "status"))
        if all(accepted[(to, body)] or status == "failed" for to, body, status in rows):
            return
        time.sleep(2)


def report(phase: Phase, load: Load, fake) -> dict:
    from sms.models import InboundMessage

    events = [e for e in load.events if phase.started <= e.at < phase.ended]
    answered = sum(e.ok for e in events)
    try_again = sum(e.try_again for e in events)
    ms = sorted(e.ms for e in events)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else 0.0
    accepted = Counter((m.number, m.message) for m in list(fake.messages))
    rows = list(outbound_of(phase).values_list("to", "body", "status"))
    delivered = sum(1 for to, body, _s in rows if accepted[(to, body)] >= 1)
    duplicated = sum(1 for to, body, _s in rows if accepted[(to, body)] > 1)
    failed = sum(1 for to, body, status in rows if not accepted[(to, body)] and status == "failed")
    sent_ids = [pid for pid, at in load.inbound_sent.items() if phase.started <= at < phase.ended]
    stored = set(InboundMessage.objects.filter(provider_id__in=sent_ids).values_list("provider_id", flat=True))
    journeys = [j for j in load.journeys if phase.started <= j.started < phase.ended]
    recover = [t - phase.fault_ended for t in (phase.healthz_ok_at, phase.sms_again_at) if t is not None]
    return {
        "fault": phase.name,
        "answered": answered,
        "try again": try_again,
        "errored": len(events) - answered - try_again,
        "p99 ms": round(p99),
        "sms enq": len(rows),
        "deliv": delivered,
        "dup": duplicated,
        "lost": len(rows) - delivered,
        "failed": failed,
        "in stored": len(stored),
        "in lost": len(sent_ids) - len(stored),
        "ussd ok": sum(j.completed for j in journeys),
        "ussd redial": sum(j.redial for j in journeys),
        "ussd broken": sum(j.broken for j in journeys),
        "recover s": f"{max(recover):.1f}" if len(recover) == 2 else "never",
    }


def print_table(rows: list[dict]) -> None:
    headers = list(rows[0])
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[h]).ljust(w) for h, w in zip(headers, widths, strict=True)))


# --- The run -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres", help="a PostgreSQL server on loopback"
    )
    parser.add_argument("--settle", type=float, default=40.0, help="seconds of load after each fault ends")
    parser.add_argument("--drain", type=float, default=240.0, help="seconds at most to wait for a phase's SMS")
    args = parser.parse_args()

    from tests.tcp_proxy import HangingProxy

    for port in (REDIS_PORT, PROXY_PORT, WEB_PORT):
        free(port)
    parts = urllib.parse.urlsplit(args.database_url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        sys.exit("--database-url must be on loopback")
    direct_url = urllib.parse.urlunsplit(parts._replace(path="/" + DATABASE))
    proxied_url = urllib.parse.urlunsplit(
        parts._replace(path="/" + DATABASE, netloc=f"{parts.username or 'postgres'}@127.0.0.1:{PROXY_PORT}")
    )
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    workdir = Path(tempfile.mkdtemp(prefix="lango-faults-"))

    redis_server = RedisServer(REDIS_PORT)
    redis_server.start()
    fake = make_fake(f"http://127.0.0.1:{WEB_PORT}/sms/at/{TOKEN}").start()
    env = stack_env(proxied_url, redis_url, fake.base_url, str(workdir / "beat-schedule"))
    direct_env = env | {"DATABASE_URL": direct_url}
    print("Preparing the database …", flush=True)
    prepare_database(urllib.parse.urlunsplit(parts._replace(path="/postgres")), direct_env)

    # This process reads the results straight from PostgreSQL (not through the proxy).
    os.environ.update(direct_env)
    import django

    django.setup()

    proxy = HangingProxy(PROXY_PORT, (parts.hostname, parts.port or 5432)).__enter__()
    web = Supervised(
        "web",
        [
            GUNICORN,
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{WEB_PORT}",
            "--workers",
            "3",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        env,
    )
    worker = Supervised(
        "worker",
        [
            CELERY,
            "-A",
            "portal",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
    )
    beat = Supervised(
        "beat",
        [CELERY, "-A", "portal", "beat", "--loglevel", "WARNING", "--schedule", str(workdir / "beat-schedule")],
        env,
    )
    try:
        return run(args, fake, proxy, redis_server, web, worker, beat)
    finally:
        for process in (beat, worker, web):
            process.stop()
        proxy.close()
        fake.stop()
        redis_server.stop()


def run(args, fake, proxy, redis_server, web, worker, beat) -> int:
    """Start the stack, run the load through every fault, print the table; the exit status says if anything was lost."""
    for process in (web, worker, beat):
        process.start()
    deadline = time.monotonic() + 90
    while not healthz_ok():
        if time.monotonic() > deadline:
            sys.exit("the stack did not come up")
        time.sleep(0.5)
    print("Stack up: gunicorn, worker, beat, redis-server, PostgreSQL through the proxy, fake AT.", flush=True)

    load = Load()
    threads = [threading.Thread(target=citizen, args=(load,), daemon=True) for _ in range(CLIENTS)]
    threads.append(threading.Thread(target=retrier, args=(load,), daemon=True))
    for thread in threads:
        thread.start()

    from django.utils import timezone

    def run_phase(name: str, inject, restore, fault_seconds: float, pre: float = 15.0) -> Phase:
        phase = Phase(name)
        phase.started, phase.started_wall = time.monotonic(), timezone.now()
        print(f"[{name}] load for {pre:.0f} s, then the fault for {fault_seconds:.0f} s …", flush=True)
        time.sleep(pre)
        inject()
        time.sleep(fault_seconds)
        accepted_before = len(fake.messages)
        restore()
        phase.fault_ended = time.monotonic()
        watch_recovery(phase, fake, accepted_before, phase.fault_ended + args.settle)
        remaining = phase.fault_ended + args.settle - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        phase.ended, phase.ended_wall = time.monotonic(), timezone.now()
        if phase.healthz_ok_at is None or phase.sms_again_at is None:
            watch_recovery(phase, fake, accepted_before, time.monotonic() + 120)
        return phase

    def kill_worker():
        worker.kill()

    def bring_worker_back():
        time.sleep(5)  # systemd: Restart=always, RestartSec
        worker.start()

    def at_500_then_late():
        fake.fail_requests(500, seconds=AT_OUTAGE_SECONDS)

    phases = [
        run_phase("none (baseline)", lambda: None, lambda: None, 0),
        run_phase("redis stopped 60 s", redis_server.stop, redis_server.start, 60),
        run_phase("worker SIGKILL", kill_worker, bring_worker_back, 0),
        run_phase(f"AT 500 for {AT_OUTAGE_SECONDS} s", at_500_then_late, lambda: None, AT_OUTAGE_SECONDS),
        run_phase(
            "AT accepts, answers late 30 s",
            lambda: setattr(fake, "late_until", time.monotonic() + 30),
            lambda: None,
            30,
        ),
        run_phase("database hung 30 s", proxy.hang, proxy.resume, 30),
    ]
    load.stop.set()
    for thread in threads[:-1]:
        thread.join(timeout=30)
    print("Load stopped; waiting for every SMS to be delivered …", flush=True)
    for phase in phases:
        drain(phase, fake, args.drain)
    time.sleep(5)
    rows = [report(phase, load, fake) for phase in phases]
    processes = {p.name: ("alive" if p.alive() else f"exited {p.process.returncode}") for p in (web, worker, beat)}

    print()
    print_table(rows)
    print()
    print(
        f"processes at the end: {processes}; lost = enqueued but never accepted by AT (failed included: "
        f"{sum(r['failed'] for r in rows)}); dup = accepted by AT more than once; "
        f"retry schedule {TIMINGS['SMS_RETRY_DELAYS_SECONDS']} s"
    )
    bad = any(r["lost"] or r["dup"] or r["in lost"] or r["errored"] or r["ussd broken"] for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
