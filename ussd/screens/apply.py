"""The apply journey: a few questions, pre-screening advice, programmes picked on the keypad, consent, send.

Pre-screening is advice only: every open programme is listed, likely or not, and any can be chosen.
The application itself is made by ``registry.services.submit_application``, once per session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import npgettext, pgettext

from grievances.models import CallbackRequest
from registry.eligibility import ScreeningAnswers, screen_programme
from registry.formatting import format_number
from registry.models import IncomeBand, ProgrammeApplication, Sex
from registry.notifications import list_separator, privacy_notice_link
from registry.services import (
    ApplicantDetails,
    HouseholdDetails,
    national_id_length_ok,
    old_enough_to_apply,
    submit_application,
)
from registry.validators import MAX_NAME_LENGTH, most_children_under_18, name_is_plausible
from ussd import lookups
from ussd.engine import (
    DRAFT_JOURNEYS,
    ConfirmScreen,
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
    discard_draft,
    register,
)
from ussd.screens.callback import ask_for_call_back
from ussd.wording import facts_then, reference_line

JOURNEY = "apply"
APPLY_ANSWER_KEYS = frozenset(
    {
        "given_name",
        "family_name",
        "birth_year",
        "sex",
        "national_id",
        "region_id",
        "area_id",
        "household_size",
        "children_under_18",
        "children_under_5",
        "members_with_disability",
        "income_band",
        "screened",
        "likely",
        "selected",
        "consent",
        "asked_before",
        "notice_sent",
    }
)
DRAFT_JOURNEYS[JOURNEY] = APPLY_ANSWER_KEYS

MAX_AGE = 120
MAX_HOUSEHOLD = 50
SELECTED_MARK = "*"


def start_application(ctx: Context, *, remember: bool = True) -> Outcome:
    """Begin a fresh application (earlier answers of this session are dropped).

    A phone that already asked for programmes hears so first, before any question.
    """
    for key in APPLY_ANSWER_KEYS:
        ctx.answers.pop(key, None)
    if _asked_from_phone(ctx.phone):
        return Goto("apply_already_asked", remember=remember)
    return Goto("apply_name", remember=remember)


def _asked_from_phone(phone: str) -> list[str]:
    """Codes of the programmes this phone's applications are open to (asked, not refused or withdrawn)."""
    return list(
        ProgrammeApplication.objects.filter(
            application__applicant__phone=phone, status__in=ProgrammeApplication.OPEN_STATUSES
        )
        .order_by("programme__sort_order")
        .values_list("programme__code", flat=True)
        .distinct()
    )


@register
class AlreadyAskedScreen(MenuScreen):
    """Told at the start: the programmes this phone already asked for, and what can still be asked."""

    name = "apply_already_asked"
    journey = JOURNEY

    def _asked(self, ctx: Context) -> list[str]:
        return ctx.once("asked_before", lambda: _asked_from_phone(ctx.phone))

    def _others(self, ctx: Context) -> list[str]:
        asked = set(self._asked(ctx))
        return [p.code for p in lookups.screening_programmes() if p.code not in asked]

    def render(self, ctx: Context) -> Prompt:
        lines = [_short_name(ctx, code) for code in self._asked(ctx)]
        options = []
        if self._others(ctx):
            options.append(Option(pgettext("ussd", "Apply to the others"), "others"))
        options += [
            Option(pgettext("ussd", "Someone else applies"), "someone_else"),
            Option(pgettext("ussd", "My applications"), "my_applications"),
        ]
        return Prompt(pgettext("ussd", "This phone already applied to:"), lines=lines, options=options)

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if value == "my_applications":
            return Goto("my_applications")
        if value == "others":
            ctx.answers["asked_before"] = self._asked(ctx)
        return Goto("apply_name")


