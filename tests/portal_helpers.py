"""Helpers for the citizen portal tests: sign in through the real pages, fill in an application."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from registry.models import AdminArea
from sms.models import OutboundMessage

PHONE = "+254712345678"
OTHER_PHONE = "+254722000111"


def url(name: str, *args, language: str = "en", **kwargs) -> str:
    """A citizen URL in ``language``."""
    with translation.override(language):
        return reverse(f"portal:{name}", args=args or None, kwargs=kwargs or None)


def last_code(phone: str) -> str:
    """The 6-digit code in the newest sign-in SMS to ``phone``."""
    message = OutboundMessage.objects.filter(to=phone, template="sign_in_code").order_by("-id").first()
    assert message is not None, "no sign-in SMS was queued"
    return re.search(r"\d{6}", message.body).group(0)


def sign_in(client, phone: str = PHONE, language: str = "en") -> None:
    """Sign in through the sign-in pages with the code from the outbox."""
    response = client.post(url("sign_in", language=language), {"phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(url("sign_in_code", language=language), {"code": last_code(phone)})
    assert response.status_code == 302, response.content.decode()[:2000]


def answers_for(areas: dict | None = None, programmes: tuple[str, ...] = ("old-age-pension",)) -> list[tuple]:
    """The (step, data) posts that answer every question of the application."""
    district = (areas or {}).get("mombasa") or AdminArea.objects.get(code="mombasa")
    return [
        ("name", {"given_name": "Amina", "family_name": "Hassan"}),
        ("date-of-birth", {"day": "3", "month": "4", "year": "1950"}),
        ("sex", {"sex": "female"}),
        ("national-id", {"national_id": ""}),
        ("household", {"household_size": "4"}),
        ("children", {"children_under_18": "2", "children_under_5": "1"}),
        ("disability", {"members_with_disability": "1"}),
        ("region", {"region": str(district.parent_id)}),
        ("district", {"district": str(district.pk)}),
        ("income", {"income_band": "1"}),
        ("advice", {}),
        ("programmes", {"programmes": list(programmes)}),
        ("consent", {"consent": "on"}),
    ]


def fill_application(client, areas=None, programmes=("old-age-pension",), language: str = "en") -> None:
    """Answer every question, ending on "check your answers"."""
    for step, data in answers_for(areas, programmes):
        response = client.post(url("apply_step", step, language=language), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])


def let_a_minute_pass(phone: str = PHONE) -> None:
    """Stand in for the minute a phone must wait between two codes (tests never sleep)."""
    from portal.models import PhoneDevice

    PhoneDevice.objects.filter(phone=phone).update(sent_at=[])


def apply_as(phone: str, programmes=("old-age-pension",), given_name: str = "Amina"):
    """An application made for ``phone`` through the registry service (as any channel would)."""
    from registry.services import ApplicantDetails, HouseholdDetails, submit_application

    district = AdminArea.objects.get(code="mombasa")
    result = submit_application(
        applicant=ApplicantDetails(given_name, "Hassan", "female", phone, 1950),
        household=HouseholdDetails(4, 1, 2, 1, 1, district.pk),
        programme_codes=list(programmes),
        channel="ussd",
        language="en",
        consent_given=True,
    )
    return result.application


def refuse(programme_application, days_ago: int = 0, text: str = "Your income is above the limit."):
    """Stand in for an officer's refusal ``days_ago`` days ago (the back-office decides for real)."""
    from datetime import timedelta

    from django.utils import timezone

    type(programme_application).objects.filter(pk=programme_application.pk).update(
        status="not_eligible",
        decision_reason_code="income",
        decision_text=text,
        decided_at=timezone.now() - timedelta(days=days_ago),
    )
    programme_application.refresh_from_db()
    return programme_application


def prepare_site():
    """The demo pages in every language, a citizen with a refused application, a complaint and an appeal."""
    from demo.areas_and_programmes import create_areas
    from demo.pages import create_site
    from grievances.services import file_grievance

    create_areas()
    create_site()
    application = apply_as(PHONE, ("old-age-pension", "disability-grant"))
    refuse(application.programme_applications.get(programme__code="disability-grant"))
    complaint = file_grievance(
        category="payment_not_received",
        description="No payment.",
        channel="web",
        language="en",
        complainant=application.applicant,
    ).grievance
    return {"application": application, "complaint": complaint}


def visit_every_page(client, language: str, cases: dict) -> dict:
    """Visit every citizen page in ``language`` as a citizen would; return the responses by page name.

    ``client`` starts signed out; it is signed in half-way (for the account pages).
    """
    from wagtail.models import Locale

    from content.models import HomePage, ProgrammePage, StandardPage

    pages: dict = {}
    locale = Locale.objects.get(language_code=language)

    def get(name, address, **extra):
        pages[name] = client.get(address, **extra)

    def post(name, address, data):
        pages[name] = client.post(address, data)

    home = HomePage.objects.get(locale=locale)
    get("home", home.url)
    get("programmes", home.get_children().live().get(slug="programmes").url)
    get("programme page", ProgrammePage.objects.get(locale=locale, programme__code="old-age-pension").url)
    for slug in ("faq", "privacy", "about"):
        get(slug, StandardPage.objects.get(locale=locale, slug=slug).url)
    get("not found", f"/{language}/no-such-page/" if language != "en" else "/no-such-page/")

    get("apply start", url("apply_start", language=language))
    steps = answers_for()
    for step, data in steps:
        get(f"apply {step}", url("apply_step", step, language=language))
        if step == "name":
            post("apply name with errors", url("apply_step", step, language=language), {"given_name": ""})
        client.post(url("apply_step", step, language=language), data)
    get("apply check", url("apply_check", language=language))

    get("complain", url("complain", language=language))
    post(
        "complaint received",
        url("complain", language=language),
        {"category": "other", "description": "x", "anonymous": "on", "token": ""},
    )
    shown = re.findall(r"<strong[^>]*>([\d \u00a0]+)</strong>", pages["complaint received"].content.decode())[:2]
    reference, pin = (re.sub(r"\s", "", number) for number in shown)  # references group with no-break spaces
    get("track", url("track", language=language))
    post("track with errors", url("track", language=language), {"reference": "123", "pin": ""})
    post("tracked", url("track", language=language), {"reference": reference, "pin": pin})
    get("call me back", url("call_me_back", language=language))
    post("call back requested", url("call_me_back", language=language), {"phone": OTHER_PHONE, "reason": "other"})

    get("sign in", url("sign_in", language=language))
    let_a_minute_pass(PHONE)
    client.post(url("sign_in", language=language), {"phone": PHONE})
    get("sign in code", url("sign_in_code", language=language))
    client.post(url("sign_in_code", language=language), {"code": last_code(PHONE)})
    client.post(url("apply_submit", language=language))
    get("apply done", url("apply_done", language=language))

    reference = cases["application"].reference
    get("account", url("account", language=language))
    get("account application", url("account_application", reference, language=language))
    get("account withdraw", url("account_withdraw", reference, language=language))
    get("account appeal", url("account_appeal", reference, "disability-grant", language=language))
    get("account complaint", url("account_complaint", cases["complaint"].reference, language=language))
    get("account language", url("account_language", language=language))
    get("account sms", url("account_sms", language=language))
    client.post(url("sign_out", language=language))
    get("signed out", url("signed_out", language=language))
    return pages
