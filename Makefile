# Two commands matter: `make run` and `make test`. Everything else is a step of those.
# The first Python 3.10-3.13 this machine really runs (a pyenv shim that points nowhere does not count).
SUPPORTED_PYTHON := 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)'
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3.10 python3; do \
	$$p -c $(SUPPORTED_PYTHON) >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install venv migrate demo serve lint format bench worker beat clean which-python

$(BIN)/python:
	@[ -n "$(PYTHON)" ] && $(PYTHON) -c $(SUPPORTED_PYTHON) 2>/dev/null || { \
		echo "No Python 3.10 to 3.13 found: install one, or set PYTHON=/path/to/python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/python
install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/, API: http://$(HOST):$(PORT)/api/v1/)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m tests.benchmarks $(BENCH_ARGS)

worker: install
	$(BIN)/celery -A config.celery_app worker --loglevel=info

beat: install
	$(BIN)/celery -A config.celery_app beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

which-python:
	@echo $(PYTHON)
