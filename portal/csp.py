"""Content-Security-Policy on every page, chosen by path (django-csp).

Citizen pages get ``CONTENT_SECURITY_POLICY``: nothing but this site's own files, no inline script
or style, no frames, no plugins. Under ``/admin/`` Wagtail's admin gets
``ADMIN_CONTENT_SECURITY_POLICY``, the strictest it works with (its own inline scripts and styles,
``data:`` and ``blob:`` images for uploads, same-site frames for page previews). A view may still
override either with django-csp's decorators.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def is_admin_path(path: str) -> bool:
    """Tell whether ``path`` is in the staff back-office (Wagtail's admin)."""
    return path.startswith(settings.ADMIN_CSP_PATH_PREFIX)


class PathPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy under ``/admin/`` and the citizens' everywhere else."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
