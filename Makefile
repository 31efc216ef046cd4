# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_DATA ?= ../shared/benchmarks/article-extraction

.PHONY: demo test lint format bench bench-extraction bench-dates bench-dedup bench-crawl bench-export clean-venv

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsbot demo

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-extraction bench-dates bench-dedup bench-crawl bench-export

bench-extraction: $(STAMP)
	$(BIN)/python bench/extraction.py $(BENCH_DATA)

bench-dates: $(STAMP)
	$(BIN)/python bench/dates.py

bench-dedup: $(STAMP)
	$(BIN)/python bench/dedup.py

bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl.py

bench-export: $(STAMP)
	$(BIN)/python bench/export.py

clean-venv:
	rm -rf $(VENV)
