"""waits_for_all_assets: the scheduler made no consumer run, of any run type, while only some of its Assets were updated.

Decided from the scenario's "not_triggered" steps (RunFacts.early): after the producers run so far,
the scheduler's own run-creation step ran and must have created no run of the consumer. Only the
consumers such a step names are checked; a scenario with no such step cannot grade this, and says so.
"""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, dag_id_of, failed, join_and, keyed, passed, skipped
from .consumer_schedule import left_out

SCHEDULE_CHECK = "consumer_schedule"


def check(sub: Submission) -> CheckResult:
    checked = {step.dag for step in sub.exercise.scenario if step.step == "not_triggered"}
    consumers = [spec for spec in sub.exercise.consumers if spec.key in checked]
    if not consumers:
        ids = join_and([dag_id_of(sub, spec) for spec in sub.exercise.consumers])
        return skipped(f"the exercise's scenario has no not_triggered step: it never checks that {ids} waits "
                       "before all its Assets are updated")
    return combined([_consumer(sub, spec) for spec in consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    dag_id = dag_id_of(sub, spec)
    early = keyed(sub.run.early, sub, spec)
    if early is None:
        return failed(sub.run.error or f"the scenario did not reach its check of {dag_id} before the last update")
    updated = sorted(early.updated)
    waiting = [uri for uri in sub.exercise.uris(spec.schedule_on) if uri not in early.updated]
    so_far = join_and(updated) if updated else "no Asset"
    if not early.runs:
        return passed(f"with only {so_far} updated, the scheduler created no run of {dag_id}: it waits for "
                      f"{join_and(waiting) or 'the rest'}")
    were = "was" if len(updated) == 1 else "were"
    before = join_and(waiting) or "the rest"
    timed = [run for run in early.runs if run.run_type != "asset_triggered"]
    if timed:
        return _same_cause(sub, f"the scheduler created {join_and([run.run_id for run in timed])} of {dag_id} "
                                f"({join_and(sorted({run.run_type for run in timed}))}, not asset-triggered) when only "
                                f"{so_far} {were} updated, before {before}: its schedule also runs it on a timetable")
    runs = join_and([run.run_id for run in early.runs])
    dag = sub.dag(spec)
    missing = left_out(sub, spec, dag) if dag is not None else []
    if missing:
        return _same_cause(sub, f"the scheduler created {runs} of {dag_id} when only {so_far} {were} updated, before "
                                f"{before}: its schedule leaves out {join_and(missing)}, so it does not wait for "
                                f"{'it' if len(missing) == 1 else 'them'}")
    alone = any(len({event.get("uri") for event in run.consumed_events}) == 1 for run in early.runs)
    why = "its schedule lets any one Asset trigger it" if alone else "its schedule does not wait for all of its Assets"
    return _same_cause(sub, f"the scheduler created {runs} of {dag_id} when only {so_far} {were} updated, before "
                            f"{before}: {why}")


def _same_cause(sub: Submission, what_happened: str) -> CheckResult:
    """A run made early comes from the consumer's schedule, which consumer_schedule reads and reports: this failure
    says it is that same cause, and gives that check's fix rather than a second one worded otherwise."""
    schedule = next((spec for spec in sub.exercise.checks if spec.id == SCHEDULE_CHECK), None)
    if schedule is None:  # an exercise without that check: this one is the only report of the cause
        return failed(what_happened)
    return failed(f"{what_happened} (the same cause as '{schedule.title}')",
                  hint=f"The fix of '{schedule.title}': {schedule.hint}" if schedule.hint else None)
