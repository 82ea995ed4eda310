"""USSD benchmark: many simulated phones completing the apply journey against gunicorn.

Production settings (DEBUG off, a long secret key, hosts, callback token) on PostgreSQL and Redis on
loopback, in a database of its own (``lango_bench_ussd``, migrated and seeded with the demo areas
and programmes) and a Redis database of its own. Against the USSD callback, then (in the same run,
on the same server) against a bare Django view:

1. an open-loop client offering a fixed rate (200 hops/s by default) from phones that take
   0.2 to 1 s to answer each screen, so that about a hundred sessions are open at once: latency;
2. a closed-loop client with a fixed number of phones always waiting for an answer: throughput,
   for the apply journey and for a menus-only walk (the engine without the domain's writes).

Server time is read from a ``Server-Timing`` header added by a middleware that only this benchmark
switches on (``LANGO_BENCH_SERVER_TIMING``); it spans the whole Django middleware stack. A few hops
are sent twice at once, as a flaky network would, and the database is checked for duplicate
applications at the end. The exit status is 0 when there were no errors and no duplicates.

    .venv/bin/python bench/ussd.py [--rate 200] [--seconds 30] [--workers N] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import heapq
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
SERVICE_CODE = "*384*1#"
# Inputs of the apply journey (English, Coast / Kilifi, 75 years old, household of 4), then
# advice → choose → toggle the first programme → done (5 demo programmes: key 7) → agree → send.
APPLY_INPUTS = [
    "1",
    "1",
    "Amina Wanjiru",
    "1950",
    "1",
    "0",
    "1",
    "1",
    "4",
    "2",
    "1",
    "0",
    "1",
    "1",
    "1",
    "7",
    "1",
    "1",
]
# Menus only (no application): every screen change the engine does, with a single write (the language).
BROWSE_INPUTS = ["1", "4", "0", "6", "0", "7", "0", "5", "0", "1", "Amina Wanjiru", "0", "00", "4", "0", "6", "0", "00"]
DUPLICATE_SHARE = 0.02
# Seconds a simulated person takes to read a screen and type (open-loop phase).
THINK_SECONDS = (0.2, 1.0)


# --- Server --------------------------------------------------------------------------------------


def server_env(args, token: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "AT_CALLBACK_TOKEN": token,
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "CACHE_KEY_PREFIX": "lango-bench-ussd",
            "USSD_SERVICE_CODE": SERVICE_CODE,
            "LANGO_BENCH_BARE_VIEW": "1",
            "LANGO_BENCH_SERVER_TIMING": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prepare_database(args, env: dict[str, str]) -> None:
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seed = "from demo.areas_and_programmes import create_areas, create_programmes; create_programmes(create_areas())"
    run([PYTHON, "manage.py", "shell", "-c", seed], env)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [
        GUNICORN,
        "portal.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--preload",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        raise SystemExit("gunicorn did not start")
    return server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- Client --------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: str
    server_ms: float | None
    round_trip_ms: float


async def post(port: int, path: str, form: dict[str, str]) -> Reply:
    """One HTTP/1.1 POST on a fresh connection (gunicorn's sync workers close each one)."""
    body = urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(head + body)
        await writer.drain()
        raw = await reader.read()
        writer.close()
    except OSError as exc:  # refused or reset (the listen backlog overflowed): an error, counted
        return Reply(0, f"connection failed: {exc.__class__.__name__}", None, (time.perf_counter() - started) * 1000)
    elapsed = (time.perf_counter() - started) * 1000
    header_part, _sep, content = raw.partition(b"\r\n\r\n")
    lines = header_part.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    server_ms = None
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        if name.lower() == "server-timing" and "dur=" in value:
            server_ms = float(value.split("dur=", 1)[1].split(";")[0])
    return Reply(status, content.decode("utf-8", "replace"), server_ms, elapsed)


@dataclass
class Tally:
    server_ms: list[float] = field(default_factory=list)
    round_trip_ms: list[float] = field(default_factory=list)
    hops: int = 0
    errors: int = 0
    journeys_done: int = 0
    started: float = 0.0
    finished: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    most_open_sessions: int = 0

    def record(self, reply: Reply, step: int = 0) -> None:
        self.hops += 1
        self.round_trip_ms.append(reply.round_trip_ms)
        if reply.server_ms is not None:
            self.server_ms.append(reply.server_ms)
            self.by_step.setdefault(step, []).append(reply.server_ms)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)

    @property
    def rate(self) -> float:
        return self.hops / max(self.finished - self.started, 1e-9)

    def merged(self, other: Tally) -> Tally:
        """This tally and a later one of the same phase, as one (their durations add up)."""
        both = Tally(
            server_ms=self.server_ms + other.server_ms,
            round_trip_ms=self.round_trip_ms + other.round_trip_ms,
            hops=self.hops + other.hops,
            errors=self.errors + other.errors,
            journeys_done=self.journeys_done + other.journeys_done,
            error_samples=(self.error_samples + other.error_samples)[:5],
            most_open_sessions=max(self.most_open_sessions, other.most_open_sessions),
        )
        both.finished = (self.finished - self.started) + (other.finished - other.started)
        for step, times in (*self.by_step.items(), *other.by_step.items()):
            both.by_step.setdefault(step, []).extend(times)
        return both


