# Two commands do everything on a fresh machine with Python 3.11, make and npm:
#   make book   - set up .venv, install the pinned packages and resample_lib, build the HTML into _build/html
#   make test   - same set-up, then run every test (library unit tests + every notebook under nbval)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
MATHJAX := _vendor/mathjax/es5/tex-chtml.js
# Use the virtual environment's python, jupyter and kernel everywhere.
export PATH := $(BIN):$(PATH)

.PHONY: book test browser-check notebooks bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade-strategy only-if-needed -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

# MathJax comes from the npm registry, pinned by package-lock.json, and is served by the site itself.
$(MATHJAX): package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf _vendor/mathjax && mkdir -p _vendor/mathjax
	cp -r node_modules/mathjax/es5 _vendor/mathjax/es5
	touch $@

book: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . -W -n --keep-going

# Two pytest workers, one thread each: two workers with two OpenMP threads each oversubscribe
# the two cores, and torch's many small parallel ops then slow down by 10-30x.
test: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadscope

# Opens every page of the built site in headless Chromium with other hosts blocked (needs `make book` first).
browser-check: $(STAMP)
	$(BIN)/python tests/browser_check.py _build/html

# Re-execute every chapter in place, top to bottom in a fresh kernel, so the stored outputs are current.
notebooks: $(STAMP)
	for nb in book/*.ipynb; do $(BIN)/jupyter execute --inplace "$$nb" || exit 1; done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf _build _vendor
