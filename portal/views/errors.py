"""The error page: the site's own, and a plain one when even that cannot be drawn (the database is down).

A request that failed because the database could not be reached (or did not answer in time) is
not a bug but a moment: it is answered ``503 Service Unavailable`` with ``Retry-After``, the same
translated "try again later" page, so people, browsers and monitors know to come back.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable() -> bool:
    """Tell whether the exception being handled is the database failing (not a bug in a view)."""
    return isinstance(sys.exc_info()[1], OperationalError | InterfaceError)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """Answer with the site's error page, or a self-contained one in the person's language.

    The status is 503 with ``Retry-After`` when the database is what failed, else 500.
    """
    unavailable = database_unavailable()
    try:
        html = loader.get_template(template_name).render()
    except Exception:
        logger.warning("The error page could not be drawn; a plain one was sent.", exc_info=True)
        html = _plain_page()
    response = HttpResponse(html, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _plain_page() -> str:
    """The error page without templates, static files or the database, in the active language."""
    language = translation.get_language() or "en"
    direction = "rtl" if translation.get_language_bidi() else "ltr"
    title = escape(_("Sorry, there is a problem with the service"))
    body = escape(_("Try again later."))
    return (
        f'<!doctype html><html lang="{escape(language)}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1><p>{body}</p></main></body></html>"
    )
