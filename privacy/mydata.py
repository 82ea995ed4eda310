""" "My data": everything Lango holds about a citizen, for the account page, its JSON download and the call centre.

One table says, model by model, which fields the copy shows (``EXPORTED``) and which it leaves out
and why (``EXCLUDED``); models that hold nothing about a person, or whose content the copy shows
through another model, are listed in ``NOT_EXPORTED_MODELS`` with the reason. A test checks these
lists against the models, so a field added to a personal-data model fails it until the copy shows
the field or says why it does not.

Every copy made is recorded (``privacy.DataCopy``): read on the page, downloaded, or sent by the
call centre on the record (with the member of staff and the reason, and an access-log entry).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grievances.audit import log_access
from grievances.models import (
    AccessLog,
    CallbackRequest,
    CallVerification,
    DataRequest,
    Grievance,
    GrievanceEvent,
    contact_phone_is,
)
from privacy.models import DataCopy
from privacy.retention import retention_table
from registry.models import (
    AdminArea,
    Application,
    ApplicationEvent,
    Consent,
    Payment,
    Person,
    PhonePreference,
    Programme,
    ProgrammeApplication,
)
from registry.preferences import sms_language
from sms.models import InboundMessage, OutboundMessage
from sms.outbox import enqueue

# The account page that shows the copy (under the language prefix, none for English).
MY_DATA_PATH = "/account/my-data/"

# The SMS whose words are a secret: not listed at all (the retention table deletes them in minutes).
SECRET_SMS_TEMPLATES = frozenset({"sign_in_code"})

STAFF = "Which member of staff: staff are not named in your copy; the access log records them."
INTERNAL_ID = "Our internal number for the record; the references shown are the ones to quote."
YOU = "That it is you: the copy only holds your own records."

# model label -> the fields the copy shows, in order.
EXPORTED: dict[str, tuple[str, ...]] = {
    "registry.Person": (
        "given_name",
        "family_name",
        "date_of_birth",
        "birth_year",
        "sex",
        "phone",
        "national_id_last3",
        "preferred_language",
        "area",
        "created_at",
    ),
    "registry.Consent": ("version", "channel", "language", "given_at", "withdrawn_at", "withdrawn_channel"),
    "registry.Application": ("reference", "channel", "language", "submitted_at", "answers"),
    "registry.Household": (
        "size",
        "children_under_5",
        "children_under_18",
        "members_with_disability",
        "income_band",
        "area",
    ),
    "registry.ProgrammeApplication": (
        "application",
        "programme",
        "status",
        "prescreen",
        "prescreen_reasons",
        "decision_reason_code",
        "decision_text",
        "decided_at",
        "due_at",
        "updated_at",
    ),
    "registry.ApplicationEvent": (
        "application",
        "programme_application",
        "kind",
        "from_status",
        "to_status",
        "message",
        "channel",
        "created_at",
    ),
    "registry.Payment": (
        "programme_application",
        "source",
        "external_id",
        "status",
        "amount",
        "currency",
        "channel",
        "payment_date",
        "status_at",
        "created_at",
        "updated_at",
    ),
    "registry.PhonePreference": ("phone", "language", "sms_opt_out", "updated_at"),
    "grievances.Grievance": (
        "reference",
        "kind",
        "category",
        "channel",
        "description",
        "language",
        "contact_phone",
        "is_anonymous",
        "related_programme_application",
        "appeal_of",
        "related_payment",
        "status",
        "level",
        "area",
        "due_at",
        "escalated_at",
        "resolution_outcome",
        "rejection_reason",
        "resolution_text",
        "created_at",
        "resolved_at",
        "closed_at",
        "rating",
        "rated_at",
        "rating_channel",
    ),
    "grievances.GrievanceEvent": (
        "grievance",
        "kind",
        "action",
        "from_status",
        "to_status",
        "message",
        "channel",
        "created_at",
    ),
    "grievances.CallbackRequest": (
        "phone",
        "reason",
        "preferred_time",
        "channel",
        "language",
        "status",
        "outcome_note",
        "created_at",
        "handled_at",
    ),
    "grievances.CallVerification": ("facts", "succeeded", "created_at"),
    "grievances.DataRequest": (
        "grievance",
        "kind",
        "requested_changes",
        "applied_changes",
        "kept_reason",
        "decided_at",
    ),
    "sms.OutboundMessage": ("to", "template", "language", "status", "created_at", "sent_at", "delivered_at"),
    "sms.InboundMessage": ("sender", "text", "command", "received_at"),
    "privacy.DataCopy": ("how", "language", "reason", "made_at"),
}

# model label -> {field: why the copy leaves it out}. For whoever maintains the copy, not shown to citizens.
EXCLUDED: dict[str, dict[str, str]] = {
    "registry.Person": {
        "id": INTERNAL_ID,
        "national_id_hash": (
            "A keyed hash of your national ID, used only to find a double application; it cannot be read back."
        ),
        "user": ("Your sign-in account, which is your phone number, shown above."),
    },
    "registry.Consent": {"id": INTERNAL_ID, "person": YOU, "withdrawn_by": STAFF},
    "registry.Application": {
        "id": INTERNAL_ID,
        "applicant": YOU,
        "household": ("Shown under your household, with the application's reference."),
        "consent": ("Shown under your consents."),
        "idempotency_key": ("A technical key that stops one application being sent twice."),
        "submitted_by": STAFF,
    },
    "registry.Household": {"id": INTERNAL_ID},
    "registry.ProgrammeApplication": {"id": INTERNAL_ID, "decided_by": STAFF},
    "registry.ApplicationEvent": {
        "id": INTERNAL_ID,
        "is_public": ("Only the events shown to you are listed; staff working notes are not."),
        "actor": STAFF,
        "source": ("The code of the partner system that sent a decision."),
        "dedupe_key": ("A technical key that stops one decision being applied twice."),
    },
    "registry.Payment": {"id": INTERNAL_ID},
    "registry.PhonePreference": {"id": INTERNAL_ID},
    "grievances.Grievance": {
        "id": INTERNAL_ID,
        "complainant": YOU,
        "is_sensitive": ("Whether only specially cleared staff may see the case; it follows its category."),
        "tracking_pin_hash": ("A hash of your PIN: the PIN itself is not kept."),
        "contact_phone_hash": (
            "A keyed hash of the contact phone, only to find the case by phone; the phone is shown."
        ),
        "assignee": STAFF,
        "excluded_assignee": STAFF,
        "decided_by": STAFF,
        "filed_by": STAFF,
        "at_risk": ("Our own deadline tracking; the date the answer is due is shown."),
        "at_risk_at": ("Our own deadline tracking; the date the answer is due is shown."),
        "level_started_at": ("Our own deadline tracking; the date the answer is due is shown."),
        "sla_breached": ("Our own deadline tracking; the date the answer is due is shown."),
        "idempotency_key": ("A technical key that stops one complaint being filed twice."),
        "updated_at": ("When anything last changed; the dates of each step are shown."),
    },
    "grievances.GrievanceEvent": {
        "id": INTERNAL_ID,
        "is_public": ("Only the events shown to you are listed; staff working notes are not."),
        "actor": STAFF,
    },
    "grievances.CallbackRequest": {
        "id": INTERNAL_ID,
        "person": YOU,
        "handled_by": STAFF,
        "requested_by": STAFF,
    },
    "grievances.CallVerification": {"id": INTERNAL_ID, "agent": STAFF, "person": YOU},
    "grievances.DataRequest": {"id": INTERNAL_ID, "person": YOU},
    "sms.OutboundMessage": {
        **{
            name: ("How the SMS was sent (technical details of its delivery); its status is shown.")
            for name in (
                "encoding",
                "parts",
                "essential",
                "dedupe_key",
                "attempts",
                "next_attempt_at",
                "expires_at",
                "resends",
                "resent_from",
                "claimed_at",
                "claim_token",
                "provider_message_id",
                "delivery_status",
                "failure_reason",
            )
        },
        "id": INTERNAL_ID,
        "body": (
            "The words of the SMS: its kind is shown, and what it said is in the records above; "
            "sign-in codes are never listed."
        ),
        "body_redacted": ("Whether the words of a sign-in code SMS were wiped."),
    },
    "sms.InboundMessage": {
        "id": INTERNAL_ID,
        "provider_id": ("The SMS provider's number for the message."),
        "to": ("Our own short code."),
        "link_id": ("The SMS provider's number for the message."),
        "network_code": ("Which mobile network carried it."),
    },
    "privacy.DataCopy": {
        "id": INTERNAL_ID,
        "person": YOU,
        "phone": ("Your phone, shown above."),
        "staff": STAFF,
    },
}

# Models of the apps that hold data, which the copy does not list, and why.
NOT_EXPORTED_MODELS: dict[str, str] = {
    "registry.AdminArea": ("Places, not people."),
    "registry.Programme": ("Programmes, not people."),
    "registry.ProgrammeName": ("Programmes, not people."),
    "registry.RegistryEvent": ("A notice to partner systems that an application changed; nothing more."),
    "registry.PaymentEvent": ("The payment system's messages; each payment's latest status is shown."),
    "grievances.AccessLog": (
        "Which staff read or changed your records: kept for accountability; ask the data protection officer."
    ),
    "grievances.PublicStatsSnapshot": ("Public statistics: counts only, nobody in them."),
    "grievances.PinGuard": ("A count of wrong PINs per case reference, for a day."),
    "grievances.PhoneConfirmation": (
        "A number given with a complaint until its owner confirms it; the complaint is shown."
    ),
    "sms.DeliveryReport": ("The network's delivery receipts; each SMS's status is shown."),
    "privacy.RetentionRun": ("How many records each nightly run removed; nobody in them."),
    "privacy.Anonymisation": ("Which record numbers were anonymised; nothing about you is left in them."),
    "portal.PhoneDevice": ("Your sign-in: a hash of the last code and counts of wrong tries."),
    "portal.ApplicationDraft": ("An application you started on the website; it is deleted when sent."),
    "ussd.UssdSessionSummary": ("How USSD sessions ended, without any phone number."),
    "ussd.UssdSessionState": ("The screen of a USSD session while it lasts, a few minutes."),
    "ussd.UssdDraft": ("An application you started on USSD; it is deleted when sent."),
    "api.Partner": ("Partner systems, not people."),
    "api.Subscription": ("Partner systems' subscriptions, not people."),
    "api.DciTransaction": ("Partner systems' requests; what they changed is shown."),
    "api.OutboundCallback": ("Notices to partner systems; what they were about is shown."),
}

# The apps whose every model must be in EXPORTED or NOT_EXPORTED_MODELS.
CHECKED_APPS = ("registry", "grievances", "sms", "privacy", "portal", "ussd", "api")

# Labels for fields whose model gives them none (or one that is not what the citizen needs).
LABELS: dict[tuple[str, str], Promise] = {
    ("registry.Person", "created_at"): gettext_lazy("First recorded"),
    ("registry.Consent", "version"): gettext_lazy("Version of the text you agreed to"),
    ("registry.Consent", "channel"): gettext_lazy("Given through"),
    ("registry.Consent", "language"): gettext_lazy("Language"),
    ("registry.Consent", "given_at"): gettext_lazy("Given on"),
    ("registry.Consent", "withdrawn_at"): gettext_lazy("Withdrawn on"),
    ("registry.Consent", "withdrawn_channel"): gettext_lazy("Withdrawn through"),
    ("registry.Application", "language"): gettext_lazy("Language"),
    ("registry.ProgrammeApplication", "application"): gettext_lazy("Application"),
    ("registry.ProgrammeApplication", "programme"): gettext_lazy("Programme"),
    ("registry.ProgrammeApplication", "prescreen_reasons"): gettext_lazy("Why the pre-screen said so"),
    ("registry.ProgrammeApplication", "decided_at"): gettext_lazy("Decided on"),
    ("registry.ProgrammeApplication", "updated_at"): gettext_lazy("Last changed"),
    ("registry.ApplicationEvent", "application"): gettext_lazy("Application"),
    ("registry.ApplicationEvent", "programme_application"): gettext_lazy("Programme"),
    ("registry.ApplicationEvent", "kind"): gettext_lazy("What happened"),
    ("registry.ApplicationEvent", "from_status"): gettext_lazy("Status before"),
    ("registry.ApplicationEvent", "to_status"): gettext_lazy("Status after"),
    ("registry.ApplicationEvent", "message"): gettext_lazy("Message"),
    ("registry.ApplicationEvent", "channel"): gettext_lazy("Through"),
    ("registry.ApplicationEvent", "created_at"): gettext_lazy("When"),
    ("registry.Payment", "created_at"): gettext_lazy("First recorded"),
    ("registry.Payment", "updated_at"): gettext_lazy("Last changed"),
    ("registry.PhonePreference", "updated_at"): gettext_lazy("Last changed"),
    ("grievances.Grievance", "language"): gettext_lazy("Language"),
    ("grievances.Grievance", "related_programme_application"): gettext_lazy("About the application"),
    ("grievances.Grievance", "appeal_of"): gettext_lazy("Appeal of case"),
    ("grievances.Grievance", "related_payment"): gettext_lazy("About the payment"),
    ("grievances.Grievance", "resolved_at"): gettext_lazy("Answered on"),
    ("grievances.Grievance", "closed_at"): gettext_lazy("Closed on"),
    ("grievances.GrievanceEvent", "grievance"): gettext_lazy("Case"),
    ("grievances.GrievanceEvent", "kind"): gettext_lazy("What happened"),
    ("grievances.GrievanceEvent", "action"): gettext_lazy("Step"),
    ("grievances.GrievanceEvent", "from_status"): gettext_lazy("Status before"),
    ("grievances.GrievanceEvent", "to_status"): gettext_lazy("Status after"),
    ("grievances.GrievanceEvent", "message"): gettext_lazy("Message"),
    ("grievances.GrievanceEvent", "channel"): gettext_lazy("Through"),
    ("grievances.GrievanceEvent", "created_at"): gettext_lazy("When"),
    ("grievances.CallbackRequest", "language"): gettext_lazy("Language"),
    ("grievances.CallbackRequest", "created_at"): gettext_lazy("Asked on"),
    ("grievances.CallbackRequest", "handled_at"): gettext_lazy("Called on"),
    ("grievances.DataRequest", "grievance"): gettext_lazy("Case"),
    ("grievances.CallVerification", "facts"): gettext_lazy("What was checked"),
    ("grievances.CallVerification", "succeeded"): gettext_lazy("Matched"),
    ("grievances.CallVerification", "created_at"): gettext_lazy("When"),
    ("sms.OutboundMessage", "to"): gettext_lazy("To"),
    ("sms.OutboundMessage", "template"): gettext_lazy("Kind of SMS"),
    ("sms.OutboundMessage", "language"): gettext_lazy("Language"),
    ("sms.OutboundMessage", "status"): gettext_lazy("Status"),
    ("sms.OutboundMessage", "created_at"): gettext_lazy("Made on"),
    ("sms.OutboundMessage", "sent_at"): gettext_lazy("Sent on"),
    ("sms.OutboundMessage", "delivered_at"): gettext_lazy("Delivered on"),
    ("sms.InboundMessage", "sender"): gettext_lazy("From"),
    ("sms.InboundMessage", "text"): gettext_lazy("What you wrote"),
    ("sms.InboundMessage", "command"): gettext_lazy("Understood as"),
    ("sms.InboundMessage", "received_at"): gettext_lazy("Received on"),
    ("privacy.DataCopy", "how"): gettext_lazy("How"),
    ("privacy.DataCopy", "language"): gettext_lazy("Language"),
    ("privacy.DataCopy", "reason"): gettext_lazy("Reason"),
    ("privacy.DataCopy", "made_at"): gettext_lazy("When"),
}

# Fields holding a status code whose labels live on another model.
STATUS_LABELS: dict[tuple[str, str], type[models.TextChoices]] = {
    ("registry.ApplicationEvent", "from_status"): ProgrammeApplication.Status,
    ("registry.ApplicationEvent", "to_status"): ProgrammeApplication.Status,
    ("grievances.GrievanceEvent", "from_status"): Grievance.Status,
    ("grievances.GrievanceEvent", "to_status"): Grievance.Status,
}

SECTION_TITLES: dict[str, Promise] = {
    "people": gettext_lazy("Your details"),
    "consents": gettext_lazy("Your consents"),
    "applications": gettext_lazy("Your applications"),
    "households": gettext_lazy("Your household, as declared"),
    "programme_requests": gettext_lazy("Each programme: status and decision"),
    "application_events": gettext_lazy("What happened to your applications"),
    "payments": gettext_lazy("Your payments"),
    "complaints": gettext_lazy("Your complaints and appeals"),
    "complaint_events": gettext_lazy("What happened to your complaints"),
    "callbacks": gettext_lazy("Call-backs you asked for"),
    "call_verifications": gettext_lazy("Identity checks by the call centre"),
    "data_requests": gettext_lazy("Your requests to correct or erase your data"),
    "phone_preference": gettext_lazy("Your phone's choices"),
    "sms_sent": gettext_lazy("SMS we sent you"),
    "sms_received": gettext_lazy("SMS you sent us"),
    "copies": gettext_lazy("Copies of your data you asked for"),
}


def model_label(model: type[models.Model]) -> str:
    """``app_label.ModelName`` of ``model``."""
    return f"{model._meta.app_label}.{model.__name__}"


def uncovered_fields(model: type[models.Model], field_names: list[str] | None = None) -> list[str]:
    """The fields of ``model`` (or the names given) the copy neither shows nor explains leaving out."""
    label = model_label(model)
    names = field_names if field_names is not None else [f.name for f in model._meta.concrete_fields]
    covered = set(EXPORTED.get(label, ())) | set(EXCLUDED.get(label, {}))
    return [name for name in names if name not in covered]


@dataclass(frozen=True)
class Item:
    """One field of one record: its key, its label and value in the citizen's language."""

    key: str
    label: str
    value: object  # as it goes in the JSON
    text: str  # as it reads on the page


