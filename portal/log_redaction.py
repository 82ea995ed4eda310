"""Secrets never reach the logs: the Africa's Talking callback token is cut out of every record.

The token is part of the callback paths (``/ussd/at/<token>/``, ``/sms/at/<token>/inbound/``), so
any line naming the path — Django's "Not Found" and "Bad Request" warnings, the development
server's request lines, an error's traceback — would carry it. ``RedactSecretsFilter`` sits on
every log handler (``LOGGING``) and on gunicorn's loggers (``portal.gunicorn_logging``).
"""

from __future__ import annotations

import logging
import os
import re

REDACTED = "[redacted]"
# The path segment after /ussd/at/ or /sms/at/ is the token, right or wrong (a near miss is a secret too);
# the one after /admin/2fa/enrol/ is a staff member's one-time enrolment link, also when URL-encoded
# in a sign-in page's ?next=.
SECRET_IN_PATH = re.compile(
    r"(/(?:ussd|sms)/at/|/admin/2fa/enrol/|%2Fadmin%2F2fa%2Fenrol%2F)(?!\[redacted\])(?:(?!%2F)[^/?#&\s\"'])+",
    re.IGNORECASE,
)
SECRET_SETTINGS = ("AT_CALLBACK_TOKEN", "AT_API_KEY")


def _configured_secrets() -> list[str]:
    """The secret values to cut wherever they appear: from Django's settings when loaded, else the environment."""
    values = [os.environ.get(name, "") for name in SECRET_SETTINGS]
    try:
        from django.conf import settings

        if settings.configured:
            values += [str(getattr(settings, name, "") or "") for name in SECRET_SETTINGS]
    except Exception:  # noqa: BLE001 - logging must never fail because settings cannot load
        values.append("")
    return [value for value in values if len(value) >= 8]


def redact(text: str, secrets: list[str] | None = None) -> str:
    """``text`` with every callback token in a path, and every configured secret, replaced by ``[redacted]``."""
    if not text:
        return text
    for secret in _configured_secrets() if secrets is None else secrets:
        text = text.replace(secret, REDACTED)
    return SECRET_IN_PATH.sub(r"\1" + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrite each record's message (and traceback) without secrets; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _configured_secrets()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left for the handler to report
            return True
        cleaned = redact(message, secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        return True
