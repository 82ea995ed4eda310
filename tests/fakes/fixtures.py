"""Pytest fixtures for the SMS tests: the fake AT server wired into the settings, and a phone."""

from __future__ import annotations

import pytest

from tests.fakes.fake_at import FakeAfricasTalking

FAKE_API_KEY = "test-at-key"
CALLBACK_TOKEN = "test-callback-token-0123456789"


@pytest.fixture
def fake_at(settings):
    """A fake AT server on loopback, with the site's gateway pointed at it through the real SDK."""
    with FakeAfricasTalking(api_key=FAKE_API_KEY, username="lango") as fake:
        settings.SMS_BACKEND = "africastalking"
        settings.AT_USERNAME = "lango"
        settings.AT_API_KEY = FAKE_API_KEY
        settings.AT_SENDER_ID = ""
        settings.AT_API_BASE_URL = fake.base_url
        settings.AT_TIMEOUT_SECONDS = 2
        yield fake


@pytest.fixture
def callback_token(settings) -> str:
    """The secret callback token, set for the test."""
    settings.AT_CALLBACK_TOKEN = CALLBACK_TOKEN
    return CALLBACK_TOKEN
