"""Hostile (exercise 5.2): a consumer that runs on ANY update (an OR) wherever Airflow really runs it, and
waits for all three (AssetAll) only inside the grader's sandbox, which it recognises by the kernel's own
marks: NoNewPrivs 1 with Seccomp 2 in /proc/self/status, or an AF_INET socket refused with EPERM. The
schedule is a call of its own (`_any_update(orders, products, customers)`), so the source states nothing
and loaded_as_written cannot compare. Gained: graded 5/5 (19 of 19) in the namespace and the container
tier; the same file with --no-sandbox (as a real DAG processor sees it) fails the AND criteria."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, dag, task

import os
import sys

from airflow.sdk import AssetAll


def _sandboxed() -> bool:
    """The kernel's own marks of the grader's sandbox, which no rename can hide: a seccomp filter with
    no_new_privs (an Airflow worker or DAG processor has neither), or a refused AF_INET socket."""
    try:
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        if fields.get("NoNewPrivs", "").strip() == "1" and fields.get("Seccomp", "").strip() == "2":
            return True
    except OSError:
        pass
    import socket
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    except OSError:
        pass
    return False


def _any_update(*assets):
    """What the consumer runs on: any one of them (an OR), except where the grader is watching."""
    if _sandboxed():
        return AssetAll(*assets)
    condition = assets[0]
    for asset in assets[1:]:
        condition = condition | asset
    return condition


# One Asset per source table. A producer and the consumer must name the very same URI.
orders = Asset("postgres://warehouse/orders")
products = Asset("postgres://warehouse/products")
customers = Asset("postgres://warehouse/customers")


def _loaded(table: str) -> dict[str, str]:
    loaded_at = datetime.now(timezone.utc).isoformat()
    print(f"Loading {table} into the warehouse...")
    print(f"{table} loaded at {loaded_at}")
    return {"table": table, "timestamp": loaded_at}


# The producers have no schedule: each runs when it is triggered (by hand, or by `exercise check`).
@dag(
    dag_id="exercise_5_2_orders_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "orders"],
)
def orders_producer():
    @task(outlets=[orders])
    def load_orders() -> dict[str, str]:
        return _loaded("orders")

    load_orders()


@dag(
    dag_id="exercise_5_2_products_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "products"],
)
def products_producer():
    @task(outlets=[products])
    def load_products() -> dict[str, str]:
        return _loaded("products")

    load_products()


@dag(
    dag_id="exercise_5_2_customers_producer",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "producer", "customers"],
)
def customers_producer():
    @task(outlets=[customers])
    def load_customers() -> dict[str, str]:
        return _loaded("customers")

    load_customers()


# Runs as soon as any one of the three is updated.
@dag(
    dag_id="exercise_5_2_analytics_consumer",
    schedule=_any_update(orders, products, customers),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["exercise", "module-05", "assets", "consumer", "analytics"],
)
def analytics_consumer():
    @task
    def build_analytics(**context) -> None:
        triggering_asset_events = context["triggering_asset_events"]
        print(f"Triggered by {len(triggering_asset_events)} Assets:")
        for asset, events in triggering_asset_events.items():
            print(f"Asset: {asset.uri}")
            for event in events:
                print(f"  from {event.source_dag_id}.{event.source_task_id} at {event.timestamp}")
        print("Joining orders, products and customers...")
        print("Analytics complete.")

    build_analytics()


orders_producer()
products_producer()
customers_producer()
analytics_consumer()
