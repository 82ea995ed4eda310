"""The back-office's wiring into the Wagtail admin: its URLs, viewsets, snippets, menu items and home panels.

Every staff screen is registered here and nowhere else; the screens themselves live in the modules
named below, grouped by what officers do.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from backoffice import callbacks, dashboard, outbox, partners
from backoffice.applications.listing import ProgrammeApplicationViewSet
from backoffice.callcentre import privacy as callcentre_privacy
from backoffice.callcentre import views as callcentre
from backoffice.cases.queue import CaseQueueViewSet
from backoffice.home_panels import MyWorkPanel, NeedsAttentionPanel
from backoffice.menu import PermissionMenuItem
from backoffice.programmes import AdminAreaViewSet, ProgrammeViewSet
from backoffice.reports.ussd_funnel import REPORT_PERMISSION, UssdFunnelView
from backoffice.two_factor import views as two_factor

register_snippet(ProgrammeViewSet)
register_snippet(AdminAreaViewSet)


@hooks.register("register_admin_urls")
def register_back_office_urls():
    return [
        path("2fa/verify/", two_factor.verify, name="lango_2fa_verify"),
        path("2fa/enrol/", two_factor.enrol, name="lango_2fa_enrol"),
        path("2fa/enrol/<str:token>/", two_factor.enrol_link, name="lango_2fa_enrol_link"),
        path("2fa/enrolment-links/", two_factor.enrolment_links, name="lango_2fa_enrolment_links"),
        path("dashboard/", dashboard.dashboard, name="lango_dashboard"),
        path("dashboard/counts.csv", dashboard.dashboard_export, name="lango_dashboard_export"),
        path("call-backs/", callbacks.callback_queue, name="lango_callbacks"),
        path("call-backs/<int:pk>/outcome/", callbacks.record_outcome, name="lango_callback_outcome"),
        path("failed-sms/", outbox.failed_messages, name="lango_failed_sms"),
        path("failed-sms/<int:pk>/resend/", outbox.resend_message, name="lango_resend_sms"),
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
        path(
            "call-centre/<int:pk>/my-data/", callcentre_privacy.send_data_copy, name="lango_callcentre_send_data_copy"
        ),
        path(
            "call-centre/<int:pk>/consent/",
            callcentre_privacy.withdraw_caller_consent,
            name="lango_callcentre_withdraw_consent",
        ),
        path(
            "call-centre/<int:pk>/correction/",
            callcentre_privacy.request_data_correction,
            name="lango_callcentre_request_correction",
        ),
        path(
            "call-centre/<int:pk>/erasure/",
            callcentre_privacy.request_data_erasure,
            name="lango_callcentre_request_erasure",
        ),
        path("reports/ussd-funnel/", UssdFunnelView.as_view(), name="ussd_funnel"),
        path("partners/", partners.partner_list, name="lango_partners"),
        path("partners/add/", partners.partner_form, name="lango_partner_add"),
        path("partners/<int:pk>/", partners.partner_form, name="lango_partner_change"),
        path("partners/<int:pk>/secret/", partners.new_secret, name="lango_partner_secret"),
    ]


@hooks.register("register_admin_viewset")
def register_case_queue():
    return CaseQueueViewSet()


@hooks.register("register_admin_viewset")
def register_programme_applications():
    return ProgrammeApplicationViewSet()


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


@hooks.register("register_admin_menu_item")
def register_failed_sms_menu_item():
    return PermissionMenuItem(
        _("Failed SMS"),
        reverse("lango_failed_sms"),
        name="lango-failed-sms",
        icon_name="warning",
        order=117,
        permission=outbox.VIEW_PERMISSION,
    )


@hooks.register("register_settings_menu_item")
def register_partners_menu_item():
    return PermissionMenuItem(
        _("Partner systems"),
        reverse("lango_partners"),
        name="lango-partners",
        icon_name="link",
        order=900,
        permission=partners.MANAGE,
    )


@hooks.register("register_settings_menu_item")
def register_enrolment_links_menu_item():
    return PermissionMenuItem(
        _("Authenticator enrolment"),
        reverse("lango_2fa_enrolment_links"),
        name="lango-enrolment-links",
        icon_name="key",
        order=910,
        permission=two_factor.ISSUE_PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_funnel_menu_item():
    return PermissionMenuItem(
        _("USSD funnel"),
        reverse("ussd_funnel"),
        name="ussd-funnel",
        icon_name="list-ol",
        order=1300,
        permission=REPORT_PERMISSION,
    )


@hooks.register("construct_homepage_panels")
def add_needs_attention_panel(request, panels):
    panels.append(MyWorkPanel(request.user))
    if request.user.has_perm("grievances.supervise_grievances"):
        panels.append(NeedsAttentionPanel(request.user))
