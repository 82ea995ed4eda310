"""Sign-in cannot be turned against its owner, nor against the SMS budget (issue 13, points 4 and 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from backoffice.roles import ME_VIEWER, SUPERVISOR
from portal import signin
from portal.models import LOCK_SECONDS, PhoneDevice
from sms import ceiling
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.portal_helpers import PHONE, last_code, url

pytestmark = pytest.mark.django_db

OWNER_ADDRESS = "192.0.2.10"


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the sign-in rules read, without sleeping."""

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    state = Clock()
    real_now = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: real_now() + state.offset)
    return state


def codes_sent(phone: str = PHONE) -> int:
    return OutboundMessage.objects.filter(to=phone, template="sign_in_code").count()


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_wrong_codes_posted_with_no_code_outstanding_never_lock_the_phone(client):
    client.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR="203.0.113.1")
    guess = wrong(last_code(PHONE))
    for attempt in range(40):  # 5 end the code; the other 35 guess at nothing
        client.post(url("sign_in_code"), {"code": guess}, REMOTE_ADDR=f"203.0.113.{attempt // 5 + 1}")
    device = PhoneDevice.objects.get(phone=PHONE)
    assert not device.is_locked()
    assert device.consecutive_failures == 5


def test_a_strangers_wrong_codes_never_make_the_owner_see_too_many_requests(client, clock):
    stranger = type(client)()
    stranger.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR="203.0.113.1")
    guess = wrong(last_code(PHONE))
    statuses = {
        stranger.post(url("sign_in_code"), {"code": guess}, REMOTE_ADDR=f"203.0.113.{n % 3 + 1}").status_code
        for n in range(60)
    }
    assert 429 in statuses, "the stranger's own addresses are throttled"
    clock.advance(seconds=61)
    asked = client.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=OWNER_ADDRESS)
    assert asked.status_code == 302, "the owner still gets a code"
    entered = client.post(url("sign_in_code"), {"code": last_code(PHONE)}, REMOTE_ADDR=OWNER_ADDRESS)
    assert entered.status_code == 302
    assert client.get(url("account")).status_code == 200


def test_one_address_is_throttled_before_it_could_lock_a_phone(client, clock):
    for _round in range(2):
        client.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR="203.0.113.9")
        guess = wrong(last_code(PHONE))
        for _ in range(5):
            client.post(url("sign_in_code"), {"code": guess}, REMOTE_ADDR="203.0.113.9")
        clock.advance(seconds=61)
    assert not PhoneDevice.objects.get(phone=PHONE).is_locked()


def test_a_script_on_rotating_addresses_locks_a_phone_for_fifteen_minutes_at_most(client, clock):
    for round_ in range(2):
        address = f"203.0.113.{round_ + 20}"
        client.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=address)
        guess = wrong(last_code(PHONE))
        for _ in range(5):
            client.post(url("sign_in_code"), {"code": guess}, REMOTE_ADDR=address)
        clock.advance(seconds=61)
    device = PhoneDevice.objects.get(phone=PHONE)
    assert device.is_locked()
    assert device.locked_until - timezone.now() <= timedelta(seconds=LOCK_SECONDS) <= timedelta(minutes=15)
    clock.advance(seconds=LOCK_SECONDS + 1)
    for n in range(30):  # when the lock ends, posts without a code outstanding do not lock it again
        client.post(url("sign_in_code"), {"code": "123456"}, REMOTE_ADDR=f"198.51.100.{n}")
    assert not PhoneDevice.objects.get(phone=PHONE).is_locked()
    owner = type(client)()
    assert owner.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=OWNER_ADDRESS).status_code == 302


def test_strangers_who_spend_a_phones_codes_for_the_day_do_not_keep_its_owner_out_on_their_own_browser(client, clock):
    owner = client
    owner.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=OWNER_ADDRESS)
    owner.post(url("sign_in_code"), {"code": last_code(PHONE)}, REMOTE_ADDR=OWNER_ADDRESS)
    owner.post(url("sign_out"), REMOTE_ADDR=OWNER_ADDRESS)
    for n in range(12):  # a script on many addresses asks codes for the owner's phone all day long
        clock.advance(minutes=16)
        type(client)().post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=f"198.51.100.{n + 1}")
    clock.advance(seconds=61)
    stranger = type(client)().post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR="198.51.100.99")
    assert stranger.status_code == 200, "strangers have spent the phone's codes for the day"
    sent_before = codes_sent()

    asked = owner.post(url("sign_in"), {"phone": PHONE}, REMOTE_ADDR=OWNER_ADDRESS)

    assert asked.status_code == 302, "the browser the owner signed in with before still gets a code"
    assert codes_sent() == sent_before + 1
    entered = owner.post(url("sign_in_code"), {"code": last_code(PHONE)}, REMOTE_ADDR=OWNER_ADDRESS)
    assert entered.status_code == 302
    assert owner.get(url("account")).status_code == 200


def test_trying_a_number_creates_no_user_until_its_code_is_typed_back(client):
    client.post(url("sign_in"), {"phone": PHONE})
    assert codes_sent() == 1
    assert not get_user_model().objects.filter(username=PHONE).exists()
    client.post(url("sign_in_code"), {"code": wrong(last_code(PHONE))})
    assert not get_user_model().objects.filter(username=PHONE).exists()
    client.post(url("sign_in_code"), {"code": last_code(PHONE)})
    user = get_user_model().objects.get(username=PHONE)
    assert PhoneDevice.objects.get(phone=PHONE).user == user
    assert not user.has_usable_password()


def test_a_script_asking_codes_for_many_phones_from_many_addresses_meets_the_hourly_ceiling(client, settings):
    settings.SIGN_IN_SMS_PER_HOUR = 5
    phones = [f"+2547110000{n:02d}" for n in range(8)]
    for n, phone in enumerate(phones):
        type(client)().post(url("sign_in"), {"phone": phone}, REMOTE_ADDR=f"203.0.113.{n}")
    assert OutboundMessage.objects.filter(template="sign_in_code").count() == 5
    refused = client.post(url("sign_in"), {"phone": "+254711000099"}, REMOTE_ADDR=OWNER_ADDRESS)
    assert refused.status_code == 200
    assert "We cannot send sign-in codes just now" in refused.content.decode()
    assert get_user_model().objects.filter(username__startswith="+254711").count() == 0
    alert = ceiling.tripped_alert()
    assert alert is not None and alert.ceiling == 5 and alert.refused == 4


def test_supervisors_see_on_the_dashboard_when_the_sign_in_ceiling_trips(client, settings):
    settings.SIGN_IN_SMS_PER_HOUR = 1
    for phone in ("+254711000001", "+254711000002"):
        signin.request_code(phone, "en")
    supervisor = make_staff("sue", SUPERVISOR)
    sign_in_verified(client, supervisor)
    page = client.get("/admin/dashboard/").content.decode()
    assert 'id="sign-in-ceiling-alert"' in page and "1 were not sent" in page
    viewer_client = type(client)()
    sign_in_verified(viewer_client, make_staff("mae", ME_VIEWER))
    assert 'id="sign-in-ceiling-alert"' not in viewer_client.get("/admin/dashboard/").content.decode()


def test_when_the_ceiling_cannot_be_counted_no_code_is_sent(monkeypatch):
    class AwayCache:
        def __getattr__(self, name):
            def away(*args, **kwargs):
                raise ConnectionError("Redis is away")

            return away

    monkeypatch.setattr(ceiling, "cache", AwayCache())
    outcome = signin.request_code(PHONE, "en")
    assert not outcome.sent and "We cannot send sign-in codes just now" in outcome.message
    assert codes_sent() == 0
