"""reads_upstream_event (exercise 5.4's own check): each consumer run logs the source run id of an event
it consumed, a text that exists only in that event (the run id has the producer run's own time)."""

from __future__ import annotations

from exercise_cli.checks._support import combined, failed, keyed, passed, the
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_consumer(sub, spec) for spec in sub.exercise.consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    events = [e for e in (run.consumed_events if run else []) if e.get("source_run_id")]
    if not events:
        return failed(f"{the(sub, spec)}'s run consumed no event with a source run")
    for task in run.tasks:
        for event in events:
            if event["source_run_id"] in task.output:
                return passed(f"task {task.task_id} logged {event['source_run_id']}, the run of "
                              f"{event['source_dag_id']} whose event #{event['id']} triggered it")
    return failed(f"{the(sub, spec)}'s output does not name the run its triggering event came from, "
                  f"{events[-1]['source_run_id']} (from {events[-1]['source_dag_id']})")
