"""Property-based tests of the partner API against its schemas: no server error, no answer outside the schema.

Schemathesis generates requests from each OpenAPI document and sends them through the WSGI app
(no live server). Lango's own API is checked against the schema it serves; the DCI endpoints
Lango implements against the two DCI specifications in ``../shared/specs/dci/``, with the
specifications' known slips mended in memory first (named below). Those tests skip, saying why,
where the specifications are not next to the project.
"""

from __future__ import annotations

import base64
import copy
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api.scopes import SCOPES
from portal.wsgi import application
from tests.api_helpers import make_partner

ROOT = Path(__file__).resolve().parent.parent
# ``shared/specs/dci`` beside the project (or beside a folder holding it).
SPECS = next((p / "shared" / "specs" / "dci" for p in ROOT.parents if (p / "shared" / "specs" / "dci").is_dir()), ROOT)
DCI_BASE = "/api/dci/v1"
SOCIAL_PATHS = {
    "/registry/search",
    "/registry/sync/search",
    "/registry/subscribe",
    "/registry/unsubscribe",
    "/registry/txn/status",
    "/registry/sync/txn/status",
}
IBR_PATHS = {"/registry/sync/enrollment/updates", "/registry/sync/enrolled"}
# The DCI schemas admit many requests that are well formed yet not acceptable (an encrypted message,
# a callback address outside the partner's, a signature nobody can check): what must hold there is
# that nothing fails on the server and every answer is within the specification.
DCI_CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@contextmanager
def connection_kept():
    """Schemathesis calls the WSGI app itself: keep the test's database connection open across its
    requests, as Django's test client does (its end-of-request handler would close it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(case, bearer: str, checks=None) -> None:
    with connection_kept():
        case.call_and_validate(headers={"Authorization": f"Bearer {bearer}"}, checks=checks)


@pytest.fixture
def bearer(db, client, programmes):
    """A token of a partner holding every scope, for every programme."""
    _partner, client_id, secret = make_partner("fuzzer", scopes=list(SCOPES), every_programme=True)
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        "/api/v1/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    return response.json()["access_token"]


own = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@own.parametrize()
@FUZZ
def test_lango_api_answers_within_its_own_schema_and_never_fails(case, bearer):
    call(case, bearer)


def _mended(name: str, paths: set[str]) -> dict | None:
    """The DCI specification ``name`` with only the endpoints Lango implements, its slips mended."""
    path = SPECS / name
    if not path.is_file():
        return None
    raw = yaml.safe_load(path.read_text())
    raw["servers"] = [{"url": DCI_BASE}]
    raw["paths"] = {p: operations for p, operations in raw["paths"].items() if p in paths}
    for operations in raw["paths"].values():
        for operation in operations.values():
            operation["requestBody"]["content"].pop("multipart/form-data", None)  # Lango takes JSON only
            for status, response in list(operation["responses"].items()):
                target = response.get("$ref", "")
                if target.startswith("#/components/schemas/"):
                    # IBR: a schema given where a response belongs; the answer is an envelope around it.
                    operation["responses"][status] = {
                        "description": "answer",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"header": {"type": "object"}, "message": {"$ref": target}},
                                    "required": ["header", "message"],
                                }
                            }
                        },
                    }
    components = raw.setdefault("components", {})
    if "securitySchemas" in components:  # IBR: misspelt "securitySchemes"
        components["securitySchemes"] = components.pop("securitySchemas")
    return copy.deepcopy(raw)


def _dci_schema(name: str, paths: set[str]):
    raw = _mended(name, paths)
    if raw is None:
        return None
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = application
    return schema


social = _dci_schema("social_api_v1.0.0.yaml", SOCIAL_PATHS)
ibr = _dci_schema("ibr_api_v1.0.0.yaml", IBR_PATHS)
MISSING = "the DCI specifications are not in ../shared/specs/dci/ next to the project"

if social is not None:

    @pytest.mark.django_db
    @social.parametrize()
    @FUZZ
    def test_the_social_registry_endpoints_answer_within_the_dci_specification(case, bearer):
        call(case, bearer, DCI_CHECKS)

else:

    def test_the_social_registry_endpoints_answer_within_the_dci_specification():
        pytest.skip(MISSING)


if ibr is not None:

    @pytest.mark.django_db
    @ibr.parametrize()
    @FUZZ
    def test_the_enrolment_endpoints_answer_within_the_dci_specification(case, bearer):
        call(case, bearer, DCI_CHECKS)

else:

    def test_the_enrolment_endpoints_answer_within_the_dci_specification():
        pytest.skip(MISSING)
