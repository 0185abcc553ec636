# Two commands: `make demo` and `make test`. Everything else is their plumbing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint install assets clean system-deps
# WeasyPrint's libraries and the fonts the PDFs are drawn in (Debian and Ubuntu names).
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || (echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1)
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: system-deps $(VENV)/.installed assets

# Installs what is missing with apt-get (through sudo unless root); elsewhere says what is needed.
system-deps:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    echo "Installing$$missing for the PDFs (WeasyPrint)"; \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi; \
	else \
	  echo "Not a Debian system: install Pango (1.44 or later) and the Liberation fonts for WeasyPrint."; \
	fi

assets: node_modules/.installed

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 LOG_LEVEL=WARNING $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py refresh_answers
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
