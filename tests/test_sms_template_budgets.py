"""Every SMS template in every language fits its budget and names nothing sensitive or personal.

Rendered through the compiled catalogs with worst-case values: the longest demo programme names
(all five at once), grouped references, the longest status labels. One part in English, French
and Kiswahili; at most two in Arabic; the sign-in code within 70 characters everywhere.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from demo.areas_and_programmes import PROGRAMMES
from grievances.models import SENSITIVE_CATEGORIES, CallbackRequest, Category, Grievance
from grievances.notifications import preferred_time_for_sms
from grievances.services import CALLBACK_PROMISE_HOURS
from registry.decisions import CITIZEN_REASONS
from registry.models import Payment, ProgrammeApplication
from sms.encoding import count_segments
from sms.keywords import COMMANDS
from sms.templates import SIGN_IN_CODE_MAX_CHARACTERS, TEMPLATES, default_context, fit_list, max_parts, render

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# Personal details no SMS may carry; a first name is the most an SMS may say about a person.
PERSONAL_DETAILS = {
    "family_name": "Wanjiku-Odhiambo",
    "date_of_birth": "14/02/1961",
    "national_id": "29384756",
    "area": "Elgeyo-Marakwet",
    "description": "The officer asked me for money",
}
ALLOWED_PLACEHOLDERS = {
    "reference",
    "due_date",
    "programmes",
    "programme",
    "code",
    "hours",
    "statuses",
    "status",
    "count",
    "first_name",
    "url",
    "amount",
    "date",
    "payments",
    "when",
    "ussd_code",
    "reason",
    *(f"kw_{command}" for command in COMMANDS),
}


def longest_label(choices, language: str) -> str:
    with translation.override(language):
        return max((str(label) for label in choices.labels), key=len)


def longest_reason(language: str) -> str:
    """The longest standard refusal reason, as the citizen reads it in ``language``."""
    with translation.override(language):
        return max((str(words) for words in CITIZEN_REASONS.values()), key=len)


def worst_case_context(language: str, template: str) -> dict:
    short_names = [spec["names"][language][1] for spec in PROGRAMMES.values()]
    status_label = longest_label(ProgrammeApplication.Status, language)
    context = {
        "reference": "2 4821 7730 5",
        "due_date": "28/11/2026",
        "programmes": ", ".join(short_names),  # an application may ask for all five at once
        "programme": max(short_names, key=len),
        "code": "123456",
        "hours": CALLBACK_PROMISE_HOURS,
        "status": longest_label(Grievance.Status, language),
        "count": 99,
        "statuses": "",
        "first_name": "Bartholomew-Maximilian",
        "url": "https://www.lango.go.ke/sw/privacy-notice/",
        "amount": "KES 1,250,000.50",
        "date": "28/11/2026",
        "payments": "",
        "reason": longest_reason(language),
        "when": max((preferred_time_for_sms(time, language) for time in CallbackRequest.PreferredTime.values), key=len),
        **PERSONAL_DETAILS,
    }
    missing = set(PLACEHOLDER.findall(TEMPLATES[template])) - set(context) - set(default_context(language))
    assert not missing, f"Add a worst-case value for {missing} to worst_case_context() before using it in {template}."
    items = [f"{name}: {status_label}" for name in short_names * 2]
    context["statuses"] = fit_list(template, language, context, "statuses", items)
    payment_status = longest_label(Payment.Status, language)
    payments = [f"{name}: KES 1,250,000.50 {payment_status} 28/11/2026" for name in short_names]
    context["payments"] = fit_list(template, language, context, "payments", payments)
    return context


def sensitive_labels() -> set[str]:
    labels = set()
    for language in LANGUAGES:
        with translation.override(language):
            labels |= {str(Category(c).label).casefold() for c in SENSITIVE_CATEGORIES}
    return labels


CASES = [(template, language) for template in TEMPLATES for language in LANGUAGES]


@pytest.mark.parametrize(("template", "language"), CASES)
def test_every_template_fits_its_budget_in_every_language(template, language):
    text = render(template, language, worst_case_context(language, template))

    segments = count_segments(text)
    assert segments.parts <= max_parts(language), f"{template}/{language}: {segments} — {text}"
    if language != "ar":
        assert segments.encoding == "GSM-7", f"{template}/{language} needs UCS-2: {text}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_code_fits_70_characters_in_every_language(language):
    text = render("sign_in_code", language, {"code": "123456"})

    assert count_segments(text).units <= SIGN_IN_CODE_MAX_CHARACTERS
    assert "123456" in text


@pytest.mark.parametrize(("template", "language"), CASES)
def test_no_sms_names_a_sensitive_category_or_a_personal_detail(template, language):
    text = render(template, language, worst_case_context(language, template)).casefold()

    for label in sensitive_labels():
        assert label not in text, f"{template}/{language} names {label!r}"
    for value in PERSONAL_DETAILS.values():
        assert value.casefold() not in text


@pytest.mark.parametrize(("template", "language"), CASES)
def test_templates_use_only_placeholders_that_carry_no_personal_detail(template, language):
    with translation.override(language):
        translated = gettext(TEMPLATES[template])

    used = set(PLACEHOLDER.findall(translated))
    assert used <= ALLOWED_PLACEHOLDERS, f"{template}/{language} uses {used - ALLOWED_PLACEHOLDERS}"
    assert used <= set(PLACEHOLDER.findall(TEMPLATES[template])) | set(default_context(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_status_list_is_shortened_rather_than_split(language):
    context = worst_case_context("en", "status_reply")
    items = [f"Programme {n}: {longest_label(ProgrammeApplication.Status, language)}" for n in range(20)]

    statuses = fit_list("status_reply", language, context, "statuses", items)
    text = render("status_reply", language, {"statuses": statuses})

    assert count_segments(text).parts <= max_parts(language)
    assert "Programme 0" in text
    assert render("more_items", language, {"count": 20 - statuses.count("Programme ")}) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_teach_the_keywords_of_their_language(language):
    text = render("help", language, {})

    for command in ("status", "complain", "track", "call"):
        assert default_context(language)[f"kw_{command}"] in text
