"""``manage.py reapply_erasures``: after a database restore, anonymise again every record the erasure log names."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.anonymise import logged_anonymisations, reapply


class Command(BaseCommand):
    help = (
        "Anonymise again every record named in the erasure log (ERASURE_LOG_FILE and the "
        "Anonymisation table), as after restoring an older copy of the database. Safe to run twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", help="The erasure log to read (default: settings.ERASURE_LOG_FILE).")
        parser.add_argument("--dry-run", action="store_true", help="Only say how many entries the log holds.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"]) if options.get("file") else None
        if path is not None and not path.exists():
            raise CommandError(f"No erasure log at {path}.")
        entries = logged_anonymisations(path)
        if options["dry_run"]:
            self.stdout.write(f"{len(entries)} anonymisations in the log; nothing changed.")
            return
        found = reapply(entries)
        self.stdout.write(
            self.style.SUCCESS(f"{len(entries)} anonymisations in the log; {found} records anonymised again.")
        )
