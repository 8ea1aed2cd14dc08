"""consumer_run: the asset-triggered consumer run, executed by Airflow's task runner, succeeds."""

from __future__ import annotations

from ._support import Outcome, Submission, failed, passed


def check(sub: Submission) -> Outcome:
    run = sub.run.consumer_run
    if run is None:
        return failed(sub.run.error or "the consumer run was not executed")
    if run.state == "success":
        return passed(f"{run.run_id} succeeded ({', '.join(f'{t.task_id} {t.state}' for t in run.tasks)})")
    task = run.failed_task()
    if task is None:
        return failed(f"{run.run_id} ended {run.state} before any task ran{run.note}")
    return failed(
        f"task {task.task_id} ended {task.state}: {task.error or 'no exception recorded'}",
        hint=sub.course.airflow3_fix(task.error or "") or sub.course.airflow3_fix(task.output),
        file=task.error_file,
        line=task.error_line,
    )
