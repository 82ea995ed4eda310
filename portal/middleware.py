"""Citizen sessions end after 30 idle minutes and, whatever happens, 12 hours after signing in.

Only sessions started by a phone sign-in are touched; staff sessions follow their own rules.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

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
