"""Small builders for domain tests: an applicant and a household with sensible defaults."""

from __future__ import annotations

from registry.services import ApplicantDetails, HouseholdDetails, submit_application


def applicant(**overrides) -> ApplicantDetails:
    values = {
        "given_name": "Amina",
        "family_name": "Odhiambo",
        "sex": "female",
        "phone": "+254712345678",
        "birth_year": 1950,
        "national_id": "",
    }
    values.update(overrides)
    return ApplicantDetails(**values)


def household(area, **overrides) -> HouseholdDetails:
    values = {
        "size": 4,
        "children_under_5": 1,
        "children_under_18": 2,
        "members_with_disability": 0,
        "income_band": 1,
        "area_id": area.pk,
    }
    values.update(overrides)
    return HouseholdDetails(**values)


def submit(area, codes, *, key=None, channel="web", language="en", submitted_by=None, **applicant_overrides):
    return submit_application(
        applicant=applicant(**applicant_overrides),
        household=household(area),
        programme_codes=codes,
        channel=channel,
        language=language,
        consent_given=True,
        idempotency_key=key,
        submitted_by=submitted_by,
    )
