"""The back-office in a real browser (Debian's Chromium), as officers in English, French, Kiswahili and Arabic.

Each officer signs in as a person would (password, then the authenticator's code) and reads the
page in the language of their profile. Screenshots are saved under tests/artifacts/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.backoffice_browser import signed_in as sign_in
from tests.backoffice_browser import staff_member, type_code, type_password
from tests.test_browser_portal import CHROMIUM, browser, screenshot, site  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

LANGUAGES = ["en", "fr", "sw", "ar"]
BACK_OFFICE = {"en": "Lango back-office", "fr": "Back-office Lango", "sw": "Ofisi ya nyuma ya Lango"}


def work_line(page, label: str) -> int:
    """The count shown on the home page beside ``label`` (in the page's language)."""
    line = page.locator(".lango-work-list li", has_text=label)
    assert line.count() == 1, label
    return int(line.locator(".lango-count").inner_text())


@pytest.fixture
def work(site):  # noqa: F811 - the demo site fixture
    """Cases (one sensitive), an application waiting for a decision and a call-back waiting."""
    from demo.areas_and_programmes import create_programmes
    from grievances.models import Grievance
    from grievances.services import request_callback
    from tests.backoffice_helpers import file_case, submit_application

    programmes = create_programmes(site)
    mine = file_case(phone="+254712000001")
    file_case(phone="+254712000002")
    sensitive = file_case(category="fraud_corruption", phone="+254712000003", description="The chief took my money.")
    application = submit_application(["old-age-pension"], site["kilifi"], phone="+254712000004", birth_year=1940)
    request_callback(phone="+254712000005", reason="other", channel="ussd", language="sw")
    return {
        "mine": mine,
        "sensitive": sensitive,
        "application": application,
        "programmes": programmes,
        "assign": lambda case, user: Grievance.objects.filter(pk=case.pk).update(
            assignee=user, due_at=timezone.now() + timedelta(days=1)
        ),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_role_lands_on_a_home_with_its_own_work_in_its_language(browser, live_server, work, language):  # noqa: F811
    from backoffice import roles
    from registry.models import Programme

    officer = staff_member("grace", roles.GRIEVANCE_OFFICER, language=language, first_name="Grace", last_name="Achieng")
    cleared = staff_member("sam", roles.SENSITIVE_CASE_OFFICER, language=language, first_name="Sam")
    decider = staff_member("paul", roles.PROGRAMME_OFFICER, language=language, first_name="Paul")
    agent = staff_member("carol", roles.CALL_CENTRE_AGENT, language=language, first_name="Carol")
    Programme.objects.get(code="old-age-pension").officers.add(decider)
    work["assign"](work["mine"], officer)

    with translation.override(language):
        labels = {
            key: gettext(text)
            for key, text in {
                "mine": "My open cases",
                "soon": "My cases due in the next two days",
                "unassigned": "Open cases nobody is working on",
                "awaiting": "Applications awaiting my decision",
                "callbacks": "Call-backs waiting",
                "complaints": "Complaints",
            }.items()
        }
    if language != "en":
        assert labels["mine"] != "My open cases"

    page = sign_in(browser, live_server, officer, locale=language)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    if language in BACK_OFFICE:
        assert page.inner_text("main h1") == BACK_OFFICE[language]
    assert page.locator("form[role=search]").count() == 0  # no "Search all pages…" for staff without pages
    assert work_line(page, labels["mine"]) == 1
    assert work_line(page, labels["soon"]) == 1
    assert work_line(page, labels["unassigned"]) == 1  # the fraud complaint is not counted for her
    assert page.locator(".lango-work-list li", has_text=labels["awaiting"]).count() == 0
    screenshot(page, f"backoffice-home-officer-{language}")
    page.locator(".lango-work-list a", has_text=labels["unassigned"]).click()
    assert "/admin/cases/" in page.url
    assert work["sensitive"].reference not in page.content()
    page.context.close()

    page = sign_in(browser, live_server, cleared, locale=language)
    assert work_line(page, labels["unassigned"]) == 2  # cleared: the fraud complaint counts
    page.context.close()

    page = sign_in(browser, live_server, decider, locale=language)
    assert work_line(page, labels["awaiting"]) == 1
    assert page.locator(".lango-work-list li", has_text=labels["mine"]).count() == 0
    assert page.locator("form[role=search]").count() == 0  # no "Search all pages…" for staff without pages
    screenshot(page, f"backoffice-home-programme-{language}")
    page.context.close()

    page = sign_in(browser, live_server, agent, locale=language)
    assert work_line(page, labels["callbacks"]) == 1
    assert page.locator(".lango-work-list li", has_text=labels["mine"]).count() == 0
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_is_the_lango_back_office_in_the_browsers_language(browser, live_server, language):  # noqa: F811
    context = browser.new_context(locale=language)
    page = context.new_page()
    page.goto(live_server.url + "/admin/")

    assert "/admin/login/" in page.url
    assert page.get_attribute("html", "lang") == language
    with translation.override(language):
        name = gettext("Lango back-office")
    assert page.inner_text("h1") == name
    assert name in page.title()
    assert "Wagtail" not in page.inner_text("body")
    screenshot(page, f"backoffice-sign-in-{language}")
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_after_many_wrong_codes_the_officer_is_told_to_wait_and_for_how_long(browser, live_server, language):  # noqa: F811
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice import roles
    from tests.backoffice_helpers import current_code

    officer = staff_member("grace", roles.GRIEVANCE_OFFICER, language=language)
    page = type_password(browser, live_server, officer, locale=language)
    device = TOTPDevice.objects.get(user=officer)
    right = current_code(device)
    wrong = "000000" if right != "000000" else "111111"
    # Seven wrong codes in a row: django-otp now refuses every code for about a minute.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=7, throttling_failure_timestamp=timezone.now()
    )
    type_code(page, wrong)
    type_code(page, right)

    error = page.inner_text(".error-message")
    with translation.override(language):
        not_right = gettext("That code is not right.")
    assert not_right not in error
    assert re.search(r"\d+", error), error
    seconds = int(re.search(r"\d+", error).group(0))
    assert 1 <= seconds <= 128
    assert "/admin/2fa/verify/" in page.url
    screenshot(page, f"backoffice-code-wait-{language}")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_call_back_queue_reads_clearly_in_every_language(browser, live_server, work, language):  # noqa: F811
    from backoffice import roles
    from grievances.models import CallbackRequest
    from grievances.services import request_callback
    from registry.models import AdminArea
    from tests.backoffice_helpers import submit_application

    agent = staff_member("carol", roles.CALL_CENTRE_AGENT, language=language, first_name="Carol", last_name="Wafula")
    applicant = submit_application(
        ["old-age-pension"], AdminArea.objects.get(code="kilifi"),
        phone="+254712000009", given_name="Baraka", family_name="Kamau", birth_year=1944,
    ).applicant  # fmt: skip
    request_callback(phone=applicant.phone, reason="other", channel="web", language="ar", person=applicant)
    assert CallbackRequest.objects.filter(status="pending").count() == 2

    with translation.override(language):
        expected = {
            "call_by": gettext("Call by"),
            "caller": gettext("Caller"),
            "cancelled": str(CallbackRequest.Status.CANCELLED.label),
            "note": gettext("Note"),
            "no_record": gettext("No record found"),
            "records": gettext("Records found"),
        }

    page = sign_in(browser, live_server, agent, locale=language)
    page.goto(live_server.url + "/admin/call-backs/")
    assert page.get_attribute("html", "lang") == language
    headers = page.locator("table.lango-callbacks thead th").all_inner_texts()
    assert expected["call_by"] in headers and expected["caller"] in headers
    rows = page.locator("table.lango-callbacks tbody tr")
    assert rows.count() == 2
    text = page.inner_text("table.lango-callbacks")
    assert "Kiswahili" in text and "العربية" in text  # language names, not "sw" / "ar"
    assert "Baraka Kamau" in text  # the caller's name beside the number
    cells = dict(zip(headers, rows.nth(1).locator("td").all_inner_texts(), strict=False))
    assert cells[expected["caller"]].startswith("Baraka Kamau")
    asked = cells[headers[0]]
    assert cells[expected["call_by"]].strip() and cells[expected["call_by"]] != asked  # due, after the time asked
    # The outcome choices stand one under the other, the note below them.
    outcome = rows.nth(0).locator("td.lango-outcome")
    choices = outcome.locator("label.lango-choice")
    assert choices.count() == 3
    tops = [choices.nth(i).bounding_box()["y"] for i in range(3)]
    assert tops == sorted(tops) and len(set(tops)) == 3
    note = outcome.locator("label.lango-note").bounding_box()
    cancelled = outcome.locator("label.lango-choice", has_text=expected["cancelled"]).bounding_box()
    assert note["y"] >= cancelled["y"] + cancelled["height"] - 1
    screenshot(page, f"backoffice-call-backs-{language}")

    page.goto(live_server.url + "/admin/call-centre/?q=%2B254799999999")
    found = page.locator("main h2#found")
    assert found.inner_text() == expected["no_record"]
    assert expected["records"] not in page.inner_text("main")
    screenshot(page, f"backoffice-call-centre-nothing-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["sw", "ar"])
def test_an_application_page_speaks_to_the_officer_in_their_language_with_names(browser, live_server, work, language):  # noqa: F811
    from backoffice import roles
    from registry.decisions import decide
    from registry.models import AdminArea, Programme, ProgrammeApplication
    from tests.backoffice_helpers import submit_application

    decider = staff_member("paul", roles.PROGRAMME_OFFICER, language=language, first_name="Paul", last_name="Otieno")
    Programme.objects.get(code="old-age-pension").officers.add(decider)
    citizen_language = "fr" if language == "ar" else "ar"
    application = submit_application(
        ["old-age-pension"], AdminArea.objects.get(code="kilifi"), phone="+254712000010", birth_year=1990,
        language=citizen_language,
    )  # fmt: skip
    pa = ProgrammeApplication.objects.get(application=application)
    decide(pa, "not_eligible", "age_outside_range", "Too young for the pension.", decider)

    with translation.override(language):
        younger = gettext("The applicant is younger than %(age)s, the programme's lowest age.") % {"age": 65}
        not_eligible = str(ProgrammeApplication.Status.NOT_ELIGIBLE.label)
    with translation.override(citizen_language):
        citizen_words = gettext("This programme is for people aged %(age)s or over.") % {"age": 65}

    page = sign_in(browser, live_server, decider, locale=language)
    page.goto(live_server.url + f"/admin/applications/{pa.pk}/")
    body = page.inner_text("main")
    assert younger in body  # about the applicant, in the officer's language
    assert citizen_words not in body
    timeline = page.inner_text("#app-timeline + ol")
    assert "not_eligible" not in timeline and "submitted" not in timeline
    assert not_eligible in timeline
    assert "Paul Otieno" in timeline and " paul" not in timeline
    assert "Paul Otieno" in body.split(timeline)[0]  # "Decided by"
    screenshot(page, f"backoffice-application-{language}")
    page.context.close()
