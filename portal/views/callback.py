"""Ask for a call back: a person at the call centre rings the number given."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import translation

from grievances.notifications import callback_confirmed
from grievances.services import CALLBACK_PROMISE_HOURS, GrievanceError, request_callback
from portal.citizens import is_citizen, people_of, phone_of
from portal.forms.complaints import CallbackForm
from portal.limits import over_limit, phone_from_post
from portal.views.common import too_many_requests


def call_me_back(request):
    """Take the number, the reason and a time of day; confirm by SMS; say when to expect the call.

    Never whether a call back was already asked for that number.
    """
    citizen = is_citizen(request)
    form = CallbackForm(
        request.POST if request.method == "POST" else None, initial={"phone": phone_of(request.user) if citizen else ""}
    )
    if request.method == "POST":
        if over_limit(request, "callback", phone_from_post(request)):
            return too_many_requests(request)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            person = people_of(request.user).filter(phone=phone).first() if citizen else None
            try:
                callback, created = request_callback(
                    phone=phone,
                    reason=form.cleaned_data["reason"],
                    preferred_time=form.cleaned_data["preferred_time"],
                    channel="web",
                    language=translation.get_language(),
                    person=person,
                )
            except GrievanceError as exc:
                form.add_error(None, exc.messages[0])
            else:
                if created:
                    # The number's owner learns a call is coming (once: a number already waiting gets
                    # nothing new, and the page below is the same either way).
                    callback_confirmed(callback, CALLBACK_PROMISE_HOURS)
                # The same page whether or not the number was already waiting: anyone may type any
                # number here, and the answer must not tell them about someone else's call back.
                return render(request, "portal/callback/done.html", {"hours": CALLBACK_PROMISE_HOURS})
    return render(request, "portal/callback/form.html", {"form": form})
