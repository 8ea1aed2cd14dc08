"""The gamma producer's task lists no outlets: its run records no event, so the consumer waits for gamma."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

alpha = Asset("file://test/alpha")
beta = Asset("file://test/beta")
gamma = Asset("file://test/gamma")


def producer(dag_id: str, asset: Asset) -> None:
    @dag(dag_id=dag_id, schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["test"])
    def produce():
        @task(outlets=[asset] if asset is not gamma else [])
        def update() -> None:
            print(f"updated {asset.uri}")

        update()

    produce()


producer("t3_alpha_producer", alpha)
producer("t3_beta_producer", beta)
producer("t3_gamma_producer", gamma)


@dag(dag_id="t3_report", schedule=[alpha, beta, gamma], start_date=datetime(2024, 1, 1), catchup=False, tags=["test"])
def report():
    @task
    def summarize(**context) -> None:
        for asset, events in context["triggering_asset_events"].items():
            print(f"triggered by {asset.uri}: {len(events)} event(s)")

    summarize()


report()
