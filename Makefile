# Kenes: `make demo` serves the platform with demo content; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
KENES = $(VENV)/bin/kenes
STAMP = $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages demo test lint bench clean

install: $(STAMP) node_modules/.package-lock.json messages

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(STAMP)
	@$(KENES) compilemessages --ignore=.venv --ignore=node_modules -v 0

demo: install
	KENES_DEBUG=1 $(KENES) migrate --noinput -v 0
	KENES_DEBUG=1 $(KENES) load_demo
	@echo ""
	@echo "Kenes is running at http://$(HOST):$(PORT)/ with a task worker beside it (Ctrl+C stops both)"
	@echo "Demo logins (password kenes-demo): admin, moderator, analyst, coordinator (national),"
	@echo "  coordinator_atyrau, commission, operator, operator_atyrau, operator_atyrau_2, citizen"
	@echo ""
	KENES=$(KENES) scripts/demo-serve $(HOST):$(PORT)

test: install
	scripts/run-tests

lint: install
	$(VENV)/bin/ruff check kenes tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules staticfiles kenes.sqlite3* .pytest_cache
