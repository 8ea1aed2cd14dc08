"""A submission handed in as a .zip in a class folder: its members unpacked, within limits, into a
throwaway folder of the grader's (never into the class folder), and graded from there.

The archive is learner data: no member may name a path outside that folder (absolute, `..`), a link,
or a device; members are counted, and their sizes bounded as they are read (a header may lie).
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from exercise_cli.errors import UsageError
from exercise_cli.grading.process import make_throwaway
from exercise_cli.grading.submission import MAX_FILES, SubmissionFiles, find_submission
from exercise_cli.learner_text import clean
from exercise_cli.regular_file import MAX_BYTES

MAX_MEMBERS = 4 * MAX_FILES  # a submission's files, plus folders and whatever else an archiver adds
MAX_UNPACKED = 4 * MAX_BYTES
_CHUNK = 1 << 16


@contextmanager
def unpacked(archive: Path) -> Iterator[SubmissionFiles]:
    """The submission inside `archive`, named in messages as the archive; the folder is removed afterwards.
    Raises UsageError (the archive cannot be graded as it is: unpack it) for anything out of bounds."""
    name = clean(archive.name, limit=200)
    folder = make_throwaway("exercise-unzip-")
    try:
        _unpack(archive, folder, name)
        files = find_submission(folder)
        files.display_root = name
        yield files
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unpack(archive: Path, folder: Path, name: str) -> None:
    def refuse(why: str) -> UsageError:
        return UsageError(f"unpack it into a folder of its own to grade it: {why}")

    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_MEMBERS:
                raise refuse(f"{name} holds {len(members)} entries; a zipped submission may hold at most {MAX_MEMBERS}")
            left = MAX_UNPACKED
            for member in members:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                if not parts or member.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                    raise refuse(f"an entry of {name} names a path outside it ({clean(member.filename, limit=100)})")
                if parts[0] == "__MACOSX" or parts[-1].startswith("._"):
                    continue  # macOS's resource forks, which its Finder adds to every zip it makes
                kind = stat.S_IFMT(member.external_attr >> 16)
                if member.is_dir():
                    (folder.joinpath(*parts)).mkdir(parents=True, exist_ok=True)
                    continue
                if kind not in (0, stat.S_IFREG):
                    continue  # a link or a device is never made: the submission's .py files are what count
                target = folder.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, open(target, "xb") as out:
                    while chunk := source.read(min(_CHUNK, left + 1)):
                        left -= len(chunk)
                        if left < 0:
                            raise refuse(f"{name} unpacks to more than {MAX_UNPACKED // 2**20} MiB")
                        out.write(chunk)
    except FileExistsError:
        raise refuse(f"{name} holds one entry twice") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
        raise refuse(f"{name} cannot be read as a zip archive ({clean(str(exc), limit=200)})") from None
