"""What every citizen form shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from registry.digits import ascii_digits
from registry.phones import normalise_mobile_phone, normalise_phone


class CitizenForm(forms.Form):
    """A form that leaves validation to the server, so every message is in the page's language.

    Every answer except free text is read through the one digits rule, so a PIN, a sign-in code, a
    year or a count typed with Arabic, Persian or full-width digits means what it says.
    """

    use_required_attribute = False

    def _widget_data_value(self, widget, html_name):
        value = super()._widget_data_value(widget, html_name)
        if isinstance(widget, forms.Textarea):
            return value
        if isinstance(value, str):
            return ascii_digits(value)
        if isinstance(value, list | tuple):
            return [ascii_digits(item) if isinstance(item, str) else item for item in value]
        return value


def _format(message, params: dict) -> str:
    return str(message) % params


_lazy_format = lazy(_format, str)


def lazy_format(message, **params):
    """Fill the named placeholders of a lazily translated ``message`` when it is shown, not before."""
    return _lazy_format(message, params)


def number_input(**attrs) -> forms.TextInput:
    """A text box for a whole number that brings up the number keypad on phones."""
    return forms.TextInput(attrs={"inputmode": "numeric", "class": "narrow", "autocomplete": "off", **attrs})


def count_field(label, required_message, help_text="", *, maximum: int = 50, minimum: int = 0) -> forms.IntegerField:
    """A count of people, with plain messages for every way it can be wrong."""
    range_message = lazy_format(_("Enter a number from %(low)s to %(high)s."), low=minimum, high=maximum)
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=minimum,
        max_value=maximum,
        widget=number_input(),
        error_messages={
            "required": required_message,
            "invalid": range_message,
            "min_value": range_message,
            "max_value": range_message,
        },
    )


class PhoneField(forms.CharField):
    """A mobile number of the served regions, cleaned to E.164 (``mobile=False``: any valid number)."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    default_error_messages = {"required": _("Enter your mobile phone number.")}

    def __init__(self, *, mobile: bool = True, **kwargs):
        self.mobile = mobile
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("Mobile phone number"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return normalise_mobile_phone(value) if self.mobile else normalise_phone(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_phone") from exc
