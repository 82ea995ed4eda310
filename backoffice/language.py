"""The back-office's language before an officer has one: the browser's, not the site's default.

The portal's URLs carry their language (``/sw/…``), so Django's ``LocaleMiddleware`` gives every
other path, ``/admin/`` included, the default language. Signed-in officers get the language of their
Wagtail profile (Wagtail switches to it in each admin view); until then, and for officers who chose
none, the sign-in and two-factor pages follow the browser's ``Accept-Language``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation


class AdminLanguageMiddleware:
    """Under the admin URL, activate the browser's language (a supported one) for the request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request):
        self.prefix = self.prefix or reverse("wagtailadmin_home")
        if request.path_info.startswith(self.prefix):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
