"""The built-in course, read once per install and kept in the user's cache folder for the next command.

Reading it imports pydantic and validates every exercise file: 0.2 s that each `check` paid before
the warm grading server heard of it. What is kept is the course's own records (exercise_cli/course.py's
dataclasses, every exercise built), under a key that any change to a file of the install, or another
Python, makes stale. It is kept only where this user alone may write, and read back by an unpickler
that makes nothing but those records. Whatever goes wrong with it, the course is read from its files.
"""

from __future__ import annotations

import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Callable

from exercise_cli.atomic_file import write_atomically
from exercise_cli.course import Course
from exercise_cli.install import cache_root, fingerprint, install_id
from exercise_cli.regular_file import regular_file_bytes

MAX_BYTES = 1024 * 1024  # the built-in course takes 40 KB
_RECORDS = {"Course", "Exercise", "CriterionSpec", "CheckSpec", "AssetSpec", "DagSpec", "Step", "LiveCase"}
_PATHS = {"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"}


def kept(read: Callable[[], tuple[Course, bool]]) -> Course:
    """The built-in course: as kept, if this install kept it; else `read()`'s (the course with every
    exercise built, and whether each one built), kept for next time only if each one did."""
    key = f"{fingerprint()} {sys.version}"
    path = _path()
    if path is not None and (course := _load(path, key)) is not None:
        return course
    course, whole = read()
    if whole and path is not None:
        try:
            write_atomically(path, pickle.dumps((key, course), protocol=pickle.HIGHEST_PROTOCOL), mode=0o600)
        except (OSError, pickle.PicklingError):
            pass  # no cache this time: the next command reads the files again
    return course


def _path() -> Path | None:
    """The cache file, in a folder of this user's that no one else may write to (else None)."""
    folder = cache_root()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return folder / f"course-{install_id()}.pickle"


def _load(path: Path, key: str) -> Course | None:
    data = regular_file_bytes(path, MAX_BYTES, own=True)
    if data is None:
        return None
    try:
        found_key, course = _RecordsOnly(io.BytesIO(data)).load()
    except Exception:  # any damage (a truncated file, a record renamed since): read the files
        return None
    return course if found_key == key and isinstance(course, Course) else None


class _RecordsOnly(pickle.Unpickler):
    """Makes the course's records, paths and plain values; a pickle naming anything else is refused."""

    def find_class(self, module: str, name: str):
        if (module == "exercise_cli.course" and name in _RECORDS) or (module == "pathlib" and name in _PATHS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a course record: {module}.{name}")
