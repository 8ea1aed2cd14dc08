"""Passes: classic `with DAG(...)` blocks and PythonOperator(outlets=[...]); the consumer on AssetAll(...)."""

from __future__ import annotations

from datetime import datetime, timezone

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Asset, AssetAll

orders = Asset("postgres://warehouse/orders")
products = Asset("postgres://warehouse/products")
customers = Asset("postgres://warehouse/customers")


def load(table: str) -> dict[str, str]:
    loaded_at = datetime.now(timezone.utc).isoformat()
    print(f"{table} loaded at {loaded_at}")
    return {"table": table, "timestamp": loaded_at}


with DAG(dag_id="exercise_5_2_orders_producer", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
         catchup=False, tags=["exercise", "module-05", "assets", "producer", "orders"]):
    PythonOperator(task_id="load_orders", python_callable=load, op_args=["orders"], outlets=[orders])

with DAG(dag_id="exercise_5_2_products_producer", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
         catchup=False, tags=["exercise", "module-05", "assets", "producer", "products"]):
    PythonOperator(task_id="load_products", python_callable=load, op_args=["products"], outlets=[products])

with DAG(dag_id="exercise_5_2_customers_producer", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
         catchup=False, tags=["exercise", "module-05", "assets", "producer", "customers"]):
    PythonOperator(task_id="load_customers", python_callable=load, op_args=["customers"], outlets=[customers])


def build_analytics(**context) -> None:
    for asset, events in context["triggering_asset_events"].items():
        print(f"Asset: {asset.uri}")
        for event in events:
            print(f"  from {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")


with DAG(dag_id="exercise_5_2_analytics_consumer", schedule=AssetAll(orders, products, customers),
         start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
         tags=["exercise", "module-05", "assets", "consumer", "analytics"]):
    PythonOperator(task_id="build_analytics", python_callable=build_analytics)
