"""The transactional outbox: ``enqueue`` inserts a message in the caller's transaction.

Nothing is sent if that transaction rolls back. After commit a Celery task sends the message; a
periodic relay sends whatever was left due (broker down, worker killed).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from sms.encoding import count_segments
from sms.models import OutboundMessage
from sms.templates import policy, render

logger = logging.getLogger(__name__)


def enqueue(
    to: str,
    template: str,
    language: str,
    context: dict,
    *,
    dedupe_key: str | None = None,
    essential: bool = True,
) -> OutboundMessage | None:
    """Queue the SMS ``template`` for ``to`` in ``language``; return the message, or ``None``.

    ``None`` means nothing was queued: the number cannot receive SMS (``SMS_RECIPIENT_CHECK``: a
    landline, a number abroad) or opted out of non-essential messages (asked of
    ``SMS_OPT_OUT_CHECK``, the registry's record of what each phone asked for). The same
    ``dedupe_key`` never queues a second message (the first one is returned). A template with a
    lifetime (``sms.templates.policy``) expires unsent once that old.
    """
    if not to:
        return None
    if not import_string(settings.SMS_RECIPIENT_CHECK)(to):
        logger.info("Not queuing %s: the number cannot receive SMS (not a mobile of the served regions).", template)
        return None
    if not essential and _opted_out(to):
        logger.info("Not queuing %s for %s: opted out of non-essential SMS.", template, to)
        return None
    body = render(template, language, context)
    segments = count_segments(body)
    now = timezone.now()
    lifetime = policy(template).lifetime
    message = OutboundMessage(
        to=to,
        template=template,
        language=language,
        body=body,
        encoding=segments.encoding,
        parts=segments.parts,
        essential=essential,
        dedupe_key=dedupe_key,
        next_attempt_at=now,
        expires_at=now + lifetime if lifetime is not None else None,
    )
    try:
        # The unique dedupe key, not a read first, keeps a second message out. Inside the caller's
        # transaction that insert needs a savepoint to fail alone; otherwise it is one statement.
        with transaction.atomic() if dedupe_key and connection.in_atomic_block else nullcontext():
            message.save(force_insert=True)
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboundMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _opted_out(phone: str) -> bool:
    """Ask the registry, through the ``SMS_OPT_OUT_CHECK`` setting, whether ``phone`` wants no news.

    The outbox sits below the domain and so names no domain module; the setting hands it the check.
    """
    return bool(import_string(settings.SMS_OPT_OUT_CHECK)(phone))


def _dispatch(message_id: int) -> None:
    """Hand the message to a worker; if the broker is down the relay will send it later.

    Publishing is not retried: a request must not hang on a dead broker, and the row is safe.
    """
    from sms.tasks import send_message

    try:
        send_message.apply_async((message_id,), retry=False)
    except Exception:  # any broker failure leaves the row to the relay
        logger.warning("Broker unavailable; message %s left for the relay.", message_id, exc_info=True)


class ResendRefused(Exception):
    """A supervisor asked to re-send a message that may not be re-sent; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def messages_needing_attention():
    """Messages no sender will try again: failed for good, or unconfirmed with no report after the wait.

    Ones a supervisor already re-sent are left out. Newest first.
    """
    Status = OutboundMessage.Status
    return (
        OutboundMessage.objects.filter(
            Q(status=Status.FAILED) | Q(status=Status.UNCONFIRMED, next_attempt_at__isnull=True)
        )
        .filter(resent_as__isnull=True)
        .order_by("-created_at", "-id")
    )


def resend(message_id: int) -> OutboundMessage:
    """Queue a copy of a failed (or settled unconfirmed) message, pointing to it; return the copy.

    A supervisor decides this, on the record (the caller writes the audit entry). Refused, with
    :class:`ResendRefused`, for a message that may still be sent by the outbox, one already re-sent,
    one whose words were wiped (sign-in codes) and one worthless late (a template with a lifetime).
    """
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or not messages_needing_attention().filter(pk=message_id).exists():
            raise ResendRefused(gettext("This message is not waiting for a supervisor (it may already be re-sent)."))
        if message.body_redacted or policy(message.template).lifetime is not None:
            raise ResendRefused(gettext("This message is worthless late and cannot be re-sent; ask for a new one."))
        copy = OutboundMessage.objects.create(
            to=message.to,
            template=message.template,
            language=message.language,
            body=message.body,
            encoding=message.encoding,
            parts=message.parts,
            essential=message.essential,
            next_attempt_at=timezone.now(),
            resent_from=message,
        )
        transaction.on_commit(lambda: _dispatch(copy.pk))
        return copy
