"""consumer_names_asset: the consumer run logs the triggering Asset's URI, read from its events."""

from __future__ import annotations

from . import reads_triggering_events
from ._support import Outcome, Submission, failed, not_run, passed


def check(sub: Submission) -> Outcome:
    if (skip := not_run(sub)) is not None:
        return skip
    run = sub.run.consumer_run
    uris = sorted({e["uri"] for e in (run.consumed_events if run else [])})
    tasks = run.tasks if run else []
    naming = [(t, uri) for t in tasks for uri in uris if uri in t.output]
    if not naming:
        return failed(f"the consumer's output does not name the triggering Asset {', '.join(uris) or '(none)'}")
    reads = reads_triggering_events.check(sub)
    if reads.status != "passed":
        return failed(
            f"the output names {naming[0][1]}, but the code does not read it from triggering_asset_events: {reads.message}",
            hint=sub.course.check("consumer_names_asset").hint,
            file=reads.file,
            line=reads.line,
        )
    task, uri = naming[0]
    return passed(f"task {task.task_id} logged the triggering Asset {uri}, read from triggering_asset_events")
