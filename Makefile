# Lango: `make run` for a local server with demo data, `make test` for the test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: run run-mis reset-passwords test lint format messages compile-messages migrate seed install worker beat prod clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

compile-messages: install
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# New passwords (and the authenticator set-up) for every demo user, printed again.
reset-passwords: migrate
	$(PY) manage.py seed_demo --reset-passwords

# Links in SMS point at this server unless PUBLIC_BASE_URL says otherwise.
run: compile-messages seed
	DJANGO_DEBUG=True PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST)}" $(PY) manage.py runserver $(HOST)

# A fake programme MIS beside `make run`: it enrols new old-age-pension applicants and pays them.
run-mis: migrate
	@eval "$$($(PY) manage.py create_partner --demo-mis --print-env)" && \
	  $(PY) -m tests.fakes.fake_mis --lango http://$(HOST) --programme old-age-pension \
	    --client-id "$$LANGO_CLIENT_ID" --client-secret "$$LANGO_CLIENT_SECRET"

test: compile-messages
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract marked strings from Python and templates and merge them into locale/*/django.po.
messages: install
	$(PY) -m portal.i18n_catalogs update
	$(PY) -m portal.i18n_catalogs check || true

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=INFO --schedule /tmp/lango-celerybeat-schedule

# The production stack in one command (gunicorn, worker, beat from the Procfile, run by honcho)
# against DATABASE_URL / REDIS_URL; production proper runs the same three under systemd (deploy/).
prod: compile-messages migrate
	$(VENV)/bin/honcho start -f Procfile

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
	find locale -name '*.mo' -delete
