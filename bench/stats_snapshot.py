"""Benchmark: the public statistics snapshot over 1,000,000 cases in PostgreSQL, and the page's server time.

Usage::

    .venv/bin/python bench/stats_snapshot.py [--cases 1000000] [--drop] \\
        [--database-url postgres://postgres@127.0.0.1:5432/bench_stats]

The benchmark uses its own database (created and migrated when missing; ``--drop`` removes it at
the end), loads the demo areas, bulk-loads the cases with one ``INSERT … SELECT generate_series``
statement — fifteen months of complaints and appeals in every district (one in twenty with no
area), four in five answered, two in five of those rated, the sensitive categories among them —
then makes the snapshot twice (the second replaces the first: it is idempotent) and prints its
wall time and SQL query count. Last, it times the page and the open data through Django's test
client: the first request (nothing cached) and the median and 95th percentile of the next ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_stats"
PAGE_REQUESTS = 200

# One row per case, spread over the last 450 days. i % 20 = 0: no area (anonymous); i % 20 = 1: an
# appeal. Four in five are answered after 0 to 29 days (late after 14); two in five answered ones
# rated 1 to 5 a day later; one in thirty answers does not take the case forward.
LOAD_SQL = """
INSERT INTO grievances_grievance (
    reference, kind, category, is_sensitive, channel, description, language, contact_phone, contact_phone_hash,
    is_anonymous, tracking_pin_hash, status, level, due_at, at_risk, level_started_at,
    sla_breached, resolution_outcome, rejection_reason, resolution_text, area_id,
    created_at, updated_at, resolved_at, closed_at, rating, rated_at, rating_channel
)
SELECT
    '2' || lpad(i::text, 9, '0'),
    CASE WHEN i %% 20 = 1 THEN 'appeal' ELSE 'complaint' END,
    c.category,
    c.category IN ('staff_misconduct', 'fraud_corruption', 'sexual_exploitation'),
    (ARRAY['web','ussd','ussd','sms','call_centre'])[1 + (i / 7) %% 5],
    %(description)s, 'en', '', '', i %% 20 = 0, '',
    CASE WHEN NOT t.answered THEN 'in_progress' WHEN t.rejected THEN 'closed' ELSE 'resolved' END,
    1,
    t.created + interval '14 days',
    false,
    t.created,
    t.days > 14,
    CASE WHEN NOT t.answered THEN '' WHEN t.rejected THEN 'rejected'
         ELSE (ARRAY['upheld','partly_upheld','not_upheld'])[1 + i %% 3] END,
    CASE WHEN t.answered AND t.rejected THEN 'duplicate' ELSE '' END,
    '',
    CASE WHEN i %% 20 = 0 THEN NULL ELSE (%(districts)s::bigint[])[1 + (i / 3) %% %(district_count)s] END,
    t.created, t.created,
    CASE WHEN t.answered AND NOT t.rejected THEN t.created + t.days * interval '1 day' END,
    CASE WHEN t.answered AND t.rejected THEN t.created + t.days * interval '1 day' END,
    CASE WHEN t.rated THEN 1 + (i / 11) %% 5 END,
    CASE WHEN t.rated THEN t.created + (t.days + 1) * interval '1 day' END,
    CASE WHEN t.rated THEN 'sms' ELSE '' END
FROM generate_series(1, %(cases)s) AS i
CROSS JOIN LATERAL (
    SELECT (ARRAY['payment_not_received','payment_not_received','wrongly_excluded','decision_appeal',
                  'data_correction','staff_misconduct','fraud_corruption','sexual_exploitation','other',
                  'other'])[1 + (i / 13) %% 10] AS category
) AS c
CROSS JOIN LATERAL (
    SELECT
        %(now)s - (i %% 450) * interval '1 day' - (i %% 24) * interval '1 hour' AS created,
        (i * 7) %% 30 AS days,
        i %% 5 <> 0 AS answered,
        i %% 30 = 7 AS rejected,
        i %% 5 <> 0 AND i %% 30 <> 7 AND i %% 5 IN (1, 3) AS rated
) AS t
"""


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (never touches any other database)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    """Drop the benchmark database (after Django's connections to it are closed)."""
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}"')


def timed_requests(client, path: str) -> tuple[float, float, float]:
    """The first request's time, then the median and 95th percentile of the next ones (milliseconds)."""
    started = time.perf_counter()
    assert client.get(path).status_code == 200
    first = (time.perf_counter() - started) * 1000
    times = []
    for _n in range(PAGE_REQUESTS):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return first, statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("REDIS_URL", None)  # the lock and the page cache live in local memory here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from demo.areas_and_programmes import create_areas
    from demo.pages import create_site
    from encryption.keys import encrypt
    from grievances.public_stats import latest_snapshot, make_snapshot
    from portal.i18n_catalogs import compile_catalogs
    from registry.models import AdminArea

    compile_catalogs()
    call_command("migrate", verbosity=0)
    create_areas()
    create_site()
    districts = list(AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).values_list("pk", flat=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grievances_grievanceevent, grievances_grievance RESTART IDENTITY CASCADE")
        cursor.execute("TRUNCATE grievances_publicstatssnapshot")
        started = time.perf_counter()
        cursor.execute(
            LOAD_SQL,
            {
                "cases": args.cases,
                "now": now,
                "districts": districts,
                "district_count": len(districts),
                "description": encrypt("Benchmark case"),  # encrypted at rest: one real token for every row
            },
        )
        cursor.execute("ANALYZE grievances_grievance")
        load_seconds = time.perf_counter() - started
    print(f"loaded {args.cases:,} cases in {load_seconds:.1f} s ({len(districts)} districts)")

    for run in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            make_snapshot()
            seconds = time.perf_counter() - started
        reads = [q for q in queries.captured_queries if "grievances_grievance" in q["sql"]]
        print(
            f"snapshot {run}: {seconds:.2f} s, {len(queries)} queries "
            f"({len(reads)} reading the cases, {sum(float(q['time']) for q in reads):.2f} s of it)"
        )
    snapshot = latest_snapshot()
    published = sum(len(rows) for rows in snapshot.data["tables"].values())
    total = next(
        r
        for r in snapshot.data["tables"]["complaints_by_month"]
        if r["period"] == "last_12_months" and r["month"] == "total"
    )
    print(f"published {published} rows; the last 12 months: {total['received']:,} complaints received")

    client = Client()
    for path in ("/stats/", "/ar/stats/", "/stats/data/all.json"):
        cache.clear()
        first, median, p95 = timed_requests(client, path)
        print(f"{path:<22} first {first:6.1f} ms, then median {median:5.1f} ms, p95 {p95:5.1f} ms", end="")
        print(f" ({PAGE_REQUESTS} requests)")
    with CaptureQueriesContext(connection) as queries:
        client.get("/stats/")
    print(
        f"/stats/ queries: {len(queries)}, of which reading the cases: "
        f"{sum('grievances_grievance' in q['sql'] for q in queries.captured_queries)}"
    )

    if args.drop:
        connections.close_all()
        drop_database(args.database_url)
        print("benchmark database dropped")


if __name__ == "__main__":
    main()
