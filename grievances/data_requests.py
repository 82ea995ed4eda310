"""Requests about one's own data (DESIGN §11): a correction or an erasure, each a case of its own category.

Filed from the citizen's account or by the call centre on their behalf, a request is a grievance
(``data_correction`` or ``data_erasure``, each with its own deadline, ``DEFAULT_SLA_DAYS``) with a
``DataRequest`` saying what it asks. An officer decides it with the workflow's ``decide_data``
action (``grievances.services.transition``, carried out by ``grievances.data_decisions``):

- an upheld correction changes the person's details through ``registry.corrections`` (partner
  systems told), and the access log records the change;
- an upheld erasure anonymises the person through ``privacy.anonymise`` (the erasure log, which
  survives a restore), and keeps what must be kept — decisions already made (programme statuses
  and reasons, case outcomes) — with the officer's reason recorded on the request.

The citizen's SMS are the workflow's usual ones: a reference, a date, never the category.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from grievances.models import Category, DataRequest, Grievance
from grievances.services import GrievanceError, file_grievance
from registry.corrections import CorrectionError, clean_changes
from registry.models import Person


def request_correction(
    person: Person, changes: dict, explanation: str, *, channel: str, language: str, filed_by=None
) -> Grievance:
    """File a request to correct ``person``'s details (``changes``: field -> new value, as text)."""
    try:
        cleaned = clean_changes(changes)
    except CorrectionError as error:
        raise GrievanceError(error.messages[0], code="changes") from None
    if not cleaned:
        raise GrievanceError(_("Say which details are wrong and what they should be."), code="changes")
    with transaction.atomic():
        case = file_grievance(
            category=Category.DATA_CORRECTION,
            description=(explanation or "").strip() or _("Please correct my details."),
            channel=channel,
            language=language,
            complainant=person,
            phone=person.phone,
            area=person.area,
            filed_by=filed_by,
        ).grievance
        DataRequest.objects.create(
            grievance=case, kind=DataRequest.Kind.CORRECTION, person=person, requested_changes=cleaned
        )
    return case


def request_erasure(person: Person, explanation: str, *, channel: str, language: str, filed_by=None) -> Grievance:
    """File a request to erase ``person``'s data."""
    with transaction.atomic():
        case = file_grievance(
            category=Category.DATA_ERASURE,
            description=(explanation or "").strip() or _("Please erase my data."),
            channel=channel,
            language=language,
            complainant=person,
            phone=person.phone,
            area=person.area,
            filed_by=filed_by,
        ).grievance
        DataRequest.objects.create(grievance=case, kind=DataRequest.Kind.ERASURE, person=person)
    return case


def open_data_request(person: Person, kind: str) -> Grievance | None:
    """The person's open request of ``kind``, if any (a second one is not filed)."""
    request = (
        DataRequest.objects.filter(person=person, kind=kind, grievance__status__in=Grievance.OPEN_STATUSES)
        .select_related("grievance")
        .first()
    )
    return request.grievance if request else None
