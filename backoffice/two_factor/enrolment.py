"""First enrolment of an authenticator only through a link an administrator issues.

A password alone never enrols an authenticator: whoever learned a new colleague's password would
otherwise set up their own phone first. An administrator issues a one-time link for one member of
staff; it holds (signed) the account and the pending authenticator made for it, lasts
``ENROLMENT_LINK_HOURS`` and works once — confirming the authenticator ends it, and a newer link
replaces it. Issuing and using a link are both in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from grievances.audit import log_access
from grievances.models import AccessLog

ENROLMENT_LINK_HOURS = 72
SALT = "lango.staff-enrolment-link"
AUTHENTICATOR_NAME = "Authenticator app"
SESSION_KEY = "lango_enrolment_link"


@dataclass(frozen=True)
class EnrolmentLink:
    """A link just issued: its address (shown once to the administrator) and when it stops working."""

    url: str
    expires_in: timedelta


def staff_to_enrol() -> QuerySet:
    """Active staff accounts with no confirmed authenticator (those who need a link)."""
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__permissions__codename="access_admin"))
        .exclude(pk__in=enrolled)
        .distinct()
        .order_by("username")
    )


def staff_with_authenticator() -> QuerySet:
    """Active staff accounts whose authenticator is set up (whose phone may one day be lost)."""
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=enrolled).order_by("username")


class CannotReplaceOwnAuthenticator(Exception):
    """An administrator asked to replace their own authenticator: another administrator must."""


def replace_lost_authenticator(user, replaced_by, reason: str, *, base_url: str = "") -> EnrolmentLink:
    """Retire ``user``'s authenticator and backup codes (a lost or stolen phone) and issue a new link.

    Their sessions stop being verified at once (the devices they were verified with are gone), the
    old codes open nothing, and the reason is in the access log. Nobody replaces their own: whoever
    holds a colleague's password and a signed-in administrator's screen must not re-enrol alone.
    """
    if user.pk == getattr(replaced_by, "pk", None):
        raise CannotReplaceOwnAuthenticator
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log_access(replaced_by, AccessLog.Action.CHANGE, user, reason=f"authenticator replaced: {reason}"[:200])
        return issue_link(user, replaced_by, base_url=base_url)


def issue_link(user, issued_by, *, base_url: str = "") -> EnrolmentLink:
    """Make ``user`` a one-time enrolment link (an earlier one stops working) and log who issued it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        log_access(
            issued_by,
            AccessLog.Action.CHANGE,
            user,
            reason=f"authenticator enrolment link issued, valid {ENROLMENT_LINK_HOURS} h",
        )
    token = signing.dumps({"u": user.pk, "d": device.pk}, salt=SALT)
    path = reverse("lango_2fa_enrol_link", args=[token])
    return EnrolmentLink(url=(base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path, expires_in=_lifetime())


def _lifetime() -> timedelta:
    return timedelta(hours=ENROLMENT_LINK_HOURS)


def device_for_link(token: str, user) -> TOTPDevice | None:
    """The pending authenticator a link was issued for, when the link is ``user``'s, unused and not expired."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=_lifetime())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(pk=data.get("d"), user=user, confirmed=False).first()


def record_enrolment(user) -> None:
    """Log that ``user`` confirmed the authenticator of their link."""
    log_access(user, AccessLog.Action.CHANGE, user, reason="authenticator enrolled through a one-time link")
