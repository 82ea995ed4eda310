"""Lango's own partner API, ``/api/v1/``: payment events in, described by OpenAPI 3.1 at ``openapi.json``.

Built with django-ninja, which Wagtail already brings: the schema is generated from these
functions and their pydantic models, so the document and the code cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security.base import AuthBase
from pydantic import field_validator

from api.auth import partner_for
from api.envelope import EnvelopeError
from api.models import Partner
from api.scopes import PAYMENTS_WRITE, SCOPES
from grievances.audit import log_partner_call
from grievances.models import AccessLog
from registry.payments import PaymentError, PaymentReport, record_payment_event

MAX_EVENTS = 500
TOKEN_ENDPOINT = "/api/v1/oauth/token/"  # noqa: S105 - an address, not a secret


class PartnerToken(AuthBase):
    """A partner's OAuth 2.0 bearer token (client credentials) with the scope the operation needs."""

    openapi_type = "oauth2"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.openapi_flows = {"clientCredentials": {"tokenUrl": TOKEN_ENDPOINT, "scopes": dict(SCOPE_DESCRIPTIONS)}}
        super().__init__()

    def __call__(self, request: HttpRequest) -> Partner:
        return partner_for(request, self.scope)


# The scopes in the published schema, in English (the partners' common language).
SCOPE_DESCRIPTIONS = {scope: str(description) for scope, description in SCOPES.items()}


class LangoAPI(NinjaAPI):
    """Ninja writes no scopes into an operation's security; this adds each operation's (``x-scopes``)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                scopes = operation.pop("x-scopes", None)
                if scopes is not None:
                    operation["security"] = [{"PartnerToken": scopes}]
        return schema


class ErrorDetail(Schema):
    code: str = Field(description="What went wrong, as a short code.", examples=["err.request.unauthorized"])
    message: str = Field(description="What went wrong, for a person to read.")


class ErrorOut(Schema):
    error: ErrorDetail


class PaymentEventIn(Schema):
    """One event about one payment, as the payment system saw it."""

    event_id: str = Field(
        min_length=1, max_length=99, description="Your id of this event: the same id twice is taken once."
    )
    payment_id: str = Field(min_length=1, max_length=99, description="Your id of the payment the event is about.")
    application_reference: str = Field(
        min_length=10, max_length=20, description="Lango's reference of the application (10 digits, spaces allowed)."
    )
    programme: str = Field(min_length=1, max_length=40, description="The programme's code.")
    status: Literal["scheduled", "sent", "paid", "failed", "returned"]
    amount: str = Field(
        pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
        description="The amount in the currency, as a decimal string: 2000 or 2000.50.",
        examples=["2000.00"],
    )
    currency: str = Field(min_length=3, max_length=3, pattern="^[A-Za-z]{3}$")
    channel: Literal["mobile_money", "bank", "cash_point"]
    payment_date: date = Field(description="The day the money is (or was) due to reach the person.")
    occurred_at: datetime = Field(description="When this event happened, with its time zone.")

    @field_validator("payment_date", "occurred_at", mode="before")
    @classmethod
    def _written_out(cls, value):
        """Dates are ISO 8601 strings: a bare number is not taken for one."""
        if not isinstance(value, str):
            raise ValueError("write it as an ISO 8601 string, e.g. 2026-12-05 or 2026-12-01T09:30:00+03:00.")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at needs its time zone, e.g. 2026-12-01T09:30:00+03:00.")
        return value


class PaymentEventsIn(Schema):
    events: list[PaymentEventIn] = Field(min_length=1, max_length=MAX_EVENTS)


class PaymentEventResult(Schema):
    event_id: str
    result: Literal["recorded", "repeat", "rejected"] = Field(
        description="recorded: new; repeat: this event id was already taken (nothing changed); rejected: see reason."
    )
    payment_status: Literal["scheduled", "sent", "paid", "failed", "returned"] | None = None
    reason: str | None = None
    reason_code: str | None = None


class PaymentEventsOut(Schema):
    results: list[PaymentEventResult]


api = LangoAPI(
    title="Lango partner API",
    version="1.0.0",
    description=(
        "Lango's own API for partner systems of the national social protection system. "
        "Authenticate with OAuth 2.0 client credentials at /api/v1/oauth/token/ and send the "
        "bearer token. The DCI social registry and enrolment endpoints live under /api/dci/v1/ "
        "and follow the DCI specifications."
    ),
    urls_namespace="api_v1",
    docs_url=None,
    openapi_url="/openapi.json",
)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@api.post(
    "/payments/",
    auth=PartnerToken(PAYMENTS_WRITE),
    response={200: PaymentEventsOut, **ERRORS},
    summary="Send payment events",
    description=(
        "Up to 500 events about payments to enrolled people. Each is taken once per event_id; the "
        "payment's status is that of its latest event (by occurred_at). The person gets an SMS "
        "when a payment is sent, if the programme says so."
    ),
    tags=["Payments"],
    openapi_extra={"x-scopes": [PAYMENTS_WRITE]},
)
def post_payments(request: HttpRequest, payload: PaymentEventsIn):
    partner: Partner = request.auth
    programmes = partner.programme_codes()
    with transaction.atomic():  # one commit for the batch; each event is its own savepoint inside it
        results = [_record(partner, event, programmes) for event in payload.events]
    recorded = sum(1 for result in results if result.result == "recorded")
    log_partner_call(partner.code, AccessLog.Action.CHANGE, "api.payments", records=recorded)
    return PaymentEventsOut(results=results)


def _record(partner: Partner, event: PaymentEventIn, programmes) -> PaymentEventResult:
    report = PaymentReport(
        source=partner.code,
        payment_id=event.payment_id,
        event_id=event.event_id,
        application_reference=event.application_reference,
        programme_code=event.programme,
        status=event.status,
        amount=Decimal(event.amount),
        currency=event.currency.upper(),
        channel=event.channel,
        payment_date=event.payment_date,
        occurred_at=event.occurred_at,
    )
    try:
        outcome = record_payment_event(report, programmes=programmes)
    except PaymentError as error:
        return PaymentEventResult(
            event_id=event.event_id,
            result="rejected",
            reason=" ".join(str(m) for m in error.messages),
            reason_code=error.code,
        )
    return PaymentEventResult(
        event_id=event.event_id,
        result="recorded" if outcome.created else "repeat",
        payment_status=outcome.payment.status,
    )


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@api.exception_handler(EnvelopeError)
def _envelope_error(request: HttpRequest, error: EnvelopeError) -> JsonResponse:
    response = _error(error.status, error.code, error.message)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> JsonResponse:
    return _error(401, "err.request.unauthorized", "A valid bearer token is required.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> JsonResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'body'}: {e.get('msg', '')}" for e in error.errors
    )
    return _error(422, "err.request.bad", problems[:999] or "The request does not follow the schema.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> JsonResponse:
    return _error(error.status_code, "err.request.bad", str(error)[:999])
