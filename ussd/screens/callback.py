"""Call me back: why, then a call-back request and a promise of when the call will come."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext

from grievances.models import CallbackRequest
from grievances.services import CALLBACK_PROMISE_HOURS, request_callback
from ussd.engine import Context, End, MenuScreen, Option, Outcome, Prompt, register
from ussd.people import person_for_phone


@register
class CallbackReasonScreen(MenuScreen):
    name = "callback_reason"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "What should we call you about?"),
            options=[Option(str(label), value) for value, label in CallbackRequest.Reason.choices],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        return ask_for_call_back(ctx, value)


def ask_for_call_back(ctx: Context, reason: str) -> End:
    """Queue a call back to the caller's phone and say when to expect it (once per waiting number)."""
    try:
        _request, created = request_callback(
            phone=ctx.phone,
            reason=reason,
            channel="ussd",
            language=ctx.language,
            person=person_for_phone(ctx.phone),
        )
    except ValidationError as exc:
        return End(" ".join(str(message) for message in exc.messages), screen="callback_refused")
    if created:
        text = pgettext("ussd", "Thank you. We will call you within %(hours)s hours.")
    else:
        text = pgettext("ussd", "You are already on our list. We will call you within %(hours)s hours.")
    return End(text % {"hours": CALLBACK_PROMISE_HOURS}, screen="callback_done", completed=True)
