"""Template tags shared by every citizen page: language links, localised links, references."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

from registry.references import format_reference

register = template.Library()


def language_root(language: str) -> str:
    """The home page URL of ``language`` (no prefix for the default language)."""
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language to this same page in that language, the current one marked."""
    request = context.get("request")
    current = translation.get_language()
    page = context.get("page")
    urls: dict[str, str] = {}
    if isinstance(page, Page):
        for translated in page.get_translations(inclusive=True).live().select_related("locale"):
            url = translated.get_url(request)
            if url:
                urls[translated.locale.language_code] = url
    links = []
    for code, name in settings.LANGUAGES:
        if isinstance(page, Page):
            url = urls.get(code, language_root(code))
        elif request is not None:
            url = _same_page_in(request, code)
        else:
            url = language_root(code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


def _same_page_in(request, language: str) -> str:
    """This page in ``language``, with a ``next`` address (where sign-in returns to) moved along too."""
    url = translate_url(request.path, language)
    query = request.GET.copy()
    if query.get("next", "").startswith("/"):
        query["next"] = translate_url(query["next"], language)
    return f"{url}?{query.urlencode()}" if query else url


@register.simple_tag
def home_url() -> str:
    """The home page in the active language."""
    return language_root(translation.get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def page_url_by_slug(context, slug: str) -> str:
    """The URL of the live page with ``slug`` in the active language (English if not translated)."""
    request = context.get("request")
    cache = context.render_context.setdefault("lango_page_urls", {})
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = (slug, language)
    if key not in cache:
        pages = Page.objects.live().filter(slug=slug).select_related("locale")
        chosen = None
        for candidate in pages:
            if candidate.locale.language_code == language:
                chosen = candidate
                break
            if candidate.locale.language_code == settings.LANGUAGE_CODE:
                chosen = chosen or candidate
        if chosen is not None and chosen.locale.language_code != language:
            try:
                chosen = chosen.get_translation(Locale.objects.get(language_code=language))
            except (Page.DoesNotExist, Locale.DoesNotExist):
                pass
        cache[key] = (chosen.get_url(request) if chosen else "") or home_url()
    return cache[key]


# Between the groups of a reference on a page: a space that never breaks the line.
NO_BREAK_SPACE = "\u00a0"


@register.filter
def reference(value: str) -> str:
    """Show a reference grouped for reading aloud (``2 4821 7730 5``), never broken across two lines.

    The groups are joined by no-break spaces; a reference copied from the page is read back all the
    same (``normalise_reference`` drops them).
    """
    return format_reference(value or "").replace(" ", NO_BREAK_SPACE)
