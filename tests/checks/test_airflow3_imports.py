from exercise_cli.checks import airflow3_imports
from hand_built import HEADER, PRODUCER


def test_passes_with_airflow_sdk_imports(load) -> None:
    assert airflow3_imports.check(load(HEADER + PRODUCER)).status == "passed"


def test_fails_on_a_deprecated_decorator_import(load) -> None:
    sub = load(HEADER.replace("from airflow.sdk import Asset, dag, task",
                              "from airflow.sdk import Asset\nfrom airflow.decorators import dag, task") + PRODUCER)
    outcome = airflow3_imports.check(sub)
    assert outcome.status == "failed" and "airflow.decorators" in outcome.message and "airflow.sdk" in outcome.hint


def test_fails_on_dataset_by_its_airflow2_name(load) -> None:
    outcome = airflow3_imports.check(load("from airflow.sdk import Dataset\nx = Dataset('s3://a')\n"))
    assert outcome.status == "failed" and "Dataset" in outcome.message and outcome.line == 1


def test_a_file_with_no_airflow_import_gets_no_tick(load) -> None:
    outcome = airflow3_imports.check(load("import json\nVALUE = json.dumps(1)\n"))
    assert outcome.status == "skipped" and outcome.message == "no Airflow import in your files yet: nothing to check"
