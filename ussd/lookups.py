"""Reference lists USSD screens show on many hops (areas, open programmes), cached for a minute.

Each list is one small cache entry holding plain tuples, so that a hop showing a list costs one
cache read instead of database queries. A minute is short enough for an edit in the back-office to
reach the phones quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from registry.eligibility import open_programmes as open_programmes_with_rules
from registry.models import AdminArea, Programme
from ussd import store

LIST_TTL_SECONDS = 60
_AREAS_KEY = "ussd:lists:areas:v2"
_PROGRAMMES_KEY = "ussd:lists:programmes:v1"
_SCREENING_KEY = "ussd:lists:screening:v1"


@dataclass(frozen=True)
class Area:
    id: int
    name: str
    parent_id: int | None
    translated_names: dict[str, str] | None = None

    def name_in(self, language: str) -> str:
        """The name in ``language`` where the area has one, else its own name."""
        return (self.translated_names or {}).get(language) or self.name


@dataclass(frozen=True)
class ProgrammeItem:
    code: str
    short_names: dict[str, str]

    def short_name(self, language: str) -> str:
        """The short name in ``language``, else English, else the code."""
        return self.short_names.get(language) or self.short_names.get(settings.LANGUAGE_CODE) or self.code[:20]


def all_areas() -> list[Area]:
    """Every region and district, by name."""
    areas = store.read([_AREAS_KEY]).get(_AREAS_KEY)
    if areas is None:
        areas = [
            Area(id=pk, name=name, parent_id=parent_id, translated_names=names or None)
            for pk, name, parent_id, names in AdminArea.objects.order_by("name").values_list(
                "pk", "name", "parent_id", "translated_names"
            )
        ]
        store.write([(_AREAS_KEY, areas, LIST_TTL_SECONDS)])
    return areas


def regions(areas: list[Area]) -> list[Area]:
    """Of ``areas``, the regions that have districts, by name."""
    with_districts = {area.parent_id for area in areas if area.parent_id is not None}
    return [area for area in areas if area.parent_id is None and area.id in with_districts]


def districts(areas: list[Area], region_id: int | None) -> list[Area]:
    """Of ``areas``, the districts of a region, by name."""
    return [area for area in areas if area.parent_id == region_id and region_id is not None]


def open_programmes() -> list[ProgrammeItem]:
    """Open programmes in display order, with their short names in every language."""
    programmes = store.read([_PROGRAMMES_KEY]).get(_PROGRAMMES_KEY)
    if programmes is None:
        programmes = [
            ProgrammeItem(code=p.code, short_names={row.language: row.short_name for row in p.names.all()})
            for p in Programme.objects.filter(is_open=True).prefetch_related("names")
        ]
        store.write([(_PROGRAMMES_KEY, programmes, LIST_TTL_SECONDS)])
    return programmes


def short_names(programmes: list[ProgrammeItem], language: str) -> dict[str, str]:
    """Programme codes to their short names in ``language``."""
    return {item.code: item.short_name(language) for item in programmes}


def screening_programmes() -> list[Programme]:
    """Open programmes with their rules, names and areas loaded, ready for ``screen_programme``."""
    programmes = store.read([_SCREENING_KEY]).get(_SCREENING_KEY)
    if programmes is None:
        programmes = list(open_programmes_with_rules())
        store.write([(_SCREENING_KEY, programmes, LIST_TTL_SECONDS)])
    return programmes
