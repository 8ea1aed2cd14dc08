"""The learner's progress (hints seen, quiz passed, last verdict) in a small file in their DAG folder.

`exercise init` creates it, so it marks the folder as the learner's own. `check` and `watch`
record a verdict only there (or in the file --state names): grading any other folder (a class
folder, the repo's solution/) writes nothing into it. The tutor commands (hint, quiz) keep
their progress in the folder --dags names, the learner's by definition.
"""

from __future__ import annotations

import json
from pathlib import Path

from exercise_cli.atomic_file import write_atomically

STATE_FILE = ".exercise-state.json"


def state_path(path: Path) -> Path:
    """The state file of a DAG folder (or of a DAG file's folder)."""
    folder = path if path.is_dir() or path.suffix != ".py" else path.parent
    return folder / STATE_FILE


def load_state(path: Path, state_file: Path | None = None) -> dict:
    try:
        data = json.loads((state_file or state_path(path)).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(path: Path, state_file: Path | None = None, **changes: object) -> None:
    target = state_file or state_path(path)
    data = load_state(path, state_file)
    data.update(changes)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(data, indent=2))  # a unique temporary name: two commands never mix
    except OSError:
        pass  # progress is a convenience: never fail a command over it


def record_verdict(path: Path, passed: bool, state_file: Path | None = None) -> None:
    """A full check's verdict, kept only where the learner's progress already lives (or --state)."""
    if state_file is not None or state_path(path).is_file():
        save_state(path, state_file, last_check_passed=passed)
