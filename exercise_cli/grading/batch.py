"""Grade a class folder: every entry accounted for, every submission isolated, N at a time, rows kept even when the batch stops."""

from __future__ import annotations

import bisect
import csv
import errno
import io
import json
import os
import signal
import textwrap
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from exercise_cli.atomic_file import write_atomically
from exercise_cli.course import load_exercise
from exercise_cli.errors import EnvironmentProblem, UsageError, describe_os_error
from exercise_cli.grading.grader import grade
from exercise_cli.grading.process import SpawnedChild, signal_group
from exercise_cli.grading.submission import SubmissionFiles
from exercise_cli.grading.template_db import ensure_template
from exercise_cli.grading.zipped import unpacked
from exercise_cli.learner_text import clean


@dataclass
class Row:
    submission: str
    score: float = 0.0
    max_score: float = 0.0
    passed: bool = False
    criteria: dict[str, str] = field(default_factory=dict)
    # failed criterion -> its first failing check's message (with the file and line it names): why, without a re-run
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""
    isolation: str = ""  # the sandbox tier ("namespaces", "container") or "process": how the code was kept apart

    @property
    def note(self) -> str:
        """What stopped this submission: the grader's error, else its first failed criterion's message."""
        return self.error or next(iter(self.messages.values()), "")


def by_submission(rows: list[Row]) -> list[Row]:
    """Rows in the order every gradebook shows them: by submission name, whatever order they finished in."""
    return sorted(rows, key=lambda r: r.submission)


def first_failure(criterion) -> str:
    """A failed criterion's first failing check's message (checks it waited on count when none failed)."""
    checks = [c for c in criterion.checks if c.status == "failed"] or [c for c in criterion.checks if c.status != "passed"]
    if not checks:
        return ""
    check = checks[0]
    where = ":".join(str(part) for part in (check.file, check.line) if part)
    return f"{check.message} ({where})" if where else check.message


def submission_name(path: Path) -> str:
    """A submission's name as every output shows it: its file or folder name, cleaned (it is learner text)."""
    return clean(path.name, limit=200)


@dataclass
class ClassFolder:
    submissions: list[Path]  # each graded
    not_graded: list[Row]  # every other entry, with why (a row with an error)
    hidden: list[str]  # entries named with a leading "." or "_" (.DS_Store, __MACOSX), left alone

    @property
    def entries(self) -> int:
        return len(self.submissions) + len(self.not_graded)


def find_submissions(folder: Path, outputs: tuple[Path | None, ...] = ()) -> ClassFolder:
    """Each subfolder, top-level .py file and .zip file of `folder` is one submission; every other entry is
    a "not graded" row saying why (the gradebooks this run writes there, `outputs`, are not entries)."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of submissions")
    written = {p.resolve() for p in outputs if p is not None}
    found = ClassFolder([], [], [])
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            found.hidden.append(submission_name(path))
        elif path.resolve() in written:
            continue
        elif path.is_dir() or (path.suffix in (".py", ".zip") and path.is_file()):
            found.submissions.append(path)
        else:
            found.not_graded.append(Row(submission_name(path), error=_why_not_a_submission(path)))
    if not found.submissions:
        others = f" (not graded: {', '.join(r.submission for r in found.not_graded[:5])})" if found.not_graded else ""
        raise UsageError(f"no submissions in {folder}: put one subfolder or .py file per learner there{others}")
    return found


def _why_not_a_submission(path: Path) -> str:
    """The advice first: the table shows a note's first 60 characters."""
    if not path.is_file():
        return "not graded: not a file nor a folder (a link to neither, a FIFO, a device)"
    if path.suffix.lower() in (".py", ".zip"):
        return f"rename it to end in {path.suffix.lower()} to grade it (its extension is {clean(path.suffix, limit=20)})"
    if ".py" in path.suffixes:
        return f"rename it to end in .py to grade it (it ends in {clean(path.suffix, limit=20)})"
    return "not graded: a class folder holds one subfolder, .py file or .zip file per learner"


