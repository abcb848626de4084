# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test eval-fast lint typecheck check clean

install: $(VENV)/.installed

# torch first, pinned: it takes the local CPU wheel; anything else would pull gigabytes of CUDA.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

# Index the bundled corpus (and a brand file's extra folders: make run BRAND=examples/brand.yaml),
# then serve the web app on http://127.0.0.1:7860/ (HOST=0.0.0.0 PORT=8080 to change).
HOST ?= 127.0.0.1
PORT ?= 7860
run: install
	$(BIN)/social-audit $(if $(BRAND),--brand $(BRAND)) ingest
	$(BIN)/social-audit $(if $(BRAND),--brand $(BRAND)) serve --host $(HOST) --port $(PORT)

# pytest's exit code 5 means no test ran: that is a failure here, never a silent pass.
test: install
	$(BIN)/pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The fast eval that gates CI: index the bundled corpus into a temporary home, then run every
# suite's fast subset against evals/thresholds.yaml (exit 1 on a miss or, with
# EVAL_ARGS="--baseline DIR", a regression). The report stays in $(EVAL_OUT).
EVAL_OUT ?= reports/eval-fast
eval-fast: install
	home=$$(mktemp -d) && trap 'rm -rf "$$home"' EXIT && \
	$(BIN)/social-audit --home "$$home" ingest && \
	$(BIN)/social-audit --home "$$home" eval --fast --out "$(EVAL_OUT)" $(EVAL_ARGS)

lint: install
	$(BIN)/ruff check bot ingest evals tests

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
