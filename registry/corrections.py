"""Corrections of a person's details, as an upheld data-correction request decides (DESIGN §11).

The grievance workflow decides; this service is the only code that changes the details, and it
tells partner systems (a ``RegistryEvent`` UPDATE per application of the person) in the same
transaction. Values arrive as text (from a form, a USSD answer or the request as it was stored)
and are checked here: the digits rule applies to dates and years.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import events
from registry.digits import ascii_digits
from registry.models import AdminArea, Application, Person, Sex

# The details a person may ask to correct (the phone is their sign-in: the call centre changes it).
CORRECTABLE_FIELDS = ("given_name", "family_name", "date_of_birth", "birth_year", "sex", "area")


class CorrectionError(ValidationError):
    """A correction cannot be made as asked; the message is for the person or the officer."""


def _date(text: str) -> date:
    text = ascii_digits(text).strip()
    for separator in ("/", "-", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            first, second, third = (int(part) for part in parts)
            try:
                found = date(first, second, third) if first > 31 else date(third, second, first)
            except ValueError:
                break
            if date(1900, 1, 1) <= found <= timezone.localdate():
                return found
            break
    raise CorrectionError(_("Write the date of birth as day/month/year, for example 14/03/1956."), code="date")


def clean_changes(raw: dict) -> dict[str, str]:
    """The asked-for changes, checked, as text fit to store (only the fields given, not empty).

    Dates become ``YYYY-MM-DD``, a district its code; a date of birth also sets the year of birth.
    """
    cleaned: dict[str, str] = {}
    for name in CORRECTABLE_FIELDS:
        value = str(raw.get(name) or "").strip()
        if not value:
            continue
        if name in ("given_name", "family_name"):
            if len(value) > Person._meta.get_field(name).max_length:
                raise CorrectionError(_("That name is too long."), code="name")
            cleaned[name] = value
        elif name == "date_of_birth":
            born = _date(value)
            cleaned[name] = born.isoformat()
            cleaned["birth_year"] = str(born.year)
        elif name == "birth_year":
            year = ascii_digits(value)
            if not (year.isdigit() and 1900 <= int(year) <= timezone.localdate().year):
                raise CorrectionError(_("Write the year of birth with four digits, for example 1956."), code="year")
            cleaned.setdefault(name, year)
        elif name == "sex":
            if value not in Sex.values:
                raise CorrectionError(_("Choose one of the answers."), code="sex")
            cleaned[name] = value
        elif name == "area":
            area = AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).filter(code=value).first()
            if area is None and value.isdigit():
                area = AdminArea.objects.filter(level=AdminArea.Level.DISTRICT, pk=int(value)).first()
            if area is None:
                raise CorrectionError(_("Choose your district from the list."), code="area")
            cleaned[name] = area.code
    return cleaned


def apply_correction(person: Person, changes: dict) -> list[str]:
    """Change ``person``'s details as ``changes`` says (checked again); return the fields that changed.

    Partner systems are told (an UPDATE event for each of the person's applications).
    """
    cleaned = clean_changes(changes)
    if not cleaned:
        raise CorrectionError(_("Say which details to correct."), code="empty")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = []
        for name, value in cleaned.items():
            if name == "area":
                new = AdminArea.objects.get(code=value)
                if locked.area_id != new.pk:
                    locked.area = new
                    changed.append(name)
                continue
            new_value = date.fromisoformat(value) if name == "date_of_birth" else value
            new_value = int(new_value) if name == "birth_year" else new_value
            if getattr(locked, name) != new_value:
                setattr(locked, name, new_value)
                changed.append(name)
        if changed:
            locked.save(update_fields=changed)
            for application in Application.objects.filter(applicant=locked):
                events.application_updated(application)
    person.refresh_from_db()
    return changed
