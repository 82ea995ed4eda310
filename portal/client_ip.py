"""The client's address: from the trusted reverse proxy's header when one is configured, else the socket."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _meta_key(header: str) -> str:
    """Accept ``X-Real-IP`` as well as ``HTTP_X_REAL_IP`` in the setting."""
    if header.startswith("HTTP_") or header == "REMOTE_ADDR":
        return header
    return "HTTP_" + header.upper().replace("-", "_")


def client_ip(request) -> str:
    """Return the client's IP address as the trusted proxy saw it.

    ``TRUSTED_CLIENT_IP_HEADER`` is read only when set. When the proxy appends to a list (as
    ``X-Forwarded-For`` does) the last entry is the one it added itself; earlier ones were sent by
    the client and cannot be trusted. A missing or malformed value falls back to ``REMOTE_ADDR``.
    """
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        raw = request.META.get(_meta_key(header), "")
        candidate = raw.split(",")[-1].strip() if raw else ""
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def ratelimit_ip(request) -> str:
    """django-ratelimit's ``RATELIMIT_IP_META_KEY`` hook: the same address every limit uses."""
    return client_ip(request)
