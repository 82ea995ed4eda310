"""Lango's registrations as DCI records: one ``Group`` per application (the applicant's household).

What a record holds depends on the partner's scopes: without ``registry:personal`` it has no
name, date of birth, phone or national ID digits — only the household, the area, the year of
birth and sex, and the programme requests with their statuses. No record ever holds a complaint.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from registry.models import Application, IncomeBand, ProgrammeApplication

RECORD_TYPE = "Group"


def with_record_data(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Load what records need in a fixed number of queries."""
    requests = ProgrammeApplication.objects.select_related("programme").order_by("programme__sort_order", "id")
    return applications.select_related("applicant", "household__area__parent").prefetch_related(
        Prefetch("programme_applications", queryset=requests)
    )


def record(application: Application, *, personal: bool, programmes: frozenset[str] | None) -> dict:
    """The DCI record of one application; ``programmes`` limits the requests shown (``None``: all)."""
    person = application.applicant
    household = application.household
    district = household.area
    region = district.parent if district.parent_id else district
    demographic = {"@type": "SRPerson", "sex": person.sex, "birth_year": person.birth_year}
    if personal:
        demographic["name"] = {"@type": "Name", "given_name": person.given_name, "surname": person.family_name}
        if person.date_of_birth:
            demographic["birth_date"] = person.date_of_birth.isoformat()
        demographic["phone_number"] = person.phone
        if person.national_id_last3:
            demographic["national_id_last_digits"] = person.national_id_last3
    return {
        "@type": "spdci:Group",
        "group_identifier": [
            {"@type": "Identifier", "identifier_type": "LANGO_REF", "identifier_value": application.reference}
        ],
        "group_type": "household",
        "group_size": household.size,
        "registration_date": application.submitted_at.isoformat(),
        "registration_channel": application.channel,
        "district": district.code,
        "region": region.code,
        "children_under_5": household.children_under_5,
        "children_under_18": household.children_under_18,
        "members_with_disability": household.members_with_disability,
        "income_band": IncomeBand(household.income_band).name.lower(),
        "group_head_info": {"@type": "spdci:Member", "demographic_info": demographic},
        "programmes": [
            _request(pa)
            for pa in application.programme_applications.all()
            if programmes is None or pa.programme.code in programmes
        ],
    }


def _request(pa: ProgrammeApplication) -> dict:
    entry = {"programme": pa.programme.code, "status": pa.status}
    if pa.decided_at:
        entry["decided_at"] = pa.decided_at.isoformat()
    if pa.decision_reason_code:
        entry["reason_code"] = pa.decision_reason_code
    return entry
