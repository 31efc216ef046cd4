# Two commands set up a fresh machine: `make demo` and `make test` (`make test-fast`: the fast lane).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_DATA ?= ../shared/benchmarks/article-extraction

.PHONY: demo test test-fast lint format bench bench-extraction bench-dates bench-dedup bench-crawl bench-soak bench-distributed bench-export bench-reprocess system-deps clean-venv

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsbot demo

# Debian packages some tests need: chromium (render_js pages) and redis-server (distributed
# mode). Installed when missing and possible (root with apt-get); else those tests are
# skipped, each with the reason.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages:$$missing" >&2; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing: their tests will be skipped" >&2; \
	  else \
	    echo "not installed:$$missing (apt-get install$$missing): their tests will be skipped" >&2; \
	  fi; \
	fi

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q --durations=15
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The fast lane: unit and component tests, no crawls of servers, no distributed or browser
# crawls, no demo, no fault suite (tests marked `slow`). Under a minute; `make test` runs all.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-extraction bench-dates bench-dedup bench-crawl bench-soak bench-distributed bench-export bench-reprocess

bench-extraction: $(STAMP)
	$(BIN)/python bench/extraction.py $(BENCH_DATA)

bench-dates: $(STAMP)
	$(BIN)/python bench/dates.py

bench-dedup: $(STAMP)
	$(BIN)/python bench/dedup.py

bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl.py

bench-soak: $(STAMP)
	$(BIN)/python bench/soak.py

bench-distributed: $(STAMP)
	$(BIN)/python bench/distributed.py

bench-export: $(STAMP)
	$(BIN)/python bench/export.py

bench-reprocess: $(STAMP)
	$(BIN)/python bench/reprocess.py

clean-venv:
	rm -rf $(VENV)
