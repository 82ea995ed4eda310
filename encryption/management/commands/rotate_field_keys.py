"""``manage.py rotate_field_keys``: re-encrypt every encrypted column under the current key."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from encryption import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the first key of FIELD_ENCRYPTION_KEYS, in batches. "
        "With --check, only count the values not yet under it (and exit 1 if there are any): when the "
        "check passes, the old keys can be removed from FIELD_ENCRYPTION_KEYS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument("--check", action="store_true", help="Report values not under the current key.")

    def handle(self, *args, batch_size: int, check: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if check:
            stale = rotation.not_under_current_key(batch_size=batch_size)
            for column, number in stale.items():
                if number:
                    self.stdout.write(f"{column}: {number} not under the current key")
            total = sum(stale.values())
            if total:
                raise CommandError(f"{total} values are not under the current key: run rotate_field_keys.")
            self.stdout.write(self.style.SUCCESS("Every encrypted value is under the current key."))
            return
        started = time.monotonic()

        def progress(table, rows: int) -> None:
            self.stdout.write(f"{table.label}: {rows} rows re-encrypted")

        done = rotation.rotate(batch_size=batch_size, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{sum(done.values())} rows re-encrypted in {seconds:.1f} s; now run with --check.")
        )
