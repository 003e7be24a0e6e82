# alignlessons — two commands for a fresh machine:
#   make lab    set up (first time only) and open the course in JupyterLab
#   make test   set up (first time only) and run every test
# Everything else here is for contributors (see README.md, "For contributors").

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
COURSE_DIR ?= $(CURDIR)
# JupyterLab refuses to run as root unless told; containers and CI often run as root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# nbgrader shells out to tools in the virtualenv (alembic): keep its bin/ first on PATH.
# JUPYTER_PATH puts the virtualenv's kernels and extensions before any user-level ones.
export PATH := $(BIN):$(PATH)
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: lab instructor-lab test lint setup hub-setup outputs assignments html site bench lock clean help

help:
	@echo "make lab    - open the course in JupyterLab (extra server options: make lab ARGS='--no-browser --port=8899')"
	@echo "make instructor-lab - JupyterLab with nbgrader's instructor tools (COURSE_DIR=your course root)"
	@echo "make test   - lint, then run every test (unit, nbval over lessons, nbgrader round trip, browser tests if chromium is installed)"
	@echo "contributors: make lint | make outputs | make assignments | make html | make site | make bench | make lock"
	@echo "make site   - build the course website (static, offline) into _build/site/ (publish that folder)"

$(STAMP): requirements.lock pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "alignlessons needs Python >= 3.11; run: make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@# Offline course: JupyterLab must not fetch news or check for updates.
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' \
		> $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# JavaScript for the browser tests only (axe-core, pinned in tests/js/package-lock.json), installed
# at set-up; without npm the accessibility checks are skipped with a reason.
AXE_STAMP := tests/js/node_modules/.installed
$(AXE_STAMP): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/js --no-audit --no-fund --loglevel=error && touch $(AXE_STAMP); \
	else echo "npm not found: the site's accessibility (axe-core) checks will be skipped (apt-get install npm)"; fi

setup: $(STAMP) $(AXE_STAMP)

# The class server's proxy (configurable-http-proxy, pinned by deploy/jupyterhub/package-lock.json).
# Without npm it is skipped, and so is the class-server test (it says why).
HUB_STAMP := deploy/jupyterhub/node_modules/.installed
$(HUB_STAMP): deploy/jupyterhub/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix deploy/jupyterhub --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@ \
		|| echo "note: npm ci failed, the class-server proxy is not installed (tests marked hub will skip)"; \
	else echo "note: npm not found, the class-server proxy is not installed (tests marked hub will skip)"; fi

hub-setup: $(STAMP) $(HUB_STAMP)

# Learner mode: no nbgrader authoring or grading UI (deploy/jupyter/learner switches it off).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/deploy/jupyter/learner$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(COURSE_DIR)" \
		--LabApp.default_url=/lab/tree/lessons/00_start_here.ipynb $(ROOT_FLAG) $(ARGS)

# Instructors: JupyterLab with nbgrader's Formgrader, Create Assignment, Validate and course
# menus, in a course root (COURSE_DIR=~/alignlessons-2026) or in this repository (.nbgrader/).
# (nbgrader's formgrader reads the nbgrader_config.py of the folder the server starts in.)
instructor-lab: $(STAMP)
	cd "$(COURSE_DIR)" && $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(COURSE_DIR)" $(ROOT_FLAG) $(ARGS)

# The quality baseline (configured in pyproject.toml); `make test` runs it first and stops at
# the first tool that reports a finding. Offline: every tool is pinned in requirements.lock.
lint: $(STAMP)
	@echo "lint: ruff check (fix most with: $(VENV)/bin/ruff check --fix)"
	@$(BIN)/ruff check --quiet || { echo "lint: ruff check found the problems above"; exit 1; }
	@echo "lint: ruff format --check (fix with: $(VENV)/bin/ruff format)"
	@$(BIN)/ruff format --check || { echo "lint: the files above need $(VENV)/bin/ruff format"; exit 1; }
	@echo "lint: mypy (models/, content/)"
	@$(BIN)/mypy || { echo "lint: mypy found the type errors above"; exit 1; }
	@echo "lint: lint-imports (layer contracts in pyproject.toml)"
	@$(BIN)/lint-imports --no-cache || { echo "lint: an import breaks a layer contract (see above)"; exit 1; }

test: lint $(AXE_STAMP) $(HUB_STAMP)
	$(BIN)/python -m pytest tests lessons --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --durations=15 $(ARGS)

# Re-execute every lesson in a fresh kernel and store its outputs (then review the diff).
outputs: $(STAMP)
	$(BIN)/alignlessons refresh-outputs $(ARGS)

# Regenerate the committed student versions in assignments/ from solutions/.
assignments: $(STAMP)
	$(BIN)/alignlessons generate-assignments $(ARGS)

# Export every lesson to standalone, offline HTML under _build/html/.
html: $(STAMP)
	$(BIN)/alignlessons export-html $(ARGS)

# Build the course website (static, offline, runs no Python) into _build/site/.
site: $(STAMP)
	$(BIN)/alignlessons build-site $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m alignlessons.bench $(ARGS)

# Re-resolve the pinned set from pyproject.toml (needs the package index) and write requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[test,site,hub]'
	.lock-venv/bin/pip freeze --exclude-editable --exclude alignlessons > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .nbgrader _build artifacts .pytest_cache .ruff_cache .mypy_cache tests/js/node_modules deploy/jupyterhub/node_modules
