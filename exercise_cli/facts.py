"""The facts a check decides from, as plain records: what Airflow loaded, and what happened when it ran.

Local grading fills them on the trusted side (the parse child's serialized DAGs, the scheduler's
steps, the task supervisor's logs); `check --live` fills the same records from a deployment's
REST API. A fact a mode could not obtain is named in `RunFacts.unavailable` with the reason, and
the runner skips the checks that read it (their module's READS) instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exercise_cli.checks._source import dag_definition_line, keyword_source, literal_line, task_function
from exercise_cli.course import Course

# The facts a mode may be unable to obtain (keys of RunFacts.unavailable, names in a check's READS).
WITHHOLDABLE = {
    "task_output": "what the tasks printed and logged (a deployment may not serve its task logs)",
    "asset_record": "the Assets view's record (a deployment's user may not be allowed to read Assets)",
}


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
    stopped_because: str = ""  # "timeout" or "output" when the grader killed the task


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
    unavailable: dict[str, str] = field(default_factory=dict)  # a fact this mode could not obtain -> why


@dataclass
class ParseFailure:
    message: str
    hint: str
    file: str | None


@dataclass
class Submission:
    """The learner's DAGs as Airflow serialized them (the scheduler's view), plus the run facts in full mode."""

    course: Course
    files: list[str]  # learner paths of the .py files graded
    dags: dict[str, Any]  # dag_id -> Airflow's SerializedDAG
    import_errors: dict[str, str]  # learner path -> Airflow's error text
    warnings: dict[str, list[str]]  # learner path -> captured warning texts
    learner_paths: dict[str, str]  # path Airflow saw -> learner path
    mode: str = "static"
    quiz_passed: bool = False
    run: RunFacts | None = None
    dynamic_skip_reason: str = ""  # why the run was not attempted
    duplicate_dag_ids: dict[str, list[str]] = field(default_factory=dict)  # dag_id -> files defining it
    dags_folder: str = ""  # where the parse child read the copies
    serialized: dict[str, dict] = field(default_factory=dict)  # dag_id -> Airflow's serialized DAG
    copied_import_errors: dict[str, str] = field(default_factory=dict)  # copy path -> Airflow's error text
    parse_failure: ParseFailure | None = None  # the parse child gave no result
    not_utf8: dict[str, tuple[int, str]] = field(default_factory=dict)  # learner file -> (line, byte)
    skipped: list[str] = field(default_factory=list)  # learner's links and special files, not graded
    refused_locations: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file, line, why) per refused DAG

    def learner_path(self, path: str | None) -> str | None:
        if path is None:
            return None
        return self.learner_paths.get(path, path)

    @property
    def producer(self):
        """The producer: by its id, else by its role (a DAG, not the consumer, with a task that has outlets)."""
        if self.course.producer_dag_id in self.dags:
            return self.dags[self.course.producer_dag_id]
        consumer = self.consumer
        return next((d for d in self.dags.values() if d is not consumer and any(t.outlets for t in d.tasks)), None)

    @property
    def consumer(self):
        """The consumer: by its id, else by its role (the DAG scheduled on Assets)."""
        if self.course.consumer_dag_id in self.dags:
            return self.dags[self.course.consumer_dag_id]
        return next((d for d in self.dags.values() if is_asset_scheduled(d)), None)

    def dag_file(self, dag) -> str | None:
        return self.learner_path(getattr(dag, "fileloc", None))

    def dag_line(self, dag, keyword: str | None = None) -> int | None:
        return dag_definition_line(getattr(dag, "fileloc", None), dag.dag_id, keyword)

    def written(self, dag, keyword: str) -> str | None:
        """A DAG's keyword argument as the learner wrote it (its source text)."""
        return keyword_source(getattr(dag, "fileloc", None), dag.dag_id, keyword)

    def task_location(self, task) -> tuple[str | None, int | None]:
        """Where a task is defined: its function for @task and PythonOperator, else its task_id literal."""
        fileloc = getattr(task.dag, "fileloc", None) if task.dag else None
        function = task_function(fileloc, task.task_id)
        if function is not None:
            return self.learner_path(fileloc), function.lineno
        return self.learner_path(fileloc), literal_line(fileloc, task.task_id)


def is_asset_scheduled(dag: Any) -> bool:
    """Scheduled on Assets (alone, or with a time schedule): Airflow's asset timetables."""
    return "Asset" in type(dag.timetable).__name__
