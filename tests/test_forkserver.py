"""The warm grading process: children forked from it grade exactly like freshly started ones."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from procs import descendants, jobs_of, still_running, wait_for

from conftest import submission
from exercise_cli.grading.forkserver import ForkServer
from exercise_cli.grading.grader import grade
from exercise_cli.grading.process import GraderLost
from exercise_cli.protocol import Note, PhaseStarted, Progress


@pytest.fixture(scope="module")
def server():
    with ForkServer() as warm:
        yield warm
    assert not warm.home.exists()


def _statuses(report) -> dict[str, str]:
    return {c.id: c.status for cr in report.criteria for c in cr.checks}


@pytest.mark.parametrize(
    ("name", "static"),
    [("passes_classic_operators", False), ("fails_uri_mismatch", False), ("fails_wrong_tags", True),
     ("fails_os_exit_at_import", True), ("fails_near_miss_dag_id", True)],
)
def test_forked_child_matches_a_fresh_process(server, name: str, static: bool) -> None:
    warm = grade(submission(name), static=static, launcher=server.launch)
    fresh = grade(submission(name), static=static)  # a grading process of its own, as `exercise check` starts
    assert _statuses(warm) == _statuses(fresh)
    assert warm.passed == fresh.passed


def test_forked_child_that_hangs_is_killed_and_reported(server) -> None:
    report = grade(submission("fails_producer_hangs"), task_timeout=3, launcher=server.launch)
    result = report.check("producer_run")
    assert result.status == "failed" and "timed out after 3 s" in result.message
    # the server survives its child's death and keeps grading
    assert grade(submission("passes_cron_schedule"), static=True, launcher=server.launch).passed


def _forked_children(warm: ForkServer) -> set[int]:
    return jobs_of(warm.proc.pid)


def test_a_killed_warm_process_is_noticed_at_once_and_the_submission_graded_again(tmp_path) -> None:
    """SIGKILL of the warm process mid-grade: noticed within a second (not at --timeout), the server
    restarted, the submission graded again in it and passing, as it deserves."""
    notes: list[tuple[float, str]] = []
    with ForkServer() as warm:
        first = warm.proc
        killed_at: list[float] = []

        def kill_once_grading() -> None:
            wait_for(lambda: _forked_children(warm), timeout=60, what="a forked grading child")
            os.kill(first.pid, signal.SIGKILL)  # at once: a warm check of this fixture ends within seconds
            killed_at.append(time.monotonic())

        killer = threading.Thread(target=kill_once_grading)
        killer.start()
        report = grade(submission("passes_classic_operators"), timeout=120, launcher=warm.launch,
                       on_event=lambda e: notes.append((time.monotonic(), e.text)) if isinstance(e, Note) else None)
        killer.join()
        assert report.passed
        assert warm.proc is not first and warm.alive()  # a new warm process took over
        assert len(notes) == 1 and "was killed by SIGKILL" in notes[0][1] and "once more, in a new one" in notes[0][1], notes
        assert notes[0][0] - killed_at[0] < 1.5, "the death was not noticed within a second"


def test_a_warm_process_that_dies_twice_is_not_graded_never_a_fail() -> None:
    with ForkServer() as warm:
        stop = threading.Event()

        def keep_killing() -> None:
            while not stop.is_set():
                if _forked_children(warm):
                    os.kill(warm.proc.pid, signal.SIGKILL)
                time.sleep(0.1)

        killer = threading.Thread(target=keep_killing)
        killer.start()
        started = time.monotonic()
        try:
            with pytest.raises(GraderLost) as lost:
                grade(submission("passes_classic_operators"), timeout=120, launcher=warm.launch)
        finally:
            stop.set()
            killer.join()
        assert time.monotonic() - started < 60  # not the timeout
        assert "twice: nothing was graded" in str(lost.value) and "grading process" in str(lost.value)


def test_a_killed_fresh_grading_process_is_graded_again() -> None:
    """`check`'s own grading process (no warm one), SIGKILLed: the same, noticed at once, graded again."""
    notes: list[str] = []
    killed: list[int] = []

    def on_event(event: Progress) -> None:
        if isinstance(event, Note):
            notes.append(event.text)
        elif isinstance(event, PhaseStarted) and event.phase == "parse" and not killed:
            killed.append(os.getpid())
            for pid in descendants(os.getpid()):  # the grading process and its children: this test's only ones
                if "exercise_cli.grading_process" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                    os.kill(pid, signal.SIGKILL)

    report = grade(submission("passes_classic_operators"), static=True, on_event=on_event)
    assert killed and report.passed
    assert len(notes) == 1 and "killed by SIGKILL" in notes[0], notes


def test_a_spare_child_forked_ahead_takes_the_next_check_and_a_dead_one_costs_none() -> None:
    """The warm process keeps one child forked ahead: a check is handed to it (no fork to wait for), the next
    spare is forked after; a spare killed from outside is replaced when a check comes, which still passes; and
    the spare goes when the warm process does."""
    taken: list[int] = []
    with ForkServer() as warm:
        def launch(*args):
            child = warm.launch(*args)
            taken.append(child.pid)
            return child

        def spare() -> int | None:
            waiting = descendants(warm.proc.pid) - jobs_of(warm.proc.pid)
            return next(iter(waiting)) if len(waiting) == 1 else None

        wait_for(spare, what="a spare child")
        first = spare()
        assert grade(submission("passes_cron_schedule"), static=True, launcher=launch).passed
        assert taken == [first]
        wait_for(lambda: spare() not in (None, first), what="the next spare")
        second = spare()
        os.kill(second, signal.SIGKILL)
        wait_for(lambda: not still_running({second}), timeout=10, what="the spare to die")
        assert grade(submission("passes_cron_schedule"), static=True, launcher=launch).passed
        assert len(taken) == 2 and taken[1] not in (first, second)  # taken at once, not graded again
        wait_for(spare, what="a spare after the dead one")
        last = spare()
    wait_for(lambda: not still_running({last}), timeout=10, what="the last spare to go with the warm process")


def test_a_warm_process_stopped_during_its_rehearsal_leaves_no_process(tmp_path: Path) -> None:
    """Its rehearsal's task children sit in process groups of their own (Airflow's supervisor puts them
    there), out of reach of the signal that stops the warm process's group: they must still end, and
    write nothing into its folder once it is removed."""
    import shutil
    import subprocess
    import sys

    from exercise_cli.grading.process import airflow_env, install_local_settings, signal_group
    from exercise_cli.grading.template_db import copy_template_into

    home = tmp_path / "warm"
    home.mkdir()
    install_local_settings(home)
    (home / "dags").mkdir()
    copy_template_into(home)
    proc = subprocess.Popen([sys.executable, "-m", "exercise_cli.grading_process.server"], cwd=home,
                            env=airflow_env(home, home / "dags"), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    seen: set[int] = set()

    def a_task_child_runs() -> bool:
        for pid in descendants(proc.pid):
            seen.add(pid)
            try:
                if os.getpgid(pid) != proc.pid:
                    return True
            except ProcessLookupError:
                continue
        return False

    try:
        wait_for(a_task_child_runs, timeout=120, what="the rehearsal's first task child")
        signal_group(proc.pid, signal.SIGTERM)  # as ForkServer.close stops it, then removes its folder
        proc.wait(timeout=30)
        shutil.rmtree(home)
        time.sleep(0.5)  # stopped or not
        assert still_running(seen) == []
        time.sleep(2)
        assert not home.exists()  # nothing wrote there after (an orphan would remake Airflow's log folder)
    finally:
        signal_group(proc.pid, signal.SIGKILL)
        proc.wait()
