"""Demo pages: home, programmes, questions and answers, about and privacy notice, in every language.

Used by ``manage.py seed_demo``; the text is data, in ``demo/content/*.toml``, one file per page
kind. Each language has its own written text, not a copy of the English one. Running twice
changes nothing: a page that already exists (perhaps edited since) is left alone, and an alias
page that Wagtail made for a missing translation becomes a real translation.

Numbers that come from a programme's rules (ages, income limits) are read from the programme when
the pages are made, so the pages say what the rules say.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page, Site

from content.models import HomePage, ProgrammeIndexPage, ProgrammePage, StandardPage
from demo.areas_and_programmes import create_programmes
from registry.models import Programme

SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = ("fr", "sw", "ar")
HOME_SLUG = "home"
PROGRAMME_INDEX_SLUG = "programmes"
# An example household size used to turn "per person" limits into a household figure.
EXAMPLE_HOUSEHOLD_SIZE = 4

# --- Texts ---------------------------------------------------------------------------------------
# Written per language in demo/content/*.toml. Placeholders: {ussd} service code, {currency},
# {consent_version}; on programme pages also {min_age}, {max_age}, {children_under}, {income} (per
# person), {income_example} (household) and {example_size}.

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def _load(name: str) -> dict:
    with (CONTENT_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


HOME: dict[str, dict[str, str]] = _load("home")
PROGRAMME_INDEX: dict[str, dict[str, str]] = _load("programme_index")
PROGRAMMES: dict[str, dict[str, dict[str, str]]] = _load("programme_pages")
PROGRAMME_BODY: dict[str, str] = _load("programme_body")["body"]
STANDARD_PAGES: dict[str, dict[str, dict[str, str]]] = {slug: _load(slug) for slug in ("faq", "about", "privacy")}


# --- Building the tree ------------------------------------------------------------------------


@transaction.atomic
def create_site() -> HomePage:
    """Build the page tree in every language (idempotent) and make it the default site; return the home page.

    Create the areas first (``demo.areas_and_programmes.create_areas``) so that area-bound programmes get their areas.
    """
    programmes = create_programmes()
    home = _english_home()
    index = _english_child(home, ProgrammeIndexPage, PROGRAMME_INDEX_SLUG, page_fields(ProgrammeIndexPage, "en"))
    pages: list[Page] = [home, index]
    for code, programme in programmes.items():
        fields = programme_page_fields(programme, SOURCE_LANGUAGE)
        pages.append(_english_child(index, ProgrammePage, code, fields, programme=programme))
    for slug in STANDARD_PAGES:
        pages.append(_english_child(home, StandardPage, slug, page_fields(StandardPage, SOURCE_LANGUAGE, slug)))

    for language in TRANSLATED_LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        for page in pages:  # parents come before their children
            _translate(page, locale, _fields_for(page, language))
    return home


def page_fields(page_type: type[Page], language: str, slug: str = "") -> dict[str, str]:
    """Return the title and text fields of a home, programme index or standard page in ``language``."""
    if page_type is HomePage:
        texts = HOME[language]
    elif page_type is ProgrammeIndexPage:
        texts = PROGRAMME_INDEX[language]
    else:
        texts = STANDARD_PAGES[slug][language]
    values = _placeholder_values(language)
    return {name: _finish(text, language, values) for name, text in texts.items()}


def programme_page_fields(programme: Programme, language: str) -> dict[str, str]:
    """Return the title, summary, who-can-apply and body of ``programme``'s page in ``language``."""
    texts = PROGRAMMES[programme.code][language]
    values = _placeholder_values(language, programme)
    what_you_get = _finish(texts["what_you_get"], language, values)
    return {
        "title": programme.name(language),
        "summary": _finish(texts["summary"], language, values),
        "who_can_apply": _finish(texts["who_can_apply"], language, values),
        "body": _finish(PROGRAMME_BODY[language], language, {**values, "what_you_get": what_you_get}),
    }


def _fields_for(page: Page, language: str) -> dict[str, str]:
    if isinstance(page, ProgrammePage):
        return programme_page_fields(page.programme, language)
    return page_fields(type(page), language, page.slug)


