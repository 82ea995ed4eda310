"""A refused applicant reads the standard reason the officer picked, in their own language, then the
officer's words: on the web, on USSD and (the standard reason only) by SMS, which says how to appeal."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from backoffice.roles import PROGRAMME_OFFICER
from registry.decisions import RefusalReason, citizen_reason, decide
from registry.preferences import set_phone_language
from sms.keywords import taught_keyword
from sms.models import OutboundMessage
from sms.templates import TEMPLATES
from tests.backoffice_helpers import make_staff, submit_application
from tests.portal_helpers import PHONE, sign_in, url
from ussd.testing import MY_APPLICATIONS, UssdPhone

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]
OFFICER_WORDS = "Your salary slip from the county shows 40,000 a month."


@pytest.fixture
def refused(areas, programmes):
    """A phone's application to the old-age pension, refused by its officer as income above the limit."""

    def refuse(language: str, reason: str = RefusalReason.INCOME_ABOVE_LIMIT):
        set_phone_language(PHONE, language)
        officer = make_staff(f"petra-{language}", PROGRAMME_OFFICER)
        programmes["old-age-pension"].officers.add(officer)
        application = submit_application(["old-age-pension"], areas["mombasa"])
        pa = application.programme_applications.get()
        decide(pa, "not_eligible", reason, OFFICER_WORDS, officer)
        return pa

    return refuse


def standard_reason(language: str, code: str = RefusalReason.INCOME_ABOVE_LIMIT) -> str:
    with translation.override(language):
        words = citizen_reason(code)
    with translation.override("en"):
        assert words and (language == "en" or words != citizen_reason(code))
    return words


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_refusal_sms_gives_the_standard_reason_and_the_appeal_route_never_the_officers_words(refused, language):
    refused(language)
    message = OutboundMessage.objects.get(template="application_not_eligible_reason")
    assert message.language == language
    assert standard_reason(language) in message.body
    assert OFFICER_WORDS not in message.body and "40,000" not in message.body
    assert "*384*1#" in message.body  # where to appeal: the USSD service, which takes the appeal
    assert message.parts <= (2 if language == "ar" else 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_for_another_reason_says_where_to_read_why_and_what_the_call_keyword_does(refused, language):
    refused(language, RefusalReason.OTHER)
    message = OutboundMessage.objects.get(template="application_not_eligible")
    assert OFFICER_WORDS not in message.body
    keyword = taught_keyword("call", language)
    assert message.body.rstrip().endswith(keyword)
    with translation.override(language):
        taught = gettext(TEMPLATES["application_not_eligible"])
    assert taught != TEMPLATES["application_not_eligible"] or language == "en"
    # The words before the keyword say it asks for a call back (not that it appeals).
    call_back = {"en": "call back", "fr": "rappel", "sw": "Tukupigie simu", "ar": "ليتصل بك"}[language]
    assert call_back in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_ussd_shows_the_standard_reason_then_the_officers_words(client, refused, language):
    refused(language)
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    phone.send(MY_APPLICATIONS, "1")
    text = phone.every_page()
    reason = standard_reason(language)
    assert reason in text and "salary slip" in text
    assert text.index(reason) < text.index("salary slip")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_web_shows_the_standard_reason_then_the_officers_words(client, refused, language):
    pa = refused(language)
    sign_in(client, language=language)
    page = client.get(url("account_application", pa.application.reference, language=language)).content.decode()
    reason = standard_reason(language)
    assert reason in page and OFFICER_WORDS in page
    assert page.index(reason) < page.index(OFFICER_WORDS)
