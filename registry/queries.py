"""Read-only questions channels ask the registry: a person's applications and their statuses."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from registry.models import Application, Person, ProgrammeApplication


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
