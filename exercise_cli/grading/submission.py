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
from exercise_cli.learner_text import clean

MAX_FILES = 500
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class SubmissionFiles:
    root: Path  # the folder the files are relative to
    files: list[Path]  # the learner's .py files
    display_root: str  # how the user named the path, for messages
    names: dict[Path, str] = field(default_factory=dict)  # a file's own name for messages (live: the deployment's path)

    def display(self, file: Path) -> str:
        """The file's name in messages, cleaned: a name is learner text (it may not even be UTF-8)."""
        if file in self.names:
            return clean(self.names[file], limit=1000)
        if self.root == file.parent and self.display_root.endswith(".py"):
            return clean(self.display_root, limit=1000)
        rel = file.relative_to(self.root).as_posix()
        return clean(rel if self.display_root in ("", ".") else f"{self.display_root.rstrip('/')}/{rel}", limit=1000)


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
