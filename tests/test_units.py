"""Small pure pieces: reading task logs, spotting timestamps, verdicts from records."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from exercise_cli.checks._timestamps import timestamps_within
from exercise_cli.course import load_exercise
from exercise_cli.results import CheckResult, build_report
from exercise_cli.task_logs import error_of, task_output

# Records as Airflow 3.3's supervisor wrote them for a failing consumer task (trimmed to the keys read).
RECORDS = [
    {"event": "::group::Log message source details", "sources": ["/tmp/x/logs/attempt=1.log"]},  # REST only
    {"event": "/tmp/x/logs/attempt=1.log"},
    {"event": "::group::Pre Execute", "logger": "task"},
    {"event": "DAG bundles loaded: dags-folder", "logger": "airflow.dag_processing.bundles.manager.DagBundlesManager"},
    {"event": "Filling up the DagBag from /tmp/x/dags/dags.py", "logger": "airflow.dag_processing.dagbag.BundleDagBag"},
    {"event": "::endgroup::", "logger": "task"},
    {"event": "Data is available for processing!", "logger": "task.stdout"},
    {"event": "triggered by s3://data-lake/processed_data", "logger": "unusual_prefix_d0c8_dags"},
    {"event": "Done. Returned value was: {'ts': '2026-11-23T22:26:32'}",
     "logger": "airflow.task.operators.airflow.providers.standard.decorators.python._PythonDecoratedOperator"},
    {"event": "Task failed with exception", "logger": "task", "level": "error", "error_detail": [
        {"exc_type": "ValueError", "exc_value": "downstream table is locked", "frames": [
            {"filename": "/venv/airflow/sdk/execution_time/task_runner.py", "lineno": 1579, "name": "_run_task"},
            {"filename": "/tmp/x/dags/dags.py", "lineno": 43, "name": "consume_data"}]}]},
]


def test_task_output_keeps_the_tasks_own_lines() -> None:
    assert task_output(RECORDS).splitlines() == [
        "Data is available for processing!",
        "triggered by s3://data-lake/processed_data",
        "Done. Returned value was: {'ts': '2026-11-23T22:26:32'}",
    ]


def test_airflow_3_0_prints_come_as_the_task_logger_with_a_channel() -> None:
    records = [{"event": "Data is available for processing!", "logger": "task", "chan": "stdout"},
               {"event": "::group::Pre Execute", "logger": "task"}]
    assert task_output(records) == "Data is available for processing!"


def test_the_exception_comes_from_airflows_error_record() -> None:
    text, summary = error_of(RECORDS)
    assert summary == "ValueError: downstream table is locked"
    assert 'File "/tmp/x/dags/dags.py", line 43, in consume_data' in text
    assert error_of(RECORDS[:-1]) == ("", "")


def test_timestamps_must_fall_in_the_run_window() -> None:
    now = time.time()
    stamp = datetime.fromtimestamp(now, timezone.utc).isoformat()
    assert timestamps_within(f"processed at {stamp}", now - 1, now + 1) == [stamp]
    assert timestamps_within("processed at 2024-01-01T00:00:00+00:00", now - 1, now + 1) == []
    naive = datetime.fromtimestamp(now, timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    assert timestamps_within(naive, now - 1, now + 1) == [naive]


def test_verdict_and_score_derive_from_the_records() -> None:
    course = load_exercise()
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


def test_a_rejected_token_is_told_apart_from_a_missing_permission() -> None:
    """Every Airflow 3 answers a bad bearer token with 403 {"detail": "Invalid JWT token"} (recorded on 3.0-3.3)."""
    import httpx
    import pytest

    from exercise_cli.airflow_rest import AirflowApi, ApiError

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/dags"):
            return httpx.Response(403, json={"detail": "Invalid JWT token"})
        return httpx.Response(403, json={"detail": "Forbidden"})

    api = AirflowApi("http://airflow.invalid")
    api.http = httpx.Client(base_url=api.base_url, transport=httpx.MockTransport(answer))
    with pytest.raises(ApiError, match="the token was rejected"):
        api.get("/dags")
    with pytest.raises(ApiError, match="lacks the permission"):
        api.get("/assets")
