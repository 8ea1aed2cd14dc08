"""What every check needs: results made the one way, and small helpers over the facts."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Any

from exercise_cli.course import DagSpec
from exercise_cli.facts import DagRunFacts, Submission
from exercise_cli.results import CheckResult

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


def join_and(items: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'or')."""
    items = list(items)
    return f" {last} ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def dag_id_of(sub: Submission, spec: DagSpec) -> str:
    """The id the learner's DAG of this spec has (found by role, it may differ), else the spec's."""
    dag = sub.dag(spec)
    return dag.dag_id if dag is not None else spec.id


def keyed(facts: dict[str, Any], sub: Submission, spec: DagSpec) -> Any:
    """The run fact of this DAG (facts are keyed by the DAG id that ran)."""
    found = facts.get(dag_id_of(sub, spec))
    return found if found is not None else facts.get(spec.id)


def with_whole_number(events: list[dict], key: str) -> list[dict]:
    """The asset events whose extra holds a whole number at `key`, in their order."""
    return [e for e in events if isinstance(e.get("extra"), dict) and isinstance(e["extra"].get(key), int)]


def written_number(text: str) -> int:
    """A whole number as a task printed it, its thousands separators dropped: "8,344" and "8_344" are 8344."""
    return int(re.sub(r"[,_]", "", text))


def the(sub: Submission, spec: DagSpec) -> str:
    """How messages name a DAG's role: "the producer" when the exercise has one, else the DAG's id."""
    alone = sum(1 for d in sub.exercise.dags.values() if d.role == spec.role) == 1
    return f"the {spec.role}" if alone else dag_id_of(sub, spec)


def combined(results: list[CheckResult], names: list[str] | None = None) -> CheckResult:
    """One outcome over several DAGs: every failure in one (so one round fixes them all), else the first that
    did not pass, else one pass naming each (`names`: the DAG each result is about, for messages that do
    not say it themselves)."""
    if names is not None and len(results) > 1:
        results = [replace(r, message=f"{name}: {r.message}") if r.status == "passed" else r for r, name in zip(results, names)]
    failures = [r for r in results if r.status == "failed"]
    if failures:
        return all_failed(failures)
    for result in results:
        if result.status != "passed":
            return result
    if len(results) == 1:
        return results[0]
    return passed("; ".join(r.message for r in results), file=results[0].file if results else None,
                  line=results[0].line if results else None)


def not_run(sub: Submission) -> CheckResult | None:
    """The skip outcome for a dynamic check when nothing was run, else None."""
    if sub.mode == "static":
        return skipped("needs a full run (without --static)")
    if sub.run is None:
        return skipped(sub.dynamic_skip_reason or "your DAGs were not run")
    return None


def all_failed(failures: list[CheckResult]) -> CheckResult:
    """Several failures of one check as one, in file order: the first's place leads the line, each other
    names its own line; their hints, each once."""
    if len(failures) == 1:
        return failures[0]
    ordered = sorted(failures, key=lambda r: (r.file is None, r.file or "", r.line is None, r.line or 0))
    first = ordered[0]
    parts = [first.message]
    for r in ordered[1:]:
        where = (f"line {r.line}" if r.file in (None, first.file) else f"{r.file}:{r.line}") if r.line else r.file
        parts.append(f"{r.message} ({where})" if where else r.message)
    hints = list(dict.fromkeys(r.hint for r in ordered if r.hint))
    return failed("; ".join(parts), hint=" ".join(hints) or None, file=first.file, line=first.line)
