"""``manage.py seed_demo``: areas, programmes, pages in every language and one staff user per role.

Running it again changes nothing: existing users keep their passwords. New users get a random
password, printed only when DEBUG is on; otherwise it must be reset before use. In development,
``--reset-passwords`` gives every demo user a new password and prints it with the authenticator set-up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page

from backoffice import roles
from backoffice.two_factor.staff import ensure_demo_totp
from demo.areas_and_programmes import create_areas, create_programmes
from demo.pages import create_site
from grievances.public_stats import make_snapshot
from registry.models import AdminArea, Programme

ROLE_USERNAMES: dict[str, str] = {
    roles.GRIEVANCE_OFFICER: "grievance",
    roles.SUPERVISOR: "supervisor",
    roles.SENSITIVE_CASE_OFFICER: "sensitive",
    roles.PROGRAMME_OFFICER: "programme",
    roles.CALL_CENTRE_AGENT: "callcentre",
    roles.CONTENT_EDITOR: "editor",
    roles.ME_VIEWER: "me",
}
ADMIN_USERNAME = "admin"
EMAIL_DOMAIN = "lango.example"


def generate_password() -> str:
    """Return a new random password strong enough for any password validator."""
    return secrets.token_urlsafe(18)


def username_for(role: str) -> str:
    """Return the demo username of ``role`` (a lower-case, letters-only form for roles added later)."""
    return ROLE_USERNAMES.get(role) or "".join(ch for ch in role.lower() if ch.isalnum())


@dataclass(frozen=True)
class SeededUser:
    """One demo user: its role, and its new password when this run created it."""

    username: str
    role: str
    created: bool
    password: str = ""
    totp_uri: str = ""


def ensure_staff_user(username: str, role: str) -> SeededUser:
    """Create a staff user in ``role``'s group unless ``username`` exists; never touch an existing user."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return SeededUser(username, role, created=False)
    try:
        group = Group.objects.get(name=role)
    except Group.DoesNotExist as error:
        raise CommandError(f"The group {role!r} is missing: run `manage.py migrate` first.") from error
    password = generate_password()
    user = User.objects.create_user(
        username,
        email=f"{username}@{EMAIL_DOMAIN}",
        password=password,
        first_name="Demo",
        last_name=role,
        is_staff=True,
    )
    user.groups.add(group)
    if role == roles.PROGRAMME_OFFICER:
        for programme in Programme.objects.all():
            programme.officers.add(user)
    return SeededUser(username, role, created=True, password=password, totp_uri=_demo_totp(user))


def ensure_superuser(username: str) -> SeededUser:
    """Create a superuser unless ``username`` exists; never touch an existing user."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return SeededUser(username, "superuser", created=False)
    password = generate_password()
    user = User.objects.create_superuser(username, email=f"{username}@{EMAIL_DOMAIN}", password=password)
    return SeededUser(username, "superuser", created=True, password=password, totp_uri=_demo_totp(user))


def reset_password(username: str, role: str) -> SeededUser:
    """Give the existing demo user ``username`` a new random password; return it with the authenticator set-up."""
    user = get_user_model().objects.get(username=username)
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    return SeededUser(username, role, created=False, password=password, totp_uri=_demo_totp(user))


def _demo_totp(user) -> str:
    """In development, give a new demo user an authenticator so the printed set-up works at once."""
    return ensure_demo_totp(user) if settings.DEBUG else ""


class Command(BaseCommand):
    help = "Create demo areas, programmes, pages in every language and one staff user per role (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Development only (DEBUG on): give every existing demo user a new password and print it.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options) -> None:
        if reset_passwords and not settings.DEBUG:
            raise CommandError(
                "--reset-passwords prints passwords, so it works only with DEBUG on; "
                "elsewhere use `manage.py changepassword USERNAME`."
            )
        with transaction.atomic():
            create_areas()
            programmes = create_programmes()
            create_site()
            users = [ensure_staff_user(username_for(role), role) for role in roles.ROLE_PERMISSIONS]
            users.append(ensure_superuser(ADMIN_USERNAME))
            if reset_passwords:
                users = [reset_password(user.username, user.role) if not user.created else user for user in users]
        # The public statistics page shows the newest snapshot; make today's rather than wait for the night.
        make_snapshot()

        self.stdout.write("Staff users:")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role:<24} {self._describe(user)}")
        self._summary(len(programmes), users)

    def _describe(self, user: SeededUser) -> str:
        if not user.created and user.password:
            return f"new password: {user.password}\n{'':<38}authenticator set-up: {user.totp_uri}"
        if not user.created:
            return "exists (`seed_demo --reset-passwords` gives it a new password)"
        if settings.DEBUG:
            return f"created, password: {user.password}\n{'':<38}authenticator set-up: {user.totp_uri}"
        return f"created with a random password: reset it with `manage.py changepassword {user.username}`"

    def _summary(self, programme_count: int, users: list[SeededUser]) -> None:
        regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).count()
        districts = AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).count()
        pages = ", ".join(
            f"{code} {Page.objects.filter(depth__gte=2, locale__language_code=code).count()}"
            for code, _name in settings.LANGUAGES
        )
        created = sum(user.created for user in users)
        self.stdout.write(f"Areas: {regions} regions, {districts} districts")
        self.stdout.write(f"Programmes: {programme_count}")
        self.stdout.write(f"Pages: {pages}")
        self.stdout.write(f"Users: {len(users)} ({created} created, {len(users) - created} already there)")
        if not settings.DEBUG and created:
            self.stdout.write("Passwords were set but not shown (DEBUG is off): reset them before signing in.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Staff sign in at /admin/."))
