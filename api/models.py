"""Partner systems, their subscriptions, the DCI transactions they started and the callbacks we owe them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from api.scopes import SCOPES


class Partner(models.Model):
    """A system of the national social protection system that may use Lango's API.

    It signs in with OAuth 2.0 client credentials (its ``application``); ``scopes`` say what it may
    do and ``programmes`` for which programmes. With a ``public_key`` every request it sends must
    carry a valid DCI signature.
    """

    class Kind(models.TextChoices):
        PROGRAMME_MIS = "programme_mis", _("Programme management system")
        SOCIAL_REGISTRY = "social_registry", _("Social registry")
        PAYMENT_SYSTEM = "payment_system", _("Payment system")
        MONITORING = "monitoring", _("Monitoring and evaluation")

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Its DCI sender id."))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="partner",
        null=True,
        blank=True,
        editable=False,
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True, help_text=_("What it may do."))
    every_programme = models.BooleanField(
        _("every programme"), default=False, help_text=_("Sees and acts on the applications to every programme.")
    )
    programmes = models.ManyToManyField(
        "registry.Programme",
        blank=True,
        related_name="+",
        verbose_name=_("programmes"),
        help_text=_("The programmes whose applications it sees and acts on."),
    )
    public_key = models.TextField(
        _("signing public key"),
        blank=True,
        help_text=_("Ed25519, as PEM or base64 of the 32 raw bytes. With a key, unsigned requests are refused."),
    )
    callback_base_url = models.URLField(
        _("callback address"),
        blank=True,
        help_text=_("Callbacks and notifications are sent only to addresses that start with this."),
    )
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        """Tell whether the partner may use ``scope``."""
        return scope in SCOPES and scope in (self.scopes or [])

    def programme_codes(self) -> frozenset[str] | None:
        """The codes of the programmes it acts on, or ``None`` for every programme."""
        if self.every_programme:
            return None
        return frozenset(self.programmes.values_list("code", flat=True))


class Subscription(models.Model):
    """A partner's wish to be told of REGISTER or UPDATE events (DCI subscribe)."""

    class Status(models.TextChoices):
        ACTIVE = "subscribe", _("Active")
        ENDED = "unsubscribe", _("Ended")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="subscriptions")
    code = models.CharField(max_length=99, unique=True)
    event_type = models.CharField(max_length=10)
    filter = models.JSONField(default=dict, blank=True)
    notify_uri = models.URLField(max_length=500)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # The last registry event looked at for this subscription: notifications go out in order, once.
    cursor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class DciTransaction(models.Model):
    """A DCI request a partner sent, kept for its idempotency and for ``txn/status``."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="transactions")
    message_id = models.CharField(max_length=99)
    transaction_id = models.CharField(max_length=99)
    action = models.CharField(max_length=20)
    correlation_id = models.CharField(max_length=99, unique=True)
    status = models.CharField(max_length=4, default="rcvd")
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "message_id"], name="one_transaction_per_message")]
        indexes = [models.Index(fields=["partner", "transaction_id"], name="dci_txn_lookup")]


class OutboundCallback(models.Model):
    """A message we owe a partner (an async answer or a notification), sent after commit and retried.

    ``message_id`` is the DCI message id the partner sees: a retry sends the same one, so the
    partner can tell a repeat from a new message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="callbacks")
    url = models.URLField(max_length=500)
    body = models.JSONField()
    message_id = models.CharField(max_length=99, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="callback_due")]
