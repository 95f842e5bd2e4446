# The two commands: `make demo` runs the bot's main job, `make test` runs the checks.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME := $(VENV)/.runtime-installed

.PHONY: demo test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# `make demo` needs only the runtime; `make test` adds the dev tools (which include it).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUNTIME)

# With a token (environment or .env, read by the settings loader itself: `export` lines,
# quotes, comments) the bot runs; without one, `newsbot demo` plays the bot's main job on
# the built-in emulator (no token, no network) and exits by itself. Bad settings stop here.
demo: $(RUNTIME)
	@status=0; $(BIN)/newsbot check --has-token || status=$$?; \
	if [ $$status -eq 0 ]; then \
		$(BIN)/newsbot run; \
	elif [ $$status -eq 1 ]; then \
		$(BIN)/newsbot demo; \
	else \
		exit $$status; \
	fi

# pytest runs on every core (pytest-xdist); work stealing evens out the few long tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -n auto --dist worksteal

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