@dataclass
class Record:
    """One row (a person, an application, an SMS…) as a list of fields."""

    title: str
    items: list[Item]


@dataclass
class Section:
    """One kind of record, with its title in the citizen's language."""

    key: str
    title: str
    records: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionLine:
    """One row of the retention table, in words."""

    what: str
    label: str
    period: str
    after: str
    then: str
    why: str


@dataclass
class MyData:
    """Everything held about one citizen, made in one language."""

    phone: str
    language: str
    made_at: datetime
    sections: list[Section]
    retention: list[RetentionLine]

    @property
    def is_empty(self) -> bool:
        return not any(section.records for section in self.sections)

    def as_json(self) -> dict:
        """The copy as a JSON document: keys are stable names, labels and values in the copy's language."""
        return {
            "made_at": self.made_at.isoformat(),
            "language": self.language,
            "phone": self.phone,
            "sections": {
                section.key: {
                    "title": section.title,
                    "labels": {item.key: item.label for record in section.records[:1] for item in record.items},
                    "records": [{item.key: item.value for item in record.items} for record in section.records],
                }
                for section in self.sections
            },
            "retention": [line.__dict__ for line in self.retention],
        }

    def as_json_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2).encode("utf-8")


def _relation_text(value: models.Model) -> str:
    if isinstance(value, AdminArea):
        return value.name_in()
    if isinstance(value, Programme):
        return value.name()
    if isinstance(value, ProgrammeApplication):
        return f"{value.application.reference} · {value.programme.name()}"
    if isinstance(value, Payment):
        return f"{value.source}:{value.external_id}"
    reference = getattr(value, "reference", None)
    return str(reference if reference is not None else value)


