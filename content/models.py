"""Wagtail pages: home, programme index, programme pages and standard pages (FAQ, about, privacy).

Every page is translatable (``WAGTAIL_I18N_ENABLED``): each language has its own copy of the tree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class HomePage(Page):
    """The front door: what Lango is and the things a person can do here."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["content.ProgrammeIndexPage", "content.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class ProgrammeIndexPage(Page):
    """The list of programmes."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ProgrammePage"]

    class Meta:
        verbose_name = _("programme index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programme_pages"] = (
            ProgrammePage.objects.child_of(self).live().select_related("programme").order_by("programme__sort_order")
        )
        return context


class ProgrammePage(Page):
    """A programme described for citizens, linked to the programme it describes."""

    programme = models.ForeignKey(
        "registry.Programme", on_delete=models.PROTECT, related_name="pages", verbose_name=_("programme")
    )
    summary = models.TextField(_("summary"), blank=True)
    who_can_apply = RichTextField(_("who can apply"), blank=True, features=RICH_FEATURES)
    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("programme"),
        FieldPanel("summary"),
        FieldPanel("who_can_apply"),
        FieldPanel("body"),
    ]
    parent_page_types = ["content.ProgrammeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("programme page")


class StandardPage(Page):
    """A plain page: frequently asked questions, about us, the privacy notice."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["content.HomePage", "content.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
