"""Find a submission's DAG files and copy them into the throwaway home.

The learner's own files are only ever read: Airflow parses the copies, so no __pycache__,
log or database lands next to the learner's code.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from exercise_cli.errors import UsageError
from exercise_cli.learner_text import clean
from exercise_cli.regular_file import MAX_BYTES, regular_file_bytes

MAX_FILES = 500
MAX_DEPTH = 64  # folders inside a submission: deeper, and os.walk, copying and Airflow's walk recurse past Python's limit


@dataclass
class SubmissionFiles:
    root: Path  # the folder the files are relative to
    files: list[Path]  # the learner's .py files
    display_root: str  # how the user named the path, for messages
    names: dict[Path, str] = field(default_factory=dict)  # a file's own name for messages (live: the deployment's path)
    skipped: list[str] = field(default_factory=list)  # links and special files not copied, as displayed

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
        start = f"`exercise init {shlex.quote(given)}`" if p.suffix != ".py" else "`exercise init FOLDER`"
        raise UsageError(f"no such file or folder: {given} ({start} writes the starter into a new folder)")
    if p.is_file():
        if p.suffix != ".py":
            raise UsageError(f"{given} is not a Python file: give a .py DAG file or a folder of them")
        return SubmissionFiles(root=p.resolve().parent, files=[p.resolve()], display_root=given)
    # The folder the user named is followed; nothing inside it is: a link in a submission may
    # point at any file this process can read (a root-only one, a device, another submission).
    root = p.resolve()
    sub = SubmissionFiles(root=root, files=[], display_root=given)
    for folder, dirnames, filenames in os.walk(root):
        for name in [d for d in dirnames if os.path.islink(os.path.join(folder, d))]:
            sub.skipped.append(sub.display(Path(folder, name)) + "/")
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")) and not os.path.islink(os.path.join(folder, d)))
        if dirnames and len(Path(folder).relative_to(root).parts) >= MAX_DEPTH:  # before the walk recurses deeper
            raise UsageError(f"{given} nests folders more than {MAX_DEPTH} deep; a submission may nest at most {MAX_DEPTH}")
        for name in sorted(n for n in filenames if n.endswith(".py")):
            file = Path(folder, name)
            if _regular(file):
                sub.files.append(file)
            else:
                sub.skipped.append(sub.display(file))
    ignore = root / ".airflowignore"
    if os.path.lexists(ignore) and not _regular(ignore):
        sub.skipped.append(sub.display(ignore))
    if not sub.files:
        raise UsageError(f"no .py files in {given}: run `exercise init {given}` to get the starter")
    if len(sub.files) > MAX_FILES:
        raise UsageError(f"{given} holds {len(sub.files)} .py files; a submission may hold at most {MAX_FILES}")
    if sum(f.lstat().st_size for f in sub.files) > MAX_BYTES:
        raise UsageError(f"the .py files in {given} are larger than {MAX_BYTES // 2**20} MiB in all")
    return sub


def _regular(path: Path) -> bool:
    """A regular file itself, not a link to one, nor a FIFO or a device."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def copy_into(sub: SubmissionFiles, dags_folder: Path) -> dict[str, str]:
    """Copy the regular files, keeping their layout; returns copied path -> learner's path as displayed.

    A file that is no longer a regular file when it is opened (replaced by a link meanwhile) is
    skipped and named in `sub.skipped`, as the walk does.
    """
    mapping = {}
    for file in sub.files:
        target = dags_folder / file.relative_to(sub.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if _copy_regular(file, target, as_utf8=True):
            mapping[str(target)] = sub.display(file)
        else:
            sub.skipped.append(sub.display(file))
    ignore = sub.root / ".airflowignore"
    if _regular(ignore) and len(sub.files) > 1 and not _copy_regular(ignore, dags_folder / ".airflowignore"):
        sub.skipped.append(sub.display(ignore))
    return mapping


def _copy_regular(source: Path, target: Path, as_utf8: bool = False) -> bool:
    """Copy `source` only if it is a regular file when opened (no link followed, no FIFO opened for long)."""
    data = regular_file_bytes(source, MAX_BYTES)
    if data is None:
        return False
    target.write_bytes(utf8_source(data) if as_utf8 else data)
    return True


_CODING_COOKIE = re.compile(rb"^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)", re.MULTILINE)


def utf8_source(data: bytes) -> bytes:
    """A Python source in whatever encoding Python accepts (a PEP 263 coding line, a UTF-8 BOM), as
    its UTF-8 twin, line for line: Airflow's DAG processor reads the code it stores as UTF-8 without
    a BOM, so a Latin-1 file would import and still never register. Its coding line, if any, then
    says utf-8. A source Python itself cannot decode is copied as it is: its import error says why.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data
    if encoding == "utf-8":
        return data
    head, newline, rest = text.partition("\n")
    second, newline2, rest = rest.partition("\n")
    lines = (head + newline + second + newline2).encode("utf-8")
    lines = _CODING_COOKIE.sub(lambda m: m.group(1) + b"utf-8", lines, count=1)
    return lines + rest.encode("utf-8")
