"""Rate the answer to a tracked case (1 very poor to 5 very good); a poor rating offers the appeal at once.

Reached from the tracked case, whose owner (or PIN holder) the session already checked; the
rating itself is taken by ``grievances.ratings.rate_answer``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext

from grievances.models import Grievance
from grievances.ratings import SCORES, RatingError, rate_answer, score_label
from grievances.workflow import CitizenActor
from registry.models import Channel
from sms.encoding import plain_punctuation
from ussd.engine import Context, End, Goto, MenuScreen, Option, Outcome, Prompt, main_menu, register
from ussd.people import person_for_phone


def _actor(ctx: Context) -> CitizenActor:
    reference = ctx.params.get("case", "")
    return CitizenActor(
        channel=Channel.USSD,
        person=person_for_phone(ctx.phone),
        phone=ctx.phone,
        pin_checked_for=reference if ctx.params.get("pin_checked") else "",
    )


def _thanks() -> End:
    return End(pgettext("ussd", "Thank you for rating our answer."), screen="rating_done", completed=True)


@register
class RateAnswerScreen(MenuScreen):
    """How good was the answer? The option numbers are the scores."""

    name = "rate_answer"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "How good was our answer?"),
            options=[Option(score_label(score), score) for score in SCORES],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        case = Grievance.objects.filter(reference=ctx.params.get("case", "")).first()
        if case is None:
            return main_menu()
        try:
            result = rate_answer(case, value, _actor(ctx))
        except RatingError as exc:
            return End(plain_punctuation(str(exc.message)), screen="rating_refused")
        if result.offer_appeal:
            return Goto("rating_poor", dict(ctx.params), remember=False)
        return _thanks()


@register
class RatingPoorScreen(MenuScreen):
    """After a rating of 1 or 2: the appeal, one key away."""

    name = "rating_poor"

    def allows_back(self, ctx: Context) -> bool:
        return False

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            # Translators: USSD screen above two choices. Arabic: at most 45 characters.
            pgettext("ussd", "Thank you. Sorry it did not help. Appeal the answer?"),
            options=[Option(pgettext("ussd", "Appeal"), "appeal"), Option(pgettext("ussd", "No, thank you"), "no")],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if value == "no":
            return _thanks()
        return Goto("appeal_reason", dict(ctx.params))
