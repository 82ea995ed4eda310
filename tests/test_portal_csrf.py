"""CSRF protection is enforced on every citizen form."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from registry.references import ReferenceKind, new_reference
from tests.portal_helpers import PHONE, apply_as, refuse, sign_in, url

pytestmark = pytest.mark.django_db

ANONYMOUS_FORMS = ["sign_in", "sign_in_code", "sign_in_resend", "apply_start", "complain", "track", "call_me_back"]
APPLY_STEPS = [
    "name",
    "date-of-birth",
    "sex",
    "national-id",
    "household",
    "children",
    "disability",
    "region",
    "district",
    "income",
    "advice",
    "programmes",
    "consent",
]


@pytest.fixture
def signed_in_strict_client(programmes, areas):
    """A client that enforces CSRF checks, carrying a signed-in citizen's session."""
    application = apply_as(PHONE, ("disability-grant",))
    refuse(application.programme_applications.get())
    normal = Client()
    sign_in(normal)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = normal.cookies
    return strict, application


def citizen_form_urls(application) -> list[str]:
    return [
        url("sign_out"),
        url("apply_submit"),
        url("account_withdraw", application.reference),
        url("account_appeal", application.reference, "disability-grant"),
        url("account_complaint_appeal", new_reference(ReferenceKind.GRIEVANCE)),
        url("account_language"),
        url("account_sms"),
        url("complain"),
        url("track"),
        url("call_me_back"),
    ]


@pytest.mark.parametrize("name", ANONYMOUS_FORMS)
def test_a_post_without_the_token_is_refused(name, programmes):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(name), {"phone": PHONE})
    assert response.status_code == 403


@pytest.mark.parametrize("step", APPLY_STEPS)
def test_every_question_of_the_application_refuses_a_post_without_the_token(step, programmes):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("apply_step", step), {}).status_code == 403


def test_every_form_of_a_signed_in_citizen_refuses_a_post_without_the_token(signed_in_strict_client):
    client, application = signed_in_strict_client
    for address in citizen_form_urls(application):
        assert client.post(address, {"reason": "x", "language": "fr"}).status_code == 403, address
    assert client.get(url("account")).status_code == 200, "still signed in: nothing went through"


def test_the_same_post_with_the_token_goes_through(signed_in_strict_client):
    client, _application = signed_in_strict_client
    page = client.get(url("account_language")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url("account_language"), {"language": "fr", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_every_post_form_on_the_pages_carries_the_token(signed_in_strict_client):
    client, application = signed_in_strict_client
    pages = [
        url("account"),
        url("account_application", application.reference),
        url("account_withdraw", application.reference),
        url("account_appeal", application.reference, "disability-grant"),
        url("account_complaint_appeal", new_reference(ReferenceKind.GRIEVANCE)),
        url("account_language"),
        url("account_sms"),
        url("complain"),
        url("track"),
        url("call_me_back"),
        url("apply_start"),
        url("apply_step", "name"),
    ]
    for page in pages:
        body = client.get(page).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", body, flags=re.S)
        assert forms, page
        assert all("csrfmiddlewaretoken" in form for form in forms), page
