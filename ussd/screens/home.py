"""The screens around the journeys: language choice, main menu, and resuming an unfinished application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import pgettext

from registry.preferences import set_phone_language
from ussd.engine import (
    LANGUAGE_SCREEN,
    MAIN_SCREEN,
    RESUME_SCREEN,
    Context,
    Goto,
    MenuScreen,
    Option,
    Outcome,
    Prompt,
    after_language,
    discard_draft,
    main_menu,
    register,
)
from ussd.screens.apply import APPLY_ANSWER_KEYS, start_application


@register
class LanguageScreen(MenuScreen):
    """Choose the language; every language is listed in its own name."""

    name = LANGUAGE_SCREEN

    def render(self, ctx: Context) -> Prompt:
        return Prompt("Lango", options=[Option(label, code) for code, label in settings.LANGUAGES])

    def choose(self, ctx: Context, value: Any) -> Outcome:
        set_phone_language(ctx.phone, value)
        ctx.set_language(value)
        if ctx.state.history:
            return main_menu()
        return after_language(ctx)


@register
class MainScreen(MenuScreen):
    """The main menu: every journey, one key each."""

    name = MAIN_SCREEN

    def allows_back(self, ctx: Context) -> bool:
        return False

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            pgettext("ussd", "Lango"),
            options=[
                Option(pgettext("ussd", "Apply"), "apply"),
                Option(pgettext("ussd", "My applications"), "my_applications"),
                Option(pgettext("ussd", "My payments"), "my_payments"),
                Option(pgettext("ussd", "Make a complaint"), "complaint_category"),
                Option(pgettext("ussd", "Track a complaint"), "track_reference"),
                Option(pgettext("ussd", "Call me back"), "callback_reason"),
                Option(pgettext("ussd", "Language"), LANGUAGE_SCREEN),
            ],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if value == "apply":
            return start_application(ctx)
        return Goto(value)


@register
class ResumeScreen(MenuScreen):
    """Offer to continue an application left unfinished in an earlier session (for 24 hours)."""

    name = RESUME_SCREEN

    def allows_back(self, ctx: Context) -> bool:
        return False

    def render(self, ctx: Context) -> Prompt:
        return Prompt(
            # Translators: USSD screen above three choices. Arabic: at most 40 characters (a screen holds 80).
            pgettext("ussd", "You have an unfinished application. Continue where you left off?"),
            options=[
                Option(pgettext("ussd", "Continue"), "continue"),
                Option(pgettext("ussd", "Start again"), "restart"),
                Option(pgettext("ussd", "Main menu"), "main"),
            ],
        )

    def choose(self, ctx: Context, value: Any) -> Outcome:
        if value == "main":
            return main_menu()
        draft = ctx.params.get("draft") or {}
        ctx.state.history = [{"screen": MAIN_SCREEN, "params": {}, "page": 0}]
        if value == "restart":
            discard_draft(ctx)
            return start_application(ctx, remember=False)
        for key, answer in (draft.get("answers") or {}).items():
            if key in APPLY_ANSWER_KEYS:
                ctx.answers[key] = answer
        ctx.state.history = list(draft.get("history") or ctx.state.history)
        return Goto(draft["screen"], draft.get("params") or {}, remember=False)
