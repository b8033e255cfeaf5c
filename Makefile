# Newsroom: `make run` serves the sample newsroom, `make test` runs the tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.requirements-installed

.PHONY: run test install lint format bench soak clean lock

# Find a Python >= 3.12: the version pinned in .python-version first (through
# pyenv when it is there), then any python3.13 / python3.12 / python3 on PATH.
define find_python
for candidate in \
    "$$(command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null)" \
    $$(ls -d $$HOME/.pyenv/versions/$$(cat .python-version 2>/dev/null)*/bin/python 2>/dev/null | sort -rV) \
    $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) \
    "$$(command -v python3.13)" "$$(command -v python3.12)" "$$(command -v python3)"; do \
  if [ -n "$$candidate" ] && [ -x "$$candidate" ] && \
     "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

$(PY):
	@python=$$($(find_python)) || { \
	  echo "Newsroom needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (for example: pyenv install 3.12) and run make again."; exit 1; }; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV)

# requirements.txt pins what the site runs on; requirements-dev.txt adds the
# tests and tools. Both are lock files with hashes, compiled by `make lock`.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# Recompile both lock files from requirements.in / requirements-dev.in.
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.12 requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.12 requirements-dev.in -o requirements-dev.txt

# The sitemap tests validate against sitemaps.org's XSD, shipped in the npm
# package `sitemap`; --ignore-scripts because vnu-jar's script would download a JDK.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: the sitemap schema test will be skipped."; fi

install: $(STAMP) node_modules/.package-lock.json

# Absolute links (feeds, sitemaps, preview links, the sign-in line) point at
# the address served here unless NEWSROOM_SITE_URL says otherwise.
SITE_URL = $(or $(NEWSROOM_SITE_URL),http://$(HOST):$(PORT))

run: install
	$(PY) manage.py migrate --noinput
	NEWSROOM_SITE_URL=$(SITE_URL) $(PY) manage.py load_sample_newsroom
	@echo "Newsroom is at $(SITE_URL)/ (admin at $(SITE_URL)/admin/)"
	@echo "Lead images over 12 MP get their renditions from the task worker: run $(PY) manage.py db_worker in a second terminal."
	NEWSROOM_SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Seeds BENCH_ARTICLES (2000) stories into DATABASE_URL (else build/bench.sqlite3),
# serves them with gunicorn and loads every page type with wrk; see docs/benchmarks.md.
bench: install
	$(PY) -m bench.run

# The site under load (gunicorn, 4 workers, 64 connections) while its own
# private Redis and PostgreSQL stop and come back; see docs/soak.md.
soak: install
	$(PY) -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) build .pytest_cache
