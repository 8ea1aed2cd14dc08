"""For the tests that run the real `exercise` command as a process, stop it and break its disk: what
it started (from /proc), whether any of that is still running, and small tmpfs mounts (Linux, root)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

EXERCISE = [sys.executable, "-m", "exercise_cli"]


@pytest.fixture
def tmpdir_of_its_own() -> Iterator[Path]:
    """A TMPDIR for one test's commands, so it can tell what they leave there. Not under pytest's
    tmp_path: the sandbox's uid must be able to pass through it to reach a check's folder."""
    folder = Path(tempfile.mkdtemp(prefix="test-tmpdir-"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        subprocess.run(["rm", "-rf", str(folder)])


def cli_env(tmpdir: Path, **extra: str) -> dict[str, str]:
    """The test's environment (its template cache included) with TMPDIR of the test's own."""
    return {**os.environ, "TMPDIR": str(tmpdir), "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", **extra}


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([*EXERCISE, *args], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*EXERCISE, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    """Every process below `pid` now (children in sessions of their own too: they keep their parent)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            parents[int(entry.name)] = stat[1]
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def jobs_of(warm_pid: int) -> set[int]:
    """A warm grading process's children that took a check: each works in its check's folder, where the spare
    it forks ahead still waits in the warm process's own."""
    try:
        own = os.readlink(f"/proc/{warm_pid}/cwd")
    except OSError:
        return set()
    found = set()
    for pid in descendants(warm_pid):
        try:
            if (stat := _stat(pid)) and stat[1] == warm_pid and os.readlink(f"/proc/{pid}/cwd") != own:
                found.add(pid)
        except OSError:
            continue
    return found


def still_running(pids: set[int]) -> list[int]:
    """Those of `pids` that still run (a zombie left to a container's init that does not reap is not running)."""
    return sorted(pid for pid in pids if (stat := _stat(pid)) and stat[0] not in ("Z", "X"))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def needs_mounts() -> None:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")


@contextmanager
def tmpfs(size: str, read_only: bool = False, fill_to: int | None = None) -> Iterator[Path]:
    """A tmpfs of `size` (mode 1777, like /tmp) on a new folder in /tmp, unmounted and removed afterwards.
    `fill_to`: leave only this many bytes free; `read_only`: remounted read-only."""
    needs_mounts()
    path = Path(tempfile.mkdtemp(prefix="test-mnt-"))
    path.chmod(0o755)  # the sandbox's uid passes through it, as through /tmp
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        path.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        if fill_to is not None:
            fill(path, leave=fill_to)
        if read_only:
            remount_ro(path)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
        path.rmdir()


def remount_ro(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """A file that takes all of the folder's free space but `leave` bytes."""
    filler = folder / f"filler-{time.monotonic_ns()}"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        try:
            while (free := os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize) > leave:
                f.write(chunk[: max(1, min(len(chunk), free - leave))])
        except OSError:
            pass
    return filler
