"""logs_row_count (exercise 5.3's own check): the consumer run logs "Rows received: N" with N the row_count
of the event that triggered it, a number its code read from that event rather than wrote down."""

from __future__ import annotations

import re

from exercise_cli.checks._support import combined, failed, keyed, passed, the
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

KEY = "row_count"
LABEL = "Rows received:"
_LOGGED = re.compile(r"rows received:\s*(-?\d+)", re.IGNORECASE)

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_consumer(sub, spec) for spec in sub.exercise.consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    counts = [e["extra"][KEY] for e in (run.consumed_events if run else [])
              if isinstance(e.get("extra"), dict) and isinstance(e["extra"].get(KEY), int)]
    if not counts:
        return failed(f"the events that triggered {the(sub, spec)}'s run carry no {KEY}")
    wanted = counts[-1]  # the newest event: what the producer's run that triggered it attached
    tasks = run.tasks
    logged = [(t, int(m.group(1))) for t in tasks for m in _LOGGED.finditer(t.output)]
    if not logged:
        return failed(f"{the(sub, spec)}'s output has no line {LABEL} N; wanted {LABEL} {wanted}, "
                      f"the {KEY} of the event that triggered it")
    right = next(((task, n) for task, n in logged if n in counts), None)
    if right is None:
        task, n = logged[0]
        return failed(f"task {task.task_id} logged {LABEL} {n}, but the event that triggered the run carries "
                      f"{KEY}={wanted}: read it from that event's extra")
    task, n = right
    written, (file, line) = _written_down(sub, spec, task.task_id, n)
    if written:
        return failed(f"task {task.task_id} logged {LABEL} {n}, a number its code has as a constant "
                      f"({written!r}); read {KEY} from the triggering event's extra", file=file, line=line)
    return passed(f"task {task.task_id} logged {LABEL} {n}, the {KEY} of the event that triggered the run")


def _written_down(sub: Submission, spec, task_id: str, n: int) -> tuple[str | None, tuple]:
    """The consumer task's string constant that already says the count (the learner's code, not the
    event), and where the task is."""
    dag = sub.dag(spec)
    task = next((t for t in dag.tasks if t.task_id == task_id), None) if dag is not None else None
    if task is None:
        return None, (None, None)
    code = sub.task_code(task)
    for text in sorted(code.reads if code is not None else ()):
        match = _LOGGED.search(text)
        if match and int(match.group(1)) == n:
            return text, sub.task_location(task)
    return None, (None, None)
