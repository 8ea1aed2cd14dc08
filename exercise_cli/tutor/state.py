"""The learner's progress (hints seen, quiz passed, last verdict) per exercise, in a small file in their DAG folder.

`exercise init` creates it and records which exercise the folder is for, so it marks the folder
as the learner's own and later commands need no --exercise there. `check` and `watch` record a
verdict only there (or in the file --state names): grading any other folder (a class folder, the
repo's solution/) writes nothing into it. The tutor commands (hint, quiz) keep their progress in
the folder --dags names, the learner's by definition.

The file: {"exercise": "5.2", "progress": {"5.1": {...}, "5.2": {...}}}. A file written before
exercises had ids holds 5.1's progress at its top level, and is read as such.
"""

from __future__ import annotations

import json
from pathlib import Path

from exercise_cli.atomic_file import write_atomically

STATE_FILE = ".exercise-state.json"
_FIRST_EXERCISE = "5.1"  # what a file without ids was written for


def state_path(path: Path) -> Path:
    """The state file of a DAG folder (or of a DAG file's folder)."""
    folder = path if path.is_dir() or path.suffix != ".py" else path.parent
    return folder / STATE_FILE


def _read(path: Path, state_file: Path | None) -> dict:
    try:
        data = json.loads((state_file or state_path(path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    if "progress" not in data:  # written before exercises had ids: 5.1's progress
        flat = {k: v for k, v in data.items() if k != "exercise"}
        data = {"exercise": data.get("exercise", _FIRST_EXERCISE), "progress": {_FIRST_EXERCISE: flat} if flat else {}}
    if not isinstance(data.get("progress"), dict):
        data["progress"] = {}
    return data


def recorded_exercise(path: Path, state_file: Path | None = None) -> str | None:
    """The exercise `init` recorded for this folder, if any."""
    value = _read(path, state_file).get("exercise")
    return value if isinstance(value, str) else None


def load_state(path: Path, state_file: Path | None = None, exercise: str = _FIRST_EXERCISE) -> dict:
    """One exercise's progress kept for this folder."""
    progress = _read(path, state_file).get("progress", {}).get(exercise)
    return progress if isinstance(progress, dict) else {}


def save_state(path: Path, state_file: Path | None = None, exercise: str = _FIRST_EXERCISE, record: bool = False,
               **changes: object) -> None:
    """Update one exercise's progress; `record` also makes it the folder's exercise (what `init` does)."""
    target = state_file or state_path(path)
    data = _read(path, state_file) or {"progress": {}}
    if record or "exercise" not in data:
        data["exercise"] = exercise
    mine = data["progress"].get(exercise)
    data["progress"][exercise] = {**(mine if isinstance(mine, dict) else {}), **changes}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(data, indent=2))  # a unique temporary name: two commands never mix
    except OSError:
        pass  # progress is a convenience: never fail a command over it


def record_verdict(path: Path, passed: bool, state_file: Path | None = None, exercise: str = _FIRST_EXERCISE) -> None:
    """A full check's verdict, kept only where the learner's progress already lives (or --state)."""
    if state_file is not None or state_path(path).is_file():
        save_state(path, state_file, exercise, last_check_passed=passed)
