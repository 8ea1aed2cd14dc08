"""`exercise list`: the course's exercises, the one a DAG folder is for, and the learner's progress in each."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exercise_cli.course import CourseError, load_course
from exercise_cli.errors import UsageError
from exercise_cli.tutor.state import load_state, recorded_exercise


def render_exercise_list(console: Console, dags: Path) -> None:
    try:
        course = load_course()
        exercises = course.exercises()
    except CourseError as exc:
        raise UsageError(str(exc)) from None
    current = recorded_exercise(dags)
    table = Table(title=course.title or None, title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("exercise")
    table.add_column("DAGs", justify="right")
    table.add_column(f"your progress ({dags})")
    for exercise in exercises:
        mark = "▶ " if exercise.id == current else "  "
        table.add_row(Text(mark + exercise.id), Text(exercise.title), str(len(exercise.dags)),
                      _progress(load_state(dags, exercise=exercise.id)))
    console.print(table)
    if current is None:
        console.print(f"{dags} is no exercise's folder yet: `exercise init --exercise ID` starts one (5.1 by default).")
    else:
        console.print(f"▶ {dags} is exercise {current}'s folder: commands run there need no --exercise.")


def _progress(state: dict) -> Text:
    if not state:
        return Text("not started", style="dim")
    parts = ["check passed" if state.get("last_check_passed") else "check not passed yet"]
    if state.get("quiz_passed"):
        parts.append("quiz passed")
    if state.get("hints_seen"):
        parts.append(f"{state['hints_seen']} hint(s) seen")
    return Text(", ".join(parts), style="green" if state.get("last_check_passed") else "")
