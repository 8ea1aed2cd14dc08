"""consumer_names_asset: the consumer run logs the triggering Asset's URI, read from its events."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._source import TRIGGERING_EVENTS, task_reads
from ._support import failed, passed

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    run = sub.run.consumer_run
    uris = sorted({e["uri"] for e in (run.consumed_events if run else [])})
    tasks = run.tasks if run else []
    naming = [(t, uri) for t in tasks for uri in uris if uri in t.output]
    if not naming:
        return failed(f"the consumer's output does not name the triggering Asset {', '.join(uris) or '(none)'}")
    task, uri = naming[0]
    spec = next((t for t in sub.consumer.tasks if t.task_id == task.task_id), None) if sub.consumer else None
    if spec is None or TRIGGERING_EVENTS not in task_reads(spec):
        file, line = sub.task_location(spec) if spec is not None else (None, None)
        return failed(
            f"the output names {uri}, but the code of {task.task_id} does not read it from {TRIGGERING_EVENTS}",
            file=file,
            line=line,
        )
    return passed(f"task {task.task_id} logged the triggering Asset {uri}, read from triggering_asset_events")
