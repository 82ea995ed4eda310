"""Cases this browser tracked with their PIN a moment ago, so that it may rate and appeal them.

The session keeps only references and when each entitlement ends (never a PIN), for
``TRACKED_CASE_SECONDS``, and at most ``MAX_TRACKED_CASES`` of them.
"""

from __future__ import annotations

import time

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
