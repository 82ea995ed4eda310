"""Who a case may be assigned to: officers who may see it, never the person whose decision is contested."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance


def users_with_permission(app_label: str, codename: str) -> QuerySet:
    """Active users holding a permission directly, through a group, or as superusers."""
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    users = get_user_model().objects.filter(is_active=True)
    if permission is None:
        return users.filter(is_superuser=True)
    return users.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
    ).distinct()


def assignable_officers(case: Grievance | None = None) -> QuerySet:
    """Officers a case may be assigned to (for a sensitive case, only those cleared for it)."""
    officers = users_with_permission("grievances", "handle_grievance")
    if case is not None:
        if case.is_sensitive:
            cleared = users_with_permission("grievances", "view_sensitive_grievance")
            officers = officers.filter(pk__in=cleared.values("pk"))
        if case.excluded_assignee_id:
            officers = officers.exclude(pk=case.excluded_assignee_id)
    return officers.order_by("first_name", "last_name", "username")


def assignment_problem(case: Grievance, assignee, *, actor, may_assign_others: bool) -> str | None:
    """Why ``assignee`` may not take ``case`` (a message for the officer), or ``None`` when they may."""
    if assignee is None or not getattr(assignee, "is_active", False):
        return _("Choose an officer to assign the case to.")
    if not may_assign_others and assignee.pk != getattr(actor, "pk", None):
        return _("You can only assign a case to yourself.")
    if not assignee.has_perm("grievances.handle_grievance"):
        return _("That person does not work on cases.")
    if case.excluded_assignee_id and assignee.pk == case.excluded_assignee_id:
        return _("This appeal cannot go to the person who made the decision it contests.")
    if case.is_sensitive and not assignee.has_perm("grievances.view_sensitive_grievance"):
        return _("This case can only go to an officer cleared for sensitive cases.")
    return None
