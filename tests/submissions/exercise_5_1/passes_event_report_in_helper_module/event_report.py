"""What the consumer logs about the events that triggered its run."""
from airflow.sdk import get_current_context


def report_triggering_events() -> None:
    context = get_current_context()
    for asset, events in context["triggering_asset_events"].items():
        print(f"Triggered by asset: {asset.uri}")
        for event in events:
            print(f"  event timestamp: {event.timestamp}")
