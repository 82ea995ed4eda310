"""Registry: areas, programmes and their rules, people, households, consent and applications.

State changes go through ``registry.services``; these models only describe the data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from encryption.fields import EncryptedCharField, EncryptedDateField, EncryptedJSONField, EncryptedTextField
from registry.phones import validate_phone

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class Channel(models.TextChoices):
    """How something reached us."""

    WEB = "web", _("Web")
    USSD = "ussd", _("USSD")
    SMS = "sms", _("SMS")
    CALL_CENTRE = "call_centre", _("Call centre")


class AdminArea(models.Model):
    """A region or a district (a district's parent is its region)."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("region")
    )
    translated_names = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        help_text=_('Only where the name differs, for example {"sw": "Pwani", "fr": "Littoral"}.'),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name_in()

    def name_in(self, language: str | None = None) -> str:
        """The area's name in ``language`` (the active one by default), else its own name."""
        language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
        return (self.translated_names or {}).get(language) or self.name

    @property
    def region(self) -> AdminArea:
        """The region this area belongs to (itself for a region)."""
        return self.parent if self.parent_id else self


class IncomeBand(models.IntegerChoices):
    """Monthly household income bands (in the national currency), as people can answer them."""

    BELOW_2000 = 1, _("Less than 2,000 a month")
    # Each band starts where the one before ends (INCOME_BAND_FLOOR): no amount is in two.
    FROM_2000 = 2, _("2,000 to 4,999 a month")
    FROM_5000 = 3, _("5,000 to 9,999 a month")
    FROM_10000 = 4, _("10,000 to 19,999 a month")
    ABOVE_20000 = 5, _("20,000 or more a month")


# The lowest monthly income each band admits; pre-screening uses it to give the benefit of the doubt.
INCOME_BAND_FLOOR = {1: 0, 2: 2_000, 3: 5_000, 4: 10_000, 5: 20_000}


class Programme(ClusterableModel):
    """A social protection programme with declarative eligibility rules.

    Names live in ``ProgrammeName`` (one row per language) so that web, USSD and SMS read the same
    words. The rules are advice for pre-screening: only an officer refuses an application.
    """

    class Period(models.TextChoices):
        MONTH = "month", _("per month")
        QUARTER = "quarter", _("per quarter")
        ONCE = "once", _("once")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    benefit_amount = models.PositiveIntegerField(_("benefit amount"), default=0)
    benefit_period = models.CharField(_("benefit period"), max_length=10, choices=Period.choices, default=Period.MONTH)
    decision_sla_days = models.PositiveSmallIntegerField(_("days to decide"), default=30)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    notify_payment_sent = models.BooleanField(
        _("SMS when a payment is sent"),
        default=True,
        help_text=_("Tell people by SMS when the payment system sends money."),
    )

    # Declarative eligibility rules; an empty rule does not apply.
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    max_monthly_income_per_person = models.PositiveIntegerField(
        _("maximum monthly income per person"), null=True, blank=True
    )
    requires_disability = models.BooleanField(_("requires a household member with a disability"), default=False)
    requires_children_under = models.PositiveSmallIntegerField(
        _("requires children under this age"), null=True, blank=True, help_text=_("5 or 18; empty for no rule.")
    )
    min_household_size = models.PositiveSmallIntegerField(_("minimum household size"), null=True, blank=True)
    areas = models.ManyToManyField(
        AdminArea, blank=True, verbose_name=_("only in these areas"), help_text=_("Empty for the whole country.")
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="programmes_decided",
        verbose_name=_("programme officers"),
        help_text=_("Staff who see and decide the applications to this programme."),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name()

    def _name_row(self, language: str | None) -> ProgrammeName | None:
        language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
        rows = {row.language: row for row in self.names.all()}
        return rows.get(language) or rows.get(settings.LANGUAGE_CODE)

    def name(self, language: str | None = None) -> str:
        """The programme's full name in ``language`` (the active one by default), else English."""
        row = self._name_row(language)
        return row.name if row else self.code

    def short_name(self, language: str | None = None) -> str:
        """The programme's short name (≤ 20 characters) for USSD and SMS."""
        row = self._name_row(language)
        return row.short_name if row else self.code[:20]


class ProgrammeName(models.Model):
    """A programme's names in one language: one source for web, USSD and SMS."""

    programme = ParentalKey(Programme, on_delete=models.CASCADE, related_name="names")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    name = models.CharField(_("name"), max_length=80)
    short_name = models.CharField(_("short name (USSD and SMS)"), max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "language"], name="one_name_per_language")]
        verbose_name = _("programme name")
        verbose_name_plural = _("programme names")

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", pgettext_lazy("sex", "Other / prefer not to say")


class Person(models.Model):
    """Someone who applied or complained. Only what programmes need is kept.

    Names and the date of birth are encrypted at rest (``encryption``); the year of birth stays in
    clear for age rules, searches and statistics (a year alone singles out far fewer people), and
    so does the phone, the key people sign in with and are found by on every channel.
    """

    given_name = EncryptedCharField(_("first name"), max_length=60)
    family_name = EncryptedCharField(_("last name"), max_length=60, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=16, validators=[validate_phone], db_index=True)
    national_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    national_id_last3 = models.CharField(_("national ID (last 3 digits)"), max_length=3, blank=True, editable=False)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default=settings.LANGUAGE_CODE
    )
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("act_on_behalf", "Can find, verify and act for a caller")]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def masked_national_id(self) -> str:
        return f"•••••{self.national_id_last3}" if self.national_id_last3 else ""


