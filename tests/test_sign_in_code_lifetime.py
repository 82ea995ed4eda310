"""A sign-in code lives exactly as long as its SMS may still be delivered, and every text says so.

A code that expired before its late SMS arrived, or an SMS that promises five minutes for a code
that works ten, would send a person back to ask again for nothing.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from portal.forms.signin import CodeForm
from portal.models import CODE_VALID_SECONDS
from sms.templates import SIGN_IN_CODE_LIFETIME, policy, render

LANGUAGES = ("en", "fr", "sw", "ar")
MINUTES = int(SIGN_IN_CODE_LIFETIME.total_seconds() // 60)


def numbers_in(text: str) -> set[int]:
    return {int(number) for number in re.findall(r"\d+", text)}


def test_the_code_works_for_as_long_as_the_outbox_may_still_send_it():
    assert CODE_VALID_SECONDS == SIGN_IN_CODE_LIFETIME.total_seconds()
    assert policy("sign_in_code").lifetime == SIGN_IN_CODE_LIFETIME


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_sms_states_the_codes_real_lifetime(language):
    text = render("sign_in_code", language, {"code": "493817"})

    assert MINUTES in numbers_in(text.replace("493817", ""))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_states_the_codes_real_lifetime(language):
    with translation.override(language):
        help_text = str(CodeForm.base_fields["code"].help_text)

    assert MINUTES in numbers_in(help_text)
