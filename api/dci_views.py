"""DCI Social Registry endpoints over Lango's registrations, under ``/api/dci/v1/registry/``.

Sync: ``sync/search`` and ``sync/txn/status`` answer in the response. Async: ``search``,
``subscribe``, ``unsubscribe`` and ``txn/status`` answer ``ACK`` at once and send the answer to
the request's ``sender_uri`` through the callback outbox. Every call is authenticated (bearer
token, scope, signature), counted against the partner's budget and written to the access log.
A message id seen before gets the same acknowledgement and queues nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from api import callbacks, envelope, records, tasks
from api.auth import check_signature, partner_for
from api.envelope import Envelope, EnvelopeError
from api.models import DciTransaction, Partner, Subscription
from api.queries import QueryError, applications_matching, parse_criteria
from api.scopes import REGISTRY_PERSONAL, REGISTRY_SEARCH, REGISTRY_SUBSCRIBE
from grievances.audit import log_partner_call
from grievances.models import AccessLog

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
EVENT_TYPES = {"REGISTER", "UPDATE", "ANY"}


def dci_endpoint(
    *, action: str, scope: str, name: str, answer_action: str = "", empty_answer: Callable | None = None
) -> Callable:
    """Wrap a handler ``(partner, envelope) -> JsonResponse`` with authentication, parsing and errors.

    A sync endpoint names its answer's action and how to build an empty answer, so that its
    errors have the shape of its answers (see ``envelope.error_response``).
    """

    def decorate(handler: Callable[[Partner, Envelope], JsonResponse]) -> Callable:
        @csrf_exempt
        @require_POST
        def view(request: HttpRequest) -> JsonResponse:
            parsed = None
            try:
                partner = partner_for(request, scope)
                parsed = envelope.read_envelope(request.body, action=action)
                check_signature(partner, parsed)
                return handler(partner, parsed)
            except EnvelopeError as error:
                if parsed is not None and not error.transaction_id:
                    error.transaction_id = parsed.transaction_id
                headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else None
                return envelope.error_response(
                    error, headers=headers, answer_action=answer_action, empty_answer=empty_answer
                )

        view.__name__ = name
        return view

    return decorate


def empty_search_answer(transaction_id: str, correlation_id: str) -> dict:
    return {"transaction_id": transaction_id, "correlation_id": correlation_id, "search_response": []}


def empty_status_answer(transaction_id: str, correlation_id: str) -> dict:
    return {
        "transaction_id": transaction_id,
        "correlation_id": correlation_id,
        "txnstatus_response": {"txn_type": "search", "txn_status": empty_search_answer(transaction_id, correlation_id)},
    }


# --- Search ---------------------------------------------------------------------------------


@dci_endpoint(
    action="search",
    scope=REGISTRY_SEARCH,
    name="sync_search",
    answer_action="on-search",
    empty_answer=empty_search_answer,
)
def sync_search(partner: Partner, request: Envelope) -> JsonResponse:
    items = _search_requests(request)
    correlation_id = envelope.new_id("corr")
    message = {
        "transaction_id": request.transaction_id,
        "correlation_id": correlation_id,
        "search_response": [_search_one(partner, item) for item in items],
    }
    found = sum(len(item.get("data", {}).get("reg_records", [])) for item in message["search_response"])
    _remember(partner, request, correlation_id, message)
    log_partner_call(
        partner.code, AccessLog.Action.VIEW, "dci.sync_search", object_id=request.transaction_id, records=found
    )
    header = envelope.answer_header("on-search", receiver_id=partner.code, count=len(items))
    return JsonResponse(envelope.signed({"header": header, "message": message}))


@dci_endpoint(action="search", scope=REGISTRY_SEARCH, name="search")
def search(partner: Partner, request: Envelope) -> JsonResponse:
    url = _callback_url(partner, request)
    earlier = _seen(partner, request)
    if earlier is not None:
        return envelope.ack(earlier.correlation_id)
    items = _search_requests(request)
    correlation_id = envelope.new_id("corr")
    message = {
        "transaction_id": request.transaction_id,
        "correlation_id": correlation_id,
        "search_response": [_search_one(partner, item) for item in items],
    }
    found = sum(len(item.get("data", {}).get("reg_records", [])) for item in message["search_response"])
    with transaction.atomic():
        if not _remember(partner, request, correlation_id, message):
            return envelope.ack(_seen(partner, request).correlation_id)
        _answer(partner, url, "on-search", correlation_id, message, count=len(items))
    log_partner_call(partner.code, AccessLog.Action.VIEW, "dci.search", object_id=request.transaction_id, records=found)
    return envelope.ack(correlation_id)


def _search_requests(request: Envelope) -> list[dict]:
    items = request.message.get("search_request")
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise EnvelopeError(400, "err.request.bad", "message.search_request must be a non-empty list.")
    if len(items) > 20:
        raise EnvelopeError(400, "err.request.bad", "At most 20 searches in one request.")
    return items


def _search_one(partner: Partner, item: dict) -> dict:
    """Answer one ``search_request`` item: matching records (a page of them) or why not."""
    reference_id = str(item.get("reference_id") or "")[: envelope.MAX_ID] or "-"
    answer = {"reference_id": reference_id, "timestamp": envelope.now_iso()}
    try:
        criteria_data = item.get("search_criteria")
        criteria = parse_criteria(criteria_data)
        personal = partner.has_scope(REGISTRY_PERSONAL)
        if criteria.by_personal_identifier and not personal:
            raise QueryError("Searching by national ID or phone needs the registry:personal scope.")
        page_size, page_number = _pagination(criteria_data.get("pagination") or item.get("pagination"))
    except QueryError as error:
        return {
            **answer,
            "status": "rjct",
            "status_reason_code": "rjct.search_criteria.invalid",
            "status_reason_message": str(error)[:999],
        }
    except ValueError as error:
        return {
            **answer,
            "status": "rjct",
            "status_reason_code": "rjct.pagination.invalid",
            "status_reason_message": str(error)[:999],
        }
    programmes = partner.programme_codes()
    matching = applications_matching(criteria, programmes)
    total = matching.count()
    start = (page_number - 1) * page_size
    page = records.with_record_data(matching[start : start + page_size])
    return {
        **answer,
        "status": "succ",
        "data": {
            "version": envelope.VERSION,
            "reg_type": envelope.REG_TYPE,
            "reg_record_type": records.RECORD_TYPE,
            "reg_records": [records.record(a, personal=personal, programmes=programmes) for a in page],
        },
        "pagination": {"page_size": page_size, "page_number": page_number, "total_count": total},
    }


def _pagination(pagination) -> tuple[int, int]:
    if pagination is None:
        return DEFAULT_PAGE_SIZE, 1
    if not isinstance(pagination, dict):
        raise ValueError("pagination must be an object.")
    try:
        size = int(pagination.get("page_size", DEFAULT_PAGE_SIZE))
        number = int(pagination.get("page_number", 1))
    except (TypeError, ValueError):
        raise ValueError("page_size and page_number are whole numbers.") from None
    if not 1 <= size <= MAX_PAGE_SIZE or number < 1:
        raise ValueError(f"page_size is 1 to {MAX_PAGE_SIZE}, page_number 1 or more.")
    return size, number


# --- Subscriptions --------------------------------------------------------------------------


@dci_endpoint(action="subscribe", scope=REGISTRY_SUBSCRIBE, name="subscribe")
def subscribe(partner: Partner, request: Envelope) -> JsonResponse:
    url = _callback_url(partner, request)
    earlier = _seen(partner, request)
    if earlier is not None:
        return envelope.ack(earlier.correlation_id)
    items = request.message.get("subscribe_request")
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise EnvelopeError(400, "err.request.bad", "message.subscribe_request must be a non-empty list.")
    notify_uri = _notify_uri(partner, url)
    correlation_id = envelope.new_id("corr")
    with transaction.atomic():
        answers = [_subscribe_one(partner, item, notify_uri) for item in items]
        message = {
            "transaction_id": request.transaction_id,
            "correlation_id": correlation_id,
            "subscribe_response": answers,
        }
        if not _remember(partner, request, correlation_id, message):
            transaction.set_rollback(True)
            return envelope.ack(_seen(partner, request).correlation_id)
        _answer(partner, url, "on-subscribe", correlation_id, message, count=len(items))
    log_partner_call(partner.code, AccessLog.Action.CHANGE, "dci.subscribe", object_id=request.transaction_id)
    return envelope.ack(correlation_id)


def _subscribe_one(partner: Partner, item: dict, notify_uri: str) -> dict:
    answer = {"reference_id": str(item.get("reference_id") or "-")[: envelope.MAX_ID], "timestamp": envelope.now_iso()}
    criteria = item.get("subscribe_criteria") or {}
    event_type = str(criteria.get("reg_event_type", "")).rsplit(":", 1)[-1].upper()
    if event_type not in EVENT_TYPES:
        return {
            **answer,
            "status": "rjct",
            "status_reason_code": "rjct.notify_types.invalid",
            "status_reason_message": "reg_event_type is REGISTER, UPDATE or ANY.",
            "subscriptions": [],
        }
    filter_query = _filter_query(criteria)
    try:
        if filter_query:
            parsed = parse_criteria(filter_query)
            if parsed.by_personal_identifier and not partner.has_scope(REGISTRY_PERSONAL):
                raise QueryError("Filtering by national ID or phone needs the registry:personal scope.")
    except QueryError as error:
        return {
            **answer,
            "status": "rjct",
            "status_reason_code": "rjct.notify_details.invalid",
            "status_reason_message": str(error)[:999],
            "subscriptions": [],
        }
    subscription = Subscription.objects.create(
        partner=partner,
        code=envelope.new_id("sub"),
        event_type=event_type,
        filter=filter_query,
        notify_uri=notify_uri,
        cursor=_latest_event_id(),
    )
    info = {"code": subscription.code, "status": "subscribe", "timestamp": subscription.created_at.isoformat()}
    return {**answer, "status": "succ", "subscriptions": [info]}


def _filter_query(criteria: dict) -> dict:
    """The subscription filter as search criteria (``{"query_type", "query"}``), ``{}`` for everything."""
    value = criteria.get("filter")
    if not value:
        return {}
    filter_type = criteria.get("filter_type")
    if not filter_type:
        filter_type = "predicate" if isinstance(value, list) else "idtype-value" if "type" in value else "expression"
    return {"query_type": filter_type, "query": value}


def _latest_event_id() -> int:
    from registry.models import RegistryEvent

    latest = RegistryEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


@dci_endpoint(action="unsubscribe", scope=REGISTRY_SUBSCRIBE, name="unsubscribe")
def unsubscribe(partner: Partner, request: Envelope) -> JsonResponse:
    url = _callback_url(partner, request)
    earlier = _seen(partner, request)
    if earlier is not None:
        return envelope.ack(earlier.correlation_id)
    codes = request.message.get("subscription_codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise EnvelopeError(400, "err.request.bad", "message.subscription_codes must be a list of codes.")
    correlation_id = envelope.new_id("corr")
    from django.utils import timezone

    with transaction.atomic():
        mine = Subscription.objects.select_for_update().filter(partner=partner, code__in=codes)
        found = {subscription.code for subscription in mine}
        mine.update(status=Subscription.Status.ENDED, ended_at=timezone.now())
        unknown = [code for code in codes if code not in found]
        message = {
            "transaction_id": request.transaction_id,
            "correlation_id": correlation_id,
            "timestamp": envelope.now_iso(),
            "status": "rjct" if unknown else "succ",
            "subscription_status": [{"code": code, "status": "unsubscribe"} for code in codes if code in found],
        }
        if unknown:
            message["status_reason_code"] = "rjct.subscription_code.invalid"
            message["status_reason_message"] = f"Unknown subscription codes: {', '.join(unknown)}"[:999]
        if not _remember(partner, request, correlation_id, message):
            transaction.set_rollback(True)
            return envelope.ack(_seen(partner, request).correlation_id)
        _answer(partner, url, "on-unsubscribe", correlation_id, message, count=len(codes))
    log_partner_call(partner.code, AccessLog.Action.CHANGE, "dci.unsubscribe", object_id=request.transaction_id)
    return envelope.ack(correlation_id)


# --- Transaction status -----------------------------------------------------------------------


@dci_endpoint(
    action="txn-status",
    scope=REGISTRY_SEARCH,
    name="sync_txn_status",
    answer_action="txn-on-status",
    empty_answer=empty_status_answer,
)
def sync_txn_status(partner: Partner, request: Envelope) -> JsonResponse:
    correlation_id = envelope.new_id("corr")
    message, known = _txn_status(partner, request, correlation_id)
    _remember(partner, request, correlation_id, message)
    log_partner_call(partner.code, AccessLog.Action.VIEW, "dci.sync_txn_status", object_id=request.transaction_id)
    extra = {} if known else {"status_reason_message": "No transaction of this partner has that id."}
    header = envelope.answer_header("txn-on-status", receiver_id=partner.code, **extra)
    return JsonResponse(envelope.signed({"header": header, "message": message}))


@dci_endpoint(action="txn-status", scope=REGISTRY_SEARCH, name="txn_status")
def txn_status(partner: Partner, request: Envelope) -> JsonResponse:
    url = _callback_url(partner, request)
    earlier = _seen(partner, request)
    if earlier is not None:
        return envelope.ack(earlier.correlation_id)
    correlation_id = envelope.new_id("corr")
    message, _known = _txn_status(partner, request, correlation_id)
    with transaction.atomic():
        if not _remember(partner, request, correlation_id, message):
            transaction.set_rollback(True)
            return envelope.ack(_seen(partner, request).correlation_id)
        _answer(partner, url, "txn-on-status", correlation_id, message)
    log_partner_call(partner.code, AccessLog.Action.VIEW, "dci.txn_status", object_id=request.transaction_id)
    return envelope.ack(correlation_id)


def _txn_status(partner: Partner, request: Envelope, correlation_id: str) -> tuple[dict, bool]:
    """The status message for a ``txnstatus_request``, and whether the transaction was found."""
    asked = request.message.get("txnstatus_request")
    if not isinstance(asked, dict):
        raise EnvelopeError(400, "err.request.bad", "message.txnstatus_request is missing.")
    txn_type = asked.get("txn_type", "search")
    if txn_type not in ("search", "subscribe", "receipt"):
        raise EnvelopeError(400, "err.request.bad", "txn_type is search, subscribe or receipt.")
    attribute, value = asked.get("attribute_type", "transaction_id"), asked.get("attribute_value")
    transactions = DciTransaction.objects.filter(partner=partner).exclude(action="txn-status")
    if attribute == "transaction_id":
        found = transactions.filter(transaction_id=str(value)).order_by("-pk").first()
    elif attribute == "correlation_id":
        found = transactions.filter(correlation_id=str(value)).first()
    else:
        found = None
    stored = found.response if found is not None else {}
    status = {
        "transaction_id": str(value)[: envelope.MAX_ID] if value else request.transaction_id,
        "correlation_id": found.correlation_id if found is not None else correlation_id,
    }
    if "search_response" in stored:
        status["search_response"] = stored["search_response"]
    elif found is not None:
        status["receipt_information"] = {"action": found.action, "status": found.status}
    else:
        status["search_response"] = []
    return (
        {
            "transaction_id": request.transaction_id,
            "correlation_id": correlation_id,
            "txnstatus_response": {"txn_type": txn_type, "txn_status": status},
        },
        found is not None,
    )


# --- Shared ---------------------------------------------------------------------------------


def _callback_url(partner: Partner, request: Envelope) -> str:
    """The ``sender_uri`` an async answer goes to, checked against the partner's registered address."""
    url = request.sender_uri
    if not url:
        raise EnvelopeError(400, "err.sender_uri.invalid", "An async request needs header.sender_uri.")
    try:
        callbacks.check_address(partner, url)
    except callbacks.CallbackAddressError as error:
        raise EnvelopeError(400, "err.sender_uri.invalid", str(error)) from None
    return url


