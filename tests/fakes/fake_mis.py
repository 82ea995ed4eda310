"""A fake programme management system (MIS) speaking the DCI specifications to Lango, on loopback.

It does what a programme's own system does: takes its partner credentials (OAuth 2.0 client
credentials), subscribes to new registrations, pulls the applications to its programme, sends its
decisions (DCI enrolment updates) and, for the people it enrolled, payment events. It also runs
the receiver for Lango's callbacks (``on-search``, ``on-subscribe``, ``notify`` …) and records them.

In a test::

    with FakeMis(lango_url, client_id, secret) as mis:
        partner.callback_base_url = mis.base_url
        mis.subscribe("REGISTER")
        ...
        assert mis.received("notify")

By hand, against ``make run`` (create the partner first: ``manage.py create_partner --demo-mis``)::

    python -m tests.fakes.fake_mis --lango http://127.0.0.1:8000 --client-id … --client-secret … \\
        --programme old-age-pension --port 8095
"""

from __future__ import annotations

import argparse
import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One callback Lango sent us."""

    path: str
    body: dict


@dataclass
class _State:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            return

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"unreadable": raw.decode("utf-8", "replace")}
            with state.arrived:
                state.received.append(Received(self.path, body))
                state.arrived.notify_all()
            answer = json.dumps(
                {"message": {"ack_status": "ACK", "timestamp": _now(), "correlation_id": f"mis-{uuid.uuid4().hex}"}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


def _now() -> str:
    return datetime.now(UTC).isoformat()


class FakeMis:
    """A programme MIS: a DCI client of Lango and a receiver of its callbacks."""

    def __init__(
        self,
        lango_url: str,
        client_id: str,
        client_secret: str,
        *,
        sender_id: str = "mis",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.lango_url = lango_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.sender_id = sender_id
        self._state = _State()
        self._server = ThreadingHTTPServer((host, port), _handler(self._state))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._token = ""

    # --- receiver --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> FakeMis:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received(self, action: str | None = None) -> list[Received]:
        """The callbacks received so far, those of one DCI ``action`` only if given."""
        with self._state.arrived:
            return [
                r for r in self._state.received if action is None or r.body.get("header", {}).get("action") == action
            ]

    def wait_for(self, action: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """Wait until ``count`` callbacks of ``action`` arrived; return them (fewer if the time ran out)."""
        deadline = time.monotonic() + timeout
        with self._state.arrived:
            while len([r for r in self._state.received if r.body.get("header", {}).get("action") == action]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._state.arrived.wait(left)
        return self.received(action)

    # --- client ----------------------------------------------------------------------------

    def token(self) -> str:
        """A bearer token from Lango's token endpoint (client credentials, HTTP Basic)."""
        if self._token:
            return self._token
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        data = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
        request = urllib.request.Request(
            f"{self.lango_url}/api/v1/oauth/token/", data=data, headers={"Authorization": f"Basic {basic}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            self._token = json.loads(response.read())["access_token"]
        return self._token

    def call(self, path: str, body: dict) -> tuple[int, dict]:
        """POST ``body`` to Lango at ``path`` with the bearer token; return the status and JSON answer."""
        request = urllib.request.Request(
            f"{self.lango_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token()}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def envelope(self, action: str, message: dict, *, callback: str = "") -> dict:
        header = {
            "version": "1.0.0",
            "message_id": f"mis-{uuid.uuid4().hex}",
            "message_ts": _now(),
            "action": action,
            "sender_id": self.sender_id,
            "receiver_id": "lango",
            "total_count": 1,
        }
        if callback:
            header["sender_uri"] = urllib.parse.urljoin(self.base_url, callback)
        return {"signature": "", "header": header, "message": message}

    def subscribe(self, event_type: str = "REGISTER", filter_: dict | None = None) -> tuple[int, dict]:
        """Subscribe to registry events; Lango answers on ``registry/on-subscribe`` and notifies ``registry/notify``."""
        message = {
            "transaction_id": f"sub-{uuid.uuid4().hex[:12]}",
            "subscribe_request": [
                {
                    "reference_id": f"r-{uuid.uuid4().hex[:8]}",
                    "timestamp": _now(),
                    "subscribe_criteria": {
                        "reg_event_type": event_type,
                        "filter": filter_ or {},
                        "notify_record_type": "Group",
                    },
                }
            ],
        }
        return self.call(
            "/api/dci/v1/registry/subscribe", self.envelope("subscribe", message, callback="registry/on-subscribe")
        )

    def pull_new_applications(self, programme: str, since: str = "2000-01-01") -> list[dict]:
        """Search for the applications to ``programme`` registered since ``since`` (sync search)."""
        query = {"$and": [{"programme": {"$eq": programme}}, {"registered": {"$ge": since}}]}
        message = {
            "transaction_id": f"pull-{uuid.uuid4().hex[:12]}",
            "search_request": [
                {
                    "reference_id": "pull",
                    "timestamp": _now(),
                    "search_criteria": {
                        "query_type": "expression",
                        "query": query,
                        "pagination": {"page_size": 100, "page_number": 1},
                    },
                }
            ],
        }
        _status, answer = self.call("/api/dci/v1/registry/sync/search", self.envelope("search", message))
        items = answer.get("message", {}).get("search_response", [])
        return items[0].get("data", {}).get("reg_records", []) if items else []

    def decide(
        self,
        reference: str,
        programme: str,
        status: str,
        *,
        reason_code: str = "",
        reason: str = "",
        reference_id: str | None = None,
    ) -> tuple[int, dict]:
        """Send one decision (a DCI enrolment update) for an application to our programme."""
        message = {
            "transaction_id": f"enrol-{uuid.uuid4().hex[:12]}",
            "enrolled_updates": {
                "beneficiaries": [
                    {
                        "reference_id": reference_id or f"d-{uuid.uuid4().hex[:12]}",
                        "application_reference": reference,
                        "programme": programme,
                        "status": status,
                        "reason_code": reason_code,
                        "reason": reason,
                    }
                ]
            },
        }
        return self.call("/api/dci/v1/registry/sync/enrollment/updates", self.envelope("notify", message))

    def pay(
        self,
        reference: str,
        programme: str,
        status: str,
        *,
        payment_id: str,
        event_id: str | None = None,
        amount: str = "2000",
        channel: str = "mobile_money",
        currency: str = "KES",
    ) -> tuple[int, dict]:
        """Send one payment event, as the payment system would."""
        event = {
            "event_id": event_id or f"e-{uuid.uuid4().hex[:12]}",
            "payment_id": payment_id,
            "application_reference": reference,
            "programme": programme,
            "status": status,
            "amount": amount,
            "currency": currency,
            "channel": channel,
            "payment_date": date.today().isoformat(),
            "occurred_at": _now(),
        }
        return self.call("/api/v1/payments/", {"events": [event]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A fake programme MIS that decides and pays Lango's applications.")
    parser.add_argument("--lango", default="http://127.0.0.1:8000")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--programme", default="old-age-pension")
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between rounds")
    args = parser.parse_args(argv)
    with FakeMis(args.lango, args.client_id, args.client_secret, port=args.port) as mis:
        print(f"Fake MIS receiving callbacks at {mis.base_url}; subscribing to new registrations…")
        print("subscribe:", mis.subscribe("REGISTER")[0])
        decided: set[str] = set()
        while True:
            for record in mis.pull_new_applications(args.programme):
                reference = record["group_identifier"][0]["identifier_value"]
                statuses = {p["programme"]: p["status"] for p in record.get("programmes", [])}
                if reference in decided or statuses.get(args.programme) not in ("submitted", "under_review"):
                    continue
                status, _answer = mis.decide(reference, args.programme, "enrolled", reference_id=f"enrol-{reference}")
                print(f"enrolled {reference}: HTTP {status}")
                pay = mis.pay(
                    reference, args.programme, "sent", payment_id=f"pay-{reference}", event_id=f"sent-{reference}"
                )
                print(f"payment sent for {reference}: HTTP {pay[0]}")
                decided.add(reference)
            print(f"{len(mis.received('notify'))} notifications so far")
            time.sleep(args.every)


if __name__ == "__main__":
    raise SystemExit(main())
