"""A fake Africa's Talking SMS API on loopback, for tests, benchmarks and offline development.

It answers ``POST /version1/messaging`` the way AT does: the ``apiKey`` header is checked (401
otherwise), the answer is HTTP 201 with ``Content-Type: application/json`` exactly (the SDK parses
nothing else) and one ``Recipients`` entry per number, each with a ``messageId``. It can be told
to fail per recipient (statusCode 401-409, 500-502), per request (HTTP 401, 429, 500, ...), or to
hang; to give the odd answers real AT gives (``script_answers``: a JSON answer with ``; charset=utf-8``,
``InvalidSenderId`` with no recipient, a recipient without ``statusCode``, ``"Recipients": ["oops"]``,
a body that is not JSON, an unknown status code); to accept a message and then answer too late
(``accept_then_delay``); it records every request; and it posts delivery reports (after
``report_delay_seconds``, for a share ``report_ratio`` of messages, with ``report_status``) and
inbound messages to our callback URLs.

In a test::

    with FakeAfricasTalking() as fake:
        settings.AT_API_BASE_URL = fake.base_url
        fake.script_recipient("+254700000001", 403)
        ...
        assert fake.bodies() == [...]

By hand (then point the site at it, see the README)::

    python -m tests.fakes.fake_at --port 8089 --api-key dev-key \\
        --delivery-reports-to http://127.0.0.1:8000/sms/at/dev-callback-token
    python -m tests.fakes.fake_at inbound --to http://127.0.0.1:8000/sms/at/dev-callback-token \\
        --sender +254712345678 --text "STATUS"

Control endpoints for other processes (benchmarks): ``GET /_fake/messages`` lists what was
accepted, ``GET /_fake/stats`` counts it, ``POST /_fake/fail`` (``status``, ``seconds`` or
``times``) fails whole requests, ``POST /_fake/slow`` (``seconds``, ``every``: every n-th request)
accepts messages then answers after ``seconds``, ``POST /_fake/reports`` (``delay``, ``ratio``,
``status``) sets how delivery reports come, ``POST /_fake/reset`` forgets everything.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import queue
import random
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sms.encoding import count_segments

MESSAGING_PATH = "/version1/messaging"

RECIPIENT_STATUS = {
    100: "Processed",
    101: "Success",
    102: "Queued",
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    409: "DoNotDisturbRejection",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}
SENT_CODES = (100, 101, 102)
HTTP_BODIES = {
    400: "Request is missing required form field 'to'",
    401: "The supplied authentication is invalid",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class RecordedRequest:
    """One request the fake received on the messaging path, and the HTTP status it answered."""

    headers: dict[str, str]
    form: dict[str, str]
    status: int = 0
    received_at: float = field(default_factory=time.time)


@dataclass
class AcceptedMessage:
    """One message accepted for one recipient (what a phone would receive)."""

    number: str
    message: str
    message_id: str
    sender_id: str = ""


# Odd answers real AT gives (``script_answers``), each HTTP 201.
ANSWER_KINDS = (
    "normal",
    "charset",  # the normal JSON, with Content-Type: application/json; charset=utf-8
    "invalid_sender",  # {"Message": "InvalidSenderId", "Recipients": []}: nothing taken
    "no_status_code",  # a recipient with "status": "Success" and a messageId, no statusCode
    "unreadable_recipients",  # "Recipients": ["oops"]; the message was taken
    "not_json",  # a 2xx body that is not JSON; the message was taken
    "unknown_code",  # statusCode 199 "Mystery"; the message was taken
)
TAKEN_KINDS = frozenset({"normal", "charset", "no_status_code", "unreadable_recipients", "not_json", "unknown_code"})


@dataclass
class _RequestFailure:
    status: int
    times: int | None = None
    until: float | None = None

    def applies(self) -> bool:
        if self.until is not None and time.monotonic() >= self.until:
            return False
        return self.times is None or self.times > 0


def require_loopback_url(url: str) -> str:
    """Refuse any callback URL that is not on this machine."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError as exc:
            raise ValueError(f"The fake only talks to loopback addresses, not {url!r}.") from exc
    return url


