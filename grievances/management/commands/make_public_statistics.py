"""``manage.py make_public_statistics``: work out today's public statistics now, as beat does each night."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from grievances.public_stats import make_snapshot


class Command(BaseCommand):
    help = "Work out today's public statistics snapshot (replacing today's if there is one)."

    def handle(self, *args, **options) -> None:
        result = make_snapshot()
        if result.skipped:
            self.stdout.write("Another run is working out the statistics; nothing done.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Public statistics made for {result.made_on}."))
