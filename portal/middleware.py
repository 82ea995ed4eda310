"""Citizen sessions end after 30 idle minutes and, whatever happens, 12 hours after signing in; a first
visit to the home page is sent to the browser's language.

Only sessions started by a phone sign-in are touched; staff sessions follow their own rules.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from portal.citizens import CITIZEN_SESSION_FLAG

SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN = "portal_last_seen"
# Writing the session on every request would cost a database write per page: once a minute is enough.
LAST_SEEN_RESOLUTION = 60


def idle_seconds() -> int:
    return getattr(settings, "CITIZEN_SESSION_IDLE_SECONDS", 30 * 60)


def absolute_seconds() -> int:
    return getattr(settings, "CITIZEN_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)


def start_citizen_session(request) -> None:
    """Mark the (just rotated) session as a citizen's and start its clocks."""
    now = int(time.time())
    request.session[CITIZEN_SESSION_FLAG] = True
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session.set_expiry(idle_seconds())


def session_expired(session, now: int) -> bool:
    """Tell whether a citizen session has been idle too long or has lasted too long."""
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    last_seen = session.get(LAST_SEEN, 0)
    return now - last_seen > idle_seconds() or now - signed_in_at > absolute_seconds()


class CitizenSessionMiddleware:
    """Sign citizens out when their session is too old; otherwise note that they are still here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(CITIZEN_SESSION_FLAG):
            now = int(time.time())
            if session_expired(request.session, now):
                logout(request)
            elif now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
                request.session.set_expiry(idle_seconds())
        return self.get_response(request)


# Set once the home page was shown in English: from then on "/" means English for this browser.
HOME_CHOSEN_COOKIE = "lango_home"


class BrowserLanguageMiddleware:
    """Send a first visit to the home page (``/``, English) to the browser's language, if Lango speaks it.

    A person whose browser prefers Kiswahili, Arabic or French lands on ``/sw/``, ``/ar/`` or
    ``/fr/``. Explicit choices win: a person who follows a link to ``/`` from one of our pages (the
    language links, the Lango name) sees English, and so does every later visit from that browser
    (a cookie remembers it); every other address keeps the language its prefix says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path_info != "/":
            return self.get_response(request)
        if not request.COOKIES.get(HOME_CHOSEN_COOKIE) and not _came_from_here(request):
            language = translation.get_language_from_request(request, check_path=False)
            if language != settings.LANGUAGE_CODE:
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(f"/{language}/" + (f"?{query}" if query else ""))
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = self.get_response(request)
        if response.status_code == 200:
            response.set_cookie(
                HOME_CHOSEN_COOKIE,
                settings.LANGUAGE_CODE,
                max_age=365 * 24 * 60 * 60,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def _came_from_here(request) -> bool:
    """Whether the request follows a link on one of our own pages (the browser says so for same-origin links)."""
    referer = request.META.get("HTTP_REFERER", "")
    return bool(referer) and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
