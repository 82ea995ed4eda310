"""Helpers for partner-API tests: partners with real OAuth clients, tokens, DCI request bodies."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from django.urls import reverse
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from api.models import Partner

CALLBACK_BASE = "http://127.0.0.1:3336/"


def make_partner(code: str = "mis", *, scopes: list[str], programmes=(), every_programme: bool = False, **extra):
    """A partner with an OAuth client; returns ``(partner, client_id, client_secret)``."""
    secret = generate_client_secret()
    application = Application.objects.create(
        name=code,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    extra.setdefault("callback_base_url", CALLBACK_BASE)
    partner = Partner.objects.create(
        code=code,
        name=code.upper(),
        kind=Partner.Kind.PROGRAMME_MIS,
        application=application,
        scopes=scopes,
        every_programme=every_programme,
        **extra,
    )
    partner.programmes.set(programmes)
    return partner, application.client_id, secret


def token_for(client, client_id: str, secret: str, scope: str | None = None) -> str:
    """Get a bearer token through the real token endpoint (client credentials, HTTP Basic)."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = client.post(reverse("oauth_token"), data, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def dci_body(action: str, message: dict, *, sender_uri: str = "", signature: str = "") -> dict:
    """A DCI request envelope with a fresh message id."""
    header = {
        "version": "1.0.0",
        "message_id": f"m-{uuid.uuid4().hex}",
        "message_ts": datetime.now(UTC).isoformat(),
        "action": action,
        "sender_id": "mis",
        "receiver_id": "lango",
        "total_count": 1,
    }
    if sender_uri:
        header["sender_uri"] = sender_uri
    return {"signature": signature, "header": header, "message": message}


def search_message(query_type: str, query, *, pagination: dict | None = None, transaction_id: str = "") -> dict:
    criteria = {"query_type": query_type, "query": query}
    if pagination:
        criteria["pagination"] = pagination
    return {
        "transaction_id": transaction_id or f"t-{uuid.uuid4().hex[:12]}",
        "search_request": [
            {"reference_id": "r-1", "timestamp": datetime.now(UTC).isoformat(), "search_criteria": criteria}
        ],
    }


def post_dci(client, path: str, body: dict, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"/api/dci/v1/{path}", body, content_type="application/json", **headers)
