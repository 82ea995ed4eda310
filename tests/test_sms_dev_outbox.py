"""The development outbox viewer lists every message with how it travels, and exists only in DEBUG."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from sms.dev_views import outbox
from sms.models import OutboundMessage
from sms.outbox import enqueue


def test_it_lists_every_message_with_status_parts_encoding_language_and_attempts(db, settings):
    settings.DEBUG = True
    enqueue("+254712345678", "sign_in_code", "en", {"code": "123456"})
    failed = enqueue("+254712345679", "help", "sw", {})
    OutboundMessage.objects.filter(pk=failed.pk).update(status="failed", attempts=4, failure_reason="403 Invalid")

    html = outbox(RequestFactory().get("/dev/sms/")).content.decode()

    assert "Lango code 123456. Valid 10 min. Never share it." in html
    assert "+254712345679" in html
    assert "GSM-7" in html
    assert ">sw<" in html
    assert ">4<" in html
    assert "403 Invalid" in html
    assert "Failed" in html


def test_it_does_not_exist_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(Http404):
        outbox(RequestFactory().get("/dev/sms/"))


def test_it_is_mounted_under_dev_sms():
    from django.urls import resolve

    from portal import dev_urls

    match = resolve("/sms/", urlconf=dev_urls)
    assert match.func is outbox
