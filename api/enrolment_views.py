"""DCI enrolment endpoints (IBR) for programme systems, under ``/api/dci/v1/registry/sync/``.

``enrollment/updates``: a programme's own system sends its decisions on Lango's applications;
each goes through the registry's decision service, as an officer's would (a refusal needs a
reason code and a sentence; the citizen gets the SMS; the appeal window opens). A decision that
arrives twice is applied once. ``enrolled``: in which programmes is a person enrolled.

A beneficiary in ``enrolled_updates.beneficiaries`` is::

    {"reference_id": "…", "application_reference": "1510800474", "programme": "old-age-pension",
     "status": "enrolled" | "not_eligible" | "waitlisted", "reason_code": "…", "reason": "…"}
"""

from __future__ import annotations

from django.db.models import Q
from django.http import JsonResponse

from api import envelope
from api.dci_views import dci_endpoint
from api.envelope import Envelope, EnvelopeError
from api.models import Partner
from api.queries import QueryError, parse_criteria
from api.scopes import ENROLMENT_READ, ENROLMENT_WRITE
from grievances.audit import log_partner_call
from grievances.models import AccessLog
from registry.decisions import DecidingSystem, DecisionError, decide_for_system
from registry.models import Application, ProgrammeApplication
from registry.references import normalise_reference

MAX_BENEFICIARIES = 500


def _empty_enrolment_answer(transaction_id: str, correlation_id: str) -> dict:
    return {"transaction_id": transaction_id, "correlation_id": correlation_id, "enrolled_response": []}


@dci_endpoint(
    action="notify",
    scope=ENROLMENT_WRITE,
    name="enrolment_updates",
    answer_action="on-notify",
    empty_answer=_empty_enrolment_answer,
)
def enrolment_updates(partner: Partner, request: Envelope) -> JsonResponse:
    updates = request.message.get("enrolled_updates")
    beneficiaries = updates.get("beneficiaries") if isinstance(updates, dict) else None
    if not isinstance(beneficiaries, list) or not beneficiaries:
        raise EnvelopeError(400, "err.request.bad", "message.enrolled_updates.beneficiaries must be a list.")
    if len(beneficiaries) > MAX_BENEFICIARIES:
        raise EnvelopeError(400, "err.request.bad", f"At most {MAX_BENEFICIARIES} beneficiaries in one request.")
    codes = partner.programme_codes()
    system = DecidingSystem(
        code=partner.code,
        name=partner.name,
        programmes=codes if codes is not None else frozenset(_all_programme_codes()),
    )
    answers = [_apply_one(partner, system, item) for item in beneficiaries]
    applied = sum(1 for answer in answers if answer["status"] == "succ")
    log_partner_call(
        partner.code,
        AccessLog.Action.CHANGE,
        "dci.enrolment_updates",
        object_id=request.transaction_id,
        records=applied,
    )
    message = {
        "transaction_id": request.transaction_id,
        "correlation_id": envelope.new_id("corr"),
        "enrolled_response": answers,
    }
    header = envelope.answer_header("on-notify", receiver_id=partner.code, count=len(answers))
    return JsonResponse(envelope.signed({"header": header, "message": message}))


def _apply_one(partner: Partner, system: DecidingSystem, item) -> dict:
    if not isinstance(item, dict):
        return _rejected("-", "Each beneficiary is an object.")
    reference_id = str(item.get("reference_id") or "")[: envelope.MAX_ID]
    if not reference_id:
        return _rejected("-", "Each beneficiary needs its reference_id (it makes a repeat apply once).")
    reference = normalise_reference(str(item.get("application_reference") or _identifier(item)))
    pa = (
        ProgrammeApplication.objects.filter(application__reference=reference, programme__code=item.get("programme"))
        .select_related("programme")
        .first()
    )
    if pa is None:
        return _rejected(reference_id, "No application to that programme has this reference.")
    try:
        result = decide_for_system(
            pa,
            str(item.get("status") or ""),
            str(item.get("reason_code") or ""),
            str(item.get("reason") or ""),
            system=system,
            dedupe_key=f"dci:{partner.code}:{reference_id}",
        )
    except DecisionError as error:
        return _rejected(reference_id, " ".join(str(m) for m in error.messages))
    note = "Applied." if result.applied else "Already applied."
    return {
        "reference_id": reference_id,
        "timestamp": envelope.now_iso(),
        "status": "succ",
        "status_reason_message": note,
    }


def _identifier(item: dict) -> str:
    identifier = item.get("identifier")
    if isinstance(identifier, dict) and identifier.get("identifier_type") == "LANGO_REF":
        return str(identifier.get("identifier_value") or "")
    return ""


def _rejected(reference_id: str, why: str) -> dict:
    return {
        "reference_id": reference_id or "-",
        "timestamp": envelope.now_iso(),
        "status": "rjct",
        "status_reason_message": why[:999],
    }


def _all_programme_codes() -> list[str]:
    from registry.models import Programme

    return list(Programme.objects.values_list("code", flat=True))


@dci_endpoint(
    action="search",
    scope=ENROLMENT_READ,
    name="enrolled",
    answer_action="on-search",
    empty_answer=_empty_enrolment_answer,
)
def enrolled(partner: Partner, request: Envelope) -> JsonResponse:
    criteria = request.message.get("enrolled_criteria")
    if not isinstance(criteria, dict):
        raise EnvelopeError(400, "err.request.bad", "message.enrolled_criteria is missing.")
    reference_id = str(criteria.get("reference_id") or request.transaction_id)[: envelope.MAX_ID]
    answer = {"reference_id": reference_id, "timestamp": envelope.now_iso()}
    try:
        parsed = parse_criteria({"query_type": criteria.get("query_type"), "query": criteria.get("query")})
    except QueryError as error:
        answers = [{**answer, "status": "rjct", "enrolled_status": "no", "status_reason_message": str(error)[:999]}]
    else:
        enrolled_in = _enrolments(parsed.where, partner.programme_codes())
        answers = [
            {**answer, "status": "succ", "enrolled_status": "yes" if enrolled_in else "no", "programmes": enrolled_in}
        ]
    log_partner_call(
        partner.code,
        AccessLog.Action.VIEW,
        "dci.enrolled",
        object_id=request.transaction_id,
        records=len(answers[0].get("programmes", [])),
    )
    message = {
        "transaction_id": request.transaction_id,
        "correlation_id": envelope.new_id("corr"),
        "enrolled_response": answers,
    }
    header = envelope.answer_header("on-search", receiver_id=partner.code)
    return JsonResponse(envelope.signed({"header": header, "message": message}))


def _enrolments(where: Q, programmes: frozenset[str] | None) -> list[str]:
    """The codes of the programmes the matching people are enrolled in (within what the partner may see)."""
    people = Application.objects.filter(where).values("applicant")
    enrolled_in = ProgrammeApplication.objects.filter(
        application__applicant__in=people, status=ProgrammeApplication.Status.ENROLLED
    )
    if programmes is not None:
        enrolled_in = enrolled_in.filter(programme__code__in=programmes)
    return sorted(set(enrolled_in.values_list("programme__code", flat=True)))
