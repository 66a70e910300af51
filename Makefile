# The two commands a fresh machine needs: `make results` and `make test`; `make help` lists the rest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORES  ?= all
# The venv first on PATH, so the rules' `evalkit ...` shell commands find the installed entry point.
RUN    := PATH="$(CURDIR)/$(BIN):$$PATH"

.DEFAULT_GOAL := help
.PHONY: help results test lint clean

help: ## List the targets
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "%-8s %s\n", $$1, $$2}'

# Not quiet: on a machine without a pip cache the install takes minutes, and its progress shows it is working.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -e '.[test,bench]'
	touch $(STAMP)

results: $(STAMP) ## Create .venv, install evalkit and run the whole pipeline, then write results/report.html
	$(RUN) $(BIN)/snakemake --cores $(CORES)
	$(RUN) $(BIN)/snakemake --report results/report.html

test: $(STAMP) ## Create .venv, install evalkit and run the test suite
	$(RUN) $(BIN)/python -m pytest

lint: $(STAMP) ## ruff check, ruff format --check, snakefmt --check and snakemake --lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/
	$(RUN) $(BIN)/snakemake --lint

clean: ## Remove .venv and Snakemake's .snakemake folder
	rm -rf $(VENV) .snakemake
