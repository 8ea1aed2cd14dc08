"""processing_timestamp: each producer task's output holds a timestamp from the time it ran.

The output is what the task printed and logged, and the returned value Airflow logs; the
timestamps Airflow itself puts at the start of every log line are removed before looking.
"""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, failed, keyed, passed, the
from ._timestamps import first_stamped_line

READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    tasks = run.tasks if run else []
    for task in tasks:
        line = first_stamped_line(task.output.splitlines(), task.started, task.ended, sub.source.local_zone)
        if line is not None:
            return passed(f"task {task.task_id} logged the processing timestamp: {line.strip()[:160]!r}")
    shown = "; ".join(f"{t.task_id}: {_tail(t.output)}" for t in tasks) or "no output"
    return failed(f"no timestamp from the run's time in {the(sub, spec)}'s output ({shown})")


def _tail(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    text = " | ".join(lines[-3:]) if lines else "no output"
    return text if len(text) < 200 else text[:197] + "..."
