"""producer_run: a producer run, executed by Airflow's task runner, ends in success."""

from __future__ import annotations

from ._support import Outcome, Submission, failed, passed


def check(sub: Submission) -> Outcome:
    run = sub.run.producer_run
    if run is None:
        return failed(sub.run.error or "no producer run was made")
    if run.state == "success":
        tasks = ", ".join(f"{t.task_id} {t.state}" for t in run.tasks)
        return passed(f"{run.run_type} run {run.run_id} succeeded ({tasks}){run.note}")
    task = run.failed_task()
    if task is None:
        return failed(f"run {run.run_id} ended {run.state} before any task ran{run.note}")
    return failed(
        f"task {task.task_id} ended {task.state}: {task.error or 'no exception recorded'}",
        file=task.error_file,
        line=task.error_line,
    )
