# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    set up, migrate, load demo content into a new database, serve on 127.0.0.1:$(PORT)
#   make test   set up (with the test tools and, as root, Debian's chromium) and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app engage
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint audit bench nhsuk-frontend clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Engage is at http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev-installed
	@sh scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r engage --severity-level medium --quiet

# pip-audit --strict on the pinned requirements; a loud NOT RUN where no vulnerability DB is reachable.
audit: $(VENV)/.dev-installed
	VENV=$(VENV) sh scripts/audit-dependencies.sh

bench: $(VENV)/.dev-installed
	@sh scripts/ensure-wrk.sh
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

nhsuk-frontend:
	scripts/update-nhsuk-frontend.sh $$($(PYTHON) -c "import re;print(re.search(r'NHSUK_FRONTEND_VERSION = \"(.+)\"', open('engage/__init__.py').read())[1])")

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
