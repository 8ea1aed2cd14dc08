# Two entry points, each installs what it needs into .venv first (pinned by exercise_cli/data/constraints.txt,
# generated from a working install of apache-airflow 3.3.2; typer held at 0.28.0, as 0.29 parses every
# option through pydantic, 0.1-0.4 s of each command).
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: demo test bench compat clean

$(INSTALLED): pyproject.toml exercise_cli/data/constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c exercise_cli/data/constraints.txt -e ".[test]"
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/exercise run-demo

test: $(INSTALLED)
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: $(INSTALLED)
	$(VENV)/bin/python benchmarks/bench.py

# check --live against real Airflow 3.0.6, 3.1.8, 3.2.2 and 3.3.2 deployments, each in its own venv
# under .compat/ (not part of CI: four installs). RECORD=1 also re-records tests/live/recorded/; EXERCISE=ID: that one only.
compat: $(INSTALLED)
	$(VENV)/bin/python compat/run.py $(if $(RECORD),--record) $(if $(EXERCISE),--exercise $(EXERCISE))

clean:
	rm -rf $(VENV) .compat build dist *.egg-info
