from exercise_cli.checks import consumer_triggered
from hand_built import CONSUMER, HEADER, PRODUCER, dag_run

EVENT = {"id": 1, "uri": "s3://data-lake/processed_data", "source_dag_id": "exercise_5_1_producer", "source_run_id": "p1"}


def with_runs(load, consumer_runs, diagnosis=""):
    from exercise_cli.facts import RunFacts

    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(runs={"exercise_5_1_producer": dag_run("exercise_5_1_producer", "p1")}, triggered={"exercise_5_1_consumer": consumer_runs},
                       trigger_diagnosis={"exercise_5_1_consumer": diagnosis} if diagnosis else {})
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


def test_a_run_must_consume_the_event_of_every_producer_run_it_waits_for(load) -> None:
    from hand_built import ORDERS, PRODUCTS, WAREHOUSE, event, in_warehouse

    from exercise_cli.facts import RunFacts

    sub = in_warehouse(load(WAREHOUSE))
    orders = event(ORDERS, "t_orders_producer", 1, source_run_id="o1")
    products = event(PRODUCTS, "t_products_producer", 2, source_run_id="p1")
    runs = {"t_orders_producer": dag_run("t_orders_producer", "o1"), "t_products_producer": dag_run("t_products_producer", "p1")}
    both = [dag_run("t_report_consumer", "asset_triggered__1", "queued", consumed=[orders, products], run_type="asset_triggered")]
    audit = [dag_run("t_audit_consumer", "asset_triggered__2", "queued", consumed=[orders], run_type="asset_triggered")]
    sub.run = RunFacts(runs=runs, triggered={"t_report_consumer": both, "t_audit_consumer": audit})
    outcome = consumer_triggered.check(sub)
    assert outcome.status == "passed"
    assert outcome.message.startswith("t_report_consumer: the scheduler created asset_triggered__1 (run type asset_triggered), consuming "
                                      "events #1 from t_orders_producer, #2 from t_products_producer")
    one = [dag_run("t_report_consumer", "asset_triggered__1", "queued", consumed=[orders], run_type="asset_triggered")]
    sub.run = RunFacts(runs=runs, triggered={"t_report_consumer": one, "t_audit_consumer": audit})
    outcome = consumer_triggered.check(sub)
    assert outcome.status == "failed" and "none consumed the events of all the producer runs o1, p1" in outcome.message
    sub.run = RunFacts(runs=runs, triggered={"t_audit_consumer": audit}, trigger_diagnosis={"t_report_consumer": "why"})
    assert consumer_triggered.check(sub).message == "the scheduler created no run of t_report_consumer: why"
