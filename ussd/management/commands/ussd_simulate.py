"""``manage.py ussd_simulate --phone +254…``: the USSD journey in a terminal, one input per line."""

from __future__ import annotations

import secrets
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from ussd.dev_views import next_text
from ussd.hop import Hop, answer_hop


class Command(BaseCommand):
    help = "Dial the USSD service from a terminal: each line read from stdin is the next input."

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="The caller's number, e.g. +254712345678.")
        parser.add_argument("--session", default="", help="Session id (a fresh one by default).")
        parser.add_argument("--service-code", default="", help="Service code (USSD_SERVICE_CODE by default).")

    def handle(self, *args, phone: str, session: str, service_code: str, **options):
        session_id = session or "CLI" + secrets.token_hex(8)
        code = service_code or settings.USSD_SERVICE_CODE
        text, value, started = "", "", False
        while True:
            text = next_text(text, value, started=started) if started else ""
            reply = answer_hop(
                Hop(session_id=session_id, service_code=code, phone_number=phone, network_code="99999", text=text)
            )
            self.stdout.write(reply[4:])
            if reply.startswith("END"):
                return
            self.stdout.write("> ", ending="")
            self.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                self.stdout.write("")
                return
            value, started = line.rstrip("\r\n"), True
