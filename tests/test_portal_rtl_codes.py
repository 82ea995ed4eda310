"""Codes people type keep their left-to-right order inside Arabic text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_ussd_code_in_the_arabic_footer_is_isolated_left_to_right(client):
    body = client.get("/ar/track/").content.decode()
    assert 'dir="rtl"' in body
    assert "\u2066*384*1#\u2069" in body


def test_switching_language_on_the_sign_in_page_moves_the_return_address_too(client):
    body = client.get("/ar/sign-in/?next=/ar/account/").content.decode()
    assert 'href="/sign-in/?next=%2Faccount%2F"' in body
    assert 'href="/fr/sign-in/?next=%2Ffr%2Faccount%2F"' in body
