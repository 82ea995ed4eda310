"""``manage.py seed_demo``: demo data created once, pages in every language, passwords kept quiet."""

from __future__ import annotations

import html
import itertools
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Locale, Page, Site

from backoffice.roles import ROLE_PERMISSIONS
from content.models import HomePage, ProgrammeIndexPage, ProgrammePage, StandardPage
from demo.areas_and_programmes import AREAS, PROGRAMMES
from demo.management.commands import seed_demo
from demo.pages import HOME, create_site
from registry.models import AdminArea, Programme

LANGUAGES = {"en": ("/", "ltr"), "fr": ("/fr/", "ltr"), "sw": ("/sw/", "ltr"), "ar": ("/ar/", "rtl")}
PAGES_PER_LANGUAGE = {HomePage: 1, ProgrammeIndexPage: 1, ProgrammePage: len(PROGRAMMES), StandardPage: 3}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


class _PageFacts(HTMLParser):
    """The <html> attributes, the <h1> text and the language links of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.language_links: dict[str, str] = {}
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "a" and attrs.get("hreflang"):
            self.language_links[attrs["hreflang"]] = attrs["href"]
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def page_facts(response) -> _PageFacts:
    facts = _PageFacts()
    facts.feed(response.content.decode())
    return facts


@pytest.mark.django_db
def test_seeding_twice_creates_everything_once():
    seed()
    User = get_user_model()
    first_passwords = dict(User.objects.values_list("username", "password"))

    second_output = seed()

    assert AdminArea.objects.filter(level="region").count() == len(AREAS)
    assert AdminArea.objects.filter(level="district").count() == sum(len(d) for _name, d in AREAS.values())
    assert Programme.objects.count() == len(PROGRAMMES)
    for language in LANGUAGES:
        for page_type, count in PAGES_PER_LANGUAGE.items():
            pages = page_type.objects.filter(locale__language_code=language)
            assert pages.count() == count, (language, page_type)
            assert not pages.filter(live=False).exists()
            assert not pages.filter(alias_of__isnull=False).exists()
    assert ProgrammePage.objects.filter(programme__code="public-works").count() == len(LANGUAGES)

    assert User.objects.count() == len(ROLE_PERMISSIONS) + 1
    for role in ROLE_PERMISSIONS:
        user = User.objects.get(username=seed_demo.username_for(role))
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff and not user.is_superuser
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

    assert dict(User.objects.values_list("username", "password")) == first_passwords
    assert second_output.count("exists") == len(ROLE_PERMISSIONS) + 1
    assert "password:" not in second_output


@pytest.mark.django_db
def test_the_english_home_page_replaces_the_welcome_page_as_site_root():
    seed()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale.language_code == "en"
    assert site.root_page.slug == "home"
    plain_pages = Page.objects.filter(depth=2, content_type=ContentType.objects.get_for_model(Page))
    assert not plain_pages.exists()


@pytest.mark.django_db
def test_each_home_page_speaks_its_language_with_a_language_switcher(client):
    seed()

    for language, (url, direction) in LANGUAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        facts = page_facts(response)
        assert facts.html_attrs == {"lang": language, "dir": direction}, url
        assert facts.h1 == HOME[language]["title"], url
        assert facts.language_links == {code: root for code, (root, _dir) in LANGUAGES.items()}, url


@pytest.mark.django_db
def test_a_programme_page_renders_in_each_language(client):
    seed()
    programme = Programme.objects.get(code="child-support-grant")

    for language, (root, direction) in LANGUAGES.items():
        response = client.get(f"{root}programmes/child-support-grant/")
        assert response.status_code == 200, language
        facts = page_facts(response)
        assert facts.html_attrs == {"lang": language, "dir": direction}
        assert facts.h1 == programme.name(language)
        assert facts.language_links["fr"] == "/fr/programmes/child-support-grant/"
        assert str(programme.requires_children_under) in response.content.decode()


@pytest.mark.django_db
def test_the_french_programme_list_names_every_programme_in_french(client):
    seed()

    response = client.get("/fr/programmes/")

    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for spec in PROGRAMMES.values():
        assert spec["names"]["fr"][0] in text
        assert spec["names"]["en"][0] not in text
    assert "Vous pouvez faire une demande à plusieurs programmes" in text


@pytest.mark.django_db
def test_programme_pages_state_the_rules_of_their_programme():
    seed()

    pension = ProgrammePage.objects.get(locale__language_code="sw", programme__code="old-age-pension")
    public_works = ProgrammePage.objects.get(locale__language_code="fr", programme__code="public-works")
    assert "miaka 65 au zaidi" in pension.who_can_apply
    assert "entre 18 et 60 ans" in public_works.who_can_apply
    assert "2\u202f500 KES par mois et par personne" in public_works.who_can_apply


@pytest.mark.django_db
def test_an_alias_left_by_wagtail_becomes_a_real_translation():
    seed()
    french = Locale.objects.get(language_code="fr")
    english_faq = StandardPage.objects.get(locale__language_code="en", slug="faq")
    english_faq.get_translation(french).delete()
    english_faq.copy_for_translation(french, alias=True)

    create_site()

    french_faq = StandardPage.objects.get(locale=french, slug="faq")
    assert french_faq.alias_of_id is None
    assert french_faq.live
    assert french_faq.title == "Questions et réponses"


@pytest.mark.django_db
def test_new_passwords_are_not_printed_when_debug_is_off(monkeypatch):
    counter = itertools.count()
    monkeypatch.setattr(seed_demo, "generate_password", lambda: f"Sentinel-secret-{next(counter)}")

    with override_settings(DEBUG=False):
        output = seed()

    assert "Sentinel-secret" not in output
    assert "changepassword grievance" in output
    assert get_user_model().objects.get(username="admin").has_usable_password()


@pytest.mark.django_db
def test_new_passwords_are_printed_when_debug_is_on(monkeypatch):
    counter = itertools.count()
    monkeypatch.setattr(seed_demo, "generate_password", lambda: f"Sentinel-secret-{next(counter)}")

    with override_settings(DEBUG=True):
        output = seed()

    line = next(line for line in output.splitlines() if line.split()[:1] == ["editor"])
    password = line.rsplit(" ", 1)[-1]
    assert password.startswith("Sentinel-secret-")
    assert get_user_model().objects.get(username="editor").check_password(password)


@pytest.mark.django_db
def test_reset_passwords_gives_every_demo_user_a_new_printed_password_on_a_later_run(monkeypatch):
    with override_settings(DEBUG=True):
        seed()
        counter = itertools.count()
        monkeypatch.setattr(seed_demo, "generate_password", lambda: f"Second-run-{next(counter)}")
        out = StringIO()
        call_command("seed_demo", "--reset-passwords", stdout=out)

    output = out.getvalue()
    for username in [*seed_demo.ROLE_USERNAMES.values(), seed_demo.ADMIN_USERNAME]:
        line = next(line for line in output.splitlines() if line.split()[:1] == [username])
        password = line.rsplit(" ", 1)[-1]
        assert password.startswith("Second-run-"), line
        assert get_user_model().objects.get(username=username).check_password(password)
    assert output.count("authenticator set-up: otpauth://") == len(seed_demo.ROLE_USERNAMES) + 1


@pytest.mark.django_db
def test_a_plain_second_run_says_how_to_get_new_passwords_and_keeps_the_old_ones():
    with override_settings(DEBUG=True):
        seed()
        admin_hash = get_user_model().objects.get(username="admin").password
        output = seed()

    assert "seed_demo --reset-passwords" in output
    assert get_user_model().objects.get(username="admin").password == admin_hash


@pytest.mark.django_db
def test_reset_passwords_is_refused_when_debug_is_off():
    from django.core.management.base import CommandError

    with override_settings(DEBUG=False), pytest.raises(CommandError, match="changepassword"):
        call_command("seed_demo", "--reset-passwords", stdout=StringIO())
