"""Panels on the back-office home page: each member of staff sees their own work, with counts.

Case counts come from ``visible_cases`` only, so a sensitive case (fraud, sexual exploitation,
misconduct) is never counted for staff not cleared for it; application counts from
``visible_programme_applications`` (the programmes the officer decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from laces.components import Component

from grievances.models import CallbackRequest, Grievance
from grievances.queries import may_use_queue, overdue_q, seal_sensitive, visible_cases
from grievances.services import CALLBACK_PROMISE_HOURS
from registry.decisions import visible_programme_applications
from registry.models import Programme, ProgrammeApplication
from ussd.models import UssdSessionSummary

# "Due soon" on the home page: due within this time (and not yet overdue).
DUE_SOON = timedelta(days=2)
AWAITING_DECISION = (ProgrammeApplication.Status.SUBMITTED, ProgrammeApplication.Status.UNDER_REVIEW)


@dataclass(frozen=True)
class WorkItem:
    """One line of the home page: what it is, how many, and the list that shows them."""

    label: str
    count: int
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class WorkSection:
    """A heading and its lines (cases, applications, call-backs, reports)."""

    key: str
    heading: str
    items: list[WorkItem]


def _url(name: str, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def case_work(user, now) -> WorkSection | None:
    """The cases of a case worker: theirs (open, due soon, overdue) and the open ones nobody has."""
    if not may_use_queue(user):
        return None
    open_cases = visible_cases(user).filter(status__in=Grievance.OPEN_STATUSES)
    mine = open_cases.filter(assignee=user)
    due_soon = Q(due_at__gte=now, due_at__lt=now + DUE_SOON)
    queue = "lango_cases:index"
    items = [
        WorkItem(_("My open cases"), mine.count(), _url(queue, assignee=user.pk)),
        WorkItem(_("My cases due in the next two days"), mine.filter(due_soon).count(), _url(queue, assignee=user.pk)),
        WorkItem(
            _("My overdue cases"),
            mine.filter(overdue_q(now)).count(),
            _url(queue, assignee=user.pk, overdue="true"),
            urgent=True,
        ),
        WorkItem(
            _("Open cases nobody is working on"), open_cases.filter(assignee=None).count(), _url(queue, assignee="null")
        ),
    ]
    return WorkSection("cases", _("Complaints"), items)


def application_work(user, now) -> WorkSection | None:
    """The applications waiting for the decision of a programme officer."""
    if not user.has_perm("registry.decide_programmeapplication"):
        return None
    waiting = visible_programme_applications(user).filter(status__in=AWAITING_DECISION)
    listing = "lango_applications:index"
    items = [
        WorkItem(_("Applications awaiting my decision"), waiting.count(), _url(listing)),
        WorkItem(
            _("Decisions due in the next two days"),
            waiting.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).count(),
            _url(listing),
        ),
        WorkItem(_("Decisions overdue"), waiting.filter(due_at__lt=now).count(), _url(listing), urgent=True),
    ]
    return WorkSection("applications", _("Applications"), items)


def callback_work(user, now) -> WorkSection | None:
    """Call-backs waiting, and those waiting longer than the promise made to the caller."""
    if not user.has_perm("grievances.view_callbackrequest"):
        return None
    pending = CallbackRequest.objects.filter(status=CallbackRequest.Status.PENDING)
    late = pending.filter(created_at__lt=now - timedelta(hours=CALLBACK_PROMISE_HOURS))
    listing = "lango_callbacks"
    items = [
        WorkItem(_("Call-backs waiting"), pending.count(), _url(listing)),
        WorkItem(_("Call-backs past the promised time"), late.count(), _url(listing), urgent=True),
    ]
    return WorkSection("call-backs", _("Call-backs"), items)


def report_work(user, now) -> WorkSection | None:
    """For staff who read the figures: complaints received and USSD sessions lately, and where the reports are.

    The complaints counted leave out sensitive ones unless the user is cleared for them.
    """
    if not user.has_perm("grievances.view_dashboard"):
        return None
    received = seal_sensitive(Grievance.objects.filter(created_at__gte=now - timedelta(days=30)), user)
    sessions = UssdSessionSummary.objects.filter(ended_at__gte=now - timedelta(days=7))
    items = [
        WorkItem(_("Complaints received in the last 30 days"), received.count(), _url("lango_dashboard")),
        WorkItem(_("USSD sessions in the last 7 days"), sessions.count(), _url("ussd_funnel")),
    ]
    return WorkSection("figures", _("Figures"), items)


def content_work(user, now) -> WorkSection | None:
    """For content editors: the programmes (names and rules) and the pages in each language."""
    if not user.has_perm("registry.change_programme"):
        return None
    from wagtail.models import Page

    items = [
        WorkItem(_("Programmes"), Programme.objects.count(), reverse("wagtailsnippets_registry_programme:list")),
        WorkItem(_("Pages"), Page.objects.filter(depth__gte=2).count(), reverse("wagtailadmin_explore_root")),
    ]
    return WorkSection("content", _("Content"), items)


def work_sections(user, now=None) -> list[WorkSection]:
    """Every section of the home page ``user`` has work in, in a fixed order."""
    now = now or timezone.now()
    sections = (case_work, application_work, callback_work, report_work, content_work)
    return [section for build in sections if (section := build(user, now)) is not None]


class MyWorkPanel(Component):
    """At the top of the home page: the member of staff's own work, with counts, linked to its lists."""

    name = "lango_my_work"
    template_name = "backoffice/home_my_work.html"
    order = 10

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {"sections": work_sections(self.user)}


class NeedsAttentionPanel(Component):
    """On the admin home page: escalated, overdue and at-risk cases this member of staff may see."""

    name = "lango_needs_attention"
    template_name = "backoffice/home_attention.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        cases = visible_cases(self.user).filter(status__in=Grievance.OPEN_STATUSES)
        return {
            "escalated": cases.filter(escalated_at__gte=timezone.now() - timedelta(days=1)).count(),
            "overdue": cases.filter(overdue_q()).count(),
            "at_risk": cases.filter(at_risk=True).count(),
            "queue_url": reverse("lango_cases:index"),
        }
