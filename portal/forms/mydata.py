"""My data: ask for a correction of one's details, or for their erasure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grievances.services import MAX_DESCRIPTION_LENGTH
from portal.forms.base import CitizenForm
from registry.models import AdminArea, Sex


def _district_choices() -> list[tuple[str, str]]:
    districts = AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).order_by("name")
    return [("", _("Unchanged")), *((area.code, area.name_in()) for area in districts)]


class CorrectionForm(CitizenForm):
    """Only what is wrong: every field left empty stays as it is."""

    given_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    family_name = forms.CharField(label=_("Last name"), max_length=60, required=False)
    date_of_birth = forms.CharField(
        label=_("Date of birth"), help_text=_("Day/month/year, for example 14/03/1956."), max_length=12, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Unchanged")), *Sex.choices], required=False)
    area = forms.ChoiceField(label=_("District"), choices=_district_choices, required=False)
    explanation = forms.CharField(
        label=_("Anything we should know (optional)"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ErasureForm(CitizenForm):
    explanation = forms.CharField(
        label=_("Why (optional)"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
