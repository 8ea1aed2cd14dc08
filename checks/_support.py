"""What every check needs: the outcome record, the submission's facts, and source locations."""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from exercise_cli.course import Course


@dataclass
class Outcome:
    status: str  # "passed", "failed", "skipped" or "pending"
    message: str
    hint: str | None = None  # None: the check's hint from the course data, shown when it fails
    file: str | None = None
    line: int | None = None


def passed(message: str, file: str | None = None, line: int | None = None) -> Outcome:
    return Outcome("passed", message, file=file, line=line)


def failed(message: str, hint: str | None = None, file: str | None = None, line: int | None = None) -> Outcome:
    return Outcome("failed", message, hint, file, line)


def skipped(message: str) -> Outcome:
    return Outcome("skipped", message)


@dataclass
class TaskRun:
    task_id: str
    state: str
    output: str  # what the task printed and logged, Airflow's line prefixes removed
    started: float
    ended: float
    error: str | None = None
    error_file: str | None = None
    error_line: int | None = None


@dataclass
class DagRunFacts:
    dag_id: str
    run_id: str
    run_type: str
    state: str
    tasks: list[TaskRun] = field(default_factory=list)
    consumed_events: list[dict] = field(default_factory=list)  # for asset-triggered runs
    note: str = ""

    def failed_task(self) -> TaskRun | None:
        return next((t for t in self.tasks if t.state != "success"), None)


@dataclass
class RunFacts:
    """What happened when Airflow ran the submission; fields stay None when a step was not reached."""

    registered: dict[str, dict] | None = None  # dag_id -> {"in_db", "serialized", "is_stale"}
    db_import_errors: list[dict] = field(default_factory=list)
    producer_run: DagRunFacts | None = None
    asset_events: list[dict] | None = None  # events the producer run emitted
    consumer_runs: list[DagRunFacts] | None = None  # asset-triggered consumer runs the scheduler made
    trigger_diagnosis: str = ""
    consumer_run: DagRunFacts | None = None
    asset_record: dict | None = None  # the Assets view's record of the asset, or {} if absent
    error: str = ""  # the grader could not complete a step (Airflow refused something)


@dataclass
class Submission:
    """The learner's DAGs as Airflow loaded them, plus the run facts in full mode."""

    course: Course
    files: list[str]  # learner paths of the .py files graded
    dags: dict[str, Any]  # dag_id -> airflow.sdk DAG
    import_errors: dict[str, str]  # learner path -> Airflow's error text
    warnings: dict[str, list[str]]  # learner path -> captured warning texts
    learner_paths: dict[str, str]  # path Airflow saw -> learner path
    mode: str = "static"
    quiz_passed: bool = False
    run: RunFacts | None = None
    dynamic_skip_reason: str = ""  # why the run was not attempted
    duplicate_dag_ids: dict[str, list[str]] = field(default_factory=dict)  # dag_id -> files defining it

    def learner_path(self, path: str | None) -> str | None:
        if path is None:
            return None
        return self.learner_paths.get(path, path)

    @property
    def producer(self):
        return self.dags.get(self.course.producer_dag_id)

    @property
    def consumer(self):
        return self.dags.get(self.course.consumer_dag_id)

    def dag_file(self, dag) -> str | None:
        return self.learner_path(getattr(dag, "fileloc", None))

    def dag_line(self, dag, keyword: str | None = None) -> int | None:
        return dag_definition_line(getattr(dag, "fileloc", None), dag.dag_id, keyword)

    def task_location(self, task) -> tuple[str | None, int | None]:
        """Where a task is defined: its function for @task and PythonOperator, else its task_id literal."""
        callable_ = getattr(task, "python_callable", None)
        code = getattr(callable_, "__code__", None)
        if code is not None:
            return self.learner_path(code.co_filename), code.co_firstlineno
        fileloc = getattr(task.dag, "fileloc", None) if task.dag else None
        return self.learner_path(fileloc), literal_line(fileloc, task.task_id)


def did_you_mean(wanted: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


@cache
def _parsed(path: str) -> ast.Module | None:
    try:
        with open(path, encoding="utf-8") as f:
            return ast.parse(f.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _dag_calls(tree: ast.Module) -> list[tuple[ast.Call, str | None]]:
    """Every DAG(...) and @dag(...) call, with the name of the function it decorates."""
    found: list[tuple[ast.Call, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and _call_name(deco) == "dag":
                    found.append((deco, node.name))
        elif isinstance(node, ast.Call) and _call_name(node) == "DAG":
            found.append((node, None))
    return found


def _dag_id_of(call: ast.Call, function_name: str | None) -> str | None:
    for kw in call.keywords:
        if kw.arg == "dag_id" and isinstance(kw.value, ast.Constant):
            return kw.value.value
    if call.args and isinstance(call.args[0], ast.Constant):
        return call.args[0].value
    return function_name


def dag_definition_line(path: str | None, dag_id: str, keyword: str | None = None) -> int | None:
    """The line of the DAG(...)/@dag(...) call defining dag_id, or of one of its keywords.

    Airflow keeps no line numbers for DAGs; the file's syntax tree locates them (for messages only).
    """
    tree = _parsed(path) if path else None
    if tree is None:
        return None
    for call, function_name in _dag_calls(tree):
        if _dag_id_of(call, function_name) != dag_id:
            continue
        if keyword:
            for kw in call.keywords:
                if kw.arg == keyword:
                    return kw.value.lineno
        return call.lineno
    return None


def literal_line(path: str | None, value: str) -> int | None:
    tree = _parsed(path) if path else None
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == value:
            return node.lineno
    return None


def first_todo_line(path: str) -> int | None:
    try:
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if re.search(r"#\s*TODO", text):
                    return number
    except OSError:
        return None
    return None


def location(file: str | None, line: int | None) -> str:
    if not file:
        return ""
    return f"{file}:{line}" if line else file


def not_run(sub: Submission) -> Outcome | None:
    """The skip outcome for a dynamic check when nothing was run, else None."""
    if sub.mode == "static":
        return skipped("needs a run: `exercise check` without --static runs your DAGs in Airflow")
    if sub.run is None:
        return skipped(sub.dynamic_skip_reason or "your DAGs were not run")
    return None


def describe_schedule(schedule: Any) -> str:
    """A schedule as the learner wrote it, with Assets shown by URI rather than their full repr."""
    if isinstance(schedule, (list, tuple)):
        return "[" + ", ".join(describe_schedule(item) for item in schedule) + "]"
    uri = getattr(schedule, "uri", None)
    if uri is not None:
        return f"Asset({uri!r})"
    objects = getattr(schedule, "objects", None)
    if objects is not None:
        joiner = " | " if type(schedule).__name__ == "AssetAny" else " & "
        return "(" + joiner.join(describe_schedule(o) for o in objects) + ")"
    return repr(schedule)
