"""The production stack as one command (``make prod``: the Procfile under honcho) and under systemd (``deploy/``)."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_procfile_starts_gunicorn_a_worker_and_beat():
    processes = procfile()
    assert set(processes) == {"web", "worker", "beat"}
    assert "gunicorn portal.wsgi" in processes["web"]
    assert "celery -A portal worker" in processes["worker"]
    assert "celery -A portal beat" in processes["beat"]


def test_make_prod_runs_the_procfile_with_honcho():
    makefile = (ROOT / "Makefile").read_text()
    assert "prod: " in makefile
    assert "honcho start -f Procfile" in makefile
    assert any(line.startswith("honcho==") for line in (ROOT / "requirements.txt").read_text().splitlines())


def test_every_systemd_unit_restarts_its_process_whatever_stops_it():
    units = sorted((ROOT / "deploy").glob("*.service"))
    assert [unit.name for unit in units] == ["lango-beat.service", "lango-web.service", "lango-worker.service"]
    for unit in units:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(unit)
        assert parser["Service"]["Restart"] == "always", unit.name
        assert parser["Service"]["EnvironmentFile"], unit.name
