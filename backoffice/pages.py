"""What every back-office page shares: Wagtail's page furniture and permission checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _


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
