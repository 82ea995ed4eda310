"""Async DCI requests: ACK at once, the answer by callback; subscriptions notified once per event, retried."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from api import callbacks, notify, tasks
from api.models import OutboundCallback, Subscription
from api.scopes import REGISTRY_SEARCH, REGISTRY_SUBSCRIBE
from tests.api_helpers import dci_body, make_partner, post_dci, search_message, token_for
from tests.backoffice_helpers import submit_application
from tests.fakes.fake_mis import FakeMis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(monkeypatch):
    """The tasks a commit starts run in the test, whatever the broker (no worker runs here)."""
    monkeypatch.setattr(tasks, "_start", lambda task, *args: task(*args))


@pytest.fixture
def mis():
    with FakeMis("http://127.0.0.1:1", "unused", "unused") as fake:
        yield fake


@pytest.fixture
def partner_token(client, mis):
    partner, client_id, secret = make_partner(
        scopes=[REGISTRY_SEARCH, REGISTRY_SUBSCRIBE], every_programme=True, callback_base_url=mis.base_url
    )
    return partner, token_for(client, client_id, secret)


def test_an_async_search_is_acknowledged_and_answered_on_the_senders_address(
    client, mis, partner_token, programmes, areas, django_capture_on_commit_callbacks
):
    _partner, token = partner_token
    application = submit_application(["old-age-pension"], areas["mombasa"])
    message = search_message("idtype-value", {"type": "LANGO_REF", "value": application.reference})
    body = dci_body("search", message, sender_uri=mis.base_url + "registry/on-search")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_dci(client, "registry/search", body, token)

    ack = response.json()["message"]
    assert response.status_code == 202 and ack["ack_status"] == "ACK"
    (answer,) = mis.wait_for("on-search")
    assert answer.path == "/registry/on-search"
    assert answer.body["message"]["correlation_id"] == ack["correlation_id"]
    assert answer.body["message"]["transaction_id"] == message["transaction_id"]
    records = answer.body["message"]["search_response"][0]["data"]["reg_records"]
    assert records[0]["group_identifier"][0]["identifier_value"] == application.reference


def test_the_same_message_twice_gets_the_same_ack_and_one_answer(
    client, mis, partner_token, django_capture_on_commit_callbacks
):
    _partner, token = partner_token
    body = dci_body(
        "search", search_message("expression", {"age": {"$ge": 0}}), sender_uri=mis.base_url + "registry/on-search"
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = post_dci(client, "registry/search", body, token).json()
        again = post_dci(client, "registry/search", body, token).json()

    assert first["message"]["correlation_id"] == again["message"]["correlation_id"]
    assert OutboundCallback.objects.count() == 1
    assert len(mis.wait_for("on-search")) == 1


def test_an_async_request_without_a_sender_address_is_refused(client, partner_token):
    _partner, token = partner_token

    response = post_dci(
        client, "registry/search", dci_body("search", search_message("expression", {"age": {"$ge": 0}})), token
    )

    assert response.status_code == 400
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"


def test_callbacks_go_only_under_the_partners_registered_address(client, partner_token):
    _partner, token = partner_token
    body = dci_body(
        "search",
        search_message("expression", {"age": {"$ge": 0}}),
        sender_uri="http://169.254.169.254/latest/meta-data",
    )

    response = post_dci(client, "registry/search", body, token)

    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"
    assert not OutboundCallback.objects.exists()


def test_in_production_callbacks_go_only_over_https_to_public_addresses(partner_token, settings):
    partner, _token = partner_token
    settings.API_CALLBACKS_ALLOW_PRIVATE = False
    partner.callback_base_url = "http://127.0.0.1:9/"

    with pytest.raises(callbacks.CallbackAddressError):
        callbacks.check_address(partner, "http://127.0.0.1:9/registry/on-search")
    partner.callback_base_url = "https://localhost/"
    with pytest.raises(callbacks.CallbackAddressError, match="private or local"):
        callbacks.check_address(partner, "https://localhost/registry/on-search")


def _subscribe(client, token, mis, event_type="REGISTER", filter_=None):
    message = {
        "transaction_id": f"t-{uuid.uuid4().hex[:8]}",
        "subscribe_request": [
            {
                "reference_id": "s-1",
                "timestamp": datetime.now(UTC).isoformat(),
                "subscribe_criteria": {
                    "reg_event_type": event_type,
                    "filter": filter_ or {},
                    "notify_record_type": "Group",
                },
            }
        ],
    }
    return post_dci(
        client,
        "registry/subscribe",
        dci_body("subscribe", message, sender_uri=mis.base_url + "registry/on-subscribe"),
        token,
    )


def test_a_subscriber_is_told_of_each_new_registration_once(
    client, mis, partner_token, programmes, areas, django_capture_on_commit_callbacks
):
    _partner, token = partner_token
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, token, mis)
    (confirmation,) = mis.wait_for("on-subscribe")
    code = confirmation.body["message"]["subscribe_response"][0]["subscriptions"][0]["code"]
    assert Subscription.objects.get(code=code).notify_uri == mis.base_url + "registry/notify"

    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(["old-age-pension"], areas["mombasa"])
    notify.walk_subscriptions()  # the beat's walk finds nothing more to send

    (notice,) = mis.wait_for("notify")
    assert notice.path == "/registry/notify"
    event = notice.body["message"]["notify_event"][0]
    assert event["data"]["reg_event_type"] == "REGISTER"
    assert event["data"]["reg_records"]["group_identifier"][0]["identifier_value"] == application.reference
    assert OutboundCallback.objects.filter(url__endswith="/registry/notify").count() == 1


def test_a_subscriber_filtering_on_a_region_hears_only_of_that_region(
    client, mis, partner_token, programmes, areas, django_capture_on_commit_callbacks
):
    _partner, token = partner_token
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, token, mis, filter_={"region": {"$eq": "nairobi"}})
        submit_application(["old-age-pension"], areas["mombasa"], phone="+254712000011")
        city = submit_application(["old-age-pension"], areas["westlands"], phone="+254712000012")

    notices = mis.wait_for("notify", count=2, timeout=2)
    assert [
        n.body["message"]["notify_event"][0]["data"]["reg_records"]["group_identifier"][0]["identifier_value"]
        for n in notices
    ] == [city.reference]


def test_a_notification_that_fails_is_retried_later_with_the_same_message_id(
    client, partner_token, programmes, areas, django_capture_on_commit_callbacks
):
    partner, _token = partner_token
    with FakeMis("http://127.0.0.1:1", "x", "y") as down:
        down_url = down.base_url
    partner.callback_base_url = down_url  # nobody listens there any more
    partner.save()
    Subscription.objects.create(partner=partner, code="sub-1", event_type="REGISTER", notify_uri=down_url + "n")

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(["old-age-pension"], areas["mombasa"])

    callback = OutboundCallback.objects.get()
    assert (callback.status, callback.attempts) == ("pending", 1)
    assert callback.next_attempt_at > timezone.now() + timedelta(seconds=40)
    first_id = callback.message_id
    with FakeMis("http://127.0.0.1:1", "x", "y") as up:
        partner.callback_base_url = up.base_url
        partner.save()
        OutboundCallback.objects.update(url=up.base_url + "n", next_attempt_at=timezone.now())
        callbacks.relay()
        (delivered,) = up.wait_for("notify")
    assert delivered.body["header"]["message_id"] == first_id
    assert OutboundCallback.objects.get().status == "sent"


def test_a_callback_is_given_up_after_its_last_retry(partner_token):
    partner, _token = partner_token
    callback = OutboundCallback.objects.create(
        partner=partner,
        url="http://127.0.0.1:1/x",
        body={},
        message_id="m-1",
        next_attempt_at=timezone.now(),
        attempts=6,
    )

    callbacks.send_due(callback.pk)

    callback.refresh_from_db()
    assert callback.status == "failed"


def test_after_unsubscribing_no_more_notifications_come(
    client, mis, partner_token, programmes, areas, django_capture_on_commit_callbacks
):
    _partner, token = partner_token
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, token, mis)
    code = mis.wait_for("on-subscribe")[0].body["message"]["subscribe_response"][0]["subscriptions"][0]["code"]
    unsubscribe = {"transaction_id": "t-u", "timestamp": datetime.now(UTC).isoformat(), "subscription_codes": [code]}

    with django_capture_on_commit_callbacks(execute=True):
        post_dci(
            client,
            "registry/unsubscribe",
            dci_body("unsubscribe", unsubscribe, sender_uri=mis.base_url + "registry/on-unsubscribe"),
            token,
        )
        submit_application(["old-age-pension"], areas["mombasa"])

    (ended,) = mis.wait_for("on-unsubscribe")
    assert ended.body["message"]["subscription_status"] == [{"code": code, "status": "unsubscribe"}]
    assert mis.received("notify") == []


def test_a_partner_cannot_end_another_partners_subscription(client, mis, partner_token):
    _partner, token = partner_token
    other, *_ = make_partner("other", scopes=[REGISTRY_SUBSCRIBE])
    Subscription.objects.create(partner=other, code="sub-theirs", event_type="REGISTER", notify_uri="http://x/")
    unsubscribe = {
        "transaction_id": "t-u",
        "timestamp": datetime.now(UTC).isoformat(),
        "subscription_codes": ["sub-theirs"],
    }

    post_dci(
        client,
        "registry/unsubscribe",
        dci_body("unsubscribe", unsubscribe, sender_uri=mis.base_url + "registry/on-unsubscribe"),
        token,
    )

    assert Subscription.objects.get(code="sub-theirs").status == Subscription.Status.ACTIVE
