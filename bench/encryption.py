"""Benchmark: what encryption at rest costs — the USSD apply journey, the case queue, and rotating 1,000,000 rows.

Usage::

    .venv/bin/python bench/encryption.py [--rows 1000000] [--journeys 40] [--queue-loads 40] [--rounds 3] \\
        [--batch-size 1000] [--database-url postgres://postgres@127.0.0.1:5432/lango_bench_encryption]

Everything runs in this process against its own PostgreSQL database (created and migrated when
missing), through Django's test client and the whole middleware stack:

- **USSD apply journey**: simulated phones, each dialling and completing the 19-hop apply journey
  of ``bench/ussd.py`` (names, year of birth, household, two programmes) into an application;
- **case queue**: a grievance officer, signed in with a second factor, loading the queue page
  (5,000 cases in the database) and opening a case with a timeline of notes and replies.

Each is timed with encryption on, and with the encryption calls stubbed out (values written and read
as they are), in alternating order within each round, so both sides meet the same database and
machine state; the medians and the cost per journey / page are printed.

**Rotation**: ``--rows`` tokens made under an old key are bulk-loaded into a dedicated table
(``bench_encryption_rotation``, 10,000 distinct tokens repeated), then re-encrypted under a new key
by the code ``manage.py rotate_field_keys`` runs (``encryption.columns.rewrite``, batches of
``--batch-size`` rows, each read under a row lock in its own transaction), then checked by the code
of ``--check``. Rows per second and total times are printed.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lango_bench_encryption"
ROTATION_TABLE = "bench_encryption_rotation"
DISTINCT_TOKENS = 10_000
QUEUE_CASES = 5_000
# The apply journey of bench/ussd.py: English, Coast / Kilifi, 75 years old, household of 4, then
# advice → choose → toggle the first programme → done (5 demo programmes: key 7) → agree → send.
APPLY_INPUTS = ["1", "1", "Amina Wanjiru", "1950", "1", "0", "1", "1", "4", "2", "1", "0", "1", "1", "1", "7", "1", "1"]


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (never touches any other database)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def configure(database_url: str) -> None:
    """Production-like settings for this process (no debug query log), with fresh keys of its own."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "AT_CALLBACK_TOKEN": secrets.token_urlsafe(24),
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("REDIS_URL", None)  # local-memory cache: this process is the only one
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.test import override_settings

    # No collected static files here: the pages link to them unhashed, as in development.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()


class Stubbed:
    """Within the block, the fields' encryption calls pass values through unchanged."""

    def __enter__(self):
        from encryption import keys

        self.keys, self.saved = keys, (keys.encrypt, keys.decrypt)
        keys.encrypt = lambda text: text
        keys.decrypt = lambda token, where="a value": token
        return self

    def __exit__(self, *exc):
        self.keys.encrypt, self.keys.decrypt = self.saved