class Phone:
    """One simulated phone walking a journey (the apply journey by default), one hop at a time."""

    counter = 0

    def __init__(self, token: str, bare: bool, inputs: list[str] | None = None):
        Phone.counter += 1
        self.number = f"+25471{Phone.counter:07d}"
        self.session_id = "ATUid_bench_" + secrets.token_hex(8)
        self.path = "/ussd/bench/bare/" if bare else f"/ussd/at/{token}/"
        self.bare = bare
        self.inputs = APPLY_INPUTS if inputs is None else inputs
        self.applies = self.inputs is APPLY_INPUTS
        self.step = 0
        self.text = ""

    @property
    def done(self) -> bool:
        return self.step > len(self.inputs)

    def form(self) -> dict[str, str]:
        return {
            "sessionId": self.session_id,
            "serviceCode": SERVICE_CODE,
            "phoneNumber": self.number,
            "networkCode": "63902",
            "text": self.text,
        }

    async def hop(self, port: int, tally: Tally) -> None:
        """Send the next hop (sometimes twice at once) and check the answer."""
        form = self.form()
        if not self.bare and random.random() < DUPLICATE_SHARE:
            replies = await asyncio.gather(post(port, self.path, form), post(port, self.path, form))
            if replies[0].status == replies[1].status == 200 and replies[0].body != replies[1].body:
                tally.error(f"duplicate hop answered differently: {replies[0].body!r} / {replies[1].body!r}")
            reply = replies[0]
            tally.record(replies[1], self.step)
        else:
            reply = await post(port, self.path, form)
        tally.record(reply, self.step)
        finished = len(self.inputs) + 1
        if reply.status != 200 or not reply.body.startswith(("CON ", "END ")):
            tally.error(f"{reply.status}: {reply.body[:80]!r}")
            self.step = finished
            return
        last = self.step == len(self.inputs)
        if not self.bare:
            if reply.body.startswith("END ") and not (last and self.applies):
                tally.error(f"ended at hop {self.step}: {reply.body[:80]!r}")
                self.step = finished
                return
            if last and self.applies and "Ref 1 " not in reply.body:
                tally.error(f"no reference at the end: {reply.body[:80]!r}")
        if last and self.applies:
            tally.journeys_done += 1
        if self.step < len(self.inputs):
            value = self.inputs[self.step]
            self.text = f"{self.text}*{value}" if self.step else value
        self.step += 1


