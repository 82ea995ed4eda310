"""Public statistics and open data: read from the latest snapshot only, never from the case table.

``/stats/`` shows the last 12 months and ``/stats/year/`` this year; ``/stats/data/`` lists the
same tables as CSV and JSON files, with the data dictionary and the licence. No sign-in, no
JavaScript; the page body is cached per snapshot and language.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grievances.disclosure import rules_from_settings
from grievances.models import Category
from grievances.public_stats import latest_snapshot
from grievances.public_tables import CURRENT_YEAR, LAST_12_MONTHS, TABLES
from portal.stats_page import StatsPage

CACHE_SECONDS = 60 * 60


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _licence() -> dict:
    return {"name": settings.STATS_DATA_LICENCE, "url": settings.STATS_DATA_LICENCE_URL}


def statistics(request, period: str = LAST_12_MONTHS):
    """The statistics page of one period, from the newest snapshot (or a note that none exists yet)."""
    snapshot = latest_snapshot()
    context = {
        "snapshot": snapshot,
        "period": period,
        "periods": [
            (LAST_12_MONTHS, _("The last 12 months"), reverse("portal:stats")),
            (CURRENT_YEAR, _("This year"), reverse("portal:stats_year")),
        ],
        "licence": _licence(),
        "publisher": settings.STATS_PUBLISHER,
    }
    if snapshot is not None:
        context.update(
            made_at=parse_datetime(snapshot.data["made_at"]),
            figures_to=snapshot.figures_to,
            rules=snapshot.data["rules"],
            below=snapshot.data["rules"]["threshold"] - 1,
            page=StatsPage(snapshot.data, period),
        )
    return _public(render(request, "portal/stats/page.html", context))


def open_data(request):
    """The open data: every table as CSV and JSON, what each column means, and the licence."""
    snapshot = latest_snapshot()
    rules = rules_from_settings()
    files = [
        {
            "table": table,
            "csv": reverse("portal:stats_data_file", args=[table.name, "csv"]),
            "json": reverse("portal:stats_data_file", args=[table.name, "json"]),
        }
        for table in TABLES.values()
    ]
    regions = []
    if snapshot is not None:
        language = request.LANGUAGE_CODE
        regions = [(code, names.get(language) or names.get("en")) for code, names in snapshot.data["regions"].items()]
    context = {
        "snapshot": snapshot,
        "files": files,
        "regions": regions,
        "licence": _licence(),
        "publisher": settings.STATS_PUBLISHER,
        "everything": reverse("portal:stats_data_file", args=["all", "json"]),
        "categories": Category.choices,
        "threshold": rules.threshold,
        "below": rules.threshold - 1,
        "base": rules.rate_min_base,
    }
    return _public(render(request, "portal/stats/data.html", context))


def _with_licence(response: HttpResponse) -> HttpResponse:
    response["Link"] = f'<{settings.STATS_DATA_LICENCE_URL}>; rel="license"'
    return _public(response)


def data_file(request, name: str, fmt: str):
    """One table (or, as ``all.json``, every table) as CSV or JSON, with the same suppression as the page."""
    snapshot = latest_snapshot()
    if snapshot is None or (name not in TABLES and not (name == "all" and fmt == "json")):
        raise Http404("No such table.")
    data = snapshot.data
    about = {
        "publisher": settings.STATS_PUBLISHER,
        "licence": _licence(),
        "made_at": data["made_at"],
        "figures_to": data["figures_to"],
        "rules": data["rules"],
        "periods": data["periods"],
    }
    if name == "all":
        body = {**about, "regions": data["regions"], "tables": data["tables"]}
        return _with_licence(JsonResponse(body, json_dumps_params={"ensure_ascii": False}))
    table = TABLES[name]
    rows = data["tables"][name]
    if fmt == "json":
        body = {**about, "table": name, "columns": table.field_names(), "rows": rows}
        return _with_licence(JsonResponse(body, json_dumps_params={"ensure_ascii": False}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.field_names(), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return _with_licence(response)


KINDS = {"key": "string", "count": "integer", "percent": "integer", "days": "number", "average": "number"}


def datapackage(request):
    """The data dictionary as a Frictionless Data Package descriptor: every file, column and licence."""
    snapshot = latest_snapshot()
    rules = rules_from_settings()
    resources = []
    for table in TABLES.values():
        fields = []
        for column in (*table.keys, *table.columns):
            fields.append({"name": column.name, "type": KINDS[column.kind], "description": str(column.description)})
            if column.kind == "count":
                fields.append(
                    {
                        "name": f"{column.name}_note",
                        "type": "string",
                        "description": _(
                            "Empty when the count is published; <%(threshold)s or withheld when it is not."
                        )
                        % {"threshold": rules.threshold},
                    }
                )
        resources.append(
            {
                "name": table.name,
                "title": str(table.title),
                "path": request.build_absolute_uri(reverse("portal:stats_data_file", args=[table.name, "csv"])),
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"fields": fields, "missingValues": [""]},
            }
        )
    body = {
        "name": "lango-grievance-statistics",
        "title": _("Complaints in numbers"),
        "licenses": [{"title": settings.STATS_DATA_LICENCE, "path": settings.STATS_DATA_LICENCE_URL}],
        "publisher": settings.STATS_PUBLISHER,
        "created": snapshot.data["made_at"] if snapshot else None,
        "resources": resources,
    }
    return _with_licence(JsonResponse(body, json_dumps_params={"ensure_ascii": False}))
