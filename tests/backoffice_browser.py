"""Helpers for browser tests of the back-office: staff who sign in as a person would, in their language."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.backoffice_helpers import current_code, make_staff

PASSWORD = "a-long-demo-password-for-tests"


def staff_member(username: str, *roles: str, language: str = "en", first_name: str = "", last_name: str = ""):
    """A staff member with a password, an authenticator and the back-office in ``language``."""
    from wagtail.users.models import UserProfile

    user = make_staff(username, *roles)
    user.first_name = first_name or user.first_name
    user.last_name = last_name
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def type_password(browser, live_server, user, *, locale: str = "en"):
    """Open the sign-in page and sign in with the password; return the page (now asking for the code)."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    return page


def type_code(page, code: str) -> None:
    page.fill("input[name=token]", code)
    page.click("main form button[type=submit]")


def signed_in(browser, live_server, user, *, locale: str = "en"):
    """A browser page signed in as ``user`` (password, then the authenticator's code), on the home page."""
    page = type_password(browser, live_server, user, locale=locale)
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    type_code(page, current_code(device))
    page.wait_for_url(live_server.url + "/admin/")
    return page
