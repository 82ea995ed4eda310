"""Every (state, action, actor) of the workflow table: allowed ones do exactly their effect, the rest change nothing."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.forms.models import model_to_dict

from backoffice import roles
from grievances import caller_verification
from grievances.models import DATA_CATEGORIES, Grievance, GrievanceEvent
from grievances.services import TransitionError, transition
from grievances.workflow import SYSTEM, TRANSITIONS, Action, CitizenActor, Role
from registry.models import Person
from sms.models import OutboundMessage
from tests.backoffice_helpers import file_case, make_staff

# The workflow roles each kind of actor holds on a case it may see (ASSIGNEE is added when assigned).
PERSONAS: dict[str, set[Role]] = {
    "officer": {Role.OFFICER},
    "assignee": {Role.OFFICER},
    "supervisor": {Role.OFFICER, Role.SUPERVISOR},
    "sensitive_officer": {Role.OFFICER},
    "programme_officer": set(),
    "call_centre_agent": set(),
    "verified_agent": {Role.CITIZEN},
    "content_editor": set(),
    "me_viewer": set(),
    "citizen": {Role.CITIZEN},
    "stranger": set(),
    "system": {Role.SYSTEM},
}
GROUPS = {
    "officer": roles.GRIEVANCE_OFFICER,
    "assignee": roles.GRIEVANCE_OFFICER,
    "supervisor": roles.SUPERVISOR,
    "sensitive_officer": roles.SENSITIVE_CASE_OFFICER,
    "programme_officer": roles.PROGRAMME_OFFICER,
    "call_centre_agent": roles.CALL_CENTRE_AGENT,
    "verified_agent": roles.CALL_CENTRE_AGENT,
    "content_editor": roles.CONTENT_EDITOR,
    "me_viewer": roles.ME_VIEWER,
}
# Each state of a case, the status it has, and whether an appeal may start from it.
STATES = {
    "new": Grievance.Status.NEW,
    "in_progress": Grievance.Status.IN_PROGRESS,
    "resolved": Grievance.Status.RESOLVED,
    "closed": Grievance.Status.CLOSED,
    "closed_rejected": Grievance.Status.CLOSED,
}

# Fields each action may change on the case (``updated_at`` always may).
MAY_CHANGE: dict[Action, set[str]] = {
    Action.ASSIGN: {"assignee", "status"},
    Action.NOTE: set(),
    Action.REPLY: set(),
    Action.ESCALATE: {"level", "due_at", "at_risk_at", "at_risk", "level_started_at", "escalated_at", "assignee"},
    Action.RESOLVE: {"status", "resolution_outcome", "resolution_text", "resolved_at", "decided_by"},
    Action.REJECT: {"status", "resolution_outcome", "rejection_reason", "resolution_text", "closed_at", "decided_by"},
    Action.APPEAL: set(),
    Action.CLOSE: {"status", "closed_at"},
    Action.DECIDE_DATA: {"status", "resolution_outcome", "resolution_text", "resolved_at", "decided_by"},
    Action.REOPEN: {
        "status",
        "resolution_outcome",
        "rejection_reason",
        "resolution_text",
        "resolved_at",
        "closed_at",
        "decided_by",
        "level_started_at",
        "due_at",
        "at_risk_at",
    },
}


def _expected_allowed(state: str, action: Action, persona: str, case: Grievance, actors) -> bool:
    row = TRANSITIONS[action]
    if STATES[state] not in row.from_statuses:
        return False
    if action == Action.APPEAL and state == "closed":
        return False  # only a case closed as "not taken forward" can be appealed once closed
    if action == Action.DECIDE_DATA and case.category not in DATA_CATEGORIES:
        return False  # only a request about one's own data is decided this way
    held = set(PERSONAS[persona])
    if held and Role.OFFICER in held and case.assignee_id == actors[persona].pk:
        held.add(Role.ASSIGNEE)
    return bool(held & row.roles)


@pytest.fixture
def world(db, areas):
    staff = {name: make_staff(name, group) for name, group in GROUPS.items()}
    staff["other_officer"] = make_staff("other_officer", roles.GRIEVANCE_OFFICER)
    person = Person.objects.create(
        given_name="Amina",
        family_name="Otieno",
        birth_year=1950,
        date_of_birth=date(1950, 3, 14),
        sex="female",
        phone="+254712345678",
        area=areas["mombasa"],
    )
    assert caller_verification.verify_caller(
        staff["verified_agent"], person, stated_birth="14/03/1950", stated_district=areas["mombasa"]
    )
    actors = {
        **staff,
        "citizen": CitizenActor(channel="web", person=person),
        "stranger": CitizenActor(channel="sms", phone="+254700000001"),
        "system": SYSTEM,
    }
    return actors, person


def _case_in(state: str, actors, person) -> Grievance:
    case = file_case(complainant=person)
    if state == "closed_rejected":
        transition(case, Action.REJECT, actors["officer"], reason=Grievance.RejectionReason.NO_INFORMATION)
        return case
    if state == "new":
        return case
    transition(case, Action.ASSIGN, actors["supervisor"], assignee=actors["assignee"])
    if state == "in_progress":
        return case
    transition(case, Action.RESOLVE, actors["assignee"], outcome=Grievance.Outcome.NOT_UPHELD, text="Paid on 3 May.")
    if state == "resolved":
        return case
    transition(case, Action.CLOSE, actors["citizen"])
    return case


def _data(action: Action, persona: str, actors) -> dict:
    if action == Action.ASSIGN:
        target = actors["other_officer"] if persona in ("supervisor", "system", "citizen", "stranger") else None
        return {"assignee": target or actors[persona]}
    return {
        Action.NOTE: {"text": "Called the paypoint."},
        Action.REPLY: {"text": "We are checking with the paypoint."},
        Action.ESCALATE: {},
        Action.RESOLVE: {"outcome": Grievance.Outcome.UPHELD, "text": "Payment re-issued."},
        Action.REJECT: {"reason": Grievance.RejectionReason.DUPLICATE},
        Action.APPEAL: {"text": "The payment never came."},
        Action.CLOSE: {},
        Action.REOPEN: {"text": "New evidence from the paypoint."},
        Action.DECIDE_DATA: {"outcome": Grievance.Outcome.UPHELD, "text": "Details checked."},
    }[action]


def _snapshot(case: Grievance) -> dict:
    fields = model_to_dict(Grievance.objects.get(pk=case.pk), exclude=["updated_at"])
    fields.update(
        due_at=case.__class__.objects.values_list("due_at", flat=True).get(pk=case.pk),
        level_started_at=case.__class__.objects.values_list("level_started_at", flat=True).get(pk=case.pk),
    )
    return fields


COMBINATIONS = list(itertools.product(STATES, list(Action), PERSONAS))


@pytest.mark.parametrize(("state", "action", "persona"), COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def test_each_state_action_and_actor_does_exactly_what_the_table_says(world, state, action, persona):
    actors, person = world
    case = _case_in(state, actors, person)
    allowed = _expected_allowed(state, action, persona, case, actors)
    before = _snapshot(case)
    events_before = set(case.events.values_list("pk", flat=True))
    messages_before = OutboundMessage.objects.count()
    cases_before = Grievance.objects.count()

    if not allowed:
        with pytest.raises(TransitionError) as raised:
            transition(case, action, actors[persona], **_data(action, persona, actors))
        assert str(raised.value.message).strip()
        assert raised.value.code in {"status", "role", "not_found"}
        assert _snapshot(case) == before
        assert set(case.events.values_list("pk", flat=True)) == events_before
        assert OutboundMessage.objects.count() == messages_before
        assert Grievance.objects.count() == cases_before
        return

    row = TRANSITIONS[action]
    result = transition(case, action, actors[persona], **_data(action, persona, actors))
    after = _snapshot(case)
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= MAY_CHANGE[action] | {"at_risk"}, changed
    if row.to_status:
        assert case.status == row.to_status
    else:
        assert case.status == before["status"]

    new_events = case.events.exclude(pk__in=events_before)
    transitions = new_events.exclude(kind=GrievanceEvent.Kind.SMS)
    assert [(e.action, e.is_public) for e in transitions] == [(action, row.public)]
    staff_actor = persona not in ("citizen", "stranger", "system")
    assert transitions.get().actor_id == (actors[persona].pk if staff_actor else None)

    sms = OutboundMessage.objects.order_by("pk")[messages_before:]
    if row.sms:
        assert [m.template for m in sms] == [row.sms]
        assert sms[0].to == person.phone
    else:
        assert list(sms) == []

    if action == Action.APPEAL:
        appeal = result.appeal
        assert Grievance.objects.count() == cases_before + 1
        assert appeal.kind == Grievance.Kind.APPEAL and appeal.appeal_of_id == case.pk
        assert appeal.level == case.level + 1
        assert appeal.excluded_assignee_id == case.decided_by_id is not None
        expected_channel = "call_centre" if persona == "verified_agent" else "web"
        assert appeal.channel == expected_channel
    else:
        assert Grievance.objects.count() == cases_before
    if action == Action.ASSIGN:
        assert case.assignee == _data(action, persona, actors)["assignee"]
    if action == Action.ESCALATE:
        assert case.level == before["level"] + 1 and case.assignee is None and case.escalated_at is not None
    if action == Action.RESOLVE:
        assert case.decided_by == actors[persona] and case.resolution_outcome == Grievance.Outcome.UPHELD
    if action == Action.REJECT:
        assert case.resolution_outcome == Grievance.Outcome.REJECTED and case.closed_at is not None
    if action == Action.REOPEN:
        assert case.resolution_outcome == "" and case.resolved_at is None and case.closed_at is None
