# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-sectors bench-check bench-solve bench-app bench-compare bench-sweep bench-report screenshot architecture clean setup

setup: $(STAMP)

# Re-install only when the project's requirements change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address 127.0.0.1

# Every core: test files spread over workers; the browser tests share one worker (they start
# app servers and Chromium, and time the page), see xdist_group("browser").
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: bench-sectors bench-check bench-solve bench-app bench-compare bench-sweep bench-report

bench-sectors: $(BENCH_STAMP)
	$(BIN)/python -m bench.sectors

bench-check: $(STAMP)
	$(BIN)/python -m bench.check

bench-solve: $(STAMP)
	$(BIN)/python -m bench.solve

bench-app: $(STAMP)
	$(BIN)/python -m bench.app

bench-report: $(STAMP)
	$(BIN)/python -m bench.report

bench-compare: $(STAMP)
	$(BIN)/python -m bench.compare

bench-sweep: $(STAMP)
	$(BIN)/python -m bench.sweep

screenshot: $(STAMP)
	$(BIN)/python -m bench.screenshot

architecture: $(STAMP)
	$(BIN)/python docs/make_architecture.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
