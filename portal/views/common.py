"""What citizen views share: the sign-in guard, the "too many tries" page, one-use form tokens."""

from __future__ import annotations

import uuid
from functools import wraps
from urllib.parse import urlencode

from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.citizens import is_citizen
from portal.limits import limits_unavailable

FORM_TOKEN_SALT = "portal.form-token"  # noqa: S105 - a signing namespace, not a secret
FORM_TOKEN_MAX_AGE = 24 * 60 * 60


def sign_in_url(next_url: str) -> str:
    """The sign-in page, coming back to ``next_url`` afterwards."""
    return f"{reverse('portal:sign_in')}?{urlencode({'next': next_url})}"


def citizen_required(view):
    """Send visitors who have not signed in with their phone to the sign-in page first."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_citizen(request):
            return redirect(sign_in_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return guarded


def too_many_requests(request):
    """The page shown when a rate limit says stop: nothing was done, nothing was sent.

    When the limit could not be counted (the cache is down and the limit fails closed), the page
    says so and asks the person to try again in a few minutes (503 with ``Retry-After``).
    """
    if limits_unavailable(request):
        response = render(request, "portal/try_again_soon.html", status=503)
        response["Retry-After"] = "120"
        return response
    return render(request, "portal/too_many.html", status=429)


def new_form_token(purpose: str) -> str:
    """A signed, random token that a form posts back; it makes a second submission a no-op."""
    return signing.dumps({"p": purpose, "k": uuid.uuid4().hex}, salt=FORM_TOKEN_SALT)


def idempotency_key_from(token: str, purpose: str) -> str | None:
    """The idempotency key inside a form token we issued for ``purpose`` (``None`` if forged or stale)."""
    try:
        data = signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose or not data.get("k"):
        return None
    return f"web-{purpose}-{data['k']}"
