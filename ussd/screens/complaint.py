"""Make a complaint: what it is about, what happened, whether to keep the phone number, send.

Without the phone number the case is truly anonymous: the reference and a PIN are shown on the
screen once and sent nowhere.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext

from grievances.models import COMPLAINT_FORM_EXCLUDED, Category
from grievances.services import MAX_DESCRIPTION_LENGTH, file_grievance
from registry.models import Payment
from registry.queries import latest_payments
from ussd.engine import (
    ConfirmScreen,
    Context,
    End,
    Goto,
    InputScreen,
    Invalid,
    MenuScreen,
    Option,
    Outcome,
    Prompt,
    register,
)
from ussd.people import person_for_phone
from ussd.screens.payments import PAYMENTS_LISTED, payment_line
from ussd.wording import facts_then, pin_line, reference_line

# Appeals of a decision are made from "My applications", where the decision is known.
COMPLAINT_CATEGORIES = [
    value for value in Category.values if value != Category.DECISION_APPEAL and value not in COMPLAINT_FORM_EXCLUDED
]


def clean_description(raw: str) -> str:
    """Validate a few words typed on a keypad (control characters dropped, spacing tidied)."""
    text = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())[:MAX_DESCRIPTION_LENGTH]
    if len(text) < 3 or not any(ch.isalnum() for ch in text):
        raise Invalid(pgettext("ussd", "Tell us what happened in a few words."))
    return text


def _own_payment(ctx: Context) -> Payment | None:
    """The payment chosen on the previous screens, if it is one to this phone's applications."""
    pk = ctx.answers.get("complaint_payment")
    if not pk:
        return None
    return (
        Payment.objects.select_related("programme_application__application__applicant")
        .filter(pk=pk, programme_application__application__applicant__phone=ctx.phone)
        .first()
    )


@register
class ComplaintCategoryScreen(MenuScreen):
    name = "complaint_category"

    def render(self, ctx: Context) -> Prompt:
        labels = dict(Category.choices)
        return Prompt(
            pgettext("ussd", "What is it about?"),
            options=[Option(str(labels[value]), value) for value in COMPLAINT_CATEGORIES],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["complaint_category"] = value
        ctx.answers.pop("complaint_payment", None)
        if value == Category.PAYMENT_NOT_RECEIVED and latest_payments(ctx.phone):
            return Goto("complaint_payment")
        return Goto("complaint_text")


@register
class ComplaintPaymentScreen(MenuScreen):
    """Which payment did not arrive: the officer then sees what the payment system reported."""

    name = "complaint_payment"

    def render(self, ctx: Context) -> Prompt:
        payments = latest_payments(ctx.phone, per_programme=2)[:PAYMENTS_LISTED]
        return Prompt(
            pgettext("ussd", "Which payment did not arrive?"),
            options=[Option(payment_line(p, ctx.language), p.pk) for p in payments]
            + [Option(pgettext("ussd", "Another one"), 0)],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["complaint_payment"] = value or None
        return Goto("complaint_text")


@register
class ComplaintTextScreen(InputScreen):
    name = "complaint_text"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "What happened? A few words:"))

    def clean(self, ctx: Context, raw: str) -> str:
        return clean_description(raw)

    def accept(self, ctx: Context, value: str) -> Outcome:
        ctx.answers["complaint_text"] = value
        if ctx.answers.get("complaint_payment"):
            # A complaint about one's own payment keeps the phone: the payment names the person anyway.
            ctx.answers["complaint_anonymous"] = False
            return Goto("complaint_confirm")
        return Goto("complaint_privacy")


@register
class ComplaintPrivacyScreen(MenuScreen):
    name = "complaint_privacy"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "Keep your phone number with it, for SMS updates?"),
            options=[
                Option(pgettext("ussd", "Yes, keep it"), False),
                Option(pgettext("ussd", "No, stay anonymous"), True),
            ],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["complaint_anonymous"] = bool(value)
        return Goto("complaint_confirm")


@register
class ComplaintConfirmScreen(ConfirmScreen):
    name = "complaint_confirm"

    def question(self, ctx: Context) -> str:
        return pgettext("ussd", "Send your complaint?")

    def yes_label(self) -> str:
        return pgettext("ussd", "Send")

    def no_label(self) -> str:
        return pgettext("ussd", "Cancel")

    def confirm(self, ctx: Context) -> Outcome:
        anonymous = bool(ctx.answers.get("complaint_anonymous"))
        try:
            filing = file_grievance(
                category=ctx.answers.get("complaint_category", ""),
                description=ctx.answers.get("complaint_text", ""),
                channel="ussd",
                language=ctx.language,
                complainant=None if anonymous else person_for_phone(ctx.phone),
                phone="" if anonymous else ctx.phone,
                anonymous=anonymous,
                related_payment=None if anonymous else _own_payment(ctx),
                idempotency_key=f"ussd:{ctx.session_id}:complaint",
            )
        except ValidationError as exc:
            return End(" ".join(str(message) for message in exc.messages), screen="complaint_refused")
        facts = [reference_line(filing.grievance.reference)]
        if filing.pin:
            facts.append(pin_line(filing.pin))
        if anonymous:
            # Translators: last USSD screen, under the reference and PIN lines. Arabic: at most 45 characters.
            text = pgettext("ussd", "Complaint received. Note these: they are shown only once.")
        else:
            text = pgettext("ussd", "Complaint received. An SMS is on its way.")
        return End(facts_then(text, *facts), screen="complaint_done", completed=True)

    def cancel(self, ctx: Context) -> Outcome:
        return End(pgettext("ussd", "Complaint cancelled. Nothing was sent."), screen="complaint_cancelled")
