"""asset_event: the producer run recorded an asset event for the exercise's Asset."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    wanted = sub.exercise.asset_uri
    events = sub.run.asset_events or []
    matching = [e for e in events if e["uri"] == wanted]
    if matching:
        event = matching[0]
        return passed(f"asset event #{event['id']} for {wanted} from {event['source_dag_id']}.{event['source_task_id']}")
    if events:
        found = ", ".join(sorted({e["uri"] for e in events}))
        return failed(f"the producer run recorded asset events for {found}, wanted {wanted}")
    return failed(f"the producer run succeeded but recorded no asset event: no task has outlets=[Asset({wanted!r})]")
