# The Softmax Book. `make book` builds the HTML, `make test` runs every test.
# Both create the virtual environment .venv and install requirements.txt first when needed.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(abspath $(VENV))/bin
# Installed when requirements.txt or pyproject.toml is newer than this stamp.
STAMP  := $(VENV)/.installed

# Notebooks run with the book's own Python and kernel, whatever else the machine has.
export PATH        := $(BIN):$(PATH)
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# The execution cache keys on code cells only; this hash of the library and the pins
# clears it when they change, so the HTML never shows an older softmax_lib's outputs.
CACHE    := _build/.jupyter_cache
LIB_HASH  = $(shell find softmax_lib -name '*.py' | LC_ALL=C sort | xargs cat requirements.txt | sha256sum | cut -c1-16)

.PHONY: book test install lab clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	@if [ "$$(cat $(CACHE)/softmax_lib.hash 2>/dev/null)" != "$(LIB_HASH)" ]; then \
		echo "softmax_lib or requirements.txt changed: clearing the execution cache"; rm -rf $(CACHE); fi
	$(BIN)/jupyter-book build . -W -n --keep-going --all
	mkdir -p $(CACHE) && echo "$(LIB_HASH)" > $(CACHE)/softmax_lib.hash
	@echo "The book is at _build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest softmax_lib tests book --nbval --nbval-current-env

lab: $(STAMP)
	$(BIN)/jupyter lab book/

clean:
	rm -rf _build
