"""The back-office as a Django app: it owns no models; after ``migrate`` it brings the staff role groups in line."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Back-office")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="backoffice-sync-roles")


def _sync_roles(sender, apps=None, verbosity=0, **kwargs) -> None:
    """After ``migrate``: the staff role groups hold exactly what ``backoffice.roles`` says."""
    from backoffice.roles import sync_role_groups

    sync_role_groups(apps, verbosity=verbosity)
