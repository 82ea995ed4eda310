"""Grievances: complaints, appeals and feedback, their timeline, call-back requests and the access log.

State changes go through ``grievances.services``; these models only describe the data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encryption.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField, HashesInStep, KeyedHashField
from encryption.keys import keyed_hash
from registry.models import LANGUAGE_CHOICES, AdminArea, Channel, Person, ProgrammeApplication


class Category(models.TextChoices):
    """What a grievance is about. Labels are what the citizen sees, in their language."""

    PAYMENT_NOT_RECEIVED = "payment_not_received", _("Payment not received")
    WRONGLY_EXCLUDED = "wrongly_excluded", _("Wrongly left out")
    DECISION_APPEAL = "decision_appeal", _("Appeal of a decision")
    DATA_CORRECTION = "data_correction", _("My details are wrong")
    STAFF_MISCONDUCT = "staff_misconduct", _("Staff behaviour")
    FRAUD_CORRUPTION = "fraud_corruption", _("Fraud or bribes")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation or abuse")
    OTHER = "other", _("Something else")
    # Asked for from "My data" (web account) or by the call centre, not from the complaint forms.
    DATA_ERASURE = "data_erasure", _("Erase my data")


# Default days to resolve, per category (DESIGN §5); settings.GRIEVANCE_SLA_DAYS_OVERRIDES wins.
DEFAULT_SLA_DAYS: dict[str, int] = {
    Category.PAYMENT_NOT_RECEIVED: 7,
    Category.WRONGLY_EXCLUDED: 14,
    Category.DECISION_APPEAL: 14,
    Category.DATA_CORRECTION: 7,
    Category.STAFF_MISCONDUCT: 21,
    Category.FRAUD_CORRUPTION: 21,
    Category.SEXUAL_EXPLOITATION: 3,
    Category.OTHER: 14,
    Category.DATA_ERASURE: 30,
}

# Requests about a person's own data: decided with the "decide_data" action (grievances.workflow).
DATA_CATEGORIES = frozenset({Category.DATA_CORRECTION, Category.DATA_ERASURE})
# Categories offered on the complaint forms (web, USSD, call centre): an erasure has its own way in.
COMPLAINT_FORM_EXCLUDED = frozenset({Category.DATA_ERASURE})

# Seen only by staff cleared for them, and never named in an SMS.
SENSITIVE_CATEGORIES = frozenset({Category.STAFF_MISCONDUCT, Category.FRAUD_CORRUPTION, Category.SEXUAL_EXPLOITATION})

MAX_LEVEL = 3


class Grievance(HashesInStep):
    """A complaint, an appeal or feedback, from any channel; the complainant may be anonymous.

    What happened, the resolution and the contact phone are encrypted at rest (``encryption``);
    the phone is found through its keyed hash, ``contact_phone_hash``.
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        APPEAL = "appeal", _("Appeal")
        FEEDBACK = "feedback", _("Feedback")

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        IN_PROGRESS = "in_progress", _("Being looked into")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        REJECTED = "rejected", _("Not taken forward")

    class RejectionReason(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate of another case")
        OUT_OF_SCOPE = "out_of_scope", _("Not something we can deal with")
        NO_INFORMATION = "no_information", _("Not enough information")

    reference = models.CharField(_("reference"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    is_sensitive = models.BooleanField(_("sensitive"), default=False, db_index=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    description = EncryptedTextField(_("what happened"))
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default=settings.LANGUAGE_CODE)
    complainant = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="grievances")
    contact_phone = EncryptedCharField(_("contact phone"), max_length=16, blank=True)
    contact_phone_hash = KeyedHashField(source="contact_phone")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    tracking_pin_hash = models.CharField(max_length=128, blank=True, editable=False)
    related_programme_application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.PROTECT, null=True, blank=True, related_name="grievances"
    )
    appeal_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals")
    # The payment a "payment not received" complaint is about, as the payment system reported it.
    related_payment = models.ForeignKey(
        "registry.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="grievances"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_grievances"
    )
    excluded_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who made the decision under appeal; never assigned this case."),
    )
    area = models.ForeignKey(AdminArea, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("area"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    at_risk = models.BooleanField(_("at risk"), default=False)
    at_risk_at = models.DateTimeField(
        _("at risk from"), null=True, blank=True, help_text=_("When 80 percent of the time at this level has passed.")
    )
    level_started_at = models.DateTimeField()
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    sla_breached = models.BooleanField(_("missed a deadline"), default=False)
    resolution_outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    rejection_reason = models.CharField(
        _("reason not taken forward"), max_length=16, choices=RejectionReason.choices, blank=True
    )
    resolution_text = EncryptedTextField(_("resolution"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who resolved or rejected it; never assigned an appeal of it."),
    )
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who filed it on the person's behalf."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The citizen's verdict on the answer (grievances.ratings): given once, on any channel.
    rating = models.PositiveSmallIntegerField(_("citizen's rating"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rating_channel = models.CharField(_("rated through"), max_length=12, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["status", "at_risk_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="grievance_rating_1_to_5",
            )
        ]
        permissions = [
            ("handle_grievance", "Can work on grievance cases"),
            ("supervise_grievances", "Can assign, escalate and reopen any case"),
            ("view_sensitive_grievance", "Can see sensitive cases"),
            ("export_grievances", "Can export cases"),
            ("view_dashboard", "Can see the grievance dashboard"),
        ]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def contact_phone_is(phone: str) -> models.Q:
    """Cases whose contact phone is ``phone`` (normalised), found through its keyed hash."""
    return models.Q(contact_phone_hash=keyed_hash(phone))


class GrievanceEvent(models.Model):
    """The timeline of a grievance: append-only; public events are what the citizen sees."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Received")
        TRANSITION = "transition", _("Status changed")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply")
        SMS = "sms", _("SMS sent")
        RATING = "rating", _("Citizen's rating")

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = models.CharField(max_length=20, blank=True)
    is_public = models.BooleanField(default=False)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = EncryptedTextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class CallbackRequest(models.Model):
    """A request for a person to call back, from any channel."""

    class Reason(models.TextChoices):
        APPLICATION = "application", _("Help with an application")
        PAYMENT = "payment", _("A payment")
        COMPLAINT = "complaint", _("A complaint")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a call")
        DONE = "done", _("Called back")
        NO_ANSWER = "no_answer", _("No answer")
        CANCELLED = "cancelled", _("Cancelled")

    class PreferredTime(models.TextChoices):
        """When in the day the person would rather be called (local time)."""

        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (8:00 to 12:00)")
        AFTERNOON = "afternoon", _("Afternoon (12:00 to 17:00)")
        EVENING = "evening", _("Evening (17:00 to 20:00)")

    phone = models.CharField(_("phone"), max_length=16)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    preferred_time = models.CharField(
        _("preferred time"), max_length=10, choices=PreferredTime.choices, default=PreferredTime.ANY
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    outcome_note = EncryptedTextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who asked for it on the person's behalf."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        permissions = [("handle_callbackrequest", "Can call people back and record the outcome")]
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")


class AccessLog(models.Model):
    """Who read, changed, exported or revealed personal data, and when. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        CHANGE = "change", _("Change")
        EXPORT = "export", _("Export")
        REVEAL = "reveal", _("Reveal")

    # A member of staff, or else a partner system (its code) calling the API.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    partner = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=99)
    reason = models.CharField(max_length=200, blank=True)
    records = models.PositiveIntegerField(null=True, blank=True, help_text=_("How many records the call returned."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")


class CallVerification(models.Model):
    """A call-centre agent's check of a caller's identity: two facts the caller stated, matched or not."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="call_verifications")
    facts = models.CharField(max_length=60, help_text=_("Which facts were checked, e.g. birth,district."))
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("caller verification")
        verbose_name_plural = _("caller verifications")


class DataRequest(models.Model):
    """What a data-correction or data-erasure case asks, and what its decision changed or kept."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")

    grievance = models.OneToOneField(Grievance, on_delete=models.CASCADE, related_name="data_request")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_changes = EncryptedJSONField(_("details asked to be corrected"), default=dict, blank=True)
    applied_changes = EncryptedJSONField(_("details corrected"), default=list, blank=True)
    kept_reason = models.TextField(_("what was kept, and why"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    def __str__(self) -> str:
        return f"{self.grievance.reference} ({self.kind})"


class PublicStatsSnapshot(models.Model):
    """The public statistics as published: tables already protected, worked out nightly from the cases.

    Only what the public may read is stored (counts under the threshold never are): the page and
    the open data files read the latest row and nothing else.
    """

    made_on = models.DateField(_("made on"), unique=True)
    made_at = models.DateTimeField(_("made at"))
    figures_to = models.DateField(_("figures to"))
    data = models.JSONField(_("published tables"))

    class Meta:
        ordering = ["-made_on"]
        get_latest_by = "made_on"
        verbose_name = _("public statistics snapshot")
        verbose_name_plural = _("public statistics snapshots")

    def __str__(self) -> str:
        return str(self.made_on)


class PinGuard(models.Model):
    """How many wrong tracking PINs a reference had in its current day, and when the next try may come.

    One row per reference and door (the website; USSD and SMS) that had a wrong PIN; counted with
    atomic updates under a row lock (``grievances.tracking``), so that tries arriving together are
    counted one by one.
    """

    class Door(models.TextChoices):
        WEB = "web", _("Website")
        PHONE = "phone", _("USSD or SMS")

    reference = models.CharField(max_length=10)
    door = models.CharField(max_length=8, choices=Door.choices, default=Door.WEB)
    window_started_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reference", "door"], name="pin_guard_reference_door")]
        verbose_name = _("tracking PIN guard")
        verbose_name_plural = _("tracking PIN guards")

    def __str__(self) -> str:
        return self.reference


class PhoneConfirmation(models.Model):
    """A phone number given with a complaint filed without signing in, waiting for its owner to confirm.

    Until the owner confirms (from the link in the one SMS we send), the number is not the case's
    ``contact_phone``: the case is not in that phone's account, not tracked or rated from it, and
    sends it no news. Only a hash of the link's token is kept.
    """

    grievance = models.OneToOneField(Grievance, on_delete=models.CASCADE, related_name="phone_confirmation")
    phone = models.CharField(_("phone"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone confirmation")
        verbose_name_plural = _("phone confirmations")

    def __str__(self) -> str:
        return self.grievance.reference
