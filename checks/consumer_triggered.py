"""consumer_triggered: the scheduler's own step made each consumer's asset-triggered run from the producers' events."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, dag_id_of, failed, keyed, passed


def check(sub: Submission) -> CheckResult:
    consumers = sub.exercise.consumers
    return combined([_consumer(sub, spec) for spec in consumers], [dag_id_of(sub, spec) for spec in consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = sub.run
    feeding = [p for p in sub.exercise.producers if set(p.outlets) & set(spec.schedule_on)] or list(sub.exercise.producers)
    producer_runs = [r for p in feeding if (r := keyed(run.runs, sub, p)) is not None]
    producer_run_ids = [r.run_id for r in producer_runs] or [None]
    consumer_runs = keyed(run.triggered, sub, spec) or []
    for consumer_run in consumer_runs:
        sources = [next((e for e in consumer_run.consumed_events if e.get("source_run_id") == run_id), None)
                   for run_id in producer_run_ids]
        if all(sources):
            return passed(
                f"the scheduler created {consumer_run.run_id} (run type asset_triggered), consuming "
                f"{'event' if len(sources) == 1 else 'events'} "
                + ", ".join(f"#{e['id']} from {e['source_dag_id']}" for e in sources)
            )
    if consumer_runs and not any(r.consumed_events for r in consumer_runs):
        return failed(
            f"the scheduler created {consumer_runs[0].run_id}, but it consumed no asset event: Airflow hands a run "
            "the events of the Assets its DAG is scheduled on directly; a reference (Asset.ref) triggers the run "
            "without them, so triggering_asset_events stays empty",
            hint=f"schedule=[{', '.join(spec.schedule_on)}]: the very Asset object the producer lists in its outlets.")
    if consumer_runs:
        if len(producer_run_ids) == 1:
            return failed(f"asset-triggered runs were created, but none consumed the event of producer run {producer_run_ids[0]}")
        return failed(f"asset-triggered runs were created, but none consumed the events of all the producer runs "
                      f"{', '.join(map(str, producer_run_ids))}")
    diagnosis = keyed(run.trigger_diagnosis, sub, spec)
    return failed(f"the scheduler created no run of {dag_id_of(sub, spec)}: {diagnosis or 'its asset condition was not met'}")
