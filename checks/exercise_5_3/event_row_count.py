"""event_row_count (exercise 5.3's own check): the producer's asset event for each of its outlets carries
`row_count`, a whole number, in its extra (the event as the metadata DB or the deployment recorded it)."""

from __future__ import annotations

from exercise_cli.checks._support import combined, failed, keyed, passed
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

KEY = "row_count"


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    events = keyed(sub.run.events, sub, spec) or []
    for uri in sub.exercise.uris(spec.outlets):
        found = [e for e in events if e["uri"] == uri]
        if not found:
            return failed(f"the producer run recorded no asset event for {uri}")
        problem = why_not_counted(found[-1])
        if problem:
            return failed(f"the asset event #{found[-1]['id']} for {uri} {problem}")
    shown = [next(e for e in reversed(events) if e["uri"] == uri) for uri in sub.exercise.uris(spec.outlets)]
    return passed("; ".join(f"asset event #{e['id']} for {e['uri']} carries {KEY}={e['extra'][KEY]}" for e in shown))


def why_not_counted(event: dict) -> str:
    """What keeps an event's extra from holding a whole-number row_count ("" if nothing does)."""
    extra = event.get("extra")
    if extra is None:
        return "has an extra the grader cannot read (not a JSON object, or larger than 64 KiB)"
    if not extra:
        return ("has no extra: attach one in the task with the Asset in its outlets, "
                f"with yield Metadata(asset, {{{KEY!r}: n}}) or outlet_events[asset].extra = {{{KEY!r}: n}}")
    if KEY not in extra:
        keys = ", ".join(repr(k) for k in sorted(extra)[:5])
        return f"has an extra with {keys} but no {KEY!r}"
    value = extra[KEY]
    if isinstance(value, bool) or not isinstance(value, int):
        return f"has {KEY}={value!r} ({type(value).__name__}) in its extra; wanted a whole number, e.g. len(rows)"
    return ""
