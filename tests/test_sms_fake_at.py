"""The fake AT server answers as Africa's Talking does, can be scripted, and calls our callbacks."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from africastalking.SMS import SMSService

from sms.models import DeliveryReport, InboundMessage, OutboundMessage
from sms.outbox import enqueue
from sms.tasks import send_message
from tests.fakes.fake_at import FakeAfricasTalking

pytest_plugins = ["tests.fakes.fixtures"]

ROOT = Path(__file__).resolve().parent.parent


def raw_post(url: str, fields: dict, headers: dict | None = None):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


@pytest.fixture
def fake():
    with FakeAfricasTalking(api_key="k") as server:
        yield server


def test_it_answers_201_in_json_with_one_recipient_per_number(fake):
    status, content_type, body = raw_post(
        fake.base_url + "/messaging",
        {"username": "u", "to": "+254700000001,+254700000002", "message": "hi"},
        {"apiKey": "k"},
    )

    assert (status, content_type) == (201, "application/json")
    recipients = json.loads(body)["SMSMessageData"]["Recipients"]
    assert [r["number"] for r in recipients] == ["+254700000001", "+254700000002"]
    assert all(r["statusCode"] == 101 and r["messageId"].startswith("ATXid_") for r in recipients)
    assert len({r["messageId"] for r in recipients}) == 2


def test_it_refuses_a_missing_or_wrong_api_key(fake):
    assert raw_post(fake.base_url + "/messaging", {"to": "+254700000001", "message": "x"})[0] == 401
    assert raw_post(fake.base_url + "/messaging", {"to": "+254700000001", "message": "x"}, {"apiKey": "no"})[0] == 401
    assert fake.messages == []
    assert [r.status for r in fake.requests] == [401, 401]


def test_the_sdk_parses_its_answers(fake):
    service = SMSService("sandbox", "k")
    service._baseUrl = fake.base_url

    answer = service.send("hello", ["+254700000001"])

    assert isinstance(answer, dict)
    assert answer["SMSMessageData"]["Recipients"][0]["messageParts"] == 1


def test_it_fails_one_recipient_as_scripted(fake):
    fake.script_recipient("+254700000002", 406)

    body = raw_post(
        fake.base_url + "/messaging", {"to": "+254700000001,+254700000002", "message": "x"}, {"apiKey": "k"}
    )[2]

    codes = [(r["statusCode"], r["status"]) for r in json.loads(body)["SMSMessageData"]["Recipients"]]
    assert codes == [(101, "Success"), (406, "UserInBlacklist")]
    assert [m.number for m in fake.messages] == ["+254700000001"]


def test_it_fails_whole_requests_as_many_times_as_scripted(fake):
    fake.fail_requests(429, times=2)
    fields = {"to": "+254700000001", "message": "x"}

    statuses = [raw_post(fake.base_url + "/messaging", fields, {"apiKey": "k"})[0] for _ in range(3)]

    assert statuses == [429, 429, 201]


def test_it_counts_duplicates_by_text(fake):
    for text in ("a", "b", "a"):
        raw_post(fake.base_url + "/messaging", {"to": "+254700000001", "message": text}, {"apiKey": "k"})

    assert fake.duplicates() == {"a": 2}


def test_other_processes_can_script_and_read_it(fake):
    base = f"http://127.0.0.1:{fake.port}"
    raw_post(base + "/_fake/fail", {"status": "500", "times": "1"})
    raw_post(fake.base_url + "/messaging", {"to": "+254700000001", "message": "a"}, {"apiKey": "k"})
    raw_post(fake.base_url + "/messaging", {"to": "+254700000001", "message": "b"}, {"apiKey": "k"})

    with urllib.request.urlopen(base + "/_fake/messages", timeout=5) as response:
        payload = json.loads(response.read())

    assert [row[1] for row in payload["messages"]] == ["b"]
    assert payload["requests"] == {"500": 1, "201": 1}


def test_it_refuses_to_call_anything_but_loopback(fake):
    with pytest.raises(ValueError, match="loopback"):
        fake.post_inbound("http://example.org/sms/at/x", "+254700000001", "hi")


def test_it_posts_inbound_messages_and_delivery_reports_to_our_site(transactional_db, live_server, fake_at, settings):
    settings.AT_CALLBACK_TOKEN = "live-callback-token-0123456789"
    callbacks = f"{live_server.url}/sms/at/live-callback-token-0123456789"

    assert fake_at.post_inbound(callbacks, "+254722000111", "HELP", message_id="ATXin_live") == 200
    reply = OutboundMessage.objects.get(dedupe_key="sms-reply:ATXin_live")
    send_message(reply.pk)
    reply.refresh_from_db()
    assert fake_at.post_delivery_report(callbacks, reply.provider_message_id, "Success") == 200

    reply.refresh_from_db()
    assert InboundMessage.objects.get().text == "HELP"
    assert reply.status == OutboundMessage.Status.DELIVERED
    assert DeliveryReport.objects.get().message == reply
    assert fake_at.post_inbound(callbacks.replace("live-callback", "wrong-callback"), "+254722000111", "HI") == 404


def test_it_runs_by_hand_from_the_command_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.fake_at", "--port", str(port), "--api-key", "hand"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        assert f"127.0.0.1:{port}/version1" in banner
        service = SMSService("sandbox", "hand")
        service._baseUrl = f"http://127.0.0.1:{port}/version1"
        answer = service.send("by hand", ["+254700000001"])
        assert answer["SMSMessageData"]["Recipients"][0]["status"] == "Success"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_it_reports_delivery_of_every_message_it_accepts(transactional_db, live_server, settings):
    settings.AT_CALLBACK_TOKEN = "live-callback-token-0123456789"
    callbacks = f"{live_server.url}/sms/at/live-callback-token-0123456789"
    with FakeAfricasTalking(api_key="k", delivery_reports_to=callbacks) as fake:
        settings.SMS_BACKEND = "africastalking"
        settings.AT_API_KEY = "k"
        settings.AT_API_BASE_URL = fake.base_url
        with mock.patch("sms.tasks.send_message.apply_async"):
            message = enqueue("+254712345678", "sign_in_code", "en", {"code": "123456"})
        send_message(message.pk)

        deadline = time.monotonic() + 10
        while not DeliveryReport.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    message.refresh_from_db()
    assert fake.reports_posted == {200: 1}
    assert message.status == OutboundMessage.Status.DELIVERED
