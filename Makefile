# Grid Academy (网格学院). `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
SYS_STAMP := var/.system-packages
# Debian packages: CJK fonts for PDFs, poppler for PDF checks in tests, Chromium for browser tests.
DEB_PACKAGES := fonts-noto-cjk poppler-utils chromium chromium-driver

.PHONY: install system-packages demo dev demo-data serve migrate test test-postgres bench lint format screenshots clean

install: $(STAMP) system-packages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Installs missing Debian packages when running as root with apt (CI, a fresh server); elsewhere it
# only reports what is missing.
system-packages: $(SYS_STAMP)

$(SYS_STAMP):
	@mkdir -p var
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "安装系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "请先安装系统软件包:$$missing（sudo apt-get install$$missing）"; exit 1; fi; \
	fi
	@touch $(SYS_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# `make demo` shows what production shows: DEBUG off (Chinese error pages, no tracebacks), static files
# from collectstatic served by WhiteNoise, a secret key generated once into var/secret_key. Only the
# HTTPS-only settings are off (HTTPS=0: plain HTTP on 127.0.0.1), and Django serves the public media.
DEMO_ENV = DEBUG=0 HTTPS=0 SERVE_PUBLIC_MEDIA=1 SECRET_KEY="$$(cat var/secret_key)"

var/secret_key: | $(STAMP)
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

demo-data: migrate
	@if [ ! -f var/.demo-loaded ]; then $(PY) manage.py load_demo && touch var/.demo-loaded; \
	else echo "演示数据已载入（删除 var/.demo-loaded 可重新检查）"; fi

demo: demo-data var/secret_key
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Developer mode: the same demo data with DEBUG on (tracebacks, static files straight from the apps).
dev: demo-data
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

serve: install
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	GRID_FAST_PASSWORD_HASHER=1 $(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (needs a server on 127.0.0.1:5432, trust auth).
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gridacademy} GRID_FAST_PASSWORD_HASHER=1 $(PY) -m pytest $(PYTEST_ARGS)

# Every role's screens on a fresh demo site; the pictures land in docs/img for the role guides.
screenshots: install
	DOCS_SCREENSHOT_DIR=docs/img GRID_FAST_PASSWORD_HASHER=1 $(PY) -m pytest -q -m screenshots tests/docs

# ruff: lint and formatting are checked, never rewritten, here; `make format` rewrites.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark; each figure beside a floor from the same run, merged into docs/benchmarks.json and the
# tables of docs/benchmarks.md. One bench: `make bench PYTEST_ARGS="-k quiz"` (only its figures change).
# A quick run at a reduced size elsewhere: BENCH_SCALE=0.05 BENCH_REPORT_DIR=/tmp/bench make bench.
bench: install
	GRID_FAST_PASSWORD_HASHER=1 $(PY) -m pytest tests/bench -s -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
