"""Fuzzed USSD input never raises: always 200 with CON/END within the screen budget."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ussd.testing import UssdPhone, check_screen

pytestmark = pytest.mark.django_db

KEYPAD = "0123456789*#"
ODD = "aZé ç'’-.\n\t\x00🙂👍🏽ع٣\u200f"
inputs = st.one_of(
    st.text(alphabet=KEYPAD, max_size=6),
    st.sampled_from(["0", "00", "98", "99", "1", "2", "3", "4", "5", "6", "7", "#", "*", "**", ""]),
    st.text(alphabet=KEYPAD + ODD, max_size=40),
    st.text(max_size=30),
    st.just("9" * 500),
    st.text(alphabet=KEYPAD + ODD, min_size=500, max_size=500),
)
phones = st.from_regex(r"\+2547[0-9]{8}", fullmatch=True)
FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(phone=phones, steps=st.lists(inputs, max_size=14))
def test_any_sequence_of_inputs_gets_con_or_end_within_budget(client, programmes, phone, steps):
    session = UssdPhone(client, phone=phone)  # checks status, content type, CON/END and budget
    session.dial()
    for value in steps:
        session.send(value)
    assert len(session.replies) == len(steps) + 1  # every hop answered, each reply checked on arrival


@FUZZ
@given(phone=phones, texts=st.lists(st.text(alphabet=KEYPAD + ODD, max_size=500), min_size=1, max_size=8))
def test_any_text_field_even_one_that_does_not_accumulate_gets_an_answer(client, programmes, phone, texts):
    session = UssdPhone(client, phone=phone)
    session.dial()
    replies = [session.post(text) for text in texts]  # each reply checked on arrival
    assert all(reply.startswith(("CON ", "END ")) for reply in replies)


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "sessionId": st.text(max_size=120),
            "serviceCode": st.one_of(st.just(settings.USSD_SERVICE_CODE), st.text(max_size=20)),
            "phoneNumber": st.one_of(phones, st.text(max_size=20)),
            "networkCode": st.text(max_size=12),
            "text": st.text(max_size=500),
        },
    )
)
def test_any_form_fields_get_a_200_with_con_or_end(client, programmes, fields):
    response = client.post(reverse("ussd:at_callback", args=[settings.AT_CALLBACK_TOKEN]), fields)
    assert response.status_code == 200
    check_screen(response.content.decode("utf-8"))
