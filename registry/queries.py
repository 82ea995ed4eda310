"""Read-only questions channels ask the registry: a person's applications and their statuses."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from registry.models import Application, Payment, Person, ProgrammeApplication


def people_with_phone(phone: str) -> QuerySet[Person]:
    """Everyone who applied with this phone number (a phone may be shared in a family)."""
    return Person.objects.filter(phone=phone)


def applications_for_phone(phone: str) -> QuerySet[Application]:
    """Applications made with this phone number, newest first, with their programme requests loaded."""
    return applications_of(Application.objects.filter(applicant__phone=phone))


def applications_for_person(person: Person) -> QuerySet[Application]:
    """A person's applications, newest first, with their programme requests loaded."""
    return applications_of(Application.objects.filter(applicant=person))


def applications_of(queryset: QuerySet[Application]) -> QuerySet[Application]:
    requests = ProgrammeApplication.objects.select_related("programme").prefetch_related("programme__names")
    return queryset.select_related("applicant").prefetch_related(
        Prefetch("programme_applications", queryset=requests.order_by("programme__sort_order"))
    )


def latest_payments(
    phone: str | None = None, *, people: QuerySet[Person] | None = None, per_programme: int = 1
) -> list[Payment]:
    """The latest payments to the applications made with ``phone`` (or by ``people``), newest first.

    At most ``per_programme`` for each programme, so a long history does not hide another programme.
    """
    payments = Payment.objects.select_related(
        "programme_application__programme", "programme_application__application"
    ).prefetch_related("programme_application__programme__names")
    if people is not None:
        payments = payments.filter(programme_application__application__applicant__in=people)
    else:
        payments = payments.filter(programme_application__application__applicant__phone=phone)
    kept: list[Payment] = []
    counted: dict[int, int] = {}
    for payment in payments.order_by("-payment_date", "-id")[:200]:
        programme_id = payment.programme_application.programme_id
        if counted.get(programme_id, 0) < per_programme:
            counted[programme_id] = counted.get(programme_id, 0) + 1
            kept.append(payment)
    return kept
