"""producer_outlet: each producer has a task listing its Assets (s3://data-lake/processed_data in 5.1) in its outlets."""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._airflow import outlet_assets
from ._decorated import todo_naming
from ._source import literal_line
from ._support import combined, failed, passed


def check(sub: Submission) -> CheckResult:
    return combined([_producer(sub, spec, dag) for spec, dag in sub.found("producer")])


def _producer(sub: Submission, spec, dag) -> CheckResult:
    outlets = outlet_assets(dag)
    shown = []
    for key in spec.outlets:
        result = _outlet(sub, dag, key, outlets)
        if result.status != "passed":
            return result
        shown.append(result)
    return combined(shown)


def _outlet(sub: Submission, dag, variable: str, outlets) -> CheckResult:
    wanted = sub.exercise.asset(variable).uri
    for task, asset in outlets:
        if asset.uri == wanted:
            file, line = sub.task_location(task)
            return passed(f"task {task.task_id} has outlets=[Asset({asset.uri!r})]", file, line)
    if outlets:
        # The first wrong line is where the URI is written (often the Asset defined once for both DAGs).
        exercise_uris = sub.exercise.uris(tuple(sub.exercise.assets))
        task, asset = next(((t, a) for t, a in outlets if a.uri not in exercise_uris), outlets[0])
        file, line = sub.task_location(task)
        if asset.uri in exercise_uris:  # another DAG's Asset of the exercise: the outlet is wrong, not the URI
            return failed(f"task {task.task_id} of {dag.dag_id} lists {asset.uri!r} in its outlets, wanted {wanted!r}",
                          hint=f"@task(outlets=[{variable}])", file=file, line=line)
        written = literal_line(sub, dag.fileloc, asset.uri)
        return failed(f"the Asset is defined with URI {asset.uri!r}, wanted {wanted!r} (task {task.task_id} lists it "
                      "in its outlets)", hint=f'{variable} = Asset("{wanted}")',
                      file=file, line=written or line)
    if not dag.tasks:
        todo = todo_naming(sub, dag.fileloc, "outlets")
        if todo is not None:
            line, name = todo
            return failed(f"{dag.dag_id} has no tasks yet: {name} (line {line}) adds the task with outlets",
                          file=sub.dag_file(dag), line=line)
        return failed(f"{dag.dag_id} has no tasks", file=sub.dag_file(dag), line=sub.dag_line(dag))
    task = dag.tasks[0]
    file, line = sub.task_location(task)
    names = ", ".join(t.task_id for t in dag.tasks)
    return failed(f"no task of {dag.dag_id} declares outlets (tasks: {names}); wanted outlets=[Asset({wanted!r})]", file=file, line=line)
