"""loaded_as_written: where the learner's source states a graded DAG's schedule or a task's outlets literally
(Assets, lists, |, &, AssetAll/AssetAny, None, a cron text), what Airflow loaded means the same.

Learner code runs before Airflow builds its DAGs and can change Airflow itself (make | build an AND); the
scheduler then grades a DAG the file does not say. Such a DAG fails here, with the line that says otherwise."""

from __future__ import annotations

import re

from exercise_cli.facts import Shape, Submission
from exercise_cli.results import CheckResult

from ._definitions import dag_definitions, task_definitions
from ._support import failed, join_and, passed

CHANGED = "something changed Airflow while your file was imported; only what your code says earns credit"
HINT = "Leave Airflow as it is: no patching of Asset, AssetAll or AssetAny (or anything else of Airflow) in your DAG file."


def check(sub: Submission) -> CheckResult:
    compared = 0
    for _, dag in sub.found():
        loaded = sub.loaded.get(dag.dag_id)
        if loaded is None:
            continue
        file = sub.dag_file(dag)
        stated = [d for d in dag_definitions(sub.source.of(dag.fileloc), dag.dag_id) if d.schedule is not None]
        if stated and loaded.schedule is not None:
            compared += 1
            if all(d.schedule != loaded.schedule for d in stated):
                written = stated[0]
                said, got = _contrasted(written.schedule, loaded.schedule)
                return failed(f"DAG {dag.dag_id}: line {written.schedule_line} says {_quoted(written.schedule_text)} "
                              f"({said}), but Airflow loaded {got}: {CHANGED}", hint=HINT, file=file, line=written.schedule_line)
        for task in loaded.tasks:
            outlets = [t for t in task_definitions(sub.source, task.task_id)
                       if t.outlets is not None and t.id_pattern == re.escape(task.task_id)]
            if outlets and task.outlets is not None:
                compared += 1
                if all(t.outlets != task.outlets for t in outlets):
                    written = outlets[0]
                    return failed(f"task {task.task_id} of DAG {dag.dag_id}: line {written.line} says outlets="
                                  f"{written.outlets_text} ({_uris(written.outlets)}), but Airflow loaded "
                                  f"{_uris(task.outlets)}: {CHANGED}", hint=HINT, file=file, line=written.line)
    if not compared:
        return passed("nothing stated literally to compare: the schedules and outlets are Airflow's to tell")
    return passed("each schedule and outlet your code states is what Airflow loaded")


def describe(shape: Shape) -> str:
    kind = shape[0]
    if kind == "asset":
        return shape[1]
    if kind in ("all", "any"):
        names = [describe(part) for part in shape[1]]
        return f"{'all' if kind == 'all' else 'any one'} of {join_and(names, 'and' if kind == 'all' else 'or')}"
    return {"none": "no schedule", "time": "a time schedule"}.get(kind, f"a {kind} schedule")


def _contrasted(said: Shape, got: Shape) -> tuple[str, str]:
    """Both schedules in words; when they join the same Assets, only how ("any one of them", "all of them")."""
    if said[0] in ("all", "any") and got[0] in ("all", "any") and set(said[1]) == set(got[1]):
        return (f"{'all' if said[0] == 'all' else 'any one'} of its {len(said[1])} Assets",
                f"{'all' if got[0] == 'all' else 'any one'} of them")
    return describe(said), describe(got)


def _quoted(text: str) -> str:
    return f"schedule={text}" if text else "no schedule (none given)"


def _uris(uris: tuple[str, ...] | None) -> str:
    return join_and(list(uris)) if uris else "no Assets"
