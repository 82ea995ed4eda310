"""My payments: the latest payment to each programme the phone's applications are enrolled in.

Each line says the programme, the amount, what became of it and the date, as the payment system
reported them; long lines carry over to the next page rather than being cut.
"""

from __future__ import annotations

from django.utils.translation import pgettext

from registry.models import Payment
from registry.payments import format_amount
from registry.queries import latest_payments
from sms.templates import sms_date
from ussd.engine import Context, Goto, MenuScreen, Option, Outcome, Prompt, register

PAYMENTS_LISTED = 6


def payment_line(payment: Payment, language: str) -> str:
    """``Old-age pension: KES 2,000 Paid 05/12/2026`` in the caller's language."""
    programme = payment.programme_application.programme.short_name(language)
    amount = format_amount(payment.amount, payment.currency)
    return f"{programme}: {amount} {payment.get_status_display()} {sms_date(payment.payment_date)}"


@register
class MyPaymentsScreen(MenuScreen):
    name = "my_payments"

    def render(self, ctx: Context) -> Prompt:
        lines = ctx.once(
            "payments", lambda: [payment_line(p, ctx.language) for p in latest_payments(ctx.phone)[:PAYMENTS_LISTED]]
        )
        if not lines:
            return Prompt(
                pgettext("ussd", "No payment yet to this phone's applications."),
                options=[Option(pgettext("ussd", "My applications"), "my_applications")],
            )
        return Prompt(pgettext("ussd", "Your latest payments:"), lines=lines)

    def choose(self, ctx: Context, value: str) -> Outcome:
        return Goto(value)
