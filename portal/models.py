"""Citizen portal data: the phone a citizen signs in with, and their unfinished application.

``PhoneDevice`` is a django-otp device of our own: a 6-digit code goes out by SMS and only a salted,
keyed hash of it is kept. The rules about how often codes may be sent and tried live here, next to
the counters they read, and are driven by ``portal.signin``.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from encryption.fields import EncryptedJSONField
from sms.templates import SIGN_IN_CODE_LIFETIME

CODE_DIGITS = 6
# A code works as long as its SMS may still be delivered: one lifetime for both, which the texts state.
CODE_VALID_SECONDS = int(SIGN_IN_CODE_LIFETIME.total_seconds())
MAX_WRONG_TRIES_PER_CODE = 5
SECONDS_BETWEEN_SENDS = 60
MAX_SENDS_PER_WINDOW = 3
SEND_WINDOW_SECONDS = 15 * 60
MAX_SENDS_PER_DAY = 10
MAX_CONSECUTIVE_FAILURES = 10
# A phone is never locked longer than this, whoever typed the wrong codes (issue 13, point 4).
LOCK_SECONDS = 15 * 60
DAY_SECONDS = 24 * 60 * 60


class SendRefusal(enum.Enum):
    """Why no new code may be sent now."""

    LOCKED = "locked"
    TOO_SOON = "too_soon"
    TOO_MANY_RECENTLY = "too_many_recently"
    TOO_MANY_TODAY = "too_many_today"


class VerifyRefusal(enum.Enum):
    """Why a code was not accepted."""

    LOCKED = "locked"
    NO_CODE = "no_code"
    EXPIRED = "expired"
    WRONG = "wrong"


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of one try: accepted, or refused with a reason and the moment a lock ends."""

    accepted: bool
    refusal: VerifyRefusal | None = None
    locked_until: datetime | None = None


def _code_key() -> bytes:
    return hashlib.sha256(("sign-in-code:" + settings.SECRET_KEY).encode()).digest()


