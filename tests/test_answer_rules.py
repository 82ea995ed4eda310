"""The applicant's answers follow one set of rules on the web and on USSD, and every refusal says what to do.

Children under 18 cannot outnumber the household less the applicant; a year typed short is asked in
full; a name is letters (of any script), not digits or emoji; "too long" says the limit.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import pgettext

from registry.models import Application
from registry.services import ApplicationError, submit_application
from registry.validators import (
    MAX_NAME_LENGTH,
    children_message,
    name_is_plausible,
    name_message,
    year_in_full_message,
)
from tests.domain_helpers import applicant, household
from tests.portal_helpers import answers_for, url
from ussd.testing import APPLY, LANGUAGE_KEYS, UssdPhone

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]


def in_language(language: str, message) -> str:
    with translation.override(language):
        return str(message() if callable(message) else message)


def translated(language: str, message) -> str:
    """``message`` in ``language``, checked to be a real translation (not the English left as it is)."""
    text = in_language(language, message)
    if language != "en":
        assert text != in_language("en", message), f"not translated into {language}: {text}"
    return text


def post_steps(client, areas, language: str, count: int, **changes) -> None:
    for step, data in answers_for(areas)[:count]:
        response = client.post(url("apply_step", step, language=language), changes.get(step, data))
        assert response.status_code == 302, (step, response.content.decode()[:2000])


@pytest.mark.parametrize("language", LANGUAGES)
def test_three_children_in_a_household_of_three_are_refused_with_the_limit(client, programmes, areas, language):
    post_steps(client, areas, language, 5, household={"household_size": "3"})
    response = client.post(
        url("apply_step", "children", language=language), {"children_under_18": "3", "children_under_5": "0"}
    )
    assert response.status_code == 200
    assert escape(translated(language, lambda: children_message(3))) in response.content.decode()
    ok = client.post(
        url("apply_step", "children", language=language), {"children_under_18": "2", "children_under_5": "0"}
    )
    assert ok.status_code == 302


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_year_typed_with_two_digits_is_asked_in_full(client, programmes, areas, language):
    post_steps(client, areas, language, 1)
    response = client.post(
        url("apply_step", "date-of-birth", language=language), {"day": "3", "month": "4", "year": "90"}
    )
    body = response.content.decode()
    assert escape(translated(language, lambda: year_in_full_message("90"))) in body
    assert "1990" in body
    assert "1906" not in body and "must be after" not in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["12345", "😀😀", "★★★", "Amina2"])
def test_a_name_of_digits_or_symbols_is_refused(client, programmes, areas, language, name):
    response = client.post(url("apply_step", "name", language=language), {"given_name": name})
    assert response.status_code == 200
    assert escape(translated(language, name_message)) in response.content.decode()


@pytest.mark.parametrize("name", ["أمينة", "Zoë", "N'Diaye", "Jean-Émile", "O. Wanjiru", "مُحَمَّد"])
def test_names_in_any_script_with_accents_and_marks_are_names(name):
    assert name_is_plausible(name)


@pytest.mark.parametrize("name", ["", " ", "1990", "٤٥٦", "🙂", "Amina 2", "#amina", "-"])
def test_digits_symbols_and_emoji_are_not_names(name):
    assert not name_is_plausible(name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_arabic_name_is_taken_on_the_web(client, programmes, areas, language):
    response = client.post(url("apply_step", "name", language=language), {"given_name": "أمينة", "family_name": "حسن"})
    assert response.status_code == 302


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_name_too_long_says_the_limit(client, programmes, areas, language):
    response = client.post(
        url("apply_step", "name", language=language), {"given_name": "A" * 61, "family_name": "B" * 61}
    )
    body = response.content.decode()
    assert body.count(str(MAX_NAME_LENGTH)) >= 2  # both errors say "at most 60"
    with translation.override(language):
        from portal.forms.apply import NameForm

        form = NameForm(data={"given_name": "A" * 61, "family_name": "B" * 61})
        assert not form.is_valid()
        messages = [form.errors["given_name"][0], form.errors["family_name"][0]]
    assert all(str(MAX_NAME_LENGTH) in message for message in messages)
    for message in messages:
        assert escape(message) in body


def test_the_domain_refuses_more_children_than_the_household_less_the_applicant(areas, programmes):
    def submit(people=None, **home):
        return submit_application(
            applicant=people or applicant(birth_year=1980),
            household=household(areas["kilifi"], **home),
            programme_codes=["old-age-pension"],
            channel="web",
            language="en",
            consent_given=True,
        )

    with pytest.raises(ApplicationError) as refused:
        submit(size=3, children_under_18=3, children_under_5=0)
    assert refused.value.code == "children"
    with pytest.raises(ApplicationError) as not_a_name:
        submit(applicant(given_name="1234"))
    assert not_a_name.value.code == "name"
    assert not Application.objects.exists()


def _ussd_to(client, language: str, *inputs: str) -> UssdPhone:
    phone = UssdPhone(client)
    phone.dial()
    if phone.screen_name == "language":
        phone.send(LANGUAGE_KEYS[language])
    phone.send(APPLY, *inputs)
    return phone


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_ussd_three_children_in_a_household_of_three_are_refused(client, programmes, areas, language):
    phone = _ussd_to(client, language, "Amina Wanjiru", "1976", "1", "0", "1", "1", "3", "3")
    assert phone.screen_name == "apply_children_18"
    expected = translated(language, lambda: pgettext("ussd", "Type a number from 0 to %(high)s.") % {"high": 2})
    assert expected in phone.screen
    phone.send("2")
    assert phone.screen_name == "apply_children_5"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["12345", "😀😀"])
def test_on_ussd_a_name_of_digits_or_emoji_is_refused_and_an_arabic_one_taken(
    client, programmes, areas, language, name
):
    phone = _ussd_to(client, language, name)
    assert phone.screen_name == "apply_name"
    assert translated(language, lambda: pgettext("ussd", "Type your name in letters.")) in phone.screen
    phone.send("أمينة حسن")
    assert phone.screen_name == "apply_age"


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_ussd_a_name_too_long_says_the_limit(client, programmes, areas, language):
    phone = _ussd_to(client, language, "A" * 61)
    assert phone.screen_name == "apply_name"
    assert str(MAX_NAME_LENGTH) in phone.screen
    assert translated(language, lambda: pgettext("ussd", "At most %(limit)s letters.") % {"limit": 60}) in phone.screen
