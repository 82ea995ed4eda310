"""What a citizen reads, in a real browser (Debian's Chromium), in English, French, Kiswahili and Arabic.

Dates in the language's own words and order, amounts with the currency in one thousands style,
references grouped and never broken across lines, a compact header on a 360 × 640 phone, and a
first visit to the home page sent to the browser's language (explicit choices kept).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.test_browser_portal import CHROMIUM, browser, code_sent_to, continue_, screenshot, site  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

LANGUAGES = ["en", "fr", "sw", "ar"]
PHONE_SCREEN = {"width": 360, "height": 640}
HEADER_SHARE = 0.12  # of the phone screen's height, at most
# How Django's own formats wrote dates in some language before: "Aug. 12, 1958", "12/8/1958".
ENGLISH_ORDER = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{1,2}\b")


def home(language: str) -> str:
    return "/" if language == "en" else f"/{language}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_header_is_compact_and_keeps_every_link(browser, live_server, site, language):  # noqa: F811
    context = browser.new_context(viewport=PHONE_SCREEN, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + home(language))
    header = page.locator("header.site-header").bounding_box()
    screenshot(page, f"header-phone-{language}")
    assert header["height"] <= HEADER_SHARE * PHONE_SCREEN["height"], f"{header['height']:.0f} px"
    # Nothing is lost: every language and every menu link is there, reachable by scrolling the menu.
    assert page.locator(".languages a").count() == 4
    assert page.locator(".main-nav a").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"], "no page-wide scroll"
    for link in page.locator(".site-header a").all():
        box = link.bounding_box()
        assert box["height"] >= 24, "links stay big enough to touch"
    context.close()

    wide = browser.new_context(viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(live_server.url + home(language))
    assert page.evaluate("[...document.querySelectorAll('.site-header ul')].every(u => u.scrollWidth <= u.clientWidth)")
    wide.close()


@pytest.mark.parametrize(("accept", "language"), [("sw-KE", "sw"), ("ar", "ar"), ("fr-FR", "fr")])
def test_a_first_home_visit_goes_to_the_browsers_language(browser, live_server, site, accept, language):  # noqa: F811
    context = browser.new_context(locale=accept)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.url == f"{live_server.url}/{language}/"
    assert page.get_attribute("html", "lang") == language
    # An explicit choice of English is kept, then and on later visits.
    page.click(".languages a[hreflang=en]")
    assert page.url == f"{live_server.url}/" and page.get_attribute("html", "lang") == "en"
    page.goto(live_server.url + "/")
    assert page.url == f"{live_server.url}/" and page.get_attribute("html", "lang") == "en"
    # Addresses with a language keep it, whatever the browser says.
    page.goto(live_server.url + "/fr/")
    assert page.get_attribute("html", "lang") == "fr"
    context.close()

    english = browser.new_context(locale="en-US")
    page = english.new_page()
    page.goto(live_server.url + "/")
    assert page.url == f"{live_server.url}/" and page.get_attribute("html", "lang") == "en"
    english.close()


def _sign_in(page, live_server, language: str, phone: str) -> None:
    from sms.models import OutboundMessage

    page.goto(f"{live_server.url}{home(language)}sign-in/")
    page.fill("#id_phone", phone)
    continue_(page)
    message = OutboundMessage.objects.filter(to=phone, template="sign_in_code").latest("id")
    page.fill("#id_code", code_sent_to(phone, message.body))
    continue_(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_amounts_and_references_read_in_the_language_and_never_break(browser, live_server, site, language):  # noqa: F811
    from registry.formatting import format_amount, format_day
    from registry.models import Payment, ProgrammeApplication
    from tests.portal_helpers import apply_as

    phone = f"+2547120001{LANGUAGES.index(language):02d}"
    application = apply_as(phone, ("old-age-pension", "child-support-grant"))
    pa = application.programme_applications.get(programme__code="old-age-pension")
    ProgrammeApplication.objects.filter(pk=pa.pk).update(status="enrolled", decided_at=timezone.now())
    for number, amount in enumerate((Decimal("1500"), Decimal("3000"))):
        Payment.objects.create(
            programme_application=pa, source="test", external_id=f"p{number}", status="paid", amount=amount,
            currency="KES", channel="mobile_money", payment_date=date(2026, 8, 12), status_at=timezone.now(),
        )  # fmt: skip

    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    _sign_in(page, live_server, language, phone)
    page.goto(f"{live_server.url}{home(language)}account/")
    text = page.inner_text("main")
    screenshot(page, f"account-{language}")
    assert format_day(date(2026, 8, 12), language) in text
    assert format_day(application.submitted_at, language) in text
    assert {"en": "12 August 2026", "fr": "12 août 2026", "sw": "12 Agosti 2026"}.get(language, "12 ") in text
    assert not ENGLISH_ORDER.search(text) and "/2026" not in text
    assert format_amount(1500, "KES") in text and format_amount(3000, "KES") in text  # KES 1,500 beside KES 3,000

    page.goto(f"{live_server.url}{home(language)}account/applications/{application.reference}/")
    text = page.inner_text("main")
    assert format_day(application.submitted_at, language) in text and "/2026" not in text
    heading_reference = page.locator("h1 span[dir=ltr]")
    grouped = heading_reference.inner_text()
    assert re.fullmatch(r"\d\s\d{4}\s\d{4}\s\d", grouped), grouped
    assert heading_reference.evaluate("e => e.getClientRects().length") == 1, "the reference is on one line"
    screenshot(page, f"application-dates-{language}")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_pages_write_benefits_as_every_channel_does(browser, live_server, site, language):  # noqa: F811
    from content.models import ProgrammePage
    from registry.formatting import format_amount

    context = browser.new_context()
    page = context.new_page()
    for code, amount in (("child-support-grant", 1500), ("public-works", 4000)):
        programme_page = ProgrammePage.objects.get(locale__language_code=language, programme__code=code)
        page.goto(live_server.url + programme_page.url)
        assert format_amount(amount, "KES") in page.inner_text("main")
    context.close()
