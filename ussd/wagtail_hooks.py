"""Back-office: the USSD funnel report, under Reports, for staff who may see the dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ussd.admin_views import REPORT_PERMISSION, UssdFunnelView


class FunnelMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_urls")
def register_funnel_url():
    return [path("reports/ussd-funnel/", UssdFunnelView.as_view(), name="ussd_funnel")]


@hooks.register("register_reports_menu_item")
def register_funnel_menu_item():
    return FunnelMenuItem(_("USSD funnel"), reverse("ussd_funnel"), name="ussd-funnel", icon_name="list-ol", order=1300)
