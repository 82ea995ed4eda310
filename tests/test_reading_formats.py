"""Dates, amounts, references and languages as citizens read them, the same on every channel.

The browser tests (tests/test_browser_reading.py) show the pages; these check every channel's text.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.html import escape

from portal.middleware import HOME_CHOSEN_COOKIE
from registry.formatting import format_amount, format_day, format_number, income_band_label
from sms.templates import TEMPLATES, fit_list, item_separator, render
from tests.portal_helpers import answers_for, url
from tests.test_sms_template_budgets import worst_case_context
from ussd.testing import APPLY, LANGUAGE_KEYS, UssdPhone

LANGUAGES = ["en", "fr", "sw", "ar"]
BORN = date(1958, 8, 12)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "12 August 1958"), ("fr", "12 août 1958"), ("sw", "12 Agosti 1958"), ("ar", "12 أغسطس 1958")],
)
def test_a_day_is_written_in_the_languages_own_words_and_order(language, expected):
    assert format_day(BORN, language) == expected
    with translation.override(language):
        assert format_day(BORN) == expected


def test_amounts_carry_the_currency_and_one_thousands_style():
    assert format_amount(1500, "KES") == "KES 1,500"
    assert format_amount(3000) == "KES 3,000"
    assert format_amount(1250000.5, "KES") == "KES 1,250,000.50"
    assert format_number(20000) == "20,000"


@pytest.mark.parametrize("language", LANGUAGES)
def test_income_bands_read_the_same_on_the_web_and_on_ussd(client, db, programmes, areas, language):
    for step, data in answers_for(areas)[:9]:
        client.post(url("apply_step", step, language=language), data)
    page = client.get(url("apply_step", "income", language=language)).content.decode()
    with translation.override(language):
        labels = [income_band_label(band) for band in range(1, 6)]
    for label in labels:
        assert escape(label) in page
    assert "KES 2,000" in page and "KES 19,999" in page and "2 000" not in page

    phone = UssdPhone(client)
    phone.dial()
    if phone.screen_name == "language":
        phone.send(LANGUAGE_KEYS[language])
    phone.send(APPLY, "Amina Wanjiru", "1950", "1", "0", "1", "1", "4", "2", "1", "0")
    assert phone.screen_name == "apply_income"
    screen = phone.every_page()
    assert "2,000" in screen and "19,999" in screen and "2 000" not in screen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_check_page_gives_the_date_of_birth_in_the_languages_words(client, db, programmes, areas, language):
    for step, data in answers_for(areas):
        client.post(url("apply_step", step, language=language), data)
    page = client.get(url("apply_check", language=language)).content.decode()
    assert escape(format_day(date(1950, 4, 3), language)) in page
    assert "Apr. 3" not in page and "April 3" not in page


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_arabic_sms_use_the_arabic_semicolon(template):
    text = render(template, "ar", worst_case_context("ar", template))
    assert ";" not in text, text


def test_arabic_sms_lists_are_joined_by_the_arabic_semicolon():
    assert item_separator("ar") == "؛ " and item_separator("en") == "; "
    joined = fit_list("status_reply", "ar", {}, "statuses", ["أ: مسجّل", "ب: قيد المراجعة"])
    assert joined == "أ: مسجّل؛ ب: قيد المراجعة"


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "language"), [("sw-KE,sw;q=0.9,en;q=0.5", "sw"), ("ar-EG,ar;q=0.9", "ar")])
def test_a_first_visit_to_the_home_page_goes_to_the_browsers_language(client, accept, language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302 and response["Location"] == f"/{language}/"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_explicit_choices_of_english_are_kept(client, settings):
    from demo.pages import create_site

    create_site()
    # Following our own English link, or having seen the English home page before, keeps English.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sw", HTTP_REFERER="http://testserver/sw/").status_code == 200
    assert client.cookies[HOME_CHOSEN_COOKIE].value == "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sw").status_code == 200
    # An English browser, a page other than the home page, and a POST are left alone.
    other = type(client)()
    assert other.get("/", HTTP_ACCEPT_LANGUAGE="en-GB").status_code == 200
    assert other.get("/call-me-back/", HTTP_ACCEPT_LANGUAGE="sw").status_code == 200
    assert (
        type(client)().get("/", HTTP_ACCEPT_LANGUAGE="sw", HTTP_REFERER="https://elsewhere.example/").status_code == 302
    )
