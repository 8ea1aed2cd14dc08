"""producer_outlet: a producer task lists the Asset s3://data-lake/processed_data in its outlets."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._decorated import todo_naming
from ._source import literal_line
from ._support import failed, passed


def check(sub: Submission) -> CheckResult:
    dag = sub.producer
    wanted = sub.exercise.asset_uri
    outlets = outlet_assets(dag)
    for task, asset in outlets:
        if asset.uri == wanted:
            file, line = sub.task_location(task)
            return passed(f"task {task.task_id} has outlets=[Asset({asset.uri!r})]", file, line)
    if outlets:
        # The first wrong line is where the URI is written (often the Asset defined once for both DAGs).
        task, asset = outlets[0]
        file, line = sub.task_location(task)
        written = literal_line(dag.fileloc, asset.uri)
        return failed(f"the Asset is defined with URI {asset.uri!r}, wanted {wanted!r} (task {task.task_id} lists it "
                      "in its outlets)", hint=f'{sub.exercise.asset_variable} = Asset("{wanted}")',
                      file=file, line=written or line)
    if not dag.tasks:
        todo = todo_naming(dag.fileloc, "outlets")
        if todo is not None:
            line, name = todo
            return failed(f"{dag.dag_id} has no tasks yet: {name} (line {line}) adds the task with outlets",
                          file=sub.dag_file(dag), line=line)
        return failed(f"{dag.dag_id} has no tasks", file=sub.dag_file(dag), line=sub.dag_line(dag))
    task = dag.tasks[0]
    file, line = sub.task_location(task)
    names = ", ".join(t.task_id for t in dag.tasks)
    return failed(f"no task of {dag.dag_id} declares outlets (tasks: {names}); wanted outlets=[Asset({wanted!r})]", file=file, line=line)
