"""Issue 13, point 5: a Content-Security-Policy on every page; citizens' pages allow no inline script.

The header tests read the policy Django sends; the browser test loads citizen pages and admin
pages in Debian's Chromium and finds no policy violation in the console or the page's events.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from backoffice.roles import GRIEVANCE_OFFICER
from tests.backoffice_helpers import current_code, make_staff, sign_in_verified

CHROMIUM = Path("/usr/bin/chromium")
CITIZEN_PAGES = ["/", "/sw/", "/ar/", "/sign-in/", "/apply/", "/track/", "/call-me-back/", "/stats/", "/complain/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/sign-in/", "/track/", "/healthz"])
def test_an_injected_script_cannot_run_on_a_citizen_page(client, path):
    response = client.get(path, follow=True)
    policy = _policy(response)

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_citizen_templates_hold_no_inline_script_style_or_handler():
    root = Path(__file__).resolve().parent.parent
    offending = []
    for template in root.glob("*/templates/**/*.html"):
        if "backoffice" in template.parts or "wagtailadmin" in template.parts:
            continue
        text = template.read_text()
        for marker in ("<script", "<style", " style=", " onclick=", " onload=", " onsubmit=", " onchange="):
            if marker in text:
                offending.append(f"{template.relative_to(root)}: {marker.strip()}")
    assert offending == []


@pytest.mark.django_db
def test_the_admin_gets_the_strictest_policy_wagtail_works_with(client):
    sign_in_verified(client, make_staff("olive", GRIEVANCE_OFFICER))
    for path in ["/admin/", "/admin/cases/", "/admin/login/"]:
        policy = _policy(client.get(path))
        assert policy["default-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
        assert policy["frame-src"] == ["'self'"]
        assert not any("http" in value or value == "*" for values in policy.values() for value in values), path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed")
def test_no_page_a_citizen_or_officer_opens_breaks_its_content_security_policy(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    from demo.areas_and_programmes import create_areas, create_programmes
    from demo.pages import create_site

    create_areas()
    create_programmes()
    create_site()
    admin = make_staff("root", superuser=True)
    admin.set_password("a-long-admin-password-42")
    admin.save()
    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)

    violations: list[str] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = chromium.new_page()
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )
        for path in CITIZEN_PAGES:
            page.goto(live_server.url + path)
        page.goto(live_server.url + reverse("wagtailadmin_login"))
        page.fill("input[name=username]", "root")
        page.fill("input[name=password]", "a-long-admin-password-42")
        page.click("button[type=submit]")
        page.wait_for_url("**/2fa/verify/**")
        page.fill("input[name=token]", current_code(device))
        page.click("main form button[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        for path in ["/admin/", "/admin/cases/", "/admin/dashboard/", "/admin/pages/", "/admin/call-centre/"]:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
        from wagtail.models import Page

        home = Page.objects.filter(depth=2).first()
        page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
        page.wait_for_load_state("networkidle")
        chromium.close()

    assert violations == [], "\n".join(violations)