def grade_one(
    path: Path, static: bool, timeout: float | None, task_timeout: float, weights: dict[str, float],
    isolation: str = "sandbox", launcher=None, exercise_id: str | None = None,
) -> Row:
    started = time.monotonic()
    try:
        with _submission(path) as files:
            report = grade(files, static=static, timeout=timeout, task_timeout=task_timeout, isolation=isolation,
                           launcher=launcher, exercise_id=exercise_id)
    except Exception as exc:  # one submission's trouble is recorded, never the batch's end
        return Row(submission_name(path), error=clean(_one_line(exc), limit=1000), seconds=time.monotonic() - started)
    earned, total = report.score(weights)
    return Row(
        submission_name(path), earned, total, report.passed,
        {c.id: c.status for c in report.criteria},
        {c.id: first_failure(c) for c in report.criteria
         if c.counts and (c.status == "failed" or (c.status == "skipped" and report.mode != "static"))},
        round(time.monotonic() - started, 2), isolation=report.isolation,
    )


@contextmanager
def _submission(path: Path) -> Iterator[Path | SubmissionFiles]:
    """The submission to grade: the path, or what a .zip holds, unpacked in a throwaway folder."""
    if path.suffix == ".zip" and path.is_file():
        with unpacked(path) as files:
            yield files
    else:
        yield path


def _one_line(exc: Exception) -> str:
    """Why a submission could not be graded: the grader's own words for a fault it knows (a full disk,
    a read-only folder, no .py file), the exception's name and text otherwise."""
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, (UsageError, EnvironmentProblem)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def grade_all(
    submissions: list[Path],
    *,
    jobs: int,
    static: bool = False,
    timeout: float | None = None,
    task_timeout: float = 60.0,
    weights: dict[str, float] | None = None,
    isolation: str = "sandbox",
    on_row: Callable[[Row], None] | None = None,
    on_idle: Callable[[], None] | None = None,
    launcher: Callable | None = None,
    exercise_id: str | None = None,
) -> list[Row]:
    """Grade each submission, `jobs` at a time. `on_row` gets each row as it is graded, `on_idle` is called
    at least every _IDLE_TICK s. Whatever stops the batch (Ctrl-C, `on_row` failing to keep a row) stops it
    at once: queued submissions are cancelled, those under way killed, and the exception goes up."""
    if not static:
        ensure_template()  # once, before the workers race to build it
    rows: list[Row] = []
    launches = _Launches(launcher)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending = {pool.submit(grade_one, p, static, timeout, task_timeout, weights or {}, isolation, launches, exercise_id)
                   for p in submissions}
        try:
            while pending:
                done, pending = wait(pending, timeout=_IDLE_TICK, return_when=FIRST_COMPLETED)
                for future in done:
                    row = future.result()
                    rows.append(row)
                    if on_row:
                        on_row(row)
                if on_idle:
                    on_idle()
        except BaseException:
            for future in pending:
                future.cancel()
            launches.stop()
            raise
    return by_submission(rows)


_IDLE_TICK = 1.0


class _Launches:
    """The batch's launcher (the warm process's, else a fresh grading process each), keeping what it
    started so that a stopped batch kills what still runs, and starts nothing more."""

    def __init__(self, launch: Callable | None) -> None:
        self.launch = launch or SpawnedChild
        self.running: list = []
        self.stopped = False
        self.lock = threading.Lock()

    def __call__(self, job_path: Path, home: str, env: dict[str, str]):
        if self.stopped:
            raise EnvironmentProblem("the batch was stopped before this submission was graded")
        child = self.launch(job_path, home, env)  # not under the lock: a warm process's restart takes seconds
        with self.lock:
            self.running = [c for c in self.running if c.poll() is None]
            self.running.append(child)
            if self.stopped:  # stopped while this one started
                signal_group(child.pid, signal.SIGKILL)
        return child

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            for child in self.running:
                if child.poll() is None:  # an ended child's pid may be another process's by now
                    signal_group(child.pid, signal.SIGKILL)


