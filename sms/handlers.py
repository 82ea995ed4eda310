"""What each SMS command does: call one domain service, choose the reply.

Handlers never write a status, a reference or a preference themselves; they call the registry and
grievance services and return the template (and context) of the reply, or ``None`` when the
service already queued the answer (a complaint's acknowledgement).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation

from grievances.models import CallbackRequest, Category, Grievance
from grievances.ratings import RatingError, case_rated_lately_from_phone, case_to_rate_for_phone, rate_answer
from grievances.services import CALLBACK_PROMISE_HOURS, file_grievance, request_callback
from grievances.tracking import TrackingError, track_grievance
from grievances.workflow import CitizenActor
from registry import queries
from registry.appeals import appeal_deadline
from registry.consent import has_consent, withdraw_consent
from registry.models import Channel, Person
from registry.payments import format_amount
from registry.preferences import set_phone_language, set_sms_opt_out, sms_language
from registry.references import format_reference
from sms import keywords
from sms.commands import RATE, ParsedCommand, is_confirmation, parse_language_argument, parse_track_argument
from sms.templates import fit_list, sms_date


@dataclass(frozen=True)
class Reply:
    """The SMS to send back: a template, its context and, when it differs, the language to use."""

    template: str
    context: dict = field(default_factory=dict)
    language: str | None = None


@dataclass(frozen=True)
class CommandRequest:
    """One understood SMS: who sent it, in which language we answer, and what followed the keyword."""

    sender: str
    language: str
    argument: str
    inbound_id: str

    def person(self) -> Person | None:
        """The one person registered with this phone, if exactly one is."""
        people = list(queries.people_with_phone(self.sender)[:2])
        return people[0] if len(people) == 1 else None


def show_status(request: CommandRequest) -> Reply:
    """Reply with the status of every programme request made with this phone, newest first."""
    language = request.language
    items = []
    with translation.override(language):
        for application in queries.applications_for_phone(request.sender):
            for requested in application.programme_applications.all():
                items.append(f"{requested.programme.short_name(language)}: {requested.get_status_display()}")
    if not items:
        return Reply("status_none")
    return Reply("status_reply", {"statuses": fit_list("status_reply", language, {}, "statuses", items)})


def show_payments(request: CommandRequest) -> Reply:
    """Reply with the latest payment per programme to the applications made with this phone."""
    language = request.language
    with translation.override(language):
        items = [
            f"{payment.programme_application.programme.short_name(language)}: "
            f"{format_amount(payment.amount, payment.currency)} {payment.get_status_display()} "
            f"{sms_date(payment.payment_date)}"
            for payment in queries.latest_payments(request.sender)
        ]
    if not items:
        return Reply("payments_none")
    return Reply("payments_reply", {"payments": fit_list("payments_reply", language, {}, "payments", items)})


def complain(request: CommandRequest) -> Reply | None:
    """File the text as a complaint (channel SMS); its acknowledgement SMS is the reply."""
    if not request.argument:
        return Reply("complain_usage")
    file_grievance(
        category=Category.OTHER,
        description=request.argument,
        channel=Channel.SMS,
        language=request.language,
        complainant=request.person(),
        phone=request.sender,
        idempotency_key="sms:" + hashlib.sha256(request.inbound_id.encode()).hexdigest()[:40],
    )
    return None


TRACKING_REPLIES = {
    "bad_reference": "track_bad_reference",
    "not_found": "track_not_found",
    "pin_required": "track_pin_required",
    "bad_pin": "track_bad_pin",
    "locked": "track_locked",
    "unavailable": "track_unavailable",
}


def track(request: CommandRequest) -> Reply:
    """Reply with a case's status, for its phone or anyone with its PIN.

    An open case gets its due date. Where an officer wrote to the person, the reply says where to
    read it (USSD): what an officer writes may be personal, and no SMS carries it.
    """
    reference, pin = parse_track_argument(request.argument)
    if not reference:
        return Reply("track_usage")
    try:
        with translation.override(request.language):
            case = track_grievance(reference, pin=pin, phone=request.sender)
    except TrackingError as error:
        template = TRACKING_REPLIES.get(error.code, "track_not_found")
        return Reply(template, {"reference": format_reference(reference)})
    context = {"reference": format_reference(case.grievance.reference), "status": case.status_label}
    if case.last_reply:
        return Reply("track_reply_to_read", context)
    if case.grievance.status not in Grievance.OPEN_STATUSES:
        return Reply("track_closed", context)
    return Reply("track_reply", {**context, "due_date": sms_date(case.due_at)})


def call_back(request: CommandRequest) -> Reply:
    """Ask for a call back to this phone (a number already waiting is not queued twice)."""
    request_callback(
        phone=request.sender,
        reason=CallbackRequest.Reason.OTHER,
        channel=Channel.SMS,
        language=request.language,
        person=request.person(),
    )
    return Reply("callback_requested", {"hours": CALLBACK_PROMISE_HOURS})


def show_help(request: CommandRequest) -> Reply:
    """Reply with the keywords of the sender's language."""
    return Reply("help")


