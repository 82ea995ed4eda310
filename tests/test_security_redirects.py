"""Issue 13, point 6: no ``next`` sends anyone off the site, in the back-office or on citizen pages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backoffice.roles import GRIEVANCE_OFFICER
from tests.backoffice_helpers import make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
OFF_SITE = [
    "https://evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    " https://evil.example/x",
    "https:evil.example/x",
    "javascript:alert(1)",
    "http://testserver@evil.example/x",
]


def _lands_on_site(response) -> bool:
    location = response["Location"]
    return location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_attacker_cannot_bounce_an_officer_off_site_through_bulk_assign(client, target):
    officer = make_staff("olu", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)

    response = client.post("/admin/cases/assign/", {"next": target, "assignee": "me"})

    assert response.status_code == 302
    assert _lands_on_site(response), response["Location"]
    assert response["Location"] == "/admin/cases/"


def test_bulk_assign_still_returns_to_the_filtered_queue_it_came_from(client):
    officer = make_staff("olu", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)

    response = client.post("/admin/cases/assign/", {"next": "/admin/cases/?status=all", "assignee": "me"})

    assert response["Location"] == "/admin/cases/?status=all"


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_attacker_cannot_bounce_staff_off_site_after_the_second_factor(client, target):
    officer = make_staff("olu", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)

    response = client.get("/admin/2fa/verify/", {"next": target})

    assert response.status_code == 302
    assert _lands_on_site(response), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_attacker_cannot_bounce_a_visitor_off_site_through_the_admin_sign_in(client, target):
    page = client.get("/admin/login/", {"next": target}).content.decode()

    assert "evil.example" not in page


def _redirect_targets(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "redirect",
            "HttpResponseRedirect",
            "HttpResponsePermanentRedirect",
        ):
            yield node


def test_no_view_redirects_to_a_value_taken_straight_from_the_request():
    """Every redirect whose target comes from the request goes through a safe-next helper."""
    unsafe = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for call in _redirect_targets(ast.parse(path.read_text())):
            for argument in call.args:
                source = ast.unparse(argument)
                if "request." in source and "safe_next" not in source and "reverse(" not in source:
                    if "sign_in_url(" in source or source.startswith("f'{reverse("):
                        continue
                    unsafe.append(f"{path.relative_to(ROOT)}:{call.lineno}: {source}")
    assert unsafe == []