def post_form(url: str, fields: dict[str, str], timeout: float = 10.0) -> int:
    """POST ``fields`` as a form to a loopback ``url``; return the HTTP status."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(require_loopback_url(url), data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Say nothing when a client goes away mid-request (timeouts, killed senders)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeAfricasTalking:
    """A scriptable, recording stand-in for AT's SMS API, served from a thread on 127.0.0.1."""

    def __init__(
        self,
        *,
        api_key: str = "fake-at-key",
        username: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        delivery_reports_to: str | None = None,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("The fake AT server listens on loopback only.")
        self.api_key = api_key
        self.username = username
        self.delivery_reports_to = require_loopback_url(delivery_reports_to) if delivery_reports_to else None
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.request_arrived = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.messages: list[AcceptedMessage] = []
        self._recipient_codes: dict[str, list[int]] = {}
        self._request_failures: list[_RequestFailure] = []
        self._holds = 0
        self._answers: list[str] = []
        self._slow: list[float] = []  # answer delays for the next requests, taken in turn
        self.slow_every = 0  # every n-th request is accepted then answered after slow_seconds
        self.slow_seconds = 0.0
        self._request_count = 0
        self.report_delay_seconds = self.REPORT_DELAY_SECONDS
        self.report_ratio = 1.0
        self.report_status = "Success"
        self.report_failure_reason = ""
        self._report_random = random.Random(11)
        self._reports: queue.SimpleQueue = queue.SimpleQueue()
        self._posters: list[threading.Thread] = []
        self.reports_posted: Counter = Counter()
        self._server = _QuietServer((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The value for ``AT_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/version1"

    def start(self) -> FakeAfricasTalking:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-at", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeAfricasTalking:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- scripting -------------------------------------------------------------------------

    def script_recipient(self, number: str, *codes: int) -> None:
        """Answer the next requests for ``number`` with these per-recipient status codes, in turn.

        Once they are used up, ``number`` is sent normally (101).
        """
        with self._lock:
            self._recipient_codes.setdefault(number, []).extend(codes)

    def fail_requests(self, status: int, *, times: int | None = None, seconds: float | None = None) -> None:
        """Answer whole requests with HTTP ``status`` — ``times`` times, for ``seconds``, or until reset."""
        until = time.monotonic() + seconds if seconds is not None else None
        with self._lock:
            self._request_failures.append(_RequestFailure(status, times, until))

    def hang_requests(self, times: int = 1) -> None:
        """Hold the next ``times`` requests open without answering until ``release()`` (or stop)."""
        with self._lock:
            self._holds += times
        self._release.clear()

    def script_answers(self, *kinds: str) -> None:
        """Answer the next requests with these odd answers (``ANSWER_KINDS``), in turn; then normally."""
        unknown = set(kinds) - set(ANSWER_KINDS)
        if unknown:
            raise ValueError(f"Unknown answer kinds: {sorted(unknown)}")
        with self._lock:
            self._answers.extend(kinds)

    def accept_then_delay(self, seconds: float, *, times: int = 1) -> None:
        """Accept the next ``times`` messages (recorded, reported) but answer only after ``seconds``.

        Longer than the client's timeout, this is AT taking a message while we think it timed out.
        """
        with self._lock:
            self._slow.extend([seconds] * times)

    def slow_down(self, seconds: float, every: int) -> None:
        """From now on accept every ``every``-th request and answer it after ``seconds`` (0: never)."""
        with self._lock:
            self.slow_every = every
            self.slow_seconds = seconds

    def set_reports(
        self,
        *,
        delay: float | None = None,
        ratio: float | None = None,
        status: str | None = None,
        failure_reason: str | None = None,
    ) -> None:
        """Say how delivery reports come: after ``delay`` s, for a share ``ratio`` of messages, as ``status``."""
        with self._lock:
            if delay is not None:
                self.report_delay_seconds = delay
            if ratio is not None:
                self.report_ratio = ratio
            if status is not None:
                self.report_status = status
            if failure_reason is not None:
                self.report_failure_reason = failure_reason

    def release(self) -> None:
        """Let held requests carry on (they are then answered normally)."""
        self._release.set()

    def reset(self) -> None:
        """Forget every script and every recorded request."""
        with self._lock:
            self.requests.clear()
            self.messages.clear()
            self._recipient_codes.clear()
            self._request_failures.clear()
            self._holds = 0
            self._answers.clear()
            self._slow.clear()
            self.slow_every = 0
            self._request_count = 0
            self.report_delay_seconds = self.REPORT_DELAY_SECONDS
            self.report_ratio = 1.0
            self.report_status = "Success"
            self.report_failure_reason = ""
        self.request_arrived.clear()
        self._release.set()

    # --- inspection ------------------------------------------------------------------------

    def bodies(self) -> list[str]:
        """The text of every accepted message, in the order received."""
        with self._lock:
            return [m.message for m in self.messages]

    def duplicates(self) -> dict[str, int]:
        """Accepted texts received more than once, with how many times."""
        return {body: n for body, n in Counter(self.bodies()).items() if n > 1}

    # --- callbacks to our site ---------------------------------------------------------------

    def post_delivery_report(
        self,
        callback_base: str,
        message_id: str,
        status: str = "Success",
        *,
        phone: str = "",
        failure_reason: str = "",
        retry_count: int = 0,
        network_code: str = "63902",
    ) -> int:
        """POST a delivery report to ``<callback_base>/delivery/``; return the HTTP status."""
        fields = delivery_report_fields(message_id, status, phone, failure_reason, retry_count, network_code)
        return post_form(callback_base.rstrip("/") + "/delivery/", fields)

    def post_inbound(
        self,
        callback_base: str,
        sender: str,
        text: str,
        *,
        message_id: str | None = None,
        to: str = "21525",
        link_id: str = "",
        network_code: str = "63902",
    ) -> int:
        """POST an inbound SMS to ``<callback_base>/inbound/``; return the HTTP status."""
        return post_form(
            callback_base.rstrip("/") + "/inbound/", inbound_fields(sender, text, message_id, to, link_id, network_code)
        )

    # --- the server ------------------------------------------------------------------------

    def _take_request_failure(self) -> int | None:
        with self._lock:
            for failure in list(self._request_failures):
                if not failure.applies():
                    self._request_failures.remove(failure)
                    continue
                if failure.times is not None:
                    failure.times -= 1
                return failure.status
        return None

    def _take_hold(self) -> bool:
        with self._lock:
            if self._holds > 0:
                self._holds -= 1
                return True
        return False

    def _take_answer(self) -> str:
        with self._lock:
            return self._answers.pop(0) if self._answers else "normal"

    def _take_slow(self) -> float:
        with self._lock:
            self._request_count += 1
            if self._slow:
                return self._slow.pop(0)
            if self.slow_every and self._request_count % self.slow_every == 0:
                return self.slow_seconds
        return 0.0

    def _recipient_code(self, number: str) -> int:
        with self._lock:
            codes = self._recipient_codes.get(number)
            return codes.pop(0) if codes else 101

    def answer_messaging(self, headers: dict[str, str], form: dict[str, str]) -> tuple[int, str, str]:
        """Decide the answer to one messaging request: (HTTP status, content type, body)."""
        record = RecordedRequest(headers=headers, form=form)
        with self._lock:
            self.requests.append(record)
        self.request_arrived.set()
        if self._take_hold():
            self._release.wait()
        if headers.get("apikey") != self.api_key or (self.username and form.get("username") != self.username):
            record.status = 401
            return 401, "text/plain", HTTP_BODIES[401]
        failure = self._take_request_failure()
        if failure is not None:
            record.status = failure
            return failure, "text/plain", HTTP_BODIES.get(failure, "Error")
        numbers = [n.strip() for n in form.get("to", "").split(",") if n.strip()]
        message = form.get("message", "")
        if not numbers or not message:
            record.status = 400
            return 400, "text/plain", HTTP_BODIES[400]
        kind = self._take_answer()
        slow = self._take_slow()
        if kind == "invalid_sender":
            record.status = 201
            body = {"SMSMessageData": {"Message": "InvalidSenderId", "Recipients": []}}
            return 201, "application/json", json.dumps(body)
        parts = count_segments(message).parts
        recipients, sent = [], 0
        for number in numbers:
            code = 199 if kind == "unknown_code" else self._recipient_code(number)
            entry = {"statusCode": code, "number": number, "status": RECIPIENT_STATUS.get(code, "Mystery")}
            if code in SENT_CODES or code == 199:
                sent += 1
                message_id = f"ATXid_{secrets.token_hex(16)}"
                entry |= {"cost": f"KES {0.8 * parts:.4f}", "messageId": message_id, "messageParts": parts}
                with self._lock:
                    self.messages.append(AcceptedMessage(number, message, message_id, form.get("from", "")))
                if self.delivery_reports_to:
                    self._report_later(message_id, number)
            else:
                entry |= {"cost": "0", "messageId": "None"}
            if kind == "no_status_code":
                entry.pop("statusCode")
                entry["status"] = "Success" if code in SENT_CODES else entry["status"]
            recipients.append(entry)
        total = f"KES {0.8 * parts * sent:.4f}"
        data = {"Message": f"Sent to {sent}/{len(numbers)} Total Cost: {total}", "Recipients": recipients}
        if kind == "unreadable_recipients":
            data["Recipients"] = ["oops"]
        record.status = 201
        if slow:
            time.sleep(slow)  # accepted; the answer comes after the client gave up
        if kind == "not_json":
            return 201, "application/json", "<html>Sent</html>"
        content_type = "application/json; charset=utf-8" if kind == "charset" else "application/json"
        return 201, content_type, json.dumps({"SMSMessageData": data})

    REPORT_DELAY_SECONDS = 0.5
    REPORT_POSTERS = 4

    def _report_later(self, message_id: str, number: str) -> None:
        """Queue a delivery report (``report_status``) posted ``report_delay_seconds`` later, for a
        share ``report_ratio`` of messages, by a few poster threads."""
        with self._lock:
            if self._report_random.random() >= self.report_ratio:
                return
            delay, status, reason = self.report_delay_seconds, self.report_status, self.report_failure_reason
            if not self._posters:
                self._posters = [
                    threading.Thread(target=self._post_reports, name=f"fake-at-reports-{n}", daemon=True)
                    for n in range(self.REPORT_POSTERS)
                ]
                for poster in self._posters:
                    poster.start()
        self._reports.put((time.monotonic() + delay, message_id, number, status, reason))

    def _post_reports(self) -> None:
        while True:
            due, message_id, number, report_status, reason = self._reports.get()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                status = self.post_delivery_report(
                    self.delivery_reports_to, message_id, report_status, phone=number, failure_reason=reason
                )
            except OSError as exc:
                print(f"fake AT: could not post the delivery report: {exc}", file=sys.stderr)
                continue
            with self._lock:
                self.reports_posted[status] += 1

    def _control(self, method: str, path: str, form: dict[str, str]) -> tuple[int, str, str]:
        if method == "GET" and path == "/_fake/messages":
            with self._lock:
                rows = [[m.number, m.message, m.message_id] for m in self.messages]
                statuses = Counter(r.status for r in self.requests)
            payload = {"messages": rows, "requests": {str(k): v for k, v in statuses.items()}}
            return 200, "application/json", json.dumps(payload)
        if method == "GET" and path == "/_fake/stats":
            with self._lock:
                payload = {
                    "accepted": len(self.messages),
                    "requests": len(self.requests),
                    "reports_posted": {str(k): v for k, v in self.reports_posted.items()},
                }
            return 200, "application/json", json.dumps(payload)
        if method == "POST" and path == "/_fake/fail":
            seconds = float(form["seconds"]) if form.get("seconds") else None
            times = int(form["times"]) if form.get("times") else None
            self.fail_requests(int(form.get("status", "500")), times=times, seconds=seconds)
            return 200, "text/plain", "OK"
        if method == "POST" and path == "/_fake/slow":
            self.slow_down(float(form.get("seconds", "0")), int(form.get("every", "0")))
            return 200, "text/plain", "OK"
        if method == "POST" and path == "/_fake/reports":
            self.set_reports(
                delay=float(form["delay"]) if form.get("delay") else None,
                ratio=float(form["ratio"]) if form.get("ratio") else None,
                status=form.get("status") or None,
                failure_reason=form.get("failure_reason"),
            )
            return 200, "text/plain", "OK"
        if method == "POST" and path == "/_fake/reset":
            self.reset()
            return 200, "text/plain", "OK"
        return 404, "text/plain", "Not found"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                return {k: v for k, v in urllib.parse.parse_qsl(raw, keep_blank_values=True)}

            def _send(self, status: int, content_type: str, body: str) -> None:
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def do_POST(self):
                path = urllib.parse.urlsplit(self.path).path
                form = self._form()
                if path == MESSAGING_PATH:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    self._send(*fake.answer_messaging(headers, form))
                else:
                    self._send(*fake._control("POST", path, form))

            def do_GET(self):
                self._send(*fake._control("GET", urllib.parse.urlsplit(self.path).path, {}))

        return Handler


def delivery_report_fields(
    message_id: str,
    status: str = "Success",
    phone: str = "",
    failure_reason: str = "",
    retry_count: int = 0,
    network_code: str = "63902",
) -> dict[str, str]:
    """The form AT posts for a delivery report."""
    fields = {"id": message_id, "status": status, "phoneNumber": phone, "networkCode": network_code}
    fields["retryCount"] = str(retry_count)
    if failure_reason:
        fields["failureReason"] = failure_reason
    return fields


def inbound_fields(
    sender: str,
    text: str,
    message_id: str | None = None,
    to: str = "21525",
    link_id: str = "",
    network_code: str = "63902",
) -> dict[str, str]:
    """The form AT posts for an inbound SMS."""
    return {
        "from": sender,
        "to": to,
        "text": text,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "id": message_id or secrets.token_hex(16),
        "linkId": link_id,
        "networkCode": network_code,
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] in {"inbound", "report"}:
        parser = argparse.ArgumentParser(prog="python -m tests.fakes.fake_at " + argv[0])
        parser.add_argument("--to", required=True, help="our callback base, e.g. http://127.0.0.1:8000/sms/at/<token>")
        if argv[0] == "inbound":
            parser.add_argument("--sender", required=True)
            parser.add_argument("--text", required=True)
            parser.add_argument("--id", default=None)
            args = parser.parse_args(argv[1:])
            url = args.to.rstrip("/") + "/inbound/"
            print(post_form(url, inbound_fields(args.sender, args.text, args.id)))
        else:
            parser.add_argument("--id", required=True, help="the messageId to report on")
            parser.add_argument("--status", default="Success")
            parser.add_argument("--failure-reason", default="")
            args = parser.parse_args(argv[1:])
            fields = delivery_report_fields(args.id, args.status, failure_reason=args.failure_reason)
            print(post_form(args.to.rstrip("/") + "/delivery/", fields))
        return 0
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.fake_at", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--api-key", default="fake-at-key", help="the apiKey header to accept (AT_API_KEY)")
    parser.add_argument("--username", default=None, help="the username to accept (any when unset)")
    parser.add_argument("--delivery-reports-to", default=None, help="post a Success report for each message here")
    parser.add_argument("--report-delay", type=float, default=FakeAfricasTalking.REPORT_DELAY_SECONDS)
    parser.add_argument("--report-ratio", type=float, default=1.0, help="share of messages reported (0 to 1)")
    parser.add_argument("--slow-every", type=int, default=0, help="accept every n-th request, answer it late")
    parser.add_argument("--slow-seconds", type=float, default=0.0, help="how late (past the client's timeout)")
    args = parser.parse_args(argv)
    fake = FakeAfricasTalking(
        api_key=args.api_key,
        username=args.username,
        host=args.host,
        port=args.port,
        delivery_reports_to=args.delivery_reports_to,
    )
    fake.set_reports(delay=args.report_delay, ratio=args.report_ratio)
    fake.slow_down(args.slow_seconds, args.slow_every)
    print(f"Fake Africa's Talking on {fake.base_url} (apiKey {args.api_key!r}); Ctrl-C stops it.", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
