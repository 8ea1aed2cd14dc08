"""Start the trusted grading process (it imports Airflow, so the CLI never does) and bound its time.

The grading process runs no learner code itself: it bounds its own sandboxed children (their
time, output and resources). This side still watches it, following its progress file, and
kills its whole process group if the check as a whole runs past --timeout.
"""

from __future__ import annotations

import collections
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from exercise_cli.errors import EnvironmentProblem, Interrupted
from exercise_cli.exits import process_alive
from exercise_cli.learner_text import clean
from exercise_cli.protocol import Done, Job, PhaseStarted, Progress, read_progress
from exercise_cli.sandbox import environment

_TAIL_BYTES = 32 * 1024
# A full check's home holds about 2 MiB (the DB, its WAL, task logs); below this much free space the
# grader would fail for want of room, so it says so rather than report the learner's code failing.
MIN_FREE_BYTES = 16 * 2**20
# Throwaway folders carry their owner's pid: exercise-check-<pid>-<random>.
_THROWAWAY = re.compile(r"exercise-(?:[a-z]+-)*(?P<pid>\d+)-\w+")
_swept = threading.Lock()
_swept_done = False
# Set when the CLI is told to stop (SIGINT/SIGTERM/SIGHUP): every run_worker, in any thread, stops its child.
_stopping = threading.Event()
_stop_signal = signal.SIGINT


# What a forked child's poll gives once its warm grading process is gone: it was lost with its server.
GRADER_LOST = -signal.SIGKILL


class GraderLost(EnvironmentProblem):
    """The grading process died (killed, crashed) before reporting: the grader's fault, never the
    learner's. Grading the submission again, once, in a new grading process may succeed."""


@dataclass
class ChildOutcome:
    returncode: int | None
    phase: str = ""
    stopped_because: str = ""  # "" or "timeout"
    stderr_tail: str = ""
    events: list[Progress] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return any(isinstance(e, Done) for e in self.events)


def stop_children(signum: int) -> None:
    """Stop every grading child this process runs (their run_worker raises Interrupted), in every thread."""
    global _stop_signal
    _stop_signal = signum
    _stopping.set()


def make_throwaway(prefix: str, parent: str | None = None) -> Path:
    """A new folder in `parent` (else TMPDIR) named with this process's id (so a later run can tell it is
    stale), on a disk with room for a check. The first call also removes the folders of runs that were killed."""
    remove_stale_throwaways()
    home = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    try:
        ensure_room(home.parent)
    except OSError:
        shutil.rmtree(home, ignore_errors=True)
        raise
    return home


