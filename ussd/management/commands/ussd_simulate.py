"""``manage.py ussd_simulate --phone +254…``: the USSD journey in a terminal, one input per line.

Only the phone's screen is printed: while the simulator runs, log records go to ``--log FILE`` (or
nowhere), never between the screens. When the session ends, or the input runs out (hanging up), the
simulator sends the end-of-session event Africa's Talking would send, so the USSD funnel counts it.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sys
from collections.abc import Iterator

from django.conf import settings
from django.core.management.base import BaseCommand

from ussd.dev_views import NETWORK_CODE, end_session, next_text
from ussd.hop import Hop, answer_hop


@contextlib.contextmanager
def logs_kept_off_the_screen(path: str) -> Iterator[None]:
    """Take the root logger's handlers away for the duration (sending records to ``path`` if given)."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = []
    if path:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    else:
        root.addHandler(logging.NullHandler())
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers = saved


class Command(BaseCommand):
    help = "Dial the USSD service from a terminal: each line read from stdin is the next input."

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="The caller's number, e.g. +254712345678.")
        parser.add_argument("--session", default="", help="Session id (a fresh one by default).")
        parser.add_argument("--service-code", default="", help="Service code (USSD_SERVICE_CODE by default).")
        parser.add_argument("--log", default="", help="Write log records to this file (by default they are dropped).")

    def handle(self, *args, phone: str, session: str, service_code: str, log: str = "", **options):
        session_id = session or "CLI" + secrets.token_hex(8)
        with logs_kept_off_the_screen(log):
            completed = False
            try:
                completed = self._dial(session_id, service_code or settings.USSD_SERVICE_CODE, phone)
            except KeyboardInterrupt:
                self.stdout.write("")
            finally:
                end_session(session_id, completed=completed)

    def _dial(self, session_id: str, code: str, phone: str) -> bool:
        """Run the session; true when the service ended it, false when the input ran out."""
        text, value, started = "", "", False
        while True:
            text = next_text(text, value, started=started) if started else ""
            reply = answer_hop(
                Hop(session_id=session_id, service_code=code, phone_number=phone, network_code=NETWORK_CODE, text=text)
            )
            self.stdout.write(reply[4:])
            if reply.startswith("END"):
                return True
            self.stdout.write("> ", ending="")
            self.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                self.stdout.write("")
                return False
            value, started = line.rstrip("\r\n"), True
