"""producer_run: a producer run, executed by Airflow's task runner, ends in success."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import failed, passed, run_failed, skipped


def check(sub: Submission) -> CheckResult:
    run = sub.run.producer_run
    if run is None:
        return failed(sub.run.error or "no producer run was made")
    if run.state == "success" and not run.tasks:  # the DAG has no task yet: the static checks say which step adds one
        return skipped(f"not run: {run.dag_id} has no tasks yet")
    if run.state == "success":
        tasks = ", ".join(f"{t.task_id} {t.state}" for t in run.tasks)
        return passed(f"{run.run_type} run {run.run_id} succeeded ({tasks}){run.note}")
    return run_failed(run)
