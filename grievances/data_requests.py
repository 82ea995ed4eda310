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
    return _file_request(
        person,
        DataRequest.Kind.CORRECTION,
        (explanation or "").strip() or _("Please correct my details."),
        channel=channel,
        language=language,
        filed_by=filed_by,
        requested_changes=cleaned,
    )


def request_erasure(person: Person, explanation: str, *, channel: str, language: str, filed_by=None) -> Grievance:
    """File a request to erase ``person``'s data."""
    return _file_request(
        person,
        DataRequest.Kind.ERASURE,
        (explanation or "").strip() or _("Please erase my data."),
        channel=channel,
        language=language,
        filed_by=filed_by,
    )


_CATEGORY_OF = {DataRequest.Kind.CORRECTION: Category.DATA_CORRECTION, DataRequest.Kind.ERASURE: Category.DATA_ERASURE}


def _file_request(person: Person, kind: str, description: str, *, channel, language, filed_by, **details) -> Grievance:
    """File the case of a data request and its ``DataRequest`` row, in one transaction."""
    with transaction.atomic():
        case = file_grievance(
            category=_CATEGORY_OF[kind],
            description=description,
            channel=channel,
            language=language,
            complainant=person,
            phone=person.phone,
            area=person.area,
            filed_by=filed_by,
        ).grievance
        DataRequest.objects.create(grievance=case, kind=kind, person=person, **details)
    return case


def open_data_request(person: Person, kind: str) -> Grievance | None:
    """The person's open request of ``kind``, if any (a second one is not filed)."""
    request = (
        DataRequest.objects.filter(person=person, kind=kind, grievance__status__in=Grievance.OPEN_STATUSES)
        .select_related("grievance")
        .first()
    )
    return request.grievance if request else None