def _item(obj: models.Model, name: str) -> Item:
    label = model_label(type(obj))
    model_field = obj._meta.get_field(name)
    title = str(LABELS.get((label, name)) or model_field.verbose_name)
    if model_field.is_relation:
        related = getattr(obj, name)
        text = _relation_text(related) if related is not None else ""
        return Item(name, title, text or None, text or "—")
    raw = getattr(obj, name)
    status_choices = STATUS_LABELS.get((label, name))
    if model_field.choices and raw not in (None, ""):
        text = str(getattr(obj, f"get_{name}_display")())
        return Item(name, title, text, text)
    if status_choices is not None and raw:
        text = str(status_choices(raw).label) if raw in status_choices.values else raw
        return Item(name, title, text, text)
    if isinstance(raw, datetime):
        local = timezone.localtime(raw)
        return Item(name, title, raw.isoformat(), formats.date_format(local, "DATETIME_FORMAT"))
    if isinstance(raw, date):
        return Item(name, title, raw.isoformat(), formats.date_format(raw, "DATE_FORMAT"))
    if isinstance(raw, bool):
        return Item(name, title, raw, _("Yes") if raw else _("No"))
    if isinstance(raw, Decimal):
        return Item(name, title, str(raw), formats.number_format(raw))
    if isinstance(raw, dict):
        return Item(name, title, raw, "; ".join(f"{key}: {value}" for key, value in raw.items()) or "—")
    if isinstance(raw, list):
        return Item(name, title, raw, ", ".join(str(value) for value in raw) or "—")
    if raw in (None, ""):
        return Item(name, title, raw, "—")
    return Item(name, title, raw, str(raw))


