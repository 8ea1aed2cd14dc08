from exercise_cli.checks import asset_event
from hand_built import ran

EVENT = {"id": 1, "uri": "s3://data-lake/processed_data", "source_dag_id": "exercise_5_1_producer", "source_task_id": "process_data"}


def test_passes_on_an_event_for_the_asset() -> None:
    assert asset_event.check(ran(asset_events=[EVENT])).status == "passed"


def test_an_event_for_another_asset_fails() -> None:
    outcome = asset_event.check(ran(asset_events=[dict(EVENT, uri="s3://x/")]))
    assert outcome.status == "failed" and "s3://x/" in outcome.message


def test_no_event_fails() -> None:
    outcome = asset_event.check(ran(asset_events=[]))
    assert outcome.status == "failed" and "recorded no asset event" in outcome.message
