"""The one runner: decides every check of the course from the facts, in the course's order.

It, not the checks, applies the course file's openings: a check whose `requires` did not pass is
skipped with that reason (one cause, reported once); a dynamic check waits for a run; a check
about a DAG (`needs`) waits for that DAG; a check that reads a fact this mode could not obtain
(its module's READS, named in RunFacts.unavailable) is skipped with the reason. Then it adds the
check's id, title and, for a failure without a hint of its own, the course's hint.
"""

from __future__ import annotations

from dataclasses import replace

from exercise_cli.checks import check_module
from exercise_cli.checks._support import not_run, skipped
from exercise_cli.course import CheckSpec, Exercise
from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult


def evaluate(course: Exercise, sub: Submission, kinds: set[str], earlier: dict[str, dict] | None = None) -> dict[str, dict]:
    """The records (CheckResult as dicts) of the checks of these kinds; `earlier` ones count as prerequisites."""
    results: dict[str, dict] = dict(earlier or {})
    decided: dict[str, dict] = {}
    for spec in course.checks:
        if spec.kind not in kinds:
            continue
        result = _opening(course, spec, sub, results) or _decide(spec.id, sub)
        record = _completed(result, spec).to_dict()
        results[spec.id] = decided[spec.id] = record
    return decided


def _opening(course: Exercise, spec: CheckSpec, sub: Submission, results: dict[str, dict]) -> CheckResult | None:
    for required in spec.requires:
        prerequisite = results.get(required)
        if prerequisite is None:
            continue
        if prerequisite["status"] == "failed":
            return skipped(f"not run: '{course.check(required).title}' did not pass")
        if sub.mode != "static" and prerequisite["status"] != "passed":
            # It waits itself: this one waits for the same thing, so "not run yet" names only causes.
            return skipped(prerequisite["message"])
    if spec.kind == "dynamic" and (waiting := not_run(sub)) is not None:
        return waiting
    if spec.needs in ("producer", "consumer") and not sub.found(spec.needs):
        return skipped(f"no DAG {' or '.join(d.id for d in sub.exercise.dags.values() if d.role == spec.needs)} yet")
    if spec.needs == "either" and not sub.found():
        return skipped("no exercise DAG loaded yet")
    unavailable = sub.run.unavailable if sub.run is not None else {}
    for fact in getattr(check_module(spec.id, course), "READS", ()):
        if fact in unavailable:
            return skipped(f"cannot tell in this mode: {unavailable[fact]}")
    return None


def _decide(check_id: str, sub: Submission) -> CheckResult:
    try:
        return check_module(check_id, sub.exercise).check(sub)
    except Exception as exc:  # a grader bug must not hide the other checks' results
        return CheckResult("", "failed", f"the grader could not decide this check: {type(exc).__name__}: {exc}")


def _completed(result: CheckResult, spec: CheckSpec) -> CheckResult:
    hint = (result.hint or spec.hint) if result.status == "failed" else ""
    return replace(result, id=spec.id, title=spec.title, hint=hint)
