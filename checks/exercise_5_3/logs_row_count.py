"""logs_row_count (exercise 5.3's own check): the consumer run logs "Rows received: N" with N the row_count
of the event that triggered it. The run checked is the scenario's last: the one triggered by an event the
grader posted with a row_count picked at each grading, so only a number read from the event can match."""

from __future__ import annotations

import re

from exercise_cli.checks._support import combined, failed, keyed, passed, the, with_whole_number, written_number
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

KEY = "row_count"
LABEL = "Rows received:"
_LOGGED = re.compile(r"rows received:\s*(-?\d[\d,_]*)", re.IGNORECASE)  # 8,344 and 8_344 are 8344

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_consumer(sub, spec) for spec in sub.exercise.consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    events = with_whole_number(run.consumed_events if run else [], KEY)
    if not events:
        return failed(f"the events that triggered {the(sub, spec)}'s run carry no {KEY}")
    counts = [e["extra"][KEY] for e in events]
    wanted = events[-1]["extra"][KEY]
    event = (f"the event the grader posted to {events[-1]['uri']} (as the Assets view's Create Asset Event does)"
             if not events[-1].get("source_dag_id") else "the event that triggered the run")
    logged = [(t, written_number(m.group(1))) for t in run.tasks for m in _LOGGED.finditer(t.output)]
    if not logged:
        return failed(f"{the(sub, spec)}'s output has no line {LABEL} N; wanted {LABEL} {wanted}, the {KEY} of {event}")
    said = sorted({n for _, n in logged})
    if len(said) > len(set(counts)):  # every number said at once would match whatever the event carries
        shown = ", ".join(map(str, said[:5])) + (", ..." if len(said) > 5 else "")
        return failed(f"{the(sub, spec)} logged {LABEL} with {len(said)} different numbers ({shown}), but {event} "
                      f"carries one {KEY}: log that one")
    right = next(((task, n) for task, n in logged if n in counts), None)
    if right is None:
        task, n = logged[0]
        return failed(f"task {task.task_id} logged {LABEL} {n}, but {event} carries {KEY}={wanted}: read {KEY} "
                      "from the triggering event's extra, not from your own code")
    task, n = right
    return passed(f"task {task.task_id} logged {LABEL} {n}, the {KEY} of {event}")
