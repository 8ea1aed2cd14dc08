"""consumer_names_asset: each consumer run logs every Asset that triggered it, read from its events.

The URIs are known before the run, so the output must also hold a value only a consumed event holds
(its timestamp or its source run id): that is what shows the task read its triggering events.
"""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._event_values import logged_event_value
from ._source import TRIGGERING_EVENTS, task_reads
from ._support import combined, failed, keyed, passed, the

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_consumer(sub, spec) for spec in sub.exercise.consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    uris = sorted({e["uri"] for e in (run.consumed_events if run else [])})
    tasks = run.tasks if run else []
    naming = {uri: next((t for t in tasks if uri in t.output), None) for uri in uris}
    missing = [uri for uri, task in naming.items() if task is None]
    output = f"{the(sub, spec)}'s output"
    if not uris or len(missing) == len(uris):
        assets = "Asset" if len(uris) < 2 else "Assets"
        return failed(f"{output} does not name the triggering {assets} {', '.join(uris) or '(none)'}")
    if missing:
        named = [uri for uri in uris if uri not in missing]
        return failed(f"{output} names {', '.join(named)} but not {', '.join(missing)}, though those Assets' events "
                      "triggered the run too")
    dag = sub.dag(spec)
    for uri, task in naming.items():
        code = next((t for t in dag.tasks if t.task_id == task.task_id), None) if dag is not None else None
        if code is None or TRIGGERING_EVENTS not in task_reads(sub, code):
            file, line = sub.task_location(code) if code is not None else (None, None)
            return failed(
                f"the output names {uri}, but the code of {task.task_id} does not read it from {TRIGGERING_EVENTS}",
                file=file,
                line=line,
            )
    events = run.consumed_events
    if not any(logged_event_value(task.output, events) for task in tasks):
        return failed(
            f"{output} names {', '.join(uris)}, but no value of its triggering events (a timestamp, a source "
            "run id): the URI is known before the run, so it does not show that the task read its events",
            hint=f"for asset, events in context[\"{TRIGGERING_EVENTS}\"].items(), then for event in events: "
                 "print(f\"  event timestamp: {event.timestamp}\")",
        )
    by_task: dict[str, list[str]] = {}
    for uri, task in naming.items():
        by_task.setdefault(task.task_id, []).append(uri)
    return passed("; ".join(f"task {task_id} logged the triggering Asset{'s' if len(named) > 1 else ''} {', '.join(named)}, "
                            "read from triggering_asset_events" for task_id, named in by_task.items()))
