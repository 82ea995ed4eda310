"""URLs: machine endpoints without a language prefix, citizen pages under ``i18n_patterns``."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import redirect
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.views.health import healthz


def english_without_prefix(request, rest: str):
    """English pages have no language prefix: send ``/en/...`` to ``/...``."""
    return redirect("/" + rest.lstrip("/\\"), permanent=True)  # never "//host": no open redirect


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    re_path(r"^en/(?P<rest>.*)$", english_without_prefix),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sms/", include("sms.urls")),
    path("ussd/", include("ussd.urls")),
    path("api/", include("api.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("dev/", include("portal.dev_urls"))]

urlpatterns += i18n_patterns(
    path("", include("portal.citizen_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler500 = "portal.views.errors.server_error"
