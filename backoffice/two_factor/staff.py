"""Staff two-factor sign-in for ``/admin/``: TOTP for everyone, backup codes, 15 idle minutes.

After the password (Wagtail's own sign-in page), a member of staff whose session has not been
verified by an authenticator app or a backup code reaches nothing in ``/admin/`` but the
verification page — or, with no authenticator yet, the enrolment page: with a one-time link an
administrator issued (``enrolment``), it shows a QR code (an SVG drawn on the server) and, once the
first code is right, ten backup codes shown once; without one, it says to ask for a link.
Staff sessions idle for ``STAFF_IDLE_MINUTES`` are signed out.
"""

from __future__ import annotations

import base64
import math
import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

LAST_SEEN_KEY = "staff_last_seen"
TOUCH_EVERY_SECONDS = 60
BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

# Admin pages a signed-in member of staff reaches before the second factor.
OPEN_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        # The admin's icon sprite and translations hold nothing personal; the sign-in pages load them.
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "lango_2fa_verify",
        "lango_2fa_enrol",
        "lango_2fa_enrol_link",
    }
)


def is_staff_user(user) -> bool:
    """Tell whether ``user`` may use the admin (and so must use a second factor there)."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def is_verified_staff(user) -> bool:
    """Tell whether this session was verified by an authenticator app or a backup code."""
    device = getattr(user, "otp_device", None)
    return bool(user.is_verified()) and isinstance(device, TOTPDevice | StaticDevice)


def has_authenticator(user) -> bool:
    """Tell whether ``user`` finished enrolling an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def safe_next(request, default: str) -> str:
    """The ``next`` URL of the request when it stays on this site, else ``default``.

    Every ``next`` a back-office view redirects to goes through here: ``https://evil.example/``,
    ``//evil.example``, ``/\\evil.example`` and ``javascript:`` all give ``default``.
    """
    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class StaffTwoFactorMiddleware:
    """Keep unverified staff out of ``/admin/`` and sign out staff sessions left idle.

    Sits right after django-otp's ``OTPMiddleware`` (which tells whether the session is verified).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        in_admin = self._in_admin(request)
        # Outside the admin only sessions already marked as staff are looked at (no cost for citizens).
        if user is None or not (in_admin or LAST_SEEN_KEY in request.session) or not is_staff_user(user):
            return self.get_response(request)
        if self._idle_too_long(request):
            logout(request)
            if in_admin:
                return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.get_full_path()})}")
            return self.get_response(request)
        self._touch(request)
        if in_admin and not self._open_page(request) and not is_verified_staff(user):
            page = "lango_2fa_verify" if has_authenticator(user) else "lango_2fa_enrol"
            return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _in_admin(request) -> bool:
        return request.path_info.startswith(reverse("wagtailadmin_home"))

    @staticmethod
    def _open_page(request) -> bool:
        try:
            return resolve(request.path_info).url_name in OPEN_URL_NAMES
        except Resolver404:
            return False

    @staticmethod
    def _idle_too_long(request) -> bool:
        last_seen = request.session.get(LAST_SEEN_KEY)
        return last_seen is not None and time.time() - last_seen > settings.STAFF_IDLE_MINUTES * 60

    @staticmethod
    def _touch(request) -> None:
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
            request.session[LAST_SEEN_KEY] = now
            request.session.set_expiry(settings.STAFF_IDLE_MINUTES * 60)


def secret_for_display(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(text: str) -> str:
    """An SVG QR code of ``text``, drawn on the server (no JavaScript, no external service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def confirm_authenticator(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm an enrolling authenticator with its first code; return the new backup codes, or ``None``.

    On success the session is verified with the authenticator and ten fresh backup codes replace
    any old ones; they are returned once and never shown again.
    """
    token = "".join((token or "").split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_backup_codes(device.user)
    request.session.cycle_key()
    otp_login(request, device)
    return codes


def replace_backup_codes(user) -> list[str]:
    """Give ``user`` ten new single-use backup codes (the old ones stop working)."""
    backup, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    backup.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


def verify_second_factor(request, token: str) -> bool:
    """Check a code from the authenticator app or a backup code; verify the session when right.

    Devices throttle wrong codes themselves (each failure doubles the wait).
    """
    token = "".join((token or "").split()).lower()
    if not token:
        return False
    user = request.user
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update(),
            *StaticDevice.objects.filter(user=user, confirmed=True).select_for_update(),
        ]
        matched = next((device for device in devices if device.verify_token(token)), None)
    if matched is None:
        return False
    request.session.cycle_key()
    otp_login(request, matched)
    return True


def seconds_locked(user, now=None) -> int:
    """How many more seconds the user's devices refuse every code, right ones too, after wrong ones (0 if none).

    django-otp doubles the wait after each wrong code; while it lasts, even the right code is refused.
    """
    now = now or timezone.now()
    waits = [0]
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                waits.append(math.ceil((data["locked_until"] - now).total_seconds()))
    return max(waits)


def ensure_demo_totp(user) -> str:
    """Give a demo user a confirmed authenticator (once) and return its ``otpauth://`` set-up URI."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return device.config_url
