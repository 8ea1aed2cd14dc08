"""Orderly stops: SIGINT, SIGTERM and SIGHUP sent to a real `exercise check`, `grade` and `watch`
stop every process they started, remove their throwaway folders, say one line and exit 128 + the
signal; `grade` keeps its graded rows; the next run removes what a SIGKILLed one left."""

from __future__ import annotations

import csv
import os
import pty
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from procs import EXERCISE, cli_env, descendants, error_lines, run, start, still_running, tmpdir_of_its_own, wait_for  # noqa: F401

from conftest import SUBMISSIONS, class_folder
from exercise_cli.course import load_exercise
from exercise_cli.grading.template_db import ensure_template

SOLUTION = str(load_exercise().solution_dir)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")


@pytest.fixture(scope="module", autouse=True)
def template() -> None:
    ensure_template()  # so that a full check's run, not the template's build, is what gets stopped


def _grading_started(proc: subprocess.Popen, tmpdir: Path, prefix: str = "exercise-check-") -> bool:
    return bool(list(tmpdir.glob(f"{prefix}*"))) and bool(descendants(proc.pid))


def _stopped_in_order(proc: subprocess.Popen, signum: int, tmpdir: Path, note: str | Callable[[], str]) -> str:
    """Send `signum`; the command says one line and exits 128 + signum, leaving no process and no folder.
    `note`: what the line ends with (a callable: known only once the command has ended)."""
    time.sleep(0.3)
    started = descendants(proc.pid)
    assert started, "the command started no process to stop"
    os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert proc.returncode == 128 + signum, (out, err)
    note = note() if callable(note) else note
    assert error_lines(err) == [f"error: interrupted ({name}): {note}"], err
    assert "Traceback" not in out + err
    wait_for(lambda: not still_running(started), timeout=10, what=f"the processes {started} to end")
    assert sorted(p.name for p in tmpdir.iterdir()) == []
    return out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_check_stops_in_order(signum: int, tmpdir_of_its_own: Path) -> None:
    proc = start(["check", SOLUTION], cli_env(tmpdir_of_its_own))
    wait_for(lambda: _grading_started(proc, tmpdir_of_its_own), what="the check to start grading")
    _stopped_in_order(proc, signum, tmpdir_of_its_own, "stopped every process it started and removed its temporary folders")


