"""Withdrawing consent, from "My applications": what follows first, then a yes or no.

Withdrawing stops the applications still waiting for a decision; complaints go on (see
``registry.consent``). The main menu has no room for an eighth item on an Arabic screen, so this
journey starts from "My applications".
"""

from __future__ import annotations

from django.utils.translation import pgettext

from registry.consent import has_consent, withdraw_consent
from registry.models import Channel
from registry.queries import people_with_phone
from ussd.engine import ConfirmScreen, Context, End, Goto, Option, Outcome, Prompt, register

SCREEN = "consent_withdraw"


def consent_action(ctx: Context) -> Option | None:
    """The "withdraw consent" entry of "My applications", when this phone has a consent to withdraw."""
    if not ctx.once("has_consent", lambda: has_consent(list(people_with_phone(ctx.phone)))):
        return None
    return Option(pgettext("ussd", "Withdraw consent"), SCREEN)


def start_withdrawal(ctx: Context) -> Outcome:
    """Go to the question that says what withdrawing consent does."""
    return Goto(SCREEN)


@register
class ConsentWithdrawScreen(ConfirmScreen):
    name = SCREEN

    def question(self, ctx: Context) -> str:
        return pgettext("ussd", "Withdraw your consent?")

    def render(self, ctx: Context) -> Prompt:
        # What follows is read before the choice, over as many pages as it needs.
        return Prompt(
            self.question(ctx),
            lines=[
                pgettext("ussd", "Applications waiting for a decision stop."),
                pgettext("ussd", "Complaints go on; new ones can be anonymous."),
            ],
            options=[Option(self.yes_label(), True), Option(self.no_label(), False)],
        )

    def yes_label(self) -> str:
        return pgettext("ussd", "Withdraw")

    def no_label(self) -> str:
        return pgettext("ussd", "Cancel")

    def confirm(self, ctx: Context) -> Outcome:
        result = withdraw_consent(list(people_with_phone(ctx.phone)), channel=Channel.USSD)
        if not result.consents:
            return End(pgettext("ussd", "There is no consent to withdraw."), screen="consent_none")
        message = pgettext("ussd", "Consent withdrawn. Applications stopped: %(count)s.") % {
            "count": len(result.stopped)
        }
        return End(message, screen="consent_withdrawn", completed=True)
