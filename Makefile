# The Softmax Book. `make book` builds the HTML, `make test` runs every test.
# Both create the virtual environment .venv and install requirements.txt first when needed.
#   make book SOLUTIONS=hidden   the edition without solutions, in _build/hidden-solutions/_build/html
#   make test-browser            every built page in headless Chromium, offline (installs Chromium if missing)
#   make student                 student notebooks without solutions, in student/
#   make assignments             every chapter's exercises as an nbgrader assignment, in _build/assignments
#   make lab                     JupyterLab on the chapters, with the book's own environment (_build/lab)
#   make lint                    the notebooks' code formatted for the page (ruff, 79 columns)
#   make site                    everything above in one folder for a static host, in _build/site
#   make test-site               the browser test over _build/site

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(abspath $(VENV))/bin
# Installed when requirements.txt or pyproject.toml is newer than this stamp.
STAMP  := $(VENV)/.installed

# Notebooks run with the book's own Python and kernel, whatever else the machine has.
export PATH        := $(BIN):$(PATH)
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# "shown" or "hidden"; the hidden edition is built beside the main one, not over it.
SOLUTIONS ?= shown
BOOK_OUT  := $(if $(filter hidden,$(SOLUTIONS)),_build/hidden-solutions,.)

# The execution cache (one for every build: execute.cache in _config.yml) keys on code cells
# only; this hash of the library and the pins clears it when they change, so the HTML never
# shows an older softmax_lib's outputs.
CACHE    := _build/.jupyter_cache
LIB_HASH  = $(shell find softmax_lib -name '*.py' | LC_ALL=C sort | xargs cat requirements.txt | sha256sum | cut -c1-16)
RECORD_CACHE_HASH = mkdir -p $(CACHE) && echo "$(LIB_HASH)" > $(CACHE)/softmax_lib.hash

# Every thread pool the notebooks' libraries use, forced to one thread.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1

