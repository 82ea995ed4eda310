"""The outbox viewer: every message queued, with how it travels and what became of it (DEBUG only)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sms.models import OutboundMessage

PAGE_SIZE = 100


def outbox(request: HttpRequest) -> HttpResponse:
    """List every outbox message, newest first: status, parts, encoding, language and attempts."""
    if not settings.DEBUG:
        raise Http404
    page = Paginator(OutboundMessage.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sms/dev_outbox.html", {"page": page, "backend": settings.SMS_BACKEND})
