"""USSD session state, keyed by Africa's Talking ``sessionId``, and per-phone drafts, in the database.

A session remembers where the person is (screen, page, the screens behind them), their answers,
their language, how many wrong answers in a row they gave, and every response already sent per
``text``, so that a repeated hop gets the same screen and repeats nothing. A hop holds its
session's row lock from reading its state to writing it (``ussd.store.locked_session``), so that
copies of one hop arriving together are answered one after the other, the later ones by replay.

What is kept is no more than the next screens need: the texts people typed (which hold PINs and
answers) are kept only as digests; once a session ends its answers go at once, and the last
screens (which may show a reference and PIN) are kept only ``REPLAY_SECONDS`` for replays.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from ussd import store

SESSION_TTL_SECONDS = 600
DRAFT_TTL_SECONDS = 24 * 3600
# Responses kept for replays; a whole USSD session (180 s) has far fewer hops.
MAX_REMEMBERED_RESPONSES = 60
# How long an ended session's last screens (a reference, maybe a PIN) are kept for replays.
REPLAY_SECONDS = 60


def text_digest(text: str) -> str:
    """A short digest of what a hop's ``text`` holds, kept instead of the text (which may hold a PIN)."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


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
    # Where the page shown begins in the screen's list, the entry its pages were laid out to break
    # before (-1: none), and the option numbers it shows.
    page_start: int = -1
    page_break: int = -1
    shown: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    invalid_count: int = 0
    # What the session has processed so far, as the length and digest of the last hop's ``text``.
    text_length: int = 0
    text_hash: str = ""
    # Responses already sent, by digest of the ``text`` they answered.
    responses: dict[str, str] = field(default_factory=dict)
    hops: int = 0
    started_at: float = field(default_factory=time.time)
    path: list[str] = field(default_factory=list)
    ended: bool = False
    last_screen: str = ""
    completed: bool = False

    def remember_response(self, text: str, response: str) -> None:
        """Keep ``response`` as the answer to ``text`` (the oldest ones go first when full)."""
        self.responses[text_digest(text)] = response
        while len(self.responses) > MAX_REMEMBERED_RESPONSES:
            self.responses.pop(next(iter(self.responses)))

    def response_to(self, text: str) -> str | None:
        """The response already sent to ``text``, if any."""
        return self.responses.get(text_digest(text))

    def processed(self, text: str) -> None:
        """Record ``text`` as what the session has processed (its length and digest only)."""
        self.text_length, self.text_hash = len(text), text_digest(text)

    def extends_processed(self, text: str) -> bool:
        """Tell whether ``text`` is the processed text followed by ``*`` and more."""
        n = self.text_length
        return len(text) > n and text[n] == "*" and text_digest(text[:n]) == self.text_hash

    def forget_answers(self) -> None:
        """Drop what an ended session no longer needs: answers, where it was, the screens behind."""
        self.answers, self.params, self.history = {}, {}, []

    def ttl_seconds(self) -> int:
        """How long this state is kept: a running session for its TTL, an ended one for replays only."""
        return REPLAY_SECONDS if self.ended else SESSION_TTL_SECONDS

    def visit(self, screen: str) -> None:
        """Record that the session reached ``screen`` (for the funnel report)."""
        self.last_screen = screen
        if screen not in self.path:
            self.path.append(screen)

    def as_data(self) -> dict[str, Any]:
        """The state as a plain dict (shallow: the cache serialises it as it is)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _state_from(data: Any) -> SessionState | None:
    if not isinstance(data, dict):
        return None
    try:
        return SessionState(**data)
    except TypeError:
        return None


def load_session(session_id: str) -> SessionState | None:
    """Return the stored state of ``session_id``, or ``None``."""
    return _state_from(store.read_session(session_id))


def save_session(state: SessionState) -> None:
    """Store ``state`` for the next hop (outside a hop: tests, tools)."""
    store.write_session(state.session_id, state.as_data(), state.ttl_seconds())


def delete_session(session_id: str) -> None:
    """Forget a session (its replays included)."""
    store.delete_session(session_id)


class HopStore:
    """One hop's hold on its session: the state read under the row lock, and how to write it back."""

    def __init__(self, locked: store.LockedSession) -> None:
        self._locked = locked
        self.state = _state_from(locked.value)

    def save(self, state: SessionState, draft: dict[str, Any] | None = None) -> None:
        """Write ``state`` (and, when given, the phone's draft) in the hop's transaction."""
        self._locked.save(state.as_data(), state.ttl_seconds())
        if draft is not None:
            store.write_draft(state.phone, draft, DRAFT_TTL_SECONDS)


@contextmanager
def session_for_hop(session_id: str) -> Iterator[HopStore]:
    """Hold ``session_id`` for one hop: copies of the same hop wait here and then replay."""
    with store.locked_session(session_id, SESSION_TTL_SECONDS) as locked:
        yield HopStore(locked)


def hops_this_minute(counter_key: str) -> int:
    """The phone's hop count this minute, from the cache (0 when it cannot say: this limit fails open)."""
    count = store.read([counter_key]).get(counter_key)
    return count if isinstance(count, int) else 0


def count_hop(counter_key: str, count: int) -> None:
    """Remember the phone's hop count this minute (dropped when the cache is down)."""
    store.write([(counter_key, count, 120)])


# --- Drafts: an unfinished application, per phone, for 24 hours ----------------------------------


def load_draft(phone: str) -> dict[str, Any] | None:
    """Return the phone's unfinished application (screen, page, history, answers), or ``None``."""
    draft = store.read_draft(phone)
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
    store.delete_draft(phone)
