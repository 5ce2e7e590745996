# Louyu: `make run` starts the platform on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/louyu

.PHONY: run test test-sqlite test-postgres lint format install install-test browser documents messages map clean

$(BIN)/louyu: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

install: $(BIN)/louyu documents

$(VENV)/.test-deps: $(BIN)/louyu
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install-test: $(VENV)/.test-deps

run: install
	@bash scripts/run-dev.sh

browser:
	@bash scripts/ensure-chromium.sh

documents:
	@bash scripts/ensure-documents.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-sqlite: install-test browser documents
	env -u DATABASE_URL LOUYU_REQUIRE_BROWSER=1 $(BIN)/pytest

test-postgres: install-test browser documents
	@bash scripts/test-postgres.sh "$(PG_TEST_URL)"

# Both halves at once (scripts/test-all.sh); LOUYU_TEST_SERIAL=1 runs them one after the other.
test: lint install-test browser documents
	@bash scripts/test-all.sh "$(PG_TEST_URL)"

messages: install-test
	cd src/louyu && ../../$(BIN)/louyu makemessages -l en --ignore=tests && ../../$(BIN)/louyu compilemessages

# Rebuild the committed map data of China (src/louyu/web/static/louyu/maps/) for the dashboards.
map: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[maps]'
	$(BIN)/python scripts/build_china_map.py

clean:
	rm -rf $(VENV) var staticfiles
