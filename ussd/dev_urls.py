"""Development pages of the USSD channel (mounted at ``/dev/ussd/`` only when DEBUG)."""

from django.urls import path

from ussd import dev_views

app_name = "ussd_dev"

urlpatterns = [
    path("", dev_views.simulator, name="simulator"),
]
