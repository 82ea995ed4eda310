"""Every SMS a person can receive, as a translatable template with named placeholders.

Templates are marked with ``gettext_noop`` and translated when rendered, in the recipient's
language. They never name a grievance category or any personal detail beyond a first name.

Budgets (checked by tests for every template in every language, with worst-case values): one
part in GSM-7 languages (160 characters; French must avoid â ê î ô û ë ï œ ç and typographic
quotes, which turn a whole message into UCS-2) and at most two parts in Arabic (134 UCS-2
characters); the sign-in code fits 70 characters everywhere. Every template may use the
placeholders ``%(kw_status)s``, ``%(kw_complain)s``, ``%(kw_track)s``, ``%(kw_call)s``,
``%(kw_help)s``, ``%(kw_stop)s``, ``%(kw_start)s``, ``%(kw_language)s`` (the SMS keywords of its
language) and ``%(ussd_code)s``; ``render`` fills them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as N_

from sms.encoding import count_segments
from sms.keywords import keyword_context

TEMPLATES: dict[str, str] = {
    # Translators: SMS, at most 160 characters once filled (Arabic: 134). %(programmes)s lists up to five
    # short programme names. French: no â ê î ô û ç or typographic apostrophe.
    "application_received": N_("Lango: application %(reference)s received for %(programmes)s. Decision by SMS."),
    # Translators: SMS, at most 160 characters once filled (Arabic: 134). %(programmes)s lists up to five names.
    "application_already_open": N_("Lango: you already applied to %(programmes)s (ref %(reference)s)."),
    # Translators: SMS, at most 160 characters once filled (Arabic: 134). %(kw_track)s is the TRACK keyword.
    "grievance_received": N_(
        "Lango: case %(reference)s received. Answer by %(due_date)s. To follow it send %(kw_track)s %(reference)s"
    ),
    # Translators: SMS acknowledging an appeal, at most 160 characters once filled (Arabic: 134).
    "appeal_received": N_(
        "Lango: appeal %(reference)s received. Answer by %(due_date)s. To follow it send %(kw_track)s %(reference)s"
    ),
    # Translators: SMS, at most 70 characters once filled, in every language.
    "sign_in_code": N_("Lango code %(code)s. Valid 10 min. Never share it."),
    # Translators: SMS reply to STATUS. %(statuses)s is a list like "Child grant: Enrolled; Public works: Under
    # review". Keep the text around it under 30 characters.
    "status_reply": N_("Lango: %(statuses)s"),
    # Translators: SMS reply to STATUS when the phone made no application. At most 120 characters.
    "status_none": N_("Lango: no application found for this phone. Dial %(ussd_code)s to apply."),
    # Translators: added to a shortened list in an SMS: "+2 more".
    "more_items": N_("+%(count)s more"),
    # Translators: SMS reply to COMPLAIN without any text. At most 120 characters.
    "complain_usage": N_("Lango: to complain, send %(kw_complain)s followed by what happened."),
    # Translators: SMS reply to TRACK. %(status)s is a case status such as "Being looked into".
    "track_reply": N_("Lango case %(reference)s: %(status)s. Answer by %(due_date)s."),
    # Translators: SMS reply to TRACK when an officer has written to the person. The words stay off SMS
    # (they may be personal); USSD shows them. At most 160 characters once filled (Arabic: 134).
    "track_reply_to_read": N_("Lango case %(reference)s: %(status)s. To read the reply dial %(ussd_code)s."),
    # Translators: SMS reply to TRACK for a case that is closed. At most 120 characters once filled.
    "track_closed": N_("Lango case %(reference)s: %(status)s."),
    # Translators: SMS reply to TRACK without a reference. At most 120 characters.
    "track_usage": N_("Lango: send %(kw_track)s followed by your case reference."),
    # Translators: SMS reply to TRACK with a mistyped reference. At most 120 characters.
    "track_bad_reference": N_("Lango: that case reference is not right. Check the number and try again."),
    # Translators: SMS reply to TRACK with an unknown reference. At most 120 characters.
    "track_not_found": N_("Lango: we found no case with that reference."),
    # Translators: SMS reply to TRACK from another phone without the case PIN. At most 120 characters.
    "track_pin_required": N_("Lango: send %(kw_track)s %(reference)s and your PIN."),
    # Translators: SMS reply to TRACK with a wrong PIN. At most 120 characters.
    "track_bad_pin": N_("Lango: that PIN is not right."),
    # Translators: SMS reply to TRACK after too many wrong PINs. At most 120 characters.
    "track_locked": N_("Lango: too many wrong PINs. Try again later."),
    # Translators: SMS reply to TRACK when PINs cannot be checked for a moment. At most 120 characters.
    "track_unavailable": N_("Lango: we cannot check PINs just now. Try again in a few minutes."),
    # Translators: SMS reply to CALL. At most 120 characters.
    "callback_requested": N_("Lango: we will call you back within %(hours)s hours."),
    # Translators: SMS after someone asked on the website for a call back to this number. %(when)s is a time
    # of day like "in the morning (8-12)". Never a reason or a detail. At most 160 characters (Arabic: 134).
    "callback_confirmed": N_(
        "Lango: we will call this number within %(hours)s hours, %(when)s. If you did not ask for a call, "
        "ignore this SMS."
    ),
    # Translators: SMS reply to HELP and to any message we do not understand. The %(kw_…)s are SMS keywords
    # in your language. At most 160 characters once filled (Arabic: 134).
    "help": N_(
        "Lango: send %(kw_status)s, %(kw_complain)s and your problem, %(kw_track)s and a reference, "
        "%(kw_call)s, %(kw_language)s, %(kw_stop)s."
    ),
    # Translators: SMS reply to STOP. At most 130 characters.
    "opted_out": N_("Lango: no more news by SMS. Answers you ask for still come. Send %(kw_start)s to undo."),
    # Translators: SMS reply to START. At most 120 characters.
    "opted_in": N_("Lango: you will get our news by SMS again. Send %(kw_stop)s to stop."),
    # Translators: SMS reply to LANGUAGE, written in the language chosen: "in French", "in Kiswahili"…
    "language_set": N_("Lango: we will write to you in English."),
    # Translators: SMS reply to LANGUAGE without a known language. At most 120 characters.
    "language_usage": N_("Lango: send %(kw_language)s followed by EN, FR, SW or AR."),
    # Translators: SMS reply when one phone sends too many messages. At most 120 characters.
    "rate_limited": N_("Lango: you sent us many messages. We will read new ones in an hour."),
    # Translators: SMS to a phone number someone gave with a complaint on the website without signing in.
    # Never a category, a reference or a detail. %(url)s is the confirmation page (about 45 characters).
    # At most 160 characters once filled (Arabic: 134).
    "confirm_phone": N_(
        "Lango: someone gave this number with a complaint. If it was you, confirm at %(url)s to follow it. "
        "If not, ignore this SMS."
    ),
    # Translators: SMS sent by USSD before consent. %(url)s is the privacy notice page (about 40 characters).
    # At most 100 characters once filled.
    "consent_notice_link": N_("Lango: how we use your data: %(url)s"),
    # Translators: SMS when the call centre sends a caller the copy of their data. %(url)s is the account's
    # "my data" page (about 45 characters). No personal detail. At most 160 characters once filled (Arabic: 134).
    "my_data_link": N_(
        "Lango: the copy of your data you asked for is ready. Sign in with this phone to read it: %(url)s"
    ),
    # Translators: SMS reply to WITHDRAW: what withdrawing consent does, and how to confirm. Keep "YES" as a
    # word people can type back in your language (OUI, NDIYO, نعم are understood). No accents beyond GSM-7
    # in French. At most 160 characters once filled (Arabic: 134).
    "consent_withdraw_ask": N_(
        "Lango: withdrawing consent stops your pending applications. Complaints go on, anonymously if you wish. "
        "To confirm send %(kw_withdraw)s YES"
    ),
    # Translators: SMS reply to WITHDRAW YES. %(count)s is how many pending programme requests stopped.
    # At most 160 characters once filled (Arabic: 134).
    "consent_withdrawn": N_(
        "Lango: consent withdrawn. Pending applications stopped: %(count)s. Complaints go on. "
        "To apply again dial %(ussd_code)s"
    ),
    # Translators: SMS reply to WITHDRAW from a phone with no consent to withdraw. At most 120 characters.
    "consent_none": N_("Lango: there is no consent to withdraw for this phone."),
    # Back-office: the grievance workflow and programme decisions. Never a category or a personal detail.
    # Translators: SMS when an officer replies on a case. At most 160 characters once filled (Arabic: 134).
    # The officer's words are read on USSD (they may be personal: no SMS carries them).
    "grievance_reply": N_("Lango: new reply on case %(reference)s. To read it dial %(ussd_code)s."),
    # Translators: SMS when a case is resolved. It asks for a rating: the person replies with one digit, 1 to 5.
    # %(due_date)s is the last day to appeal, as digits. At most 160 characters once filled (Arabic: 134).
    "grievance_resolved": N_(
        "Lango: case %(reference)s answered. Rate it: reply 1 (bad) to 5 (good). "
        "To read it or appeal by %(due_date)s dial %(ussd_code)s or send %(kw_call)s"
    ),
    # Translators: SMS when a case is not taken forward. %(due_date)s is the last day to appeal, as digits.
    # At most 160 characters once filled (Arabic: 134).
    "grievance_rejected": N_(
        "Lango: case %(reference)s not taken forward. For why, or to appeal by %(due_date)s, "
        "dial %(ussd_code)s or send %(kw_call)s"
    ),
    # Translators: SMS reply to a rating of 3, 4 or 5. At most 120 characters once filled.
    "rating_thanks": N_("Lango: thank you for rating the answer to case %(reference)s."),
    # Translators: SMS reply to a rating of 1 or 2: how to appeal. %(due_date)s is the last day to appeal.
    # At most 160 characters once filled (Arabic: 134).
    "rating_poor": N_(
        "Lango: thank you. Sorry the answer did not help. To appeal case %(reference)s by %(due_date)s "
        "dial %(ussd_code)s or send %(kw_call)s"
    ),
    # Translators: SMS reply to a second rating of the same answer. At most 120 characters once filled.
    "rating_already": N_("Lango: the answer to case %(reference)s is already rated. Thank you."),
    # Translators: SMS when a supervisor reopens a closed case. At most 120 characters once filled.
    "grievance_reopened": N_("Lango: case %(reference)s is open again. Answer by %(due_date)s."),
    # Translators: SMS when an application is accepted. %(programme)s is one short programme name.
    # At most 160 characters once filled (Arabic: 134).
    "application_enrolled": N_("Lango: application %(reference)s to %(programme)s accepted. Payment news by SMS."),
    # Translators: SMS when an application is put on the waiting list. %(programme)s is one short name.
    # At most 160 characters once filled (Arabic: 134).
    "application_waitlisted": N_(
        "Lango: application %(reference)s to %(programme)s is on the waiting list. We will SMS you."
    ),
    # Translators: SMS when an application is refused for another reason (the officer's words are read on
    # USSD). %(due_date)s is the last day to appeal, as digits. %(kw_call)s asks for a call back.
    # At most 160 characters once filled (Arabic: 134).
    "application_not_eligible": N_(
        "Lango: application %(reference)s to %(programme)s not accepted. "
        "To read why or appeal by %(due_date)s dial %(ussd_code)s. For a call back send %(kw_call)s"
    ),
    # Translators: SMS when an application is refused. %(reason)s is a short sentence such as "Your household
    # income is above the limit." %(due_date)s is the last day to appeal, as digits. At most 160 characters
    # once filled (Arabic: 134). French: no â ê î ô û ç or typographic apostrophe.
    "application_not_eligible_reason": N_(
        "Lango: %(programme)s, application %(reference)s, not accepted. %(reason)s "
        "To appeal by %(due_date)s dial %(ussd_code)s"
    ),
    # Translators: SMS when an appeal against a refusal is upheld. At most 160 characters (Arabic: 134).
    "application_reopened": N_(
        "Lango: appeal upheld. Application %(reference)s to %(programme)s will be decided again. We will SMS you."
    ),
    # Payments, as the payment system reports them. An amount is like "KES 2,000"; a date is digits.
    # Translators: SMS when the payment system sends a payment. %(programme)s is one short programme name.
    # At most 160 characters once filled (Arabic: 134). %(kw_payment)s is the PAYMENT keyword.
    "payment_sent": N_(
        "Lango: %(programme)s payment of %(amount)s sent, %(date)s. Send %(kw_payment)s to see your payments."
    ),
    # Translators: SMS reply to PAYMENT. %(payments)s lists the last payment per programme, like
    # "Old-age pension: KES 2,000 Paid 05/12/2026". Keep the text around it under 30 characters.
    "payments_reply": N_("Lango payments: %(payments)s"),
    # Translators: SMS reply to PAYMENT when no payment was made to this phone's applications. At most 120.
    "payments_none": N_("Lango: no payment yet for this phone. Send %(kw_status)s for your applications."),
}


@dataclass(frozen=True)
class SendPolicy:
    """How the outbox treats a template's messages when sending goes wrong.

    ``repeat_harmless``: a send whose fate is unknown (unconfirmed) may be sent once more after a
    window without any delivery report; a duplicate of it does no harm (a second sign-in code, a
    second answer to STATUS). Decisions, acknowledgements and payment news are never repeated
    blindly: two of them confuse; a supervisor decides from the back-office.
    ``lifetime``: the message is worthless once this old and expires unsent (``None``: never).
    ``redact_once_sent``: the body is a secret and is wiped from the outbox once it will not be
    sent again (the row keeps its template and status).
    """

    repeat_harmless: bool = False
    lifetime: timedelta | None = None
    redact_once_sent: bool = False


SIGN_IN_CODE_LIFETIME = timedelta(minutes=10)
# Replies to what a person just asked, and the sign-in code: a second copy only repeats itself.
REPEAT_HARMLESS = frozenset(
    {
        "status_reply",
        "status_none",
        "complain_usage",
        "track_reply",
        "track_reply_to_read",
        "track_closed",
        "track_usage",
        "track_bad_reference",
        "track_not_found",
        "track_pin_required",
        "track_bad_pin",
        "track_locked",
        "callback_requested",
        "help",
        "opted_out",
        "opted_in",
        "language_set",
        "language_usage",
        "rate_limited",
        "consent_notice_link",
        "rating_thanks",
        "rating_already",
        "payments_reply",
        "payments_none",
        "consent_withdraw_ask",
        "consent_none",
    }
)
POLICIES: dict[str, SendPolicy] = {
    "sign_in_code": SendPolicy(repeat_harmless=True, lifetime=SIGN_IN_CODE_LIFETIME, redact_once_sent=True),
    **{name: SendPolicy(repeat_harmless=True) for name in REPEAT_HARMLESS},
}


def policy(template: str) -> SendPolicy:
    """The send policy of ``template``; templates not listed are never repeated blindly and never expire."""
    return POLICIES.get(template, SendPolicy())


# Most parts a message may take, per language; one part everywhere else.
MAX_PARTS = {"ar": 2}
SIGN_IN_CODE_MAX_CHARACTERS = 70


def max_parts(language: str) -> int:
    """The most SMS parts a message in ``language`` may take."""
    return MAX_PARTS.get(language, 1)


def fits_budget(text: str, language: str) -> bool:
    """Tell whether ``text`` fits the part budget of ``language``."""
    return count_segments(text).parts <= max_parts(language)


def default_context(language: str) -> dict[str, str]:
    """Placeholders every template may use: the language's SMS keywords and the USSD code."""
    return {**keyword_context(language), "ussd_code": settings.USSD_SERVICE_CODE}


