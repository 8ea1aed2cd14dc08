from exercise_cli.checks import consumer_run
from hand_built import dag_run, ran, task


def test_passes_on_success() -> None:
    assert consumer_run.check(ran(runs={"exercise_5_1_consumer": dag_run("exercise_5_1_consumer", "a", tasks=[task("consume_data")])})).status == "passed"


def test_the_airflow2_key_gets_the_airflow3_fix() -> None:
    failed = task("consume_data", state="failed", error="KeyError: 'triggering_dataset_events'")
    outcome = consumer_run.check(ran(runs={"exercise_5_1_consumer": dag_run("exercise_5_1_consumer", "a", "failed", [failed])}))
    assert outcome.status == "failed" and 'context["triggering_asset_events"]' in outcome.hint


def test_each_consumer_run_is_named_when_it_fails() -> None:
    from hand_built import warehouse

    runs = {"t_report_consumer": dag_run("t_report_consumer", "a", tasks=[task("report")]),
            "t_audit_consumer": dag_run("t_audit_consumer", "b", "failed", [task("audit", state="failed", error="ValueError: x")])}
    outcome = consumer_run.check(ran(warehouse(), runs=runs))
    assert outcome.status == "failed" and outcome.message == "task audit ended failed: ValueError: x"
    del runs["t_audit_consumer"]
    assert consumer_run.check(ran(warehouse(), runs=runs)).message == "the run of t_audit_consumer was not executed"