def _whole_number(raw: str, low: int, high: int, error: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4 or not low <= int(raw) <= high:
        raise Invalid(error)
    return int(raw)


class ApplyInput(InputScreen):
    journey = JOURNEY


class ApplyMenu(MenuScreen):
    journey = JOURNEY


@register
class NameScreen(ApplyInput):
    name = "apply_name"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "Your full name:"))

    def clean(self, ctx: Context, raw: str) -> str:
        # Many keypads type a space as "*", which Africa's Talking passes through.
        text = " ".join(raw.replace("*", " ").split())
        if len(text) > MAX_NAME_LENGTH:
            raise Invalid(pgettext("ussd", "At most %(limit)s letters.") % {"limit": MAX_NAME_LENGTH})
        if len(text) < 2 or not name_is_plausible(text):
            raise Invalid(pgettext("ussd", "Type your name in letters."))
        return text

    def accept(self, ctx: Context, value: str) -> Outcome:
        given, _space, family = value.partition(" ")
        ctx.answers["given_name"], ctx.answers["family_name"] = given, family
        return Goto("apply_age")


@register
class AgeScreen(ApplyInput):
    name = "apply_age"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "Your age or year of birth:"))

    def clean(self, ctx: Context, raw: str) -> int:
        error = pgettext("ussd", "Type your age, like 45, or year of birth, like 1980.")
        this_year = timezone.localdate().year
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
            raise Invalid(error)
        number = int(raw)
        if len(raw) == 4 and this_year - MAX_AGE <= number <= this_year:
            birth_year = number
        elif len(raw) <= 3 and number <= MAX_AGE:
            birth_year = this_year - number
        else:
            raise Invalid(error)
        return birth_year

    def accept(self, ctx: Context, value: int) -> Outcome:
        if not old_enough_to_apply(value):
            return Goto("apply_too_young")  # "0 Back" returns here, for a typing slip
        ctx.answers["birth_year"] = value
        return Goto("apply_sex")


@register
class TooYoungScreen(ApplyMenu):
    """Too young to apply in one's own name: who can apply instead, and a call back offered."""

    name = "apply_too_young"

    def render(self, ctx: Context) -> Prompt:
        too_young = pgettext("ussd", "You must be %(age)s or older to apply.") % {"age": settings.APPLICANT_MIN_AGE}
        instead = pgettext("ussd", "An adult at home can apply for you.")
        return Prompt(
            f"{too_young} {instead}",
            options=[Option(pgettext("ussd", "Call me back"), CallbackRequest.Reason.APPLICATION.value)],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        discard_draft(ctx)
        return ask_for_call_back(ctx, value)


@register
class SexScreen(ApplyMenu):
    name = "apply_sex"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "You are:"),
            options=[
                Option(pgettext("ussd", "Female"), Sex.FEMALE.value),
                Option(pgettext("ussd", "Male"), Sex.MALE.value),
                Option(pgettext("ussd", "Other or not saying"), Sex.OTHER.value),
            ],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["sex"] = value
        return Goto("apply_national_id")


@register
class NationalIdScreen(ApplyInput):
    name = "apply_national_id"
    zero_is_an_answer = True

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "National ID number (0 if none):"))

    def clean(self, ctx: Context, raw: str) -> str:
        cleaned = "".join(ch for ch in raw if ch not in " -*")
        if cleaned == "0":
            return ""
        if not (cleaned.isascii() and cleaned.isalnum()) or not national_id_length_ok(cleaned):
            raise Invalid(pgettext("ussd", "Type your ID number, or 0 if you have none."))
        return cleaned.upper()

    def accept(self, ctx: Context, value: str) -> Outcome:
        ctx.answers["national_id"] = value
        return Goto("apply_region")


@register
class RegionScreen(ApplyMenu):
    name = "apply_region"

    def render(self, ctx: Context) -> Prompt:
        options = [Option(area.name_in(ctx.language), area.id) for area in lookups.regions(_areas(ctx))]
        return Prompt(pgettext("ussd", "Your region:"), options=options)

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["region_id"] = value
        return Goto("apply_district")


