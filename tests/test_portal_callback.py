"""The call-back form asks when to call, confirms by SMS (once, naming nothing) and officers see the time."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.html import escape
from wagtail.users.models import UserProfile

from backoffice.roles import CALL_CENTRE_AGENT
from grievances.models import CallbackRequest
from grievances.notifications import preferred_time_for_sms
from grievances.services import CALLBACK_PROMISE_HOURS
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.portal_helpers import url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]
NUMBER = "+254711222333"


def label(language: str, choice) -> str:
    with translation.override(language):
        return str(choice.label)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_asks_a_preferred_time_in_the_page_language(client, language):
    body = client.get(url("call_me_back", language=language)).content.decode()
    for choice in CallbackRequest.PreferredTime:
        assert escape(label(language, choice)) in body
        assert f'value="{choice.value}"' in body
        if language != "en":
            assert label(language, choice) != label("en", choice), "translated"
    assert re.search(r'<input[^>]*value="any"[^>]*checked', body), "any time is chosen unless the person says"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_call_back_is_stored_with_its_time_and_confirmed_by_one_sms_naming_nothing(client, language):
    response = client.post(
        url("call_me_back", language=language), {"phone": NUMBER, "reason": "payment", "preferred_time": "evening"}
    )
    assert response.status_code == 200
    callback = CallbackRequest.objects.get()
    assert (callback.preferred_time, callback.reason, callback.language) == ("evening", "payment", language)
    sms = OutboundMessage.objects.get(to=NUMBER)
    assert sms.template == "callback_confirmed" and sms.language == language
    assert str(CALLBACK_PROMISE_HOURS) in sms.body
    assert preferred_time_for_sms("evening", language) in sms.body
    with translation.override(language):
        reason = str(CallbackRequest.Reason.PAYMENT.label).casefold()
    assert reason not in sms.body.casefold(), "no reason in the SMS"
    # Asked again while waiting: the same page, nothing queued twice, no second SMS.
    again = client.post(
        url("call_me_back", language=language), {"phone": NUMBER, "reason": "other", "preferred_time": "morning"}
    )
    assert again.status_code == 200
    assert CallbackRequest.objects.count() == 1 and OutboundMessage.objects.filter(to=NUMBER).count() == 1


def test_an_unknown_preferred_time_is_refused_and_none_means_any_time(client):
    body = client.post(url("call_me_back"), {"phone": NUMBER, "reason": "other", "preferred_time": "midnight"})
    assert "Choose when we should call you." in body.content.decode()
    assert not CallbackRequest.objects.exists() and not OutboundMessage.objects.exists()
    client.post(url("call_me_back"), {"phone": NUMBER, "reason": "other"})
    assert CallbackRequest.objects.get().preferred_time == CallbackRequest.PreferredTime.ANY
    assert preferred_time_for_sms("any", "en") in OutboundMessage.objects.get().body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_call_backs_page_shows_the_preferred_time_in_the_officers_language(client, language):
    client.post(url("call_me_back"), {"phone": NUMBER, "reason": "other", "preferred_time": "afternoon"})
    agent = make_staff("cara", CALL_CENTRE_AGENT)
    profile = UserProfile.get_for_user(agent)
    profile.preferred_language = language
    profile.save()
    sign_in_verified(client, agent)
    page = client.get("/admin/call-backs/").content.decode()
    assert escape(label(language, CallbackRequest.PreferredTime.AFTERNOON)) in page
