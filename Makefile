# Zhengwu: `make run` to try it, `make test` to prove it. See README.md and docs/operations.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
APPS := accounts workdays catalog cases ratings supervision assessment tickets joint licences trading disclosure hall evaluation exchange demo

.PHONY: run serve install install-test migrate demo worker scheduler supervise test lint format bench messages compilemessages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo --url http://$(HOST):$(PORT)/

## run: install, migrate the SQLite database under var/, load the demo data once, then the whole
## system (Procfile): the web server on $(HOST):$(PORT), one task worker and the scheduler;
## Ctrl-C stops all three
run: demo
	$(MANAGE) collectstatic --noinput -v0
	@echo "政务服务平台：http://$(HOST):$(PORT)/（网站、后台任务和定时任务一起运行，Ctrl-C 全部停止）"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) $(BIN)/honcho start -f Procfile -p $(PORT)

## serve: the development server (auto-reload)
serve: migrate
	ZHENGWU_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

## scheduler: every periodic job at its interval (sweeps, invitations, the ratings outbox)
scheduler: migrate
	$(MANAGE) scheduler

## supervise: only the supervision sweep, every 10 minutes (deemed acceptances, levels)
supervise: migrate
	$(MANAGE) supervise --interval 600

## worker: run background tasks (any number of these, on any machine sharing the database)
worker: migrate
	$(MANAGE) db_worker

## test: the whole suite; ZHENGWU_TEST_DATABASE_URL=postgres://... runs it on PostgreSQL
test: install-test
	ZHENGWU_DATABASE_URL="$${ZHENGWU_TEST_DATABASE_URL:-sqlite:///$(CURDIR)/var/test.sqlite3}" \
	ZHENGWU_VAR_DIR="$(CURDIR)/var/test" ZHENGWU_DB_CONN_MAX_AGE=0 \
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

## lint: ruff, and the layers of DESIGN.md (import-linter; the circle check runs in `make test`)
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: every benchmark at a small size; each prints one JSON line
bench: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script --small || exit 1; done

## messages: refresh the zh_Hans catalogues (needs gettext); compilemessages builds the .mo files
messages: install
	cd src/zhengwu && ../../$(BIN)/django-admin makemessages -l zh_Hans --settings=zhengwu.settings --pythonpath=.. -i 'accounts/*' -i 'workdays/*' -i 'catalog/*' -i 'demo/*' -i 'cases/*' -i 'ratings/*' -i 'supervision/*' -i 'assessment/*' -i 'tickets/*' -i 'trading/*' -i 'disclosure/*' -i 'hall/*' -i 'evaluation/*' -i 'exchange/*' -i 'static/*'
	for app in $(APPS); do (cd src/zhengwu/$$app && mkdir -p locale && ../../../$(BIN)/django-admin makemessages -l zh_Hans --settings=zhengwu.settings --pythonpath=../..); done

compilemessages: install
	cd src/zhengwu && ../../$(BIN)/django-admin compilemessages --settings=zhengwu.settings --pythonpath=..

clean:
	rm -rf $(VENV) var/test .pytest_cache
