"""Appeals go one level up, never to the person who decided, and an upheld appeal re-opens the application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER, PROGRAMME_OFFICER, SUPERVISOR
from grievances.assignment import assignable_officers
from grievances.models import Category, Grievance
from grievances.services import GrievanceError, TransitionError, file_grievance, transition
from grievances.workflow import CitizenActor
from registry.decisions import decide
from registry.models import ProgrammeApplication
from sms.models import OutboundMessage
from tests.backoffice_helpers import file_case, make_staff, sign_in_verified, submit_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal(areas, programmes):
    """A refused application whose decider also works on grievance cases."""
    decider = make_staff("dora", PROGRAMME_OFFICER, GRIEVANCE_OFFICER)
    programmes["old-age-pension"].officers.add(decider)
    application = submit_application(["old-age-pension"], areas["mombasa"])
    pa = application.programme_applications.get()
    decide(pa, "not_eligible", "age_outside_range", "Under 65.", decider)
    pa.refresh_from_db()
    return decider, pa


def _appeal(pa: ProgrammeApplication) -> Grievance:
    return file_grievance(
        category=Category.DECISION_APPEAL,
        description="I am 66: my ID shows it.",
        channel="ussd",
        language="en",
        kind=Grievance.Kind.APPEAL,
        complainant=pa.application.applicant,
        related_programme_application=pa,
    ).grievance


def test_an_appeal_of_a_refusal_starts_one_level_up_and_excludes_the_decider(refusal):
    decider, pa = refusal
    appeal = _appeal(pa)
    assert appeal.level == 2
    assert appeal.excluded_assignee == decider
    assert decider not in assignable_officers(appeal)


def test_an_appeal_is_never_assigned_to_the_original_decider(refusal, client):
    decider, pa = refusal
    supervisor = make_staff("sam", SUPERVISOR)
    appeal = _appeal(pa)
    with pytest.raises(TransitionError) as raised:
        transition(appeal, "assign", supervisor, assignee=decider)
    assert raised.value.code == "assignee"
    with pytest.raises(TransitionError):
        transition(appeal, "assign", decider, assignee=decider)
    # Nor through the bulk assignment of the queue.
    sign_in_verified(client, supervisor)
    client.post("/admin/cases/assign/", {"case": [appeal.pk], "assignee": decider.pk})
    appeal.refresh_from_db()
    assert appeal.assignee is None and appeal.status == Grievance.Status.NEW


def test_an_appeal_of_a_case_is_never_assigned_to_the_officer_who_decided_it(db):
    supervisor = make_staff("sam", SUPERVISOR)
    first, second = make_staff("olive", GRIEVANCE_OFFICER), make_staff("otto", GRIEVANCE_OFFICER)
    case = file_case()
    transition(case, "assign", supervisor, assignee=first)
    transition(case, "resolve", first, outcome="not_upheld", text="Paid on 3 May.")
    appeal = transition(case, "appeal", CitizenActor(channel="sms", phone=case.contact_phone), text="Not paid.").appeal
    assert (appeal.level, appeal.appeal_of, appeal.excluded_assignee) == (2, case, first)
    with pytest.raises(TransitionError):
        transition(appeal, "assign", supervisor, assignee=first)
    transition(appeal, "assign", supervisor, assignee=second)
    assert appeal.assignee == second


def test_an_appeal_of_a_rejection_excludes_the_officer_who_rejected(db):
    officer, other = make_staff("olive", GRIEVANCE_OFFICER), make_staff("otto", GRIEVANCE_OFFICER)
    case = file_case()
    transition(case, "reject", officer, reason="duplicate")
    appeal = transition(case, "appeal", CitizenActor(channel="web", phone=case.contact_phone), text="Not a duplicate.")
    assert appeal.appeal.excluded_assignee == officer
    with pytest.raises(TransitionError):
        transition(appeal.appeal, "assign", officer, assignee=officer)
    transition(appeal.appeal, "assign", other, assignee=other)


def test_an_upheld_appeal_reopens_the_application_and_queues_the_sms(refusal):
    _decider, pa = refusal
    supervisor = make_staff("sam", SUPERVISOR)
    reviewer = make_staff("rita", GRIEVANCE_OFFICER)
    appeal = _appeal(pa)
    transition(appeal, "assign", supervisor, assignee=reviewer)
    transition(appeal, "resolve", reviewer, outcome="upheld", text="The ID shows 66.")

    pa.refresh_from_db()
    assert pa.status == ProgrammeApplication.Status.UNDER_REVIEW
    assert (pa.decision_reason_code, pa.decided_by, pa.decided_at) == ("", None, None)
    assert pa.due_at > timezone.now()
    event = pa.events.order_by("-pk").first()
    assert (event.from_status, event.to_status, event.actor) == ("not_eligible", "under_review", reviewer)
    reopened = OutboundMessage.objects.get(template="application_reopened")
    assert reopened.to == pa.application.applicant.phone
    assert OutboundMessage.objects.filter(template="grievance_resolved", to=reopened.to).exists()


def test_a_not_upheld_appeal_leaves_the_refusal_as_it_was(refusal):
    _decider, pa = refusal
    reviewer = make_staff("rita", GRIEVANCE_OFFICER)
    appeal = _appeal(pa)
    transition(appeal, "assign", reviewer, assignee=reviewer)
    transition(appeal, "resolve", reviewer, outcome="not_upheld", text="Born in 1962.")
    pa.refresh_from_db()
    assert pa.status == ProgrammeApplication.Status.NOT_ELIGIBLE
    assert not OutboundMessage.objects.filter(template="application_reopened").exists()


def test_a_refusal_can_be_appealed_once_at_a_time_and_only_within_the_window(refusal, settings):
    _decider, pa = refusal
    _appeal(pa)
    with pytest.raises(GrievanceError):
        _appeal(pa)
    Grievance.objects.filter(related_programme_application=pa).update(status=Grievance.Status.CLOSED)
    ProgrammeApplication.objects.filter(pk=pa.pk).update(
        decided_at=timezone.now() - timedelta(days=settings.APPEAL_WINDOW_DAYS, minutes=1)
    )
    pa.refresh_from_db()
    with pytest.raises(GrievanceError):
        _appeal(pa)


def test_a_case_cannot_be_appealed_after_its_window(db, settings):
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    case = file_case()
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome="not_upheld", text="Paid.")
    Grievance.objects.filter(pk=case.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.APPEAL_WINDOW_DAYS, minutes=1)
    )
    with pytest.raises(TransitionError):
        transition(case, "appeal", CitizenActor(channel="web", phone=case.contact_phone), text="Still unpaid.")
    assert not Grievance.objects.filter(appeal_of=case).exists()
