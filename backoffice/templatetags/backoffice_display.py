"""How the back-office shows references, people and codes: grouped, by name, in the officer's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from registry.formatting import income_band_label
from registry.models import LANGUAGE_CHOICES, ProgrammeApplication
from registry.references import format_reference

register = template.Library()

_LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


@register.filter
def ref(value: str) -> str:
    """A reference grouped for reading aloud (``2 4821 7730 5``), never broken across lines."""
    return format_html('<span class="lango-ref" style="white-space:nowrap">{}</span>', format_reference(value or ""))


@register.filter
def income_band(band) -> str:
    """A monthly income band with its amounts as every channel writes them (``KES 2,000 to KES 4,999 a month``)."""
    return income_band_label(band) if band else "—"


@register.filter
def staff_name(user) -> str:
    """A member of staff by their name (their username only when they have none)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def language_name(code: str) -> str:
    """A language by its own name (``Kiswahili`` for ``sw``)."""
    return _LANGUAGE_NAMES.get(code or "", code or "")


@register.filter
def application_status(code: str) -> str:
    """An application status code as its label in the active language (``not_eligible`` → "Not eligible")."""
    if not code:
        return "—"
    try:
        return ProgrammeApplication.Status(code).label
    except ValueError:
        return code
