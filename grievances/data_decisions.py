"""Carrying out a decided data request: the correction or the erasure, recorded (see ``grievances.data_requests``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.audit import log_access
from grievances.models import AccessLog, Category, DataRequest, Grievance
from privacy.anonymise import anonymise_person
from privacy.models import Anonymisation
from registry.corrections import CorrectionError, apply_correction


def carry_out(case: Grievance, outcome: str, text: str, actor, changes: dict | None = None) -> DataRequest:
    """Apply a decided request (inside the deciding transaction): correct or erase, and record it.

    Nothing is changed for a request not upheld. Raises ``CorrectionError`` when a correction
    cannot be made as asked.
    """
    request = DataRequest.objects.filter(grievance=case).first()
    kind = (
        request.kind
        if request
        else (DataRequest.Kind.ERASURE if case.category == Category.DATA_ERASURE else DataRequest.Kind.CORRECTION)
    )
    if request is None:
        request = DataRequest(grievance=case, kind=kind, person=case.complainant)
    person = request.person or case.complainant
    now = timezone.now()
    upheld = outcome != Grievance.Outcome.NOT_UPHELD
    if upheld and person is None:
        raise CorrectionError(_("This request names nobody in the registry: nothing can be changed."), code="person")
    user = actor if getattr(actor, "is_authenticated", False) else None
    if upheld and kind == DataRequest.Kind.CORRECTION:
        request.applied_changes = apply_correction(person, changes or request.requested_changes)
        if user is not None:
            log_access(user, AccessLog.Action.CHANGE, person, reason=f"correction {case.reference}")
    request.decided_at = now
    if kind == DataRequest.Kind.ERASURE:
        request.kept_reason = text
    request.save()
    if upheld and kind == DataRequest.Kind.ERASURE:
        # The decision's SMS is already queued: the phone is among what goes.
        anonymise_person(person.pk, Anonymisation.Reason.ERASURE, request_reference=case.reference)
        if user is not None:
            log_access(user, AccessLog.Action.CHANGE, person, reason=f"erasure {case.reference}")
    return request
