"""Every verdict rule, in one place: the runner that decides each check of an exercise from the facts, in
the exercise's order, and what a grading stopped by a timeout decides. (The report's verdict, its
score and each criterion's status are results.Report's, from these records.)

The runner, not the checks, applies the exercise file's openings: a check whose `requires` did not pass is
skipped with that reason (one cause, reported once); a dynamic check waits for a run; a check
about a DAG (`needs`) waits for that DAG; a check that reads a fact this mode could not obtain
(its module's READS, named in RunFacts.unavailable) is skipped with the reason. Then it adds the
check's id, title and, for a failure without a hint of its own, the course's hint.
"""

from __future__ import annotations

from dataclasses import replace

from exercise_cli.checks import check_module, not_run, skipped
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
        result = _opening(course, spec, sub, results) or _decide(spec, sub)
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


def _decide(spec: CheckSpec, sub: Submission) -> CheckResult:
    try:  # with its parameters: its module's PARAMS, as the exercise sets them (`with`)
        return check_module(spec.id, sub.exercise).check(sub, **spec.params)
    except Exception as exc:  # a grader bug must not hide the other checks' results
        return CheckResult("", "failed", f"the grader could not decide this check: {type(exc).__name__}: {exc}")


def _completed(result: CheckResult, spec: CheckSpec) -> CheckResult:
    hint = (result.hint or spec.hint) if result.status == "failed" else ""
    return replace(result, id=spec.id, title=spec.title, hint=hint)


def stopped(course: Exercise, decided: dict[str, dict], stopped_check: str, reason: str, hint: str,
            file: str | None, quiz_passed: bool) -> dict[str, dict]:
    """A grading stopped while the learner's code ran: the check of that phase fails with the reason, every
    check not decided yet is skipped naming it, and the quiz is decided as always (it reads no DAG)."""
    results = dict(decided)
    results[stopped_check] = _completed(CheckResult("", "failed", reason, hint, file=file), course.check(stopped_check)).to_dict()
    title = course.check(stopped_check).title
    nothing_loaded = Submission(exercise=course, files=[], dags={}, import_errors={}, warnings={}, learner_paths={},
                                quiz_passed=quiz_passed)
    for spec in course.checks:
        if spec.id in results:
            continue
        if spec.kind == "quiz":
            results.update(evaluate(course, nothing_loaded, kinds={"quiz"}))
        else:
            results[spec.id] = _completed(skipped(f"not run: grading stopped at '{title}'"), spec).to_dict()
    return results


def cannot_be_triggered(course: Exercise, static: dict[str, dict]) -> bool:
    """Whether the static checks already say no asset-triggered run can come: a check the scheduler's step
    requires has failed (live mode then waits for the run only briefly)."""
    return any(static.get(required, {}).get("status") == "failed"
               for spec in course.checks if spec.phase == "scheduler" for required in spec.requires)
