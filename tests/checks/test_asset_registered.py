from exercise_cli.checks import asset_registered
from hand_built import CONSUMER, HEADER, PRODUCER

from exercise_cli.facts import RunFacts

RECORD = {"active": True, "producing_tasks": [{"dag_id": "exercise_5_1_producer", "task_id": "process_data"}],
          "scheduled_dags": [{"dag_id": "exercise_5_1_consumer"}]}


def viewed(load, record):
    sub = load(HEADER + PRODUCER + CONSUMER)
    sub.run = RunFacts(asset_records={"s3://data-lake/processed_data": record})
    return sub


def test_passes_with_producer_and_consumer(load) -> None:
    assert asset_registered.check(viewed(load, RECORD)).status == "passed"


def test_no_scheduled_dag_fails(load) -> None:
    outcome = asset_registered.check(viewed(load, dict(RECORD, scheduled_dags=[])))
    assert outcome.status == "failed" and "scheduled DAGs none" in outcome.message


def test_no_asset_fails(load) -> None:
    assert "neither DAG declares it" in asset_registered.check(viewed(load, {})).message


def test_every_asset_shows_its_producers_and_consumers(load) -> None:
    from hand_built import ORDERS, PRODUCTS, WAREHOUSE, in_warehouse

    orders = {"active": True, "producing_tasks": [{"dag_id": "t_orders_producer", "task_id": "load_orders"}],
              "scheduled_dags": [{"dag_id": "t_report_consumer"}, {"dag_id": "t_audit_consumer"}]}
    products = {"active": True, "producing_tasks": [{"dag_id": "t_products_producer", "task_id": "load_products"}],
                "scheduled_dags": [{"dag_id": "t_report_consumer"}]}
    sub = in_warehouse(load(WAREHOUSE))
    sub.run = RunFacts(asset_records={ORDERS: orders, PRODUCTS: products})
    outcome = asset_registered.check(sub)
    assert outcome.status == "passed" and outcome.message == (
        f"Asset {ORDERS}: produced by t_orders_producer.load_orders; schedules t_report_consumer, t_audit_consumer. "
        f"Asset {PRODUCTS}: produced by t_products_producer.load_products; schedules t_report_consumer")
    sub.run = RunFacts(asset_records={ORDERS: dict(orders, scheduled_dags=[{"dag_id": "t_report_consumer"}]), PRODUCTS: products})
    outcome = asset_registered.check(sub)
    assert outcome.status == "failed" and outcome.message.endswith("wanted t_audit_consumer")
    sub.run = RunFacts(asset_records={ORDERS: orders, PRODUCTS: {}})
    assert asset_registered.check(sub).message == f"no Asset {PRODUCTS} in the Assets view: no DAG declares it"
