"""Benchmark: the SLA sweep over 1,000,000 open cases in PostgreSQL, a tenth of them overdue.

Usage::

    .venv/bin/python bench/sla_sweep.py [--cases 1000000] [--database-url postgres://postgres@127.0.0.1:5432/lango_bench_sla]

The benchmark uses its own database (created and migrated when missing), bulk-loads the cases
with one ``INSERT … SELECT generate_series`` statement, then runs the sweep twice and prints, for
each run, its wall time, the number of SQL queries and what it did. The second run shows that the
sweep is idempotent: nothing is escalated twice.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lango_bench_sla"

# One row per case. A tenth are overdue (i % 10 = 0), a tenth are past 80 % of their time but not
# yet due (i % 10 = 1), the rest are young. A third of the cases are already at level 2.
LOAD_SQL = """
INSERT INTO grievances_grievance (
    reference, kind, category, is_sensitive, channel, description, language, contact_phone, contact_phone_hash,
    is_anonymous, tracking_pin_hash, status, level, due_at, at_risk, at_risk_at, level_started_at,
    sla_breached, resolution_outcome, rejection_reason, resolution_text, created_at, updated_at
)
SELECT
    '2' || lpad(i::text, 9, '0'),
    'complaint',
    (ARRAY['payment_not_received','wrongly_excluded','decision_appeal','data_correction',
           'staff_misconduct','fraud_corruption','sexual_exploitation','other'])[1 + i %% 8],
    (i %% 8) IN (4, 5, 6),
    (ARRAY['web','ussd','sms','call_centre'])[1 + i %% 4],
    %(description)s,
    'en',
    %(phone)s,
    %(phone_hash)s,
    false,
    '',
    CASE WHEN i %% 2 = 0 THEN 'new' ELSE 'in_progress' END,
    CASE WHEN i %% 3 = 0 THEN 2 ELSE 1 END,
    t.due,
    false,
    t.started + (t.due - t.started) * 0.8,
    t.started,
    false, '', '', '',
    t.started, t.started
FROM generate_series(1, %(cases)s) AS i
CROSS JOIN LATERAL (
    SELECT
        CASE i %% 10
            WHEN 0 THEN %(now)s - interval '20 days'
            WHEN 1 THEN %(now)s - interval '10 days'
            ELSE %(now)s - interval '1 day'
        END AS started,
        CASE i %% 10
            WHEN 0 THEN %(now)s - interval '1 hour' - (i %% 600) * interval '1 minute'
            WHEN 1 THEN %(now)s + interval '1 day'
            ELSE %(now)s + interval '13 days'
        END AS due
) AS t
"""


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("REDIS_URL", None)  # the lock lives in the local-memory cache here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from encryption.keys import encrypt, keyed_hash
    from grievances.models import Grievance
    from grievances.sla_sweep import BATCH_SIZE, run_sla_sweep

    call_command("migrate", verbosity=0)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grievances_grievanceevent, grievances_grievance RESTART IDENTITY CASCADE")
        started = time.perf_counter()
        # Descriptions and contact phones are encrypted at rest: one real token each (and the phone's
        # keyed hash), shared by every row.
        phone = "+254700000001"
        values = {"description": encrypt("Benchmark case"), "phone": encrypt(phone), "phone_hash": keyed_hash(phone)}
        cursor.execute(LOAD_SQL, {"cases": args.cases, "now": now, **values})
        cursor.execute("ANALYZE grievances_grievance")
        load_seconds = time.perf_counter() - started

    overdue = Grievance.objects.filter(status__in=Grievance.OPEN_STATUSES, due_at__lt=now).count()
    print(f"loaded {args.cases:,} open cases in {load_seconds:.1f} s; {overdue:,} overdue; batch size {BATCH_SIZE:,}")
    for run in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run_sla_sweep(now=now)
            seconds = time.perf_counter() - started
        print(
            f"sweep {run}: {seconds:.2f} s, {len(queries)} queries; escalated {result.escalated:,}, "
            f"flagged at risk {result.flagged_at_risk:,}, closed {result.closed:,}"
        )
        by_kind: dict[str, list[float]] = {}
        for query in queries.captured_queries:
            by_kind.setdefault(query["sql"].split(None, 1)[0].upper(), []).append(float(query["time"]))
        print("   " + ", ".join(f"{kind} {len(t)} × = {sum(t):.2f} s" for kind, t in sorted(by_kind.items())))
    events = connection.cursor()
    events.execute("SELECT count(*) FROM grievances_grievanceevent WHERE action = 'escalate'")
    print(f"escalation events: {events.fetchone()[0]:,} (one per overdue case)")


if __name__ == "__main__":
    main()
