"""Where the full privacy notice lives on the web, for the link sent by SMS before consent."""

from __future__ import annotations

from django.conf import settings


def privacy_notice_url(language: str) -> str:
    """The absolute address of the privacy notice in ``language`` (English has no prefix)."""
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{prefix}{settings.PRIVACY_NOTICE_PATH}"
