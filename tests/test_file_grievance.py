"""Filing a complaint, appeal or feedback from any channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from grievances.models import Category, Grievance
from grievances.pins import check_pin
from grievances.services import GrievanceError, file_grievance, request_callback
from grievances.tracking import TrackingError, track_grievance
from registry.models import ProgrammeApplication
from registry.references import ReferenceKind, is_valid_reference
from sms.models import OutboundMessage
from tests.domain_helpers import submit

pytestmark = pytest.mark.django_db


def complaint(**overrides):
    values = {
        "category": Category.PAYMENT_NOT_RECEIVED,
        "description": "My payment did not arrive in October.",
        "channel": "web",
        "language": "en",
        "phone": "0712345678",
    }
    values.update(overrides)
    return file_grievance(**values)


def test_a_complaint_gets_a_reference_a_due_date_a_timeline_and_an_acknowledgement():
    before = timezone.now()
    result = complaint()
    case = result.grievance
    assert is_valid_reference(case.reference, ReferenceKind.GRIEVANCE)
    assert case.contact_phone == "+254712345678"
    assert case.status == Grievance.Status.NEW and case.level == 1
    assert before + timedelta(days=7) <= case.due_at <= timezone.now() + timedelta(days=7)
    assert list(case.events.values_list("kind", "is_public")) == [("filed", True)]
    sms = OutboundMessage.objects.get(to="+254712345678")
    assert sms.template == "grievance_received"
    assert case.reference[:1] in sms.body


def test_an_anonymous_complaint_keeps_no_phone_and_gets_a_pin_shown_once():
    result = complaint(anonymous=True, category=Category.OTHER)
    case = result.grievance
    assert result.pin and len(result.pin) == 6 and result.pin.isdigit()
    assert case.contact_phone == "" and case.complainant is None and case.is_anonymous
    assert result.pin not in case.tracking_pin_hash
    assert check_pin(result.pin, case.tracking_pin_hash)
    assert OutboundMessage.objects.count() == 0


def test_sensitive_categories_are_flagged_and_never_named_in_the_sms():
    result = complaint(category=Category.SEXUAL_EXPLOITATION, description="An officer asked me for favours.")
    case = result.grievance
    assert case.is_sensitive
    assert case.due_at <= timezone.now() + timedelta(days=3)
    body = OutboundMessage.objects.get().body.lower()
    assert "sexual" not in body and "abuse" not in body and "exploitation" not in body


def test_the_same_key_files_once():
    first = complaint(idempotency_key="sms:ATXid_1")
    second = complaint(idempotency_key="sms:ATXid_1")
    assert second.grievance == first.grievance and not second.created
    assert Grievance.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_empty_descriptions_and_unknown_categories_are_refused():
    with pytest.raises(GrievanceError):
        complaint(description="   ")
    with pytest.raises(GrievanceError):
        complaint(category="weather")
    assert Grievance.objects.count() == 0


def test_a_refusal_can_be_appealed_one_level_up_within_the_window(programmes, areas, django_user_model):
    officer = django_user_model.objects.create_user("officer")
    result = submit(areas["mombasa"], ["old-age-pension"])
    pa = result.application.programme_applications.get()
    pa.status, pa.decided_at, pa.decided_by = ProgrammeApplication.Status.NOT_ELIGIBLE, timezone.now(), officer
    pa.save()
    appeal = file_grievance(
        kind=Grievance.Kind.APPEAL,
        category=Category.DECISION_APPEAL,
        description="I am 76, here is my birth certificate.",
        channel="ussd",
        language="sw",
        complainant=pa.application.applicant,
        related_programme_application=pa,
    ).grievance
    assert appeal.level == 2
    assert appeal.excluded_assignee == officer
    assert appeal.contact_phone == pa.application.applicant.phone
    with pytest.raises(GrievanceError):  # already under appeal
        file_grievance(
            kind=Grievance.Kind.APPEAL,
            category=Category.DECISION_APPEAL,
            description="again",
            channel="web",
            language="en",
            related_programme_application=pa,
        )


def test_an_appeal_after_the_window_is_refused(programmes, areas):
    pa = submit(areas["mombasa"], ["old-age-pension"]).application.programme_applications.get()
    pa.status, pa.decided_at = ProgrammeApplication.Status.NOT_ELIGIBLE, timezone.now() - timedelta(days=31)
    pa.save()
    with pytest.raises(GrievanceError):
        file_grievance(
            kind=Grievance.Kind.APPEAL,
            category=Category.DECISION_APPEAL,
            description="late",
            channel="web",
            language="en",
            related_programme_application=pa,
        )


def test_tracking_an_anonymous_case_needs_its_pin():
    result = complaint(anonymous=True)
    ref = result.grievance.reference
    with pytest.raises(TrackingError) as missing:
        track_grievance(ref)
    assert missing.value.code == "pin_required"
    wrong = "0000" if result.pin != "0000" else "1111"
    with pytest.raises(TrackingError) as bad:
        track_grievance(ref, pin=wrong)
    assert bad.value.code == "bad_pin"
    tracked = track_grievance(ref, pin=result.pin)
    assert tracked.grievance == result.grievance
    assert [e.kind for e in tracked.events] == ["filed"]


def test_a_mistyped_reference_is_caught_before_any_lookup(django_assert_num_queries):
    ref = complaint().grievance.reference
    typo = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    with django_assert_num_queries(0), pytest.raises(TrackingError) as error:
        track_grievance(typo, pin="1234")
    assert error.value.code == "bad_reference"


def test_a_waiting_callback_request_is_not_queued_twice():
    first, created = request_callback(phone="0712345678", reason="payment", channel="ussd", language="sw")
    again, created_again = request_callback(phone="+254712345678", reason="other", channel="web", language="sw")
    assert created and not created_again and again == first


def test_wrong_pins_from_a_stranger_pause_only_the_stranger():
    result = complaint(anonymous=True)
    ref = result.grievance.reference
    wrong = "000000" if result.pin != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(TrackingError):
            track_grievance(ref, pin=wrong, requester="203.0.113.9")
    assert track_grievance(ref, pin=result.pin, requester="198.51.100.7").grievance == result.grievance


def test_guessing_spread_over_many_requesters_is_still_bounded():
    result = complaint(anonymous=True)
    ref = result.grievance.reference
    wrong = "000000" if result.pin != "000000" else "111111"
    for attempt in range(50):
        with pytest.raises(TrackingError):
            track_grievance(ref, pin=wrong, requester=f"198.51.100.{attempt}")
    with pytest.raises(TrackingError) as locked:
        track_grievance(ref, pin=result.pin, requester="192.0.2.1")
    assert locked.value.code == "locked"
