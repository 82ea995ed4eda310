"""A superuser, who holds every permission, can open every back-office list."""

from __future__ import annotations

import pytest

from tests.backoffice_helpers import file_case, make_staff, sign_in_verified

pytestmark = pytest.mark.django_db

LISTS = ["/admin/cases/", "/admin/applications/", "/admin/dashboard/", "/admin/call-backs/"]


@pytest.mark.parametrize("address", LISTS)
def test_a_superuser_opens_every_back_office_list(client, programmes, address):
    file_case()
    admin = make_staff("root", superuser=True)
    sign_in_verified(client, admin)
    response = client.get(address)
    assert response.status_code == 200, address


def test_the_queue_shows_each_deadline_as_a_date(client, programmes):
    from django.utils import formats, timezone

    case = file_case()
    admin = make_staff("root", superuser=True)
    sign_in_verified(client, admin)
    body = client.get("/admin/cases/").content.decode()
    assert formats.date_format(timezone.localtime(case.due_at), "j M Y, H:i") in body


def test_the_case_page_says_which_language_to_answer_in(client, programmes):
    case = file_case(language="ar")
    admin = make_staff("root", superuser=True)
    sign_in_verified(client, admin)
    body = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert '<dd lang="ar">العربية</dd>' in body
