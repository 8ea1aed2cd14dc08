"""The facts a check decides from, as plain records: what Airflow loaded, and what happened when it ran.

Local grading fills them on the trusted side (the parse child's serialized DAGs, the scheduler's
steps, the task supervisor's logs); `check --live` fills the same records from a deployment's
REST API. A fact a mode could not obtain is named in `RunFacts.unavailable` with the reason, and
the runner skips the checks that read it (their module's READS) instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone
from typing import Any

from exercise_cli.course import DagSpec, Exercise

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
    try_number: int | None = None  # Airflow's try number of the attempt that ran (None: not known)


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
class EarlyCheck:
    """A "not_triggered" step: what was updated so far, and every run the scheduler made of the consumer
    anyway, of any run type (asset-triggered, or scheduled by a timetable it also has)."""

    updated: list[str]  # Asset URIs with an event so far
    runs: list[DagRunFacts] = field(default_factory=list)  # empty: the consumer rightly waited


@dataclass
class RunFacts:
    """What happened when the scenario ran, keyed by DAG id and Asset URI; a step not reached leaves its key out."""

    registered: dict[str, dict] | None = None  # dag_id -> {"in_db", "serialized", "is_stale"}
    db_import_errors: list[dict] = field(default_factory=list)
    runs: dict[str, DagRunFacts] = field(default_factory=dict)  # dag_id -> the run the scenario executed
    # producer dag_id -> the asset events its run recorded (records.event: uri, source_*, timestamp, extra)
    events: dict[str, list[dict]] = field(default_factory=dict)
    posted_events: list[dict] = field(default_factory=list)  # the events the scenario's "event" steps posted
    triggered: dict[str, list[DagRunFacts]] = field(default_factory=dict)  # consumer dag_id -> its asset-triggered runs
    early: dict[str, EarlyCheck] = field(default_factory=dict)  # consumer dag_id -> its "not_triggered" step
    trigger_diagnosis: dict[str, str] = field(default_factory=dict)  # consumer dag_id -> why no run came
    asset_records: dict[str, dict] | None = None  # Asset URI -> the Assets view's record ({} if absent)
    error: str = ""  # the grader could not complete a step (Airflow refused something)
    unavailable: dict[str, str] = field(default_factory=dict)  # a fact this mode could not obtain -> why

    def all_events(self) -> list[dict]:
        return [event for events in self.events.values() for event in events] + self.posted_events


@dataclass(frozen=True)
class Todo:
    line: int
    name: str  # "TODO 3"
    lines: tuple[str, ...]  # its comment line and the comment lines that continue it


@dataclass(frozen=True)
class DagDefinition:
    """A DAG(...) or @dag(...) call in the learner's source."""

    dag_id: str | None  # as the call gives it (a @dag function's name by default)
    line: int
    keyword_lines: dict[str, int]  # keyword -> the line of its value
    keyword_texts: dict[str, str]  # keyword -> its value as written: `schedule="@hourly"` gives "'@hourly'"


@dataclass(frozen=True)
class TaskCode:
    """The function a task runs (@task, or an operator's python_callable)."""

    line: int
    reads: frozenset[str]  # its string constants and parameter names, and those of the file's functions it calls


@dataclass(frozen=True)
class UncalledDag:
    function: str  # the decorated function's name
    dag_id: str  # as the decorator gives it (Airflow's default: the function's name)
    line: int  # the @dag(...) line


# A schedule or a list of outlets reduced to what it means, comparable between the source and what Airflow loaded:
# ("asset", uri), ("all", (...)), ("any", (...)), ("none",) for no schedule, ("time",) for any time schedule.
Shape = tuple


def condition(kind: str, parts: list[Shape]) -> Shape:
    """An AND ("all") or OR ("any") of Assets, written in one canonical form: nested ones of the same kind
    flattened, the parts sorted and deduplicated, a single part standing alone."""
    flat: set[Shape] = set()
    for part in parts:
        flat.update(part[1] if part[0] == kind else (part,))
    if len(flat) == 1:
        return next(iter(flat))
    return (kind, tuple(sorted(flat)))


@dataclass(frozen=True)
class DefinedDag:
    """A DAG(...) call or a @dag function in the learner's source, as the trusted side traces a loaded DAG to it."""

    id_pattern: str  # a regular expression the ids it can make match: a literal, an f-string's fixed parts, else ".*"
    line: int
    in_use: bool  # a DAG(...) call, or a @dag function the file refers to (calls) outside its definition
    schedule: Shape | None  # the schedule as written, where it is stated literally (None: an expression the source alone cannot tell)
    schedule_line: int
    schedule_text: str  # as written ("" where the keyword is left out: no schedule)