class Gradebook:
    """CSV and JSON gradebooks, each on disk either whole or as it was before the run: every write is the
    whole file, renamed into place (atomic_file), rows sorted by submission name. Two batches writing one
    gradebook leave one batch's whole file, never a mix of both.

    When it writes: not before the first graded row (a run that grades nothing, refused or stopped
    early, leaves yesterday's gradebooks as they were); then after a row whenever writing so far has
    taken at most WRITE_ALLOWANCE s plus WRITE_SHARE of the run's time (else at the next row or `idle`
    call once back under); and at `close`. Each row's cells are formatted once, so one write costs
    O(rows) bytes, and the budget bounds all writes but the last by WRITE_ALLOWANCE + WRITE_SHARE x the
    run's time: writing is O(rows) over a run (grading time grows with rows), where rewriting after
    every row cost O(rows^2) (2,000 rows: 217 s). A small class is still written after every row.

    Beside each criterion's status, `<criterion>_message` holds, when it failed, its first failing
    check's message (JSON: `messages`), so an instructor learns why without re-running `check`."""

    WRITE_ALLOWANCE = 2.0
    WRITE_SHARE = 0.05

    def __init__(self, csv_path: Path | None, json_path: Path | None, exercise_id: str | None = None,
                 listed: list[Row] | None = None) -> None:
        """`listed`: rows of entries that were not graded; written with the graded rows, never alone."""
        self.csv_path, self.json_path = csv_path, json_path
        for path in (csv_path, json_path):
            if path:
                _writable_folder(path)
        self.criteria = [c.id for c in load_exercise(exercise_id).criteria]
        self.rows: list[Row] = []
        self._sorted: list[tuple[str, int, str, str]] = []  # (submission, arrival, CSV line, JSON text)
        self.held = {path: None for path in (csv_path, json_path) if path}  # path -> rows it holds from this run
        self._graded = 0
        self._began = time.monotonic()
        self._spent = 0.0
        for row in listed or []:
            self._keep(row)

    def add(self, row: Row) -> None:
        """Keep a graded row; writes the files when due. Raises OSError naming the file that failed."""
        self._keep(row)
        self._graded += 1
        if self._spent <= self.WRITE_ALLOWANCE + self.WRITE_SHARE * (time.monotonic() - self._began):
            self._write()

    def idle(self) -> None:
        """Write rows held back by the budget, when it allows."""
        if self._unwritten() and self._spent <= self.WRITE_ALLOWANCE + self.WRITE_SHARE * (time.monotonic() - self._began):
            self._write()

    def close(self) -> None:
        """Write every row kept (the run's end, or its stop)."""
        if self._unwritten():
            self._write()

    def kept(self) -> str:
        """What the files hold now, for the run's last line."""
        if not self.held:
            return "no --csv or --json gradebook was asked for"
        names = " and ".join(str(path) for path in self.held)
        counts = set(self.held.values())
        if counts == {None}:
            return f"nothing was graded, so {names} {'was' if len(self.held) == 1 else 'were'} left as {'it was' if len(self.held) == 1 else 'they were'}"
        return "; ".join(f"{path} was left as it was" if n is None else f"{path} holds {n} row{'' if n == 1 else 's'}"
                         for path, n in self.held.items())

    def _unwritten(self) -> bool:
        return self._graded > 0 and any(n != len(self.rows) for n in self.held.values())

    def _keep(self, row: Row) -> None:
        self.rows.append(row)
        entry = (row.submission, len(self.rows), self._csv_line(row), textwrap.indent(json.dumps(row.__dict__, indent=2), "  "))
        bisect.insort(self._sorted, entry)

    def _write(self) -> None:
        started = time.monotonic()
        try:
            if self.csv_path:
                write_atomically(self.csv_path, self._csv_header() + "".join(e[2] for e in self._sorted))
                self.held[self.csv_path] = len(self.rows)
            if self.json_path:
                body = ",\n".join(e[3] for e in self._sorted)
                write_atomically(self.json_path, f"[\n{body}\n]" if body else "[]")
                self.held[self.json_path] = len(self.rows)
        finally:
            self._spent += time.monotonic() - started

    def _csv_header(self) -> str:
        per_criterion = [column for c in self.criteria for column in (c, f"{c}_message")]
        return _csv_text(["submission", "score", "max_score", "passed", *per_criterion, "seconds", "error", "isolation"])

    def _csv_line(self, row: Row) -> str:
        cells = [cell for c in self.criteria for cell in (row.criteria.get(c, ""), spreadsheet_safe(row.messages.get(c, "")))]
        return _csv_text([spreadsheet_safe(row.submission), row.score, row.max_score, row.passed,
                          *cells, row.seconds, spreadsheet_safe(row.error), spreadsheet_safe(row.isolation)])


def _writable_folder(path: Path) -> None:
    """OSError naming `path` when its folder is missing or not writable: said before any grading, not after
    the first row (the file itself is not touched)."""
    folder = path.parent
    if not folder.is_dir():
        raise OSError(errno.ENOENT, f"{os.strerror(errno.ENOENT)} (its folder {folder} does not exist)", str(path))
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, f"{os.strerror(errno.EACCES)} (its folder {folder} is not writable)", str(path))


def _csv_text(cells: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """A text cell no spreadsheet reads as a formula (OWASP, CSV injection): a leading quote before
    `=`, `+`, `-`, `@`, tab or carriage return."""
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell
