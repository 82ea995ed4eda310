"""The staff back-office lives at /admin/ and starts at its sign-in page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_admin_sends_a_visitor_to_the_sign_in_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_sign_in_page_shows_a_password_form(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Lango back-office"),
        ("fr", "Back-office Lango"),
        ("sw", "Ofisi ya nyuma ya Lango"),
        ("ar", "المكتب الخلفي لـ Lango"),
    ],
)
def test_the_sign_in_page_names_the_lango_back_office_in_the_visitors_language(client, language, heading):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f"- {heading}</title>" in html
    assert "Wagtail" not in html.split("<body", 1)[1].split("<script", 1)[0]
