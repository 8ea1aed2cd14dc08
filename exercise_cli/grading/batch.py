"""Grade a class folder: every submission isolated, N at a time, rows kept even when the batch stops."""

from __future__ import annotations

import csv
import io
import json
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from exercise_cli.atomic_file import write_atomically
from exercise_cli.course import load_exercise
from exercise_cli.errors import EnvironmentProblem, UsageError, describe_os_error
from exercise_cli.grading.grader import grade
from exercise_cli.grading.template_db import ensure_template
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


def find_submissions(folder: Path) -> list[Path]:
    """Each subfolder and each top-level .py file of `folder` is one submission."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of submissions")
    found = sorted(
        p for p in folder.iterdir()
        if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix == ".py")
    )
    if not found:
        raise UsageError(f"no submissions in {folder}: put one subfolder or .py file per learner there")
    return found


def grade_one(
    path: Path, static: bool, timeout: float | None, task_timeout: float, weights: dict[str, float],
    isolation: str = "sandbox", launcher=None, exercise_id: str | None = None,
) -> Row:
    started = time.monotonic()
    try:
        report = grade(path, static=static, timeout=timeout, task_timeout=task_timeout, isolation=isolation,
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
    launcher: Callable | None = None,
    exercise_id: str | None = None,
) -> list[Row]:
    if not static:
        ensure_template()  # once, before the workers race to build it
    rows: list[Row] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending = {pool.submit(grade_one, p, static, timeout, task_timeout, weights or {}, isolation, launcher, exercise_id)
                   for p in submissions}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    row = future.result()
                    rows.append(row)
                    if on_row:
                        on_row(row)
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            raise
    return by_submission(rows)


class Gradebook:
    """CSV and JSON gradebooks, rewritten whole (to a temporary file renamed into place) as each row
    arrives: an interrupted batch keeps its rows, and two batches writing one gradebook leave one
    batch's whole file, never a mix of both. Rows are written sorted by submission name.

    Beside each criterion's status, `<criterion>_message` holds, when it failed, its first failing
    check's message (JSON: `messages`), so an instructor learns why without re-running `check`."""

    def __init__(self, csv_path: Path | None, json_path: Path | None, exercise_id: str | None = None) -> None:
        self.csv_path, self.json_path = csv_path, json_path
        self.rows: list[Row] = []
        self.criteria = [c.id for c in load_exercise(exercise_id).criteria]
        self._write()

    def add(self, row: Row) -> None:
        self.rows.append(row)
        self._write()

    def _write(self) -> None:
        if self.csv_path:
            write_atomically(self.csv_path, self._csv())
        if self.json_path:
            write_atomically(self.json_path, json.dumps([r.__dict__ for r in by_submission(self.rows)], indent=2))

    def _csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        per_criterion = [column for c in self.criteria for column in (c, f"{c}_message")]
        writer.writerow(["submission", "score", "max_score", "passed", *per_criterion, "seconds", "error", "isolation"])
        for row in by_submission(self.rows):
            cells = [cell for c in self.criteria
                     for cell in (row.criteria.get(c, ""), spreadsheet_safe(row.messages.get(c, "")))]
            writer.writerow([
                spreadsheet_safe(row.submission), row.score, row.max_score, row.passed,
                *cells, row.seconds, spreadsheet_safe(row.error), spreadsheet_safe(row.isolation),
            ])
        return out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """A text cell no spreadsheet reads as a formula (OWASP, CSV injection): a leading quote before
    `=`, `+`, `-`, `@`, tab or carriage return."""
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell
