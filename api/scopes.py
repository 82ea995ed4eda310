"""What a partner may be allowed to do, one scope per kind of act (OAuth 2.0 scopes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import SettingsScopes

REGISTRY_SEARCH = "registry:search"
REGISTRY_PERSONAL = "registry:personal"
REGISTRY_SUBSCRIBE = "registry:subscribe"
ENROLMENT_READ = "enrolment:read"
ENROLMENT_WRITE = "enrolment:write"
PAYMENTS_WRITE = "payments:write"

SCOPES: dict[str, str] = {
    REGISTRY_SEARCH: _("Search registrations: household, area and programme statuses, no names"),
    REGISTRY_PERSONAL: _("See names, dates of birth and phones, and search by national ID or phone"),
    REGISTRY_SUBSCRIBE: _("Be told of new and changed registrations"),
    ENROLMENT_READ: _("Ask in which programmes a person is enrolled"),
    ENROLMENT_WRITE: _("Send enrolment decisions for its programmes"),
    PAYMENTS_WRITE: _("Send payment events for its programmes"),
}


class PartnerScopes(SettingsScopes):
    """The scopes a client may ask for: those of its partner record (none for a client without one)."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        every = list(SCOPES)
        if application is None:
            return every
        partner = getattr(application, "partner", None)
        if partner is None or not partner.is_active:
            return []
        return [scope for scope in every if scope in (partner.scopes or [])]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        """With no scope asked for, a token carries every scope the partner has."""
        return self.get_available_scopes(application, request, *args, **kwargs)
