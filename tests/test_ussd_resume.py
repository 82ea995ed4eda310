"""A session dropped mid-application resumes on the next dial from the same phone, for 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import Application
from ussd.models import UssdDraft
from ussd.session import DRAFT_TTL_SECONDS
from ussd.testing import APPLY, LANGUAGE_KEYS, UssdPhone, apply_answers, pick_and_send

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"


def dropped_after_the_household_size(client, language="en") -> UssdPhone:
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS[language], APPLY, *apply_answers(region="2", district="1")[:7])
    assert session.screen_name == "apply_children_18"
    return session  # the network drops the session here: no more hops


@pytest.mark.parametrize("language", list(LANGUAGE_KEYS))
def test_a_dropped_application_resumes_where_it_stopped_with_the_answers_kept(client, programmes, areas, language):
    dropped = dropped_after_the_household_size(client, language)

    session = UssdPhone(client, phone=PHONE)
    session.dial()
    assert session.screen_name == "resume"
    session.send("1")
    assert session.screen_name == "apply_children_18"
    session.send(*apply_answers()[7:], *pick_and_send(len(programmes)))

    assert session.ended
    application = Application.objects.get()
    assert application.idempotency_key == f"ussd:{session.session_id}" != f"ussd:{dropped.session_id}"
    assert application.applicant.given_name == "Amina" and application.applicant.birth_year == 1950
    assert application.household.area == areas["kibra"] and application.household.size == 4
    assert application.language == language
    # Sent: no more offer to resume.
    again = UssdPhone(client, phone=PHONE)
    again.dial()
    assert again.screen_name == "main"


def test_back_from_a_resumed_screen_goes_to_the_previous_question(client, programmes):
    dropped = UssdPhone(client, phone=PHONE)
    dropped.dial()
    dropped.send(LANGUAGE_KEYS["en"], APPLY, *apply_answers()[:6])
    assert dropped.screen_name == "apply_household"
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send("1", "0")
    assert session.screen_name == "apply_district"


def test_starting_again_forgets_the_old_answers(client, programmes):
    dropped_after_the_household_size(client)
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send("2")
    assert session.screen_name == "apply_name"
    session.send("0")
    assert session.screen_name == "main"
    again = UssdPhone(client, phone=PHONE)
    again.dial()
    assert again.screen_name == "main"  # the draft is gone


def test_the_offer_to_resume_lasts_24_hours(client, programmes):
    dropped_after_the_household_size(client)
    expires_at = UssdDraft.objects.get(phone=PHONE).expires_at
    assert (
        timedelta(seconds=DRAFT_TTL_SECONDS - 60) < expires_at - timezone.now() <= timedelta(seconds=DRAFT_TTL_SECONDS)
    )
    almost = UssdPhone(client, phone=PHONE)
    almost.dial()
    assert almost.screen_name == "resume"

    UssdDraft.objects.filter(phone=PHONE).update(expires_at=timezone.now() - timedelta(seconds=1))
    too_late = UssdPhone(client, phone=PHONE)
    too_late.dial()
    assert too_late.screen_name == "main"
    assert DRAFT_TTL_SECONDS == 24 * 3600


def test_the_privacy_link_is_sent_once_even_when_the_consent_screen_is_reached_again(client, programmes, areas):
    from sms.models import OutboundMessage

    first = UssdPhone(client, phone=PHONE)
    first.dial()
    first.send(LANGUAGE_KEYS["en"], APPLY, *apply_answers(), *pick_and_send(len(programmes))[:-2])
    assert first.screen_name == "apply_consent"  # dropped here
    again = UssdPhone(client, phone=PHONE)
    again.dial()
    again.send("1")
    assert again.screen_name == "apply_consent"
    assert OutboundMessage.objects.filter(to=PHONE, template="consent_notice_link").count() == 1
