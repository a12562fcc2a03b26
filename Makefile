# ZeroCrop — `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000
export ZEROCROP_DATA_DIR ?= $(abspath $(DATA))

.PHONY: run test lint format setup assets migrate demo messages clean

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	ZEROCROP_DEMO=1 $(BIN)/zerocrop migrate --noinput
	ZEROCROP_DEMO=1 $(BIN)/zerocrop load-demo
	ZEROCROP_DEMO=1 $(BIN)/zerocrop collectstatic --noinput --verbosity 0
	@echo "ZeroCrop 已启动：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	ZEROCROP_DEMO=1 bash -c 'trap "kill 0" EXIT; \
	  $(BIN)/zerocrop run_huey --quiet & \
	  $(BIN)/gunicorn zerocrop.config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - & \
	  wait'

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: setup
	mkdir -p src/zerocrop/locale
	cd src/zerocrop && ZEROCROP_DEMO=1 ../../$(BIN)/zerocrop makemessages -l en --ignore 'node_modules/*'
	cd src/zerocrop && ZEROCROP_DEMO=1 ../../$(BIN)/zerocrop compilemessages

clean:
	rm -rf $(VENV) node_modules staticfiles
