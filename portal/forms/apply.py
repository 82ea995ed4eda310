"""One form per question of the application. Each reads its answers from the draft and writes them back.

Answers are kept JSON-ready (dates as ISO text, areas as ids, programmes as codes).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms.base import CitizenForm, count_field, lazy_format, number_input
from registry.eligibility import open_programmes
from registry.formatting import income_band_choices
from registry.models import AdminArea, Sex
from registry.services import (
    clean_national_id,
    national_id_length_message,
    national_id_length_ok,
    old_enough_to_apply,
    too_young_message,
)
from registry.validators import (
    MAX_NAME_LENGTH,
    children_message,
    most_children_under_18,
    name_is_plausible,
    name_message,
    oldest_birth_year,
    year_in_full_message,
)


class AnswerForm(CitizenForm):
    """A question of the application: built from the draft's answers, giving answers back."""

    answer_keys: tuple[str, ...] = ()

    def __init__(self, *args, answers: dict | None = None, **kwargs):
        self.answers = answers or {}
        kwargs.setdefault("initial", self.initial_from(self.answers))
        super().__init__(*args, **kwargs)

    def initial_from(self, answers: dict) -> dict:
        """Initial field values from earlier answers."""
        return {key: answers[key] for key in self.answer_keys if key in answers}

    def to_answers(self) -> dict:
        """The answers this form gives, ready to store."""
        return {key: self.cleaned_data[key] for key in self.answer_keys}


class NameForm(AnswerForm):
    """Given and family name: letters of any script, each at most ``MAX_NAME_LENGTH`` characters."""

    answer_keys = ("given_name", "family_name")

    given_name = forms.CharField(
        label=_("First name"),
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your first name."),
            "max_length": lazy_format(
                _("Your first name is too long: at most %(limit)s characters."), limit=MAX_NAME_LENGTH
            ),
        },
    )
    family_name = forms.CharField(
        label=_("Last name"),
        max_length=MAX_NAME_LENGTH,
        required=False,
        help_text=_("Leave this empty if you have only one name."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={
            "max_length": lazy_format(
                _("Your last name is too long: at most %(limit)s characters."), limit=MAX_NAME_LENGTH
            )
        },
    )

    def clean_given_name(self) -> str:
        return self._name("given_name")

    def clean_family_name(self) -> str:
        return self._name("family_name")

    def _name(self, key: str) -> str:
        value = self.cleaned_data[key]
        if value and not name_is_plausible(value):
            raise forms.ValidationError(name_message(), code="not_a_name")
        return value

    def to_answers(self) -> dict:
        return {key: " ".join(self.cleaned_data[key].split()) for key in self.answer_keys}


class DateOfBirthForm(AnswerForm):
    """Day, month and year in three boxes; one error for the whole date, shown at the day box."""

    answer_keys = ("date_of_birth",)

    day = forms.CharField(label=_("Day"), required=False, max_length=4, widget=number_input(maxlength=2))
    month = forms.CharField(label=_("Month"), required=False, max_length=4, widget=number_input(maxlength=2))
    year = forms.CharField(label=_("Year"), required=False, max_length=6, widget=number_input(maxlength=4))

    def initial_from(self, answers: dict) -> dict:
        if not answers.get("date_of_birth"):
            return {}
        born = date.fromisoformat(answers["date_of_birth"])
        return {"day": born.day, "month": born.month, "year": born.year}

    def clean(self):
        data = super().clean()
        parts = [str(data.get(name) or "").strip() for name in ("day", "month", "year")]
        try:
            born = self._date_from(parts)
        except forms.ValidationError as error:
            for name in ("month", "year"):
                self._errors.pop(name, None)
            self._errors.pop("day", None)
            self.add_error("day", error)
            return data
        data["date_of_birth"] = born
        return data

    @staticmethod
    def _date_from(parts: list[str]) -> date:
        if not any(parts):
            raise forms.ValidationError(_("Enter your date of birth."), code="required")
        if not all(parts):
            raise forms.ValidationError(_("Date of birth must include a day, a month and a year."), code="incomplete")
        invalid = forms.ValidationError(_("Date of birth must be a real date, like 27 3 1980."), code="invalid")
        if len(parts[2]) < 4 and parts[2].isascii() and parts[2].isdigit():
            raise forms.ValidationError(year_in_full_message(parts[2]), code="short_year")
        try:
            day, month, year = (int(part) for part in parts)
            born = date(year, month, day)
        except ValueError as exc:
            raise invalid from exc
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("Date of birth must be in the past."), code="future")
        if born.year < oldest_birth_year():
            raise forms.ValidationError(
                lazy_format(_("Date of birth must be after %(year)s."), year=oldest_birth_year()), code="too_old"
            )
        if not old_enough_to_apply(born.year, born):
            raise forms.ValidationError(too_young_message(), code="too_young")
        return born

    def to_answers(self) -> dict:
        return {"date_of_birth": self.cleaned_data["date_of_birth"].isoformat()}