@register
class DistrictScreen(ApplyMenu):
    name = "apply_district"

    def render(self, ctx: Context) -> Prompt:
        districts = lookups.districts(_areas(ctx), ctx.answers.get("region_id"))
        options = [Option(area.name_in(ctx.language), area.id) for area in districts]
        return Prompt(pgettext("ussd", "Your district:"), options=options)

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["area_id"] = value
        return Goto("apply_household")


@register
class HouseholdScreen(ApplyInput):
    name = "apply_household"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "How many people live in your home, you included?"))

    def clean(self, ctx: Context, raw: str) -> int:
        return _whole_number(raw, 1, MAX_HOUSEHOLD, pgettext("ussd", "Type a number from 1 to 50."))

    def accept(self, ctx: Context, value: int) -> Outcome:
        ctx.answers["household_size"] = value
        if most_children_under_18(value) == 0:  # someone who lives alone is asked about no children
            ctx.answers["children_under_18"] = ctx.answers["children_under_5"] = 0
            return Goto("apply_disability")
        return Goto("apply_children_18")


@register
class ChildrenUnder18Screen(ApplyInput):
    name = "apply_children_18"
    zero_is_an_answer = True

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "How many of them are under 18? (0 if none)"))

    def clean(self, ctx: Context, raw: str) -> int:
        # The applicant is an adult: everyone else in the home may be a child, not more.
        most = most_children_under_18(int(ctx.answers.get("household_size") or MAX_HOUSEHOLD))
        return _whole_number(raw, 0, most, _up_to(most))

    def accept(self, ctx: Context, value: int) -> Outcome:
        ctx.answers["children_under_18"] = value
        if value == 0:
            ctx.answers["children_under_5"] = 0
            return Goto("apply_disability")
        return Goto("apply_children_5")


@register
class ChildrenUnder5Screen(ApplyInput):
    name = "apply_children_5"
    zero_is_an_answer = True

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "How many of these children are under 5? (0 if none)"))

    def clean(self, ctx: Context, raw: str) -> int:
        children = int(ctx.answers.get("children_under_18") or 0)
        return _whole_number(raw, 0, children, _up_to(children))

    def accept(self, ctx: Context, value: int) -> Outcome:
        ctx.answers["children_under_5"] = value
        return Goto("apply_disability")


@register
class DisabilityScreen(ApplyInput):
    name = "apply_disability"
    zero_is_an_answer = True

    def render(self, ctx: Context) -> Prompt:
        return Prompt(pgettext("ussd", "How many people in your home have a disability? (0 if none)"))

    def clean(self, ctx: Context, raw: str) -> int:
        size = int(ctx.answers.get("household_size") or MAX_HOUSEHOLD)
        return _whole_number(raw, 0, size, _up_to(size))

    def accept(self, ctx: Context, value: int) -> Outcome:
        ctx.answers["members_with_disability"] = value
        return Goto("apply_income")


def _up_to(high: int) -> str:
    return pgettext("ussd", "Type a number from 0 to %(high)s.") % {"high": high}


def _band(low: int, high: int | None) -> str:
    """An income band's amounts grouped as on every channel (the screen's title gives the currency)."""
    if not low:
        return pgettext("ussd", "Under %(amount)s") % {"amount": format_number(high + 1)}
    if high is None:
        return pgettext("ussd", "%(amount)s or more") % {"amount": format_number(low)}
    return pgettext("ussd", "%(low)s to %(high)s") % {"low": format_number(low), "high": format_number(high)}


INCOME_LABELS = {
    IncomeBand.BELOW_2000: lambda: _band(0, 1_999),
    IncomeBand.FROM_2000: lambda: _band(2_000, 4_999),
    IncomeBand.FROM_5000: lambda: _band(5_000, 9_999),
    IncomeBand.FROM_10000: lambda: _band(10_000, 19_999),
    IncomeBand.ABOVE_20000: lambda: _band(20_000, None),
}


