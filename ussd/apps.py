from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UssdConfig(AppConfig):
    name = "ussd"
    verbose_name = _("USSD")