def _notify_uri(partner: Partner, sender_uri: str) -> str:
    """Where notifications go: the subscriber's ``…/registry/notify`` next to its ``on-subscribe``."""
    if sender_uri.rstrip("/").endswith("/on-subscribe"):
        return sender_uri.rstrip("/")[: -len("on-subscribe")] + "notify"
    return partner.callback_base_url.rstrip("/") + "/registry/notify"


def _seen(partner: Partner, request: Envelope) -> DciTransaction | None:
    return DciTransaction.objects.filter(partner=partner, message_id=request.message_id).first()


def _remember(partner: Partner, request: Envelope, correlation_id: str, response: dict) -> bool:
    """Keep the request for ``txn/status`` and idempotency; ``False`` if this message id was already taken."""
    try:
        with transaction.atomic():
            DciTransaction.objects.create(
                partner=partner,
                message_id=request.message_id,
                transaction_id=request.transaction_id,
                action=request.action,
                correlation_id=correlation_id,
                status="succ",
                response=response,
            )
    except IntegrityError:
        return False
    return True


def _answer(partner: Partner, url: str, action: str, correlation_id: str, message: dict, *, count: int = 1) -> None:
    """Queue the async answer to ``url``; its message id is fixed by the correlation, so it is queued once."""
    header = envelope.answer_header(action, receiver_id=partner.code, count=count)
    header["message_id"] = f"{action}-{correlation_id}"[: envelope.MAX_ID]
    body = envelope.signed({"header": header, "message": message})
    tasks.send_after_commit(callbacks.enqueue(partner, url, body, message_id=header["message_id"]))
