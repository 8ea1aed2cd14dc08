"""What the CLI and the grading child exchange through files in the throwaway home.

Files, not pipes: the learner's code shares the child's stdout and may print anything.
This module imports nothing from Airflow; both sides use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from exercise_cli.phases import PHASES
from exercise_cli.messages import Message, decoder, encode, typed

JOB_FILE = "job.json"
PROGRESS_FILE = "progress.jsonl"
STATIC_RESULTS_FILE = "results-static.json"
FINAL_RESULTS_FILE = "results.json"
TASK_LOG_DIR = "task-logs"

# The grading process walks these phases: its own first and last, the course's between (the course owns
# that list: the checks name theirs in exercise.toml). A child that dies or is killed in one fails that
# phase's check with the reason.
GRADER_PHASES = ("import_airflow", "report")
PROGRESS_PHASES = (GRADER_PHASES[0], *PHASES, GRADER_PHASES[1])
PHASE_DOING = {  # what the CLI's spinner says; tests/test_protocol.py holds it to PROGRESS_PHASES
    "import_airflow": "importing Airflow",
    "parse": "importing your DAG files",
    "register": "registering the DAGs in the metadata database",
    "producer_run": "running the producer DAG",
    "scheduler": "running the scheduler's asset-trigger step",
    "consumer_run": "running the consumer DAG",
    "assets_view": "reading the Assets view",
}


# The hint for a check stopped while importing the learner's files (by the parse child's deadline
# or, failing that, by the CLI's --timeout): both sides give the same one.
PARSE_TIMEOUT_HINT = ("Look for an endless loop or a long wait at the top level of your file, or a crash in C code "
                      "(a segfault makes Airflow's import handler loop); --timeout sets the limit.")


JOB_LIMIT_BYTES = 16 * 1024 * 1024  # far above any job: the learner's file names are its only long part
MODES = ("static", "full", "live")


@dataclass(frozen=True)
class Job(Message):
    """What the CLI asks of a grading process: the one message on its way in, written to job.json."""

    type = "job"
    mode: str  # "static", "full" (run here) or "live" (run facts from a deployment)
    home: str
    dags_folder: str
    learner_paths: dict[str, str]  # copied file -> the learner's own path, for messages
    task_timeout: float = 60.0
    quiz_passed: bool = False
    timeout: float = 180.0  # how long the learner's code may run here: --timeout, but a static check's in live mode (for messages)
    deadline: float = 0.0  # time.time() by which the learner's code must be done: the parse child's bound
    sandbox: dict | None = None  # the sandbox's folders and limits (exercise_cli.sandbox.jail.Jail); None: plain children
    live: dict | None = None  # live mode: the deployment (exercise_cli.live.deployment.LiveTarget as a dict)
    skipped: list[str] | None = None  # the learner's links and special files, not copied (as displayed)
    exercise_id: str | None = None  # the course's exercise graded (None: the default, 5.1)
    course_file: str | None = None  # the course file (None: the built-in course)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")

    def write(self) -> Path:
        path = Path(self.home) / JOB_FILE
        path.write_text(encode(self), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: str | Path) -> Job:
        with open(path, "rb") as f:
            return decode_job(f.read(JOB_LIMIT_BYTES + 1))


decode_job = decoder(Job, limit=JOB_LIMIT_BYTES)


# The progress channel: one JSON line per message, the grading process to the CLI.


def _known_phase(message: Message) -> None:
    if message.phase not in PROGRESS_PHASES:  # type: ignore[attr-defined]
        raise ValueError(f"unknown phase {message.phase!r}")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PhaseStarted(Message):
    type = "phase"
    phase: str

    def __post_init__(self) -> None:
        _known_phase(self)


@dataclass(frozen=True)
class TaskStarted(Message):
    type = "task_started"
    phase: str
    dag_id: str
    task_id: str

    def __post_init__(self) -> None:
        _known_phase(self)


@dataclass(frozen=True)
class TaskFinished(Message):
    type = "task_finished"
    phase: str
    dag_id: str
    task_id: str
    state: str

    def __post_init__(self) -> None:
        _known_phase(self)


@dataclass(frozen=True)
class Note(Message):
    """A line for the learner (what live mode did to a deployment, a grading retried)."""

    type = "note"
    text: str


@dataclass(frozen=True)
class StepDone(Message):
    """What a scenario step found (exercise_cli/scenario/step_summary.py): run-demo's lines."""

    type = "step_done"
    step: str
    dag: str | None
    dag_id: str
    ok: bool
    summary: str
    waiting: bool = False  # nothing failed, nothing done: its DAG is not written yet
    output: str | None = None  # a consumer run's tasks' last lines


