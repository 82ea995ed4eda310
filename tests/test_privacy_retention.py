"""The retention table deletes or anonymises each kind of record once its time is up, and no sooner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from grievances.models import AccessLog, Grievance, GrievanceEvent, contact_phone_is
from grievances.public_stats import snapshot_data
from portal.citizens import citizen_for_phone
from portal.models import PhoneDevice
from privacy import retention
from privacy.models import Anonymisation, RetentionRun
from privacy.tasks import apply_retention_task
from registry.models import Application, ProgrammeApplication
from sms.inbound import IncomingSms, receive_sms
from sms.models import InboundMessage, OutboundMessage
from tests.backoffice_helpers import file_case, make_staff, submit_application
from ussd.models import UssdSessionSummary

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 15, 3, 40, tzinfo=UTC)


def _run() -> dict[str, int]:
    with time_machine.travel(NOW, tick=False):
        return retention.apply_retention().counts


def _sms(template: str, at: datetime) -> OutboundMessage:
    with time_machine.travel(at, tick=False):
        return OutboundMessage.objects.create(
            to="+254712345678", template=template, language="en", body="Lango code 123456.",
            encoding="gsm7", parts=1, next_attempt_at=at,
        )  # fmt: skip


def _close(case: Grievance, at: datetime) -> None:
    Grievance.objects.filter(pk=case.pk).update(status=Grievance.Status.CLOSED, closed_at=at, resolved_at=at)


def test_a_sign_in_code_is_forgotten_minutes_after_it_stops_being_valid():
    old = PhoneDevice.objects.create(
        user=citizen_for_phone("+254712345678"), phone="+254712345678", name="a", code_hash="x",
        code_valid_until=NOW - timedelta(minutes=31),
    )  # fmt: skip
    fresh = PhoneDevice.objects.create(
        user=citizen_for_phone("+254712345679"), phone="+254712345679", name="b", code_hash="y",
        code_valid_until=NOW - timedelta(minutes=29),
    )  # fmt: skip

    assert _run()["sign_in_codes"] == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.code_hash, old.code_valid_until) == ("", None)
    assert fresh.code_hash == "y"


def test_the_sms_that_carried_a_sign_in_code_is_deleted_minutes_later_and_other_sms_stay():
    old = _sms("sign_in_code", NOW - timedelta(minutes=31))
    fresh = _sms("sign_in_code", NOW - timedelta(minutes=29))
    other = _sms("grievance_received", NOW - timedelta(days=30))

    assert _run()["sign_in_sms"] == 1

    assert set(OutboundMessage.objects.values_list("pk", flat=True)) == {fresh.pk, other.pk}
    assert not OutboundMessage.objects.filter(pk=old.pk).exists()


def test_ussd_session_summaries_are_deleted_after_90_days():
    for days in (91, 89):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            UssdSessionSummary.objects.create(session_id=f"s{days}", hops=3)

    assert _run()["ussd_sessions"] == 1

    assert list(UssdSessionSummary.objects.values_list("session_id", flat=True)) == ["s89"]


def test_an_inbound_sms_keeps_its_text_until_a_year_after_the_case_it_made_is_closed(programmes):
    received = NOW - timedelta(days=800)
    texts = {
        "closed-long-ago": "COMPLAIN my payment is late, Amina",
        "closed-lately": "COMPLAIN the office was shut, Juma",
        "still-open": "COMPLAIN nobody answers, Baraka",
        "no-case": "HALI",
    }
    with time_machine.travel(received, tick=False):
        for n, (key, text) in enumerate(texts.items()):
            receive_sms(IncomingSms(provider_id=key, sender=f"+25471234500{n}", text=text))
    cases = {
        key: Grievance.objects.get(contact_phone_is(f"+25471234500{n}"))
        for n, key in enumerate(texts)
        if key != "no-case"
    }
    _close(cases["closed-long-ago"], NOW - timedelta(days=367))
    _close(cases["closed-lately"], NOW - timedelta(days=300))

    assert _run()["inbound_sms"] == 2

    kept = dict(InboundMessage.objects.values_list("provider_id", "text"))
    assert kept["closed-long-ago"] == "" and kept["no-case"] == ""
    assert kept["closed-lately"] == texts["closed-lately"]
    assert kept["still-open"] == texts["still-open"]
    assert InboundMessage.objects.get(provider_id="closed-long-ago").sender == ""


@override_settings()
def test_a_closed_case_is_anonymised_after_the_set_years_and_the_public_statistics_do_not_change(areas):
    with time_machine.travel(NOW - timedelta(days=6 * 366), tick=False):
        old = file_case(description="Amina Odhiambo, ID 12345678, was not paid.", area=areas["mombasa"])
        kept = file_case(description="Juma was not paid.", phone="+254712345670", area=areas["mombasa"])
    GrievanceEvent.objects.create(grievance=old, kind="note", message="Called Amina on +254712345678")
    Grievance.objects.filter(pk=old.pk).update(resolution_text="Paid to Amina in full.")
    _close(old, NOW - timedelta(days=5 * 365 + 2))
    _close(kept, NOW - timedelta(days=4 * 365))
    made_on = NOW.date()
    before = snapshot_data(made_on, NOW)["tables"]

    assert _run()["closed_cases"] == 1

    old.refresh_from_db()
    assert (old.description, old.contact_phone, old.complainant, old.resolution_text) == ("", "", None, "")
    assert not old.events.exclude(message="").exists()
    assert (old.category, old.area, old.status) == ("payment_not_received", areas["mombasa"], "closed")
    kept.refresh_from_db()
    assert kept.description == "Juma was not paid." and kept.contact_phone == "+254712345670"
    assert snapshot_data(made_on, NOW)["tables"] == before
    assert Anonymisation.objects.get(kind="grievance").object_id == old.pk


def test_the_years_a_closed_case_is_kept_come_from_the_setting(settings):
    settings.RETENTION = [{**row, "keep": 1} if row["what"] == "closed_cases" else row for row in settings.RETENTION]
    with time_machine.travel(NOW - timedelta(days=800), tick=False):
        case = file_case()
    _close(case, NOW - timedelta(days=400))

    assert _run()["closed_cases"] == 1


def test_access_log_entries_are_deleted_after_two_years():
    staff = make_staff("olive")
    for days in (2 * 365 + 2, 2 * 365 - 2):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            AccessLog.objects.create(user=staff, action="view", object_type="grievance", object_id=str(days))

    assert _run()["access_logs"] == 1

    assert list(AccessLog.objects.values_list("object_id", flat=True)) == [str(2 * 365 - 2)]


def test_a_withdrawn_application_loses_its_answers_after_the_set_days(programmes, areas, settings):
    settings.RETENTION = [
        {**row, "keep": 180} if row["what"] == "withdrawn_applications" else row for row in settings.RETENTION
    ]
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        withdrawn = submit_application(["old-age-pension"], areas["mombasa"])
        lately = submit_application(["old-age-pension"], areas["kilifi"], phone="+254712345671")
        active = submit_application(["old-age-pension"], areas["kibra"], phone="+254712345672")
    Application.objects.update(answers={"given_name": "Amina", "household_size": 4})
    ProgrammeApplication.objects.filter(application=withdrawn).update(
        status="withdrawn", updated_at=NOW - timedelta(days=181)
    )
    ProgrammeApplication.objects.filter(application=lately).update(
        status="withdrawn", updated_at=NOW - timedelta(days=179)
    )

    assert _run()["withdrawn_applications"] == 1

    answers = dict(Application.objects.values_list("pk", "answers"))
    assert answers[withdrawn.pk] == {}
    assert answers[lately.pk] and answers[active.pk]
    assert ProgrammeApplication.objects.get(application=withdrawn).status == "withdrawn"


def test_running_the_table_twice_changes_nothing_the_second_time_and_each_run_is_recorded(areas):
    with time_machine.travel(NOW - timedelta(days=6 * 366), tick=False):
        case = file_case()
        UssdSessionSummary.objects.create(session_id="old", hops=1)
    _close(case, NOW - timedelta(days=5 * 366))

    first = _run()
    second = _run()

    assert first["closed_cases"] == 1 and first["ussd_sessions"] == 1
    assert set(second.values()) == {0}
    runs = RetentionRun.objects.filter(kind="closed_cases").order_by("pk")
    assert [run.count for run in runs] == [1, 0]
    assert RetentionRun.objects.count() == 2 * len(retention.retention_table())


def test_a_run_is_skipped_while_another_holds_the_lock():
    cache.add(retention.LOCK_KEY, "other", 60)

    assert apply_retention_task() == {"counts": {}, "skipped": True}
    assert not RetentionRun.objects.exists()


def test_a_large_backlog_is_worked_in_batches(settings):
    settings.RETENTION_BATCH_SIZE = 3
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        UssdSessionSummary.objects.bulk_create(UssdSessionSummary(session_id=f"s{n}") for n in range(10))

    assert _run()["ussd_sessions"] == 10
    assert not UssdSessionSummary.objects.exists()


def test_every_row_of_the_table_says_what_how_long_and_then_what_in_every_language():
    from django.utils import translation

    for language in ("en", "fr", "sw", "ar"):
        with translation.override(language):
            for rule in retention.retention_table():
                assert rule.label and rule.why and rule.period and rule.after_label and rule.then_label
