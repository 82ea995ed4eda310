"""Sign-in codes do not stay readable in the outbox: once a code will not be sent again its words are wiped,
while the row keeps its template and status (security issue: secrets kept in clear)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.utils import timezone

from sms.gateways import Outcome
from sms.models import OutboundMessage
from sms.outbox import enqueue
from sms.tasks import relay_outbox, send_message
from tests.fakes.fake_at import delivery_report_fields

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"
CODE = "493817"
Status = OutboundMessage.Status


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def rows_holding(text: str) -> int:
    """Outbox rows whose stored body holds ``text``, read with plain SQL as a database reader would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sms_outboundmessage WHERE body LIKE %s", [f"%{text}%"])
        return cursor.fetchone()[0]


def test_someone_reading_the_outbox_after_a_code_was_sent_cannot_learn_the_code(db, fake_at):
    message = enqueue(PHONE, "sign_in_code", "en", {"code": CODE})
    assert rows_holding(CODE) == 1  # it must be kept until it leaves

    assert send_message(message.pk) == Outcome.SENT

    message.refresh_from_db()
    assert rows_holding(CODE) == 0
    assert (message.body, message.body_redacted) == ("", True)
    assert (message.template, message.status, message.to) == ("sign_in_code", Status.SENT, PHONE)
    assert CODE in fake_at.bodies()[0]  # the person got it


def test_a_code_that_failed_for_good_leaves_no_secret_behind(db, fake_at):
    fake_at.script_recipient(PHONE, 406)
    message = enqueue(PHONE, "sign_in_code", "en", {"code": CODE})

    assert send_message(message.pk) == Outcome.FAILED
    assert rows_holding(CODE) == 0


def test_a_code_the_relay_settles_from_a_delivery_report_is_wiped(db, fake_at, client, callback_token, settings):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": CODE})
        assert send_message(message.pk) == Outcome.UNCONFIRMED
    assert rows_holding(CODE) == 1  # kept while it may have to be sent once more
    fields = delivery_report_fields(fake_at.messages[0].message_id, "Success", phone=PHONE)
    client.post(f"/sms/at/{callback_token}/delivery/", fields)

    with at(start + timedelta(minutes=1)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert rows_holding(CODE) == 0


def test_a_code_that_expired_unsent_is_wiped(db, fake_at):
    fake_at.fail_requests(503)
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": CODE})
    with at(start + timedelta(minutes=11)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.EXPIRED
    assert rows_holding(CODE) == 0


def test_other_messages_keep_their_words_for_a_supervisor_to_re_send(db, fake_at):
    message = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})

    send_message(message.pk)

    message.refresh_from_db()
    assert "G-1234-5678" in message.body and not message.body_redacted
