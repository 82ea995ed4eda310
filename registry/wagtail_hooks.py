"""Back-office screens of the registry: programmes (names in every language), areas, and applications."""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_columns import DeadlineColumn
from registry.models import AdminArea, Programme, ProgrammeApplication
from registry.references import ReferenceKind, format_reference, is_valid_reference, normalise_reference


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "list-ul"
    menu_label = _("Programmes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["__str__", "code", "is_open", "benefit_amount"]
    list_filter = ["is_open"]
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("is_open"), FieldPanel("sort_order")]),
        InlinePanel("names", label=_("Names in every language"), min_num=1),
        FieldRowPanel([FieldPanel("benefit_amount"), FieldPanel("benefit_period"), FieldPanel("decision_sla_days")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age")]),
                FieldPanel("max_monthly_income_per_person"),
                FieldPanel("requires_disability"),
                FieldPanel("requires_children_under"),
                FieldPanel("min_household_size"),
                FieldPanel("areas"),
            ],
            heading=_("Eligibility rules (advice for pre-screening only)"),
        ),
        FieldPanel("officers", permission="superuser"),
    ]


class AdminAreaViewSet(SnippetViewSet):
    model = AdminArea
    icon = "site"
    menu_label = _("Areas")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


register_snippet(ProgrammeViewSet)
register_snippet(AdminAreaViewSet)


# --- Programme officers: the applications to their programmes (back-office) ---------------------


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


class ProgrammeApplicationIndexView(IndexView):
    """Applications to the programmes the officer decides, oldest decision due first."""

    def user_has_permission(self, permission: str) -> bool:
        """Nothing is added from this list (cases and applications come from the channels)."""
        return permission != "add" and super().user_has_permission(permission)

    default_ordering = "due_at"
    filterset_class = ProgrammeApplicationFilterSet
    is_searchable = True

    def get_base_queryset(self):
        from registry.decisions import visible_programme_applications

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
        from grievances.views.applications import application_page

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", application_page, name="application"),
        ]


@hooks.register("register_admin_viewset")
def register_programme_applications():
    return ProgrammeApplicationViewSet()
