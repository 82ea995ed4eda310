"""The application being filled in: in the session, and in the database once the citizen signed in.

A signed-in citizen can leave and come back later (even from another phone) to the same draft. Every
draft carries the idempotency key its submission will use, so submitting twice creates nothing twice.
"""

from __future__ import annotations

import uuid

from portal.citizens import is_citizen
from portal.models import ApplicationDraft

SESSION_KEY = "portal_apply_draft"


def new_draft() -> dict:
    """An empty draft with a fresh idempotency key."""
    return {"key": f"web-{uuid.uuid4().hex}", "answers": {}}


def _valid(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("answers"), dict) and bool(data.get("key"))


def load(request) -> dict:
    """Return the current draft (a new empty one when there is none)."""
    if is_citizen(request):
        row = ApplicationDraft.objects.filter(user=request.user).first()
        data = row.data if row else None
    else:
        data = request.session.get(SESSION_KEY)
    return data if _valid(data) else new_draft()


def exists(request) -> bool:
    """Tell whether there is a draft with at least one answer."""
    if is_citizen(request):
        row = ApplicationDraft.objects.filter(user=request.user).first()
        data = row.data if row else None
    else:
        data = request.session.get(SESSION_KEY)
    return _valid(data) and bool(data["answers"])


def save(request, draft: dict) -> None:
    """Keep ``draft`` for this visitor."""
    if is_citizen(request):
        ApplicationDraft.objects.update_or_create(user=request.user, defaults={"data": draft})
    else:
        request.session[SESSION_KEY] = draft


def clear(request) -> None:
    """Forget the draft (after submission, or when the person starts again)."""
    request.session.pop(SESSION_KEY, None)
    if request.user.is_authenticated:
        ApplicationDraft.objects.filter(user=request.user).delete()


def adopt_session_draft(request) -> None:
    """After sign-in, move the draft filled in before signing in to the citizen's account.

    A draft with answers replaces an older saved one: it is what the person was just doing.
    """
    data = request.session.pop(SESSION_KEY, None)
    if _valid(data) and data["answers"]:
        ApplicationDraft.objects.update_or_create(user=request.user, defaults={"data": data})
