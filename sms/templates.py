"""Every SMS a person can receive, as a translatable template with named placeholders.

Templates are marked with ``gettext_noop`` and translated when rendered, in the recipient's
language. They never name a grievance category or any personal detail beyond a first name.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

TEMPLATES: dict[str, str] = {
    "application_received": N_(
        "Lango: application %(reference)s received for %(programmes)s. We will tell you the decision by SMS."
    ),
    "application_already_open": N_("Lango: you already applied to %(programmes)s. Your reference is %(reference)s."),
    "grievance_received": N_(
        "Lango: we received your case %(reference)s and will answer by %(due_date)s. "
        "Send TRACK %(reference)s to follow it."
    ),
    "sign_in_code": N_("Lango code %(code)s. Valid 5 min. Never share it."),
}


def render(template: str, language: str, context: dict) -> str:
    """Render ``template`` in ``language`` with ``context`` (values already in that language)."""
    with translation.override(language):
        return gettext(TEMPLATES[template]) % context
