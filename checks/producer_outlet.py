"""producer_outlet: a producer task lists the Asset s3://data-lake/processed_data in its outlets."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    dag = sub.producer
    wanted = sub.course.asset_uri
    outlets = outlet_assets(dag)
    for task, asset in outlets:
        if asset.uri == wanted:
            file, line = sub.task_location(task)
            return passed(f"task {task.task_id} has outlets=[Asset({asset.uri!r})]", file, line)
    if outlets:
        task, asset = outlets[0]
        file, line = sub.task_location(task)
        return failed(f"task {task.task_id} produces Asset {asset.uri!r}, wanted {wanted!r}", file=file, line=line)
    if not dag.tasks:
        return failed(f"{dag.dag_id} has no tasks", file=sub.dag_file(dag), line=sub.dag_line(dag))
    task = dag.tasks[0]
    file, line = sub.task_location(task)
    names = ", ".join(t.task_id for t in dag.tasks)
    return failed(f"no task of {dag.dag_id} declares outlets (tasks: {names}); wanted outlets=[Asset({wanted!r})]", file=file, line=line)
