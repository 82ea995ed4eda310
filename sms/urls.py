"""Africa's Talking SMS callbacks (mounted at ``/sms/``); the secret token is part of the path."""

from django.urls import path

from sms import views

app_name = "sms"

urlpatterns = [
    path("at/<str:token>/inbound/", views.inbound, name="inbound"),
    path("at/<str:token>/delivery/", views.delivery_report, name="delivery"),
]