class Plain:
    """Encryption as configured (the real thing)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


MODES = {"encrypted": Plain, "stubbed": Stubbed}


# --- USSD apply journey ----------------------------------------------------------------------------


class Phones:
    """A new phone number for every journey (no person is found twice, no rate limit is met)."""

    def __init__(self) -> None:
        self.next = 0

    def __call__(self) -> str:
        self.next += 1
        return f"+2547{self.next:08d}"


def one_journey(client, phone: str) -> float:
    from registry.models import Application
    from ussd.testing import UssdPhone

    session = UssdPhone(client, phone=phone)
    started = time.perf_counter()
    session.dial()
    session.send(*APPLY_INPUTS)
    seconds = time.perf_counter() - started
    if not session.ended or not Application.objects.filter(idempotency_key=f"ussd:{session.session_id}").exists():
        raise SystemExit(f"The apply journey did not end in an application: {session.screen!r}")
    return seconds


# --- Case queue ------------------------------------------------------------------------------------


def load_cases(officer) -> int:
    """5,000 open cases with encrypted descriptions and phones, and one case with a timeline; its pk."""
    from datetime import timedelta

    from django.utils import timezone

    from grievances.models import Grievance
    from grievances.services import file_grievance, transition

    now = timezone.now()
    Grievance.objects.bulk_create(
        [
            Grievance(
                reference=f"2{n:09d}",
                category="payment_not_received" if n % 3 else "other",
                channel="ussd",
                description=f"My payment for March did not arrive, case {n}. The office told me to wait.",
                contact_phone=f"+2547{n:08d}",
                due_at=now + timedelta(hours=n),
                level_started_at=now,
            )
            for n in range(QUEUE_CASES)
        ],
        batch_size=1000,
    )
    case = file_grievance(
        category="payment_not_received",
        phone="+254799000001",
        description="My payment for March did not arrive and nobody at the office could say why.",
        channel="web",
        language="en",
    ).grievance
    transition(case, "assign", officer, assignee=officer)
    for n in range(10):
        transition(case, "note", officer, text=f"Called the payment office, note {n}: they are checking the list.")
        transition(case, "reply", officer, text=f"We are looking into it with the payment office (update {n}).")
    return case.pk


def signed_in_officer(client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice.roles import GRIEVANCE_OFFICER

    officer, _new = get_user_model().objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name=GRIEVANCE_OFFICER))
    TOTPDevice.objects.filter(user=officer).delete()
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    response = client.post(reverse("lango_2fa_verify"), {"token": code})
    if response.status_code != 302:
        raise SystemExit(f"The officer's second-factor sign-in failed: {response.status_code}")
    return officer


def one_queue_load(client, case_pk: int) -> float:
    started = time.perf_counter()
    queue = client.get("/admin/cases/")
    case = client.get(f"/admin/cases/{case_pk}/")
    seconds = time.perf_counter() - started
    if queue.status_code != 200 or case.status_code != 200:
        raise SystemExit(f"The queue answered {queue.status_code}, the case {case.status_code}")
    if not re.search(rb'<a href="/admin/cases/\d+/"', queue.content):
        raise SystemExit("The queue page lists no case")
    return seconds


# --- Rotation --------------------------------------------------------------------------------------


def load_rotation_rows(rows: int, old_key: str) -> float:
    """``rows`` tokens under ``old_key`` in the rotation table; the seconds it took."""
    from cryptography.fernet import Fernet
    from django.db import connection

    fernet = Fernet(old_key)
    tokens = [
        fernet.encrypt(f"A note of some length about case {n}, as an officer writes it.".encode()).decode()
        for n in range(min(rows, DISTINCT_TOKENS))
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ROTATION_TABLE}")
        cursor.execute(f"CREATE TABLE {ROTATION_TABLE} (id bigint PRIMARY KEY, note text NOT NULL)")
        cursor.execute(
            f"INSERT INTO {ROTATION_TABLE} (id, note) "  # noqa: S608 - a fixed table name
            "SELECT i, (%s::text[])[1 + i %% %s] FROM generate_series(1, %s) AS i",
            [tokens, len(tokens), rows],
        )
        cursor.execute(f"ANALYZE {ROTATION_TABLE}")
    return time.perf_counter() - started


def rotate_rows(rows: int, batch_size: int) -> None:
    from cryptography.fernet import Fernet
    from django.db import connection
    from django.test import override_settings

    from encryption import keys
    from encryption.columns import Table, count, rewrite, rotate_token

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    table = Table("bench.Rotation", ROTATION_TABLE, "id", ("note",))
    load_seconds = load_rotation_rows(rows, old_key)
    print(f"rotation: loaded {rows:,} rows under the old key in {load_seconds:.1f} s")

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        started = time.perf_counter()
        stale = count(connection, table, lambda token: not keys.is_current(token), batch_size=batch_size)["note"]
        check_before = time.perf_counter() - started
        started = time.perf_counter()
        rotated = rewrite(connection, table, rotate_token, batch_size=batch_size)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        left = count(connection, table, lambda token: not keys.is_current(token), batch_size=batch_size)["note"]
        check_after = time.perf_counter() - started
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):  # the old key dropped: every row still opens
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT note FROM {ROTATION_TABLE} ORDER BY random() LIMIT 1000")  # noqa: S608
            sample = [keys.decrypt(token) for (token,) in cursor.fetchall()]
    print(f"rotation: --check before: {stale:,} rows not under the current key ({check_before:.1f} s)")
    print(
        f"rotation: {rotated:,} rows re-encrypted in {seconds:.1f} s = {rotated / max(seconds, 1e-9):,.0f} rows/s "
        f"(batches of {batch_size:,})"
    )
    print(
        f"rotation: --check after: {left:,} left ({check_after:.1f} s = {rows / max(check_after, 1e-9):,.0f} rows/s); "
        f"{len(sample):,} random rows read with the old key dropped"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {ROTATION_TABLE}")


# --- Main ------------------------------------------------------------------------------------------


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to rotate")
    parser.add_argument("--journeys", type=int, default=40, help="USSD apply journeys per mode and round")
    parser.add_argument("--queue-loads", type=int, default=40, help="queue page + case page loads per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    ensure_database(args.database_url)
    configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from demo.areas_and_programmes import create_areas, create_programmes
    from portal.i18n_catalogs import compile_catalogs
    from registry.models import Programme

    compile_catalogs()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # each run has keys of its own: nothing from an earlier run is kept
        cursor.execute(
            "TRUNCATE grievances_grievance, grievances_callbackrequest, grievances_accesslog, registry_person, "
            "sms_outboundmessage, sms_inboundmessage RESTART IDENTITY CASCADE"
        )
    if not Programme.objects.exists():
        create_programmes(create_areas())

    print(f"USSD apply journey ({len(APPLY_INPUTS) + 1} hops) and case queue, {args.rounds} rounds, in-process")
    phones = Phones()
    ussd_client = Client()
    queue_client = Client()
    officer = signed_in_officer(queue_client)
    case_pk = load_cases(officer)
    journeys: dict[str, list[float]] = {mode: [] for mode in MODES}
    queue: dict[str, list[float]] = {mode: [] for mode in MODES}
    for mode in MODES:  # warm-up: templates, caches, connections
        with MODES[mode]():
            one_journey(ussd_client, phones())
            one_queue_load(queue_client, case_pk)
    for round_number in range(args.rounds):
        order = list(MODES) if round_number % 2 == 0 else list(reversed(MODES))
        for mode in order:
            with MODES[mode]():
                journeys[mode] += [one_journey(ussd_client, phones()) for _ in range(args.journeys)]
                queue[mode] += [one_queue_load(queue_client, case_pk) for _ in range(args.queue_loads)]

    for name, timings in (("USSD apply journey", journeys), ("case queue (queue page + a case)", queue)):
        on, off = median_ms(timings["encrypted"]), median_ms(timings["stubbed"])
        print(
            f"{name}: median {on:.1f} ms encrypted, {off:.1f} ms stubbed -> encryption costs "
            f"{on - off:+.1f} ms ({(on - off) / off * 100:+.1f} %) over {len(timings['encrypted'])} each"
        )
    rotate_rows(args.rows, args.batch_size)


if __name__ == "__main__":
    main()
