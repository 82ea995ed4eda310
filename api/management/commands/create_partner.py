"""``manage.py create_partner``: register a partner system (or the demo programme MIS) and print its credentials.

The client secret is printed once; running again for the same code gives the partner a new secret
(the old one stops working). ``--print-env`` prints shell assignments for scripts (``make run-mis``).
"""

from __future__ import annotations

import shlex

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import Partner
from api.partners import give_credentials
from api.scopes import (
    ENROLMENT_READ,
    ENROLMENT_WRITE,
    PAYMENTS_WRITE,
    REGISTRY_SEARCH,
    REGISTRY_SUBSCRIBE,
    SCOPES,
)
from registry.models import Programme

DEMO_MIS = {
    "code": "demo-mis",
    "name": "Demo pension MIS",
    "kind": Partner.Kind.PROGRAMME_MIS,
    "scopes": [REGISTRY_SEARCH, REGISTRY_SUBSCRIBE, ENROLMENT_READ, ENROLMENT_WRITE, PAYMENTS_WRITE],
    "programmes": ["old-age-pension"],
    "callback_base_url": "http://127.0.0.1:8095/",
}


class Command(BaseCommand):
    help = "Register a partner system with its scopes and programmes, and print its OAuth client credentials."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--demo-mis", action="store_true", help="the demo pension MIS of tests/fakes/fake_mis.py")
        parser.add_argument("--code")
        parser.add_argument("--name")
        parser.add_argument("--kind", choices=Partner.Kind.values, default=Partner.Kind.PROGRAMME_MIS)
        parser.add_argument("--scope", action="append", choices=list(SCOPES), default=[])
        parser.add_argument("--programme", action="append", default=[], help="a programme code (repeat)")
        parser.add_argument("--every-programme", action="store_true")
        parser.add_argument("--callback-url", default="")
        parser.add_argument("--print-env", action="store_true", help="print LANGO_CLIENT_ID=… LANGO_CLIENT_SECRET=…")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        spec = (
            dict(DEMO_MIS)
            if options["demo_mis"]
            else {
                "code": options["code"],
                "name": options["name"] or options["code"],
                "kind": options["kind"],
                "scopes": options["scope"],
                "programmes": options["programme"],
                "callback_base_url": options["callback_url"],
            }
        )
        if not spec["code"]:
            raise CommandError("Give --code (and --scope …), or --demo-mis.")
        programmes = list(Programme.objects.filter(code__in=spec["programmes"]))
        if len(programmes) != len(set(spec["programmes"])):
            raise CommandError("Unknown programme code; run `manage.py seed_demo` for the demo programmes.")
        partner, _created = Partner.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "scopes": spec["scopes"],
                "every_programme": options["every_programme"],
                "callback_base_url": spec["callback_base_url"],
                "is_active": True,
            },
        )
        partner.programmes.set(programmes)
        credentials = give_credentials(partner)
        if options["print_env"]:
            self.stdout.write(f"LANGO_CLIENT_ID={shlex.quote(credentials.client_id)}")
            self.stdout.write(f"LANGO_CLIENT_SECRET={shlex.quote(credentials.client_secret)}")
            return
        self.stdout.write(f"Partner {partner.code} ({', '.join(partner.scopes)})")
        self.stdout.write(f"  client id:     {credentials.client_id}")
        self.stdout.write(f"  client secret: {credentials.client_secret}  (shown once)")
