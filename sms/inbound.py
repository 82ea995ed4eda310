"""Receiving an SMS: keep it once per provider id, limit each sender, answer it through the outbox.

Everything happens in one transaction: the inbound row, what the command changes and the reply
row. A failure rolls all of it back and the provider's retry finds nothing done; a repeated id
finds the row and does nothing, so a resent SMS never files a second complaint or a second reply.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from registry import queries
from registry.preferences import language_for_phone
from sms.commands import ParsedCommand, parse_command
from sms.handlers import CommandRequest, handle
from sms.models import InboundMessage
from sms.outbox import enqueue

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 3600
RATE_LIMITED = "rate_limited"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class IncomingSms:
    """An SMS as the provider reported it, already validated (``sender`` in E.164)."""

    provider_id: str
    sender: str
    text: str
    to: str = ""
    link_id: str = ""
    network_code: str = ""


def receive_sms(sms: IncomingSms) -> InboundMessage | None:
    """Keep ``sms`` once and answer it; return ``None`` when this provider id was seen before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = InboundMessage.objects.create(
                    provider_id=sms.provider_id,
                    sender=sms.sender,
                    to=sms.to,
                    text=sms.text,
                    link_id=sms.link_id,
                    network_code=sms.network_code,
                )
        except IntegrityError:
            logger.info("Inbound SMS %s seen before; ignored.", sms.provider_id)
            return None
        parsed = parse_command(sms.text)
        language = reply_language(sms.sender, parsed)
        if _over_rate_limit(sms.sender):
            message.command = RATE_LIMITED
            if _first_refusal(sms.sender):
                _reply(sms, "rate_limited", language, {})
        else:
            message.command = parsed.command or UNKNOWN
            request = CommandRequest(
                sender=sms.sender, language=language, argument=parsed.argument, inbound_id=sms.provider_id
            )
            reply = handle(parsed, request)
            if reply is not None:
                _reply(sms, reply.template, reply.language or language, reply.context)
        message.save(update_fields=["command"])
        return message


def reply_language(sender: str, parsed: ParsedCommand) -> str:
    """The language to answer in: the phone's chosen one, else the keyword's, else English.

    When a keyword exists in several languages (STOP), the language of the one person registered
    with the phone wins if it is among them.
    """
    chosen = language_for_phone(sender)
    if chosen:
        return chosen
    languages = set(queries.people_with_phone(sender).values_list("preferred_language", flat=True)[:2])
    person_language = languages.pop() if len(languages) == 1 else ""
    if parsed.languages:
        return person_language if person_language in parsed.languages else parsed.languages[0]
    return person_language or settings.LANGUAGE_CODE


def _reply(sms: IncomingSms, template: str, language: str, context: dict) -> None:
    enqueue(sms.sender, template, language, context, dedupe_key=f"sms-reply:{sms.provider_id}", essential=True)


def _window_key(prefix: str, sender: str) -> str:
    return f"{prefix}:{sender}:{int(time.time() // RATE_WINDOW_SECONDS)}"


def _over_rate_limit(sender: str) -> bool:
    """Count this message against the sender's hourly allowance; tell whether it is used up.

    Counted in the cache; when the cache is down the count comes from the stored messages
    themselves (this one included), so the limit holds and every message is still kept and answered.
    """
    key = _window_key("sms-inbound-count", sender)
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 60)
            count = 1
    except ConnectionError:  # the cache is down (portal.resilient_cache.CacheUnavailable)
        count = _stored_this_window(sender).count()
    return count > settings.SMS_INBOUND_PER_HOUR


def _first_refusal(sender: str) -> bool:
    """Tell whether this is the first message refused in the window (only that one is answered)."""
    try:
        return cache.add(_window_key("sms-inbound-refused", sender), 1, timeout=RATE_WINDOW_SECONDS + 60)
    except ConnectionError:
        return not _stored_this_window(sender).filter(command=RATE_LIMITED).exists()


def _stored_this_window(sender: str):
    """The sender's messages stored since the start of the current rate window."""
    start = int(time.time() // RATE_WINDOW_SECONDS) * RATE_WINDOW_SECONDS
    return InboundMessage.objects.filter(sender=sender, received_at__gte=datetime.fromtimestamp(start, tz=UTC))