def _records(rows, title) -> list[Record]:
    out = []
    for row in rows:
        names = EXPORTED[model_label(type(row))]
        out.append(Record(title(row), [_item(row, name) for name in names]))
    return out


def collect(people: list[Person], phone: str, language: str) -> MyData:
    """Everything held about the citizen who is ``people`` (usually one) and uses ``phone``, in ``language``."""
    person_ids = [person.pk for person in people]
    with translation.override(language):
        applications = list(
            Application.objects.filter(applicant_id__in=person_ids).select_related("household__area", "consent")
        )
        requests = list(
            ProgrammeApplication.objects.filter(application__in=applications)
            .select_related("application", "programme")
            .prefetch_related("programme__names")
            .order_by("application__submitted_at", "id")
        )
        cases = Grievance.objects.filter(
            Q(complainant_id__in=person_ids) | Q(contact_phone_is(phone), is_anonymous=False, complainant__isnull=True)
            if phone
            else Q(complainant_id__in=person_ids)
        ).order_by("created_at")
        cases = list(cases.select_related("area", "appeal_of", "related_payment", "related_programme_application"))
        sections = {
            "people": _records(Person.objects.filter(pk__in=person_ids).select_related("area"), lambda p: p.full_name),
            "consents": _records(
                Consent.objects.filter(person_id__in=person_ids).order_by("given_at"),
                lambda c: _("Consent of %(date)s") % {"date": formats.date_format(timezone.localtime(c.given_at))},
            ),
            "applications": _records(applications, lambda a: _("Application %(ref)s") % {"ref": a.reference}),
            "households": [
                Record(
                    _("Application %(ref)s") % {"ref": a.reference},
                    [_item(a.household, name) for name in EXPORTED["registry.Household"]],
                )
                for a in applications
            ],
            "programme_requests": _records(requests, lambda pa: pa.programme.name()),
            "application_events": _records(
                ApplicationEvent.objects.filter(application__in=applications, is_public=True).select_related(
                    "application", "programme_application__programme", "programme_application__application"
                ),
                lambda e: e.application.reference,
            ),
            "payments": _records(
                Payment.objects.filter(programme_application__in=requests).select_related(
                    "programme_application__programme", "programme_application__application"
                ),
                lambda p: p.programme_application.programme.name(),
            ),
            "complaints": _records(cases, lambda g: f"{g.get_kind_display()} {g.reference}"),
            "complaint_events": _records(
                GrievanceEvent.objects.filter(grievance__in=cases, is_public=True).select_related("grievance"),
                lambda e: e.grievance.reference,
            ),
            "callbacks": _records(
                CallbackRequest.objects.filter(
                    Q(person_id__in=person_ids) | Q(phone=phone) if phone else Q(person_id__in=person_ids)
                ),
                lambda c: c.get_reason_display(),
            ),
            "data_requests": _records(
                DataRequest.objects.filter(grievance__in=cases)
                .select_related("grievance")
                .order_by("grievance__created_at"),
                lambda r: r.get_kind_display(),
            ),
            "call_verifications": _records(
                CallVerification.objects.filter(person_id__in=person_ids).order_by("created_at"),
                lambda v: _("Identity check"),
            ),
            "phone_preference": _records(
                PhonePreference.objects.filter(phone=phone) if phone else [], lambda p: p.phone
            ),
            "sms_sent": _records(
                OutboundMessage.objects.filter(to=phone)
                .exclude(template__in=SECRET_SMS_TEMPLATES)
                .order_by("created_at")
                if phone
                else [],
                lambda m: m.template,
            ),
            "sms_received": _records(
                InboundMessage.objects.filter(sender=phone).order_by("received_at") if phone else [],
                lambda m: m.command or _("SMS"),
            ),
            "copies": _records(
                DataCopy.objects.filter(
                    Q(person_id__in=person_ids) | Q(phone=phone) if phone else Q(person_id__in=person_ids)
                ).order_by("made_at"),
                lambda c: c.get_how_display(),
            ),
        }
        retention = [
            RetentionLine(rule.what, rule.label, rule.period, rule.after_label, rule.then_label, rule.why)
            for rule in retention_table()
        ]
        return MyData(
            phone=phone,
            language=language,
            made_at=timezone.now(),
            sections=[Section(key, str(SECTION_TITLES[key]), records) for key, records in sections.items()],
            retention=retention,
        )


