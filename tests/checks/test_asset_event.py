from exercise_cli.checks import asset_event
from hand_built import ran

from exercise_cli.facts import RunFacts

EVENT = {"id": 1, "uri": "s3://data-lake/processed_data", "source_dag_id": "exercise_5_1_producer", "source_task_id": "process_data"}


def test_passes_on_an_event_for_the_asset() -> None:
    assert asset_event.check(ran(events={"exercise_5_1_producer": [EVENT]})).status == "passed"


def test_an_event_for_another_asset_fails() -> None:
    outcome = asset_event.check(ran(events={"exercise_5_1_producer": [dict(EVENT, uri="s3://x/")]}))
    assert outcome.status == "failed" and "s3://x/" in outcome.message


def test_no_event_fails() -> None:
    outcome = asset_event.check(ran(events={"exercise_5_1_producer": []}))
    assert outcome.status == "failed" and "recorded no asset event" in outcome.message


def test_each_producer_run_records_its_own_asset() -> None:
    from hand_built import ORDERS, PRODUCTS, event, warehouse

    events = {"t_orders_producer": [event(ORDERS, "t_orders_producer", 1)],
              "t_products_producer": [event(PRODUCTS, "t_products_producer", 2)]}
    outcome = asset_event.check(ran(warehouse(), events=events))
    assert outcome.status == "passed"
    assert outcome.message == (f"asset event #1 for {ORDERS} from t_orders_producer.t; "
                               f"asset event #2 for {PRODUCTS} from t_products_producer.t")
    outcome = asset_event.check(ran(warehouse(), events=dict(events, t_products_producer=[])))
    assert outcome.status == "failed"
    assert outcome.message == (f"the run of t_products_producer succeeded but recorded no asset event: "
                               f"no task has outlets=[Asset({PRODUCTS!r})]")


def test_a_task_that_changed_its_outlets_at_run_time_is_named_with_what_its_run_recorded(load) -> None:
    """Declared when loaded, gone when run: the message names the task and what it did, not the consumer."""
    from hand_built import CONSUMER, HEADER, PRODUCER

    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(events={"exercise_5_1_producer": [dict(EVENT, uri="s3://data-lake/elsewhere")]})
    outcome = asset_event.check(sub)
    assert outcome.status == "failed" and outcome.line == 9  # def process_data
    assert outcome.message == ("task process_data of exercise_5_1_producer declares "
                               "outlets=[Asset('s3://data-lake/processed_data')] as Airflow loaded it, yet its run recorded "
                               "events for s3://data-lake/elsewhere instead: the task changed its outlets while it ran")
    sub.run = RunFacts(events={"exercise_5_1_producer": []})
    assert "recorded no asset event at all: the task changed its outlets" in asset_event.check(sub).message
