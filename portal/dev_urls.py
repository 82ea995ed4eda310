"""Development-only pages (mounted at ``/dev/`` when DEBUG): the phone simulator and the SMS outbox."""

from django.urls import include, path

urlpatterns = [
    path("sms/", include("sms.dev_urls")),
    path("ussd/", include("ussd.dev_urls")),
]
