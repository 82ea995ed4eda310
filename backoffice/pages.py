"""What every back-office page shares: Wagtail's page furniture and permission checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from grievances.audit import log_access
from grievances.models import AccessLog


def require_permission(user, *permissions: str) -> None:
    """Refuse (403) unless ``user`` holds every one of ``permissions``."""
    if not all(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def admin_page(request, template: str, title: str, context: dict, *, trail: list[tuple[str, str]] = ()):
    """Render a back-office page with Wagtail's header and breadcrumbs (``trail``: (url, label) pairs)."""
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    crumbs += [{"url": url, "label": label} for url, label in trail]
    crumbs.append({"url": "", "label": title})
    return TemplateResponse(
        request, template, {"page_title": title, "header_title": title, "breadcrumbs_items": crumbs, **context}
    )


class AccessLoggedListMixin:
    """For a Wagtail listing of personal data: each read of the list is one access-log row.

    One row per page shown (not one per record), with how many records it showed and its filters;
    a search is logged as ``search``. Exports are logged by the views themselves.
    """

    access_log_object_type = ""
    access_log_reason = ""

    def render_to_response(self, context, **response_kwargs):
        if not getattr(self, "is_export", False):
            shown = context.get("object_list")
            searching = bool(getattr(self, "is_searching", False))
            filters = "&".join(sorted(key for key in self.request.GET if key not in ("p", "q")))
            log_access(
                self.request.user,
                AccessLog.Action.VIEW,
                object_type=self.access_log_object_type,
                object_id="search" if searching else "list",
                reason=f"{self.access_log_reason}; filters: {filters or 'none'}",
                records=len(shown) if shown is not None else None,
            )
        return super().render_to_response(context, **response_kwargs)