async def open_loop(port: int, token: str, bare: bool, rate: float, seconds: float) -> Tally:
    """Offer ``rate`` hops per second whatever the answers' speed.

    Each phone waits for its answer, then "reads and types" for THINK_SECONDS before its next hop,
    so that many sessions are open at once, as on a real network; when no phone is ready at a
    tick, a new one dials.
    """
    tally = Tally()
    ready: list[tuple[float, int, Phone]] = []
    pending: set[asyncio.Task] = set()
    interval = 1.0 / rate
    tally.started = time.perf_counter()
    next_at = tally.started
    end_at = tally.started + seconds

    async def run_hop(phone: Phone) -> None:
        await phone.hop(port, tally)
        if not phone.done:
            think = random.uniform(*THINK_SECONDS)
            heapq.heappush(ready, (time.perf_counter() + think, id(phone), phone))

    while True:
        now = time.perf_counter()
        if now >= end_at:
            break
        if now < next_at:
            await asyncio.sleep(next_at - now)
            continue
        phone = heapq.heappop(ready)[2] if ready and ready[0][0] <= now else Phone(token, bare)
        tally.most_open_sessions = max(tally.most_open_sessions, len(ready) + len(pending) + 1)
        task = asyncio.create_task(run_hop(phone))
        pending.add(task)
        task.add_done_callback(pending.discard)
        next_at += interval
    if pending:
        await asyncio.gather(*pending)
    tally.finished = time.perf_counter()
    return tally


async def closed_loop(
    port: int, token: str, bare: bool, concurrency: int, seconds: float, inputs: list[str] | None = None
) -> Tally:
    """``concurrency`` phones, each sending its next hop as soon as it has the answer."""
    tally = Tally()
    tally.started = time.perf_counter()
    end_at = tally.started + seconds

    async def phone_loop() -> None:
        phone = Phone(token, bare, inputs)
        while time.perf_counter() < end_at:
            if phone.done:
                phone = Phone(token, bare, inputs)
            await phone.hop(port, tally)

    await asyncio.gather(*(phone_loop() for _ in range(concurrency)))
    tally.finished = time.perf_counter()
    return tally


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(label: str, tally: Tally) -> str:
    server, trip = tally.server_ms, tally.round_trip_ms
    return (
        f"{label:<34} {tally.rate:8.1f} hops/s  server p50 {percentile(server, 0.5):6.2f}  "
        f"p95 {percentile(server, 0.95):6.2f}  p99 {percentile(server, 0.99):6.2f} ms  "
        f"round trip p50 {percentile(trip, 0.5):6.2f}  p99 {percentile(trip, 0.99):6.2f} ms  "
        f"errors {tally.errors}  hops {tally.hops}"
        + (f"  sessions open at once up to {tally.most_open_sessions}" if tally.most_open_sessions else "")
    )


