from exercise_cli.checks import consumer_names_asset
from hand_built import CONSUMER, HEADER, dag_run, task

from exercise_cli.facts import RunFacts

EVENT = {"id": 1, "uri": "s3://data-lake/processed_data", "source_run_id": "scheduled__2026-01-01T05:00:00+00:00",
         "timestamp": "2026-01-01T05:00:01.234567+00:00"}
LOGGED = "s3://data-lake/processed_data\n  event timestamp: 2026-01-01 05:00:01.234567+00:00"


def consumer(load, source: str, output: str):
    sub = load(source)
    sub.run = RunFacts(runs={"exercise_5_1_consumer": dag_run("exercise_5_1_consumer", "a", tasks=[task("consume_data", output)], consumed=[EVENT])})
    return sub


def test_passes_when_the_uri_read_from_the_events_is_logged(load) -> None:
    outcome = consumer_names_asset.check(consumer(load, HEADER + CONSUMER, LOGGED))
    assert outcome.status == "passed"


def test_the_uri_alone_fails_as_it_is_known_before_the_run(load) -> None:
    outcome = consumer_names_asset.check(consumer(load, HEADER + CONSUMER, "s3://data-lake/processed_data"))
    assert outcome.status == "failed" and "no value of its triggering events" in outcome.message
    assert "event.timestamp" in outcome.hint


def test_the_source_run_id_shows_the_events_were_read(load) -> None:
    output = f"s3://data-lake/processed_data from {EVENT['source_run_id']}"
    assert consumer_names_asset.check(consumer(load, HEADER + CONSUMER, output)).status == "passed"


def test_the_timestamp_to_the_second_shows_the_events_were_read(load) -> None:
    output = "s3://data-lake/processed_data at 2026-01-01 05:00:01"
    assert consumer_names_asset.check(consumer(load, HEADER + CONSUMER, output)).status == "passed"


def test_another_time_is_not_the_events_timestamp(load) -> None:
    output = "s3://data-lake/processed_data at 2026-01-01 05:00:02.234567+00:00"
    assert consumer_names_asset.check(consumer(load, HEADER + CONSUMER, output)).status == "failed"


def test_a_hard_coded_uri_fails(load) -> None:
    source = HEADER + CONSUMER.replace('for asset, events in context["triggering_asset_events"].items():\n            print(asset.uri)',
                                       'print("s3://data-lake/processed_data")')
    outcome = consumer_names_asset.check(consumer(load, source, "s3://data-lake/processed_data"))
    assert outcome.status == "failed" and "does not read it from triggering_asset_events" in outcome.message


def test_output_without_the_uri_fails(load) -> None:
    outcome = consumer_names_asset.check(consumer(load, HEADER + CONSUMER, "hello"))
    assert outcome.status == "failed" and "does not name the triggering Asset" in outcome.message


def warehouse_run(load, output: str):
    from hand_built import ORDERS, PRODUCTS, WAREHOUSE, event, in_warehouse

    sub = in_warehouse(load(WAREHOUSE))
    consumed = [event(ORDERS, "t_orders_producer", 1), event(PRODUCTS, "t_products_producer", 2)]
    sub.run = RunFacts(runs={
        "t_report_consumer": dag_run("t_report_consumer", "a", tasks=[task("report", output + "\nat 2026-01-01T00:00:00+00:00")], consumed=consumed),
        "t_audit_consumer": dag_run("t_audit_consumer", "b", tasks=[task("audit", ORDERS)], consumed=consumed[:1])})
    return sub


def test_every_triggering_asset_must_be_named(load) -> None:
    from hand_built import ORDERS, PRODUCTS

    outcome = consumer_names_asset.check(warehouse_run(load, f"{ORDERS}\n{PRODUCTS}"))
    assert outcome.status == "passed"
    assert outcome.message.startswith(f"task report logged the triggering Assets {ORDERS}, {PRODUCTS}, read from")


def test_one_asset_left_out_fails_naming_it(load) -> None:
    from hand_built import ORDERS, PRODUCTS

    outcome = consumer_names_asset.check(warehouse_run(load, ORDERS))
    assert outcome.status == "failed"
    assert outcome.message.startswith(f"t_report_consumer's output names {ORDERS} but not {PRODUCTS}")
