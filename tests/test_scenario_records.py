"""The records the scenario hands the checks: an asset event keeps the extra its task attached (a JSON
object the learner's code wrote, so bounded), a task run its try number."""

from __future__ import annotations

from exercise_cli.learner_text import MAX_CHARS
from exercise_cli.scenario import records


def event(extra):
    return records.event(7, "s3://data-lake/daily_sales", "producer", "extract", "run_1",
                         "2024-01-02T00:00:00+00:00", extra=extra, source_map_index=-1)


def test_an_event_keeps_its_extra_and_source() -> None:
    kept = event({"row_count": 42, "note": "ok"})
    assert kept["extra"] == {"row_count": 42, "note": "ok"}
    assert (kept["source_dag_id"], kept["source_task_id"], kept["source_map_index"]) == ("producer", "extract", -1)


def test_no_extra_is_an_empty_object_and_what_is_no_object_is_none() -> None:
    assert event(None)["extra"] == {}
    assert event([1, 2])["extra"] is None
    assert event("row_count=3")["extra"] is None


def test_an_extra_larger_than_one_kept_text_is_not_kept() -> None:
    assert event({"rows": "x" * MAX_CHARS})["extra"] is None
    assert event({"rows": "x" * 100})["extra"] == {"rows": "x" * 100}


def test_values_json_cannot_hold_are_kept_as_their_text() -> None:
    """The REST API shows what Airflow's JSON column holds; the DB may give a datetime: the same text either way."""
    from datetime import datetime, timezone

    assert event({"at": datetime(2024, 1, 2, tzinfo=timezone.utc)})["extra"] == {"at": "2024-01-02 00:00:00+00:00"}


def test_a_task_run_carries_its_try_number() -> None:
    assert records.task_run("extract", "success", "", 0.0, 1.0, try_number=2).try_number == 2
    assert records.task_run("extract", "success", "", 0.0, 1.0).try_number is None
