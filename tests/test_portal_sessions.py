"""Citizen sessions end after 30 idle minutes or 12 hours in all; staff sessions are left alone."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model

from portal import middleware
from tests.portal_helpers import sign_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """A clock for the session middleware that tests move forward (nobody sleeps)."""

    class Clock:
        now = time.time()

        def time(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(middleware, "time", fake)
    return fake


def signed_in(client) -> bool:
    return client.get(url("account")).status_code == 200


def test_a_citizen_is_signed_out_after_30_idle_minutes(client, clock):
    sign_in(client)
    clock.advance(29 * 60)
    assert signed_in(client)
    clock.advance(29 * 60)
    assert signed_in(client), "each visit restarts the idle clock"
    clock.advance(31 * 60)
    assert not signed_in(client)


def test_a_citizen_is_signed_out_12_hours_after_signing_in_however_active(client, clock):
    sign_in(client)
    for _ in range(12 * 4 - 1):
        clock.advance(15 * 60)
        assert signed_in(client)
    clock.advance(16 * 60)
    assert not signed_in(client)


def test_the_session_cookie_lasts_no_longer_than_the_idle_time(client):
    sign_in(client)
    assert client.session.get_expiry_age() == 30 * 60


def test_staff_sessions_are_not_citizen_sessions(client, clock):
    staff = get_user_model().objects.create_user(username="officer", password="a-long-staff-password-1", is_staff=True)
    client.force_login(staff)
    clock.advance(2 * 60 * 60)
    client.get(url("complain"))
    assert client.session.get("_auth_user_id") == str(staff.pk)
    assert client.get("/admin/login/").status_code in {200, 302}
