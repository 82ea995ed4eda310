"""Benchmark: the partner API over 1,000,000 registrations in PostgreSQL, and 10,000 payment events in.

Usage::

    .venv/bin/python bench/api.py [--registrations 1000000] [--payments 10000] \\
        [--database-url postgres://postgres@127.0.0.1:5432/lango_bench_api]

It uses its own database (created and migrated when missing), loads the registrations with
``INSERT … SELECT generate_series`` (national IDs hashed in SQL with the same keyed hash as the
registry's), then measures, through the real views (Django's test client, in-process, so the
figures are server time without the network):

* ``registry/sync/search`` by national ID: p50 / p99 over 300 searches;
* ``registry/sync/search`` by expression (region, age, programme; 100 records a page): p50 / p99
  and records per second over 100 searches;
* ``/api/v1/payments/``: 10,000 payment events to enrolled people in batches of 500, 2 % of them
  sent twice; events per second, and duplicates (events, payments and SMS counted afterwards).
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lango_bench_api"
PROGRAMMES = ["old-age-pension", "child-support-grant", "disability-grant", "public-works", "emergency-cash"]

LOAD_PEOPLE = """
INSERT INTO registry_person (given_name, family_name, birth_year, sex, phone, national_id_hash,
                             national_id_last3, preferred_language, area_id, created_at)
SELECT %(given_name)s, %(family_name)s, 1930 + i %% 80, (ARRAY['female','male'])[1 + i %% 2],
       '+2547' || lpad(i::text, 8, '0'),
       encode(hmac(('NIN' || i)::text, %(key)s, 'sha256'), 'hex'), right(i::text, 3), 'en',
       (%(districts)s::bigint[])[1 + i %% %(district_count)s], %(now)s
FROM generate_series(1, %(n)s) AS i
"""
LOAD_HOUSEHOLDS = """
INSERT INTO registry_household (size, children_under_5, children_under_18, members_with_disability,
                                income_band, area_id)
SELECT 1 + i %% 8, i %% 2, i %% 4, i %% 3 / 2, 1 + i %% 5, (%(districts)s::bigint[])[1 + i %% %(district_count)s]
FROM generate_series(1, %(n)s) AS i
"""
LOAD_CONSENTS = """
INSERT INTO registry_consent (person_id, version, channel, language, given_at)
SELECT p.id, '2026-11', 'ussd', 'en', %(now)s FROM registry_person p
"""
LOAD_APPLICATIONS = """
INSERT INTO registry_application (reference, channel, applicant_id, household_id, consent_id, answers,
                                  language, submitted_at)
SELECT '1' || lpad(p.id::text, 9, '0'), (ARRAY['web','ussd','sms','call_centre'])[1 + p.id %% 4], p.id, p.id, p.id,
       %(answers)s, 'en', %(now)s - (p.id %% 365) * interval '1 day'
FROM registry_person p
"""
LOAD_REQUESTS = """
INSERT INTO registry_programmeapplication (application_id, programme_id, status, prescreen, prescreen_reasons,
                                           decision_reason_code, decision_text, due_at, updated_at)
SELECT a.id, (%(programmes)s::bigint[])[1 + a.id %% 5],
       (ARRAY['submitted','under_review','enrolled','not_eligible','waitlisted'])[1 + a.id / 7 %% 5],
       'likely', '[]', '', '', %(now)s, %(now)s
