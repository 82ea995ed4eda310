"""Programmes (names in every language, eligibility rules) and areas, edited as Wagtail snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from registry.models import AdminArea, Programme


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
