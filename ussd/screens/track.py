"""Track a complaint: the reference (check digit verified before any lookup), a PIN when needed, the status."""

from __future__ import annotations

from django.utils.translation import pgettext

from grievances.models import Grievance
from grievances.notifications import sms_date
from grievances.tracking import TrackedCase, TrackingError, check_reference, track_grievance
from ussd.engine import Context, End, Goto, InputScreen, Invalid, Outcome, Prompt, Stay, register
from ussd.wording import reference_line

PIN_LENGTH = 4


def _summary(case: TrackedCase) -> str:
    grievance = case.grievance
    values = {"status": case.status_label, "date": sms_date(case.due_at)}
    if grievance.status in Grievance.OPEN_STATUSES:
        status = pgettext("ussd", "%(status)s. Answer by %(date)s.") % values
    else:
        status = f"{case.status_label}."
    lines = [reference_line(grievance.reference), status]
    if case.last_reply:
        lines.append(pgettext("ussd", "Reply: %(reply)s") % {"reply": " ".join(case.last_reply.split())})
    return "\n".join(lines)


def _outcome(ctx: Context, reference: str, pin: str = "") -> Outcome:
    try:
        case = track_grievance(reference, pin=pin, phone=ctx.phone)
    except TrackingError as exc:
        if exc.code == "pin_required":
            return Goto("track_pin", {"reference": reference})
        if exc.code == "locked":
            return End(str(exc.message), screen="track_locked")
        return Stay(str(exc.message))
    return End(_summary(case), screen="track_done", completed=True)


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
        return Prompt(pgettext("ussd", "The 4-digit PIN given with the reference:"))

    def clean(self, ctx: Context, raw: str) -> str:
        if not (raw.isascii() and raw.isdigit() and len(raw) == PIN_LENGTH):
            raise Invalid(pgettext("ussd", "Type the 4 digits of the PIN."))
        return raw

    def accept(self, ctx: Context, value: str) -> Outcome:
        return _outcome(ctx, ctx.params.get("reference", ""), pin=value)
