"""Every citizen page, in every language: right lang and dir, no script, the switcher keeps the page."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from wagtail.models import Page

from content.models import ProgrammePage
from tests.portal_helpers import prepare_site, url, visit_every_page

pytestmark = pytest.mark.django_db

LANGUAGES = {"en": "ltr", "fr": "ltr", "sw": "ltr", "ar": "rtl"}
EXPECTED_STATUS = {"not found": 404, "apply name with errors": 200}


@pytest.fixture
def site():
    return prepare_site()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_the_language_with_its_direction(site, language):
    pages = visit_every_page(Client(), language, site)
    assert len(pages) >= 40
    for name, response in pages.items():
        assert response.status_code == EXPECTED_STATUS.get(name, 200), (name, response.status_code)
        body = response.content.decode()
        assert f'<html lang="{language}" dir="{LANGUAGES[language]}">' in body, name
        assert 'class="skip-link" href="#main"' in body, name
        assert '<main id="main"' in body, name
        assert "<script" not in body.lower(), name
        assert not re.search(r'<link[^>]+href="(https?:)?//', body), f"{name} loads something from elsewhere"
        assert unlabelled_inputs(body) == [], name


def unlabelled_inputs(body: str) -> list[str]:
    """Ids of the form controls a person types in or chooses that no ``<label for>`` names."""
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", body)
    labelled = set(re.findall(r'<label for="([^"]+)"', body))
    missing = []
    for control in controls:
        if re.search(r'type="(hidden|submit|button)"', control):
            continue
        found = re.search(r'\sid="([^"]+)"', control)
        if not found or found.group(1) not in labelled:
            missing.append(found.group(1) if found else control)
    return missing


def test_focus_is_always_visible():
    from django.contrib.staticfiles import finders

    css = open(finders.find("portal/site.css"), encoding="utf-8").read()
    assert re.search(r"a:focus,button:focus,input:focus,select:focus,textarea:focus[^{]*\{outline:3px solid", css)
    assert "outline:none" not in css and "outline:0" not in css


def test_the_language_switcher_keeps_the_person_on_the_same_portal_page(site):
    client = Client()
    body = client.get(url("track", language="fr")).content.decode()
    for address in ("/track/", "/sw/track/", "/ar/track/"):
        assert f'href="{address}"' in body
    assert 'href="/fr/track/" lang="fr" hreflang="fr" aria-current="true"' in body


def test_the_language_switcher_keeps_the_query_of_the_page(site):
    body = Client().get(url("apply_step", "name", language="sw") + "?change=1").content.decode()
    assert 'href="/ar/apply/name/?change=1"' in body


def test_the_language_switcher_leads_to_the_translation_of_a_content_page(site):
    client = Client()
    english = ProgrammePage.objects.get(locale__language_code="en", programme__code="disability-grant")
    body = client.get(english.url).content.decode()
    links = dict(re.findall(r'<li><a href="([^"]+)" lang="(\w\w)"', body))
    by_language = {language: address for address, language in links.items()}
    for language in ("fr", "sw", "ar"):
        response = client.get(by_language[language])
        assert response.status_code == 200
        page = response.context["page"]
        assert page.translation_key == english.translation_key
        assert page.locale.language_code == language


def test_a_programme_page_links_to_the_application_with_the_programme_chosen(site):
    for language in LANGUAGES:
        page = ProgrammePage.objects.get(locale__language_code=language, programme__code="disability-grant")
        body = Client().get(page.url).content.decode()
        assert f'href="{url("apply_start", language=language)}?programme=disability-grant"' in body


def test_the_home_page_and_menu_lead_to_every_service(site):
    body = Client().get("/").content.decode()
    for name in ("apply_start", "track", "complain", "call_me_back", "account", "sign_in"):
        assert f'href="{url(name)}"' in body, name
    assert "Sign out" not in body


def test_signed_in_citizens_sign_out_with_a_form_from_any_page(site):
    from tests.portal_helpers import sign_in

    client = Client()
    sign_in(client)
    body = client.get("/").content.decode()
    assert re.search(
        r'<form method="post" action="/sign-out/"[^>]*><input type="hidden" name="csrfmiddlewaretoken"', body
    )
    assert f'href="{url("sign_in")}"' not in body


def test_the_not_found_page_is_in_the_site_layout_and_language(site):
    response = Client().get("/ar/nothing-here/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in body
    with translation.override("ar"):
        assert translation.gettext("Page not found") in body


def test_the_server_error_page_renders_without_a_request_or_the_database(site, django_assert_num_queries):
    with translation.override("sw"), django_assert_num_queries(0):
        body = render_to_string("500.html")
    assert '<html lang="sw" dir="ltr">' in body
    assert "*384*1#" in body


def test_the_privacy_notice_exists_in_every_language(site):
    assert Page.objects.live().filter(slug="privacy").count() == 4
