"""`exercise watch`: re-check whenever a .py file under the DAG folder is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.markup import escape
from watchfiles import watch

from exercise_cli.errors import EnvironmentProblem, UsageError, describe_os_error


def python_files_changed(change: object, path: str) -> bool:
    return path.endswith(".py")


def watch_and_check(path: Path, check: Callable[[], None], stop_event=None) -> None:
    """Run `check` once, then after every save of a .py file; returns on Ctrl-C or stop_event.

    A save made while the first check runs, before the watcher starts, is one the watcher never
    sees: the .py files' times and sizes from before that check are compared once the watcher runs
    (its first yield, on a change or a timeout), and a difference checks again."""
    folder = path if path.is_dir() else path.parent
    before = _python_files(folder)
    check()
    compared = False
    # A save is checked once no file has changed for 15 ms (an editor's write, rename and chmod come
    # within a few): watchfiles' 50 ms default made a save wait 60-100 ms for its check.
    for changes in watch(folder, watch_filter=python_files_changed, stop_event=stop_event, debounce=300, step=15,
                         rust_timeout=500, yield_on_timeout=True):
        if not compared:
            compared = True
            if not changes and _python_files(folder) != before:
                changes = {("modified", "")}
        if changes:
            check()


def _python_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each .py file under `folder` with its modification time and size."""
    found = {}
    for file in folder.rglob("*.py"):
        try:
            info = file.stat()
        except OSError:
            continue
        found[str(file)] = (info.st_mtime_ns, info.st_size)
    return found


def watch_and_grade(console: Console, path: Path, task_timeout: float, launcher: Callable | None,
                    show: Callable[[object], None], exercise_id: str, stop_event=None) -> None:
    """One full check per save: its static checks show as soon as they are decided, then the whole
    checklist; a pass is recorded as `check` records it."""
    from exercise_cli.grading.grader import grade
    from exercise_cli.tutor.state import load_state, record_verdict

    def early(report) -> None:
        console.clear()
        show(report)
        console.print("[dim]now running your DAGs in Airflow (producer, scheduler, consumer)...[/]")

    def check_once() -> None:
        console.clear()
        console.print(f"[dim]checking {path}...[/]")
        quiz_passed = bool(load_state(path, exercise=exercise_id).get("quiz_passed"))
        try:
            report = grade(path, static=False, task_timeout=task_timeout, quiz_passed=quiz_passed,
                           on_static=early, launcher=launcher, exercise_id=exercise_id)
            console.clear()
            show(report)
            record_verdict(path, report.passed, exercise=exercise_id)
        except (UsageError, EnvironmentProblem) as exc:
            console.print(f"[bold red]error:[/] {escape(str(exc))}")
        except OSError as exc:  # a full disk, a read-only TMPDIR: said, and the next save tries again
            console.print(f"[bold red]error:[/] {escape(describe_os_error(exc))}")
        console.print(f"[dim]watching {path} for saves; Ctrl-C to stop[/]")

    watch_and_check(path, check_once, stop_event)
