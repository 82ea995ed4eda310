"""Tracking PINs resist guessing: 6 digits, a small daily budget per reference, counters that do not race.

Issue 13, point 2. The figures are in ``grievances.tracking``'s docstring; these tests hold them.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from grievances import tracking
from grievances.models import Grievance, PinGuard
from grievances.pins import hash_pin
from grievances.services import file_grievance
from grievances.tracking import TrackingError, expected_days_to_guess, track_grievance
from ussd.testing import LANGUAGE_KEYS, TRACK, UssdPhone

pytest_plugins = ["tests.fakes.fixtures"]


def anonymous_case():
    filed = file_grievance(
        category="other", description="Nobody answers.", channel="web", language="en", anonymous=True
    )
    return filed.grievance, filed.pin


def wrong_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 10 ** len(pin):0{len(pin)}d}"


def outcome(reference: str, pin: str, **who) -> str:
    try:
        track_grievance(reference, pin=pin, **who)
    except TrackingError as error:
        return error.code
    return "shown"


def test_expected_time_to_guess_one_reference_from_unlimited_addresses_is_over_ten_thousand_days():
    # (10**6 + 1) / 2 tries expected, at most 10 + 10 = 20 wrong tries a day through both doors.
    assert tracking.MAX_WRONG_PINS_PER_DAY == 2 * tracking.MAX_WRONG_PINS_PER_DOOR == 20
    assert expected_days_to_guess() == (10**6 + 1) / 2 / 20 == pytest.approx(25_000, abs=1)
    assert expected_days_to_guess() > 10_000


@pytest.mark.django_db
def test_new_pins_have_six_digits_and_an_older_four_digit_pin_still_works():
    case, pin = anonymous_case()
    assert len(pin) == 6 and pin.isdigit()
    Grievance.objects.filter(pk=case.pk).update(tracking_pin_hash=hash_pin("4821"))
    assert outcome(case.reference, "4821", requester="192.0.2.1") == "shown"
    assert outcome(case.reference, "٤٨٢١", phone="+254700000001") == "shown", "Arabic digits too"


@pytest.mark.django_db
def test_a_script_guessing_pins_from_rotating_addresses_and_phones_gets_at_most_twenty_tries_a_day():
    case, pin = anonymous_case()
    guess = wrong_pin(pin)
    checked = {"web": 0, "phone": 0}
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for minute in range(0, 24 * 60, 2):  # a new address and a new phone every two minutes, all day
            if outcome(case.reference, guess, requester=f"10.0.{minute // 250}.{minute % 250}") == "bad_pin":
                checked["web"] += 1
            if outcome(case.reference, guess, phone=f"+2547000{minute:05d}") == "bad_pin":
                checked["phone"] += 1
            clock.shift(timedelta(minutes=2))
    assert checked == {"web": 10, "phone": 10}
    assert sum(checked.values()) <= 20


@pytest.mark.django_db
def test_a_stranger_cannot_lock_the_rightful_holder_out_for_more_than_fifteen_minutes():
    case, pin = anonymous_case()
    holder_address = "198.51.100.20"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # A stranger behind the same address (a mobile operator's NAT) tries five wrong PINs.
        for _ in range(5):
            outcome(case.reference, wrong_pin(pin), requester=holder_address)
        assert outcome(case.reference, pin, requester=holder_address) == "locked"
        clock.shift(timedelta(minutes=15))
        assert outcome(case.reference, pin, requester=holder_address) == "shown"
        # Then a script spends the website's whole day from rotating addresses ...
        for attempt in range(200):
            outcome(case.reference, wrong_pin(pin), requester=f"203.0.113.{attempt % 250}")
            clock.shift(timedelta(minutes=5))
        assert outcome(case.reference, pin, requester="192.0.2.99") == "locked"
        # ... yet the browser that filed the case gets in, and so does the holder's phone.
        assert outcome(case.reference, pin, requester=holder_address, known_holder=True) == "shown"
        assert outcome(case.reference, pin, phone="+254711000222") == "shown"


@pytest.mark.django_db
def test_the_browser_that_filed_a_case_is_let_in_when_strangers_spent_the_days_budget(client):
    response = client.post(
        "/complain/",
        {"category": "other", "description": "Nobody answers.", "anonymous": "on", "token": ""},
    )
    case = Grievance.objects.get()
    pin = response.context["pin"]
    PinGuard.objects.create(reference=case.reference, door="web", window_started_at=timezone.now(), failures=10)
    stranger = client_class_copy(client)
    assert "Too many wrong PINs" in stranger.post("/track/", {"reference": case.reference, "pin": pin}).content.decode()
    shown = client.post("/track/", {"reference": case.reference, "pin": pin})
    assert shown.status_code == 200 and "Received" in shown.content.decode()


def client_class_copy(client):
    return type(client)()


@pytest.mark.django_db
def test_wrong_pins_are_counted_before_they_are_checked_so_a_burst_cannot_overrun_the_count():
    case, pin = anonymous_case()
    results = [outcome(case.reference, wrong_pin(pin), requester="203.0.113.7") for _ in range(30)]
    assert results.count("bad_pin") == tracking.FREE_WRONG_PINS
    assert PinGuard.objects.get(reference=case.reference).failures == tracking.FREE_WRONG_PINS


def _burst(reference: str, guess: str, requesters: list[str]) -> list[str]:
    barrier = threading.Barrier(len(requesters))
    results: list[str] = []
    lock = threading.Lock()

    def one(requester: str) -> None:
        barrier.wait()
        try:
            code = outcome(reference, guess, requester=requester)
        finally:
            connections.close_all()
        with lock:
            results.append(code)

    threads = [threading.Thread(target=one, args=(requester,)) for requester in requesters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_thirty_wrong_pins_arriving_at_once_are_counted_exactly(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need a database server (PostgreSQL)")
    monkeypatch.setattr(tracking, "delay_after", lambda failures: 0)
    monkeypatch.setattr(tracking, "MAX_WRONG_PINS_PER_DOOR", 1000)
    case, pin = anonymous_case()
    # From thirty addresses at once: every one is checked and counted, none lost.
    results = _burst(case.reference, wrong_pin(pin), [f"203.0.113.{n}" for n in range(30)])
    assert results.count("bad_pin") == 30
    assert PinGuard.objects.get(reference=case.reference, door="web").failures == 30
    # From one address at once: exactly five get to the PIN (was 11 with check-then-increment).
    other, other_pin = anonymous_case()
    results = _burst(other.reference, wrong_pin(other_pin), ["198.51.100.9"] * 30)
    assert results.count("bad_pin") == tracking.MAX_PIN_FAILURES
    assert PinGuard.objects.get(reference=other.reference, door="web").failures == tracking.MAX_PIN_FAILURES


@pytest.mark.django_db
def test_when_the_cache_cannot_count_pin_tries_tracking_refuses_politely(monkeypatch, client, callback_token):
    case, pin = anonymous_case()

    class AwayCache:
        """The cache PIN tries are counted in, while Redis is away."""

        def __getattr__(self, name):
            def away(*args, **kwargs):
                raise ConnectionError("Redis is away")

            return away

    monkeypatch.setattr(tracking, "cache", AwayCache())
    assert outcome(case.reference, pin, requester="192.0.2.1") == "unavailable"
    page = client.post("/track/", {"reference": case.reference, "pin": pin}).content.decode()
    assert "We cannot check PINs just now" in page and "Received" not in page
    from tests.test_sms_inbound_commands import send_sms

    assert send_sms(client, callback_token, f"TRACK {case.reference} {pin}").template == "track_unavailable"


@pytest.mark.django_db
def test_sms_track_takes_a_six_digit_pin_and_an_older_four_digit_one(client, callback_token):
    from tests.test_sms_inbound_commands import send_sms

    case, pin = anonymous_case()
    assert send_sms(client, callback_token, f"TRACK {case.reference} {wrong_pin(pin)}").template == "track_bad_pin"
    assert send_sms(client, callback_token, f"TRACK {case.reference} {pin}").template == "track_reply"
    Grievance.objects.filter(pk=case.pk).update(tracking_pin_hash=hash_pin("0457"))
    assert send_sms(client, callback_token, f"TRACK {case.reference} 0457").template == "track_reply"


@pytest.mark.django_db
@pytest.mark.parametrize("legacy", [False, True])
def test_ussd_track_takes_a_six_digit_pin_and_an_older_four_digit_one(client, programmes, legacy):
    case, pin = anonymous_case()
    if legacy:
        pin = "٠٤٥٧"
        Grievance.objects.filter(pk=case.pk).update(tracking_pin_hash=hash_pin("0457"))
    session = UssdPhone(client, phone="+254733000444")
    session.dial()
    session.send(LANGUAGE_KEYS["en"], TRACK, case.reference)
    assert session.screen_name == "track_pin"
    assert "6 digits" in session.send("12345")
    session.send(pin)
    assert session.screen_name == "track_result"