def _english_home() -> HomePage:
    """Return the English home page, creating it in place of Wagtail's welcome page if needed."""
    locale = Locale.objects.get(language_code=SOURCE_LANGUAGE)
    home = HomePage.objects.filter(locale=locale, depth=2).first()
    if home is None:
        root = Page.get_first_root_node()
        slug_taken = root.get_children().filter(slug=HOME_SLUG).exists()
        # The welcome page holds the slug and the site until our page replaces it.
        home = HomePage(slug=f"lango-{HOME_SLUG}" if slug_taken else HOME_SLUG, locale=locale)
        for name, value in page_fields(HomePage, SOURCE_LANGUAGE).items():
            setattr(home, name, value)
        root.add_child(instance=home)
        _make_default_site(home)
        _remove_welcome_pages()
        if home.slug != HOME_SLUG:
            home.slug = HOME_SLUG
            home.save()
        home.save_revision().publish()
    else:
        _make_default_site(home)
        _remove_welcome_pages()
    return home


def _make_default_site(home: HomePage) -> Site:
    """Point the default site (localhost:80) at ``home``."""
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", port=80)
    if site.pk and site.root_page_id == home.pk and site.hostname == "localhost" and site.port == 80:
        return site
    site.hostname, site.port, site.root_page, site.is_default_site = "localhost", 80, home, True
    site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
    site.save()
    return site


def _welcome_pages():
    """Wagtail's own welcome pages: plain pages directly under the root, with no children."""
    return Page.objects.filter(depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page))


def _remove_welcome_pages() -> None:
    for page in _welcome_pages().exclude(sites_rooted_here__isnull=False):
        page.delete()


def _english_child(parent: Page, page_type: type[Page], slug: str, fields: dict[str, str], **extra) -> Page:
    """Return the child of ``parent`` with ``slug``, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_type(slug=slug, locale=parent.locale, **fields, **extra)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(source: Page, locale: Locale, fields: dict[str, str]) -> Page:
    """Return ``source``'s translation into ``locale``, creating and publishing it if missing.

    An alias (Wagtail's placeholder for a missing translation) becomes a real page with its own text.
    """
    existing = source.get_translation_or_none(locale)
    if existing is not None and existing.alias_of_id is None:
        return existing.specific
    if existing is None:
        page = source.copy_for_translation(locale, copy_parents=True)
    else:
        page = ConvertAliasPageAction(existing.specific).execute(skip_permission_checks=True)
    page = page.specific
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


# --- Text helpers -----------------------------------------------------------------------------

_LEFT_TO_RIGHT_ISOLATE, _POP_ISOLATE = "\u2066", "\u2069"


def _placeholder_values(language: str, programme: Programme | None = None) -> dict[str, str]:
    ussd, version = settings.USSD_SERVICE_CODE, settings.CONSENT_VERSION
    if language in settings.LANGUAGES_BIDI:
        # Keep codes like *384*1# in their left-to-right order inside right-to-left text.
        ussd = f"{_LEFT_TO_RIGHT_ISOLATE}{ussd}{_POP_ISOLATE}"
        version = f"{_LEFT_TO_RIGHT_ISOLATE}{version}{_POP_ISOLATE}"
    values = {"ussd": ussd, "currency": settings.CURRENCY, "consent_version": version}
    if programme is not None:
        income = programme.max_monthly_income_per_person or 0
        values.update(
            min_age=str(programme.min_age or ""),
            max_age=str(programme.max_age or ""),
            children_under=str(programme.requires_children_under or ""),
            income=_number(income, language),
            income_example=_number(income * EXAMPLE_HOUSEHOLD_SIZE, language),
            example_size=str(EXAMPLE_HOUSEHOLD_SIZE),
        )
    return values


def _number(value: int, language: str) -> str:
    """Group thousands the way ``language`` writes them (a narrow space in French)."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if language == "fr" else grouped


def _finish(text: str, language: str, values: dict[str, str]) -> str:
    """Fill the placeholders, join the wrapped lines and apply the language's spacing rules."""
    text = " ".join(text.split())
    text = re.sub(r">\s+<", "><", text)
    text = text.format_map(values)
    if language == "fr":
        # French puts a non-breaking space before : ; ? ! and inside « ».
        text = re.sub(r" ([:;?!»])", "\u00a0\\1", text)
        text = text.replace("« ", "«\u00a0")
    return text
