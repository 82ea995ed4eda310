"""The back-office in the Wagtail admin: two-factor pages, the case queue, call-centre, call-backs, dashboard."""

from __future__ import annotations

from datetime import timedelta

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from grievances.models import Grievance
from grievances.queries import overdue_q, visible_cases
from grievances.views import callbacks, callcentre, dashboard, two_factor
from grievances.views.queue import CaseQueueViewSet


@hooks.register("register_admin_urls")
def register_back_office_urls():
    return [
        path("2fa/verify/", two_factor.verify, name="lango_2fa_verify"),
        path("2fa/enrol/", two_factor.enrol, name="lango_2fa_enrol"),
        path("dashboard/", dashboard.dashboard, name="lango_dashboard"),
        path("dashboard/counts.csv", dashboard.dashboard_export, name="lango_dashboard_export"),
        path("call-backs/", callbacks.callback_queue, name="lango_callbacks"),
        path("call-backs/<int:pk>/outcome/", callbacks.record_outcome, name="lango_callback_outcome"),
        path("call-centre/", callcentre.find, name="lango_callcentre"),
        path("call-centre/apply/", callcentre.apply, name="lango_callcentre_apply"),
        path("call-centre/complaint/", callcentre.complaint, name="lango_callcentre_complaint"),
        path("call-centre/call-back/", callcentre.callback, name="lango_callcentre_callback"),
        path("call-centre/<int:pk>/", callcentre.caller, name="lango_callcentre_caller"),
        path("call-centre/<int:pk>/verify/", callcentre.verify, name="lango_callcentre_verify"),
        path("call-centre/<int:pk>/apply/", callcentre.apply, name="lango_callcentre_apply_for"),
        path("call-centre/<int:pk>/complaint/", callcentre.complaint, name="lango_callcentre_complaint_for"),
        path("call-centre/<int:pk>/call-back/", callcentre.callback, name="lango_callcentre_callback_for"),
        path(
            "call-centre/<int:pk>/appeal/application/<int:pa_pk>/",
            callcentre.appeal_application,
            name="lango_callcentre_appeal_application",
        ),
        path(
            "call-centre/<int:pk>/appeal/case/<int:case_pk>/",
            callcentre.appeal_case,
            name="lango_callcentre_appeal_case",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_case_queue():
    return CaseQueueViewSet()


class PermissionMenuItem(MenuItem):
    """A menu item shown only to staff holding a permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return PermissionMenuItem(
        _("Dashboard"),
        reverse("lango_dashboard"),
        name="lango-dashboard",
        icon_name="table",
        order=105,
        permission="grievances.view_dashboard",
    )


@hooks.register("register_admin_menu_item")
def register_call_centre_menu_item():
    return PermissionMenuItem(
        _("Call centre"),
        reverse("lango_callcentre"),
        name="lango-call-centre",
        icon_name="user",
        order=110,
        permission="registry.act_on_behalf",
    )


@hooks.register("register_admin_menu_item")
def register_callbacks_menu_item():
    return PermissionMenuItem(
        _("Call-backs"),
        reverse("lango_callbacks"),
        name="lango-call-backs",
        icon_name="mail",
        order=115,
        permission="grievances.view_callbackrequest",
    )


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


@hooks.register("construct_homepage_panels")
def add_needs_attention_panel(request, panels):
    if request.user.has_perm("grievances.supervise_grievances"):
        panels.append(NeedsAttentionPanel(request.user))
