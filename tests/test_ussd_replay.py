"""Replaying any hop of a finished journey returns the same screen and creates nothing new."""

from __future__ import annotations

import pytest

from grievances.models import CallbackRequest, Grievance, GrievanceEvent
from registry.models import Application, ApplicationEvent, Consent, Person, PhonePreference, ProgrammeApplication
from sms.models import OutboundMessage
from ussd.session import load_session
from ussd.testing import (
    APPLY,
    CALL_ME_BACK,
    COMPLAINT,
    LANGUAGE_KEYS,
    UssdPhone,
    apply_answers,
    pick_and_send,
)

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
MODELS = [
    Application,
    ProgrammeApplication,
    ApplicationEvent,
    Consent,
    Person,
    PhonePreference,
    Grievance,
    GrievanceEvent,
    CallbackRequest,
    OutboundMessage,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def finished_journeys(client, programmes) -> list[UssdPhone]:
    apply = UssdPhone(client, phone=PHONE)
    apply.dial()
    apply.send(LANGUAGE_KEYS["sw"], APPLY, *apply_answers(), *pick_and_send(len(programmes), (1, 2)))
    complaint = UssdPhone(client, phone=PHONE)
    complaint.dial()
    complaint.send(COMPLAINT, "1", "No payment since March", "2", "1")
    callback = UssdPhone(client, phone=PHONE)
    callback.dial()
    callback.send(CALL_ME_BACK, "3")
    for session in (apply, complaint, callback):
        assert session.ended
    return [apply, complaint, callback]


def test_replaying_every_hop_of_finished_journeys_returns_the_same_screens_and_creates_nothing(client, programmes):
    sessions = finished_journeys(client, programmes)
    before = counts()
    assert before["Application"] == 1 and before["Grievance"] == 1 and before["CallbackRequest"] == 1

    for session in sessions:
        for text, reply in zip(session.texts, session.replies, strict=True):
            assert session.post(text) == reply
        # In reverse order too, as a confused network might.
        for text, reply in reversed(list(zip(session.texts, session.replies, strict=True))):
            assert session.post(text) == reply

    assert counts() == before


def test_a_new_input_after_the_end_changes_nothing(client, programmes):
    apply, *_others = finished_journeys(client, programmes)
    before = counts()
    final = apply.replies[-1]
    assert apply.post(apply.text + "*1") == final
    assert apply.post("9*9*9") == final
    assert counts() == before


def test_the_submit_runs_once_even_if_the_last_hop_is_processed_twice(client, programmes):
    """A duplicate that slips past the replay memory (state lost) still creates no second application."""
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], APPLY, *apply_answers(), *pick_and_send(len(programmes))[:-1])
    state_before_send = load_session(session.session_id)
    session.send("1")
    assert session.ended and Application.objects.count() == 1

    from ussd.session import save_session

    save_session(state_before_send)  # as if the first processing had never been saved
    again = session.post(session.text)
    assert again.startswith("END ") and Application.objects.count() == 1
    assert OutboundMessage.objects.filter(template="application_received").count() == 1


def test_a_hop_that_does_not_extend_the_previous_text_moves_on_from_the_current_screen(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], APPLY)
    assert session.screen_name == "apply_name"
    # The network lost a part of the history: the newest input is the last part.
    reply = session.post("7*7*Amina Wanjiru")
    assert reply.startswith("CON ") and session.screen_name == "apply_age"
    assert load_session(session.session_id).answers["given_name"] == "Amina"
