"""Each dynamic fixture's verdict, graded in full mode: real metadata DB, task runner and scheduler code."""

from __future__ import annotations

import pytest

from conftest import graded, submission

TASK_TIMEOUT = 8.0  # for the fixture that hangs; the others get the default, and share their grading with other modules

CASES: dict[str, dict[str, tuple[str, str]]] = {
    "fails_consumer_raises": {
        "consumer_triggered": ("passed", "asset_triggered"),
        "consumer_run": ("failed", "ValueError: downstream table is locked"),
        "consumer_message": ("skipped", "did not pass"),
    },
    "fails_outlets_changed_at_run_time": {  # the task is named with what it did, not the consumer's schedule
        "producer_run": ("passed", "succeeded"),
        "asset_event": ("failed", "task process_data of exercise_5_1_producer declares "
                        "outlets=[Asset('s3://data-lake/processed_data')] as Airflow loaded it, yet its run recorded"),
        "consumer_schedule": ("passed", "s3://data-lake/processed_data"),
        "consumer_triggered": ("skipped", "did not pass"),
    },
    "fails_triggering_dataset_events": {
        "consumer_run": ("failed", "KeyError: 'triggering_dataset_events'"),
    },
    "fails_producer_hangs": {
        "registered_in_db": ("passed", "metadata database"),
        "producer_run": ("failed", f"timed out after {TASK_TIMEOUT:g} s: task process_data of exercise_5_1_producer"),
        "asset_event": ("skipped", "'A producer run succeeds' did not pass"),
        "consumer_run": ("skipped", "did not pass"),
        "asset_registered": ("passed", "produced by exercise_5_1_producer.process_data"),  # grading goes on
    },
    "fails_task_os_exit": {
        "registered_in_db": ("passed", "metadata database"),
        "producer_run": ("failed", "exited with code 5 while running the producer DAG (task process_data"),
    },
    "fails_unscheduled_producer": {
        "producer_schedule": ("failed", "gives no recurring runs"),
        "producer_run": ("passed", "triggered manually: the scheduler had no run due"),
        "consumer_triggered": ("passed", "asset_triggered"),
    },
    "fails_task_prints_forever": {
        "producer_run": ("failed", "the tasks printed more than 64 MiB"),
        "consumer_run": ("skipped", "did not pass"),
    },
    "fails_missing_outlet": {  # one cause, reported once: the outlet check names it, the rest wait for it
        "producer_run": ("passed", "succeeded"),
        "asset_event": ("skipped", "'A producer task declares the Asset s3://data-lake/processed_data in its outlets' did not pass"),
        "consumer_triggered": ("skipped", "did not pass"),
        "asset_registered": ("skipped", "did not pass"),
    },
    "fails_and_condition": {  # the schedule check names the condition; the scheduler's step waits for it
        "asset_event": ("passed", "s3://data-lake/processed_data"),
        "consumer_triggered": ("skipped", "'The consumer is scheduled on the producer's Asset, and that Asset alone triggers it' did not pass"),
    },
    "fails_uri_mismatch": {
        "consumer_triggered": ("skipped", "'The consumer is scheduled on the producer's Asset, and that Asset alone triggers it' did not pass"),
        "asset_registered": ("skipped", "'The consumer is scheduled on the producer's Asset, and that Asset alone triggers it' did not pass"),
    },
    "fails_hardcoded_uri": {
        "consumer_message": ("passed", "Data is available"),
        "consumer_names_asset": ("failed", "does not read it from triggering_asset_events"),
    },
    "fails_no_timestamp": {
        "producer_run": ("passed", "succeeded"),
        "processing_timestamp": ("failed", "no timestamp from the run's time"),
    },
    "passes_classic_operators": {
        "processing_timestamp": ("passed", "processing finished at"),
        "consumer_names_asset": ("passed", "s3://data-lake/processed_data"),
    },
    "passes_multiple_files": {"consumer_names_asset": ("passed", "consume_data")},
    "fails_asset_ref_by_name": {"consumer_triggered": ("skipped", "did not pass")},
    # Asset.ref states no Asset the source alone can name: it fails where it fails, not as borrowed or changed.
    "fails_asset_ref_by_uri": {"consumer_triggered": ("failed", "consumed no asset event"),
                               "loaded_as_written": ("passed", "")},
    "fails_consumer_misspells_message": {"consumer_message": ("failed", "the closest line")},
    "passes_start_date_in_dag_timezone": {"consumer_run": ("passed", "succeeded")},
    "passes_extra_dags": {"consumer_run": ("passed", "succeeded")},
    "passes_or_condition": {"consumer_triggered": ("passed", "asset_triggered")},
    # PEP 263 and a BOM: graded as the UTF-8 twin, registration, the scheduler and the runs included.
    "passes_latin1_coding_line": {"registered_in_db": ("passed", "in the metadata database"),
                                  "consumer_message": ("passed", "Data is available")},
    "passes_utf8_bom": {"registered_in_db": ("passed", "in the metadata database"),
                        "consumer_triggered": ("passed", "asset_triggered")},
    "passes_factory_in_a_loop": {"own_definitions": ("passed", "defined in your files"), "consumer_run": ("passed", "succeeded")},
}


def _graded(name: str):
    if name == "fails_producer_hangs":
        return graded(submission(name), static=False, task_timeout=TASK_TIMEOUT)
    return graded(submission(name), static=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_full_verdict(name: str) -> None:
    report = _graded(name)
    for check_id, (status, text) in CASES[name].items():
        result = report.check(check_id)
        assert result.status == status, (check_id, result)
        assert text in result.message, (check_id, result.message)
    assert report.passed == name.startswith("passes_")
    assert report.mode == "full"


def test_failing_consumer_shows_its_line() -> None:
    result = _graded("fails_consumer_raises").check("consumer_run")
    assert result.file and result.file.endswith("fails_consumer_raises/dags.py")
    assert result.line == 43


def test_airflow2_context_key_gets_the_airflow3_fix() -> None:
    result = _graded("fails_triggering_dataset_events").check("consumer_run")
    assert 'context["triggering_asset_events"]' in result.hint
