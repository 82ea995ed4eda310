"""Who is calling, as far as the registry knows from the phone number the network gives us."""

from __future__ import annotations

from registry.models import Person
from registry.queries import people_with_phone


def person_for_phone(phone: str) -> Person | None:
    """The one person who applied with ``phone``, or ``None`` when nobody or several people did."""
    people = list(people_with_phone(phone)[:2])
    return people[0] if len(people) == 1 else None