FROM registry_application a
"""


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (never touches any other database)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load(n: int) -> float:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from demo.areas_and_programmes import create_areas, create_programmes
    from encryption.keys import encrypt
    from registry.models import AdminArea, Programme

    create_programmes(create_areas())
    districts = list(AdminArea.objects.filter(level="district").values_list("pk", flat=True))
    programmes = [Programme.objects.get(code=code).pk for code in PROGRAMMES]
    values = {
        "n": n,
        "now": timezone.now(),
        "key": settings.NATIONAL_ID_HASH_KEY,
        "districts": districts,
        "district_count": len(districts),
        "programmes": programmes,
        # Names and answers are encrypted at rest: one real token each, shared by every row.
        "given_name": encrypt("Bench"),
        "family_name": encrypt("Person"),
        "answers": encrypt("{}"),
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        cursor.execute(
            "TRUNCATE registry_paymentevent, registry_payment, registry_registryevent, "
            "registry_programmeapplication, registry_applicationevent, registry_application, "
            "registry_consent, registry_household, registry_person, api_outboundcallback, sms_outboundmessage, "
            "grievances_accesslog RESTART IDENTITY CASCADE"
        )
        for sql in (LOAD_PEOPLE, LOAD_HOUSEHOLDS, LOAD_CONSENTS, LOAD_APPLICATIONS, LOAD_REQUESTS):
            cursor.execute(sql, values)
        for table in ("registry_person", "registry_household", "registry_application", "registry_programmeapplication"):
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def token(client, scopes: list[str]) -> str:
    from django.urls import reverse

    from api.models import Partner
    from api.partners import give_credentials

    partner, _created = Partner.objects.update_or_create(
        code="bench",
        defaults={
            "name": "Bench",
            "kind": "social_registry",
            "scopes": scopes,
            "every_programme": True,
            "requests_per_minute": 10_000_000,
            "callback_base_url": "http://127.0.0.1:9/",
        },
    )
    credentials = give_credentials(partner)
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode()).decode()
    answer = client.post(
        reverse("oauth_token"), {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    return answer.json()["access_token"]


def envelope(criteria: dict) -> dict:
    now = datetime.now(UTC).isoformat()
    return {
        "signature": "",
        "header": {
            "version": "1.0.0",
            "message_id": uuid.uuid4().hex,
            "message_ts": now,
            "action": "search",
            "sender_id": "bench",
            "receiver_id": "lango",
            "total_count": 1,
        },
        "message": {
            "transaction_id": uuid.uuid4().hex,
            "search_request": [{"reference_id": "r", "timestamp": now, "search_criteria": criteria}],
        },
    }


def timed_search(client, bearer: str, criteria: dict) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(
        "/api/dci/v1/registry/sync/search",
        envelope(criteria),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "succ", item
    return seconds, len(item["data"]["reg_records"])


def bench_searches(client, bearer: str, n: int) -> None:
    rng = random.Random(7)
    by_nin = []
    for _ in range(300):
        i = rng.randint(1, n)
        seconds, found = timed_search(
            client, bearer, {"query_type": "idtype-value", "query": {"type": "NIN", "value": f"NIN{i}"}}
        )
        assert found == 1
        by_nin.append(seconds)
    print(
        f"sync search by national ID ({n:,} registrations): p50 {percentile(by_nin, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(by_nin, 0.99) * 1000:.1f} ms over {len(by_nin)} searches"
    )
    regions = ["coast", "nairobi", "rift-valley", "western", "north-eastern", "eastern"]
    by_expression, rows = [], 0
    for k in range(100):
        query = {
            "$and": [
                {"region": {"$eq": regions[k % len(regions)]}},
                {"age": {"$ge": 60}},
                {"programme": {"$eq": PROGRAMMES[k % len(PROGRAMMES)]}},
            ]
        }
        seconds, found = timed_search(
            client,
            bearer,
            {"query_type": "expression", "query": query, "pagination": {"page_size": 100, "page_number": 1 + k % 5}},
        )
        by_expression.append(seconds)
        rows += found
    print(
        f"sync search by expression (region, age ≥ 60, programme; 100 a page): p50 "
        f"{percentile(by_expression, 0.5) * 1000:.1f} ms, p99 {percentile(by_expression, 0.99) * 1000:.1f} ms, "
        f"{rows / sum(by_expression):,.0f} records/s over {len(by_expression)} searches"
    )


def bench_payments(client, bearer: str, count: int) -> None:
    from django.db import connection

    from registry.models import Payment, PaymentEvent, ProgrammeApplication
    from sms.models import OutboundMessage

    with connection.cursor() as cursor:  # each run starts with no payment and no SMS
        cursor.execute("TRUNCATE registry_paymentevent, registry_payment, sms_outboundmessage RESTART IDENTITY CASCADE")

    enrolled = list(
        ProgrammeApplication.objects.filter(status="enrolled")
        .select_related("application", "programme")
        .order_by("id")[:count]
    )
    events = [
        {
            "event_id": f"e-{pa.pk}",
            "payment_id": f"p-{pa.pk}",
            "application_reference": pa.application.reference,
            "programme": pa.programme.code,
            "status": "sent",
            "amount": "2000.00",
            "currency": "KES",
            "channel": "mobile_money",
            "payment_date": "2026-12-05",
            "occurred_at": "2026-12-01T09:00:00+03:00",
        }
        for pa in enrolled
    ]
    resent = random.Random(11).sample(events, len(events) // 50)
    batches = [events[i : i + 500] for i in range(0, len(events), 500)] + [resent]
    started = time.perf_counter()
    results = []
    for batch in batches:
        response = client.post(
            "/api/v1/payments/",
            {"events": batch},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
        )
        assert response.status_code == 200, response.content[:300]
        results += response.json()["results"]
    seconds = time.perf_counter() - started
    sent = len(events) + len(resent)
    recorded = sum(1 for r in results if r["result"] == "recorded")
    repeats = sum(1 for r in results if r["result"] == "repeat")
    duplicates = (PaymentEvent.objects.count() - len(events)) + (Payment.objects.count() - len(events))
    sms_duplicates = OutboundMessage.objects.filter(template="payment_sent").count() - len(events)
    print(
        f"payments: {sent:,} events ({len(resent):,} sent twice) in {seconds:.1f} s, {sent / seconds:,.0f} events/s; "
        f"recorded {recorded:,}, repeats {repeats:,}, duplicated rows {duplicates}, duplicated SMS {sms_duplicates}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--skip-load", action="store_true", help="reuse the registrations already loaded")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    # A Redis of its own as the broker, so that SMS are queued for workers as in production (none run
    # here: the figures are the API's), instead of being sent inside each request.
    redis = start_redis()
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    if not args.skip_load:
        seconds = load(args.registrations)
        print(f"loaded {args.registrations:,} registrations in {seconds:.1f} s")
    client = Client()
    bearer = token(client, ["registry:search", "registry:personal", "payments:write"])
    try:
        bench_searches(client, bearer, args.registrations)
        if args.payments:
            bench_payments(client, bearer, args.payments)
    finally:
        redis.stop()


class PrivateRedis:
    """A redis-server on a free port of its own, stopped at the end."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_redis() -> PrivateRedis:
    return PrivateRedis()


if __name__ == "__main__":
    main()
