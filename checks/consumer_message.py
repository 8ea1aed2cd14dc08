"""consumer_message: each consumer run's output says its DagSpec's message ("Data is available for processing!" in 5.1).

Only consumers with a message are asked; an exercise without one does not list this check."""

from __future__ import annotations

import difflib
import re

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, failed, keyed, passed, the


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def says(text: str, message: str) -> bool:
    """Whether `text` contains `message`, case and spacing ignored."""
    return _normalized(message) in _normalized(text)


READS = ("task_output",)  # facts a mode may lack (RunFacts.unavailable): then the runner skips this check


def check(sub: Submission) -> CheckResult:
    return combined([_consumer(sub, spec) for spec in sub.exercise.consumers if spec.message])


def _consumer(sub: Submission, spec) -> CheckResult:
    wanted = spec.message
    run = keyed(sub.run.runs, sub, spec)
    tasks = run.tasks if run else []
    for task in tasks:
        if says(task.output, wanted):
            return passed(f"task {task.task_id} printed {wanted!r}")
    output = f"{the(sub, spec)}'s output"
    lines = [(t.task_id, line.strip()) for t in tasks for line in t.output.splitlines() if line.strip()]
    if not lines:
        return failed(f"{output} does not contain {wanted!r}: its tasks printed nothing")
    task_id, closest = max(lines, key=lambda item: difflib.SequenceMatcher(None, _normalized(item[1]), _normalized(wanted)).ratio())
    return failed(f"{output} does not contain {wanted!r}; the closest line, from {task_id}: {closest[:160]!r}")
