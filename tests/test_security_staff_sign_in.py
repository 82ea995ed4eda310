"""Issue 13, point 3: staff passwords cannot be guessed, and a password alone never enrols an authenticator."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.roles import GRIEVANCE_OFFICER
from backoffice.two_factor import enrolment
from grievances.models import AccessLog
from tests.backoffice_helpers import current_code, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-right-password-42"
LOGIN = "/admin/login/"
ENROL = "/admin/2fa/enrol/"
ENROLMENT_LINKS = "/admin/2fa/enrolment-links/"


@pytest.fixture
def officer():
    user = make_staff("olive", GRIEVANCE_OFFICER)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_password_guesser_is_refused_even_the_right_password_after_five_wrong_ones(client, officer):
    for attempt in range(4):
        assert _sign_in(client, "olive", f"wrong-{attempt}").status_code == 200
    assert _sign_in(client, "olive", "wrong-5").status_code == 429  # the fifth wrong one locks
    response = _sign_in(client, "olive", PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_guesser_rotating_addresses_is_still_stopped_by_the_per_account_count(client, officer):
    for attempt in range(5):
        _sign_in(client, "olive", f"wrong-{attempt}", address=f"203.0.113.{attempt + 1}")

    assert _sign_in(client, "olive", PASSWORD, address="203.0.113.99").status_code == 429


def test_a_guesser_spraying_many_accounts_from_one_address_is_stopped_by_the_per_address_count(client, officer):
    for attempt in range(5):
        _sign_in(client, f"someone-{attempt}", "password123")

    assert _sign_in(client, "olive", PASSWORD).status_code == 429
    assert _sign_in(client, "olive", PASSWORD, address="192.0.2.50").status_code == 302  # another address


def test_the_lockout_ends_after_the_cool_off(client, officer):
    for attempt in range(5):
        _sign_in(client, "olive", f"wrong-{attempt}")
    from axes.models import AccessAttempt

    assert _sign_in(client, "olive", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "olive", PASSWORD).status_code == 302


def test_the_address_behind_the_trusted_proxy_is_the_one_counted(client, officer, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Forwarded-For"
    for attempt in range(5):
        client.post(
            LOGIN,
            {"username": f"x{attempt}", "password": "no"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )
    other_client = client.post(
        LOGIN, {"username": "olive", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.21"
    )
    assert other_client.status_code == 302


def test_citizen_sign_in_is_outside_the_staff_throttle(client, officer):
    from axes.models import AccessAttempt

    for _ in range(8):
        client.post("/sign-in/", {"phone": "0712345678"})
    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, "olive", PASSWORD).status_code == 302


def test_whoever_learns_a_new_colleagues_password_cannot_enrol_an_authenticator(client, officer):
    assert _sign_in(client, "olive", PASSWORD).status_code == 302
    page = client.get(ENROL)

    assert page.status_code == 200
    body = page.content.decode()
    assert "Ask an administrator for an enrolment link" in body
    assert "<svg" not in body
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get("/admin/")["Location"].startswith(ENROL)


def _issue(client, admin, user) -> str:
    sign_in_verified(client, admin)
    page = client.post("/admin/2fa/enrolment-links/", {"user": user.pk}).content.decode()
    return re.search(r"<code>https?://[^/]+(/admin/2fa/enrol/[^<]+/)</code>", page).group(1)


def test_an_administrator_issues_a_one_time_link_that_enrols_once_and_is_logged(client, officer, django_user_model):
    from django.test import Client

    admin = make_staff("root", superuser=True)
    link = _issue(client, admin, officer)
    assert AccessLog.objects.filter(user=admin, action="change", object_type="auth.user", object_id=str(officer.pk))

    colleague = Client()
    colleague.force_login(officer)
    assert colleague.get(link)["Location"] == ENROL
    page = colleague.get(ENROL).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = colleague.post(ENROL, {"token": current_code(device)})
    assert done.status_code == 200 and "backup" in done.content.decode().lower()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AccessLog.objects.filter(user=officer, object_id=str(officer.pk), reason__contains="enrolled")

    # The link worked once: used again (by anyone) it enrols nothing.
    again = Client()
    again.force_login(officer)
    assert again.get(link).status_code in (302, 404)
    TOTPDevice.objects.filter(user=officer).delete()
    assert again.get(link).status_code == 404


def test_an_enrolment_link_is_useless_to_another_account_after_72_hours_or_once_replaced(client, officer, monkeypatch):
    admin = make_staff("root", superuser=True)
    first = _issue(client, admin, officer)
    other = make_staff("mallory", GRIEVANCE_OFFICER)
    from django.test import Client

    thief = Client()
    thief.force_login(other)
    assert thief.get(first).status_code == 404  # someone else's link

    second = _issue(client, admin, officer)
    owner = Client()
    owner.force_login(officer)
    assert owner.get(first).status_code == 404  # replaced by a newer one
    assert owner.get(second).status_code == 302
    TOTPDevice.objects.filter(user=officer).update(confirmed=False)
    later = time.time() + enrolment.ENROLMENT_LINK_HOURS * 3600 + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    assert owner.get(second).status_code == 404  # expired


def test_only_administrators_issue_enrolment_links(client, officer):
    colleague = make_staff("gina", GRIEVANCE_OFFICER)
    sign_in_verified(client, colleague)

    assert client.get("/admin/2fa/enrolment-links/").status_code in (302, 403)  # Wagtail: back home, refused
    assert client.post("/admin/2fa/enrolment-links/", {"user": officer.pk}).status_code in (302, 403)
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_the_first_administrator_gets_a_link_from_the_command_line(officer, capsys):
    call_command("issue_enrolment_link", "olive")

    assert reverse("lango_2fa_enrol") in capsys.readouterr().out
    assert TOTPDevice.objects.filter(user=officer, confirmed=False).count() == 1


def test_a_lost_phone_is_replaced_by_another_administrator_and_its_codes_open_nothing(client, officer):
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    lost = Client()
    sign_in_verified(lost, officer)  # the officer's phone, now in a thief's hands, signed in
    old_device = TOTPDevice.objects.get(user=officer, confirmed=True)
    admin = make_staff("root", superuser=True)
    sign_in_verified(client, admin)

    refused = client.post(ENROLMENT_LINKS, {"action": "replace", "user": officer.pk, "reason": " "})
    assert TOTPDevice.objects.filter(pk=old_device.pk).exists(), "no reason, no replacement"
    assert "Say why" in refused.content.decode()

    page = client.post(ENROLMENT_LINKS, {"action": "replace", "user": officer.pk, "reason": "phone stolen"})

    link = re.search(r"<code>https?://[^/]+(/admin/2fa/enrol/[^<]+/)</code>", page.content.decode()).group(1)
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert AccessLog.objects.filter(user=admin, object_id=str(officer.pk), reason__contains="phone stolen").exists()
    assert lost.get("/admin/cases/").status_code == 302, "the stolen phone's session is no longer verified"
    owner = Client()
    owner.force_login(officer)
    assert owner.get(link)["Location"] == ENROL


def test_an_administrator_cannot_replace_their_own_authenticator(client):
    admin = make_staff("root", superuser=True)
    sign_in_verified(client, admin)

    page = client.post(ENROLMENT_LINKS, {"action": "replace", "user": admin.pk, "reason": "phone lost"})

    assert page.status_code == 200
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert "ask another administrator" in page.content.decode()


def test_only_administrators_replace_an_authenticator(client, officer):
    colleague = make_staff("gina", GRIEVANCE_OFFICER)
    sign_in_verified(client, colleague)
    sign_in_verified(type(client)(), officer)

    response = client.post(ENROLMENT_LINKS, {"action": "replace", "user": officer.pk, "reason": "phone lost"})

    assert response.status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
