"""producer_run: each producer run, executed by Airflow's task runner, ends in success."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, failed, keyed, passed, run_failed, skipped, the


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec) for spec in sub.exercise.producers])


def _producer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    if run is None and sub.run.error:
        return failed(sub.run.error)
    if run is None and sub.dag(spec) is None:  # not written yet (a TODO still to do): nothing failed
        return skipped(f"no DAG {spec.id} yet: its run waits for it")
    if run is None:
        who = the(sub, spec)
        return failed("no producer run was made" if who == "the producer" else f"no run of {who} was made")
    if run.state == "success" and not run.tasks:  # the DAG has no task yet: the static checks say which step adds one
        return skipped(f"not run: {run.dag_id} has no tasks yet")
    if run.state == "success":
        tasks = ", ".join(f"{t.task_id} {t.state}" for t in run.tasks)
        return passed(f"{run.run_type} run {run.run_id} succeeded ({tasks}){run.note}")
    return run_failed(run)