def hash_code(code: str, salt: str | None = None) -> str:
    """Return ``salt$digest`` for ``code``: a fresh random salt, keyed with the secret key."""
    salt = salt or secrets.token_hex(8)
    digest = hmac.new(_code_key(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()
    return f"{salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    """Compare ``code`` with a stored ``salt$digest`` in constant time."""
    if not stored or "$" not in stored:
        return False
    salt, _digest = stored.split("$", 1)
    return hmac.compare_digest(hash_code(code, salt), stored)


def new_code() -> str:
    """Return a fresh random 6-digit code."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class PhoneDevice(Device):
    """A citizen's phone, able to receive sign-in codes by SMS.

    Keeps the hash of the current code (never the code), when it expires and how many wrong tries
    it had; the times codes were sent in the last day; and the run of wrong codes that locks the
    phone for 15 minutes. A try while no code is outstanding is no guess at anything: it counts
    against the address it came from (``portal.limits``), never against the phone.

    ``user`` stays empty until a code sent to the phone is typed back: a number someone merely tried
    creates no account (``portal.signin``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="The citizen this phone signs in, once a code sent to it was typed back.",
    )
    phone = models.CharField(_("phone"), max_length=16, unique=True)
    code_hash = models.CharField(max_length=100, blank=True, editable=False)
    code_valid_until = models.DateTimeField(null=True, blank=True)
    code_wrong_tries = models.PositiveSmallIntegerField(default=0)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.JSONField(default=list, help_text="Unix times of the codes sent in the last day.")
    holder_sent_at = models.JSONField(
        default=list,
        help_text="Unix times of the codes sent in the last day to a browser that signed in with this phone before.",
    )

    class Meta:
        verbose_name = _("citizen phone")
        verbose_name_plural = _("citizen phones")

    def __str__(self) -> str:
        return self.phone

    # --- Sending ----------------------------------------------------------------------------

    def send_refusal(self, now: datetime | None = None, *, known_holder: bool = False) -> SendRefusal | None:
        """Return why a new code may not be sent now, or ``None`` when it may.

        A browser that signed in with this phone before (``known_holder``) has a budget of its own:
        strangers who spend the phone's codes for the day do not keep its owner out until tomorrow.
        """
        now = now or timezone.now()
        if self.is_locked(now):
            return SendRefusal.LOCKED
        stamp = now.timestamp()
        recent = [t for t in self._sends(known_holder) if stamp - t < DAY_SECONDS]
        if recent and stamp - max(recent) < SECONDS_BETWEEN_SENDS:
            return SendRefusal.TOO_SOON
        if len([t for t in recent if stamp - t < SEND_WINDOW_SECONDS]) >= MAX_SENDS_PER_WINDOW:
            return SendRefusal.TOO_MANY_RECENTLY
        if len(recent) >= MAX_SENDS_PER_DAY:
            return SendRefusal.TOO_MANY_TODAY
        return None

    def generate_is_allowed(self):
        """django-otp's question: may a challenge be generated now?"""
        refusal = self.send_refusal()
        return (True, None) if refusal is None else (False, {"reason": refusal})

    def _sends(self, known_holder: bool) -> list[float]:
        return self.holder_sent_at if known_holder else self.sent_at

    def issue_code(self, now: datetime | None = None, *, known_holder: bool = False) -> str:
        """Make a new code (replacing any earlier one), record the send and return the code to deliver.

        The caller has checked ``send_refusal`` under a row lock and saves nothing else: this saves.
        """
        now = now or timezone.now()
        code = new_code()
        stamp = now.timestamp()
        self.code_hash = hash_code(code)
        self.code_valid_until = now + timedelta(seconds=CODE_VALID_SECONDS)
        self.code_wrong_tries = 0
        sends = [t for t in self._sends(known_holder) if stamp - t < DAY_SECONDS] + [stamp]
        if known_holder:
            self.holder_sent_at = sends
        else:
            self.sent_at = sends
        self.save()
        return code

    # --- Verifying --------------------------------------------------------------------------

    def is_locked(self, now: datetime | None = None) -> bool:
        """Tell whether too many failed tries have locked this phone."""
        return self.locked_until is not None and (now or timezone.now()) < self.locked_until

    def verify_is_allowed(self):
        """django-otp's question: may a token be verified now?"""
        if self.is_locked():
            return False, {"reason": VerifyRefusal.LOCKED, "locked_until": self.locked_until}
        return True, None

    def verify_token(self, token) -> bool:
        """django-otp's entry point: check ``token`` and consume it on success."""
        return self.check_code(str(token or "")).accepted

    def check_code(self, code: str, now: datetime | None = None) -> VerifyResult:
        """Try ``code``: accept it once, within its lifetime; count every wrong code; save.

        Five wrong tries end the current code; ten wrong codes in a row lock the phone for 15
        minutes. Without an outstanding code (none sent, used, ended or expired) nothing is counted
        here: there is nothing to guess.
        """
        now = now or timezone.now()
        if self.is_locked(now):
            return VerifyResult(False, VerifyRefusal.LOCKED, self.locked_until)
        code = "".join(ch for ch in code if not ch.isspace())
        if not self.code_hash:
            return VerifyResult(False, VerifyRefusal.NO_CODE)
        if self.code_valid_until is None or now >= self.code_valid_until:
            self._end_code()
            self.save()
            return VerifyResult(False, VerifyRefusal.EXPIRED)
        if code_matches(code, self.code_hash):
            self._end_code()
            self.consecutive_failures = 0
            self.locked_until = None
            self.save()
            return VerifyResult(True)
        refusal = VerifyRefusal.WRONG
        self.code_wrong_tries += 1
        if self.code_wrong_tries >= MAX_WRONG_TRIES_PER_CODE:
            self._end_code()
        self.consecutive_failures += 1
        if self.consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
            self.locked_until = now + timedelta(seconds=LOCK_SECONDS)
            self.consecutive_failures = 0
            self._end_code()
            refusal = VerifyRefusal.LOCKED
        self.save()
        return VerifyResult(False, refusal, self.locked_until if refusal is VerifyRefusal.LOCKED else None)

    def _end_code(self) -> None:
        self.code_hash = ""
        self.code_valid_until = None
        self.code_wrong_tries = 0


class ApplicationDraft(models.Model):
    """A signed-in citizen's unfinished application, so they can leave and come back to it (encrypted at rest)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_draft")
    data = EncryptedJSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self) -> str:
        return str(self.user)
