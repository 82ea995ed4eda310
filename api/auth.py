"""Who is calling: a partner's bearer token, its scopes, its request budget and its signature.

Every API call passes here first. A missing or wrong token is a 401; a partner without the scope
a call needs is a 403 and gets no data; a partner over its ``requests_per_minute`` a 429.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from oauth2_provider.oauth2_backends import get_oauthlib_core

from api.envelope import Envelope, EnvelopeError
from api.models import Partner
from api.signatures import SignatureError, check

logger = logging.getLogger(__name__)


def partner_for(request: HttpRequest, scope: str) -> Partner:
    """The active partner whose bearer token came with ``request`` and may use ``scope``; else raise."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise EnvelopeError(401, "err.request.unauthorized", "A bearer token is required.")
    try:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    except (MultiPartParserError, UnicodeDecodeError, ValueError):  # oauthlib parses the body: a broken one is theirs
        raise EnvelopeError(400, "err.request.bad", "The request could not be read.") from None
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None:
        raise EnvelopeError(401, "err.request.unauthorized", "The bearer token is not valid or has expired.")
    partner = Partner.objects.filter(application_id=token.application_id, is_active=True).first()
    if partner is None:
        raise EnvelopeError(401, "err.request.unauthorized", "This client is not an active partner.")
    if not (token.allow_scopes([scope]) and partner.has_scope(scope)):
        raise EnvelopeError(403, "err.request.forbidden", f"This partner may not use {scope}.")
    _spend(partner)
    return partner


def check_signature(partner: Partner, envelope: Envelope) -> None:
    """Refuse a request whose signature this partner's key does not verify (see ``api.signatures``)."""
    try:
        check(
            envelope.signature,
            public_key=partner.public_key,
            sender_id=partner.code,
            header=envelope.header,
            message=envelope.message,
        )
    except SignatureError as error:
        raise EnvelopeError(401, error.code, error.message) from None


def _spend(partner: Partner) -> None:
    """Count one request against the partner's budget for this minute (an atomic counter in the cache).

    If the cache is down the request is let through: the API protects no money or secret by this
    limit, and partners must keep working while Redis recovers.
    """
    key = f"api:requests:{partner.pk}:{int(time.time() // 60)}"
    try:
        cache.add(key, 0, timeout=120)
        used = cache.incr(key)
    except Exception:  # a cache outage must not stop the partner API
        logger.warning("Rate limit not applied for partner %s: cache unavailable.", partner.code, exc_info=True)
        return
    if used > partner.requests_per_minute:
        raise EnvelopeError(429, "err.request.too_many_requests", "Too many requests; try again in a minute.")
