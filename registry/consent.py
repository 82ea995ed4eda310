"""Consent to the use of a person's data: what withdrawing it means, and withdrawing it (DESIGN §11).

Withdrawal is possible on every channel (web account, USSD, SMS keyword, the call centre on the
person's behalf) and always has the same effect, which every channel states before asking to confirm:

- every consent the person gave is marked withdrawn (when, through which channel, by whom);
- their applications stop: each programme request not yet decided (received, under review,
  waiting list) is withdrawn through ``registry.services.withdraw_application``, on its timeline;
- decided requests stay as they are (a decision was made and may be appealed; a programme the
  person is enrolled in is left by asking the programme);
- nothing new is applied for on the old consent: a new application records a new consent;
- complaints go on (their handling does not rest on this consent) and new ones can be made
  anonymously.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from registry.models import Application, Consent, Person, ProgrammeApplication
from registry.services import WITHDRAWABLE_STATUSES, ApplicationError, withdraw_application


@dataclass(frozen=True)
class WhatFollows:
    """What withdrawing consent would do now: the requests it stops, and those it leaves."""

    has_consent: bool
    stopped: list[ProgrammeApplication]
    kept: list[ProgrammeApplication]


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawal did: how many consents it marked, and the requests it stopped."""

    consents: int
    stopped: list[tuple[str, str]]  # (application reference, programme code)


def active_consents(people: list[Person]):
    """The consents of ``people`` not yet withdrawn."""
    return Consent.objects.filter(person__in=people, withdrawn_at__isnull=True)


def has_consent(people: list[Person]) -> bool:
    """Tell whether any of ``people`` has a consent that could be withdrawn."""
    return active_consents(people).exists()


def what_follows(people: list[Person]) -> WhatFollows:
    """What withdrawing the consent of ``people`` would stop, and what it would leave as it is."""
    requests = list(
        ProgrammeApplication.objects.filter(application__applicant__in=people)
        .select_related("application", "programme")
        .prefetch_related("programme__names")
        .order_by("application__submitted_at", "id")
    )
    return WhatFollows(
        has_consent=has_consent(people),
        stopped=[pa for pa in requests if pa.status in WITHDRAWABLE_STATUSES],
        kept=[pa for pa in requests if pa.status not in WITHDRAWABLE_STATUSES],
    )


def withdraw_consent(people: list[Person], *, channel: str, actor=None) -> Withdrawal:
    """Withdraw every consent of ``people`` and stop their undecided applications, atomically.

    Idempotent: with nothing left to withdraw it changes nothing and says so (``consents == 0``).
    ``actor`` is the member of staff acting on the person's behalf (the call centre), if any.
    """
    now = timezone.now()
    stopped: list[tuple[str, str]] = []
    with transaction.atomic():
        consents = list(active_consents(people).select_for_update())
        if not consents:
            return Withdrawal(0, [])
        Consent.objects.filter(pk__in=[c.pk for c in consents]).update(
            withdrawn_at=now, withdrawn_channel=channel, withdrawn_by=actor
        )
        applications = Application.objects.filter(
            applicant__in=people, programme_applications__status__in=WITHDRAWABLE_STATUSES
        ).distinct()
        for application in applications.select_related("applicant"):
            try:
                codes = withdraw_application(application, person=application.applicant, channel=channel, actor=actor)
            except ApplicationError:
                continue
            stopped.extend((application.reference, code) for code in codes)
    return Withdrawal(len(consents), stopped)
