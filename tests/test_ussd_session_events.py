"""End-of-session events keep a summary and clear the state; the back-office funnel shows where people stop."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from backoffice.roles import GRIEVANCE_OFFICER, ME_VIEWER
from tests.backoffice_helpers import make_staff, sign_in_verified
from ussd.models import UssdSessionSummary
from ussd.session import load_session
from ussd.testing import APPLY, LANGUAGE_KEYS, UssdPhone, apply_answers, pick_and_send

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
FUNNEL = "/admin/reports/ussd-funnel/"


def gave_up_at_the_district(client, language: str, phone: str = PHONE) -> UssdPhone:
    session = UssdPhone(client, phone=phone)
    session.dial()
    session.send(LANGUAGE_KEYS[language], APPLY, *apply_answers()[:5])
    assert session.screen_name == "apply_district"
    session.hang_up()
    return session


def test_the_end_of_session_event_stores_a_summary_and_clears_the_state(client, programmes):
    session = gave_up_at_the_district(client, "sw")
    summary = UssdSessionSummary.objects.get(session_id=session.session_id)
    assert summary.status == "Incomplete" and summary.duration_ms == 42000 and summary.hops == 8
    assert summary.last_screen == "apply_district" and summary.language == "sw" and summary.journey == "apply"
    assert not summary.completed and "apply_region" in summary.path
    assert load_session(session.session_id) is None


def test_a_completed_journey_is_summarised_as_completed(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["fr"], APPLY, *apply_answers(), *pick_and_send(len(programmes)))
    session.hang_up()
    summary = UssdSessionSummary.objects.get()
    assert summary.completed and summary.last_screen == "apply_done" and summary.status == "Success"


def test_a_repeated_event_updates_the_same_summary(client, programmes):
    session = gave_up_at_the_district(client, "en")
    session.hang_up()
    assert UssdSessionSummary.objects.count() == 1
    assert UssdSessionSummary.objects.get().last_screen == "apply_district"


def test_an_event_with_missing_or_odd_fields_is_acknowledged(client):
    url = reverse("ussd:at_events", args=[settings.AT_CALLBACK_TOKEN])
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"sessionId": "ATUid_x", "durationInMillis": "soon", "hopsCount": "-4"}).status_code == 200
    summary = UssdSessionSummary.objects.get(session_id="ATUid_x")
    assert summary.duration_ms is None and summary.hops == 0


def test_the_funnel_report_shows_where_people_give_up_per_screen_and_language(client, programmes):
    gave_up_at_the_district(client, "sw", phone="+254712345678")
    gave_up_at_the_district(client, "sw", phone="+254712345679")
    gave_up_at_the_district(client, "ar", phone="+254712345670")
    viewer = make_staff("mercy", ME_VIEWER)
    sign_in_verified(client, viewer)

    response = client.get(FUNNEL)
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split("<code>apply_district</code>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    languages = [code for code, _name in settings.LANGUAGES]
    by_language = dict(zip(languages, cells, strict=True))
    assert by_language["sw"] == "2 / <strong>2</strong>"
    assert by_language["ar"] == "1 / <strong>1</strong>"
    assert by_language["en"] == "0 / 0"
    name_row = html.split("<code>apply_name</code>", 1)[1].split("</tr>", 1)[0]
    assert "2 / 0" in name_row
    assert FUNNEL in client.get("/admin/").content.decode()  # listed under Reports


def test_the_funnel_report_is_only_for_staff_who_may_see_the_dashboard(client, programmes):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    sign_in_verified(client, officer)
    assert client.get(FUNNEL).status_code in (302, 403)
    menu = client.get("/admin/").content.decode()
    assert FUNNEL not in menu
