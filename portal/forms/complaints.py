"""Complaints, tracking and call-back requests: no sign-in needed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grievances.models import COMPLAINT_FORM_EXCLUDED, CallbackRequest, Category
from grievances.services import MAX_DESCRIPTION_LENGTH
from portal.citizens import payments_of_user, programme_applications_of_user
from portal.forms.base import CitizenForm, PhoneField
from registry.formatting import format_amount, format_day

COMPLAINT_CATEGORIES = [
    (value, label)
    for value, label in Category.choices
    if value != Category.DECISION_APPEAL and value not in COMPLAINT_FORM_EXCLUDED
]


class OwnRequestField(forms.ModelChoiceField):
    """One of the signed-in citizen's own programme requests."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.programme.name()} · {obj.application.reference}"


class OwnPaymentField(forms.TypedChoiceField):
    """One of the signed-in citizen's latest payments, by id."""


class ComplaintForm(CitizenForm):
    category = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=COMPLAINT_CATEGORIES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what your complaint is about."),
            "invalid_choice": _("Choose what your complaint is about."),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Say what happened, when and where. Do not write anyone's ID number."),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": _("Keep it shorter: at most 2000 characters."),
        },
    )
    related = OwnRequestField(
        label=_("Is it about one of your applications? (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Not about an application"),
        error_messages={"invalid_choice": _("Choose one of your applications, or none.")},
    )
    payment = OwnPaymentField(
        label=_("Which payment did not arrive? (for a payment not received)"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of your payments, or none.")},
    )
    anonymous = forms.BooleanField(
        label=_("Keep me anonymous"),
        help_text=_(
            "We will not keep your name or phone number. You get a reference and a PIN to follow your complaint."
        ),
        required=False,
    )
    phone = PhoneField(
        label=_("Your mobile phone number"),
        help_text=_("We will send you updates by SMS. Leave it empty if you stay anonymous."),
        required=False,
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = user is not None
        self.payments = {}
        if self.signed_in:
            self.fields["related"].queryset = programme_applications_of_user(user).prefetch_related("programme__names")
            del self.fields["phone"]
            self.payments = {payment.pk: payment for payment in payments_of_user(user)}
        else:
            del self.fields["related"]
        if self.payments:
            self.fields["payment"].choices = [("", _("Not about a payment"))] + [
                (pk, payment_label(payment)) for pk, payment in self.payments.items()
            ]
        else:
            del self.fields["payment"]

    def clean(self):
        data = super().clean()
        if data.get("anonymous"):
            if data.get("related"):
                self.add_error(
                    "related", _("An anonymous complaint cannot name your application. Choose one or the other.")
                )
            if data.get("phone"):
                self.add_error(
                    "phone", _("An anonymous complaint keeps no phone number. Leave it empty, or untick the box.")
                )
            data["phone"] = ""
            if data.get("payment"):
                self.add_error(
                    "payment", _("An anonymous complaint cannot name your payment. Choose one or the other.")
                )
        elif not self.signed_in and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter your phone number, or tick the box to stay anonymous."))
        if data.get("payment") and data.get("category") != Category.PAYMENT_NOT_RECEIVED:
            self.add_error("payment", _("Name a payment only for a complaint about a payment not received."))
        data["payment"] = self.payments.get(data.get("payment")) if data.get("payment") else None
        return data


def payment_label(payment) -> str:
    """``Old-age pension · KES 2,000 · Sent · 5 December 2026`` in the active language."""
    day = format_day(payment.payment_date)
    return (
        f"{payment.programme_application.programme.name()} · {format_amount(payment.amount, payment.currency)} · "
        f"{payment.get_status_display()} · {day}"
    )


class TrackForm(CitizenForm):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("The 10 digits you were given, like 2 4821 7730 5."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the reference.")},
    )
    pin = forms.CharField(
        label=_("PIN"),
        help_text=_("The PIN you were given with the reference (6 digits, or 4 for older cases)."),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "narrow"}),
    )


class CallbackForm(CitizenForm):
    phone = PhoneField(label=_("Which number should we call?"), mobile=False)  # a landline can be called
    reason = forms.ChoiceField(
        label=_("What do you want to talk about?"),
        choices=CallbackRequest.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you would like a call."),
            "invalid_choice": _("Choose why you would like a call."),
        },
    )
    preferred_time = forms.ChoiceField(
        label=_("When should we call you?"),
        help_text=_("We try to call at the time you choose."),
        choices=CallbackRequest.PreferredTime.choices,
        initial=CallbackRequest.PreferredTime.ANY,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose when we should call you.")},
    )

    def clean_preferred_time(self) -> str:
        """No choice is "any time" (the radio starts there; an old page may not send it)."""
        return self.cleaned_data["preferred_time"] or CallbackRequest.PreferredTime.ANY