def record_copy(
    people: list[Person],
    phone: str,
    how: str,
    language: str,
    *,
    staff=None,
    reason: str = "",
) -> DataCopy:
    """Record that a copy was read, downloaded or sent; a copy sent by staff also goes in the access log."""
    if how == DataCopy.How.SENT and (staff is None or not reason.strip()):
        raise ValueError("A copy sent by the call centre names the member of staff and the reason.")
    person = people[0] if people else None
    copy = DataCopy.objects.create(
        person=person, phone=phone, how=how, language=language, staff=staff, reason=reason.strip()[:200]
    )
    if staff is not None:
        for each in people:
            log_access(staff, AccessLog.Action.EXPORT, each, reason=f"copy of personal data sent: {reason}"[:200])
    return copy


def my_data_url(language: str) -> str:
    """The absolute address of the "my data" page in ``language`` (English has no prefix)."""
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{prefix}{MY_DATA_PATH}"


def send_copy(person: Person, staff, reason: str, *, by_sms: bool) -> DataCopy:
    """The call centre gives a verified caller their copy, on the record (staff, reason, access log).

    ``by_sms``: text the caller the link to the page that shows it once they sign in with their
    phone (the SMS carries no personal detail); otherwise the copy was given another way (read
    out, printed, posted) and is only recorded.
    """
    if not reason.strip():
        raise ValueError("Say why the copy is sent.")
    people = list(Person.objects.filter(user_id=person.user_id)) if person.user_id else [person]
    language = sms_language(person.phone, person.preferred_language) if person.phone else person.preferred_language
    with transaction.atomic():
        copy = record_copy(people, person.phone, DataCopy.How.SENT, language, staff=staff, reason=reason)
        if by_sms and person.phone:
            enqueue(
                person.phone, "my_data_link", language, {"url": my_data_url(language)}, dedupe_key=f"my-data:{copy.pk}"
            )
    return copy
