# Newsroom's front door: run, test, bench, lint.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The suite runs on this many pytest-xdist processes (0: in pytest's own process). Each one takes the
# tests in pytest-django's order (plain database tests before the transactional ones that empty the
# tables), which --dist load keeps and --dist loadfile would not.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist load)
# The third-party corpora (labelled real stories, feeds, XSS inputs, outlines of the communes) are
# not in the repository. The workspace keeps them beside the clone; point elsewhere with
# NEWSROOM_CORPORA=/path. The benchmarks and the tests that read them say they skip when absent.
NEWSROOM_CORPORA ?= $(abspath $(CURDIR)/../shared/corpora)
export NEWSROOM_CORPORA

.PHONY: run test test-sqlite bench hostile lint format venv clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runstack

test: $(STAMP)
	@$(PY) -m tests.services
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The zero-setup default: SQLite and the embedded broker, even when PostgreSQL and Redis answer.
test-sqlite: $(STAMP)
	@NEWSROOM_TEST_SERVICES=none $(PY) -m tests.services
	NEWSROOM_TEST_SERVICES=none $(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

hostile: $(STAMP)
	$(PY) -m bench hostile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/broker var/static var/test*.sqlite3
