# Mosty: the two set-up commands of the README, and a few helpers.
#   make run   - install, migrate, load demo data, serve on http://127.0.0.1:5000
#   make test  - install and run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
MOSTY := $(VENV)/bin/mosty
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install lint bench translations

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(MOSTY) db upgrade
	$(MOSTY) demo
	@echo "Mosty is starting at http://$(HOST):$(PORT)/ (demo logins above)"
	$(MOSTY) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check platform plugins worker tests

translations: install
	bash scripts/update_translations.sh

# Benchmarks (issue #9): fill a PostgreSQL database once, then measure; see bench/README.md.
BENCH_DB ?= postgresql+psycopg://postgres@127.0.0.1/mosty_bench
bench: install
	$(PY) -m bench --owner-url $(BENCH_DB) $(BENCH_ARGS)
