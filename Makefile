# Apothecary: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
MANAGE := $(BIN)/python manage.py
LOCK   := requirements.lock

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS= runs it in one process.
PYTEST_WORKERS ?= -n auto --dist worksteal

.PHONY: run test lint format lock bench soak clean venv prod prod-stop prod-status prod-manage

venv: $(VENV)/.installed

# Installs the exact versions of $(LOCK), the ones CI tests.
$(VENV)/.installed: pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	@touch $@

run: venv
	$(MANAGE) migrate --noinput
	BASE_URL=http://127.0.0.1:$(PORT) $(MANAGE) seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	BASE_URL=http://127.0.0.1:$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The same checks as .pre-commit-config.yaml.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Fixes what ruff can fix safely, then formats; `make lint` shows what is left.
format: venv
	$(BIN)/ruff check --fix --exit-zero .
	$(BIN)/ruff format .

# Resolves pyproject.toml afresh in a throwaway venv and writes every version to $(LOCK).
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e ".[test]"; \
	{ echo '# Exact versions of every package that `pip install -e ".[test]"` installs.'; \
	  echo '# Made by `make lock`: a fresh venv on '"$$("$$tmp/venv/bin/python" -V)"', that install,'; \
	  echo '# then `pip freeze --exclude-editable`. `make venv` (so `make run`, `make test` and CI)'; \
	  echo '# installs with `-c $(LOCK)`. Run `make lock` again after changing pyproject.toml.'; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > "$$tmp/lock"; \
	mv "$$tmp/lock" $(LOCK)
	@echo "Wrote $(LOCK); \`make venv\` installs it."

bench: venv
	bash bench/run.sh

# Launch test 7: browsing and checkouts together against gunicorn, PostgreSQL and Redis.
soak: venv
	bash bench/soak.sh

# The production stack on this machine (deploy/stack.py; docs/operations.md): nginx on
# PROD_PORT (8080), PROD_APP_SERVERS (2) gunicorn app servers, the task worker and the
# scheduler, on the PostgreSQL and Redis below unless DATABASE_URL and REDIS_URL are set.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/apothecary_prod
PROD_REDIS_URL    ?= redis://127.0.0.1:6379/1
prod: venv
	@DATABASE_URL="$${DATABASE_URL-$(PROD_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL-$(PROD_REDIS_URL)}" $(BIN)/python deploy/stack.py start

prod-stop:
	@$(BIN)/python deploy/stack.py stop

# A management command with the stack's settings: make prod-manage ARGS="backup --keep 14"
prod-manage:
	@DATABASE_URL="$${DATABASE_URL-$(PROD_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL-$(PROD_REDIS_URL)}" $(BIN)/python deploy/stack.py manage $(ARGS)

prod-status:
	@$(BIN)/python deploy/stack.py status

clean:
	rm -rf $(VENV) var/static .pytest_cache
