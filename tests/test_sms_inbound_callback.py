"""The inbound SMS callback: guarded by its token, validated, deduplicated on AT's id and rate-limited per sender."""

from __future__ import annotations

import pytest

from grievances.models import Grievance
from sms.models import InboundMessage, OutboundMessage
from tests.fakes.fake_at import inbound_fields

pytest_plugins = ["tests.fakes.fixtures"]

SENDER = "+254722000111"


def post(client, token, **fields):
    data = inbound_fields(SENDER, "HELP", "ATXin_1") | fields
    return client.post(f"/sms/at/{token}/inbound/", data)


def test_a_message_is_kept_with_what_the_provider_sent(db, client, callback_token):
    response = post(client, callback_token, text="help", to="21525", linkId="L1", networkCode="63902")

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.provider_id, message.sender, message.to, message.text) == ("ATXin_1", SENDER, "21525", "help")
    assert (message.link_id, message.network_code, message.command) == ("L1", "63902", "help")


def test_a_repeated_id_files_one_grievance_and_sends_one_reply(db, client, callback_token):
    for _attempt in range(3):
        response = post(client, callback_token, text="COMPLAIN The clinic turned me away", id="ATXin_42")
        assert response.status_code == 200

    assert InboundMessage.objects.count() == 1
    assert Grievance.objects.count() == 1
    assert OutboundMessage.objects.filter(to=SENDER).count() == 1


def test_a_repeated_id_of_a_command_sends_one_reply(db, client, callback_token):
    post(client, callback_token, text="STATUS", id="ATXin_7")
    post(client, callback_token, text="STATUS", id="ATXin_7")

    assert OutboundMessage.objects.filter(to=SENDER).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_gets_404_and_nothing_is_stored(db, client, callback_token, method):
    response = getattr(client, method)("/sms/at/not-the-token/inbound/", inbound_fields(SENDER, "COMPLAIN x", "A1"))

    assert response.status_code == 404
    assert InboundMessage.objects.count() == 0
    assert Grievance.objects.count() == 0
    assert OutboundMessage.objects.count() == 0


def test_a_token_that_only_starts_right_gets_404(db, client, callback_token):
    assert post(client, callback_token + "x").status_code == 404
    assert post(client, callback_token[:-1]).status_code == 404
    assert InboundMessage.objects.count() == 0


def test_get_is_not_allowed(db, client, callback_token):
    assert client.get(f"/sms/at/{callback_token}/inbound/").status_code == 405


def test_the_callback_needs_no_csrf_token(db, callback_token):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), callback_token)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "fields",
    [{"from": "not a number"}, {"from": ""}, {"from": "+1"}, {"id": ""}, {"id": "x" * 81}, {"id": "a b"}],
)
def test_malformed_fields_are_refused_and_nothing_is_stored(db, client, callback_token, fields):
    assert post(client, callback_token, **fields).status_code == 400
    assert InboundMessage.objects.count() == 0


def test_a_local_number_is_stored_in_e164(db, client, callback_token):
    post(client, callback_token, **{"from": "0722 000 111"})

    assert InboundMessage.objects.get().sender == SENDER


def test_a_sender_over_the_limit_gets_one_polite_reply_and_no_more(db, client, callback_token, settings):
    settings.SMS_INBOUND_PER_HOUR = 3
    for n in range(6):
        post(client, callback_token, text=f"COMPLAIN number {n}", id=f"ATXin_{n}")

    assert Grievance.objects.count() == 3
    limited = InboundMessage.objects.filter(command="rate_limited")
    assert limited.count() == 3
    assert list(OutboundMessage.objects.filter(template="rate_limited").values_list("to", flat=True)) == [SENDER]


def test_the_limit_is_per_sender(db, client, callback_token, settings):
    settings.SMS_INBOUND_PER_HOUR = 1
    post(client, callback_token, text="HELP", id="a1")
    post(client, callback_token, text="HELP", id="a2", **{"from": "+254733000222"})

    assert not InboundMessage.objects.filter(command="rate_limited").exists()
