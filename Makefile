# Two commands do everything on a fresh machine with Python 3.11, make and npm:
#   make book   - set up .venv, install the pinned packages and resample_lib, build the HTML into _build/html
#                 (English) and _build/html/zh (the Chinese edition, translated in locale/zh_CN, same outputs)
#   make test   - same set-up, then run every test (library unit tests + every notebook under nbval)
# Also: make slides (reveal.js decks into _build/slides), make pdf (the book as PDF into _build/pdf, after make book).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
MATHJAX := _vendor/mathjax/es5/tex-chtml.js
CJK_FONT := _vendor/fonts/noto-sans-sc.css
NODE_STAMP := node_modules/.installed
SLIDES := _build/slides
# Use the virtual environment's python, jupyter and kernel everywhere.
export PATH := $(BIN):$(PATH)

.PHONY: book translations test browser-check slides slides-check pdf pdf-check notebooks bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade-strategy only-if-needed -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

# Third-party web assets come from the npm registry, pinned by package-lock.json: MathJax, served by the
# site itself, and reveal.js, require.js and jQuery, served next to the slides.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(MATHJAX): $(NODE_STAMP)
	rm -rf _vendor/mathjax && mkdir -p _vendor/mathjax
	cp -r node_modules/mathjax/es5 _vendor/mathjax/es5
	touch $@

# Noto Sans SC, CJK subsets only, served by the site itself (see tools/vendor_cjk_font.py).
$(CJK_FONT): $(NODE_STAMP) tools/vendor_cjk_font.py
	$(BIN)/python tools/vendor_cjk_font.py

# The English edition, then the Chinese one from the same execution cache (nothing runs twice).
book: $(STAMP) $(MATHJAX) $(CJK_FONT)
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python tools/translations.py build

# After editing English prose: merge the new messages into locale/zh_CN (changed ones turn fuzzy), then list
# what needs translating. tests/test_translations.py fails until every message has a current translation.
translations: $(STAMP)
	$(BIN)/python tools/translations.py update
	$(BIN)/python tools/translations.py check || true

# Two pytest workers, one thread each: two workers with two OpenMP threads each oversubscribe
# the two cores, and torch's many small parallel ops then slow down by 10-30x.
test: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadscope

# Opens every page of the built site in headless Chromium with other hosts blocked (needs `make book` first).
browser-check: $(STAMP)
	$(BIN)/python tests/browser_check.py _build/html

# One reveal.js deck per chapter from its stored outputs (nothing re-runs), with every asset copied next to the decks.
slides: $(STAMP) $(NODE_STAMP)
	rm -rf $(SLIDES) && mkdir -p $(SLIDES)/vendor/reveal.js $(SLIDES)/vendor/mathjax
	cp -r node_modules/reveal.js/dist node_modules/reveal.js/plugin node_modules/reveal.js/LICENSE $(SLIDES)/vendor/reveal.js/
	cp -r node_modules/mathjax/es5 node_modules/mathjax/LICENSE $(SLIDES)/vendor/mathjax/
	cp node_modules/requirejs/require.js node_modules/jquery/dist/jquery.min.js $(SLIDES)/vendor/
	$(BIN)/python tools/make_slides.py --out $(SLIDES)

# Opens every deck in headless Chromium with other hosts blocked and steps through all its slides.
slides-check: $(STAMP)
	$(BIN)/python tests/slides_check.py $(SLIDES)

# The built site printed by headless Chromium into one PDF per edition (students; with solutions), needs `make book`.
pdf: $(STAMP)
	$(BIN)/python tools/make_pdf.py _build/html --out _build/pdf

pdf-check: $(STAMP)
	$(BIN)/python tests/pdf_check.py _build/pdf

# Re-execute every chapter in place, top to bottom in a fresh kernel, so the stored outputs are current.
notebooks: $(STAMP)
	for nb in book/*.ipynb; do $(BIN)/jupyter execute --inplace "$$nb" || exit 1; done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf _build _vendor