def test_ctrl_c_in_a_terminal_stops_check_with_one_line(tmpdir_of_its_own: Path) -> None:
    """Ctrl-C typed in a terminal: the terminal sends SIGINT to the foreground process group (the CLI;
    its grading process has a session of its own), and the CLI says so, where it exited silently before."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: `exercise check` on the pseudo-terminal
        os.execve(sys.executable, [*EXERCISE, "check", SOLUTION], cli_env(tmpdir_of_its_own))
    output = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: list(tmpdir_of_its_own.glob("exercise-check-*")) and descendants(pid), what="the check to start")
        time.sleep(0.3)
        started = descendants(pid)
        os.write(terminal, b"\x03")  # Ctrl-C
        _, status = os.waitpid(pid, 0)
        reader.join(timeout=5)
    finally:
        os.close(terminal)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 130, text
    assert "interrupted (SIGINT): stopped every process it started" in text
    assert "Traceback" not in text
    wait_for(lambda: not still_running(started), timeout=10, what="the grading processes to end")
    assert list(tmpdir_of_its_own.iterdir()) == []


def test_grade_stopped_by_sigterm_keeps_its_rows(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    folder = class_folder(tmp_path, {name: SUBMISSIONS / "passes_cron_schedule" for name in ("a", "b", "c", "d", "e", "f")})
    gradebook = tmp_path / "grades.csv"
    proc = start(["grade", str(folder), "--jobs", "1", "--csv", str(gradebook)], cli_env(tmpdir_of_its_own))

    def rows() -> list[dict]:
        try:
            return list(csv.DictReader(gradebook.open(encoding="utf-8")))
        except OSError:
            return []

    wait_for(lambda: len(rows()) >= 1 and _grading_started(proc, tmpdir_of_its_own), timeout=120,
             what="one graded row and the next grading")
    out = _stopped_in_order(proc, signal.SIGTERM, tmpdir_of_its_own,
                            lambda: f"{gradebook} holds {len(rows())} row{'' if len(rows()) == 1 else 's'}")
    kept = rows()
    assert 1 <= len(kept) < 6 and all(row["passed"] == "True" for row in kept)
    assert f"{len(kept)} of 6 submissions graded" in out


def test_watch_stopped_by_sighup(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    dags = tmp_path / "dags"
    shutil.copytree(SUBMISSIONS / "passes_cron_schedule", dags)
    proc = start(["watch", str(dags)], cli_env(tmpdir_of_its_own))
    wait_for(lambda: _grading_started(proc, tmpdir_of_its_own), timeout=120, what="watch's first check")
    _stopped_in_order(proc, signal.SIGHUP, tmpdir_of_its_own, "stopped watching, and every check it started")


def test_an_interrupted_template_build_leaves_nothing(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    """SIGTERM while `airflow db migrate` builds the template: the migration is killed, no build
    folder and no half-built template are left, and the next check builds it."""
    cache = tmp_path / "cache"
    proc = start(["check", SOLUTION], cli_env(tmpdir_of_its_own, EXERCISE_CACHE_DIR=str(cache)))
    wait_for(lambda: list(cache.glob("airflow-*/build-*")) and descendants(proc.pid), what="the template build")
    _stopped_in_order(proc, signal.SIGTERM, tmpdir_of_its_own, "stopped every process it started and removed its temporary folders")
    assert [p.name for p in cache.glob("airflow-*/*")] == ["build.lock"]


def test_the_next_run_removes_what_a_sigkilled_run_left(tmpdir_of_its_own: Path) -> None:
    proc = start(["check", SOLUTION], cli_env(tmpdir_of_its_own))
    wait_for(lambda: _grading_started(proc, tmpdir_of_its_own), what="the check to start grading")
    time.sleep(0.3)
    orphans = descendants(proc.pid)
    proc.kill()  # SIGKILL: no clean-up can run
    proc.communicate()
    for pid in orphans:  # the test stops what the killed CLI could not; its folder is the next run's to remove
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    wait_for(lambda: not still_running(orphans), timeout=10, what="the killed run's processes to end")
    left = sorted(tmpdir_of_its_own.glob("exercise-check-*"))
    assert left, "the killed run left no folder: nothing to test"
    owner_alive = tmpdir_of_its_own / f"exercise-check-{os.getpid()}-inuse"  # this test process owns it
    owner_alive.mkdir()
    result = run(["check", "--static", SOLUTION], cli_env(tmpdir_of_its_own))
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in left)
    assert sorted(p.name for p in tmpdir_of_its_own.iterdir()) == [owner_alive.name]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_test_run_removes_its_temporary_folders(signum: int, tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    """`make test` stopped part-way (Ctrl-C, SIGTERM) tears its fixtures down: the folders they made in the
    temporary folder go, and so do the processes they ran (as tests/test_autograder.py's fixture does)."""
    (tmp_path / "test_stopped.py").write_text(textwrap.dedent('''
        import shutil, subprocess, time
        import pytest
        from exercise_cli.grading.process import make_throwaway

        @pytest.fixture(scope="module")
        def folder():
            root = make_throwaway("exercise-autograder-")
            try:
                yield root
            finally:
                shutil.rmtree(root, ignore_errors=True)

        def test_long(folder):
            (folder / "started").touch()
            time.sleep(120)
    '''))
    tests = Path(__file__).parent
    env = {**cli_env(tmpdir_of_its_own), "PYTHONPATH": str(tests)}
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
                             "--rootdir", str(tmp_path), str(tmp_path / "test_stopped.py")],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for(lambda: list(tmpdir_of_its_own.glob("exercise-autograder-*/started")), timeout=120, what="the test to start")
    os.kill(proc.pid, signum)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "KeyboardInterrupt" in out, out
    assert [p.name for p in tmpdir_of_its_own.iterdir() if p.name.startswith("exercise-")] == [], out
