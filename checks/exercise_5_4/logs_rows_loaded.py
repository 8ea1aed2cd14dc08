"""logs_rows_loaded (exercise 5.4's own check): the producer's task printed how many rows it loaded ("Its body
loads the day's sales (a number of rows it computes) and prints how many"). Where its asset event carries a
row_count, the printed line must say that very number; else a line with a whole number and the word rows
(or records) is the count."""

from __future__ import annotations

import re

from exercise_cli.checks._support import combined, failed, keyed, passed, the, with_whole_number, written_number
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check
_NUMBER = r"(?<![\w.:/-])\d[\d,]*(?![\w.:/-])"  # a whole number on its own, not a date, time, ratio or name part
_WORD = r"\b(?:rows?|records?)(?:_count)?\b"
_COUNT = re.compile(rf"{_NUMBER}.*{_WORD}|{_WORD}.*{_NUMBER}", re.IGNORECASE)
SHOWN_LINES = 3


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    tasks = run.tasks if run else []
    counts = {e["extra"]["row_count"] for e in with_whole_number(keyed(sub.run.events, sub, spec) or [], "row_count")}
    for task in tasks:
        for line in task.output.splitlines():
            numbers = {written_number(n) for n in re.findall(_NUMBER, line)}
            if (numbers & counts) if counts else _COUNT.search(line):
                return passed(f"task {task.task_id} printed {line.strip()[:160]!r}")
    printed = "; ".join(f"{t.task_id}: {_last_lines(t.output)}" for t in tasks) or "no task ran"
    wanted = f" (its event carries row_count={min(counts)})" if len(counts) == 1 else ""
    return failed(f"{the(sub, spec)}'s output has no line with the number of rows it loaded{wanted}: {printed}")


def _last_lines(output: str) -> str:
    lines = [line.strip()[:120] for line in output.splitlines() if line.strip()]
    return ", ".join(map(repr, lines[-SHOWN_LINES:])) if lines else "printed nothing"
