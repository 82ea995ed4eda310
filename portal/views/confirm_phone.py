"""The page an SMS links to when a complaint filed without signing in named this phone: is it yours?

The page shows only the reference and the day it was filed — never what the complaint says, which
belongs to whoever wrote it. Nothing changes on a GET (SMS apps fetch links to preview them); the
answer is a POST.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from grievances import phone_confirmation
from portal.limits import over_limit
from portal.views.common import too_many_requests


@never_cache
def confirm_phone(request, token: str):
    """Ask the phone's owner whether the complaint is theirs; join or refuse it on their answer."""
    waiting = phone_confirmation.waiting_for(token)
    if request.method == "POST":
        if over_limit(request, "confirm_phone"):
            return too_many_requests(request)
        if waiting is None:
            raise Http404
        if request.POST.get("answer") == "yes":
            grievance = phone_confirmation.confirm(token)
            return render(request, "portal/complaints/phone_confirmed.html", {"grievance": grievance})
        phone_confirmation.decline(token)
        return render(request, "portal/complaints/phone_declined.html")
    if waiting is None:
        return render(request, "portal/complaints/phone_link_used.html", status=404)
    return render(request, "portal/complaints/confirm_phone.html", {"grievance": waiting.grievance})