def stop(request: CommandRequest) -> Reply:
    """Stop non-essential SMS to this phone; answers asked for and sign-in codes still go."""
    set_sms_opt_out(request.sender, True)
    return Reply("opted_out")


def start(request: CommandRequest) -> Reply:
    """Resume non-essential SMS to this phone."""
    set_sms_opt_out(request.sender, False)
    return Reply("opted_in")


def change_language(request: CommandRequest) -> Reply:
    """Remember the language named after the keyword and confirm in that language."""
    language = parse_language_argument(request.argument)
    if language is None:
        return Reply("language_usage")
    set_phone_language(request.sender, language)
    return Reply("language_set", language=language)


def rate(request: CommandRequest) -> Reply:
    """Take a bare 1 to 5 as the rating of the phone's latest answered case; a poor one gets the appeal steps.

    With no answer waiting for a rating, the digit means nothing by SMS: the help reply.
    """
    case = case_to_rate_for_phone(request.sender)
    if case is None:
        rated = case_rated_lately_from_phone(request.sender)
        if rated is None:
            return Reply("help")
        return Reply("rating_already", {"reference": format_reference(rated.reference)})
    language = sms_language(request.sender, case.language)
    context = {"reference": format_reference(case.reference)}
    actor = CitizenActor(channel=Channel.SMS, person=request.person(), phone=request.sender)
    try:
        result = rate_answer(case, int(request.argument), actor)
    except RatingError:
        return Reply("rating_already", context, language=language)
    if result.offer_appeal:
        context["due_date"] = sms_date(appeal_deadline(case.resolved_at))
        return Reply("rating_poor", context, language=language)
    return Reply("rating_thanks", context, language=language)


def withdraw(request: CommandRequest) -> Reply:
    """Withdraw consent for the people registered with this phone, once the sender confirmed.

    ``WITHDRAW`` alone says what follows (applications stop; complaints go on) and how to confirm;
    ``WITHDRAW YES`` (in any language) withdraws it.
    """
    people = list(queries.people_with_phone(request.sender))
    if not has_consent(people):
        return Reply("consent_none")
    if not is_confirmation(request.argument):
        return Reply("consent_withdraw_ask")
    result = withdraw_consent(people, channel=Channel.SMS)
    return Reply("consent_withdrawn", {"count": len(result.stopped)})


HANDLERS: dict[str, Callable[[CommandRequest], Reply | None]] = {
    RATE: rate,
    keywords.STATUS: show_status,
    keywords.COMPLAIN: complain,
    keywords.TRACK: track,
    keywords.CALL: call_back,
    keywords.HELP: show_help,
    keywords.STOP: stop,
    keywords.START: start,
    keywords.LANGUAGE: change_language,
    keywords.PAYMENT: show_payments,
    keywords.WITHDRAW: withdraw,
}


def handle(parsed: ParsedCommand, request: CommandRequest) -> Reply | None:
    """Run the command's handler; a message that matches no command gets the help reply."""
    handler = HANDLERS.get(parsed.command or "", show_help)
    return handler(request)
