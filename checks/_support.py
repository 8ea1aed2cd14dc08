"""What every check needs: results made the one way, and small helpers over the facts."""

from __future__ import annotations

import difflib
import re

from exercise_cli.facts import DagRunFacts, Submission
from exercise_cli.results import CheckResult

from ._source import source_text

# A check returns a CheckResult without id and title (the runner adds them, and the course's hint
# when a failing check gives none of its own).


def passed(message: str, file: str | None = None, line: int | None = None) -> CheckResult:
    return CheckResult("", "passed", message, file=file, line=line)


def failed(message: str, hint: str | None = None, file: str | None = None, line: int | None = None) -> CheckResult:
    return CheckResult("", "failed", message, hint or "", file, line)


def skipped(message: str) -> CheckResult:
    return CheckResult("", "skipped", message)


def pending(message: str) -> CheckResult:
    return CheckResult("", "pending", message)


def run_failed(run: DagRunFacts, hint: str | None = None) -> CheckResult:
    """A run that did not succeed: its first task that did not, with the exception and where it was raised."""
    task = run.failed_task()
    if task is None:
        return failed(f"run {run.run_id} ended {run.state} before any task ran{run.note}")
    return failed(f"task {task.task_id} ended {task.state}: {task.error or 'no exception recorded'}",
                  hint=hint, file=task.error_file, line=task.error_line)


def did_you_mean(wanted: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def todo_lines(path: str) -> list[int]:
    """The lines of the starter's `# TODO` comments still in a file."""
    text = source_text(path) or ""
    return [number for number, line in enumerate(text.splitlines(), start=1) if re.search(r"#\s*TODO", line)]


def not_run(sub: Submission) -> CheckResult | None:
    """The skip outcome for a dynamic check when nothing was run, else None."""
    if sub.mode == "static":
        return skipped("needs a full run (without --static)")
    if sub.run is None:
        return skipped(sub.dynamic_skip_reason or "your DAGs were not run")
    return None
