"""Settings are read from the environment and fail loudly on a bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portal.env import database_from_url, env_bool, env_choice, env_int, env_key_list, env_secret

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "k" * 30 + "-production-secret-for-checks-0123456789",
    "DJANGO_ALLOWED_HOSTS": "lango.example.org",
    "AT_CALLBACK_TOKEN": "a-long-unguessable-callback-token",
    "FIELD_ENCRYPTION_KEYS": "ZmllbGQta2V5LWZvci1wcm9kdWN0aW9uLWNoZWNrcyE=",
    "FIELD_HASH_KEY": "a-field-hash-key-for-production-checks-0123456789",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AT_", "SMS_", "FIELD_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_django_debug_maybe_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", False)


def test_manage_py_refuses_to_start_with_django_debug_maybe():
    result = run_manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG" in result.stderr


@pytest.mark.parametrize("value,expected", [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False)])
def test_boolean_spellings_are_understood(monkeypatch, value, expected):
    monkeypatch.setenv("X_FLAG", value)
    assert env_bool("X_FLAG", not expected) is expected


def test_a_number_that_is_not_a_number_is_refused(monkeypatch):
    monkeypatch.setenv("X_COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_COUNT"):
        env_int("X_COUNT", 1)


def test_an_unknown_sms_backend_is_refused(monkeypatch):
    monkeypatch.setenv("SMS_BACKEND", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND"):
        env_choice("SMS_BACKEND", "console", ("console", "africastalking"))


def test_a_secret_is_read_from_its_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "from-a-file"


def test_database_urls_become_database_settings():
    pg = database_from_url("NOPE_UNSET", "postgres://lango:s%40cret@db.internal:5433/lango?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "lango",
        "lango",
        "s@cret",
        "db.internal",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert database_from_url("NOPE_UNSET", "sqlite:////var/lib/lango/db.sqlite3")["NAME"] == "/var/lib/lango/db.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="NOPE_UNSET"):
        database_from_url("NOPE_UNSET", "mysql://x/y")


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"])
def test_production_refuses_to_start_without_its_field_encryption_keys(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_refuses_a_field_encryption_key_that_is_not_a_fernet_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": "derived-from-the-secret-key"})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key" in result.stderr


def test_field_encryption_keys_are_read_one_a_line_from_their_file_current_first(monkeypatch, tmp_path):
    current, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    path = tmp_path / "field-keys"
    path.write_text(f"# current first\n{current}\n\n{old}\n")
    monkeypatch.setenv("X_KEYS_FILE", str(path))
    assert env_key_list("X_KEYS") == [current, old]
    monkeypatch.delenv("X_KEYS_FILE")
    monkeypatch.setenv("X_KEYS", f"{current}, {old}")
    assert env_key_list("X_KEYS") == [current, old]
