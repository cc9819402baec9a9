# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SERVE ?= 1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: install demo test lint typecheck checks pytest check-hard audit bench-load bench bench-compare clean messages

$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_pipeline
ifeq ($(SERVE),1)
	@echo "Serving at http://127.0.0.1:$(PORT)/ (admin at /admin/, API docs at /api/docs/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)
endif

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

checks: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-key-value-0123456789 DJANGO_ALLOWED_HOSTS=wfm.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING

PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
pytest: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) -q $(PYTEST_ARGS)

test: lint typecheck checks pytest

# The hardening checks (races on PostgreSQL, real Celery workers on Redis, fuzzing, schemathesis):
# slower, and they need DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); .ci/run runs them.
check-hard: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -q -m hard -p no:cacheprovider --durations=10

# Known vulnerabilities in the pinned versions (needs the PyPI JSON API or OSV over the network).
audit: install
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict --progress-spinner off

# 50 users against gunicorn + PostgreSQL for 60 s (benchmarks/load_test.py says what it measures).
bench-load: install
	$(PY) benchmarks/load_test.py

# pyworkforce 0.5.4 needs Python 3.12+: a separate environment for the side-by-side comparisons.
PYTHON312 ?= python3.12
.venv-pyworkforce/bin/python:
	$(PYTHON312) -m venv .venv-pyworkforce
	.venv-pyworkforce/bin/pip install --quiet --disable-pip-version-check pyworkforce==0.5.4

bench-compare: install .venv-pyworkforce/bin/python
	# the same Erlang figures run side by side with pyworkforce when its environment exists
	$(PY) benchmarks/erlang_speed.py
	.venv-pyworkforce/bin/python benchmarks/pyworkforce_bank_week.py ../shared/benchmarks/bank-week/requirements_7x48.csv

# Figures on real and seeded data (../shared holds the real data sets; never copied here).
SHARED ?= ../shared
bench: install
	$(PY) -m scheduler.solver.benchmarks bank-week $(SHARED)/benchmarks/bank-week/requirements_7x48.csv --time-limit 60
	$(PY) -m scheduler.solver.benchmarks curtois $(SHARED)/benchmarks/curtois --time-limit 60
	$(PY) -m scheduler.solver.benchmarks synthetic --agents 1000 --days 28 --interval-minutes 15 --skills 3 --time-limit 120 --seed 1
	$(PY) benchmarks/forecast_accuracy.py
	$(PY) benchmarks/erlang_speed.py
	$(PY) benchmarks/import_history_speed.py

# Extract strings (needs GNU gettext), translate the new entries in locale/zh_Hans, then compile
# with polib so that building the catalogue needs nothing but Python.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i ".venv*" -i "tests/*" -i "benchmarks/*"
	$(PY) -c "import polib; p = 'locale/zh_Hans/LC_MESSAGES/django'; polib.pofile(p + '.po').save_as_mofile(p + '.mo')"

clean:
	rm -rf $(VENV) db.sqlite3
