"""Africa's Talking USSD callbacks: one hop, and the end-of-session notification.

The secret token in the path is compared in constant time; a wrong one is a 404 whatever the method
(the token is checked before anything else, so a GET cannot tell a right token from a wrong one).
CSRF is exempt (AT cannot send a token); nothing else is relaxed.
"""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ussd import caller_language
from ussd.events import record_session_end
from ussd.hop import Hop, answer_hop, caller_phone, end

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; charset=utf-8"


def _check_token(request: HttpRequest, token: str) -> HttpResponse | None:
    """404 for a wrong token (any method); for the right one, 405 unless the request is a POST."""
    expected = settings.AT_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@csrf_exempt
@never_cache
def at_callback(request: HttpRequest, token: str) -> HttpResponse:
    """Answer one hop with ``CON …`` or ``END …``."""
    refused = _check_token(request, token)
    if refused:
        return refused
    try:
        reply = answer_hop(Hop.from_form(request.POST))
    except Exception:  # the cache or the database is down: AT would show an HTTP error as a failure
        logger.exception("USSD callback failed")
        with translation.override(_language_without_database(request)):
            reply = end(pgettext("ussd", "Sorry, something went wrong. Please dial again."))
    return HttpResponse(reply, content_type=CONTENT_TYPE)


def _language_without_database(request: HttpRequest) -> str:
    """The caller's last language from memory or the cache (the database may be what failed)."""
    try:
        return caller_language.recall(caller_phone(request.POST.get("phoneNumber", "")))
    except Exception:  # noqa: BLE001 - an unreadable number or a failing cache: the default language
        return settings.LANGUAGE_CODE


@csrf_exempt
@never_cache
def at_events(request: HttpRequest, token: str) -> HttpResponse:
    """Record how a session ended (status, duration, hops, last screen) and forget its state."""
    refused = _check_token(request, token)
    if refused:
        return refused
    record_session_end(request.POST)
    return HttpResponse("OK", content_type=CONTENT_TYPE)


@csrf_exempt
@require_POST
def bench_bare(request: HttpRequest) -> HttpResponse:
    """The smallest Django view, for the benchmark's baseline (mounted only when asked for)."""
    return HttpResponse("END ok", content_type=CONTENT_TYPE)
