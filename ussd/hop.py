"""One USSD hop, as Africa's Talking sends it: check the fields, replay or advance the session, answer.

Every outcome is a ``CON``/``END`` text: a malformed request, a wrong service code, too many hops
or an unexpected failure all end the session with a short message, never an HTTP error (AT would
show the person a generic failure).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import pgettext

import ussd.screens  # noqa: F401 - registers every screen with the engine
from registry.phones import normalise_phone
from registry.preferences import language_for_phone
from ussd import caller_language
from ussd.engine import draft_to_keep, respond
from ussd.layout import fit_text
from ussd.ratelimit import counter_key, within_limit
from ussd.session import HopStore, SessionState, count_hop, hops_this_minute, session_for_hop

logger = logging.getLogger(__name__)

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,100}$")
NETWORK_CODE_PATTERN = re.compile(r"^[0-9]{0,10}$")
MAX_TEXT_LENGTH = 2000
INPUT_SEPARATOR = "*"


@dataclass(frozen=True)
class Hop:
    """The form fields of one callback."""

    session_id: str
    service_code: str
    phone_number: str
    network_code: str
    text: str

    @classmethod
    def from_form(cls, data) -> Hop:
        """Read the fields from a request's POST data (missing fields become empty)."""
        return cls(
            session_id=str(data.get("sessionId", "")).strip(),
            service_code=str(data.get("serviceCode", "")).strip(),
            phone_number=str(data.get("phoneNumber", "")).strip(),
            network_code=str(data.get("networkCode", "")).strip(),
            text=str(data.get("text", "")),
        )


def end(text: str) -> str:
    """An ``END`` reply that fits one screen."""
    return "END " + fit_text(text)


def answer_hop(hop: Hop) -> str:
    """Return the reply to one hop: the same reply to a repeated ``(sessionId, text)``."""
    if hop.service_code != settings.USSD_SERVICE_CODE:
        return end(pgettext("ussd", "This service is not on this code."))
    if not SESSION_ID_PATTERN.match(hop.session_id) or not NETWORK_CODE_PATTERN.match(hop.network_code):
        return end(pgettext("ussd", "Sorry, we could not read your request. Please dial again."))
    if len(hop.text) > MAX_TEXT_LENGTH:
        return end(pgettext("ussd", "Sorry, we could not read your request. Please dial again."))
    try:
        phone = caller_phone(hop.phone_number)
    except ValidationError:
        return end(pgettext("ussd", "Sorry, we could not read your request. Please dial again."))

    counter = counter_key(phone)
    with session_for_hop(hop.session_id) as held:
        return _answer_held(hop, phone, held, counter)


def _answer_held(hop: Hop, phone: str, held: HopStore, counter: str) -> str:
    """Answer a hop whose session row is locked: replay what was sent, or advance and store."""
    state = held.state
    if state is not None:
        if state.phone != phone:
            return end(pgettext("ussd", "Sorry, we could not read your request. Please dial again."))
        replay = state.response_to(hop.text)
        if replay is not None:
            return replay
        if state.ended:
            # A new input after the session ended: the session stays ended, nothing happens.
            last = next(reversed(state.responses.values()), None)
            return last or end(pgettext("ussd", "Please dial again."))
    count = hops_this_minute(counter) + 1
    if not within_limit(count):
        with translation.override(_caller_language(state, phone)):
            return end(pgettext("ussd", "You are going too fast. Please wait a minute and dial again."))

    first_hop = state is None
    if state is None:
        state = SessionState(session_id=hop.session_id, phone=phone, network_code=hop.network_code)
    value = newest_input(state, hop.text, first_hop=first_hop)
    try:
        with transaction.atomic():  # a failure inside leaves the hop's own transaction usable
            reply = respond(state, value)
    except DatabaseError:
        raise  # the database is failing: the view answers, nothing more is tried here
    except Exception:
        logger.exception("USSD hop failed (session %s)", hop.session_id)
        with translation.override(state.language or settings.LANGUAGE_CODE):
            reply = end(pgettext("ussd", "Sorry, something went wrong. Please dial again."))
        state.ended = True
    state.processed(hop.text)
    state.hops += 1
    state.remember_response(hop.text, reply)
    draft = draft_to_keep(state)
    if state.ended:
        state.forget_answers()
    held.save(state, draft=draft)
    count_hop(counter, count)
    caller_language.remember(phone, state.language)
    return reply


def _caller_language(state: SessionState | None, phone: str) -> str:
    """The language to refuse a hop in: the session's, else the one the phone chose before."""
    if state is not None and state.language:
        return state.language
    language = language_for_phone(phone)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@lru_cache(maxsize=4096)
def caller_phone(raw: str) -> str:
    """The caller's number in E.164, parsed once per process for the hops of a session."""
    return normalise_phone(raw)


def newest_input(state: SessionState, text: str, *, first_hop: bool) -> str | None:
    """The input this hop adds to what the session already processed (``None``: nothing new).

    ``text`` normally extends what was processed by ``*`` and one input, which may itself contain
    ``*`` (a keypad's space). When it does not (a resent or garbled hop), the last ``*``-separated
    part is taken as the newest input, so the session moves on from where it is.
    """
    if first_hop:
        return text if text else None
    if state.text_length and state.extends_processed(text):
        return text[state.text_length + 1 :]
    if not state.text_length:
        return text
    return text.rsplit(INPUT_SEPARATOR, 1)[-1]
