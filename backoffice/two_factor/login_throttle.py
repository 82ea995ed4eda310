"""Password guessing on the staff sign-in page is throttled per account and per address (django-axes).

Only Wagtail's sign-in page (``wagtailadmin_login``) counts: every other request — the citizens'
phone sign-in, the partner API, any test client's ``force_login`` — is outside Axes, neither
counted nor locked, and no record of it is kept.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.urls import reverse


def is_staff_sign_in(request) -> bool:
    """Tell whether ``request`` is a post or visit to the staff sign-in page."""
    return request is not None and getattr(request, "path_info", None) == reverse("wagtailadmin_login")


class StaffSignInHandler(AxesDatabaseHandler):
    """Axes' database handler, limited to the staff sign-in page."""

    def is_whitelisted(self, request, credentials: dict | None = None) -> bool:
        return not is_staff_sign_in(request) or super().is_whitelisted(request, credentials)

    def user_logged_in(self, sender, request, user, **kwargs):
        if is_staff_sign_in(request):
            return super().user_logged_in(sender, request, user, **kwargs)
        return None

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and getattr(request, "path_info", "").startswith(reverse("wagtailadmin_home")):
            return super().user_logged_out(sender, request, user, **kwargs)
        return None
