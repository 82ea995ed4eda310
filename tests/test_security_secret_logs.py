"""Issue 13, point 7: the Africa's Talking callback token is never written to a log, and never guessable by method."""

from __future__ import annotations

import io
import logging
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import override_settings

from portal.log_redaction import RedactSecretsFilter, redact

pytestmark = pytest.mark.django_db

TOKEN = "a-callback-token-of-thirty-two-chars"


@pytest.fixture
def token():
    with override_settings(AT_CALLBACK_TOKEN=TOKEN):
        yield TOKEN


@pytest.fixture
def console():
    """What Lango's configured console handler writes (the handler with the redacting filter)."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.parametrize(
    "path",
    [
        "/sms/at/{token}/inbound/",
        "/sms/at/{token}/delivery/",
        "/ussd/at/{token}/",
        "/ussd/at/{token}/events/",
    ],
)
def test_a_log_reader_never_learns_the_callback_token_from_bad_request_warnings(client, token, console, path):
    url = path.format(token=token)
    client.post(url, {"id": "", "from": "not a phone"})  # a refused callback: Django logs "Bad Request" or similar
    client.get(url)
    client.post(url.replace(token, token + "x"), {})  # a near miss: "Not Found"
    logging.getLogger("sms.views").warning("Odd callback to %s (token %s)", url, token)

    written = console.getvalue()
    assert written  # the warnings were written
    assert token not in written
    assert "[redacted]" in written


def test_the_development_servers_request_lines_leave_the_token_out(token):
    handler = logging.getLogger("django.server").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info('"%s" %s %s', f"POST /ussd/at/{token}/ HTTP/1.1", 200, 12)
    finally:
        handler.setStream(previous)
    assert token not in stream.getvalue()
    assert "/ussd/at/[redacted]/" in stream.getvalue()


def test_a_traceback_naming_the_token_is_redacted(token):
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise RuntimeError(f"cannot answer /sms/at/{token}/inbound/")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    RedactSecretsFilter().filter(record)
    assert token not in logging.Formatter().format(record)


def test_redaction_cuts_any_token_in_a_callback_path_even_a_wrong_one():
    assert redact("GET /ussd/at/guess123/ HTTP/1.1", []) == "GET /ussd/at/[redacted]/ HTTP/1.1"
    assert redact("/sms/at/guess?x=1", []) == "/sms/at/[redacted]?x=1"
    assert redact("/admin/cases/", []) == "/admin/cases/"


def test_gunicorns_access_log_leaves_the_token_out(tmp_path, token):
    from gunicorn.config import Config

    from portal.gunicorn_logging import RedactingLogger

    config = Config()
    namespace = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    for name in ("logger_class", "access_log_format"):
        config.set(name, namespace[name])
    access = tmp_path / "access.log"
    config.set("accesslog", str(access))
    config.set("errorlog", str(tmp_path / "error.log"))
    assert config.logger_class is RedactingLogger
    logger = config.logger_class(config)

    path = f"/ussd/at/{token}/"
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "AT",
    }
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    logger.error("Error handling request %s", path)
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.flush()

    line = access.read_text()
    assert '"POST /ussd/at/[redacted]/ HTTP/1.1" 200 12' in line
    assert token not in line
    assert token not in (tmp_path / "error.log").read_text()


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch", "head", "options"])
@pytest.mark.parametrize("path", ["/ussd/at/{token}/", "/ussd/at/{token}/events/", "/sms/at/{token}/inbound/"])
def test_a_prober_cannot_tell_a_wrong_token_by_the_method(client, token, method, path):
    wrong = getattr(client, method)(path.format(token="wrong-token"))
    right = getattr(client, method)(path.format(token=token))

    assert wrong.status_code == 404
    assert right.status_code == 405
