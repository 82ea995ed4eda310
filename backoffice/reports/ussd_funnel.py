"""Back-office report: where people give up in USSD journeys, per screen and language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ussd.funnel import funnel_since

REPORT_PERMISSION = "grievances.view_dashboard"
PERIODS = (1, 7, 30, 90)
DEFAULT_DAYS = 30


class UssdFunnelView(WagtailAdminTemplateMixin, TemplateView):
    """For each journey and language: sessions that reached each screen and that stopped there."""

    template_name = "backoffice/reports_ussd_funnel.html"
    page_title = _("USSD: where people give up")
    header_icon = "list-ol"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            days = int(self.request.GET.get("days", DEFAULT_DAYS))
        except ValueError:
            days = DEFAULT_DAYS
        days = days if days in PERIODS else DEFAULT_DAYS
        languages = [code for code, _name in settings.LANGUAGES]
        funnels = funnel_since(timezone.now() - timedelta(days=days))
        context.update(
            {
                "days": days,
                "periods": PERIODS,
                "languages": languages,
                "funnels": [
                    {
                        "title": funnel.title,
                        "rows": [(step.screen, step.cells(languages)) for step in funnel.steps],
                    }
                    for funnel in funnels
                ],
            }
        )
        return context