class PhonePreference(models.Model):
    """What the person using a phone number asked of us: their language and whether to get non-essential SMS."""

    phone = models.CharField(_("phone"), max_length=16, unique=True, validators=[validate_phone])
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    sms_opt_out = models.BooleanField(_("no non-essential SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phone preference")
        verbose_name_plural = _("phone preferences")

    def __str__(self) -> str:
        return self.phone


class Household(models.Model):
    """The applicant's household as declared on one application (the applicant is its head)."""

    size = models.PositiveSmallIntegerField(_("people in the household"), validators=[MinValueValidator(1)])
    children_under_5 = models.PositiveSmallIntegerField(_("children under 5"), default=0)
    children_under_18 = models.PositiveSmallIntegerField(_("children under 18"), default=0)
    members_with_disability = models.PositiveSmallIntegerField(_("members with a disability"), default=0)
    income_band = models.PositiveSmallIntegerField(_("monthly income"), choices=IncomeBand.choices)
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, verbose_name=_("district"))

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.size} · {self.area}"


class Consent(models.Model):
    """A person's consent to the use of their data, as given on one channel."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(max_length=20)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who recorded the withdrawal on the person's behalf."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class Application(models.Model):
    """One submission by one person, to one or more programmes."""

    reference = models.CharField(_("reference"), max_length=10, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    household = models.ForeignKey(Household, on_delete=models.PROTECT)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT)
    answers = EncryptedJSONField(_("answers as given"), default=dict)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who submitted it on the person's behalf."),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.reference


class ProgrammeApplication(models.Model):
    """An application's request to one programme, with its own status and decision."""

    class Status(models.TextChoices):
        # Citizens read these on every channel (web, USSD, SMS): "Received" is what they were told.
        SUBMITTED = "submitted", pgettext_lazy("application status", "Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ENROLLED = "enrolled", _("Enrolled")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A person with one of these has an open request to the programme: applying again is a duplicate.
    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.ENROLLED, Status.WAITLISTED)

    class Prescreen(models.TextChoices):
        LIKELY = "likely", _("Likely eligible")
        UNLIKELY = "unlikely", _("Unlikely eligible")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="programme_applications")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    prescreen = models.CharField(_("pre-screen advice"), max_length=10, choices=Prescreen.choices)
    prescreen_reasons = models.JSONField(default=list)
    decision_reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    decision_text = EncryptedTextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "programme"], name="one_request_per_programme")]
        indexes = [models.Index(fields=["programme", "status"])]
        permissions = [("decide_programmeapplication", "Can decide applications to a programme")]
        verbose_name = _("programme application")
        verbose_name_plural = _("programme applications")

    def __str__(self) -> str:
        return f"{self.application.reference} · {self.programme.code}"


class ApplicationEvent(models.Model):
    """The timeline of an application: append-only; public events are shown to the applicant."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Application received")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Note")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    programme_application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    is_public = models.BooleanField(default=True)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    message = EncryptedTextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    # A partner system that made the change (its code), and its message's reference, which makes a
    # decision that arrives twice apply once.
    source = models.CharField(max_length=40, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class RegistryEvent(models.Model):
    """Something partner systems subscribe to: an application registered or updated (DCI REGISTER / UPDATE).

    Written by the registry services in the transaction that made the change; the partner API reads
    them in order and notifies its subscribers.
    """

    class Kind(models.TextChoices):
        REGISTER = "REGISTER", _("Registered")
        UPDATE = "UPDATE", _("Updated")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="registry_events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]


class PaymentChannel(models.TextChoices):
    """How a payment reaches the person."""

    MOBILE_MONEY = "mobile_money", _("mobile money")
    BANK = "bank", _("bank")
    CASH_POINT = "cash_point", _("cash point")


class Payment(models.Model):
    """A benefit payment to an enrolled programme application, as the payment system reports it.

    Its status is that of the latest event the payment system sent (``PaymentEvent``); the
    payment system's own id and the source partner identify it.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        RETURNED = "returned", _("Returned")

    programme_application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.PROTECT, related_name="payments", verbose_name=_("programme application")
    )
    source = models.CharField(_("payment system"), max_length=40)
    external_id = models.CharField(_("payment system's id"), max_length=99)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    channel = models.CharField(_("paid by"), max_length=14, choices=PaymentChannel.choices)
    payment_date = models.DateField(_("date"))
    status_at = models.DateTimeField(_("status since"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-payment_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="one_payment_per_source_id")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id} ({self.status})"


class PaymentEvent(models.Model):
    """One event the payment system reported about a payment; kept once per its event id."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=40)
    event_id = models.CharField(max_length=99)
    status = models.CharField(max_length=10, choices=Payment.Status.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "event_id"], name="one_payment_event_per_source_id")]
