"""The error page: the site's own, and a plain one when even that cannot be drawn (the database is down)."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """Answer 500 with the site's error page, or a self-contained one in the person's language."""
    try:
        return HttpResponseServerError(loader.get_template(template_name).render())
    except Exception:
        logger.warning("The error page could not be drawn; a plain one was sent.", exc_info=True)
    language = translation.get_language() or "en"
    direction = "rtl" if translation.get_language_bidi() else "ltr"
    title = escape(_("Sorry, there is a problem with the service"))
    body = escape(_("Try again later."))
    html = (
        f'<!doctype html><html lang="{escape(language)}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1><p>{body}</p></main></body></html>"
    )
    return HttpResponseServerError(html)
