"""Phone sign-in: codes by SMS, stored hashed, used once, limited in every way the rules say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import CODE_VALID_SECONDS, PhoneDevice, VerifyRefusal
from portal.signin import verify_code
from registry.models import Person
from sms.models import OutboundMessage
from tests.portal_helpers import OTHER_PHONE, PHONE, last_code, sign_in, url

pytestmark = pytest.mark.django_db


def codes_sent(phone: str = PHONE) -> int:
    return OutboundMessage.objects.filter(to=phone, template="sign_in_code").count()


def ask_for_code(client, phone: str = PHONE, **extra):
    return client.post(url("sign_in"), {"phone": phone}, **extra)


def enter_code(client, code: str):
    return client.post(url("sign_in_code"), {"code": code})


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


def is_signed_in(client) -> bool:
    return client.get(url("account")).status_code == 200


def test_a_code_by_sms_signs_the_citizen_in_with_a_new_session_key(client):
    client.get(url("sign_in"))
    client.session.save()
    key_before = client.session.session_key
    response = ask_for_code(client)
    assert response.status_code == 302
    assert codes_sent() == 1
    response = enter_code(client, last_code(PHONE))
    assert response.status_code == 302
    assert client.session.session_key != key_before
    assert is_signed_in(client)
    user = get_user_model().objects.get(username=PHONE)
    assert not user.has_usable_password()
    assert not user.is_staff


def test_the_code_is_sent_in_the_page_language(client):
    client.post(url("sign_in", language="sw"), {"phone": PHONE})
    assert OutboundMessage.objects.get(to=PHONE, template="sign_in_code").language == "sw"


def test_only_a_salted_hash_of_the_code_is_stored(client):
    ask_for_code(client)
    code = last_code(PHONE)
    device = PhoneDevice.objects.get(phone=PHONE)
    stored = " ".join(str(getattr(device, field.attname)) for field in device._meta.concrete_fields)
    assert code not in stored
    salt, digest = device.code_hash.split("$")
    assert len(salt) == 16 and len(digest) == 64


def test_two_codes_for_the_same_number_never_share_a_hash(client, clock):
    ask_for_code(client)
    first = PhoneDevice.objects.get(phone=PHONE).code_hash
    clock.advance(seconds=61)
    ask_for_code(client)
    assert PhoneDevice.objects.get(phone=PHONE).code_hash != first


def test_an_expired_code_is_refused(client, clock):
    ask_for_code(client)
    code = last_code(PHONE)
    clock.advance(seconds=CODE_VALID_SECONDS + 1)
    response = enter_code(client, code)
    assert response.status_code == 200
    assert "expired" in response.content.decode()
    assert not is_signed_in(client)


def test_a_code_works_within_five_minutes(client, clock):
    ask_for_code(client)
    clock.advance(minutes=4, seconds=50)
    enter_code(client, last_code(PHONE))
    assert is_signed_in(client)


def test_a_used_code_is_refused_the_second_time(client):
    ask_for_code(client)
    code = last_code(PHONE)
    enter_code(client, code)
    assert is_signed_in(client)
    result, device = verify_code(PHONE, code)
    assert device is None
    assert result.refusal is VerifyRefusal.NO_CODE


def test_a_wrong_code_is_refused(client):
    ask_for_code(client)
    wrong = "000000" if last_code(PHONE) != "000000" else "111111"
    response = enter_code(client, wrong)
    assert response.status_code == 200
    assert 'aria-describedby="id_code-hint id_code-error"' in response.content.decode()
    assert not is_signed_in(client)


def test_five_wrong_codes_kill_the_code(client):
    ask_for_code(client)
    code = last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        enter_code(client, wrong)
    response = enter_code(client, code)
    assert "no longer works" in response.content.decode()
    assert not is_signed_in(client)


def test_ten_wrong_codes_in_a_row_lock_the_phone_for_fifteen_minutes(client, clock):
    wrong = "000000"
    for round_ in range(2):  # from two addresses: one address alone is throttled before it could lock
        address = f"198.51.100.{round_ + 1}"
        ask_for_code(client, REMOTE_ADDR=address)
        if last_code(PHONE) == wrong:  # pragma: no cover - one chance in a million
            wrong = "111111"
        for _ in range(5):
            client.post(url("sign_in_code"), {"code": wrong}, REMOTE_ADDR=address)
        clock.advance(seconds=61)
    device = PhoneDevice.objects.get(phone=PHONE)
    assert device.is_locked()
    sent = codes_sent()
    response = ask_for_code(client)
    assert codes_sent() == sent, "a locked phone gets no code"
    assert "in 15 minutes" in response.content.decode()

    clock.advance(minutes=15, seconds=1)
    ask_for_code(client)
    assert codes_sent() == sent + 1
    enter_code(client, last_code(PHONE))
    assert is_signed_in(client)


def test_a_locked_phone_refuses_even_the_right_code(client):
    ask_for_code(client)
    code = last_code(PHONE)
    PhoneDevice.objects.filter(phone=PHONE).update(locked_until=timezone.now() + timedelta(minutes=10))
    response = enter_code(client, code)
    assert "in 15 minutes" in response.content.decode()
    assert not is_signed_in(client)


def test_a_second_code_within_a_minute_costs_no_sms(client, clock):
    ask_for_code(client)
    response = ask_for_code(client)
    assert codes_sent() == 1
    assert "less than a minute ago" in response.content.decode()
    clock.advance(seconds=61)
    ask_for_code(client)
    assert codes_sent() == 2


def test_a_fourth_code_within_fifteen_minutes_costs_no_sms(client, clock):
    for _ in range(3):
        ask_for_code(client)
        clock.advance(seconds=61)
    response = ask_for_code(client)
    assert codes_sent() == 3
    assert "15 minutes" in response.content.decode()
    clock.advance(minutes=15)
    ask_for_code(client)
    assert codes_sent() == 4


def test_an_eleventh_code_in_a_day_costs_no_sms(client, clock):
    for _ in range(10):
        ask_for_code(client)
        clock.advance(minutes=6)
    assert codes_sent() == 10
    clock.advance(minutes=30)
    response = ask_for_code(client)
    assert codes_sent() == 10
    assert "tomorrow" in response.content.decode()


def test_asking_for_a_new_code_from_the_code_page_follows_the_same_limits(client, clock):
    ask_for_code(client)
    client.post(url("sign_in_resend"))
    assert codes_sent() == 1
    clock.advance(seconds=61)
    client.post(url("sign_in_resend"))
    assert codes_sent() == 2


def test_too_many_codes_from_one_address_cost_no_sms(client):
    phones = [f"+2547120000{n:02d}" for n in range(21)]
    for phone in phones[:20]:
        assert ask_for_code(client, phone).status_code == 302
    response = ask_for_code(client, phones[20])
    assert response.status_code == 429
    assert codes_sent(phones[20]) == 0


def test_the_limit_per_address_reads_the_trusted_proxy_header_only_when_configured(client, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    phones = [f"+2547130000{n:02d}" for n in range(21)]
    for phone in phones[:20]:
        ask_for_code(client, phone, HTTP_X_REAL_IP="198.51.100.7")
    assert ask_for_code(client, phones[20], HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    assert ask_for_code(client, phones[20], HTTP_X_REAL_IP="198.51.100.8").status_code == 302


def test_too_many_code_tries_from_one_address_are_refused(client):
    ask_for_code(client)
    for _ in range(9):
        enter_code(client, "000001")
    # The address is throttled before its wrong codes could lock the phone.
    response = enter_code(client, "000001")
    assert response.status_code == 429
    assert not PhoneDevice.objects.get(phone=PHONE).is_locked()


def test_a_staff_account_named_like_a_phone_never_signs_in_by_sms(client):
    get_user_model().objects.create_user(username=PHONE, password="a-long-staff-password-1", is_staff=True)
    response = ask_for_code(client)
    assert response.status_code == 200
    assert codes_sent() == 0


def test_an_invalid_phone_number_is_refused_with_a_message_next_to_the_field(client):
    response = ask_for_code(client, "12")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_phone">' in body
    assert 'id="id_phone-error"' in body
    assert OutboundMessage.objects.count() == 0


def test_people_who_applied_with_the_phone_are_linked_at_sign_in(client, areas):
    person = Person.objects.create(given_name="Amina", birth_year=1950, sex="female", phone=PHONE)
    Person.objects.create(given_name="Other", birth_year=1960, sex="male", phone=OTHER_PHONE)
    sign_in(client)
    person.refresh_from_db()
    assert person.user.username == PHONE
    assert Person.objects.filter(user__isnull=False).count() == 1


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "http:evil.example",
        "javascript:alert(1)",
        " https://evil.example",
    ],
)
def test_next_never_leads_off_site(client, target):
    client.get(url("sign_in"), {"next": target})
    ask_for_code(client)
    response = enter_code(client, last_code(PHONE))
    assert response.status_code == 302
    assert response["Location"] == url("account")


def test_next_on_this_site_is_followed(client):
    client.get(url("sign_in"), {"next": url("complain", language="fr")})
    ask_for_code(client)
    response = enter_code(client, last_code(PHONE))
    assert response["Location"] == url("complain", language="fr")


def test_signing_out_needs_a_post_and_ends_the_session(client):
    sign_in(client)
    assert client.get(url("sign_out")).status_code == 405
    assert is_signed_in(client)
    response = client.post(url("sign_out"))
    assert response.status_code == 302
    assert not is_signed_in(client)
