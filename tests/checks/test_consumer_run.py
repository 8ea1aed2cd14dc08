from exercise_cli.checks import consumer_run
from hand_built import dag_run, ran, task


def test_passes_on_success() -> None:
    assert consumer_run.check(ran(consumer_run=dag_run("exercise_5_1_consumer", "a", tasks=[task("consume_data")]))).status == "passed"


def test_the_airflow2_key_gets_the_airflow3_fix() -> None:
    failed = task("consume_data", state="failed", error="KeyError: 'triggering_dataset_events'")
    outcome = consumer_run.check(ran(consumer_run=dag_run("exercise_5_1_consumer", "a", "failed", [failed])))
    assert outcome.status == "failed" and 'context["triggering_asset_events"]' in outcome.hint
