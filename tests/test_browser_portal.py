"""A real browser (Debian's Chromium through Playwright) applies in Kiswahili and Arabic and files a complaint.

Screenshots of every confirmation page are saved under tests/artifacts/ for CI to keep.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; the serialized rollback brings back the rows migrations
    # made (Wagtail's root page, the locales) after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium, driven from this thread while Django serves from another."""
    # Playwright's sync API runs an event loop in this thread; the test's own database reads are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site():
    from demo.areas_and_programmes import create_areas
    from demo.pages import create_site

    areas = create_areas()
    create_site()
    return areas


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


class _SentSms(logging.Handler):
    """The texts the console gateway sent, by number (the outbox wipes a sign-in code once sent)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append((str(record.args[0]), str(record.args[1])))


SENT = _SentSms()
logging.getLogger("sms.console").addHandler(SENT)


def code_sent_to(phone: str, body: str) -> str:
    """The sign-in code last sent to ``phone``: from the outbox row, or once wiped, from what was sent."""
    texts = [body] if body else [text for to, text in SENT.texts if to == phone]
    return re.search(r"\d{6}", texts[-1]).group(0)


def continue_(page) -> None:
    page.click("main form button[type=submit]")


def apply_end_to_end(browser, live_server, site, language: str, phone: str) -> str:
    """Apply from a programme page to the confirmation; return the reference shown."""
    from content.models import ProgrammePage
    from sms.models import OutboundMessage

    programme_page = ProgrammePage.objects.get(locale__language_code=language, programme__code="disability-grant")
    context = browser.new_context(locale=language)
    page = context.new_page()
    page.goto(live_server.url + programme_page.url)
    assert page.get_attribute("html", "lang") == language
    page.click("a[href*='?programme=disability-grant']")
    page.click("main a.button")

    page.fill("#id_given_name", "Zawadi")
    page.fill("#id_family_name", "Omar")
    continue_(page)
    page.fill("#id_day", "12")
    page.fill("#id_month", "6")
    page.fill("#id_year", "1985")
    continue_(page)
    page.check("#id_sex_0")
    continue_(page)
    continue_(page)  # no national ID
    page.fill("#id_household_size", "5")
    continue_(page)
    page.fill("#id_children_under_18", "3")
    page.fill("#id_children_under_5", "1")
    continue_(page)
    page.fill("#id_members_with_disability", "1")
    continue_(page)
    page.check(f"input[name=region][value='{site['coast'].pk}']")
    continue_(page)
    page.check(f"input[name=district][value='{site['kilifi'].pk}']")
    continue_(page)
    page.check("input[name=income_band][value='1']")
    continue_(page)
    assert page.locator("main section").count() == 5  # advice for every open programme
    continue_(page)
    assert page.is_checked("input[name=programmes][value='disability-grant']")
    page.check("input[name=programmes][value='child-support-grant']")
    continue_(page)
    page.check("#id_consent")
    continue_(page)

    assert f"/{language}/apply/check/" in page.url
    page.click("main a.button")  # confirm the phone number by code
    page.fill("#id_phone", phone)
    continue_(page)
    message = OutboundMessage.objects.filter(to=phone, template="sign_in_code").latest("id")
    page.fill("#id_code", code_sent_to(phone, message.body))
    continue_(page)
    assert f"/{language}/apply/check/" in page.url
    page.click(f"form[action='/{language}/apply/submit/'] button")

    assert f"/{language}/apply/done/" in page.url
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    shown = re.sub(r"\s", "", page.inner_text(".panel strong"))
    screenshot(page, f"application-{language}")
    context.close()
    return shown


def test_a_citizen_applies_end_to_end_in_kiswahili(browser, live_server, site):
    from registry.models import Application

    reference = apply_end_to_end(browser, live_server, site, "sw", "+254712000001")
    application = Application.objects.get(reference=reference)
    assert application.language == "sw"
    assert sorted(application.programme_applications.values_list("programme__code", flat=True)) == [
        "child-support-grant",
        "disability-grant",
    ]


def test_a_citizen_applies_end_to_end_in_arabic(browser, live_server, site):
    from registry.models import Application
    from sms.models import OutboundMessage

    reference = apply_end_to_end(browser, live_server, site, "ar", "+254712000002")
    application = Application.objects.get(reference=reference)
    assert application.language == "ar"
    assert OutboundMessage.objects.filter(to="+254712000002", template="application_received").count() == 1


def test_an_anonymous_complaint_is_filed_and_tracked_in_a_browser(browser, live_server, site):
    from grievances.models import Grievance

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/fr/complain/")
    page.check("input[name=category][value='fraud_corruption']")
    page.fill("#id_description", "Un agent m'a demandé de l'argent.")
    page.check("#id_anonymous")
    continue_(page)
    reference, pin = (re.sub(r"\s", "", text) for text in page.locator(".panel strong").all_inner_texts())
    screenshot(page, "complaint-anonymous")
    grievance = Grievance.objects.get(reference=reference)
    assert grievance.is_anonymous and grievance.contact_phone == "" and grievance.complainant is None

    page.goto(live_server.url + "/fr/track/")
    page.fill("#id_reference", reference)
    page.fill("#id_pin", pin)
    continue_(page)
    assert reference[:1] in page.inner_text("h1")
    with translation.override("fr"):
        assert page.locator(".summary .tag").inner_text() == str(grievance.get_status_display())
    screenshot(page, "complaint-tracked")
    context.close()
