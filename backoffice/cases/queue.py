"""The case queue: a Wagtail model viewset over the cases a member of staff may see.

Filters (status, level, category, area, assignee, at risk, overdue), search by reference or phone,
sorted by due date — supervisors get escalated, overdue and at-risk cases first. Supervisors and
officers can pick several cases and assign them at once; staff allowed to export get a CSV of the
filtered queue (no personal data in it), and every export is in the access log.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect

from backoffice.columns import DeadlineColumn
from backoffice.pages import AccessLoggedListMixin
from grievances.assignment import assignable_officers
from grievances.audit import log_access
from grievances.models import MAX_LEVEL, SENSITIVE_CATEGORIES, AccessLog, Category, Grievance
from grievances.queries import attention_first, is_cleared_for_sensitive, overdue_q, search_cases, visible_cases
from registry.models import AdminArea
from registry.references import format_reference

OPEN = "open"
ALL = "all"


class CaseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (received or being looked into)")), *Grievance.Status.choices, (ALL, _("All"))],
        empty_label=None,
        method="filter_status",
        widget=forms.RadioSelect,
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=[(n, str(n)) for n in range(1, MAX_LEVEL + 1)], widget=forms.RadioSelect
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    area = django_filters.ModelChoiceFilter(label=_("Area"), queryset=AdminArea.objects.all(), method="filter_area")
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=lambda request: assignable_officers(), null_label=_("Nobody")
    )
    at_risk = django_filters.BooleanFilter(label=_("At risk"), widget=BooleanRadioSelect)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=BooleanRadioSelect)

    class Meta:
        model = Grievance
        fields = ["status", "level", "category", "area", "assignee", "at_risk", "overdue"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and not is_cleared_for_sensitive(user):
            self.filters["category"].extra["choices"] = [
                (value, label) for value, label in Category.choices if value not in SENSITIVE_CATEGORIES
            ]

    def filter_status(self, queryset, name, value):
        if value == ALL:
            return queryset
        if value in Grievance.Status.values:
            return queryset.filter(status=value)
        return queryset.filter(status__in=Grievance.OPEN_STATUSES)

    def filter_area(self, queryset, name, value):
        return queryset.filter(Q(area=value) | Q(area__parent=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class CheckboxColumn(Column):
    """A checkbox per row, bound to the bulk-assignment form below the listing (no JavaScript needed)."""

    cell_template_name = "backoffice/queue/checkbox_cell.html"


class FlagsColumn(Column):
    """Escalated, overdue and at-risk tags."""

    cell_template_name = "backoffice/queue/flags_cell.html"

    def get_value(self, instance):
        flags = []
        if instance.is_open and instance.escalated_at:
            flags.append(_("Escalated"))
        if instance.is_open and instance.due_at < timezone.now():
            flags.append(_("Overdue"))
        if instance.is_open and instance.at_risk:
            flags.append(_("At risk"))
        return flags


class CaseQueueView(AccessLoggedListMixin, IndexView):
    """The queue: the cases a member of staff may see, filtered, searched and sorted by due date.

    Each read of the list (the page, or its results refreshed by the filters) is one access-log row.
    """

    access_log_object_type = "grievances.grievance"
    access_log_reason = "case queue"

    def user_has_permission(self, permission: str) -> bool:
        """Nothing is added from this list (cases and applications come from the channels)."""
        return permission != "add" and super().user_has_permission(permission)

    template_name = "backoffice/queue/index.html"
    default_ordering = "due_at"
    filterset_class = CaseFilterSet
    is_searchable = True
    list_export = [
        "reference",
        "kind",
        "category",
        "status",
        "level",
        "area",
        "assignee",
        "channel",
        "created_at",
        "due_at",
        "at_risk",
        "escalated_at",
        "resolution_outcome",
        "resolved_at",
        "closed_at",
    ]
    export_filename = "cases"

    def dispatch(self, request, *args, **kwargs):
        if self.is_export and not request.user.has_perm("grievances.export_grievances"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return visible_cases(self.request.user)

    def filter_queryset(self, queryset):
        if "status" not in self.request.GET:
            queryset = queryset.filter(status__in=Grievance.OPEN_STATUSES)
        return super().filter_queryset(queryset)

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return search_cases(queryset, self.search_query)

    @cached_property
    def is_supervisor(self) -> bool:
        return self.request.user.has_perm("grievances.supervise_grievances")

    def order_queryset(self, queryset):
        if self.is_supervisor and not self.is_explicitly_ordered:
            return attention_first(queryset)
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor=lambda case: format_reference(case.reference),
                get_url=lambda case: reverse("lango_cases:case", args=(case.pk,)),
                sort_key="reference",
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("category", label=_("Category"), accessor="get_category_display", sort_key="category"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("level", label=_("Level"), sort_key="level"),
            Column("area", label=_("Area"), accessor="area"),
            Column("assignee", label=_("Assigned to"), accessor="assignee"),
            DeadlineColumn("due_at", label=_("Due"), sort_key="due_at"),
            FlagsColumn("flags", label=_("Needs attention")),
        ]
        if self.request.user.has_perm("grievances.handle_grievance"):
            columns.insert(0, CheckboxColumn("select", label=_("Select")))
        return columns

    @cached_property
    def show_export_buttons(self):
        return self.request.user.has_perm("grievances.export_grievances")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        log_access(
            self.request.user,
            AccessLog.Action.EXPORT,
            object_type="grievances.grievance",
            object_id=spreadsheet_format,
            reason=f"{queryset.count()} case(s); {self.request.GET.urlencode()}"[:200],
            records=queryset.count(),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        user = self.request.user
        context["can_bulk_assign"] = user.has_perm("grievances.handle_grievance")
        context["can_assign_others"] = self.is_supervisor
        context["officers"] = assignable_officers() if self.is_supervisor else []
        context["bulk_assign_url"] = reverse("lango_cases:bulk_assign")
        return context


class CaseQueueViewSet(ModelViewSet):
    """The queue and the case pages, under ``/admin/cases/``."""

    model = Grievance
    name = "lango_cases"
    url_prefix = "cases"
    icon = "tasks"
    menu_label = _("Cases")
    menu_order = 100
    add_to_admin_menu = True
    index_view_class = CaseQueueView
    list_per_page = 50
    ordering = "due_at"
    copy_view_enabled = False
    add_to_reference_index = False

    @property
    def url_finder_class(self):
        return type("CaseURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("case")})

    def get_urlpatterns(self):
        from backoffice.cases import case

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", case.case_page, name="case"),
            path("<int:pk>/act/<str:action>/", case.act, name="act"),
            path("<int:pk>/reveal/", case.reveal_contact, name="reveal"),
            path("assign/", case.bulk_assign, name="bulk_assign"),
        ]
