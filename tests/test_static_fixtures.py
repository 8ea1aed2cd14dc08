"""Each static fixture's verdict, graded with --static by Airflow's real DagBag."""

from __future__ import annotations

import pytest

from conftest import graded, submission

# fixture -> {check id: (status, text the message must contain)}; unlisted checks may be anything.
CASES: dict[str, dict[str, tuple[str, str]]] = {
    # One cause, one failure: the import check names it (with the Airflow 3 fix); its dependants wait.
    "fails_import_airflow2_datasets": {
        "files_import": ("failed", "No module named 'airflow.datasets'"),
        "airflow3_imports": ("skipped", "'DAG files import without errors' did not pass"),
        "dag_ids": ("skipped", "'DAG files import without errors' did not pass"),
    },
    "fails_import_schedule_interval": {
        "files_import": ("failed", "unexpected keyword argument 'schedule_interval'"),
        "airflow3_imports": ("skipped", "did not pass"),
    },
    "fails_schedule_not_a_cron": {"files_import": ("failed", "schedule='hourly' is neither a cron expression nor a preset")},
    "fails_no_airflow_import": {"airflow3_imports": ("skipped", "no Airflow import in your files yet")},
    "fails_dags_from_elsewhere": {  # Airflow's example style: found by role, named once each, an alias named as one
        "dag_ids": ("failed", "DAG id 'asset1_producer': did you mean 'exercise_5_1_producer'?; DAG id 'asset_alias_consumer'"),
        "consumer_schedule": ("failed", "scheduled on the AssetAlias 'example-alias'"),
    },
    "fails_not_utf8": {"files_import": ("failed", "not UTF-8: byte 0xe9 on line 4")},
    "fails_asset_ref_by_name": {"consumer_schedule": ("failed", "scheduled on the Asset named 'processed_data'")},
    "passes_start_date_in_dag_timezone": {"start_dates": ("passed", "start on 2024-01-01")},
    "fails_airflow2_decorators": {
        "files_import": ("passed", "2 DAG(s) found"),
        "airflow3_imports": ("failed", "airflow.decorators"),
    },
    "fails_syntax_error": {"files_import": ("failed", "SyntaxError")},
    "fails_near_miss_dag_id": {"dag_ids": ("failed", "did you mean 'exercise_5_1_producer'?")},
    "fails_duplicate_dag_id": {"dag_ids": ("failed", "'exercise_5_1_producer' is defined 2 times (lines 14, 33)")},
    "fails_wrong_tags": {"tags": ("failed", "missing ['assets', 'module-05']; unexpected ['module-5']")},
    "fails_wrong_start_date": {"start_dates": ("failed", "start_date=2024-02-01T00:00:00+00:00, wanted 2024-01-01")},
    "fails_daily_schedule": {"producer_schedule": ("failed", "schedule='@daily' (0 0 * * *) runs at 2024-01-01 00:00, 2024-01-02 00:00")},
    "fails_half_past_schedule": {"producer_schedule": ("failed", "runs at 2024-01-01 00:30")},
    "fails_missing_outlet": {"producer_outlet": ("failed", "no task of exercise_5_1_producer declares outlets")},
    "fails_uri_mismatch": {
        "consumer_schedule": ("failed", "scheduled on 's3://data-lake/processed-data', but the producer updates 's3://data-lake/processed_data'"),
    },
    "fails_and_condition": {
        "consumer_schedule": ("failed", "it also waits for ['s3://data-lake/reference_data']"),
    },
    "fails_hardcoded_uri": {"reads_triggering_events": ("failed", "reads triggering_asset_events from its context")},
    "fails_triggering_dataset_events": {
        "reads_triggering_events": ("failed", "reads triggering_dataset_events, wanted triggering_asset_events"),
    },
    "fails_sys_exit_at_import": {"files_import": ("failed", "SystemExit")},
    "fails_huge_output_at_import": {"files_import": ("failed", "printed 200 MB, then failed")},
    "passes_cron_schedule": {"producer_schedule": ("passed", "every hour")},
    "passes_or_condition": {"consumer_schedule": ("passed", "alone triggers exercise_5_1_consumer")},
    "passes_classic_operators": {"producer_outlet": ("passed", "task produce"), "reads_triggering_events": ("passed", "consume"),
                                 "loaded_as_written": ("passed", "each schedule and outlet your code states")},
    "passes_multiple_files": {"reads_triggering_events": ("passed", "consume_data")},
    "passes_extra_dags": {"dag_ids": ("passed", "found")},
    "passes_factory_in_a_loop": {"own_definitions": ("passed", "exercise_5_1_producer and exercise_5_1_consumer"),
                                 "loaded_as_written": ("passed", "")},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_static_verdict(name: str) -> None:
    report = graded(submission(name), static=True)
    for check_id, (status, text) in CASES[name].items():
        result = report.check(check_id)
        assert result.status == status, (check_id, result)
        assert text in result.message, (check_id, result.message)
    assert report.passed == name.startswith("passes_")
    assert report.mode == "static"


def test_failed_checks_name_file_line_and_hint() -> None:
    result = graded(submission("fails_wrong_tags"), static=True).check("tags")
    assert result.file and result.file.endswith("fails_wrong_tags/dags.py")
    assert result.line == 37
    assert result.hint == 'tags=["exercise", "module-05", "assets", "consumer"]'


def test_airflow2_import_error_names_the_airflow3_fix() -> None:
    result = graded(submission("fails_import_airflow2_datasets"), static=True).check("files_import")
    assert "from airflow.sdk import Asset" in result.hint
    assert result.line == 7


def test_messages_name_the_learners_file_not_the_grading_copy() -> None:
    report = graded(submission("fails_syntax_error"), static=True)
    text = str(report.to_dict())
    assert "exercise-check-" not in text
