"""Fixtures for the check unit tests: `load(source)` builds the Submission the trusted side would
build from that DAG source (Airflow's serialization round trip, run here in the test process)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exercise_cli.checks._support import Submission
from exercise_cli.course import load_course


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Airflow, imported in this test process to build the inputs, gets a home of its own (never ~/airflow)."""
    import os

    home = tmp_path_factory.mktemp("airflow-home")
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    return home


@pytest.fixture
def load(tmp_path: Path, airflow_home: Path):
    """load(source, mode="full") -> Submission of that one file, as the trusted side builds it."""

    def build(source: str, mode: str = "full") -> Submission:
        from airflow.dag_processing.dagbag import DagBag
        from airflow.serialization.serialized_objects import DagSerialization

        path = tmp_path / "dags.py"
        path.write_text(textwrap.dedent(source))
        bag = DagBag(dag_folder=str(path))
        return Submission(
            course=load_course(),
            files=["dags.py"],
            dags={i: DagSerialization.from_dict(DagSerialization.to_dict(d)) for i, d in bag.dags.items()},
            import_errors={"dags.py": text for text in bag.import_errors.values()},
            warnings={"dags.py": [str(w) for ws in bag.captured_warnings.values() for w in ws]},
            learner_paths={str(path): "dags.py"},
            mode=mode,
        )

    return build
