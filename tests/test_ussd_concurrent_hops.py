"""Copies of one USSD hop arriving together: the same screen for all, PIN included; no PIN kept for long.

On PostgreSQL a hop holds its session's row lock, so 20 copies of the final hop of an anonymous
complaint (Africa's Talking resends when a network is slow) file one case and all show its
reference and PIN. What the session keeps afterwards is what replays need, for a minute.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from grievances.models import Grievance
from grievances.pins import check_pin
from ussd.models import UssdSessionState
from ussd.session import REPLAY_SECONDS, load_session
from ussd.testing import COMPLAINT, LANGUAGE_KEYS, UssdPhone, reference_and_pin

PHONE = "+254712345678"
COPIES = 20


def anonymous_complaint_before_its_last_hop(client) -> UssdPhone:
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], COMPLAINT, "5", "An officer asked me for money", "2")
    return session


@pytest.mark.django_db(transaction=True)
def test_twenty_copies_of_the_final_hop_at_once_all_show_the_reference_and_pin(programmes):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent hops need PostgreSQL (set DATABASE_URL)")
    session = anonymous_complaint_before_its_last_hop(Client())
    final_text = f"{session.text}*1"

    def one_copy(_n: int) -> str:
        try:
            return UssdPhone(Client(), phone=PHONE, session_id=session.session_id).post(final_text)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        replies = list(pool.map(one_copy, range(COPIES)))

    assert len(set(replies)) == 1, set(replies)
    case = Grievance.objects.get()
    reference, pin = reference_and_pin(replies[0][4:])
    assert reference == case.reference
    assert pin and check_pin(pin, case.tracking_pin_hash)


@pytest.mark.django_db
def test_an_ended_session_keeps_no_answers_and_its_pin_screen_only_for_the_replay_window(client, programmes):
    session = anonymous_complaint_before_its_last_hop(client)
    final = session.send("1")
    _reference, pin = reference_and_pin(final[4:])

    state = load_session(session.session_id)
    assert state.ended and state.answers == {} and state.params == {} and state.history == []
    raw = bytes(UssdSessionState.objects.get(session_id=session.session_id).data)
    assert b"An officer asked me for money" not in raw
    assert session.text.encode() not in raw  # typed inputs are kept only as digests
    row = UssdSessionState.objects.get(session_id=session.session_id)
    assert row.expires_at - timezone.now() <= timedelta(seconds=REPLAY_SECONDS)
    assert state.responses  # the replay window: the same screen for a resent hop
    assert session.post(session.text) == final

    UssdSessionState.objects.filter(session_id=session.session_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert pin not in session.post(session.text)


@pytest.mark.django_db
def test_a_pin_typed_to_track_a_case_is_not_kept_in_the_session(client, programmes):
    from grievances.services import file_grievance

    filed = file_grievance(category="payment_not_received", description="x", channel="web", language="en")
    session = UssdPhone(client, phone="+254712000999")
    session.dial()
    session.send(LANGUAGE_KEYS["en"], "5", filed.grievance.reference, filed.pin)

    raw = bytes(UssdSessionState.objects.get(session_id=session.session_id).data)
    assert f"*{filed.pin}".encode() not in raw and f"{filed.pin}*".encode() not in raw
