"""Track a complaint: the reference (check digit verified before any lookup), a PIN when needed, the status.

The case is shown on a screen of its own, so that an officer's long answer can be read page by
page; once answered it asks for the person's rating of the answer (``ussd.screens.rating``) and,
while the answer can still be appealed, offers the appeal (the appeal screens are shared with
"My applications").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext

from grievances.models import Grievance
from grievances.pins import clean_pin, looks_like_pin
from grievances.ratings import can_rate
from grievances.services import can_appeal_grievance
from grievances.tracking import TrackedCase, TrackingError, check_reference, public_view, track_grievance
from registry.references import format_reference
from sms.templates import sms_date
from ussd.engine import (
    Context,
    End,
    Goto,
    InputScreen,
    Invalid,
    MenuScreen,
    Option,
    Outcome,
    Prompt,
    Stay,
    main_menu,
    register,
)
from ussd.wording import officer_words, reference_line


def _summary_lines(case: TrackedCase) -> list[str]:
    grievance = case.grievance
    values = {"status": case.status_label, "date": sms_date(case.due_at)}
    if grievance.status in Grievance.OPEN_STATUSES:
        status = pgettext("ussd", "%(status)s. Answer by %(date)s.") % values
    else:
        status = f"{case.status_label}."
    lines = [reference_line(grievance.reference), status]
    appeal = grievance.appeals.order_by("-created_at").first()
    if appeal is not None:
        lines.append(
            pgettext("ussd", "Appealed: ref %(reference)s") % {"reference": format_reference(appeal.reference)}
        )
    if case.last_reply:
        lines.append(pgettext("ussd", "Reply: %(reply)s") % {"reply": officer_words(case.last_reply)})
    if grievance.rating is not None:
        lines.append(pgettext("ussd", "Your rating: %(score)s of 5") % {"score": grievance.rating})
    return lines


def _outcome(ctx: Context, reference: str, pin: str = "") -> Outcome:
    try:
        case = track_grievance(reference, pin=pin, phone=ctx.phone)
    except TrackingError as exc:
        if exc.code == "pin_required":
            return Goto("track_pin", {"reference": reference})
        if exc.code in ("locked", "unavailable"):
            return End(str(exc.message), screen="track_locked")
        return Stay(str(exc.message))
    # Entitlement was checked just now; the session (kept on our side) remembers how.
    return Goto("track_result", {"reference": case.grievance.reference, "pin_checked": bool(pin)}, remember=False)


@register
class TrackReferenceScreen(InputScreen):
    name = "track_reference"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "Complaint reference (10 digits):"))

    def clean(self, ctx: Context, raw: str) -> str:
        try:
            return check_reference(raw.replace("*", ""))
        except TrackingError as exc:
            raise Invalid(str(exc.message)) from exc

    def accept(self, ctx: Context, value: str) -> Outcome:
        return _outcome(ctx, value)


@register
class TrackPinScreen(InputScreen):
    name = "track_pin"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "The PIN given with the reference:"))

    def clean(self, ctx: Context, raw: str) -> str:
        if not looks_like_pin(raw):
            raise Invalid(pgettext("ussd", "Type the 6 digits of the PIN (4 for older cases)."))
        return clean_pin(raw)

    def accept(self, ctx: Context, value: str) -> Outcome:
        return _outcome(ctx, ctx.params.get("reference", ""), pin=value)


@register
class TrackResultScreen(MenuScreen):
    """A tracked case: its status and the officer's last words, then "Appeal" while that is possible."""

    name = "track_result"

    def enter(self, ctx: Context) -> Outcome | None:
        ctx.state.completed = True  # the person has what they came for, whatever they do next
        return None

    def _case(self, ctx: Context) -> Grievance | None:
        return ctx.once("tracked_case", lambda: Grievance.objects.filter(reference=ctx.params.get("reference")).first())

    def render(self, ctx: Context) -> Prompt:
        grievance = self._case(ctx)
        if grievance is None:
            return Prompt(pgettext("ussd", "We could not find a case with that reference."))
        # Appeal keeps key 1 whatever else is offered: people who appealed before find it where it was.
        options = [Option(pgettext("ussd", "Appeal"), "appeal")] if can_appeal_grievance(grievance) else []
        if can_rate(grievance):
            options.append(Option(pgettext("ussd", "Rate the answer"), "rate"))
        return Prompt("", lines=_summary_lines(public_view(grievance)), options=options)

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if self._case(ctx) is None:
            return main_menu()
        params = {"case": ctx.params.get("reference"), "pin_checked": ctx.params.get("pin_checked")}
        return Goto("rate_answer" if value == "rate" else "appeal_reason", params)
