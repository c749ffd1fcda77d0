# Two commands for a fresh machine: `make run` and `make test`. Both bootstrap what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Querela needs Python 3.11 (Django 5.2 LTS); found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@bash scripts/system-deps.sh run
	$(VENV)/bin/querela serve

test: $(STAMP) lint
	bash scripts/test.sh

bench: $(STAMP)
	bash scripts/bench.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

messages: $(STAMP)
	cd src/querela && ../../$(VENV)/bin/django-admin makemessages -l hu -l pl -l ro -l en --no-obsolete --no-location --settings=querela.settings.test && ../../$(VENV)/bin/django-admin compilemessages --settings=querela.settings.test

clean:
	rm -rf var .pytest_cache
