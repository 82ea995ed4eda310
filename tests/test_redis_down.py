"""Redis is an accelerator: with a real Redis stopped, citizens are served and nothing they send is lost.

Each test starts a private ``redis-server`` (never the shared one), points the cache at it as
production does, stops it, and checks what citizens get; then starts it again and checks that the
service recovers by itself. Runs on SQLite or PostgreSQL; skipped without the ``redis-server`` binary.
"""

from __future__ import annotations

import pytest
from django.test import Client

from grievances.services import file_grievance
from grievances.tracking import TrackingError, track_grievance
from portal.resilient_cache import BREAKER
from sms.models import InboundMessage, OutboundMessage
from tests.fakes.fake_at import inbound_fields
from tests.portal_helpers import PHONE, prepare_site, url
from tests.private_redis import REDIS_SERVER, PrivateRedis, redis_cache_settings, wait_for

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary"),
]

PORT = 6390
CITIZEN_PAGES = ("/", "/sign-in/", "/complain/", "/track/", "/call-me-back/")
LANGUAGES = ("en", "fr", "sw", "ar")


@pytest.fixture
def redis_server(settings):
    """A private Redis the cache uses, running; the test may stop and start it."""
    server = PrivateRedis(PORT)
    server.start()
    settings.CACHES = redis_cache_settings(server.url)
    BREAKER.reset()
    try:
        yield server
    finally:
        server.stop()
        BREAKER.reset()


@pytest.fixture
def site(db):
    return prepare_site()


def test_every_citizen_page_answers_while_redis_is_stopped(redis_server, site):
    Client().get("/")  # warm the cache as a running site would have it
    redis_server.stop()

    for language in LANGUAGES:
        for page in CITIZEN_PAGES:
            path = page if language == "en" else f"/{language}{page}"
            response = Client().get(path)
            assert response.status_code == 200, (path, response.status_code)


def test_asking_for_a_sign_in_code_fails_closed_with_a_polite_message_in_every_language(redis_server, site):
    redis_server.stop()
    texts = set()
    for language in LANGUAGES:
        response = Client().post(url("sign_in", language=language), {"phone": "+254712000555"})
        assert response.status_code == 503
        assert response["Retry-After"]
        texts.add(response.content.decode().split("<h1>", 1)[1].split("</h1>", 1)[0])
    assert len(texts) == len(LANGUAGES)  # translated, one wording per language
    assert not OutboundMessage.objects.filter(template="sign_in_code").exists()


def test_a_complaint_is_taken_while_redis_is_stopped(redis_server, site):
    redis_server.stop()
    response = Client().post(
        url("complain"),
        {"category": "payment_not_received", "description": "No payment this month.", "phone": ""},
    )
    assert response.status_code in (200, 302)


def test_an_inbound_sms_is_stored_and_answered_while_redis_is_stopped(redis_server, client, callback_token):
    redis_server.stop()
    response = client.post(f"/sms/at/{callback_token}/inbound/", inbound_fields(PHONE, "HELP", "ATXin_down_1"))

    assert response.status_code == 200
    assert InboundMessage.objects.filter(provider_id="ATXin_down_1").exists()
    assert OutboundMessage.objects.filter(to=PHONE, dedupe_key="sms-reply:ATXin_down_1").exists()


def test_the_inbound_limit_still_holds_on_the_stored_messages_while_redis_is_stopped(
    redis_server, client, callback_token, settings
):
    settings.SMS_INBOUND_PER_HOUR = 2
    redis_server.stop()
    for n in range(4):
        client.post(f"/sms/at/{callback_token}/inbound/", inbound_fields(PHONE, "HELP", f"ATXin_lim_{n}"))

    assert InboundMessage.objects.filter(sender=PHONE).count() == 4
    assert InboundMessage.objects.filter(sender=PHONE, command="rate_limited").count() == 2
    assert OutboundMessage.objects.filter(to=PHONE, template="rate_limited").count() == 1


def test_a_delivery_report_is_stored_while_redis_is_stopped(redis_server, client, callback_token):
    redis_server.stop()
    response = client.post(
        f"/sms/at/{callback_token}/delivery/", {"id": "ATXid_unknown", "status": "Success", "phoneNumber": PHONE}
    )
    assert response.status_code == 200


def test_a_pin_is_not_checked_while_wrong_ones_cannot_be_counted(redis_server, areas):
    filed = file_grievance(category="payment_not_received", description="x", channel="web", language="en")
    redis_server.stop()

    with pytest.raises(TrackingError) as refused:
        track_grievance(filed.grievance.reference, pin=filed.pin, requester="198.51.100.1")
    assert refused.value.code == "unavailable"


def test_the_owner_tracks_a_case_while_redis_is_stopped(redis_server, areas):
    filed = file_grievance(category="payment_not_received", description="x", channel="sms", language="en", phone=PHONE)
    redis_server.stop()

    assert track_grievance(filed.grievance.reference, phone=PHONE).grievance == filed.grievance


def test_healthz_says_degraded_then_recovers_by_itself(redis_server, client):
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "degraded"

    redis_server.start()
    assert wait_for(lambda: client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}, 15)
