# The reproducible bundle for Wu et al., Lupus 2017;26(6):646-649.
# `make help` lists the targets. Outputs are files, so make rebuilds only what changed;
# `make report` runs the independent notebooks in parallel (JOBS, default: the number of cores).
.DEFAULT_GOAL := help
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

# ---- parameters (override on the command line: make report COHORT=their.csv) ----
COHORT   ?= data/cohort.csv
OUTCOMES ?= prednisone_mg,esr_mm_hr
METHOD   ?= auto
SEED     ?= 0
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
# -j$(JOBS) for the inner build, unless the caller already gave make -j (a jobserver).
PARALLEL  = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))
BUILD    ?= build
REPORTS  ?= reports
FIGURES  ?= figures

# ---- environment: .venv/ from requirements.lock, unless PY names another python ----
VENV       := .venv
PY         ?= $(VENV)/bin/python
ENV_STAMP  := $(if $(filter $(VENV)/bin/python,$(PY)),$(VENV)/.installed,)
UV_VERSION := 0.13.8
export MPLBACKEND := agg
export PYTHONHASHSEED := 0
export PYTHONDONTWRITEBYTECODE := 1

SRC        := $(wildcard src/cohortstats/*.py)
NOTEBOOKS  := 01-cohort 02-outcomes 03-sensitivity
EXECUTED   := $(NOTEBOOKS:%=$(BUILD)/notebooks/%.ipynb)
COHORT_ABS := $(abspath $(COHORT))
RUN_NB     = $(PY) -m cohortstats.build $< $@ --build-dir $(BUILD) \
               -p cohort "$(BUILD)/cohort.csv" -p output_dir "$(BUILD)"
OUTCOME_PARAMS = -p outcomes "$(OUTCOMES)" -p method "$(METHOD)"

.PHONY: help report verify test data lab bench clean env lock hooks reference FORCE

help: ## list the targets (this text)
	@echo "The reproducible bundle for Wu et al., Lupus 2017 (lenalidomide in pediatric SLE)."
	@echo "Usage: make TARGET [COHORT=path.csv] [OUTCOMES=a,b] [METHOD=auto|exact|approx] [SEED=n] [JOBS=n]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## (.*)/  \1\t\2/' | expand -t 12

report: ## regenerate the Results: reports/results.html, results.json, figures/ (COHORT=path for another cohort)
	@$(MAKE) --no-print-directory $(PARALLEL) $(REPORTS)/results.html
	@$(PY) -m cohortstats.verdict summary $(REPORTS)/results.json

verify: ## build, then fail (non-zero exit) if any published number is not reproduced
	@$(MAKE) --no-print-directory $(PARALLEL) $(REPORTS)/results.html
	@$(PY) -m cohortstats.verdict verify $(REPORTS)/results.json

test: $(ENV_STAMP) ## run the test suite (unit tests, whole pipeline, browser test)
	@$(PY) -m pytest -q -p no:cacheprovider

data: $(ENV_STAMP) ## rebuild data/cohort.csv from data/published.yml (SEED=n writes data/cohort-seed<n>.csv)
	@$(PY) -m cohortstats.reconstruct --seed $(SEED) \
	    --out $(if $(filter 0,$(SEED)),data/cohort.csv,data/cohort-seed$(SEED).csv)

lab: $(ENV_STAMP) ## open the notebooks in JupyterLab, on the project's environment
	@$(PY) -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(ENV_STAMP) ## print timings: signed-rank engine vs R coin, builds (cold, warm, no-op, big cohort)
	@bash tools/setup-r.sh || echo "(coin timings will be skipped)"
	@echo "== bench/bench_signed_rank.py"; $(PY) bench/bench_signed_rank.py
	@echo "== bench/bench_build.py"; $(PY) bench/bench_build.py

reference: ## regenerate tests/reference/signed_rank_reference.json with R (coin, exactRankTests)
	@bash tools/setup-r.sh
	Rscript tests/reference/signed_rank_reference.R > tests/reference/signed_rank_reference.json.tmp
	mv tests/reference/signed_rank_reference.json.tmp tests/reference/signed_rank_reference.json

hooks: $(ENV_STAMP) ## strip notebook outputs on every commit (nbstripout as this clone's git filter)
	@$(PY) -m nbstripout --install && echo "nbstripout installed for notebooks/*.ipynb"

env: $(ENV_STAMP) ## create the environment (.venv/) if missing

lock: ## re-resolve requirements.lock from the pins in environment.yml (needs the network)
	@$(PY) tools/lock.py

clean: ## remove generated outputs (build/, reports/, figures); keeps the environment
	rm -rf $(BUILD) $(REPORTS)
	find $(FIGURES) -maxdepth 1 -type f ! -name README.md -delete 2>/dev/null || true

# ---- the environment ----
$(VENV)/.installed: requirements.lock pyproject.toml
	@bash tools/setup-env.sh $(VENV) $(UV_VERSION)
	@touch $@

# ---- the pipeline ----
# params.txt changes only when a parameter does, so changing COHORT rebuilds.
# The notebooks read the cohort through the link $(BUILD)/cohort.csv, so the executed
# notebooks record a path inside the bundle, not where the user keeps the file.
$(BUILD)/params.txt: FORCE
	@mkdir -p $(BUILD)
	@printf 'COHORT=%s\nOUTCOMES=%s\nMETHOD=%s\n' "$(COHORT_ABS)" "$(OUTCOMES)" "$(METHOD)" > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(BUILD)/cohort.ok: $(wildcard $(COHORT)) $(BUILD)/params.txt src/cohortstats/cohortfile.py $(ENV_STAMP)
	@$(PY) -m cohortstats.cohortfile "$(COHORT)" --outcomes "$(OUTCOMES)" --cache $(BUILD)/cache
	@ln -sfn "$(COHORT_ABS)" $(BUILD)/cohort.csv
	@touch $@

$(BUILD)/notebooks/01-cohort.ipynb: notebooks/01-cohort.ipynb $(BUILD)/cohort.ok $(SRC)
	@$(RUN_NB)

$(BUILD)/notebooks/02-outcomes.ipynb: notebooks/02-outcomes.ipynb $(BUILD)/cohort.ok $(SRC)
	@$(RUN_NB) $(OUTCOME_PARAMS)

$(BUILD)/notebooks/03-sensitivity.ipynb: notebooks/03-sensitivity.ipynb $(BUILD)/cohort.ok $(SRC)
	@$(RUN_NB) $(OUTCOME_PARAMS)

$(REPORTS)/results.html: $(EXECUTED) data/published.yml $(SRC)
	@$(PY) -m cohortstats.report --build $(BUILD) --published data/published.yml \
	    --reports $(REPORTS) --figures $(FIGURES)

$(REPORTS)/results.json: $(REPORTS)/results.html
