"""Cases this browser tracked with their PIN a moment ago, so that it may rate and appeal them.

The session keeps only references and when each entitlement ends (never a PIN), for
``TRACKED_CASE_SECONDS``, and at most ``MAX_TRACKED_CASES`` of them.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

SESSION_KEY = "tracked_cases"
TRACKED_CASE_SECONDS = 30 * 60
MAX_TRACKED_CASES = 5


def _live(request) -> dict[str, float]:
    now = time.time()
    return {ref: until for ref, until in (request.session.get(SESSION_KEY) or {}).items() if until > now}


def remember_tracked(request, reference: str) -> None:
    """Let this browser act on ``reference`` for a while (it has just shown the case's PIN)."""
    cases = _live(request)
    cases[reference] = time.time() + TRACKED_CASE_SECONDS
    newest = sorted(cases.items(), key=lambda item: item[1])[-MAX_TRACKED_CASES:]
    request.session[SESSION_KEY] = dict(newest)


def may_act_on(request, reference: str) -> bool:
    """Tell whether this browser tracked ``reference`` with its PIN within the last half hour."""
    return reference in _live(request)


# --- Browsers that showed a case's PIN before ------------------------------------------------------
#
# A signed cookie lists (as keyed hashes, never in clear) the references this browser filed or
# tracked with the right PIN. It is no substitute for the PIN, which is still asked for; it only
# lets the rightful holder past a pause that strangers' wrong PINs put on the reference.

HOLDER_COOKIE = "lango_holder"
HOLDER_COOKIE_SALT = "portal.known-holder"
HOLDER_COOKIE_MAX_AGE = 180 * 24 * 60 * 60
MAX_HOLDER_REFERENCES = 10


def _holder_tag(reference: str) -> str:
    return hmac.new(_holder_key(), reference.encode(), hashlib.sha256).hexdigest()[:16]


def _holder_key() -> bytes:
    return hashlib.sha256(("known-holder:" + settings.SECRET_KEY).encode()).digest()


def _holder_tags(request) -> list[str]:
    value = request.get_signed_cookie(HOLDER_COOKIE, default="", salt=HOLDER_COOKIE_SALT, max_age=HOLDER_COOKIE_MAX_AGE)
    return [tag for tag in value.split(",") if tag][:MAX_HOLDER_REFERENCES]


def vouch_holder(request, response, reference: str) -> None:
    """Remember on ``response`` that this browser knew ``reference``'s PIN (it filed or tracked it)."""
    tag = _holder_tag(reference)
    tags = [tag] + [other for other in _holder_tags(request) if other != tag]
    response.set_signed_cookie(
        HOLDER_COOKIE,
        ",".join(tags[:MAX_HOLDER_REFERENCES]),
        salt=HOLDER_COOKIE_SALT,
        max_age=HOLDER_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_known_holder(request, reference: str) -> bool:
    """Tell whether this browser filed ``reference`` or showed its right PIN before."""
    return _holder_tag(reference) in _holder_tags(request)
