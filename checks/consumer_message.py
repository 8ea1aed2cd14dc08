"""consumer_message: the consumer run's output says "Data is available for processing!"."""

from __future__ import annotations

import re

from ._support import Outcome, Submission, failed, not_run, passed


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def says(text: str, message: str) -> bool:
    """Whether `text` contains `message`, case and spacing ignored."""
    return _normalized(message) in _normalized(text)


def check(sub: Submission) -> Outcome:
    if (skip := not_run(sub)) is not None:
        return skip
    wanted = sub.course.consumer_message
    run = sub.run.consumer_run
    tasks = run.tasks if run else []
    for task in tasks:
        if says(task.output, wanted):
            return passed(f"task {task.task_id} printed {wanted!r}")
    found = "; ".join(f"{t.task_id}: {(t.output.strip().splitlines() or ['no output'])[0][:120]!r}" for t in tasks)
    return failed(f"the consumer's output does not contain {wanted!r} (found {found or 'no output'})")
