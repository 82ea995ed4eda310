"""Staff sign in to /admin/ with a password and a second factor; idle sessions end after 15 minutes."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.roles import GRIEVANCE_OFFICER
from backoffice.two_factor import staff as staff_2fa
from tests.backoffice_helpers import current_code, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

ENROL = "/admin/2fa/enrol/"
VERIFY = "/admin/2fa/verify/"


def _admin_paths() -> list[str]:
    """Every route under /admin/, with a placeholder for each argument."""
    admin = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "admin/")
    found: list[str] = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x1", route)
                found.append("/" + path.lstrip("^").rstrip("$"))

    walk(admin.url_patterns, "admin/")
    return sorted(set(found))


# The sign-in pages themselves, and the icon sprite and translations they load (nothing personal).
OPEN_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/sprite/",
    "/admin/jsi18n/",
    ENROL,
    VERIFY,
)


def test_staff_without_a_second_factor_reach_nothing_in_the_admin_but_enrolment(client):
    admin = make_staff("root", superuser=True)
    client.force_login(admin)
    paths = [p for p in _admin_paths() if not p.startswith(OPEN_PREFIXES)]
    assert len(paths) > 100  # the whole admin, not a sample
    for path in [*paths, "/admin/", "/admin/no-such-page/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL), path
    for path in ["/admin/cases/assign/", "/admin/cases/1/act/note/", "/admin/call-centre/complaint/"]:
        response = client.post(path, {"case": [1], "text": "x"})
        assert response["Location"].startswith(ENROL), path


def test_staff_with_an_authenticator_but_an_unverified_session_are_asked_for_a_code(client):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    for path in ["/admin/", "/admin/grievances/cases/", "/admin/dashboard/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    assert client.get(ENROL)["Location"].startswith(VERIFY)


def test_enrolment_shows_a_server_drawn_qr_code_then_backup_codes_once(client):
    from backoffice.two_factor import enrolment

    officer = make_staff("olive", GRIEVANCE_OFFICER)
    link = enrolment.issue_link(officer, None)
    client.force_login(officer)
    assert client.get(urlsplit(link.url).path)["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    done = client.post(ENROL, {"token": current_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # Enrolment is over: the codes are never shown again.
    again = client.get(ENROL)
    assert again.status_code == 302
    assert codes[0] not in client.get(again["Location"], follow=True).content.decode()


def test_a_wrong_code_keeps_the_admin_closed(client):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    response = client.post(VERIFY, {"token": "000000"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_backup_code_opens_the_admin_once(client):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    (code,) = staff_2fa.replace_backup_codes(officer)[:1]
    client.force_login(officer)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    assert client.get("/admin/").status_code == 200

    client.logout()
    client.force_login(officer)
    assert client.post(VERIFY, {"token": code}).status_code == 200
    assert StaticDevice.objects.get(user=officer).token_set.count() == 9


def test_the_next_page_is_kept_through_verification_but_never_leaves_the_site(client):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    response = client.post(VERIFY + "?next=https://evil.example/", {"token": current_code(device)})
    assert response["Location"] == reverse("wagtailadmin_home")


def test_verified_staff_reach_the_admin(client):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)
    assert client.get("/admin/").status_code == 200


def test_a_staff_session_idle_for_15_minutes_is_signed_out(client, settings):
    assert settings.STAFF_IDLE_MINUTES == 15
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)
    assert client.get("/admin/").status_code == 200

    session = client.session
    session[staff_2fa.LAST_SEEN_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get("/admin/").status_code == 200

    session = client.session
    session[staff_2fa.LAST_SEEN_KEY] = time.time() - 15 * 60 - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert "_auth_user_id" not in client.session


def test_the_pages_the_code_form_loads_do_not_replace_where_staff_go_next(client):
    officer = make_staff("officer", GRIEVANCE_OFFICER)
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    form = client.get("/admin/cases/", follow=True)
    assert form.redirect_chain[-1][0].startswith(VERIFY)
    assert client.get("/admin/sprite/").status_code == 200
    assert client.get("/admin/jsi18n/").status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"token": current_code(device)})
    assert done.status_code == 302 and done["Location"] == "/admin/cases/"


def test_the_code_page_signs_out_with_a_post(client):
    officer = make_staff("officer", GRIEVANCE_OFFICER)
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    page = client.get(VERIFY).content.decode()
    assert re.search(r'<form method="post" action="/admin/logout/">', page)


def test_demo_users_get_an_otpauth_uri_once(db):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    uri = staff_2fa.ensure_demo_totp(officer)
    assert uri.startswith("otpauth://totp/")
    assert "secret=" in uri
    assert staff_2fa.ensure_demo_totp(officer) == uri
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1
