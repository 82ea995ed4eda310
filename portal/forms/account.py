"""My account: appeal a refusal, withdraw, language, SMS."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grievances.ratings import SCORE_LABELS, SCORES
from grievances.services import MAX_DESCRIPTION_LENGTH
from portal.forms.base import CitizenForm, lazy_format


class AppealForm(CitizenForm):
    reason = forms.CharField(
        label=_("Why do you think the decision is wrong?"),
        help_text=_("Say it in your own words. Tell us anything we may not have known."),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Tell us why you think the decision is wrong."),
            "max_length": _("Keep it shorter: at most 2000 characters."),
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _score_choices() -> list[tuple[int, str]]:
    return [
        (score, lazy_format(_("%(score)s – %(label)s"), score=score, label=SCORE_LABELS[score])) for score in SCORES
    ]


class RatingForm(CitizenForm):
    """The citizen's rating of an answer, from 1 (very poor) to 5 (very good)."""

    score = forms.TypedChoiceField(
        label=_("How good was our answer?"),
        help_text=_("1 is very poor, 5 is very good. You can rate an answer once."),
        choices=_score_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number from 1 to 5."),
            "invalid_choice": _("Choose a number from 1 to 5."),
        },
    )


class LanguageForm(CitizenForm):
    language = forms.ChoiceField(
        label=_("Which language should we use with you?"),
        help_text=_("We will use it on this website and in our SMS."),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language."), "invalid_choice": _("Choose a language.")},
    )


class SmsForm(CitizenForm):
    opt_out = forms.BooleanField(
        label=_("Do not send me SMS I do not need"),
        help_text=_("We will still send codes, receipts and decisions."),
        required=False,
    )
