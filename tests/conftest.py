"""Shared fixtures: the network guard, compiled catalogs, demo-like areas and programmes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests import network_guard

network_guard.install()


def pytest_configure(config):
    from portal.i18n_catalogs import compile_catalogs

    compile_catalogs()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever language an earlier request or test activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def areas(db):
    """Two regions with two districts each."""
    from registry.models import AdminArea

    coast = AdminArea.objects.create(code="coast", name="Coast", level="region")
    nairobi = AdminArea.objects.create(code="nairobi", name="Nairobi", level="region")
    return {
        "coast": coast,
        "nairobi": nairobi,
        "mombasa": AdminArea.objects.create(code="mombasa", name="Mombasa", level="district", parent=coast),
        "kilifi": AdminArea.objects.create(code="kilifi", name="Kilifi", level="district", parent=coast),
        "westlands": AdminArea.objects.create(code="westlands", name="Westlands", level="district", parent=nairobi),
        "kibra": AdminArea.objects.create(code="kibra", name="Kibra", level="district", parent=nairobi),
    }


@pytest.fixture
def programmes(db, areas):
    """The five demo programmes with their rules and names in every language."""
    from demo.areas_and_programmes import create_programmes

    return create_programmes(areas)
