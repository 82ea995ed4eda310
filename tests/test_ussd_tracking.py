"""Tracking a complaint by USSD: a mistyped reference is caught by its check digit, before any lookup."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.services import file_grievance
from registry.references import ReferenceKind, new_reference
from ussd.testing import LANGUAGE_KEYS, TRACK, UssdPhone

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"


def wrong_check_digit(reference: str) -> str:
    return reference[:-1] + str((int(reference[-1]) + 1) % 10)


def swapped_neighbours(reference: str) -> str:
    for i in range(1, len(reference) - 1):
        if reference[i] != reference[i + 1]:
            return reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
    raise AssertionError("no two different neighbours")


@pytest.fixture
def on_the_reference_question(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], TRACK)
    assert session.screen_name == "track_reference"
    return session


@pytest.mark.parametrize("mistake", [wrong_check_digit, swapped_neighbours])
def test_a_wrong_reference_check_digit_gets_the_clear_error_without_a_database_lookup(
    on_the_reference_question, mistake
):
    case = file_grievance(
        category="other", description="Nobody answers.", channel="web", language="en", phone=PHONE
    ).grievance
    session = on_the_reference_question

    with CaptureQueriesContext(connection) as queries:
        reply = session.send(mistake(case.reference))

    assert reply.startswith("CON ") and "Check the number" in reply
    assert session.screen_name == "track_reference"
    assert not [q["sql"] for q in queries.captured_queries if "grievances_grievance" in q["sql"]]


def test_an_application_reference_is_not_taken_for_a_complaint_reference(on_the_reference_question):
    session = on_the_reference_question
    with CaptureQueriesContext(connection) as queries:
        reply = session.send(new_reference(ReferenceKind.APPLICATION))
    assert "Check the number" in reply
    assert not [q["sql"] for q in queries.captured_queries if "grievances_grievance" in q["sql"]]


def test_a_well_formed_reference_that_does_not_exist_is_looked_up_and_not_found(on_the_reference_question):
    session = on_the_reference_question
    reply = session.send(new_reference(ReferenceKind.GRIEVANCE))
    assert reply.startswith("CON ") and "could not find" in reply


def test_a_reference_typed_with_spaces_or_stars_is_understood(on_the_reference_question):
    case = file_grievance(
        category="other", description="Nobody answers.", channel="web", language="en", phone=PHONE
    ).grievance
    session = on_the_reference_question
    grouped = f"{case.reference[0]}*{case.reference[1:5]}*{case.reference[5:9]}*{case.reference[9]}"
    reply = session.send(grouped)
    assert session.screen_name == "track_result" and case.get_status_display() in reply


def test_three_wrong_pins_in_a_row_end_the_session_politely(client, programmes):
    filing = file_grievance(
        category="other", description="Nobody answers.", channel="web", language="en", anonymous=True
    )
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], TRACK, filing.grievance.reference)
    assert session.screen_name == "track_pin"
    wrong = [f"{(int(filing.pin) + n) % 10000:04d}" for n in (1, 2, 3)]
    replies = [session.send(pin) for pin in wrong]
    assert [reply[:4] for reply in replies] == ["CON ", "CON ", "END "]
    assert "PIN is not right" in replies[0]
