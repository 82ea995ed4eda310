"""How USSD sessions ended: one summary row per session, for the funnel report.

No phone number is kept: the report needs where people stop, not who they are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import LANGUAGE_CHOICES


class UssdSessionSummary(models.Model):
    """A finished session: its status as Africa's Talking reports it and how far the person got."""

    session_id = models.CharField(max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    hops = models.PositiveIntegerField(_("hops"), default=0)
    last_screen = models.CharField(_("last screen"), max_length=40, blank=True)
    journey = models.CharField(_("journey"), max_length=40, blank=True)
    path = models.JSONField(_("screens reached"), default=list, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    network_code = models.CharField(_("network"), max_length=10, blank=True)
    error_message = models.CharField(_("error"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-ended_at"]
        verbose_name = _("USSD session")
        verbose_name_plural = _("USSD sessions")

    def __str__(self) -> str:
        return f"{self.session_id} ({self.status})"


class UssdSessionState(models.Model):
    """Where a USSD session is, between hops: the durable store that survives a Redis restart.

    ``data`` is the pickled ``ussd.session.SessionState``; a hop reads it under a row lock, so
    replayed hops of one session run one after the other. Rows past ``expires_at`` are ignored
    and deleted by the beat (``ussd.tasks.forget_expired_sessions``).
    """

    session_id = models.CharField(max_length=100, primary_key=True)
    data = models.BinaryField(default=b"")
    expires_at = models.DateTimeField(db_index=True)


class UssdDraft(models.Model):
    """An unfinished application a phone may resume from a later session, for a day."""

    phone = models.CharField(max_length=16, primary_key=True)
    data = models.BinaryField(default=b"")
    expires_at = models.DateTimeField(db_index=True)