def duplicate_applications(database_url: str) -> tuple[int, int]:
    """The number of applications, and how many phones have more than one."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        total = conn.execute("SELECT COUNT(*) FROM registry_application").fetchone()[0]
        duplicated = conn.execute(
            "SELECT COUNT(*) FROM (SELECT p.phone FROM registry_application a "
            "JOIN registry_person p ON p.id = a.applicant_id GROUP BY p.phone HAVING COUNT(*) > 1) d"
        ).fetchone()[0]
    return total, duplicated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="offered hops per second in the latency phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each measured phase")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds of load before measuring")
    parser.add_argument("--concurrency", type=int, default=16, help="phones in the throughput phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the throughput phases")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn sync workers (default: one per core)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lango_bench_ussd"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    # One sync worker per core: hops are short and CPU-bound, and the client shares the cores; more
    # workers only add context switches on a small machine (measured: 2 beat 3 to 5 on 2 cores).
    workers = args.workers or cores
    token = secrets.token_urlsafe(24)
    env = server_env(args, token)
    print(f"nproc {cores}; gunicorn {workers} sync workers; PostgreSQL {args.database_url}; Redis {args.redis_url}")
    prepare_database(args, env)
    port = free_port()
    server = start_gunicorn(env, port, workers)
    try:
        results, rounds, warmup_journeys = asyncio.run(measure(args, port, token))
    finally:
        server.terminate()
        server.wait(timeout=30)

    total, duplicated = duplicate_applications(args.database_url)
    journeys = warmup_journeys + sum(t.journeys_done for key, t in results.items() if key.startswith("ussd"))
    print()
    for key, tally in results.items():
        print(describe(key, tally))
        for sample in tally.error_samples:
            print(f"    error: {sample}")
    at_rate = results[f"ussd at {args.rate:.0f} hops/s"]
    print()
    print("server time per hop of the journey at the offered rate (ms):")
    for step, times in sorted(at_rate.by_step.items()):
        print(f"  hop {step:2d}: p50 {percentile(times, 0.5):6.2f}  p99 {percentile(times, 0.99):6.2f}  n={len(times)}")
    ratios = sorted(r["ussd, max throughput"] / r["bare view, max throughput"] for r in rounds)
    menus_ratios = sorted(r["ussd menus only, max throughput"] / r["bare view, max throughput"] for r in rounds)
    ratio, menus_ratio = statistics.median(ratios), statistics.median(menus_ratios)
    print()
    print("throughput per round (hops/s): apply journey / bare view / menus only")
    for number, rates in enumerate(rounds, 1):
        print(
            f"  round {number}: {rates['ussd, max throughput']:7.1f} / {rates['bare view, max throughput']:7.1f} / "
            f"{rates['ussd menus only, max throughput']:7.1f}"
        )
    print()
    extra = total - journeys
    print(f"apply journeys completed (warm-up included): {journeys}; applications in the database: {total}")
    print(f"duplicate applications: {extra + duplicated} (extra rows {extra}, phones with two or more {duplicated})")
    spread = f"rounds {ratios[0]:.2f} to {ratios[-1]:.2f}"
    print(f"throughput ratio USSD apply journey / bare view: {ratio:.2f} (median of {len(rounds)}; {spread})")
    print(f"throughput ratio USSD menus only / bare view: {menus_ratio:.2f} (median of {len(rounds)})")
    p99 = percentile(at_rate.server_ms, 0.99)
    print(f"target p99 <= 50 ms at {args.rate:.0f} hops/s: {'met' if p99 <= 50 else 'NOT met'} ({p99:.2f} ms)")
    print(f"target ratio >= 0.5 (apply journey): {'met' if ratio >= 0.5 else 'NOT met'}")
    errors = sum(t.errors for t in results.values())
    return 0 if errors == 0 and duplicated == 0 and extra == 0 else 1


async def measure(args, port: int, token: str) -> tuple[dict[str, Tally], list[dict[str, float]], int]:
    """Run the latency phase on both endpoints, then the throughput phases in interleaved rounds.

    Each round measures the apply journey, the bare view and the menus-only walk back to back, so
    that a slow spell of a shared machine weighs on all three alike; the ratio is taken per round.
    """
    results: dict[str, Tally] = {}
    warmup = await open_loop(port, token, False, args.rate, args.warmup)
    warmup_journeys = warmup.journeys_done
    results[f"ussd at {args.rate:.0f} hops/s"] = await open_loop(port, token, False, args.rate, args.seconds)
    await open_loop(port, token, True, args.rate, min(args.warmup, 3.0))
    results[f"bare view at {args.rate:.0f} hops/s"] = await open_loop(port, token, True, args.rate, args.seconds)
    rounds: list[dict[str, float]] = []
    phases = (
        ("ussd, max throughput", False, None),
        ("bare view, max throughput", True, None),
        ("ussd menus only, max throughput", False, BROWSE_INPUTS),
    )
    for _round in range(args.rounds):
        rates = {}
        for label, bare, inputs in phases:
            tally = await closed_loop(port, token, bare, args.concurrency, args.seconds / args.rounds, inputs)
            results[label] = results[label].merged(tally) if label in results else tally
            rates[label] = tally.rate
        rounds.append(rates)
    return results, rounds, warmup_journeys


if __name__ == "__main__":
    sys.exit(main())
