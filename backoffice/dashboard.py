"""The grievance dashboard: volumes, SLA compliance, time to resolve, overdue cases, weekly trend."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from backoffice.charts import Series, grouped_bars_svg
from backoffice.pages import admin_page, require_permission
from grievances.audit import log_access
from grievances.models import AccessLog
from grievances.queries import may_use_queue
from grievances.stats import WINDOW_DAYS, dashboard_figures
from sms.ceiling import tripped_alert


def dashboard(request):
    """Show the dashboard (view_dashboard permission); no JavaScript needed."""
    require_permission(request.user, "grievances.view_dashboard")
    figures = dashboard_figures(request.user)
    chart = grouped_bars_svg(
        _("Cases received and resolved per week"),
        [week.week.strftime("%d/%m") for week in figures.weeks],
        [
            Series(_("Received"), [week.received for week in figures.weeks]),
            Series(_("Resolved"), [week.resolved for week in figures.weeks]),
        ],
    )
    context = {
        "figures": figures,
        "chart": mark_safe(chart),  # noqa: S308 - built from escaped text by grouped_bars_svg
        "window_days": WINDOW_DAYS,
        "can_open_cases": may_use_queue(request.user),
        # Supervisors are told when the hourly ceiling on sign-in SMS refused codes (issue 13).
        "sign_in_ceiling": tripped_alert() if request.user.has_perm("grievances.supervise_grievances") else None,
    }
    return admin_page(request, "backoffice/dashboard.html", _("Grievance dashboard"), context)


def dashboard_export(request):
    """Download the dashboard's counts as CSV (aggregates only; logged as an export)."""
    require_permission(request.user, "grievances.view_dashboard")
    figures = dashboard_figures(request.user)
    log_access(
        request.user, AccessLog.Action.EXPORT, object_type="grievances.dashboard", object_id="csv", reason="counts"
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="grievance-counts.csv"'
    writer = csv.writer(response)
    writer.writerow(["section", "item", "count"])
    for section, rows in (
        ("status", figures.by_status),
        ("category", figures.by_category),
        ("region", figures.by_area),
    ):
        for item, count in rows:
            writer.writerow([section, item, count])
    for week in figures.weeks:
        writer.writerow(["received_week", week.week.isoformat(), week.received])
        writer.writerow(["resolved_week", week.week.isoformat(), week.resolved])
    writer.writerow(["sla", "decided", figures.decided])
    writer.writerow(["sla", "decided_on_time", figures.decided_on_time])
    writer.writerow(["overdue", "open_cases_overdue", figures.overdue_total])
    return response
