"""Which exercise a command is about: --exercise, else the one `init` recorded for the folder, else 5.1."""

from __future__ import annotations

from pathlib import Path

from exercise_cli.course import CourseError, Exercise, load_course
from exercise_cli.errors import UsageError
from exercise_cli.tutor.state import recorded_exercise


def choose_exercise(asked: str | None, folder: Path | None = None, state_file: Path | None = None) -> Exercise:
    """The exercise; UsageError (one line, exit 2) for an id the course does not have or a broken course file."""
    try:
        course = load_course()
        wanted = asked or (recorded_exercise(folder, state_file) if folder is not None else None)
        if wanted is not None and wanted not in course.exercise_ids and not asked:
            wanted = None  # a folder recorded for an exercise this course no longer has: the default
        return course.exercise(wanted)
    except CourseError as exc:
        raise UsageError(str(exc)) from None
