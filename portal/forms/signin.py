"""Signing in: the phone number, then the code sent to it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms.base import CitizenForm, PhoneField


class PhoneForm(CitizenForm):
    phone = PhoneField(
        label=_("Your mobile phone number"),
        help_text=_("We will send a 6-digit code to this number by SMS."),
    )


class CodeForm(CitizenForm):
    code = forms.CharField(
        label=_("Code from the SMS"),
        help_text=_("The code has 6 digits and works for 10 minutes."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "narrow", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code from the SMS.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("The code has 6 digits, like 123456."), code="format")
        return code
