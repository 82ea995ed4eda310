"""Issue 13, point 7: the Africa's Talking callback token is never written to a log, and never guessable by method."""

from __future__ import annotations

import io
import logging
import re
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


def test_a_log_reader_cannot_take_a_staff_enrolment_link_from_the_logs():
    line = "GET /admin/login/?next=%2Fadmin%2F2fa%2Fenrol%2FeyJ1IjoxfQ%3A1w%3Asig%2F HTTP/1.1"
    assert redact(line, []) == "GET /admin/login/?next=%2Fadmin%2F2fa%2Fenrol%2F[redacted]%2F HTTP/1.1"
    assert redact("GET /admin/2fa/enrol/eyJ1IjoxfQ:1w:sig/ HTTP/1.1", []) == "GET /admin/2fa/enrol/[redacted]/ HTTP/1.1"


GUNICORN_PORT = 8401  # in this suite's own port range


def test_a_real_gunicorn_writes_its_access_log_without_the_token(tmp_path):
    """Gunicorn started as in production (reading gunicorn.conf.py) logs the callback path redacted."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    access = tmp_path / "access.log"
    env = {**os.environ, "AT_CALLBACK_TOKEN": TOKEN, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    logs = ["--access-logfile", str(access), "--error-logfile", str(tmp_path / "error.log")]
    server = subprocess.Popen(
        [gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{GUNICORN_PORT}", "--workers", "1", *logs],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", GUNICORN_PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        for token in (TOKEN, "a-wrong-guess"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{GUNICORN_PORT}/ussd/at/{token}/", timeout=30)
            except urllib.error.HTTPError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and access.read_text().count("\n") < 2:
            time.sleep(0.2)
    finally:
        server.terminate()
        _out, stderr = server.communicate(timeout=30)
    written = access.read_text() + (tmp_path / "error.log").read_text() + stderr.decode(errors="replace")
    assert '"GET /ussd/at/[redacted]/ HTTP/1.1" 405' in written
    # The wrong token's line (a 404, or a 500 here where this throw-away server has no database).
    assert re.search(r'"GET /ussd/at/\[redacted\]/ HTTP/1.1" (404|500)', written)
    assert TOKEN not in written and "a-wrong-guess" not in written
