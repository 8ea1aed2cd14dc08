"""reads_triggering_events: the consumer's task code reads triggering_asset_events.

Looked up in the compiled code of the consumer's task callables (a **context key, a task
parameter or get_current_context()), and in templated fields for templated operators.
"""

from __future__ import annotations

from ._code import referenced_names, task_callables, templated_text
from ._support import Outcome, Submission, failed, passed, skipped

KEY = "triggering_asset_events"
AIRFLOW2_KEY = "triggering_dataset_events"


def check(sub: Submission) -> Outcome:
    dag = sub.consumer
    if dag is None:
        return skipped(f"no DAG {sub.course.consumer_dag_id} yet")
    if not dag.tasks:
        return failed(f"{dag.dag_id} has no tasks", file=sub.dag_file(dag), line=sub.dag_line(dag))
    for task in dag.tasks:
        names = set().union(*(referenced_names(fn) for fn in task_callables(task)))
        if KEY in names or KEY in templated_text(task):
            file, line = sub.task_location(task)
            return passed(f"task {task.task_id} reads {KEY}", file, line)
    for task in dag.tasks:
        names = set().union(*(referenced_names(fn) for fn in task_callables(task)))
        if AIRFLOW2_KEY in names or AIRFLOW2_KEY in templated_text(task):
            file, line = sub.task_location(task)
            return failed(
                f"task {task.task_id} reads {AIRFLOW2_KEY}, wanted {KEY}",
                hint=sub.course.airflow3_fix(AIRFLOW2_KEY),
                file=file,
                line=line,
            )
    task = dag.tasks[0]
    file, line = sub.task_location(task)
    ids = ", ".join(t.task_id for t in dag.tasks)
    return failed(f"no task of {dag.dag_id} ({ids}) reads {KEY} from its context", file=file, line=line)
