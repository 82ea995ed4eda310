"""Partners sign in with client credentials; scopes, signatures and request budgets are enforced."""

from __future__ import annotations

import base64
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.urls import reverse

from api import signatures
from api.scopes import PAYMENTS_WRITE, REGISTRY_SEARCH
from tests.api_helpers import dci_body, make_partner, post_dci, search_message, token_for
from tests.backoffice_helpers import make_staff, submit_application

pytestmark = pytest.mark.django_db

SEARCH = "registry/sync/search"


def _by_reference(reference: str) -> dict:
    return search_message("idtype-value", {"type": "LANGO_REF", "value": reference})


def test_a_request_without_a_token_is_refused_with_a_dci_error(client):
    response = post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), None)

    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.request.unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_made_up_token_is_refused(client):
    response = post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), "not-a-token")

    assert response.status_code == 401


def test_a_partner_without_the_scope_gets_403_and_no_data(client, programmes, areas):
    application = submit_application(["old-age-pension"], areas["mombasa"])
    _partner, client_id, secret = make_partner(scopes=[PAYMENTS_WRITE], every_programme=True)
    token = token_for(client, client_id, secret)

    response = post_dci(client, SEARCH, dci_body("search", _by_reference(application.reference)), token)

    assert response.status_code == 403
    assert response.json()["message"]["error"]["code"] == "err.request.forbidden"
    assert application.reference not in response.content.decode()


def test_a_token_cannot_be_asked_for_a_scope_the_partner_lacks(client):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH])
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    response = client.post(
        reverse("oauth_token"),
        {"grant_type": "client_credentials", "scope": PAYMENTS_WRITE},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_the_token_endpoint_offers_no_password_grant_to_guess_staff_passwords_with(client):
    make_staff("olive")
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH])
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    response = client.post(
        reverse("oauth_token"),
        {"grant_type": "password", "username": "olive", "password": "guess"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )

    assert response.json()["error"] == "unsupported_grant_type"


def test_a_deactivated_partner_is_refused_even_with_a_live_token(client):
    partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH])
    token = token_for(client, client_id, secret)
    partner.is_active = False
    partner.save()

    response = post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), token)

    assert response.status_code == 401


def test_a_partner_over_its_budget_is_told_to_slow_down(client):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], requests_per_minute=2)
    token = token_for(client, client_id, secret)

    statuses = [
        post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), token).status_code for _ in range(3)
    ]

    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429


# --- Signatures -----------------------------------------------------------------------------------


@pytest.fixture
def key_pair():
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    return private, public


def _signed(private, body: dict, *, sender: str = "mis") -> dict:
    body["signature"] = signatures.sign(
        private, sender_id=sender, key_id="k1", header=body["header"], message=body["message"]
    )
    return body


def test_a_partner_with_a_key_must_sign(client, key_pair):
    _private, public = key_pair
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], public_key=public)
    token = token_for(client, client_id, secret)

    response = post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), token)

    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.signature.missing"


def test_a_correctly_signed_request_is_accepted(client, key_pair):
    private, public = key_pair
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], public_key=public)
    token = token_for(client, client_id, secret)

    response = post_dci(client, SEARCH, _signed(private, dci_body("search", _by_reference("1000000001"))), token)

    assert response.status_code == 200


def test_a_request_changed_after_signing_is_refused(client, key_pair):
    private, public = key_pair
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], public_key=public)
    token = token_for(client, client_id, secret)
    body = _signed(private, dci_body("search", _by_reference("1000000001")))
    body["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "1000000019"

    response = post_dci(client, SEARCH, body, token)

    assert response.json()["message"]["error"]["code"] == "err.signature.invalid"


def test_a_signature_made_with_another_key_is_refused(client, key_pair):
    _private, public = key_pair
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], public_key=public)
    token = token_for(client, client_id, secret)

    response = post_dci(
        client, SEARCH, _signed(Ed25519PrivateKey.generate(), dci_body("search", _by_reference("1"))), token
    )

    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.signature.invalid"


def test_an_expired_signature_is_refused(key_pair):
    private, public = key_pair
    header, message = {"message_id": "m"}, {"transaction_id": "t"}
    old = signatures.sign(
        private, sender_id="mis", key_id="k", header=header, message=message, now=int(time.time()) - 3600
    )

    with pytest.raises(signatures.SignatureError):
        signatures.check(old, public_key=public, sender_id="mis", header=header, message=message)


def test_a_key_signing_for_another_sender_is_refused(key_pair):
    private, public = key_pair
    header, message = {"message_id": "m"}, {"transaction_id": "t"}
    signed = signatures.sign(private, sender_id="someone-else", key_id="k", header=header, message=message)

    with pytest.raises(signatures.SignatureError):
        signatures.check(signed, public_key=public, sender_id="mis", header=header, message=message)


def test_a_partner_without_a_key_cannot_send_a_signature_lango_cannot_check(client):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH])
    token = token_for(client, client_id, secret)
    body = dci_body("search", _by_reference("1000000001"), signature="invalid-signature")

    response = post_dci(client, SEARCH, body, token)

    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.signature.invalid"


def test_a_partner_without_a_key_may_send_no_signature_or_the_unsigned_placeholder(client):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH])
    token = token_for(client, client_id, secret)

    plain = post_dci(client, SEARCH, dci_body("search", _by_reference("1000000001")), token)
    placeholder = post_dci(client, SEARCH, dci_body("search", _by_reference("1"), signature="unsigned"), token)

    assert (plain.status_code, placeholder.status_code) == (200, 200)


def test_a_pem_key_is_read_as_well_as_raw_base64(key_pair):
    private, _public = key_pair
    pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    header, message = {"message_id": "m"}, {"transaction_id": "t"}
    signed = signatures.sign(private, sender_id="mis", key_id="k", header=header, message=message)

    signatures.check(signed, public_key=pem, sender_id="mis", header=header, message=message)