@dataclass(frozen=True)
class DefinedTask:
    """A task definition in the learner's source: a @task function, or a call given task_id=."""

    id_pattern: str
    line: int
    outlets: tuple[str, ...] | None  # the Assets' URIs where outlets=[...] is stated literally
    outlets_text: str


@dataclass(frozen=True)
class LoadedTask:
    task_id: str
    outlets: tuple[str, ...] | None  # its outlets' URIs (None: one is not a plain Asset: a reference, an alias)
    function: str | None  # the qualified name of the function it runs (@task, PythonOperator), as Airflow serialized it
    code_file: str = ""  # where the parse child says that function's code is: a copy of the submission's, else as it said
    code_line: int | None = None  # its first line (a decorator's, if any), as the child says
    code_in: str = ""  # "submission", "library" (Python's or the venv's own files) or "elsewhere"; "" when no claim
    code_fingerprint: str = ""  # the child's fingerprint of that code (exercise_cli/code_fingerprint.py); "" when none


@dataclass(frozen=True)
class LoadedDag:
    """What Airflow loaded of one DAG, in the terms the source states: its schedule and each task's outlets."""

    dag_id: str
    schedule: Shape | None  # None: a timetable whose meaning is not reduced here
    tasks: tuple[LoadedTask, ...]


@dataclass
class FileFacts:
    """What the checks read of one learner file (exercise_cli/grading_process/source_facts.py gathers them once, when it is loaded)."""

    todos: list[Todo] = field(default_factory=list)
    dags: list[DagDefinition] = field(default_factory=list)
    tasks: dict[str, TaskCode] = field(default_factory=dict)  # task_id -> its function
    literals: dict[str, int] = field(default_factory=dict)  # string constant -> the first line that has it
    dag_id_keyword_lines: dict[str, list[int]] = field(default_factory=dict)  # dag_id="x" -> its lines
    uncalled_dags: list[UncalledDag] = field(default_factory=list)
    plain_functions: list[tuple[str, int]] = field(default_factory=list)  # module-level, undecorated: (name, line)
    asset_line: int | None = None  # a module-level `name = Asset(...)`
    imports: list[tuple[str, str, int]] = field(default_factory=list)  # from MODULE import NAME: (module, name, line)
    defined_dags: list[DefinedDag] = field(default_factory=list)
    defined_tasks: list[DefinedTask] = field(default_factory=list)
    function_names: frozenset[str] = frozenset()  # every def and lambda ("<lambda>") of the file, at any depth
    function_lines: frozenset[tuple[str, int]] = frozenset()  # (name, first line: its first decorator's, else the def's)

    def dag(self, dag_id: str) -> DagDefinition | None:
        return next((d for d in self.dags if d.dag_id == dag_id), None)


@dataclass
class SourceFacts:
    files: dict[str, FileFacts] = field(default_factory=dict)  # copy path (a DAG's fileloc) -> its facts
    local_zone: timezone | None = None  # the machine's UTC offset when the submission was loaded
    tasks_anywhere: list[DefinedTask] = field(default_factory=list)  # the task definitions of every file of the submission
    dags_anywhere: list[DefinedDag] = field(default_factory=list)  # the DAG definitions of every file of the submission
    task_code_anywhere: dict[str, TaskCode] = field(default_factory=dict)  # task_id -> its function, in any file of the submission
    functions_anywhere: frozenset[str] = frozenset()  # the functions every file of the submission defines
    functions_at: frozenset[tuple[str, str, int]] = frozenset()  # (copy path, name, first line) of each of them
    code_at: dict[tuple[str, str, int], str] = field(default_factory=dict)  # (copy path, name, first line) -> its code's fingerprint, from compile()

    def of(self, path: str | None) -> FileFacts:
        return self.files.get(path, _NOTHING) if path is not None else _NOTHING


_NOTHING = FileFacts()  # a file not read (not a DAG file, not a regular file, too large): no facts


@dataclass
class ParseFailure:
    message: str
    hint: str
    file: str | None


