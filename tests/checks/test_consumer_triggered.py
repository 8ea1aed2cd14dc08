from exercise_cli.checks import consumer_triggered
from hand_built import CONSUMER, HEADER, PRODUCER, dag_run

EVENT = {"id": 1, "uri": "s3://data-lake/processed_data", "source_dag_id": "exercise_5_1_producer", "source_run_id": "p1"}


def with_runs(load, consumer_runs, diagnosis=""):
    from exercise_cli.facts import RunFacts

    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(producer_run=dag_run("exercise_5_1_producer", "p1"), consumer_runs=consumer_runs,
                       trigger_diagnosis=diagnosis)
    return sub


def test_passes_when_an_asset_triggered_run_consumed_the_event(load) -> None:
    runs = [dag_run("exercise_5_1_consumer", "asset_triggered__1", "queued", consumed=[EVENT], run_type="asset_triggered")]
    assert consumer_triggered.check(with_runs(load, runs)).status == "passed"


def test_no_run_gives_the_schedulers_reason(load) -> None:
    outcome = consumer_triggered.check(with_runs(load, [], "the producer updated ['a'] but it is scheduled on ['b']"))
    assert outcome.status == "failed" and "scheduled on ['b']" in outcome.message


def test_a_run_without_events_is_explained(load) -> None:
    runs = [dag_run("exercise_5_1_consumer", "asset_triggered__1", "queued", run_type="asset_triggered")]
    outcome = consumer_triggered.check(with_runs(load, runs))
    assert outcome.status == "failed" and "consumed no asset event" in outcome.message
