"""The learner's DAG folder: hand out the starter without ever losing a file.

Every write goes to a temporary name in the folder and is renamed into place only when complete,
so a full or read-only disk leaves the learner's file as it was; a starter path that is a symlink
is replaced itself, never written through (what it pointed to is kept in the backup).
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

from exercise_cli.course import Exercise
from exercise_cli.errors import EnvironmentProblem, UsageError


def backup_name(path: Path, now: datetime | None = None) -> Path:
    """`x.py` -> `x.py.20261123-221500.bak`: no `.py` suffix, so neither Airflow nor the grader loads it."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
        counter += 1
    return candidate


def write_starter(folder: Path, exercise: Exercise, force: bool = False) -> tuple[Path, Path | None]:
    """Write the starter into `folder`; returns (starter path, backup path if an old file was kept).

    FileExistsError when something is there and not `force`; UsageError when it is not a file;
    EnvironmentProblem (one line, nothing changed) when the folder cannot be written.
    """
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    target = folder / exercise.starter
    if os.path.lexists(target) and not force:  # a dangling symlink too: something the learner put there
        raise FileExistsError(target)
    backup = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            kept = _content_to_keep(target)
            if kept is not None:
                backup = backup_name(target)
                _write_whole(backup, kept, like=target)
        _write_whole(target, exercise.starter_path.read_bytes())  # replaces a symlink itself, never its target
    except OSError as exc:
        unchanged = f"; {target.name} is unchanged" if os.path.lexists(target) else ""
        kept = f" (a copy was saved as {backup.name})" if backup and backup.exists() else ""
        raise EnvironmentProblem(f"cannot write into {folder}: {exc.strerror or exc}{unchanged}{kept}") from None
    return target, backup


def _content_to_keep(target: Path) -> bytes | None:
    """What the starter path holds (through a symlink: the file it points to); None for a dangling link."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{target} is not a regular file (it is a folder or a device); move it away first")
    return target.read_bytes()


def _write_whole(path: Path, data: bytes, like: Path | None = None) -> None:
    """`data` into a new temporary file beside `path`, flushed to disk, then renamed onto `path`."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "xb") as f:  # exclusive: never an existing file, never through a link
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if like is not None:
            shutil.copystat(like, temporary)  # the backup keeps the original's times and mode
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