@dataclass
class Submission:
    """The learner's DAGs as Airflow serialized them (the scheduler's view), plus the run facts in full mode."""

    exercise: Exercise
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
    source: SourceFacts = field(default_factory=SourceFacts)  # what the checks read of the learner's code
    loaded: dict[str, LoadedDag] = field(default_factory=dict)  # dag_id -> what Airflow loaded, as the source states it

    def learner_path(self, path: str | None) -> str | None:
        if path is None:
            return None
        return self.learner_paths.get(path, path)

    def dag(self, spec: DagSpec) -> Any:
        """The DAG the learner wrote for a role: by its id, else by what the role does: a producer has a task
        with outlets (of several producers, the one whose outlets hold its own Assets), a consumer (when the
        exercise has one) is scheduled on Assets."""
        if spec.id in self.dags:
            return self.dags[spec.id]
        alone = sum(1 for d in self.exercise.dags.values() if d.role == spec.role) == 1
        wanted = set(self.exercise.dag_ids)
        others = [d for d in self.dags.values() if d.dag_id not in wanted]
        if spec.role == "consumer":
            return next((d for d in others if is_asset_scheduled(d)), None) if alone else None
        producers = [d for d in others if not is_asset_scheduled(d) and _outlet_uris(d)]
        if alone:
            return producers[0] if producers else None
        # Several producers: the one DAG whose tasks list this producer's own Assets in their outlets.
        own = set(self.exercise.uris(spec.outlets))
        matching = [d for d in producers if own <= _outlet_uris(d)]
        return matching[0] if len(matching) == 1 else None

    def role_dags(self, role: str) -> list[tuple[DagSpec, Any]]:
        """(spec, the learner's DAG or None) for every DAG of this role, in the exercise's order."""
        return [(spec, self.dag(spec)) for spec in self.exercise.dags.values() if spec.role == role]

    def found(self, role: str | None = None) -> list[tuple[DagSpec, Any]]:
        """(spec, DAG) for the exercise's DAGs the learner has written (of one role, if given)."""
        return [(spec, dag) for spec in self.exercise.dags.values() if role in (None, spec.role)
                if (dag := self.dag(spec)) is not None]

    def dag_file(self, dag) -> str | None:
        return self.learner_path(getattr(dag, "fileloc", None))

    def dag_line(self, dag, keyword: str | None = None) -> int | None:
        """The line of the DAG(...)/@dag(...) call defining the DAG, or of one of its keywords."""
        definition = self.source.of(getattr(dag, "fileloc", None)).dag(dag.dag_id)
        if definition is None:
            return None
        return definition.keyword_lines.get(keyword, definition.line) if keyword else definition.line

    def written(self, dag, keyword: str) -> str | None:
        """A DAG's keyword argument as the learner wrote it (its source text)."""
        definition = self.source.of(getattr(dag, "fileloc", None)).dag(dag.dag_id)
        return definition.keyword_texts.get(keyword) if definition is not None else None

    def task_code(self, task) -> TaskCode | None:
        """The function a task runs (@task, PythonOperator), as the learner wrote it."""
        fileloc = getattr(task.dag, "fileloc", None) if task.dag else None
        return self.source.of(fileloc).tasks.get(task.task_id) or self.source.task_code_anywhere.get(task.task_id)

    def task_location(self, task) -> tuple[str | None, int | None]:
        """Where a task is defined: its function for @task and PythonOperator, else its task_id literal."""
        fileloc = getattr(task.dag, "fileloc", None) if task.dag else None
        code = self.source.of(fileloc).tasks.get(task.task_id)
        if code is not None:
            return self.learner_path(fileloc), code.line
        return self.learner_path(fileloc), self.source.of(fileloc).literals.get(task.task_id)


def _outlet_uris(dag: Any) -> set[str]:
    return {uri for task in dag.tasks for outlet in task.outlets if (uri := getattr(outlet, "uri", None))}


def is_asset_scheduled(dag: Any) -> bool:
    """Scheduled on Assets (alone, or with a time schedule): the scheduler's asset timetables, by type."""
    from airflow.timetables.simple import AssetTriggeredTimetable

    return isinstance(dag.timetable, AssetTriggeredTimetable)


def runs_on_time_too(dag: Any) -> bool:
    """Asset-scheduled but also on a timetable (AssetOrTimeSchedule): the scheduler makes its time runs
    whatever the Assets do."""
    from airflow.timetables.assets import AssetOrTimeSchedule

    return isinstance(dag.timetable, AssetOrTimeSchedule)
