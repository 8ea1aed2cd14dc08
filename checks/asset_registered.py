"""asset_registered: the Assets view's record: the Asset, its producing task and its scheduled DAG."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, passed

READS = ("asset_record",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    course = sub.exercise
    producer_id, consumer_id = sub.producer.dag_id, sub.consumer.dag_id
    record = sub.run.asset_record
    if record is None:
        return failed(sub.run.error or "the Assets view was not read")
    if not record:
        return failed(f"no Asset {course.asset_uri} in the Assets view: neither DAG declares it")
    producers = [f"{p['dag_id']}.{p['task_id']}" for p in record["producing_tasks"]]
    scheduled = [d["dag_id"] for d in record["scheduled_dags"]]
    if not record.get("active"):
        return failed(f"Asset {course.asset_uri} is registered but not active (no current DAG references it)")
    if not any(p.startswith(producer_id + ".") for p in producers):
        return failed(f"Asset {course.asset_uri} has producing tasks {producers or 'none'}, wanted a task of {producer_id}")
    if consumer_id not in scheduled:
        return failed(f"Asset {course.asset_uri} has scheduled DAGs {scheduled or 'none'}, wanted {consumer_id}")
    return passed(f"Asset {course.asset_uri}: produced by {', '.join(producers)}; schedules {', '.join(scheduled)}")