class SexForm(AnswerForm):
    answer_keys = ("sex",)

    sex = forms.ChoiceField(
        label=_("What is your sex?"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your sex."), "invalid_choice": _("Choose your sex.")},
    )


class NationalIdForm(AnswerForm):
    answer_keys = ("national_id",)

    national_id = forms.CharField(
        label=_("National ID number (if you have one)"),
        required=False,
        max_length=24,
        help_text=_("It helps us find your records. You can apply without one."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "numeric"}),
        error_messages={"max_length": _("A national ID number is at most 24 characters.")},
    )

    def clean_national_id(self) -> str:
        raw = self.cleaned_data["national_id"]
        # Spaces and dashes are how people group the digits; anything else is a typing mistake.
        if any(not (ch.isalnum() or ch in " -") for ch in raw):
            raise forms.ValidationError(_("Use only letters and numbers."), code="invalid")
        cleaned = clean_national_id(raw)
        if not national_id_length_ok(cleaned):
            raise forms.ValidationError(national_id_length_message(), code="length")
        return cleaned


class HouseholdSizeForm(AnswerForm):
    answer_keys = ("household_size",)

    household_size = count_field(
        _("How many people live in your household, with you?"),
        _("Enter the number of people in your household."),
        _("Count everyone who lives and eats with you, and yourself."),
        minimum=1,
    )


class ChildrenForm(AnswerForm):
    answer_keys = ("children_under_18", "children_under_5")

    children_under_18 = count_field(
        _("Children under 18"), _("Enter the number of children under 18, or 0."), _("Enter 0 if there are none.")
    )
    children_under_5 = count_field(
        _("Of them, children under 5"),
        _("Enter the number of children under 5, or 0."),
        _("Enter 0 if there are none."),
    )

    def clean(self):
        data = super().clean()
        under_18, under_5 = data.get("children_under_18"), data.get("children_under_5")
        size = int(self.answers.get("household_size") or 0)
        if under_18 is not None and size and under_18 > most_children_under_18(size):
            self.add_error("children_under_18", children_message(size))
        elif under_18 is not None and under_5 is not None and under_5 > under_18:
            self.add_error("children_under_5", _("Children under 5 are also under 18: this number cannot be larger."))
        return data


class DisabilityForm(AnswerForm):
    answer_keys = ("members_with_disability",)

    members_with_disability = count_field(
        _("How many people in your household have a disability?"),
        _("Enter the number of people with a disability, or 0."),
        _("Count yourself too. Enter 0 if there are none."),
    )

    def clean_members_with_disability(self) -> int:
        value = self.cleaned_data["members_with_disability"]
        size = int(self.answers.get("household_size") or 0)
        if size and value > size:
            raise forms.ValidationError(_("This is more than the number of people in your household."))
        return value


class AreaChoiceField(forms.ModelChoiceField):
    """A region or a district, chosen by its name."""

    def label_from_instance(self, obj) -> str:
        return obj.name_in()


class RegionForm(AnswerForm):
    answer_keys = ("region",)

    region = AreaChoiceField(
        label=_("Which region do you live in?"),
        queryset=AdminArea.objects.filter(level=AdminArea.Level.REGION),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose your region."), "invalid_choice": _("Choose your region.")},
    )

    def to_answers(self) -> dict:
        return {"region": self.cleaned_data["region"].pk}


class DistrictForm(AnswerForm):
    answer_keys = ("district",)

    district = AreaChoiceField(
        label=_("Which district do you live in?"),
        queryset=AdminArea.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose your district."), "invalid_choice": _("Choose your district.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = AdminArea.objects.filter(
            level=AdminArea.Level.DISTRICT, parent_id=self.answers.get("region")
        )

    def to_answers(self) -> dict:
        return {"district": self.cleaned_data["district"].pk}


class IncomeForm(AnswerForm):
    answer_keys = ("income_band",)

    income_band = forms.TypedChoiceField(
        label=_("How much money does your household get in a month?"),
        help_text=_("Count all work, trade, farming and support from others."),
        choices=income_band_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your household's monthly income."),
            "invalid_choice": _("Choose your household's monthly income."),
        },
    )


class ProgrammeChoiceField(forms.ModelMultipleChoiceField):
    """Open programmes by name; the value is the programme's code."""

    def label_from_instance(self, obj) -> str:
        return obj.name()


class ProgrammesForm(AnswerForm):
    answer_keys = ("programmes",)

    programmes = ProgrammeChoiceField(
        label=_("Which programmes do you want to apply to?"),
        help_text=_("Choose all that you want. You can apply even if we think you are unlikely to qualify."),
        queryset=open_programmes(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one programme."),
            "invalid_choice": _("Choose programmes from the list."),
            "invalid_pk_value": _("Choose programmes from the list."),
        },
    )

    def initial_from(self, answers: dict) -> dict:
        chosen = answers.get("programmes", answers.get("preselected"))
        return {"programmes": chosen} if chosen else {}

    def to_answers(self) -> dict:
        return {"programmes": [programme.code for programme in self.cleaned_data["programmes"]]}


class ConsentForm(AnswerForm):
    answer_keys = ("consent",)

    consent = forms.BooleanField(
        label=_("I agree that Lango uses my answers to decide on my application, as the privacy notice says."),
        error_messages={"required": _("Tick the box to agree, or we cannot take your application.")},
    )
