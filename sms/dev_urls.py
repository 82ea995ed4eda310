"""Development pages of the SMS channel (mounted at ``/dev/sms/`` only when DEBUG)."""

from django.urls import path

from sms import dev_views

app_name = "sms_dev"

urlpatterns = [
    path("", dev_views.outbox, name="outbox"),
]
