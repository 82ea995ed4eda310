"""The grievance and appeals workflow (DESIGN §5) as one table.

Each row says from which statuses an action may be taken, which roles may take it, where the case
goes, whether its timeline event is public and which SMS the citizen gets. ``grievances.services.
transition`` enforces the table; the back-office shows the actions it allows; the tests walk it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grievances.models import DATA_CATEGORIES, DataRequest, Grievance

Status = Grievance.Status


class Role(StrEnum):
    """Who may take an action. Staff roles come from permissions, never from group names."""

    OFFICER = "officer"  # grievances.handle_grievance
    ASSIGNEE = "assignee"  # the officer the case is assigned to
    SUPERVISOR = "supervisor"  # grievances.supervise_grievances
    CITIZEN = "citizen"  # the complainant on any channel, or a call-centre agent who verified them
    SYSTEM = "system"  # periodic tasks (SLA sweep, closing after the appeal window)


class Action(StrEnum):
    ASSIGN = "assign"
    NOTE = "note"
    REPLY = "reply"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    REJECT = "reject"
    APPEAL = "appeal"
    CLOSE = "close"
    REOPEN = "reopen"
    DECIDE_DATA = "decide_data"


@dataclass(frozen=True)
class Transition:
    """One row of the workflow table."""

    action: Action
    label: Promise
    from_statuses: frozenset[str]
    roles: frozenset[Role]
    to_status: str | None  # None: the status does not change
    public: bool  # whether the timeline event is shown to the citizen
    sms: str | None  # the SMS template the citizen gets (to the new case for an appeal)


def _t(action, label, from_statuses, roles, to_status, public, sms) -> Transition:
    return Transition(action, label, frozenset(from_statuses), frozenset(roles), to_status, public, sms)


OPEN = (Status.NEW, Status.IN_PROGRESS)

TRANSITIONS: dict[Action, Transition] = {
    row.action: row
    for row in (
        _t(Action.ASSIGN, _("Assign"), OPEN, {Role.SUPERVISOR, Role.OFFICER}, Status.IN_PROGRESS, False, None),
        _t(Action.NOTE, _("Add an internal note"), OPEN, {Role.OFFICER}, None, False, None),
        _t(Action.REPLY, _("Reply to the citizen"), OPEN, {Role.OFFICER}, None, True, "grievance_reply"),
        _t(Action.ESCALATE, _("Escalate"), OPEN, {Role.OFFICER, Role.SUPERVISOR, Role.SYSTEM}, None, False, None),
        _t(
            Action.RESOLVE,
            _("Resolve"),
            {Status.IN_PROGRESS},
            {Role.ASSIGNEE},
            Status.RESOLVED,
            True,
            "grievance_resolved",
        ),
        _t(Action.REJECT, _("Do not take forward"), OPEN, {Role.OFFICER}, Status.CLOSED, True, "grievance_rejected"),
        _t(
            Action.APPEAL,
            _("Appeal"),
            {Status.RESOLVED, Status.CLOSED},
            {Role.CITIZEN},
            None,
            True,
            "appeal_received",
        ),
        _t(Action.CLOSE, _("Close"), {Status.RESOLVED}, {Role.SYSTEM, Role.CITIZEN}, Status.CLOSED, True, None),
        _t(
            Action.REOPEN,
            _("Reopen"),
            {Status.CLOSED},
            {Role.SUPERVISOR},
            Status.IN_PROGRESS,
            False,
            "grievance_reopened",
        ),
        # Only for data categories: an upheld correction changes the registry, an upheld erasure
        # anonymises what may be (see ``status_allows`` and ``grievances.data_requests``).
        _t(
            Action.DECIDE_DATA,
            _("Decide the data request"),
            {Status.IN_PROGRESS},
            {Role.ASSIGNEE},
            Status.RESOLVED,
            True,
            "grievance_resolved",
        ),
    )
}

# Actions that need a sentence from the actor, and what it is called on the form.
TEXT_REQUIRED: dict[Action, Promise] = {
    Action.NOTE: _("Write the note."),
    Action.REPLY: _("Write the reply."),
    Action.RESOLVE: _("Say what was decided and why."),
    Action.REOPEN: _("Say why the case is reopened."),
    Action.APPEAL: _("Say why the decision should change."),
    Action.DECIDE_DATA: _("Say what was decided and why (for an erasure: what is kept, and why)."),
}

# Outcomes an assignee may resolve with (rejection has its own action).
RESOLVE_OUTCOMES = (Grievance.Outcome.UPHELD, Grievance.Outcome.PARTLY_UPHELD, Grievance.Outcome.NOT_UPHELD)


@dataclass(frozen=True)
class SystemActor:
    """A periodic task acting on cases (the SLA sweep, closing after the appeal window)."""

    name: str = "system"


SYSTEM = SystemActor()


@dataclass(frozen=True)
class CitizenActor:
    """A citizen acting on their own case from a channel.

    They own the case when they are its complainant (``person``), use the phone that filed a
    non-anonymous case, or gave its PIN (the channel checked it and passes ``pin_checked_for``).
    """

    channel: str
    person: object | None = None
    phone: str = ""
    pin_checked_for: str = ""

    def owns(self, case: Grievance) -> bool:
        """Tell whether this citizen may act on ``case``."""
        if self.person is not None and case.complainant_id == getattr(self.person, "pk", None):
            return True
        if self.phone and not case.is_anonymous and case.contact_phone == self.phone:
            return True
        return bool(self.pin_checked_for) and self.pin_checked_for == case.reference


def is_staff_actor(actor) -> bool:
    """Tell whether ``actor`` is a staff user (rather than the system or a citizen)."""
    return not isinstance(actor, SystemActor | CitizenActor) and actor is not None


def can_see(user, case: Grievance) -> bool:
    """Tell whether a staff user may know that ``case`` exists at all."""
    return bool(getattr(user, "is_active", False)) and (
        not case.is_sensitive or user.has_perm("grievances.view_sensitive_grievance")
    )


def roles_of(actor, case: Grievance) -> set[Role]:
    """The workflow roles ``actor`` holds for ``case`` (empty when they may not see it)."""
    if isinstance(actor, SystemActor):
        return {Role.SYSTEM}
    if isinstance(actor, CitizenActor):
        return {Role.CITIZEN} if actor.owns(case) else set()
    if not is_staff_actor(actor) or not can_see(actor, case):
        return set()
    roles: set[Role] = set()
    if actor.has_perm("grievances.handle_grievance"):
        roles.add(Role.OFFICER)
        if case.assignee_id == actor.pk:
            roles.add(Role.ASSIGNEE)
    if actor.has_perm("grievances.supervise_grievances"):
        roles.add(Role.SUPERVISOR)
    if case.complainant_id and actor.has_perm("registry.act_on_behalf"):
        from grievances.caller_verification import is_verified_caller

        if is_verified_caller(actor, case.complainant):
            roles.add(Role.CITIZEN)
    return roles


def has_data_request(case: Grievance) -> bool:
    """Tell whether ``case`` carries a structured data request (what to correct, or an erasure)."""
    return DataRequest.objects.filter(grievance_id=case.pk).exists()


def status_allows(row: Transition, case: Grievance) -> bool:
    """Tell whether ``case`` is in a status (and, for appeals, an outcome) the row starts from."""
    if case.status not in row.from_statuses:
        return False
    if row.action == Action.DECIDE_DATA:
        return case.category in DATA_CATEGORIES
    if row.action == Action.RESOLVE and case.category in DATA_CATEGORIES and has_data_request(case):
        return False  # what the request asks is applied only by deciding it
    if row.action == Action.APPEAL and case.status == Status.CLOSED:
        return case.resolution_outcome == Grievance.Outcome.REJECTED
    return True


def allowed_actions(case: Grievance, actor) -> list[Transition]:
    """The rows of the table ``actor`` may take on ``case`` now, in table order."""
    roles = roles_of(actor, case)
    return [row for row in TRANSITIONS.values() if status_allows(row, case) and roles & row.roles]
