"""The case page: details, timeline, internal notes, public replies and the allowed actions as buttons.

Every view of a case is in the access log; the contact phone is masked until revealed (logged too).
Cases a member of staff may not see (sensitive ones without clearance) are a 404 everywhere.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.masking import mask_phone
from backoffice.two_factor.staff import safe_next
from grievances import workflow
from grievances.assignment import assignable_officers
from grievances.audit import log_access
from grievances.models import MAX_LEVEL, AccessLog, Category, DataRequest, Grievance
from grievances.queries import may_use_queue, visible_cases
from grievances.ratings import score_label
from grievances.services import TransitionError, transition
from registry.corrections import CORRECTABLE_FIELDS
from registry.models import Person
from registry.payments import format_amount
from registry.references import format_reference


def _visible_case_or_404(request, pk: int) -> Grievance:
    if not may_use_queue(request.user):
        raise PermissionDenied
    cases = visible_cases(request.user).select_related(
        "complainant",
        "complainant__area",
        "related_programme_application__programme",
        "related_payment__programme_application__programme",
        "appeal_of",
        "decided_by",
    )
    return get_object_or_404(cases, pk=pk)


def _render(request, case: Grievance, *, revealed: bool = False) -> TemplateResponse:
    user = request.user
    allowed = {row.action: row for row in workflow.allowed_actions(case, user)}
    if case.level >= MAX_LEVEL:
        allowed.pop(workflow.Action.ESCALATE, None)
    visible = visible_cases(user)
    phone = case.contact_phone
    payment = case.related_payment
    context = {
        "case": case,
        "payment": payment,
        "payment_amount": format_amount(payment.amount, payment.currency) if payment else "",
        "reference": format_reference(case.reference),
        "page_title": _("Case %(reference)s") % {"reference": format_reference(case.reference)},
        "header_title": _("Case %(reference)s") % {"reference": format_reference(case.reference)},
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("lango_cases:index"), "label": _("Cases")},
            {"url": "", "label": format_reference(case.reference)},
        ],
        "overdue": case.is_open and case.due_at < timezone.now(),
        "phone": phone if revealed else mask_phone(phone),
        "revealed": revealed,
        "events": _timeline(case),
        "appeals": visible.filter(appeal_of=case).order_by("created_at"),
        "appeal_of": visible.filter(pk=case.appeal_of_id).first() if case.appeal_of_id else None,
        "actions": allowed,
        "officers": assignable_officers(case) if workflow.Role.SUPERVISOR in workflow.roles_of(user, case) else [],
        "outcomes": [(o.value, o.label) for o in workflow.RESOLVE_OUTCOMES],
        "rejection_reasons": Grievance.RejectionReason.choices,
        "rating_label": score_label(case.rating),
        "correction_fields": _correction_fields(case) if workflow.Action.DECIDE_DATA in allowed else [],
    }
    return TemplateResponse(request, "backoffice/case/detail.html", context)


def _correction_fields(case: Grievance) -> list[tuple[str, str, str]]:
    """For deciding a correction: each correctable detail, its label, and the value asked for (if any)."""
    if case.category != Category.DATA_CORRECTION:
        return []
    request = DataRequest.objects.filter(grievance=case).first()
    asked = request.requested_changes if request else {}
    return [(name, str(Person._meta.get_field(name).verbose_name), asked.get(name, "")) for name in CORRECTABLE_FIELDS]


def _timeline(case: Grievance) -> list:
    """The case's events, each with a readable label and status names."""
    statuses = dict(Grievance.Status.choices)
    events = list(case.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        row = workflow.TRANSITIONS.get(event.action)
        event.label = row.label if row and event.kind != event.Kind.SMS else event.get_kind_display()
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, "")
    return events


def case_page(request, pk: int):
    """Show one case (logged as a view of it)."""
    case = _visible_case_or_404(request, pk)
    log_access(request.user, AccessLog.Action.VIEW, case, reason="case page")
    return _render(request, case)


@require_POST
def reveal_contact(request, pk: int):
    """Show the case's contact phone in full, once, and log the reveal."""
    case = _visible_case_or_404(request, pk)
    log_access(request.user, AccessLog.Action.REVEAL, case, reason="contact phone")
    return _render(request, case, revealed=True)


def _transition_data(request, action: str) -> dict:
    post = request.POST
    data = {"text": post.get("text", "")}
    if action == workflow.Action.ASSIGN:
        chosen = post.get("assignee", "")
        if chosen == "me":
            data["assignee"] = request.user
        elif chosen.isdigit():
            data["assignee"] = get_user_model().objects.filter(pk=int(chosen)).first()
        else:
            data["assignee"] = None
    elif action == workflow.Action.RESOLVE:
        data["outcome"] = post.get("outcome", "")
    elif action == workflow.Action.REJECT:
        data["reason"] = post.get("reason", "")
    elif action == workflow.Action.DECIDE_DATA:
        data["outcome"] = post.get("outcome", "")
        changes = {name: post.get(f"change_{name}", "") for name in CORRECTABLE_FIELDS if post.get(f"change_{name}")}
        data["changes"] = changes or None
    return data


@require_POST
def act(request, pk: int, action: str):
    """Take one action of the workflow on a case (the buttons of the case page post here)."""
    case = _visible_case_or_404(request, pk)
    try:
        result = transition(case, action, request.user, **_transition_data(request, action))
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        label = workflow.TRANSITIONS[workflow.Action(action)].label
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        if result.appeal is not None:
            return redirect("lango_cases:case", pk=result.appeal.pk)
    return redirect("lango_cases:case", pk=case.pk)


@require_POST
def bulk_assign(request):
    """Assign the chosen cases to one officer (or to oneself); report the ones that could not be."""
    if not request.user.has_perm("grievances.handle_grievance"):
        raise PermissionDenied
    ids = [int(value) for value in request.POST.getlist("case") if value.isdigit()]
    data = _transition_data(request, workflow.Action.ASSIGN)
    done, refused = 0, []
    for case in visible_cases(request.user).filter(pk__in=ids).order_by("due_at"):
        try:
            transition(case, workflow.Action.ASSIGN, request.user, **data)
        except TransitionError as error:
            refused.append(f"{format_reference(case.reference)}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(
            request, ngettext("%(count)d case assigned.", "%(count)d cases assigned.", done) % {"count": done}
        )
    for problem in refused:
        messages.error(request, problem)
    if not ids:
        messages.warning(request, _("Choose at least one case."))
    return redirect(safe_next(request, reverse("lango_cases:index")))
