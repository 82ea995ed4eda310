"""The partner API as a Django app: its partner, subscription and callback records."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from api import tasks

        tasks.connect()
