"""Find a submission's DAG files and copy them into the throwaway home.

The learner's own files are only ever read: Airflow parses the copies, so no __pycache__,
log or database lands next to the learner's code.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from exercise_cli.errors import UsageError

MAX_FILES = 500
MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64  # folders inside a submission: deeper, and os.walk, copying and Airflow's walk recurse past Python's limit


@dataclass
class SubmissionFiles:
    root: Path  # the folder the files are relative to
    files: list[Path]  # the learner's .py files
    display_root: str  # how the user named the path, for messages
    names: dict[Path, str] = field(default_factory=dict)  # a file's own name for messages (live: the deployment's path)

    def display(self, file: Path) -> str:
        if file in self.names:
            return self.names[file]
        if self.root == file.parent and self.display_root.endswith(".py"):
            return self.display_root
        rel = file.relative_to(self.root).as_posix()
        return rel if self.display_root in ("", ".") else f"{self.display_root.rstrip('/')}/{rel}"


def find_submission(path: str | os.PathLike) -> SubmissionFiles:
    given = str(path)
    p = Path(path)
    if not p.exists():
        raise UsageError(f"no such file or folder: {given} (run `exercise init` to get the starter)")
    if p.is_file():
        if p.suffix != ".py":
            raise UsageError(f"{given} is not a Python file: give a .py DAG file or a folder of them")
        return SubmissionFiles(root=p.resolve().parent, files=[p.resolve()], display_root=given)
    files = []
    for folder, dirnames, filenames in os.walk(p):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
        if dirnames and len(Path(folder).relative_to(p).parts) >= MAX_DEPTH:  # before the walk recurses deeper
            raise UsageError(f"{given} nests folders more than {MAX_DEPTH} deep; a submission may nest at most {MAX_DEPTH}")
        files.extend(Path(folder, name).resolve() for name in sorted(filenames) if name.endswith(".py"))
    if not files:
        raise UsageError(f"no .py files in {given}: run `exercise init {given}` to get the starter")
    if len(files) > MAX_FILES:
        raise UsageError(f"{given} holds {len(files)} .py files; a submission may hold at most {MAX_FILES}")
    if sum(f.stat().st_size for f in files) > MAX_BYTES:
        raise UsageError(f"the .py files in {given} are larger than {MAX_BYTES // 2**20} MiB in all")
    return SubmissionFiles(root=p.resolve(), files=files, display_root=given)


def copy_into(sub: SubmissionFiles, dags_folder: Path) -> dict[str, str]:
    """Copy the files, keeping their layout; returns copied path -> learner's path as displayed."""
    mapping = {}
    for file in sub.files:
        target = dags_folder / file.relative_to(sub.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        mapping[str(target)] = sub.display(file)
    ignore = sub.root / ".airflowignore"
    if ignore.is_file() and len(sub.files) > 1:
        shutil.copyfile(ignore, dags_folder / ".airflowignore")
    return mapping
