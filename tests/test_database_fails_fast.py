"""The database fails fast: a hung database gives an error within seconds, and people get a polite answer.

A proxy in front of PostgreSQL stops forwarding (the database "accepts and never answers"): a query
on an open connection and a new connection both fail within the deadline instead of hanging. The
views turn a failing database into a polite answer: a USSD ``END``, ``/healthz`` 503, an error page.
"""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, pgettext

from portal.postgresql.base import DatabaseWrapper
from tests.tcp_proxy import HangingProxy

PROXY_PORT = 8201


def through(proxy: HangingProxy, deadline: int = 1) -> DatabaseWrapper:
    """A database connection like the site's, but through ``proxy`` and with short timeouts."""
    config = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(proxy.port), "CONN_MAX_AGE": 0}
    config["OPTIONS"] = {**config["OPTIONS"], "connect_timeout": 1, "query_deadline": deadline}
    db = DatabaseWrapper(config, alias="through-proxy")
    db.inc_thread_sharing()  # the test's threads use it one after the other
    return db


def finishes(action, seconds: float = 30) -> BaseException | None:
    """Run ``action`` in a thread; return what it raised (``None`` if nothing), failing if it hangs."""
    outcome: list[BaseException | None] = []

    def run():
        try:
            action()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, "it hung"
    return outcome[0]


def select_one(db: DatabaseWrapper):
    with db.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()


@pytest.mark.django_db
def test_a_query_on_a_hung_database_fails_instead_of_hanging():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    with HangingProxy(
        PROXY_PORT, (connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432))
    ) as proxy:
        db = through(proxy)
        try:
            assert select_one(db) == (1,)
            proxy.hang()
            assert isinstance(finishes(lambda: select_one(db)), OperationalError)
            db.close()
            assert isinstance(finishes(lambda: select_one(db)), OperationalError)  # a new connection too
            proxy.resume()
            assert select_one(db) == (1,)
        finally:
            proxy.resume()
            db.close()


def test_requests_get_short_database_timeouts_and_other_processes_long_ones():
    import subprocess
    import sys

    code = (
        "import sys; sys.argv[0] = 'gunicorn'; from portal import settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS'))"
    )
    env = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "PATH": "/usr/bin:/bin"}
    web = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=True
    )
    assert "statement_timeout=4000" in web.stdout and "'connect_timeout': 2" in web.stdout
    other = code.replace("'gunicorn'", "'celery'")
    worker = subprocess.run(
        [sys.executable, "-c", other], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=True
    )
    assert "statement_timeout=1800000" in worker.stdout


@pytest.mark.django_db
def test_ussd_gets_a_polite_end_when_the_database_fails(client, settings):
    with mock.patch("ussd.hop.session_for_hop", side_effect=OperationalError("the database did not answer")):
        response = client.post(
            f"/ussd/at/{settings.AT_CALLBACK_TOKEN}/",
            {
                "sessionId": "ATUid_db",
                "serviceCode": settings.USSD_SERVICE_CODE,
                "phoneNumber": "+254712345678",
                "text": "",
            },
        )
    assert response.status_code == 200
    assert response.content.decode().startswith("END ")


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch("portal.views.health.connection.cursor", side_effect=OperationalError("hung")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_a_citizen_gets_a_plain_translated_error_page_when_even_the_error_page_fails(rf):
    from django.utils import translation

    from portal.views.errors import server_error

    with (
        translation.override("fr"),
        mock.patch("portal.views.errors.loader.get_template", side_effect=OperationalError("down")),
    ):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="fr"' in body and "Sorry" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "sw", "ar"])
def test_a_caller_whose_database_fails_mid_session_reads_the_apology_in_their_own_language(client, language):
    from ussd import caller_language
    from ussd.testing import LANGUAGE_KEYS, UssdPhone

    caller_language.forget_all()
    cache.clear()
    phone = UssdPhone(client, phone="+254712345678")
    phone.dial()
    phone.send(LANGUAGE_KEYS[language])  # the caller chose a language: the main menu shows
    caller_language.forget_all()  # another gunicorn worker answers the next hop: only the cache knows

    with mock.patch("ussd.hop.session_for_hop", side_effect=OperationalError("the database did not answer")):
        reply = phone.post(phone.text + "*1")

    with translation.override(language):
        apology = pgettext("ussd", "Sorry, something went wrong. Please dial again.")
    assert apology != "Sorry, something went wrong. Please dial again."
    assert reply == "END " + apology


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_a_citizen_whose_request_meets_a_failed_database_is_asked_to_try_again_with_503(client, language):
    from django.test import Client

    client = Client(raise_request_exception=False)
    with mock.patch("portal.views.tracking.TrackForm", side_effect=OperationalError("the database did not answer")):
        response = client.get(f"/{language}/track/" if language != "en" else "/track/")

    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    with translation.override(language):
        assert escape(gettext("Try again later.")) in response.content.decode()


def test_a_bug_is_still_a_500_not_a_503(rf):
    from portal.views.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
