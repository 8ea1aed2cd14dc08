"""A task that reports its result but whose process keeps running (an atexit handler) is failed in the
learner's terms, not with the Execution API's refusal the supervisor's late update meets."""

from __future__ import annotations

from pathlib import Path

from conftest import SUBMISSIONS

from exercise_cli.grading.grader import grade


def test_a_producer_whose_process_outlives_its_task_is_told_so(tmp_path: Path) -> None:
    source = (SUBMISSIONS / "passes_classic_operators" / "dags.py").read_text(encoding="utf-8")
    assert "def produce():\n" in source
    mine = tmp_path / "dags"
    mine.mkdir()
    (mine / "dags.py").write_text(source.replace(
        "def produce():\n", "def produce():\n    import atexit, time\n    atexit.register(time.sleep, 3600)\n", 1), encoding="utf-8")
    result = grade(str(mine), task_timeout=10).check("producer_run")
    assert result.status == "failed"
    assert result.message.startswith("the producer's task did not end"), result.message
    assert "ServerResponseError" not in result.message and "Airflow failed" not in result.message
