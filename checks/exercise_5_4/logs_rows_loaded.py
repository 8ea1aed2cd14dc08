"""logs_rows_loaded (exercise 5.4's own check): the producer's task printed how many rows it loaded, a line
of its output with a whole number and the word "row" ("Its body loads the day's sales (a number of rows
it computes) and prints how many")."""

from __future__ import annotations

import re

from exercise_cli.checks._support import combined, failed, keyed, passed, the
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check
_COUNT = re.compile(r"(?<![\w.:-])\d+(?![\w.:-]).*\brows?\b|\brows?\b.*(?<![\w.:-])\d+(?![\w.:-])", re.IGNORECASE)


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    tasks = run.tasks if run else []
    for task in tasks:
        for line in task.output.splitlines():
            if _COUNT.search(line):
                return passed(f"task {task.task_id} printed {line.strip()[:160]!r}")
    printed = "; ".join(f"{t.task_id}: {_last_line(t.output)}" for t in tasks) or "no task ran"
    return failed(f"{the(sub, spec)}'s output has no line with the number of rows it loaded ({printed})")


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return repr(lines[-1][:120]) if lines else "printed nothing"
