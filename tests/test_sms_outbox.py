"""The outbox: a message is a row in the caller's transaction, rendered, measured and queued once."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction

from registry.preferences import set_sms_opt_out
from sms.models import OutboundMessage
from sms.outbox import enqueue

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"


def test_a_message_is_stored_rendered_with_its_encoding_and_parts(db):
    message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})

    assert message.body == "Lango code 123456. Valid 10 min. Never share it."
    assert message.encoding == "GSM-7"
    assert message.parts == 1
    assert message.language == "en"
    assert message.status == OutboundMessage.Status.PENDING


def test_the_same_dedupe_key_never_queues_a_second_message(db):
    first = enqueue(PHONE, "sign_in_code", "en", {"code": "111111"}, dedupe_key="k-1")
    second = enqueue(PHONE, "sign_in_code", "en", {"code": "222222"}, dedupe_key="k-1")

    assert second.pk == first.pk
    assert OutboundMessage.objects.count() == 1


def test_a_repeated_dedupe_key_inside_a_transaction_leaves_the_callers_work_intact(db):
    with transaction.atomic():
        first = enqueue(PHONE, "sign_in_code", "en", {"code": "111111"}, dedupe_key="k-2")
        enqueue(PHONE, "sign_in_code", "en", {"code": "222222"}, dedupe_key="k-2")
        third = enqueue(PHONE, "sign_in_code", "en", {"code": "333333"}, dedupe_key="k-3")

    assert sorted(OutboundMessage.objects.values_list("pk", flat=True)) == sorted([first.pk, third.pk])


def test_a_repeated_dedupe_key_outside_any_transaction_queues_nothing_more(transactional_db):
    first = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1111"}, dedupe_key="k-4")
    second = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-2222"}, dedupe_key="k-4")

    assert second.pk == first.pk
    assert OutboundMessage.objects.get().body == first.body


def test_a_rolled_back_transaction_leaves_no_message_and_sends_nothing(db, fake_at, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
            raise RuntimeError("the caller's work failed")

    assert OutboundMessage.objects.count() == 0
    assert callbacks == []
    assert fake_at.requests == []


def test_a_committed_message_is_handed_to_a_worker_after_commit(db, fake_at, django_capture_on_commit_callbacks):
    with mock.patch("sms.tasks.send_message.apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        apply_async.assert_not_called()
        for callback in callbacks:
            callback()

    apply_async.assert_called_once_with((message.pk,), retry=False)


def test_a_number_that_opted_out_gets_no_news_but_still_gets_what_it_asked_for(db):
    set_sms_opt_out(PHONE, True)

    news = enqueue(PHONE, "application_received", "en", {"reference": "1", "programmes": "x"}, essential=False)
    code = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})

    assert news is None
    assert code is not None
    assert list(OutboundMessage.objects.values_list("template", flat=True)) == ["sign_in_code"]


def test_a_number_that_opted_back_in_gets_news_again(db):
    set_sms_opt_out(PHONE, True)
    set_sms_opt_out(PHONE, False)

    assert enqueue(PHONE, "application_received", "en", {"reference": "1", "programmes": "x"}, essential=False)


def test_arabic_is_measured_as_ucs2(db, settings):
    with mock.patch("sms.outbox.render", return_value="رمز لانغو 123456"):
        message = enqueue(PHONE, "sign_in_code", "ar", {"code": "123456"})

    assert message.encoding == "UCS-2"
    assert message.parts == 1
