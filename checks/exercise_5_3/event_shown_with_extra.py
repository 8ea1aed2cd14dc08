"""event_shown_with_extra (exercise 5.3's own check): the Assets view has each Asset the producer updates,
and the event it lists for it (the metadata DB's, or the deployment's /assets/events) shows the extra."""

from __future__ import annotations

import json

from exercise_cli.checks._support import combined, failed, keyed, passed
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

KEY = "row_count"

READS = ("asset_record",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    records = sub.run.asset_records or {}
    events = keyed(sub.run.events, sub, spec) or []
    shown = []
    for uri in sub.exercise.uris(spec.outlets):
        if not records.get(uri):
            return failed(f"the Assets view has no Asset {uri}")
        event = next((e for e in reversed(events) if e["uri"] == uri), None)
        if event is None or KEY not in (event.get("extra") or {}):
            return failed(f"the Assets view lists no event of {uri} with {KEY} in its extra")
        shown.append(f"{uri}: event #{event['id']} from {event['source_dag_id']}.{event['source_task_id']}, "
                     f"extra {json.dumps(event['extra'], sort_keys=True)[:200]}")
    return passed("; ".join(shown))
