"""The learner's progress (hints seen, quiz passed, last verdict) per exercise, in a small file in their DAG folder.

`exercise init` creates it and records which exercise the folder is for. The file marks the folder as
the learner's exercise folder: like git and rustlings, a command run in that folder or below it finds it
by looking upward from the current folder (`find_exercise_folder`), so it needs no path and no --exercise.

The file is the learner's, and the CLI may run as root (an autograder, an instructor): it is read only
as a regular file (a link, a FIFO, a device, a folder or a large file reads as no progress, and nothing
blocks), and written through a new 0600 file renamed into place, owned by the folder's owner. `check`
records a verdict only in a folder its user owns: grading someone else's folder writes nothing into it.

The file: {"exercise": "5.2", "progress": {"5.1": {...}, "5.2": {...}}}. A file written before
exercises had ids holds 5.1's progress at its top level, and is read as such.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from pathlib import Path

from exercise_cli.regular_file import regular_file_bytes

STATE_FILE = ".exercise-state.json"
MAX_STATE_BYTES = 64 * 1024  # a few hundred bytes in use; anything larger is not ours
_FIRST_EXERCISE = "5.1"  # what a file without ids was written for
DEFAULT_FOLDER = Path("dags")  # where `init` puts the starter when given no folder


def state_path(path: Path) -> Path:
    """The state file of a DAG folder (or of a DAG file's folder)."""
    folder = path if path.is_dir() or path.suffix != ".py" else path.parent
    return folder / STATE_FILE


def find_exercise_folder(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the current folder) upward holding a state file, as a
    path relative to `start` ("." or ".." ...); None outside any exercise folder. Like git, the search
    stops at a file system's edge."""
    try:
        here = Path(os.path.abspath(start or Path.cwd()))
        device = os.stat(here).st_dev
    except OSError:  # a deleted current folder
        return None
    for folder in (here, *here.parents):
        try:
            if os.stat(folder).st_dev != device:
                return None
            if stat.S_ISREG(os.lstat(folder / STATE_FILE).st_mode):
                return Path(os.path.relpath(folder, here))
        except OSError:
            continue
    return None


def learner_folder(given: Path | None) -> Path:
    """The folder a tutor command works on: the one named, else the exercise folder the learner stands
    in (found upward), else ./dags."""
    if given is not None:
        return given
    return find_exercise_folder() or DEFAULT_FOLDER


def _read_bytes(target: Path) -> bytes | None:
    try:
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return regular_file_bytes(target.name, MAX_STATE_BYTES, dir_fd=folder)
    finally:
        os.close(folder)


def _read(path: Path, state_file: Path | None) -> dict:
    raw = _read_bytes(state_file or state_path(path))
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or not data:
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


def _write(target: Path, text: str) -> None:
    """`text` into a new 0600 file beside `target` (never through a link), owned by the folder's owner,
    renamed onto `target` (a link there is replaced, not followed). Raises OSError."""
    folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        owner = os.fstat(folder)
        temporary = f".{target.name}.{secrets.token_hex(6)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                if os.geteuid() == 0:  # root writing in a learner's folder leaves the learner's file
                    os.fchown(f.fileno(), owner.st_uid, owner.st_gid)
                os.fchmod(f.fileno(), 0o600)
                os.fsync(f.fileno())
            os.replace(temporary, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=folder)
            except OSError:
                pass
            raise
    finally:
        os.close(folder)


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
        _write(target, json.dumps(data, indent=2))  # a unique temporary name: two commands never mix
    except OSError:
        pass  # progress is a convenience: never fail a command over it


def record_verdict(path: Path, passed: bool, state_file: Path | None = None, exercise: str = _FIRST_EXERCISE) -> bool:
    """A full check's verdict, kept only where the learner's progress already lives (or --state), in a
    folder this user owns; True if it was kept. Once passed stays passed (`passed_once`)."""
    target = state_file or state_path(path)
    try:
        if state_file is None and (not stat.S_ISREG(os.lstat(target).st_mode)
                                   or os.stat(target.parent).st_uid != os.geteuid()):
            return False
    except OSError:
        return False
    changes: dict[str, object] = {"last_check_passed": passed}
    if passed:
        changes["passed_once"] = True
    save_state(path, state_file, exercise, **changes)
    return load_state(path, state_file, exercise).get("last_check_passed") is passed


def check_ever_passed(state: dict) -> bool:
    return bool(state.get("passed_once") or state.get("last_check_passed"))
