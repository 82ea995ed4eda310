"""My applications: each programme request with its status, its detail, and an appeal of a refusal.

The appeal screens also take the appeal of a complaint's answer, reached from tracking the case.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext

from grievances.models import Category, Grievance
from grievances.services import TransitionError, can_appeal_programme_application, file_grievance, transition
from grievances.workflow import CitizenActor
from registry.decisions import citizen_reason
from registry.models import ProgrammeApplication
from registry.queries import applications_for_phone
from sms.encoding import plain_punctuation
from sms.templates import sms_date
from ussd.engine import (
    ConfirmScreen,
    Context,
    End,
    Goto,
    InputScreen,
    MenuScreen,
    Option,
    Outcome,
    Prompt,
    main_menu,
    register,
)
from ussd.people import person_for_phone
from ussd.screens.apply import start_application
from ussd.screens.complaint import clean_description
from ussd.screens.consent import SCREEN as CONSENT_SCREEN
from ussd.screens.consent import consent_action, start_withdrawal
from ussd.wording import facts_then, officer_words, pin_line, reference_line

MAX_LISTED = 30


def status_label(status: str) -> str:
    """A programme request's status, in the same words as on the web and in SMS."""
    try:
        return str(ProgrammeApplication.Status(status).label)
    except ValueError:
        return status


def _own_request(ctx: Context, pk: Any) -> ProgrammeApplication | None:
    """The programme request ``pk`` if it was made with this phone."""
    return (
        ProgrammeApplication.objects.select_related("application", "programme")
        .prefetch_related("programme__names")
        .filter(pk=pk, application__applicant__phone=ctx.phone)
        .first()
    )


@register
class MyApplicationsScreen(MenuScreen):
    name = "my_applications"

    def _requests(self, ctx: Context) -> list[tuple[int, str, str]]:
        def load() -> list[tuple[int, str, str]]:
            found = []
            for application in applications_for_phone(ctx.phone)[:MAX_LISTED]:
                for pa in application.programme_applications.all():
                    found.append((pa.pk, pa.programme.short_name(ctx.language), pa.status))
            return found[:MAX_LISTED]

        return ctx.once("my_applications", load)

    def render(self, ctx: Context) -> Prompt:
        requests = self._requests(ctx)
        if not requests:
            return Prompt(
                pgettext("ussd", "No application from this phone yet."),
                options=[Option(pgettext("ussd", "Apply"), "apply")],
            )
        # A long programme name may be shortened; the status after it never is.
        options = [Option(name, pk, tail=f": {status_label(status)}") for pk, name, status in requests]
        action = consent_action(ctx)  # last in the list, so the requests come first on every screen size
        return Prompt(pgettext("ussd", "Your applications:"), options=[*options, *([action] if action else [])])

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if value == "apply":
            return start_application(ctx)
        if value == CONSENT_SCREEN:
            return start_withdrawal(ctx)
        return Goto("application_detail", {"request": value})


@register
class ApplicationDetailScreen(MenuScreen):
    name = "application_detail"

    def _request(self, ctx: Context) -> ProgrammeApplication | None:
        return ctx.once("request", lambda: _own_request(ctx, ctx.params.get("request")))

    def render(self, ctx: Context) -> Prompt:
        pa = self._request(ctx)
        if pa is None:
            return Prompt(pgettext("ussd", "This application was not found."))
        # Facts are lines to read, never a heading: a line that does not fit a page goes on the next
        # one whole, so that no status, reference, date or reason is ever cut.
        lines = [
            pa.programme.short_name(ctx.language),
            reference_line(pa.application.reference),
            status_label(pa.status),
        ]
        if pa.status in ProgrammeApplication.OPEN_STATUSES and pa.due_at and not pa.decided_at:
            lines.append(pgettext("ussd", "Decision by %(date)s") % {"date": sms_date(pa.due_at)})
        reason = (
            citizen_reason(pa.decision_reason_code) if pa.status == ProgrammeApplication.Status.NOT_ELIGIBLE else ""
        )
        if reason:  # the standard reason first, in the caller's language
            lines.append(reason)
        if pa.decision_text:
            # Then the officer's own words, read over as many pages as they need.
            lines.append(officer_words(pa.decision_text))
        options = []
        if can_appeal_programme_application(pa):
            options.append(Option(pgettext("ussd", "Appeal"), "appeal"))
        return Prompt("", lines=lines, options=options)

    def choose(self, ctx: Context, value: Any) -> Outcome:
        return Goto("appeal_reason", {"request": ctx.params.get("request")})


