# OpsLens: two commands.
#   make report   set up .venv (if needed), build the store from data/sample, run the weekly report
#   make test     set up .venv (if needed), run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.opslens-installed
WEEK   ?= latest

.PHONY: report test setup clean-store

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OpsLens needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/opslens ingest data/sample/html data/sample/feed.xml data/sample/sample.warc.gz
	$(BIN)/opslens report --week $(WEEK)

test: $(STAMP)
	bash .ci/system-deps
	$(BIN)/python -m pytest

clean-store:
	rm -rf data/store
