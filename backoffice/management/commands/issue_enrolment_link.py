"""Issue a one-time authenticator enrolment link for a member of staff (e.g. the first administrator)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from backoffice.two_factor import enrolment


class Command(BaseCommand):
    help = "Print a one-time link (valid 72 hours) with which USERNAME sets up their authenticator app."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--base-url", default="", help="The back-office's address (default WAGTAILADMIN_BASE_URL).")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {options['username']!r}.")
        if not enrolment.staff_to_enrol().filter(pk=user.pk).exists():
            raise CommandError("That account already has an authenticator app, or is not a staff account.")
        link = enrolment.issue_link(user, None, base_url=options["base_url"])
        self.stdout.write(link.url)