# Slides: reveal.js from the npm registry, pinned, and the book's own MathJax, copied beside the decks.
SLIDES         := _build/slides
REVEAL_VERSION := 4.0.2
MATHJAX        = $(shell $(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/sphinx-mathjax-offline/static/mathjax

.PHONY: book test test-browser chromium fresh-cache student assignments slides install lab clean lint site test-site

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

book: $(STAMP) fresh-cache
	BOOK_SOLUTIONS=$(SOLUTIONS) $(BIN)/jupyter-book build . --path-output $(BOOK_OUT) -W -n --keep-going --all
	$(RECORD_CACHE_HASH)
	@echo "The book is at $(BOOK_OUT)/_build/html/index.html"

# The type check of softmax_lib (mypy, configured in pyproject.toml); unit tests (SciPy's own tests
# of softmax, log_softmax and logsumexp among them), doctests, the student edition, and nbval over
# every notebook; then nbval again with one thread on other kernels (tools/other_kernels.py: the
# lowest instruction-set level of NumPy, PyTorch, oneDNN, MKL, OpenBLAS and XLA, the nearest this
# CPU gets to an ARM machine's kernels), because no printed digit may depend on the CPU, its
# instruction set or the thread count.
# `make test OTHER_KERNELS=--one-level-down` runs the second pass one level below this CPU's best
# (AVX2 on an AVX-512 machine) instead.
# pytest-xdist runs one worker per core; conftest.py keeps each notebook whole on one worker.
OTHER_KERNELS ?= --lowest
PYTEST_NBVAL  := -n auto --nbval --nbval-current-env
test: $(STAMP) lint
	$(BIN)/mypy
	$(BIN)/python -m pytest softmax_lib tests book $(PYTEST_NBVAL)
	$(ONE_THREAD) $(BIN)/python tools/other_kernels.py $(OTHER_KERNELS) -- \
		$(BIN)/python -m pytest book $(PYTEST_NBVAL) -q

# Code that fits the page: the HTML book shows 79 monospace columns at a 1280-pixel window
# (browser_tests/test_code_fits_the_page.py), so every code cell is formatted by ruff with the
# line length of pyproject.toml (79), and no line is longer than that, even where ruff cannot
# break it (a long string or comment): E501. tests/test_outputs_fit_the_page.py does the same
# for the printed outputs.
lint: $(STAMP)
	$(BIN)/ruff format --check book/*.ipynb
	$(BIN)/ruff check --select E501 book/*.ipynb

test-browser: $(STAMP)
	@test -f $(BOOK_OUT)/_build/html/index.html || $(MAKE) book
	@test -f _build/hidden-solutions/_build/html/index.html || $(MAKE) book SOLUTIONS=hidden
	@ls $(SLIDES)/*.slides.html >/dev/null 2>&1 || $(MAKE) slides
	@command -v chromium >/dev/null || $(MAKE) chromium
	BOOK_HTML=$(BOOK_OUT)/_build/html BOOK_SCREENSHOTS=$(BOOK_OUT)/_build/screenshots \
		$(BIN)/python -m pytest browser_tests --ignore=browser_tests/test_site.py

# Debian's Chromium: the browser test never downloads a browser of its own.
chromium:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y --no-install-recommends chromium

# Every build that executes notebooks (book, pdf) starts here and records the hash when it is done.
fresh-cache:
	@if [ "$$(cat $(CACHE)/softmax_lib.hash 2>/dev/null)" != "$(LIB_HASH)" ]; then \
		echo "softmax_lib or requirements.txt changed: clearing the execution cache"; rm -rf $(CACHE); fi

student: $(STAMP)
	$(BIN)/python tools/student_notebooks.py book student

# nbgrader's course directory: source/<chapter>/ with solutions and hidden tests (assignments/),
# release/<chapter>/ without them, and gradebook.db. The course guide says how to grade with it.
assignments: $(STAMP)
	$(BIN)/python tools/assignment_notebooks.py _build/assignments

# One reveal.js deck per chapter, made of the cells whose slide metadata puts them on a slide.
slides: $(STAMP)
	mkdir -p $(SLIDES)
	test -f $(SLIDES)/reveal.js/dist/reveal.js || ( cd $(SLIDES) && npm pack --silent reveal.js@$(REVEAL_VERSION) \
		&& mkdir -p reveal.js && tar -xzf reveal.js-$(REVEAL_VERSION).tgz -C reveal.js --strip-components=1 \
		&& rm reveal.js-$(REVEAL_VERSION).tgz )
	rm -rf $(SLIDES)/mathjax && cp -r $(MATHJAX) $(SLIDES)/mathjax
	$(BIN)/python tools/slides.py $(SLIDES) book/*.ipynb
	@echo "The slides are in $(SLIDES)/<chapter>.slides.html"

# JupyterLab renders the chapters' MyST with jupyterlab-myst; tools/lab_notebooks.py first writes
# the copies it opens (_build/lab), with the citations, links to other chapters and glossary terms
# that jupyterlab-myst cannot resolve rewritten. A copy the reader has changed is never overwritten.
# The sources stay in book/ (`$(BIN)/jupyter lab book/` opens them).
LAB := _build/lab
lab: $(STAMP)
	$(BIN)/python tools/lab_notebooks.py book $(LAB)
	$(BIN)/jupyter lab $(LAB)

clean:
	rm -rf _build

# The PDF edition: Jupyter Book's LaTeX builder with XeLaTeX, from the same execution cache as
# `make book` (nothing is executed twice), into $(BOOK_OUT)/_build/latex/softmax-book.pdf.
#   make pdf SOLUTIONS=hidden   the edition without solutions, in _build/hidden-solutions/_build/latex
#   make test-pdf               builds the PDF if missing, checks it, renders pages to _build/pdf-pages
# TeX comes from Debian's packages, installed by `make tex` only when something is missing.
PDF_DIR   := $(BOOK_OUT)/_build/latex
PDF       := $(PDF_DIR)/softmax-book.pdf
PDF_PAGES := $(BOOK_OUT)/_build/pdf-pages
TEX_DEBS  := texlive-xetex texlive-fonts-recommended latexmk fonts-freefont-otf fonts-dejavu-core poppler-utils
ROOT_OR_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: pdf test-pdf tex

pdf: $(STAMP) tex fresh-cache
	rm -f $(PDF_DIR)/*.fdb_latexmk $(PDF_DIR)/*.idx
	BOOK_SOLUTIONS=$(SOLUTIONS) $(BIN)/jupyter-book build . --builder pdflatex --path-output $(BOOK_OUT) -W -n --keep-going --all
	$(RECORD_CACHE_HASH)
	@echo "The PDF is at $(PDF)"

test-pdf: $(STAMP) tex
	@test -f $(PDF) || $(MAKE) pdf
	BOOK_PDF=$(PDF) BOOK_PDF_PAGES=$(PDF_PAGES) BOOK_SOLUTIONS=$(SOLUTIONS) $(BIN)/python -m pytest pdf_tests

# XeLaTeX, the LaTeX packages Sphinx's LaTeX writer loads, the fonts softmaxbook.sty names, and
# poppler-utils for the test; texlive-xetex brings texlive-latex-extra and texlive-pictures.
tex:
	@missing=""; \
	command -v xelatex >/dev/null || missing="$$missing texlive-xetex"; \
	kpsewhich titlesec.sty tabulary.sty needspace.sty pict2e.sty >/dev/null || missing="$$missing texlive-xetex"; \
	kpsewhich pzdr.tfm >/dev/null || missing="$$missing texlive-fonts-recommended"; \
	command -v latexmk >/dev/null || missing="$$missing latexmk"; \
	kpsewhich FreeSerif.otf FreeSans.otf >/dev/null || missing="$$missing fonts-freefont-otf"; \
	kpsewhich DejaVuSansMono.ttf >/dev/null || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the PDF:$$missing"; \
		$(ROOT_OR_SUDO) apt-get update && \
		$(ROOT_OR_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

# The published site, one folder for any static host (README: "Publishing"): the HTML book, the
# edition without solutions, both PDFs, the slides and the student notebooks, laid out as
# _ext/book_downloads.py says, so that every link between them works (tools/site.py assembles it).
# Each part is built afresh; the notebooks run once, into the shared execution cache.
SITE := _build/site

site: $(STAMP)
	$(MAKE) book
	$(MAKE) book SOLUTIONS=hidden
	$(MAKE) pdf
	$(MAKE) pdf SOLUTIONS=hidden
	$(MAKE) slides
	$(MAKE) student
	$(BIN)/python tools/site.py $(SITE)

# The browser test over the site: every page of both editions, every link between the book, the
# PDFs, the slides and the zip, each chapter's page weight.
test-site: $(STAMP)
	@test -f $(SITE)/index.html || $(MAKE) site
	@command -v chromium >/dev/null || $(MAKE) chromium
	BOOK_SITE=$(SITE) BOOK_SCREENSHOTS=_build/site-screenshots $(BIN)/python -m pytest browser_tests/test_site.py
