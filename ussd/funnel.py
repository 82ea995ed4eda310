"""Where people give up: for each journey, per screen and language, how many reached it and stopped there."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Every journey's screens in order, ending with the screen that means "done".
JOURNEY_STEPS: dict[str, list[str]] = {
    "start": ["language", "resume", "main"],
    "apply": [
        "apply_name",
        "apply_age",
        "apply_sex",
        "apply_national_id",
        "apply_region",
        "apply_district",
        "apply_household",
        "apply_children_18",
        "apply_children_5",
        "apply_disability",
        "apply_income",
        "apply_result",
        "apply_pick",
        "apply_consent",
        "apply_confirm",
        "apply_done",
    ],
    "my_applications": ["my_applications", "application_detail", "appeal_reason", "appeal_confirm", "appeal_done"],
    "complaint": [
        "complaint_category",
        "complaint_payment",
        "complaint_text",
        "complaint_privacy",
        "complaint_confirm",
        "complaint_done",
    ],
    "track": ["track_reference", "track_pin", "track_done"],
    "callback": ["callback_reason", "callback_done"],
    "payments": ["my_payments"],
}

JOURNEY_TITLES = {
    "start": _("Start"),
    "apply": _("Apply"),
    "my_applications": _("My applications and appeals"),
    "complaint": _("Make a complaint"),
    "track": _("Track a complaint"),
    "callback": _("Call me back"),
    "payments": _("My payments"),
}

_JOURNEY_OF_SCREEN = {screen: journey for journey, steps in JOURNEY_STEPS.items() for screen in steps}


def journey_of(path: list[str]) -> str:
    """The journey a session was last in, from the screens it reached in order."""
    for screen in reversed(path or []):
        journey = _JOURNEY_OF_SCREEN.get(screen)
        if journey and journey != "start":
            return journey
    return "start"


@dataclass
class FunnelStep:
    """One screen of a journey: sessions that reached it and that stopped there, per language."""

    screen: str
    reached: Counter = field(default_factory=Counter)
    gave_up: Counter = field(default_factory=Counter)

    def cells(self, languages: list[str]) -> list[tuple[int, int]]:
        return [(self.reached[lang], self.gave_up[lang]) for lang in languages]


@dataclass
class JourneyFunnel:
    journey: str
    title: str
    steps: list[FunnelStep]


def build_funnel(sessions, languages: list[str] | None = None) -> list[JourneyFunnel]:
    """Count, from session summaries, who reached each screen and who stopped there, per language.

    ``sessions`` yields ``(path, last_screen, completed, language)``. A session that did not finish
    its journey "gave up" on its last screen.
    """
    languages = languages or [code for code, _name in settings.LANGUAGES]
    funnels = {
        journey: JourneyFunnel(journey, str(JOURNEY_TITLES[journey]), [FunnelStep(s) for s in steps])
        for journey, steps in JOURNEY_STEPS.items()
    }
    index = {step.screen: step for funnel in funnels.values() for step in funnel.steps}
    for path, last_screen, completed, language in sessions:
        language = language or "-"
        for screen in set(path or []):
            step = index.get(screen)
            if step is not None:
                step.reached[language] += 1
        if not completed and last_screen in index:
            index[last_screen].gave_up[language] += 1
    return list(funnels.values())


def funnel_since(since: datetime) -> list[JourneyFunnel]:
    """The funnel of every session that ended since ``since``."""
    from ussd.models import UssdSessionSummary

    rows = (
        UssdSessionSummary.objects.filter(ended_at__gte=since)
        .values_list("path", "last_screen", "completed", "language")
        .iterator(chunk_size=2000)
    )
    return build_funnel(rows)
