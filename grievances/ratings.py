"""The citizen's verdict on an answer: a rating from 1 (very poor) to 5 (very good), once per case.

A case can be rated once it is resolved (upheld, partly upheld or not upheld), for
``RATING_WINDOW_DAYS`` after the answer, by whoever may act on it as a citizen, on any channel.
The rating is written here and nowhere else, with an (internal) timeline event; a rating of 1 or
2 offers the appeal straight away when the answer can still be appealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances import workflow
from grievances.models import Grievance, GrievanceEvent, contact_phone_is
from grievances.services import GrievanceError, can_appeal_grievance
from registry.digits import ascii_digits

SCORES = (1, 2, 3, 4, 5)
POOR_SCORES = frozenset({1, 2})
SCORE_LABELS = {
    1: _("Very poor"),
    2: _("Poor"),
    3: _("Fair"),
    4: _("Good"),
    5: _("Very good"),
}
RATED_OUTCOMES = frozenset(workflow.RESOLVE_OUTCOMES)


class RatingError(GrievanceError):
    """A rating cannot be taken; the message is for the person."""


@dataclass(frozen=True)
class RatingResult:
    """What rating did: the case, its rating, whether it is new, and whether to offer the appeal now."""

    case: Grievance
    score: int
    created: bool
    offer_appeal: bool


def rating_window_days() -> int:
    """How many days after the answer a case can be rated."""
    return settings.RATING_WINDOW_DAYS


def can_rate(case: Grievance, now: datetime | None = None) -> bool:
    """Tell whether ``case`` has an answer that has not been rated and can still be."""
    now = now or timezone.now()
    return (
        case.rating is None
        and case.resolved_at is not None
        and case.status in (Grievance.Status.RESOLVED, Grievance.Status.CLOSED)
        and case.resolution_outcome in RATED_OUTCOMES
        and now <= case.resolved_at + timedelta(days=rating_window_days())
    )


def score_label(score: int | None) -> str:
    """The words for a score ("Good"), or ``""``."""
    return str(SCORE_LABELS[score]) if score in SCORE_LABELS else ""


def parse_score(raw) -> int | None:
    """The score 1 to 5 that ``raw`` holds (digits in any script), or ``None``."""
    text = ascii_digits(str(raw or "")).strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) in SCORES else None


def rate_answer(case: Grievance, score: int, actor: workflow.CitizenActor) -> RatingResult:
    """Record the citizen's rating of the answer to ``case``, once, with a timeline event.

    The same rating sent again changes nothing (``created`` is False); another one, or a rating of
    a case without an answer to rate (or past the window), raises ``RatingError``. ``case`` is
    refreshed in place.
    """
    if score not in SCORES:
        raise RatingError(_("Choose a number from 1 to 5."), code="score")
    with transaction.atomic():
        locked = Grievance.objects.select_for_update().get(pk=case.pk)
        if not actor.owns(locked):
            raise RatingError(_("We could not find that case."), code="not_found")
        if locked.rating is not None:
            if locked.rating != score:
                raise RatingError(_("You have already rated this answer. Thank you."), code="already")
            created = False
        elif not can_rate(locked):
            raise RatingError(_("This answer can no longer be rated."), code="closed")
        else:
            locked.rating, locked.rated_at, locked.rating_channel = score, timezone.now(), actor.channel
            locked.save(update_fields=["rating", "rated_at", "rating_channel", "updated_at"])
            GrievanceEvent.objects.create(
                grievance=locked,
                kind=GrievanceEvent.Kind.RATING,
                action="rate",
                is_public=False,
                from_status=locked.status,
                to_status=locked.status,
                message=f"{score}/5",
                channel=actor.channel,
            )
            created = True
    case.refresh_from_db()
    return RatingResult(case, score, created, offer_appeal=offers_appeal(case))


def offers_appeal(case: Grievance) -> bool:
    """Tell whether the case's rating was poor (1 or 2) and its answer can still be appealed."""
    return case.rating in POOR_SCORES and can_appeal_grievance(case)


def _answered_from(phone: str, since: datetime):
    return Grievance.objects.filter(
        contact_phone_is(phone),
        is_anonymous=False,
        resolved_at__gte=since,
        resolution_outcome__in=RATED_OUTCOMES,
        status__in=(Grievance.Status.RESOLVED, Grievance.Status.CLOSED),
    )


def case_to_rate_for_phone(phone: str) -> Grievance | None:
    """The most recently answered case filed from ``phone`` that is waiting for its rating, if any."""
    since = timezone.now() - timedelta(days=rating_window_days())
    return _answered_from(phone, since).filter(rating__isnull=True).order_by("-resolved_at", "-pk").first()


def case_rated_lately_from_phone(phone: str) -> Grievance | None:
    """The most recently answered case filed from ``phone`` that was rated, within the rating window."""
    since = timezone.now() - timedelta(days=rating_window_days())
    return _answered_from(phone, since).filter(rating__isnull=False).order_by("-resolved_at", "-pk").first()


@dataclass
class RatingSummary:
    """Ratings given since a date: how many of each score, their average and the poor ones."""

    total: int = 0
    average: float | None = None
    poor: int = 0
    by_score: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def poor_share(self) -> float | None:
        """The share (0–100) of ratings that were 1 or 2."""
        return round(100 * self.poor / self.total, 1) if self.total else None


def rating_summary(since: datetime) -> RatingSummary:
    """Ratings given since ``since`` (all cases: aggregates name no one), for the staff dashboard."""
    rated = Grievance.objects.filter(rated_at__gte=since, rating__isnull=False).order_by()
    counts = dict(rated.values_list("rating").annotate(n=Count("pk")))
    figures = rated.aggregate(average=Avg("rating"), poor=Count("pk", filter=Q(rating__in=POOR_SCORES)))
    total = sum(counts.values())
    return RatingSummary(
        total=total,
        average=round(figures["average"], 1) if total else None,
        poor=figures["poor"],
        by_score=[(score, score_label(score), counts.get(score, 0)) for score in SCORES],
    )
