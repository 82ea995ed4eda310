"""Columns shared by the back-office lists."""

from __future__ import annotations

from django.utils import formats, timezone
from wagtail.admin.ui.tables import Column


class DeadlineColumn(Column):
    """A deadline as a date and time an officer can read at a glance (not "in 6 days" or "just now")."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return formats.date_format(timezone.localtime(value), "j M Y, H:i")
