# Two commands: `make run` (a local server with demo data) and `make test` (the whole suite:
# pytest, then the scanner's JavaScript tests with Node's own runner).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := eventreg

.PHONY: run test install translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d eventreg/translations

# The server, and a mail worker beside it (stopped with it) that sends what pages queued.
run: install translations
	EVENTREG_ENV=$${EVENTREG_ENV:-development} $(BIN)/flask db upgrade
	EVENTREG_ENV=$${EVENTREG_ENV:-development} $(BIN)/flask load-demo --base-url http://127.0.0.1:$(PORT)
	export EVENTREG_ENV=$${EVENTREG_ENV:-development} \
	  PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}; \
	$(BIN)/flask deliver-messages --loop --every 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Then the door scanner's JavaScript modules, with Node's own test runner (no npm).
test: install translations
	$(BIN)/pytest $(PYTEST_ARGS)
	node --test tests/js/

lint: install
	$(BIN)/ruff check .

# Refresh the message catalogues after changing user-facing text.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o eventreg/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i eventreg/translations/messages.pot -d eventreg/translations

clean:
	rm -rf $(VENV) .pytest_cache
