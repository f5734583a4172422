# The reproducible bundle for Wu et al., Lupus 2017;26(6):646-649.
# `make help` lists the targets.
#
# Parameters (declared in src/cohortstats/core/parameters.py) are handed to Python as data: each is exported unexpanded as CS_<NAME>
# ($(value ...)), and no recipe splices one into shell text, so any file name the file
# system allows works and none can run a command. `python -m cohortstats.pipeline` keys
# the build on the cohort's SHA-256, the parameters and the code, and rebuilds only
# what changed (a notebook, the data, the code); the environment is a file target.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

# ---- parameters: declared once, in src/cohortstats/core/parameters.py (names, defaults, help) ----
# make reads their names from there; a parameter given on the command line or in the
# environment is exported, unexpanded, as CS_<NAME>; one not given takes the default there.
# The names are kept in .make/parameters.mk, remade only when parameters.py changes (make
# rereads it then), so a build with nothing to do starts no Python to learn them.
include .make/parameters.mk
.make/parameters.mk: src/cohortstats/core/parameters.py
	@mkdir -p .make && names=$$(PYTHONPATH=src python3 -m cohortstats.core.parameters make-names) \
	  && [ -n "$$names" ] && echo "PARAMETERS := $$names" > $@.tmp && mv $@.tmp $@
# Never expanded, never exported under their own names: only as CS_<NAME>, unexpanded.
unexport $(PARAMETERS)
$(foreach p,$(PARAMETERS),$(if $(filter command line environment environment override,$(origin $(p))),\
  $(eval export CS_$(p) := $$(value $(p)))))

# ---- environment: .venv/ from requirements.lock, unless PY names another python ----
VENV       := .venv
PY         ?= $(VENV)/bin/python
ENV_STAMP  := $(if $(filter $(VENV)/bin/python,$(PY)),$(VENV)/.installed,)
UV_VERSION := 0.13.8
export PYTHONHASHSEED := 0
# Python keeps the bytecode it compiles in .venv/ (tools/setup-env.sh compiles only what a build
# imports; the rest is compiled on first use and kept), whatever the calling shell says.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help report verify cohort test test-fast data lab bench clean env lock hooks reference browser postgres

help: ## list the targets (this text)
	@echo "The reproducible bundle for Wu et al., Lupus 2017 (lenalidomide in pediatric SLE)."
	@echo "Usage: make TARGET [NAME=value ...]"
	@echo
	@echo "Targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-zA-Z_-]+):.*## (.*)/  \1\t\2/' | expand -t 12
	@echo
	@PYTHONPATH=src python3 -m cohortstats.core.parameters help

report: $(ENV_STAMP) ## regenerate the Results: reports/results.html, results.json, figures/ (COHORT=path for another cohort)
	@MPLBACKEND=agg $(PY) -m cohortstats.pipeline report

verify: $(ENV_STAMP) ## build, then fail (non-zero exit) unless every published number is reproduced
	@MPLBACKEND=agg $(PY) -m cohortstats.pipeline verify

cohort: $(ENV_STAMP) ## extract the cohort from an OMOP CDM into a cohort file (CDM=url OUT=cohort.csv)
	@$(PY) -m cohortstats.pipeline cohort

# pytest with only the plugins the suite uses, named: an autoloaded plugin's whole package
# (hypothesis's 100 modules) is assertion-rewritten and compiled again in every worker (~2 s each).
# Bytecode is written (PYTHONDONTWRITEBYTECODE is unexported above; __pycache__/ is ignored by
# git): otherwise every worker, and every build and kernel a test starts, compiles src/ and
# assertion-rewrites tests/ again (~2 s of CPU a worker). --dist loadscope: a module's tests run
# in one worker, so its module-scoped fixtures (the notebooks run in process) are made once.
PYTEST = PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 MPLBACKEND=agg \
         $(PY) -m pytest -q -p no:cacheprovider -p xdist.plugin -p _hypothesis_pytestplugin \
         -n 2 --dist loadscope

test: $(ENV_STAMP) browser postgres ## run the whole test suite (unit tests, notebooks, pipeline, browser, PostgreSQL)
	@$(PYTEST)

test-fast: $(ENV_STAMP) ## run the unit tests only (no notebook, no build, no browser)
	@$(PYTEST) -m "not slow"

browser: ## install what the browser test needs (Debian's chromium, pinned axe-core)
	@bash tools/setup-browser.sh

postgres: ## install what the PostgreSQL tests need (Debian's postgresql; the tests start their own server)
	@bash tools/setup-postgres.sh || [ $$? = 77 ]

data: $(ENV_STAMP) ## rebuild data/cohort.csv from data/published.yml (SEED=n writes data/cohort-seed<n>.csv)
	@$(PY) -m cohortstats.inputs.reconstruct --out-default

lab: $(ENV_STAMP) ## open the notebooks in JupyterLab, on the project's kernel (LAB_ARGS: extra options)
	@$(PY) -m cohortstats.pipeline.lab
	@env -u MPLBACKEND $(PY) -m jupyterlab --notebook-dir=notebooks --KernelSpecManager.ensure_native_kernel=False \
	    $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(ENV_STAMP) ## print timings: signed-rank engine vs R coin, builds (cold, warm, no-op, big cohort), OMOP extraction, the test suites
	@bash tools/setup-r.sh || echo "(coin timings will be skipped)"
	@echo "== bench/bench_signed_rank.py"; $(PY) bench/bench_signed_rank.py
	@echo "== bench/bench_build.py"; $(PY) bench/bench_build.py
	@echo "== bench/bench_omop.py"; $(PY) bench/bench_omop.py
	@echo "== bench/bench_suite.py"; $(PY) bench/bench_suite.py

reference: ## regenerate tests/reference/signed_rank_reference.json with R (coin, exactRankTests)
	@bash tools/setup-r.sh
	Rscript tests/reference/signed_rank_reference.R > tests/reference/signed_rank_reference.json.tmp
	mv tests/reference/signed_rank_reference.json.tmp tests/reference/signed_rank_reference.json

hooks: $(ENV_STAMP) ## strip notebook outputs on every commit (nbstripout as this clone's git filter)
	@$(PY) -m nbstripout --install && echo "nbstripout installed for notebooks/*.ipynb"

env: $(ENV_STAMP) ## create the environment (.venv/) if missing

lock: ## re-resolve requirements.lock from the pins in environment.yml (needs the network)
	@$(PY) tools/lock.py

clean: ## remove generated outputs (build/, reports/, scratch/, figures); keeps the environment
	@PYTHONPATH=src python3 -m cohortstats.pipeline clean

# ---- the environment ----
$(VENV)/.installed: requirements.lock pyproject.toml
	@bash tools/setup-env.sh $(VENV) $(UV_VERSION)
	@touch $@
