# mamori: `make run` (the offline demo) and `make test` set everything up on a fresh
# Debian 12 machine when needed, and are quick when it is already set up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
APT_STAMP := .apt-installed
APT_PACKAGES := chromium fonts-noto-cjk ffmpeg libchromaprint-tools espeak-ng sox poppler-utils redis-server
REQS := requirements/runtime.txt requirements/dev.txt requirements/nodeps.txt requirements/constraints.txt pyproject.toml

.PHONY: setup run test check lint typecheck bench clean

setup: $(APT_STAMP) $(STAMP)

# Debian packages: browsers, fonts (Japanese in captures), media tools, Redis for scale-out tests.
$(APT_STAMP):
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@touch $(APT_STAMP)

$(STAMP): $(REQS)
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip<27"
	$(PIP) install -q -c requirements/constraints.txt -r requirements/runtime.txt -r requirements/dev.txt
	$(PIP) install -q --no-deps -r requirements/nodeps.txt
	$(PIP) install -q --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	@touch $(STAMP)

run: setup
	$(VENV)/bin/mamori demo $(if $(DURATION),--duration $(DURATION),)

test: setup
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

check: setup lint typecheck

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy

bench: setup
	$(PY) benchmarks/crawl.py

clean:
	rm -rf $(VENV) $(APT_STAMP) data/demo .pytest_cache .mypy_cache .ruff_cache
