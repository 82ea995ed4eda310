"""USSD session state in the cache, keyed by Africa's Talking ``sessionId``, and per-phone drafts.

A session remembers where the person is (screen, page, the screens behind them), their answers,
their language, how many wrong answers in a row they gave, and every response already sent per
``text``, so that a repeated hop gets the same screen and repeats nothing. A hop reads its state
in one cache round trip and writes it in one more (``ussd.store``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any

from ussd import store

SESSION_TTL_SECONDS = 600
DRAFT_TTL_SECONDS = 24 * 3600
# Responses kept for replays; a whole USSD session (180 s) has far fewer hops.
MAX_REMEMBERED_RESPONSES = 60


@dataclass
class SessionState:
    """Everything a USSD session needs between hops (plain data, safe to pickle)."""

    session_id: str
    phone: str
    network_code: str = ""
    language: str = ""
    screen: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    page: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    invalid_count: int = 0
    text: str = ""
    responses: dict[str, str] = field(default_factory=dict)
    hops: int = 0
    started_at: float = field(default_factory=time.time)
    path: list[str] = field(default_factory=list)
    ended: bool = False
    last_screen: str = ""
    completed: bool = False

    def remember_response(self, text: str, response: str) -> None:
        """Keep ``response`` as the answer to ``text`` (the oldest ones go first when full)."""
        self.responses[text] = response
        while len(self.responses) > MAX_REMEMBERED_RESPONSES:
            self.responses.pop(next(iter(self.responses)))

    def visit(self, screen: str) -> None:
        """Record that the session reached ``screen`` (for the funnel report)."""
        self.last_screen = screen
        if screen not in self.path:
            self.path.append(screen)

    def as_data(self) -> dict[str, Any]:
        """The state as a plain dict (shallow: the cache serialises it as it is)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def session_key(session_id: str) -> str:
    return f"ussd:session:{session_id}"


def draft_key(phone: str) -> str:
    return f"ussd:draft:{phone}"


def _state_from(data: Any) -> SessionState | None:
    if not isinstance(data, dict):
        return None
    try:
        return SessionState(**data)
    except TypeError:
        return None


def load_session(session_id: str) -> SessionState | None:
    """Return the stored state of ``session_id``, or ``None``."""
    return _state_from(store.read([session_key(session_id)]).get(session_key(session_id)))


def save_session(state: SessionState) -> None:
    """Store ``state`` for the next hop."""
    store.write([(session_key(state.session_id), state.as_data(), SESSION_TTL_SECONDS)])


def delete_session(session_id: str) -> None:
    """Forget a session (its replays included)."""
    store.delete(session_key(session_id))


def load_session_and_counter(session_id: str, counter_key: str) -> tuple[SessionState | None, int]:
    """Return the session's state and the value of a counter kept beside it, in one round trip."""
    found = store.read([session_key(session_id), counter_key])
    count = found.get(counter_key)
    return _state_from(found.get(session_key(session_id))), count if isinstance(count, int) else 0


def save_session_and_counter(
    state: SessionState, counter_key: str, count: int, draft: dict[str, Any] | None = None
) -> None:
    """Store ``state``, the counter beside it and, when given, the phone's draft, in one round trip."""
    items = [(session_key(state.session_id), state.as_data(), SESSION_TTL_SECONDS), (counter_key, count, 120)]
    if draft is not None:
        items.append((draft_key(state.phone), draft, DRAFT_TTL_SECONDS))
    store.write(items)


# --- Drafts: an unfinished application, per phone, for 24 hours ----------------------------------


def load_draft(phone: str) -> dict[str, Any] | None:
    """Return the phone's unfinished application (screen, page, history, answers), or ``None``."""
    draft = store.read([draft_key(phone)]).get(draft_key(phone))
    return draft if isinstance(draft, dict) and draft.get("screen") else None


def draft_of(state: SessionState, answer_keys: frozenset[str]) -> dict[str, Any]:
    """Where ``state`` is in an application, as a draft a later session can resume."""
    return {
        "screen": state.screen,
        "params": state.params,
        "page": state.page,
        "history": state.history,
        "answers": {key: value for key, value in state.answers.items() if key in answer_keys},
        "language": state.language,
    }


def delete_draft(phone: str) -> None:
    """Forget the phone's unfinished application."""
    store.delete(draft_key(phone))
