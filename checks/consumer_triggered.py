"""consumer_triggered: the scheduler's own step made an asset-triggered consumer run from the event."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    run = sub.run
    producer_run_id = run.producer_run.run_id if run.producer_run else None
    for consumer_run in run.consumer_runs or []:
        sources = [e for e in consumer_run.consumed_events if e.get("source_run_id") == producer_run_id]
        if sources:
            event = sources[0]
            return passed(
                f"the scheduler created {consumer_run.run_id} (run type asset_triggered), "
                f"consuming event #{event['id']} from {event['source_dag_id']}"
            )
    if run.consumer_runs and not any(r.consumed_events for r in run.consumer_runs):
        return failed(
            f"the scheduler created {run.consumer_runs[0].run_id}, but it consumed no asset event: Airflow hands a run "
            "the events of the Assets its DAG is scheduled on directly; a reference (Asset.ref) triggers the run "
            "without them, so triggering_asset_events stays empty",
            hint=f"schedule=[{sub.exercise.asset_variable}]: the very Asset object the producer lists in its outlets.")
    if run.consumer_runs:
        return failed(f"asset-triggered runs were created, but none consumed the event of producer run {producer_run_id}")
    return failed(f"the scheduler created no run of {sub.consumer.dag_id}: {run.trigger_diagnosis or 'its asset condition was not met'}")
