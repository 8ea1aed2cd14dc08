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