@register
class AppealReasonScreen(InputScreen):
    name = "appeal_reason"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "Why do you disagree with the decision? A few words:"))

    def clean(self, ctx: Context, raw: str) -> str:
        return clean_description(raw)

    def accept(self, ctx: Context, value: str) -> Outcome:
        ctx.answers["appeal_text"] = value
        # What is appealed: a programme request ("request") or the answer to a case ("case").
        return Goto("appeal_confirm", dict(ctx.params))


@register
class AppealConfirmScreen(ConfirmScreen):
    name = "appeal_confirm"

    def question(self, ctx: Context) -> str:
        return pgettext("ussd", "Send your appeal?")

    def yes_label(self) -> str:
        return pgettext("ussd", "Send")

    def no_label(self) -> str:
        return pgettext("ussd", "Cancel")

    def confirm(self, ctx: Context) -> Outcome:
        if ctx.params.get("case"):
            return _appeal_case_answer(ctx)
        pa = _own_request(ctx, ctx.params.get("request"))
        if pa is None:
            return main_menu()
        try:
            filing = file_grievance(
                kind=Grievance.Kind.APPEAL,
                category=Category.DECISION_APPEAL,
                description=ctx.answers.get("appeal_text", ""),
                channel="ussd",
                language=ctx.language,
                complainant=pa.application.applicant,
                related_programme_application=pa,
                idempotency_key=f"ussd:{ctx.session_id}:appeal:{pa.pk}",
            )
        except ValidationError as exc:
            return End(" ".join(str(message) for message in exc.messages), screen="appeal_refused")
        return _appeal_sent(filing.grievance, pin=None)


def _appeal_case_answer(ctx: Context) -> Outcome:
    """Appeal the answer to a case the session tracked (as its owner, or with its PIN)."""
    reference = ctx.params.get("case", "")
    grievance = Grievance.objects.filter(reference=reference).first()
    if grievance is None:
        return main_menu()
    actor = CitizenActor(
        channel="ussd",
        person=person_for_phone(ctx.phone),
        phone=ctx.phone,
        pin_checked_for=reference if ctx.params.get("pin_checked") else "",
    )
    try:
        result = transition(
            grievance,
            "appeal",
            actor,
            text=ctx.answers.get("appeal_text", ""),
            language=ctx.language,
            idempotency_key=f"ussd:{ctx.session_id}:appeal:{reference}",
        )
    except TransitionError as exc:
        return End(plain_punctuation(str(exc.message)), screen="appeal_refused")
    return _appeal_sent(result.appeal, pin=result.pin)


def _appeal_sent(appeal: Grievance, pin: str | None) -> End:
    """The last screen of an appeal: its reference (and PIN, for an anonymous case), then when to expect an answer."""
    if pin:  # an anonymous case: nothing is sent anywhere, the screen is all the person gets
        # Translators: last USSD screen, under the reference and PIN lines. Arabic: at most 45 characters.
        message = pgettext("ussd", "Appeal sent. Note these: they are shown only once.")
        return End(
            facts_then(message, reference_line(appeal.reference), pin_line(pin)), screen="appeal_done", completed=True
        )
    message = pgettext("ussd", "Appeal sent. Answer by %(date)s.") % {"date": sms_date(appeal.due_at)}
    return End(facts_then(message, reference_line(appeal.reference)), screen="appeal_done", completed=True)