def ensure_room(folder: Path, advice: str = "free some, or set TMPDIR to a folder on another disk") -> None:
    """OSError(ENOSPC) naming the folder when its disk has less than MIN_FREE_BYTES free."""
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        advice = f": {advice}" if advice else ""
        raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} ({free // 2**20} MiB free; grading needs "
                      f"{MIN_FREE_BYTES // 2**20} MiB{advice})", str(folder))


def remove_stale_throwaways(folder: Path | None = None) -> list[Path]:
    """Remove this user's throwaway folders whose owner process is gone (a run killed by SIGKILL cannot
    clean up after itself). Once per process; a folder whose owner is alive is never touched."""
    global _swept_done
    with _swept:
        if _swept_done and folder is None:
            return []
        _swept_done = True
        removed = []
        try:
            entries = list(os.scandir(folder or tempfile.gettempdir()))
        except OSError:
            return removed
        for entry in entries:
            match = _THROWAWAY.fullmatch(entry.name)
            try:
                if not match or not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                    continue
            except OSError:
                continue
            if not process_alive(int(match["pid"])):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
        return removed


@contextmanager
def throwaway_home(prefix: str = "exercise-", parent: str | None = None) -> Iterator[Path]:
    """A fresh folder for one check (in `parent`, else TMPDIR), removed afterwards whatever happens."""
    home = make_throwaway(prefix, parent)
    try:
        yield home
    finally:
        if os.environ.get("EXERCISE_KEEP_HOME"):  # for debugging the grader itself
            print(f"kept {home}", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)


def install_local_settings(home: Path) -> None:
    """Airflow imports $AIRFLOW_HOME/config/airflow_local_settings.py: the grader's cluster policy."""
    config = home / "config"
    config.mkdir(exist_ok=True)
    shutil.copyfile(Path(__file__).parent.parent / "sandbox" / "airflow_local_settings.py", config / "airflow_local_settings.py")


def airflow_env(home: Path, dags_folder: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The grading process's environment: what Python and Airflow need of the user's (an allowlist:
    no token of the user's or the CI's), plus the throwaway home's Airflow settings. Its children
    drop the JWT secret and the rest only it needs (exercise_cli.sandbox.environment)."""
    env = environment.for_grading_process(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            environment.JWT_SECRET: os.urandom(16).hex(),
            **environment.GRADER_PYTHON,
        }
    )
    env.update(extra or {})
    return env


class _TailReader(threading.Thread):
    """Drains a pipe, keeping only its last bytes: a child may print gigabytes."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.chunks: collections.deque[bytes] = collections.deque()
        self.size = 0

    def run(self) -> None:
        for chunk in iter(lambda: self.stream.read1(65536), b""):
            self.chunks.append(chunk)
            self.size += len(chunk)
            while self.size - len(self.chunks[0]) > _TAIL_BYTES and len(self.chunks) > 1:
                self.size -= len(self.chunks.popleft())

    def text(self) -> str:
        return b"".join(self.chunks)[-_TAIL_BYTES:].decode("utf-8", errors="replace")


def signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def spawn_python(args: list[str], home: str | Path, env: dict[str, str], stderr: int = subprocess.PIPE) -> subprocess.Popen:
    """This Python with `args`, in a session of its own (its whole group can be signalled), output piped."""
    return subprocess.Popen([sys.executable, *args], cwd=home, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)


class SpawnedChild:
    """A grading child started as a new Python process (pays Airflow's import itself)."""

    def __init__(self, job_path: Path, home: str, env: dict[str, str]) -> None:
        self.proc = spawn_python(["-m", "exercise_cli.grading_process", str(job_path)], home, env)
        self.pid = self.proc.pid
        self.readers = [_TailReader(self.proc.stdout), _TailReader(self.proc.stderr)]
        for reader in self.readers:
            reader.start()

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float | None = None) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def tails(self) -> tuple[str, str]:
        for reader in self.readers:
            reader.join(timeout=2)
        return self.readers[0].text(), self.readers[1].text()


Launcher = Callable[[Path, str, dict[str, str]], "SpawnedChild"]


def kill_group(child, grace: float = 3.0) -> None:
    """SIGTERM the child's process group, then SIGKILL whatever is left of it."""
    signal_group(child.pid, signal.SIGTERM)
    child.wait(timeout=grace)
    # Members that ignored SIGTERM, or outlived the leader, go now.
    signal_group(child.pid, signal.SIGKILL)
    child.wait(timeout=5)


def run_worker(
    job: Job,
    env: dict[str, str],
    timeout: float,
    on_event: Callable[[Progress], None] | None = None,
    launcher: Launcher | None = None,
) -> ChildOutcome:
    if _stopping.is_set():  # the CLI is stopping: start nothing more
        raise Interrupted(_stop_signal)
    job_path = job.write()
    started = time.monotonic()
    child = (launcher or SpawnedChild)(job_path, job.home, env)
    outcome = ChildOutcome(returncode=None)
    offset = 0
    try:
        while True:
            events, offset = read_progress(job.home, offset)
            for event in events:
                outcome.events.append(event)
                if isinstance(event, PhaseStarted):
                    outcome.phase = event.phase
                if on_event:
                    on_event(event)
            if child.poll() is not None:
                break
            if _stopping.is_set():
                raise Interrupted(_stop_signal)
            if time.monotonic() - started > timeout:
                outcome.stopped_because = "timeout"
                kill_group(child)
                break
            time.sleep(0.01)  # a verdict is seen at most 10 ms after the grading process wrote it
    except BaseException:
        kill_group(child)
        raise
    finally:
        signal_group(child.pid, signal.SIGKILL)  # whatever is left of the group
    child.wait()
    events, offset = read_progress(job.home, offset)
    outcome.events.extend(events)
    for event in events:  # written after the last look: the watcher gets them too (run-demo's last step)
        if on_event:
            on_event(event)
    outcome.returncode = child.poll()
    _, stderr_tail = child.tails()
    outcome.stderr_tail = clean(stderr_tail, _TAIL_BYTES)  # what the grading process printed may quote learner text
    if not outcome.finished and outcome.stopped_because != "timeout":
        ensure_room(Path(job.home))  # it died for want of space: the machine's fault, not the learner's
    return outcome
