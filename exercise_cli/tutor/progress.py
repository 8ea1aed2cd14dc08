"""`exercise list`: the course's exercises, the one a DAG folder is for, and the learner's progress in each."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exercise_cli.course import CourseError, load_course
from exercise_cli.errors import UsageError
from exercise_cli.reporters.rich_report import symbol
from exercise_cli.tutor.state import STATE_FILE, check_ever_passed, load_state, recorded_exercise


def render_exercise_list(console: Console, dags: Path, named: bool = True) -> None:
    """`named`: the learner named `dags`; else it is the folder they stand in, or ./dags when they stand
    in none (then the exercise folders right below are listed too, to `cd` into)."""
    try:
        course = load_course()
        exercises = course.exercises()
    except CourseError as exc:
        raise UsageError(str(exc)) from None
    current = recorded_exercise(dags)
    here = symbol(console, "▶", ">")
    shown = _shown(dags)
    table = Table(title=course.title or None, title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("exercise")
    table.add_column("DAGs", justify="right")
    table.add_column(f"your progress ({shown})")
    for exercise in exercises:
        mark = here + " " if exercise.id == current else "  "
        table.add_row(Text(mark + exercise.id), Text(exercise.title), str(len(exercise.dags)),
                      _progress(load_state(dags, exercise=exercise.id), _questions(exercise)))
    console.print(table)
    if current is None and not named:
        console.print(Text("You are in no exercise folder (none here or above, no ./dags): `exercise init` starts "
                           "one in ./dags (add a folder and --exercise ID for another exercise)."))
    elif current is None:
        console.print(Text(f"{shown} is no exercise's folder yet: `exercise init {dags} --exercise ID` starts one."))
    else:
        console.print(Text(f"{here} {shown} is exercise {current}'s folder: `exercise` commands run in it (or below "
                           "it) work on that exercise, with no path and no --exercise."))
    if not named and str(dags) != ".":
        others = _exercise_folders_below(Path("."), besides=dags)
        if others:
            console.print(Text("Exercise folders here (cd into one to work on it): "
                               + ", ".join(f"{name} ({exercise})" for name, exercise in others)))


def _shown(folder: Path) -> str:
    """`folder` as the learner knows it: "." and ".." by their names."""
    if folder.name in ("", ".", ".."):
        try:
            return f"{folder} = {Path.cwd().joinpath(folder).resolve().name}"
        except OSError:
            return str(folder)
    return str(folder)


def _exercise_folders_below(folder: Path, besides: Path) -> list[tuple[str, str]]:
    """The folders right below `folder` that `init` made (each with its exercise), but `besides`."""
    found = []
    try:
        entries = sorted(folder.iterdir())[:1000]
    except OSError:
        return []
    for entry in entries:
        try:
            if entry.name == besides.name or not entry.is_dir() or not (entry / STATE_FILE).is_file():
                continue
        except OSError:
            continue
        found.append((entry.name, recorded_exercise(entry) or "?"))
    return found


def _questions(exercise) -> int | None:
    try:
        return len(exercise.quiz["questions"])
    except (TypeError, KeyError, AttributeError):
        return None


def _progress(state: dict, questions: int | None = None) -> Text:
    if not state:
        return Text("not started", style="dim")
    if state.get("last_check_passed"):
        parts = ["check passed"]
    elif check_ever_passed(state):
        parts = ["passed (last check failed)"]  # once passed is passed: the solution stays open
    else:
        parts = ["check not passed yet"]
    if state.get("quiz_passed"):
        parts.append("quiz passed")
    elif "quiz_score" in state:
        out_of = f"/{questions}" if questions else " right"
        parts.append(f"quiz not passed yet ({state['quiz_score']}{out_of})")
    if state.get("hints_seen"):
        parts.append(f"{state['hints_seen']} hint(s) seen")
    return Text(", ".join(parts), style="green" if check_ever_passed(state) else "")
