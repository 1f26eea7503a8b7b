# Developer loop: one command each. The first target run creates .venv from uv.lock.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test test-fast lint format bench docs clean

# uv lives in its own venv: `uv sync` removes anything not in the lock from .venv.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

install: $(VENV)/.installed

demo: install  # rebuilds the demo: vigie demo refuses a folder that holds a workspace
	rm -rf demo-workspace
	$(BIN)/vigie demo demo-workspace

test: install
	$(BIN)/pytest -n 2

test-fast: install
	$(BIN)/pytest -n 2 -m "not spark and not postgres and not slow and not browser"

lint: install
	$(BIN)/ruff check
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff check --fix
	$(BIN)/ruff format src tests benchmarks

bench: install
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

docs: install
	$(BIN)/vigie schema --markdown > docs/data-model.md

clean:
	rm -rf $(VENV) $(TOOLS) demo-workspace .pytest_cache
