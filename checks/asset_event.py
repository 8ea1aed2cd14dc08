"""asset_event: each producer run recorded an asset event for each Asset its DAG lists in its outlets."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, failed, keyed, passed, the


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    events = keyed(sub.run.events, sub, spec) or []
    who = the(sub, spec)
    run = "the producer run" if who == "the producer" else f"the run of {who}"
    found = sorted({e["uri"] for e in events})
    for wanted in sub.exercise.uris(spec.outlets):
        matching = [e for e in events if e["uri"] == wanted]
        if matching:
            continue
        if events:
            return failed(f"{run} recorded asset events for {', '.join(found)}, wanted {wanted}")
        return failed(f"{run} succeeded but recorded no asset event: no task has outlets=[Asset({wanted!r})]")
    shown = [next(e for e in events if e["uri"] == uri) for uri in sub.exercise.uris(spec.outlets)]
    return passed("; ".join(f"asset event #{e['id']} for {e['uri']} from {e['source_dag_id']}.{e['source_task_id']}"
                            for e in shown))
