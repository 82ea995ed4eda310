"""/healthz answers 200 while the database answers (the cache ok or degraded), 503 without the database."""

from __future__ import annotations

from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_is_200_and_degraded_when_the_cache_is_down(client):
    with mock.patch("portal.views.health.cache.get", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("portal.views.health.connection.cursor", side_effect=Exception("db down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_an_english_prefix_leads_to_the_unprefixed_page(client):
    response = client.get("/en/track/")
    assert response.status_code == 301
    assert response["Location"] == "/track/"


def test_the_english_prefix_redirect_never_leaves_the_site(client):
    response = client.get("/en//evil.example/")
    assert response["Location"] == "/evil.example/"
