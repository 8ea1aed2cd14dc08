"""consumer_run: each asset-triggered consumer run, executed by Airflow's task runner, succeeds."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._support import combined, dag_id_of, failed, keyed, passed, run_failed, skipped, the


def check(sub: Submission) -> CheckResult:
    consumers = sub.exercise.consumers
    return combined([_consumer(sub, spec) for spec in consumers], [dag_id_of(sub, spec) for spec in consumers])


def _consumer(sub: Submission, spec) -> CheckResult:
    run = keyed(sub.run.runs, sub, spec)
    if run is None:
        who = the(sub, spec)
        return failed(sub.run.error or ("the consumer run was not executed" if who == "the consumer"
                                        else f"the run of {who} was not executed"))
    if run.state == "success" and not run.tasks:  # the DAG has no task yet: the static checks say which step adds one
        return skipped(f"not run: {run.dag_id} has no tasks yet")
    if run.state == "success":
        return passed(f"{run.run_id} succeeded ({', '.join(f'{t.task_id} {t.state}' for t in run.tasks)})")
    task = run.failed_task()
    return run_failed(run, hint=sub.exercise.airflow3_fix(task.error or "") or sub.exercise.airflow3_fix(task.output) if task else None)
