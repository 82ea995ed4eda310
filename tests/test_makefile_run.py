"""``make run``: the development server's own address is where SMS links point."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    """The commands ``make`` would run (``-n``: nothing runs, not even the installs)."""
    base = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "-W", ".venv/.installed", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**base, **(env or {})},
    )
    return result.stdout


def runserver_line(output: str) -> str:
    return next(line for line in output.splitlines() if "runserver" in line)


def test_make_run_on_another_host_points_sms_links_at_that_host():
    line = runserver_line(dry_run("run", "HOST=127.0.0.1:8101"))
    assert 'PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:8101}"' in line
    assert line.endswith("runserver 127.0.0.1:8101")


def test_the_derived_address_gives_way_to_an_explicit_public_base_url():
    line = runserver_line(dry_run("run", "HOST=127.0.0.1:8101"))
    shell = line.replace(".venv/bin/python manage.py runserver 127.0.0.1:8101", "printenv PUBLIC_BASE_URL")
    explicit = subprocess.run(
        ["sh", "-c", shell],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PUBLIC_BASE_URL": "https://lango.example"},
    )
    derived = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert explicit.stdout.strip() == "https://lango.example"
    assert derived.stdout.strip() == "http://127.0.0.1:8101"


def test_make_reset_passwords_runs_seed_demo_with_reset_passwords():
    assert "manage.py seed_demo --reset-passwords" in dry_run("reset-passwords")
