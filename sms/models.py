"""SMS rows: every message out is a row first (the outbox); every message in is kept once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encryption.fields import EncryptedTextField


class OutboundMessage(models.Model):
    """One SMS to one recipient, rendered in their language, sent after its transaction commits."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        # The provider may have taken it (timeout after sending, unreadable answer): a delivery
        # report settles it; see ``sms.delivery``.
        UNCONFIRMED = "unconfirmed", _("Sent, not confirmed")
        EXPIRED = "expired", _("Expired before it could be sent")

    to = models.CharField(max_length=16, db_index=True)
    template = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    body = models.TextField()
    # A secret body (sign-in code) is wiped once it will not be sent again; template and status stay.
    body_redacted = models.BooleanField(default=False)
    encoding = models.CharField(max_length=6)
    parts = models.PositiveSmallIntegerField()
    essential = models.BooleanField(default=True)
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Pending: when to send. Unconfirmed: when the wait for a delivery report ends. Otherwise none.
    next_attempt_at = models.DateTimeField(db_index=True, null=True, blank=True)
    # Worthless after this moment (sign-in codes): it expires instead of being sent late.
    expires_at = models.DateTimeField(null=True, blank=True)
    # How many times an unconfirmed send was sent again (at most once, and only when harmless).
    resends = models.PositiveSmallIntegerField(default=0)
    # A supervisor re-sent a failed message from the back-office: the new row points to the old one.
    resent_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resent_as")
    # Set when a sender claims the message, just before it calls the gateway; a claim left behind by
    # a sender that died is reconciled by the relay (see ``sms.delivery``).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    provider_message_id = models.CharField(max_length=80, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=20, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        permissions = [("resend_outboundmessage", "Can re-send a failed SMS")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.status})"


class InboundMessage(models.Model):
    """An SMS a person sent us, kept once per Africa's Talking ``id``; its text is encrypted at rest."""

    provider_id = models.CharField(max_length=80, unique=True)
    sender = models.CharField(max_length=16, db_index=True)
    to = models.CharField(max_length=20, blank=True)
    text = EncryptedTextField(blank=True)
    link_id = models.CharField(max_length=80, blank=True)
    network_code = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    command = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-received_at"]


class DeliveryReport(models.Model):
    """A delivery report from the provider, kept once per ``(id, status)``."""

    provider_message_id = models.CharField(max_length=80)
    status = models.CharField(max_length=20)
    failure_reason = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    message = models.ForeignKey(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider_message_id", "status"], name="one_report_per_status")]
        indexes = [models.Index(fields=["phone", "received_at"], name="report_phone_received")]
