"""Callbacks to partners (async answers, notifications): an outbox with the SMS outbox's guarantees.

``enqueue`` inserts a row in the caller's transaction; after commit a task sends it (the caller
asks ``api.tasks.send_after_commit``); a periodic relay sends whatever is due and left behind
(broker down, worker killed) and settles claims of dead senders. Each send is claimed first
(``SELECT … FOR UPDATE SKIP LOCKED``) so two senders never send one callback at once; a retry
sends the same DCI ``message_id``, so a partner that already got it can tell. Failures are retried
with growing, jittered waits (``API_CALLBACK_RETRY_SECONDS``) and then fail for good. Addresses are
checked before each send: only under the partner's registered callback address, and — unless
``API_CALLBACKS_ALLOW_PRIVATE`` — only HTTPS to public addresses.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import socket
import uuid
from contextlib import nullcontext
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from api.models import OutboundCallback, Partner

logger = logging.getLogger(__name__)
Status = OutboundCallback.Status
RELAY_BATCH = 100
CLAIM_TIMEOUT = timedelta(minutes=2)


class CallbackAddressError(ValueError):
    """A callback address Lango will not send to."""


def check_address(partner: Partner, url: str) -> None:
    """Refuse a callback address outside the partner's registered one, or (in production) a private one."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CallbackAddressError("The callback address must be an http(s) URL.")
    base = partner.callback_base_url
    if not base or not url.startswith(base):
        raise CallbackAddressError("The callback address is not under this partner's registered address.")
    if settings.API_CALLBACKS_ALLOW_PRIVATE:
        return
    if parts.scheme != "https":
        raise CallbackAddressError("Callbacks go over HTTPS only.")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as exc:
        raise CallbackAddressError("The callback host does not resolve.") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise CallbackAddressError("Callbacks never go to private or local addresses.")


def enqueue(partner: Partner, url: str, body: dict, *, message_id: str) -> OutboundCallback:
    """Queue ``body`` for ``url``; the same ``message_id`` never queues a second callback."""
    callback = OutboundCallback(
        partner=partner, url=url, body=body, message_id=message_id, next_attempt_at=timezone.now()
    )
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            callback.save(force_insert=True)
    except IntegrityError:
        return OutboundCallback.objects.get(message_id=message_id)
    return callback


def retry_delay(attempts: int) -> timedelta | None:
    """The wait before the next attempt after ``attempts`` failed ones (±20 % jitter), or ``None``: give up."""
    schedule = settings.API_CALLBACK_RETRY_SECONDS
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def send_due(callback_id: int) -> str | None:
    """Send one due callback if nobody else is; return what became of it, or ``None`` if nothing was done."""
    claimed = _claim(callback_id)
    if claimed is None:
        return None
    error = _post(claimed)
    return _record(claimed, error)


def _claim(callback_id: int) -> OutboundCallback | None:
    with transaction.atomic():
        callback = (
            OutboundCallback.objects.select_for_update(skip_locked=True)
            .select_related("partner")
            .filter(pk=callback_id, status=Status.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if callback is None:
            return None
        callback.status = Status.SENDING
        callback.claimed_at = timezone.now()
        callback.claim_token = uuid.uuid4().hex
        callback.attempts += 1
        callback.save(update_fields=["status", "claimed_at", "claim_token", "attempts"])
        return callback


def _post(callback: OutboundCallback) -> str:
    """POST the callback; return ``""`` when the partner took it, else why not (never raise)."""
    try:
        check_address(callback.partner, callback.url)
    except CallbackAddressError as exc:
        return f"refused: {exc}"
    try:
        response = requests.post(
            callback.url, json=callback.body, timeout=settings.API_CALLBACK_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        return f"network: {type(exc).__name__}"
    if 200 <= response.status_code < 300:
        return ""
    return f"HTTP {response.status_code}"


def _record(claimed: OutboundCallback, error: str) -> str:
    with transaction.atomic():
        callback = (
            OutboundCallback.objects.select_for_update()
            .filter(pk=claimed.pk, status=Status.SENDING, claim_token=claimed.claim_token)
            .first()
        )
        if callback is None:
            return "lost-claim"
        callback.claim_token = ""
        callback.last_error = error[:200]
        delay = None if not error or error.startswith("refused") else retry_delay(callback.attempts)
        if not error:
            callback.status = Status.SENT
            callback.sent_at = timezone.now()
        elif delay is not None:
            callback.status = Status.PENDING
            callback.next_attempt_at = timezone.now() + delay
        else:
            callback.status = Status.FAILED
            logger.warning("Callback %s to %s failed for good: %s", callback.pk, callback.partner.code, error)
        callback.save(update_fields=["status", "claim_token", "last_error", "sent_at", "next_attempt_at"])
        return callback.status


def relay(*, limit: int = RELAY_BATCH) -> int:
    """Release claims of dead senders, then send what is due; return how many were tried."""
    stale = timezone.now() - CLAIM_TIMEOUT
    OutboundCallback.objects.filter(status=Status.SENDING, claimed_at__lte=stale).update(
        status=Status.PENDING, claim_token="", last_error="sender lost while sending"
    )
    due = OutboundCallback.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
    tried = 0
    for callback_id in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]:
        if send_due(callback_id) is not None:
            tried += 1
    return tried
