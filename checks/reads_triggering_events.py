"""reads_triggering_events: each consumer's task code reads the context key PARAMS["key"] (the
triggering events, unless the exercise sets `with = {key = "..."}`; its title and hint say {key}).

Looked up in the syntax tree of the consumer's task functions (a **context key, a task
parameter or get_current_context()), following calls to functions of the same file, and in
templated fields for templated operators. The code is read, never run.
"""

from __future__ import annotations

from exercise_cli.facts import Submission
from exercise_cli.results import CheckResult

from ._decorated import todo_naming
from ._source import AIRFLOW2_TRIGGERING_EVENTS, task_reads
from ._support import combined, failed, passed

PARAMS = {"key": "triggering_asset_events"}  # the parameters an exercise may set, and their defaults
AIRFLOW2_KEY = AIRFLOW2_TRIGGERING_EVENTS


def check(sub: Submission, key: str = PARAMS["key"]) -> CheckResult:
    return combined([_consumer(sub, dag, key) for _, dag in sub.found("consumer")])


def _consumer(sub: Submission, dag, key: str) -> CheckResult:
    if not dag.tasks:
        todo = todo_naming(sub, dag.fileloc, key)
        if todo is not None:
            line, name = todo
            return failed(f"{dag.dag_id} has no tasks yet: {name} (line {line}) adds the task that reads {key}",
                          file=sub.dag_file(dag), line=line)
        return failed(f"{dag.dag_id} has no tasks", file=sub.dag_file(dag), line=sub.dag_line(dag))
    names = {task.task_id: task_reads(sub, task, key) for task in dag.tasks}
    for task in dag.tasks:
        if key in names[task.task_id]:
            file, line = sub.task_location(task)
            return passed(f"task {task.task_id} reads {key}", file, line)
    for task in dag.tasks:
        if AIRFLOW2_KEY in names[task.task_id]:
            file, line = sub.task_location(task)
            return failed(
                f"task {task.task_id} reads {AIRFLOW2_KEY}, wanted {key}",
                hint=sub.exercise.airflow3_fix(AIRFLOW2_KEY),
                file=file,
                line=line,
            )
    task = dag.tasks[0]
    file, line = sub.task_location(task)
    ids = ", ".join(t.task_id for t in dag.tasks)
    return failed(f"no task of {dag.dag_id} ({ids}) reads {key} from its context", file=file, line=line)