def render(template: str, language: str, context: dict) -> str:
    """Render ``template`` in ``language`` with ``context`` (values already in that language)."""
    with translation.override(language):
        return gettext(TEMPLATES[template]) % {**default_context(language), **context}


def item_separator(language: str) -> str:
    """What separates the items of a list in an SMS of ``language``: ``; `` (Arabic: ``؛ ``)."""
    with translation.override(language):
        # Translators: placed between the items of a list in an SMS, e.g. "Child grant: Enrolled; Public
        # works: Under review". Arabic: the Arabic semicolon.
        return pgettext("sms list separator", "; ")


def fit_list(
    template: str, language: str, context: dict, key: str, items: Sequence[str], separator: str | None = None
) -> str:
    """Join as many ``items`` as fit into placeholder ``key`` of ``template``; "+N more" stands for the rest.

    Items are separated by the language's ``item_separator`` unless ``separator`` is given. The
    result goes into the context under ``key``, so that a long list never costs another part.
    """
    separator = item_separator(language) if separator is None else separator
    joined = ""
    for shown in range(len(items), -1, -1):
        listed = list(items[:shown])
        if shown < len(items):
            listed.append(render("more_items", language, {"count": len(items) - shown}))
        joined = separator.join(listed)
        if fits_budget(render(template, language, {**context, key: joined}), language):
            return joined
    return joined


def sms_date(value: date | datetime) -> str:
    """A date as digits (day/month/year): the same in every language and always GSM-7.

    A moment is first turned into the local day; a calendar date is written as it is.
    """
    day = timezone.localtime(value) if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")