@register
class IncomeScreen(ApplyMenu):
    name = "apply_income"

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "Home income a month (%(currency)s):") % {"currency": settings.CURRENCY},
            options=[Option(label(), int(band)) for band, label in INCOME_LABELS.items()],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        ctx.answers["income_band"] = value
        return Goto("apply_result")


@register
class ResultScreen(ApplyMenu):
    """Pre-screening advice for every open programme: ``+`` likely, ``-`` unlikely."""

    name = "apply_result"

    def enter(self, ctx: Context) -> Outcome | None:
        answers = ScreeningAnswers.from_mapping({key: ctx.answers.get(key) for key in APPLY_ANSWER_KEYS})
        asked = set(ctx.answers.get("asked_before") or [])
        programmes = [p for p in lookups.screening_programmes() if p.code not in asked]
        results = [screen_programme(programme, answers) for programme in programmes]
        if not results:
            return End(pgettext("ussd", "No programme is open for applications now."), screen="apply_none_open")
        ctx.answers["screened"] = [result.programme.code for result in results]
        ctx.answers["likely"] = [result.programme.code for result in results if result.likely]
        ctx.answers["selected"] = []
        return None

    def render(self, ctx: Context) -> Prompt:
        likely = set(ctx.answers.get("likely") or [])
        lines = [
            ("+ " if code in likely else "- ") + _short_name(ctx, code) for code in ctx.answers.get("screened") or []
        ]
        return Prompt(
            pgettext("ussd", "Advice (+ likely, - unlikely):"),
            lines=lines,
            actions=[Option(pgettext("ussd", "Choose programmes"), "pick")],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        return Goto("apply_pick")


def _areas(ctx: Context) -> list[lookups.Area]:
    return ctx.once("lists:areas", lookups.all_areas)


def _short_name(ctx: Context, code: str) -> str:
    programmes = ctx.once("lists:programmes", lookups.open_programmes)
    names = ctx.once(f"lists:names:{ctx.language}", lambda: lookups.short_names(programmes, ctx.language))
    return names.get(code) or code[:20]


@register
class PickScreen(ApplyMenu):
    """Toggle programmes by number; one key takes every likely one, one key finishes.

    Only the numbers on the page shown act (a number from another page would toggle a programme
    the person cannot see), and the room for the mark is kept, so a chosen line stays where it is.
    """

    name = "apply_pick"
    only_numbers_shown = True

    def render(self, ctx: Context) -> Prompt:
        selected = set(ctx.answers.get("selected") or [])
        options = [
            Option(
                (SELECTED_MARK if code in selected else "") + _short_name(ctx, code),
                code,
                reserve=0 if code in selected else len(SELECTED_MARK),
            )
            for code in ctx.answers.get("screened") or []
        ]
        return Prompt(
            pgettext("ussd", "Apply to any. %(mark)s = chosen") % {"mark": SELECTED_MARK},
            options=options,
            actions=[Option(pgettext("ussd", "All likely"), "__likely"), Option(pgettext("ussd", "Done"), "__done")],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        selected = list(ctx.answers.get("selected") or [])
        if value == "__likely":
            likely = list(ctx.answers.get("likely") or [])
            if not likely:
                return Stay(pgettext("ussd", "None is likely. Choose by number."))
            ctx.answers["selected"] = likely
            return Goto("apply_consent")
        if value == "__done":
            if not selected:
                return Stay(pgettext("ussd", "Choose at least one."))
            return Goto("apply_consent")
        if value in selected:
            selected.remove(value)
        else:
            selected.append(value)
        order = ctx.answers.get("screened") or []
        ctx.answers["selected"] = [code for code in order if code in selected]
        return Stay()


@register
class ConsentScreen(ApplyMenu):
    """A short notice on screen; the full one is a link sent by SMS when the screen is reached."""

    name = "apply_consent"

    def enter(self, ctx: Context) -> Outcome | None:
        ctx.answers["notice_sent"] = privacy_notice_link(ctx.phone, ctx.language)
        return None

    def render(self, ctx: Context) -> Prompt:
        if ctx.answers.get("notice_sent", True):
            # Translators: USSD screen above two choices. Arabic: at most 45 characters (a screen holds 80).
            notice = pgettext(
                "ussd", "We use your answers only to decide on your application. Full notice sent by SMS."
            )
        else:
            # Translators: USSD screen above two choices, to someone who applied before and was sent the
            # notice then. Arabic: at most 45 characters (a screen holds 80).
            notice = pgettext(
                "ussd", "We use your answers only to decide on your application, as the notice we sent says."
            )
        return Prompt(
            notice,
            options=[Option(pgettext("ussd", "I agree"), True), Option(pgettext("ussd", "I do not agree"), False)],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if not value:
            return End(
                # Translators: last USSD screen. Arabic: at most 80 characters.
                pgettext("ussd", "We cannot send an application without your consent. Your answers are kept 24 hours."),
                screen="apply_no_consent",
            )
        ctx.answers["consent"] = True
        return Goto("apply_confirm")


@register
class ConfirmApplicationScreen(ConfirmScreen):
    name = "apply_confirm"
    journey = JOURNEY

    def question(self, ctx: Context) -> str:
        count = len(ctx.answers.get("selected") or [])
        return npgettext(
            "ussd",
            "Send your application to %(count)s programme?",
            "Send your application to %(count)s programmes?",
            count,
        ) % {"count": count}

    def yes_label(self) -> str:
        return pgettext("ussd", "Send")

    def no_label(self) -> str:
        return pgettext("ussd", "Cancel")

    def confirm(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        try:
            result = submit_application(
                applicant=ApplicantDetails(
                    given_name=answers["given_name"],
                    family_name=answers.get("family_name", ""),
                    sex=answers["sex"],
                    phone=ctx.phone,
                    birth_year=int(answers["birth_year"]),
                    national_id=answers.get("national_id", ""),
                ),
                household=HouseholdDetails(
                    size=int(answers["household_size"]),
                    children_under_5=int(answers.get("children_under_5") or 0),
                    children_under_18=int(answers.get("children_under_18") or 0),
                    members_with_disability=int(answers.get("members_with_disability") or 0),
                    income_band=int(answers["income_band"]),
                    area_id=int(answers["area_id"]),
                ),
                programme_codes=list(answers.get("selected") or []),
                channel="ussd",
                language=ctx.language,
                consent_given=bool(answers.get("consent")),
                idempotency_key=f"ussd:{ctx.session_id}",
                answers=_snapshot(answers),
            )
        except ValidationError as exc:
            return End(" ".join(str(message) for message in exc.messages), screen="apply_refused")
        discard_draft(ctx)
        if result.application is None:
            reference = next(iter(result.references.values()), "")
            return End(
                facts_then(pgettext("ussd", "You already applied to these programmes."), reference_line(reference)),
                screen="apply_already",
                completed=True,
            )
        text = pgettext("ussd", "Application sent. An SMS is on its way.")
        if result.already_open:
            names = list_separator(ctx.language).join(_short_name(ctx, code) for code in result.already_open)
            text += " " + pgettext("ussd", "Already applied: %(programmes)s.") % {"programmes": names}
        text = facts_then(text, reference_line(result.application.reference))
        return End(text, screen="apply_done", completed=True)

    def cancel(self, ctx: Context) -> Outcome:
        discard_draft(ctx)
        return End(pgettext("ussd", "Application cancelled. Nothing was sent."), screen="apply_cancelled")


def _snapshot(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as given, for the application's record (the national ID stays out of it)."""
    kept = APPLY_ANSWER_KEYS - {"national_id", "screened", "consent"}
    return {key: answers[key] for key in sorted(kept) if key in answers}