@dataclass(frozen=True)
class StaticDone(Message):
    """The static results file is written: the CLI may show them while the DAGs run."""

    type = "static_done"


@dataclass(frozen=True)
class GraderError(Message):
    type = "grader_error"
    message: str


@dataclass(frozen=True)
class Done(Message):
    type = "done"


Progress = PhaseStarted | TaskStarted | TaskFinished | Note | StepDone | StaticDone | GraderError | Done
PROGRESS_LINE_LIMIT_BYTES = 256 * 1024  # a step's summary and output are cut far below this
decode_progress = decoder(PhaseStarted, TaskStarted, TaskFinished, Note, StepDone, StaticDone, GraderError, Done,
                          limit=PROGRESS_LINE_LIMIT_BYTES)


class ProgressWriter:
    """Appends one line per message; each line is flushed so the parent sees it at once."""

    def __init__(self, home: str | Path) -> None:
        self._file = open(Path(home) / PROGRESS_FILE, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def send(self, message: Progress) -> None:
        self._file.write(encode(message) + "\n")
        self._file.flush()

    def phase(self, name: str) -> None:
        self.send(PhaseStarted(name))

    def task_started(self, phase: str, dag_id: str, task_id: str) -> None:
        self.send(TaskStarted(phase, dag_id, task_id))

    def task_finished(self, phase: str, dag_id: str, task_id: str, state: str) -> None:
        self.send(TaskFinished(phase, dag_id, task_id, state))


def read_progress(home: str | Path, offset: int = 0) -> tuple[list[Progress], int]:
    """New complete progress messages after byte `offset`, and the next offset. A line that does not
    decode (cut short by a kill, too long, unknown) is skipped: the outcome says what the child did not."""
    path = Path(home) / PROGRESS_FILE
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            chunk = f.read()
    except FileNotFoundError:
        return [], offset
    messages = []
    consumed = 0
    for raw in chunk.splitlines(keepends=True):
        if not raw.endswith(b"\n"):
            break
        consumed += len(raw)
        try:
            messages.append(decode_progress(raw))
        except ValueError:
            continue
    return messages, offset + consumed


# The results channel: the grading process's verdicts, written whole (by rename) once the static checks are
# decided (STATIC_RESULTS_FILE) and at the end (FINAL_RESULTS_FILE).
RESULTS_LIMIT_BYTES = 8 * 1024 * 1024  # every text in a result is cut far below this


@dataclass(frozen=True)
class Results(Message):
    type = "results"
    checks: dict[str, dict]  # check id -> its CheckResult (exercise_cli/results.py) as a dict

    def __post_init__(self) -> None:
        from exercise_cli.results import CheckResult  # read where the course is loaded anyway

        for check_id, record in self.checks.items():
            if typed(CheckResult, record).id != check_id:
                raise ValueError(f"the result of {check_id!r} names another check")


decode_results = decoder(Results, limit=RESULTS_LIMIT_BYTES)


def write_results(path: str | Path, checks: dict[str, dict]) -> None:
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(encode(Results(checks)), encoding="utf-8")
    os.replace(tmp, path)


def read_results(path: str | Path) -> dict[str, dict]:
    """The checks' results in this file; FileNotFoundError, or ValueError if it holds no valid Results."""
    with open(path, "rb") as f:
        return decode_results(f.read(RESULTS_LIMIT_BYTES + 1)).checks
