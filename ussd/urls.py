"""Africa's Talking USSD callbacks (mounted at ``/ussd/``)."""

import os

from django.urls import path

from ussd import views

app_name = "ussd"

urlpatterns = [
    path("at/<str:token>/", views.at_callback, name="at_callback"),
    path("at/<str:token>/events/", views.at_events, name="at_events"),
]

# The benchmark compares a hop with the barest Django view on the same server; never mounted otherwise.
if os.environ.get("LANGO_BENCH_BARE_VIEW") == "1":
    urlpatterns.append(path("bench/bare/", views.bench_bare, name="bench_bare"))
