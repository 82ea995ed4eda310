"""The phone simulators: a page at /dev/ussd/ that needs no JavaScript, and ``manage.py ussd_simulate``."""

from __future__ import annotations

import importlib
import io
import re
import sys
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import clear_url_caches

from registry.models import Application
from ussd.testing import CALL_ME_BACK

pytestmark = pytest.mark.django_db

SIMULATOR = "/dev/ussd/"


def reload_urls() -> None:
    import portal.urls

    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def debug(settings):
    """DEBUG on, with the URLs it mounts (pytest-django runs tests with DEBUG off)."""
    settings.DEBUG = True
    reload_urls()
    yield
    settings.DEBUG = False
    reload_urls()


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, name
    return unescape(match.group(1))


def screen(html: str) -> str:
    return unescape(re.search(r'<pre class="ussd-screen"[^>]*>(.*?)</pre>', html, re.S).group(1))


def test_the_simulator_page_walks_a_journey_with_plain_forms(client, programmes, debug):
    page = client.get(SIMULATOR).content.decode()
    assert "<form" in page and 'name="dial"' in page and "<script" not in page

    html = client.post(SIMULATOR, {"phone": "+254712345678", "dial": "1"}).content.decode()
    assert "English" in screen(html)
    session_id, text = hidden(html, "session_id"), hidden(html, "text")
    assert session_id and text == ""

    call_back = f"1*{CALL_ME_BACK}"  # English, then "Call me back" on the main menu
    for value, expected_text in [("1", "1"), (CALL_ME_BACK, call_back), ("1", f"{call_back}*1")]:
        form = {"phone": "+254712345678", "session_id": session_id, "text": text, "input": value, "send": "1"}
        html = client.post(SIMULATOR, form).content.decode()
        if "The session has ended." in html:
            break
        assert hidden(html, "session_id") == session_id
        text = hidden(html, "text")
        assert text == expected_text
    assert "The session has ended." in html and "48" in screen(html)
    assert 'name="dial"' in html  # dial again


def test_the_simulator_shows_how_long_the_screen_is_in_its_encoding(client, programmes, debug):
    html = client.post(SIMULATOR, {"phone": "+254712345678", "dial": "1"}).content.decode()
    assert re.search(r"\d+ of 80 characters \(UCS-2\)", html)  # the language list includes Arabic


def test_the_simulator_exists_only_in_debug(client, settings):
    settings.DEBUG = False
    assert client.get(SIMULATOR).status_code == 404
    assert client.post(SIMULATOR, {"phone": "+254712345678", "dial": "1"}).status_code == 404


def test_the_terminal_simulator_reads_one_input_per_line(programmes, monkeypatch, areas):
    lines = ["1", "1", "Amina Wanjiru", "1950", "1", "0", "1", "1", "4", "2", "1", "0", "1", "1", "1", "7", "1", "1"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("ussd_simulate", "--phone", "+254712345678", stdout=out)
    printed = out.getvalue()
    assert "English" in printed and "Application sent" in printed
    assert Application.objects.get().applicant.phone == "+254712345678"


def test_the_terminal_simulator_stops_at_the_end_of_input(programmes, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    out = io.StringIO()
    call_command("ussd_simulate", "--phone", "+254712345678", stdout=out)
    assert "Apply" in out.getvalue()


def test_a_session_ended_by_the_service_in_the_terminal_is_counted_by_the_funnel(programmes, monkeypatch):
    from ussd.models import UssdSessionSummary

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"1\n{CALL_ME_BACK}\n1\n"))
    call_command("ussd_simulate", "--phone", "+254712345678", "--session", "CLIdone", stdout=io.StringIO())

    summary = UssdSessionSummary.objects.get(session_id="CLIdone")
    assert summary.status == "Success" and summary.completed and summary.journey == "callback"
    assert summary.language == "en" and summary.hops >= 3


def test_hanging_up_the_terminal_simulator_is_counted_as_giving_up(programmes, monkeypatch):
    from ussd.models import UssdSessionSummary

    monkeypatch.setattr(sys, "stdin", io.StringIO("3\n"))
    call_command("ussd_simulate", "--phone", "+254712345678", "--session", "CLIgone", stdout=io.StringIO())

    summary = UssdSessionSummary.objects.get(session_id="CLIgone")
    assert summary.status == "Incomplete" and not summary.completed
    assert summary.last_screen == "main" and summary.language == "sw"


def test_the_terminal_simulator_keeps_log_lines_off_the_phone_screen(programmes, monkeypatch, capsys, tmp_path):
    import logging

    from ussd.management.commands import ussd_simulate

    real_answer_hop = ussd_simulate.answer_hop

    def noisy_hop(hop):
        logging.getLogger("ussd.noise").warning("a log line that is not the screen")
        return real_answer_hop(hop)

    monkeypatch.setattr(ussd_simulate, "answer_hop", noisy_hop)
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    log = tmp_path / "ussd.log"
    out = io.StringIO()
    call_command("ussd_simulate", "--phone", "+254712345678", "--log", str(log), stdout=out)

    captured = capsys.readouterr()
    assert "a log line" not in out.getvalue() + captured.out + captured.err
    assert "a log line that is not the screen" in log.read_text()


def test_the_simulator_page_sends_the_end_of_session_event(client, programmes, debug):
    from ussd.models import UssdSessionSummary

    html = client.post(SIMULATOR, {"phone": "+254712345678", "dial": "1"}).content.decode()
    session_id, text = hidden(html, "session_id"), ""
    for value in ["1", CALL_ME_BACK, "1"]:
        form = {"phone": "+254712345678", "session_id": session_id, "text": text, "input": value, "send": "1"}
        html = client.post(SIMULATOR, form).content.decode()
        if "The session has ended." in html:
            break
        text = hidden(html, "text")
    assert UssdSessionSummary.objects.get(session_id=session_id).status == "Success"

    html = client.post(SIMULATOR, {"phone": "+254712345679", "dial": "1"}).content.decode()
    second = hidden(html, "session_id")
    form = {"phone": "+254712345679", "session_id": second, "text": "", "input": "2", "send": "1"}
    client.post(SIMULATOR, form)
    html = client.post(SIMULATOR, {"phone": "+254712345679", "session_id": second, "hang_up": "1"}).content.decode()
    assert "You hung up." in html and 'name="dial"' in html
    summary = UssdSessionSummary.objects.get(session_id=second)
    assert summary.status == "Incomplete" and summary.language == "fr" and not summary.completed


def test_the_simulator_page_writes_an_arabic_screen_right_to_left(client, programmes, debug):
    html = client.post(SIMULATOR, {"phone": "+254712345678", "dial": "1"}).content.decode()
    assert 'dir="ltr"' in html  # the language list, before a language is chosen
    session_id = hidden(html, "session_id")
    form = {"phone": "+254712345678", "session_id": session_id, "text": "", "input": "4", "send": "1"}
    html = client.post(SIMULATOR, form).content.decode()
    assert re.search(r'<pre class="ussd-screen" id="ussd-screen" dir="rtl"', html)
