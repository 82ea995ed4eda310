"""Programme officers' list of the applications to their programmes, under ``/admin/applications/``."""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from backoffice.applications.views import application_page
from backoffice.columns import DeadlineColumn
from backoffice.pages import AccessLoggedListMixin
from registry.decisions import visible_programme_applications
from registry.models import Programme, ProgrammeApplication
from registry.references import ReferenceKind, format_reference, is_valid_reference, normalise_reference


class ProgrammeApplicationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProgrammeApplication.Status.choices)
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.all())

    class Meta:
        model = ProgrammeApplication
        fields = ["status", "programme"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and not user.is_superuser:
            self.filters["programme"].queryset = Programme.objects.filter(officers=user)


class ProgrammeApplicationIndexView(AccessLoggedListMixin, IndexView):
    """Applications to the programmes the officer decides, oldest decision due first (each read logged)."""

    access_log_object_type = "registry.programmeapplication"
    access_log_reason = "applications list"

    def user_has_permission(self, permission: str) -> bool:
        """Nothing is added from this list (cases and applications come from the channels)."""
        return permission != "add" and super().user_has_permission(permission)

    default_ordering = "due_at"
    filterset_class = ProgrammeApplicationFilterSet
    is_searchable = True

    def get_base_queryset(self):
        return visible_programme_applications(self.request.user).select_related("application", "programme")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        reference = normalise_reference(self.search_query)
        if not is_valid_reference(reference, ReferenceKind.APPLICATION):
            return queryset.none()
        return queryset.filter(application__reference=reference)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor=lambda pa: format_reference(pa.application.reference),
                get_url=lambda pa: reverse("lango_applications:application", args=(pa.pk,)),
            ),
            Column("programme", label=_("Programme"), accessor="programme"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("prescreen", label=_("Pre-screen advice"), accessor="get_prescreen_display"),
            DateColumn("submitted", label=_("Received"), accessor="application.submitted_at"),
            DeadlineColumn("due_at", label=_("Decision due"), sort_key="due_at"),
        ]


class ProgrammeApplicationViewSet(ModelViewSet):
    """What programme officers see under ``/admin/applications/``: a list and a page per application."""

    model = ProgrammeApplication
    name = "lango_applications"
    url_prefix = "applications"
    icon = "form"
    menu_label = _("Applications")
    menu_order = 120
    add_to_admin_menu = True
    index_view_class = ProgrammeApplicationIndexView
    list_per_page = 50
    copy_view_enabled = False
    add_to_reference_index = False

    @property
    def url_finder_class(self):
        return type("ApplicationURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("application")})

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", application_page, name="application"),
        ]
