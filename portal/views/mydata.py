"""My data: everything Lango holds about the signed-in citizen, on a page and as a JSON download.

Each reading and each download is recorded (``privacy.DataCopy``).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from portal.citizens import people_of, phone_of
from portal.views.common import citizen_required
from privacy.models import DataCopy
from privacy.mydata import collect, record_copy


def _copy(request, how: str):
    people = list(people_of(request.user))
    phone = phone_of(request.user)
    language = translation.get_language()
    data = collect(people, phone, language)
    record_copy(people, phone, how, language)
    return data


@citizen_required
def my_data(request):
    """Every record held about the citizen, section by section, with how long each kind is kept."""
    return render(request, "portal/account/my_data.html", {"data": _copy(request, DataCopy.How.PAGE)})


@citizen_required
def my_data_download(request):
    """The same, as a JSON file (keys stable, labels and values in the citizen's language)."""
    data = _copy(request, DataCopy.How.DOWNLOAD)
    response = HttpResponse(data.as_json_bytes(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lango-my-data-{data.made_at:%Y%m%d}.json"'
    response["Cache-Control"] = "no-store"
    return response
