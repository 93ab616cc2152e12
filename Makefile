# Causerie — the two commands are `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV    := DJANGO_DEBUG=1
PG_URL ?= postgres://causerie@127.0.0.1:5432/causerie

.PHONY: run test test-sqlite test-postgres install browser postgres-role lint fixture clean messages

## make run: install, migrate, load the seed articles, create the demo moderator, serve on :8000
run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_articles
	$(DEV) $(PY) manage.py create_demo_moderator
	@$(DEV) $(PY) manage.py sign_in_ways
	@echo "Causerie: http://localhost:8000  (e-mails are printed below; Ctrl-C stops)"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite (unit, views, browser); under CI=true, on SQLite and then PostgreSQL
test: install browser
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$$CI" = "true" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite:
	$(DEV) $(PY) -m pytest $(ARGS)

test-postgres: postgres-role
	DATABASE_URL=$(PG_URL) $(DEV) $(PY) -m pytest $(ARGS)

install: $(STAMP)

$(STAMP):
	@test -x $(PY) || { PYTHON=$$(scripts/find-python) && echo "Creating $(VENV) with $$PYTHON" && "$$PYTHON" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

## Debian's Chromium and gettext (Playwright cannot download its own browser here), and axe-core
## from npm (package.json, pinned in package-lock.json) for the accessibility audit
browser:
	@scripts/install-test-tools
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund

## the database role the PostgreSQL run uses (local server, trust authentication)
postgres-role:
	scripts/postgres-role

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## regenerate fixtures/articles.json from fixtures/seeds/
fixture: install
	$(DEV) $(PY) manage.py import_articles

## make messages: refresh the French and English catalogues from templates and Python, then compile them
## (French plural entries are filled from their msgids, so that French counts « 0 commentaire »)
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests --ignore=build --ignore=staticfiles
messages: install
	$(DEV) $(PY) manage.py makemessages -l en -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(PY) scripts/french-plurals locale/fr/LC_MESSAGES/django.po
	$(PY) scripts/french-apostrophes $(PY)
	$(DEV) $(PY) manage.py compilemessages -l en -l fr $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) staticfiles tests/e2e/screenshots .pytest_cache

## make bench: the load benchmark on loopback (nginx, gunicorn, PostgreSQL, Redis); see docs/performance.md
## (make bench ARGS="--duration 30 --queue-million")
.PHONY: bench
bench: install
	$(PY) bench/run.py $(ARGS)

## make proof: floods, concurrency and outages on the real stack (gunicorn, PostgreSQL, Redis); see proof/
## It stops the machine's PostgreSQL for a few seconds and shuts Redis down: not while others use them.
.PHONY: proof
proof: install
	$(PY) -m proof.flood $(ARGS)
	$(PY) -m proof.concurrency
	$(PY) -m proof.outage

## make proof-scale: two app servers behind nginx, a PostgreSQL streaming replica, one Redis, one worker, all
## on 127.0.0.1 (ports 18000–18999), started and stopped by the proof; see proof/scale/ and docs/deploy.md §8.
## It adds a replication line to the machine's pg_hba.conf for the run (removed at the end). Run as root.
.PHONY: proof-scale
proof-scale: install
	$(PY) -m proof.scale $(ARGS)
