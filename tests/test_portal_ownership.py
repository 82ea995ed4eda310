"""One citizen never reaches another's applications, complaints or appeals: every such URL is a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from grievances.models import Grievance
from grievances.services import file_grievance
from registry.models import ProgrammeApplication
from tests.portal_helpers import OTHER_PHONE, PHONE, apply_as, refuse, sign_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_cases(programmes, areas):
    """The first citizen's application (one programme refused), complaint and appeal."""
    application = apply_as(PHONE, ("old-age-pension", "disability-grant"))
    refused = refuse(application.programme_applications.get(programme__code="disability-grant"))
    person = application.applicant
    complaint = file_grievance(
        category="payment_not_received", description="No payment.", channel="web", language="en", complainant=person
    ).grievance
    appealable = refuse(application.programme_applications.get(programme__code="old-age-pension"))
    appeal = file_grievance(
        kind="appeal",
        category="decision_appeal",
        description="Please look again.",
        channel="web",
        language="en",
        complainant=person,
        related_programme_application=appealable,
    ).grievance
    return {"application": application, "refused": refused, "complaint": complaint, "appeal": appeal}


@pytest.fixture
def intruder(owner_cases):
    """A second citizen, signed in, with an application of their own."""
    apply_as(OTHER_PHONE, ("old-age-pension",), given_name="Baraka")
    client = Client()
    sign_in(client, OTHER_PHONE)
    return client


def object_urls(cases) -> list[str]:
    reference = cases["application"].reference
    return [
        url("account_application", reference),
        url("account_withdraw", reference),
        url("account_appeal", reference, "disability-grant"),
        url("account_appeal", reference, "old-age-pension"),
        url("account_complaint", cases["complaint"].reference),
        url("account_complaint", cases["appeal"].reference),
    ]


def test_the_owner_reaches_every_url(owner_cases):
    client = Client()
    sign_in(client, PHONE)
    statuses = [client.get(address).status_code for address in object_urls(owner_cases)]
    # The second appeal link answers "already under appeal" (409); every other page is shown.
    assert statuses == [200, 200, 200, 409, 200, 200]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_another_citizen_gets_404_on_every_url(owner_cases, intruder, language):
    for address in object_urls(owner_cases):
        if language != "en":
            address = f"/{language}{address}"
        assert intruder.get(address).status_code == 404, address
        assert intruder.post(address, {"reason": "Mine now", "language": "en"}).status_code == 404, address


def test_another_citizens_posts_change_nothing(owner_cases, intruder):
    for address in object_urls(owner_cases):
        intruder.post(address, {"reason": "Mine now"})
    statuses = set(owner_cases["application"].programme_applications.values_list("status", flat=True))
    assert statuses == {ProgrammeApplication.Status.NOT_ELIGIBLE}
    assert Grievance.objects.count() == 2


def test_another_citizens_account_lists_nothing_of_the_owner(owner_cases, intruder):
    body = intruder.get(url("account")).content.decode()
    assert owner_cases["application"].reference not in body
    assert owner_cases["complaint"].reference not in body
    assert owner_cases["appeal"].reference not in body


def test_another_citizen_cannot_name_the_owners_application_in_a_complaint(owner_cases, intruder):
    response = intruder.post(
        url("complain"),
        {"category": "other", "description": "About this.", "related": str(owner_cases["refused"].pk), "token": ""},
    )
    assert response.status_code == 200
    assert "Choose one of your applications, or none." in response.content.decode()
    assert Grievance.objects.count() == 2


def test_tracking_someone_elses_complaint_by_reference_alone_needs_the_pin(owner_cases, intruder):
    response = intruder.post(url("track"), {"reference": owner_cases["complaint"].reference, "pin": ""})
    assert response.status_code == 200
    assert "Enter the PIN" in response.content.decode()
