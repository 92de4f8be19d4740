# The README's two commands live here so CI and people run exactly the same thing.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: install demo lint test test-fast

install:
	$(PIP) install -q -e ".[dev]"

demo: install
	gridwatch demo

lint:
	ruff check .
	ruff format --check .
	mypy

# Lint first, then the fast pure tests, then everything else (real ONNX, SQL, Redis, broker, browser).
test: test-deps install lint
	$(PYTHON) -m pytest tests/unit -q
	$(PYTHON) -m pytest tests -q --ignore=tests/unit

test-fast: lint
	$(PYTHON) -m pytest tests/unit -q

# System packages pip cannot install (chromium for the browser tests, CJK font, poppler); idempotent.
.PHONY: test-deps
test-deps:
	bash scripts/test-deps.sh
