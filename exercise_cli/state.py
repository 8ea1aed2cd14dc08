"""The learner's progress (hints seen, quiz passed, last verdict) in a small file beside the DAG folder."""

from __future__ import annotations

import json
from pathlib import Path

STATE_FILE = ".exercise-state.json"


def state_path(path: Path) -> Path:
    """The state file for a DAG folder (or a DAG file's folder): next to that folder, not in it."""
    folder = path if path.is_dir() or path.suffix != ".py" else path.parent
    return folder.resolve().parent / STATE_FILE


def load_state(path: Path) -> dict:
    try:
        data = json.loads(state_path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(path: Path, **changes: object) -> None:
    target = state_path(path)
    data = load_state(path)
    data.update(changes)
    try:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(target)
    except OSError:
        pass  # progress is a convenience: never fail a command over it
