"""same_event_both (exercise 9.1's own check): every consumer's asset-triggered run consumed the producer's one event."""

from __future__ import annotations

from exercise_cli.checks._support import failed, passed
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult


def check(sub: Submission) -> CheckResult:
    produced = {e["id"] for e in sub.run.all_events()}
    consumed = {}
    for spec in sub.exercise.consumers:
        run = sub.run.runs.get(spec.id)
        consumed[spec.id] = {e["id"] for e in (run.consumed_events if run else [])}
    missing = [dag_id for dag_id, ids in consumed.items() if not ids & produced]
    if missing:
        return failed(f"{', '.join(missing)} consumed none of the producer's events {sorted(produced)}")
    return passed(f"{', '.join(consumed)} each consumed event(s) {sorted(produced)}")
