from exercise_cli.checks import files_import
from hand_built import HEADER, PRODUCER

from exercise_cli.facts import ParseFailure


def test_passes_when_every_file_imports(load) -> None:
    assert files_import.check(load(HEADER + PRODUCER)).status == "passed"


def test_fails_on_an_import_error_with_line_and_airflow3_fix(load) -> None:
    outcome = files_import.check(load("from airflow.sdk import dag\nfrom airflow.datasets import Dataset\n"))
    assert outcome.status == "failed" and "No module named 'airflow.datasets'" in outcome.message
    assert "from airflow.sdk import Asset" in outcome.hint


def test_fails_on_a_file_that_is_not_utf8(load) -> None:
    sub = load(HEADER)
    sub.not_utf8 = {"dags.py": (3, "0xe9")}
    outcome = files_import.check(sub)
    assert outcome.status == "failed" and "byte 0xe9 on line 3" in outcome.message and outcome.line == 3


def test_fails_when_the_parse_child_gave_no_result(load) -> None:
    sub = load(HEADER)
    sub.parse_failure = ParseFailure("timed out after 5 s while importing your DAG files", "Look for an endless loop", "dags.py")
    outcome = files_import.check(sub)
    assert outcome.status == "failed" and outcome.message.startswith("timed out") and outcome.file == "dags.py"


def test_a_schedule_that_is_no_cron_names_its_line_and_the_forms_that_work(load) -> None:
    """Airflow raises it while validating the DAG, in no frame of the learner's: the @dag's schedule gives the line."""
    outcome = files_import.check(load(HEADER + PRODUCER.replace('"@hourly"', '"hourly"')))
    assert outcome.status == "failed" and outcome.line == 5
    assert "AirflowTimetableInvalid" in outcome.message and "schedule='hourly' is neither a cron expression nor a preset" in outcome.message
    assert '"0 * * * *"' in outcome.hint and '"@hourly"' in outcome.hint


def test_schedule_interval_points_at_its_keyword_in_the_dag_call_not_at_the_call_below(load) -> None:
    outcome = files_import.check(load(HEADER + PRODUCER.replace('schedule="@hourly"', 'schedule_interval="@hourly"')))
    assert outcome.status == "failed" and "unexpected keyword argument 'schedule_interval'" in outcome.message
    assert outcome.line == 5 and "schedule=" in outcome.hint  # the @dag(...) line, not data_producer() at the bottom
