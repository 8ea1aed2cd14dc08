# Two entry points, each installs what it needs into .venv first (pinned by exercise_cli/data/constraints.txt,
# generated from a working install of apache-airflow 3.3.2).
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: demo test bench clean

$(INSTALLED): pyproject.toml exercise_cli/data/constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c exercise_cli/data/constraints.txt -e ".[test]"
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/exercise run-demo

test: $(INSTALLED)
	$(VENV)/bin/python -m pytest

bench: $(INSTALLED)
	$(VENV)/bin/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
