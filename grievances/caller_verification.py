"""Call-centre rules: finding a caller and verifying who they are before anything personal is shown.

The agent types what the caller says (their date or year of birth and their district); the record
is compared here, so the agent never sees those facts before the caller is verified. Every attempt
is recorded; a verification lasts for the call (``VERIFIED_MINUTES``); too many wrong attempts lock
the record for that agent for a while.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from grievances.models import CallVerification, Grievance
from grievances.queries import seal_sensitive
from registry.models import AdminArea, Application, Person
from registry.phones import normalise_phone
from registry.references import ReferenceKind, is_valid_reference, normalise_reference

VERIFIED_MINUTES = 30
MAX_FAILED_ATTEMPTS = 3
LOCK_MINUTES = 15
FACTS = "birth,district"


@dataclass
class CallerSearch:
    """Who a phone number or a reference points to; nothing here is shown before verification."""

    query: str
    people: list[Person] = field(default_factory=list)
    kind: str = ""  # "phone", "application", "grievance" or "" when the query was not understood


def find_caller(query: str, agent) -> CallerSearch:
    """Find the people a phone number or an application / complaint reference belongs to.

    A complaint's reference finds its complainant only when ``agent`` may see that complaint, so a
    sensitive case's reference matches nobody for an agent who is not cleared for it.
    """
    raw = (query or "").strip()
    reference = normalise_reference(raw)
    if is_valid_reference(reference, ReferenceKind.APPLICATION):
        people = Person.objects.filter(applications__reference=reference)
        return CallerSearch(raw, list(people.distinct()), "application")
    if is_valid_reference(reference, ReferenceKind.GRIEVANCE):
        cases = seal_sensitive(Grievance.objects.filter(reference=reference), agent)
        if not cases.exists():
            return CallerSearch(raw)
        people = Person.objects.filter(grievances__in=cases)
        return CallerSearch(raw, list(people.distinct()), "grievance")
    try:
        phone = normalise_phone(raw)
    except Exception:  # noqa: BLE001 - any unparseable input simply finds nobody
        return CallerSearch(raw)
    return CallerSearch(raw, list(Person.objects.filter(phone=phone).order_by("pk")), "phone")


def parse_stated_birth(text: str) -> date | int | None:
    """Read what the caller says about their birth: a year (``1956``) or a date (``14/03/1956``)."""
    text = (text or "").strip()
    if text.isdigit() and len(text) == 4:
        return int(text)
    for separator in ("/", "-", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            first, second, third = (int(part) for part in parts)
            try:
                return date(first, second, third) if first > 31 else date(third, second, first)
            except ValueError:
                return None
    return None


def _birth_matches(person: Person, stated: date | int | None) -> bool:
    if isinstance(stated, date):
        return person.date_of_birth == stated if person.date_of_birth else person.birth_year == stated.year
    return stated is not None and person.birth_year == stated


def is_locked(agent, person: Person) -> bool:
    """Tell whether this agent made too many wrong attempts on this record lately."""
    since = timezone.now() - timedelta(minutes=LOCK_MINUTES)
    failures = CallVerification.objects.filter(agent=agent, person=person, succeeded=False, created_at__gte=since)
    return failures.count() >= MAX_FAILED_ATTEMPTS


def verify_caller(agent, person: Person, *, stated_birth: str, stated_district: AdminArea | None) -> bool:
    """Compare two facts the caller stated with the record; record the attempt; return whether both match."""
    if is_locked(agent, person):
        return False
    birth_ok = _birth_matches(person, parse_stated_birth(stated_birth))
    district_ok = stated_district is not None and person.area_id == stated_district.pk
    succeeded = birth_ok and district_ok
    CallVerification.objects.create(agent=agent, person=person, facts=FACTS, succeeded=succeeded)
    return succeeded


def is_verified_caller(agent, person: Person | None) -> bool:
    """Tell whether ``agent`` verified ``person`` on a call within the last ``VERIFIED_MINUTES``."""
    if person is None or agent is None or not getattr(agent, "pk", None):
        return False
    since = timezone.now() - timedelta(minutes=VERIFIED_MINUTES)
    return CallVerification.objects.filter(agent=agent, person=person, succeeded=True, created_at__gte=since).exists()


def caller_applications(person: Person) -> QuerySet[Application]:
    """The caller's applications with their programme requests."""
    from registry.queries import applications_for_person

    return applications_for_person(person)


def caller_grievances(agent, person: Person) -> QuerySet[Grievance]:
    """The caller's cases the agent may see (never sensitive ones without clearance)."""
    return seal_sensitive(Grievance.objects.filter(complainant=person), agent).order_by("-created_at")
