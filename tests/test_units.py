"""Small pure pieces: reading task output, spotting timestamps, verdicts from records."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from exercise_cli.checks._timestamps import timestamps_within
from exercise_cli.course import load_course
from exercise_cli.results import CheckResult, build_report
from exercise_cli.worker.capture import task_output

RAW = """\
2026-11-23T22:26:32.498527Z [info     ] [DAG TEST] running task <TaskInstance: c.consume asset_triggered__2026-11-23T22:26:32.400515+00:00_j [scheduled] ti_id=01> [airflow.sdk.definitions.dag] loc=dag.py:1504
2026-11-23T22:26:32.542652Z [info     ] ::endgroup::                   [task] loc=task_runner.py:2232
Data is available for processing!
2026-11-23T22:26:32.543306Z [info     ] triggered by s3://data-lake/processed_data [unusual_prefix_d0c8_dags] loc=dags.py:22
2026-11-23T22:26:32.543430Z [info     ] Done. Returned value was: {'ts': '2026-11-23T22:26:32'} [airflow.task.operators.x.PythonOperator] loc=python.py:233
2026-11-23T22:26:32.556728Z [info     ] Task instance state updated    [airflow.api_fastapi.execution_api.routes.task_instances] correlation_id=01 loc=task_instances.py:485 new_state=success
"""


def test_task_output_keeps_the_tasks_own_lines_without_airflows_prefix() -> None:
    assert task_output(RAW).splitlines() == [
        "Data is available for processing!",
        "triggered by s3://data-lake/processed_data",
        "Done. Returned value was: {'ts': '2026-11-23T22:26:32'}",
    ]


def test_timestamps_must_fall_in_the_run_window() -> None:
    now = time.time()
    stamp = datetime.fromtimestamp(now, timezone.utc).isoformat()
    assert timestamps_within(f"processed at {stamp}", now - 1, now + 1) == [stamp]
    assert timestamps_within("processed at 2024-01-01T00:00:00+00:00", now - 1, now + 1) == []
    naive = datetime.fromtimestamp(now, timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    assert timestamps_within(naive, now - 1, now + 1) == [naive]


def test_verdict_and_score_derive_from_the_records() -> None:
    course = load_course()
    passed = {c.id: CheckResult(c.id, "passed", "") for c in course.checks}
    passed["quiz"] = CheckResult("quiz", "pending", "")
    report = build_report(course, "full", dict(passed))
    assert report.passed and report.exit_code == 0 and report.score() == (5.0, 5.0)
    skipped = dict(passed, producer_run=CheckResult("producer_run", "skipped", ""))
    assert not build_report(course, "full", skipped).passed
    assert build_report(course, "static", skipped).passed
    failed = dict(passed, tags=CheckResult("tags", "failed", ""))
    report = build_report(course, "full", failed)
    assert not report.passed and report.exit_code == 1
    assert report.score({"registered": 3}) == (4.0, 7.0)
