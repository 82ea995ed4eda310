"""End-of-session notifications: keep a summary of the session, then forget its state.

Africa's Talking documents the fields loosely, so every one is optional; a repeated notification
updates the same row.
"""

from __future__ import annotations

import time

from ussd.funnel import journey_of
from ussd.hop import SESSION_ID_PATTERN
from ussd.models import UssdSessionSummary
from ussd.session import delete_session, load_session

MAX_COUNTER = 2**31 - 1


def _whole(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= MAX_COUNTER else None


def record_session_end(data) -> UssdSessionSummary | None:
    """Store how the session in ``data`` (AT's form fields) ended; return the summary, or ``None``."""
    session_id = str(data.get("sessionId", "")).strip()
    if not SESSION_ID_PATTERN.match(session_id):
        return None
    status = str(data.get("status", "")).strip()[:20]
    duration = _whole(data.get("durationInMillis"))
    hops = _whole(data.get("hopsCount"))
    fields = {
        "status": status,
        "network_code": str(data.get("networkCode", "")).strip()[:10],
        "error_message": str(data.get("errorMessage", "")).strip()[:200],
    }
    state = load_session(session_id)
    if state is None:
        fields.update({"duration_ms": duration, "hops": hops or 0})
        summary, created = UssdSessionSummary.objects.get_or_create(session_id=session_id, defaults=fields)
        if not created and status:
            UssdSessionSummary.objects.filter(pk=summary.pk).update(status=status)
        return summary
    fields.update(
        {
            "duration_ms": duration if duration is not None else int((time.time() - state.started_at) * 1000),
            "hops": hops if hops is not None else state.hops,
            "last_screen": state.last_screen[:40],
            "journey": journey_of(state.path),
            "path": state.path,
            "completed": state.completed,
            "language": state.language,
            "network_code": fields["network_code"] or state.network_code,
        }
    )
    summary, _created = UssdSessionSummary.objects.update_or_create(session_id=session_id, defaults=fields)
    delete_session(session_id)
    return summary
