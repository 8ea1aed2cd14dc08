"""The warm grading server, with real processes: its life cycle, its safety, and verdicts as a fresh process gives.

Every server here lives in this session's private folder (conftest.py sets EXERCISE_SERVER_DIR) and is
stopped by the test that started it.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, SUBMISSIONS, TESTS
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.grading.grader import grade
from exercise_cli.sandbox import jail
from exercise_cli.server import client, protocol
from exercise_cli.install import fingerprint
from exercise_cli.server.place import server_place

SOLUTION_5_1 = REPO / "solution" / "exercise_5_1"
SOLUTION_5_2 = REPO / "solution" / "exercise_5_2"
SUBMISSIONS_5_2 = TESTS / "submissions" / "exercise_5_2"
HOSTILE = TESTS / "hostile"
UNUSED_UID = 54321
TIER, WHY_NOT = jail.choose_tier()


@pytest.fixture(autouse=True)
def servers_allowed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The suite turns servers off (conftest.py); these tests turn them on, and stop whatever they started
    (one_server's is stopped when the module is done)."""
    monkeypatch.delenv("EXERCISE_NO_SERVER", raising=False)
    monkeypatch.delenv("CI", raising=False)
    yield
    if "one_server" not in request.fixturenames:
        client.stop()


@pytest.fixture(scope="module")
def one_server():
    """One server for several tests in a row, to show that nothing of one submission reaches the next."""
    state = _start()
    yield state
    client.stop()


def _start(**env: str) -> protocol.State:
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        assert client.start_in_background()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return _wait_for_server()


def _wait_for_server(seconds: float = 180.0) -> protocol.State:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.status()
        if state is not None:
            return state
        time.sleep(0.2)
    raise AssertionError(f"no server after {seconds:g} s: {_log()}")


def _wait_gone(pid: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not client._alive(pid):
            return
        time.sleep(0.2)
    raise AssertionError(f"server {pid} still runs after {seconds:g} s")


def _log() -> str:
    try:
        return server_place().log.read_text()
    except OSError:
        return "(no log)"


def _served() -> int:
    state = client.status()
    return state.served if state else -1


def _verdicts(report) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each check's status and message, with what differs from run to run blanked (times, run ids, pids, the
    throwaway folder's name) and the message's comma-separated parts sorted: a served child's environment
    holds the same variables as a fresh one's, in another order (tests/hostile/prints_environment_secrets)."""
    def blank(text: str) -> tuple[str, ...]:
        text = re.sub(r"exercise-check-\d+-\w+", "exercise-check-X", text)
        text = re.sub(r"\d+", "#", re.sub(r"__[^\s,;()]+", "__RUN", text))
        return tuple(sorted(re.split(r"[,;] ", text)))

    return [(c.id, c.status, blank(c.message)) for criterion in report.criteria for c in criterion.checks]


def _served_grade(path: Path, **options):
    before = _served()
    report = client.grade_served(path, use_server=True, **options)
    assert _served() == before + 1, f"not graded by the server: {_log()}"
    return report


def test_the_first_check_starts_a_server_and_the_next_ones_use_it() -> None:
    assert client.status() is None
    first = CliRunner().invoke(app, ["check", str(SOLUTION_5_1), "--json"])
    assert first.exit_code == 0, first.output
    state = _wait_for_server()
    assert state.served == 0 and state.pid != os.getpid()
    for _ in range(2):
        again = CliRunner().invoke(app, ["check", str(SOLUTION_5_1), "--json"])
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout)["passed"] is True
    assert client.status().served == 2
    assert client.status().pid == state.pid
    status = CliRunner().invoke(app, ["server", "status"])
    assert f"pid {state.pid}" in status.stdout and str(server_place().socket) in status.stdout.replace("\n", "")
    stopped = CliRunner().invoke(app, ["server", "stop"])
    assert f"pid {state.pid}" in stopped.stdout
    _wait_gone(state.pid)
    assert not server_place().socket.exists()
    assert "No grading server runs" in CliRunner().invoke(app, ["server", "status"]).stdout


@pytest.mark.parametrize("how", [["--no-server"], ["--require-sandbox"], "EXERCISE_NO_SERVER", "CI"])
def test_a_server_is_not_started_when_turned_off_or_for_autograders(how, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == ["--require-sandbox"] and TIER == jail.PROCESS:
        pytest.skip(f"no sandbox here: {WHY_NOT}")
    options = how if isinstance(how, list) else []
    if isinstance(how, str):
        monkeypatch.setenv(how, "true" if how == "CI" else "1")
    result = CliRunner().invoke(app, ["check", str(SOLUTION_5_1), "--static", "--json", *options])
    assert result.exit_code == 0, result.output
    time.sleep(1.0)  # a server started in the background would have taken its lock by now
    assert not _lock_held()
    assert client.status() is None


def _lock_held() -> bool:
    import fcntl

    lock = server_place().lock
    if not lock.exists():
        return False
    with open(lock, "r+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
    return False


def test_an_idle_server_stops_by_itself() -> None:
    state = _start(EXERCISE_SERVER_IDLE="2")
    assert state.idle_limit == 2
    _wait_gone(state.pid, seconds=30)
    assert not server_place().socket.exists()


def test_a_client_of_another_version_stops_the_server_and_grades_afresh() -> None:
    state = _start()
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(str(server_place().socket))
    channel = protocol.Channel(sock)
    channel.send(protocol.Grade(job="/nonexistent/job.json", env={"AIRFLOW_HOME": "/nonexistent"}, fingerprint="0.0.0+other"))
    assert isinstance(channel.receive(30), protocol.Stale)
    channel.close()
    _wait_gone(state.pid)


def test_a_change_to_the_installed_files_stops_the_server() -> None:
    state = _start()
    marker = REPO / "exercise_cli" / "data" / f".test-server-{os.getpid()}"
    before = fingerprint()
    try:
        marker.write_text("a changed install")
        assert fingerprint() != before
        _wait_gone(state.pid, seconds=60)
    finally:
        marker.unlink(missing_ok=True)
    assert fingerprint() == before


def test_two_checks_at_once_are_both_served() -> None:
    state = _start()
    reports = {}

    def check(name: str, path: Path, exercise_id: str) -> None:
        reports[name] = client.grade_served(path, use_server=True, exercise_id=exercise_id)

    threads = [threading.Thread(target=check, args=("5.1", SOLUTION_5_1, "5.1")),
               threading.Thread(target=check, args=("5.2", SOLUTION_5_2, "5.2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reports["5.1"].passed and reports["5.2"].passed
    assert client.status().served == state.served + 2


def _grade_in_thread(path: Path) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        try:
            out["report"] = client.grade_served(path, use_server=True)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _wait_for_a_job(seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.status()
        if state is not None and state.jobs:
            return
        time.sleep(0.05)
    raise AssertionError("the server never got the job")


def test_a_server_killed_mid_check_leaves_the_check_to_a_fresh_process() -> None:
    state = _start()
    thread, out = _grade_in_thread(SOLUTION_5_1)
    _wait_for_a_job()
    os.kill(state.pid, signal.SIGKILL)
    thread.join(timeout=300)
    assert "error" not in out, out
    assert out["report"].passed  # graded afresh: nothing of the lost run is the learner's
    assert _verdicts(out["report"]) == _verdicts(grade(SOLUTION_5_1))
    replacement = _wait_for_server()  # the check started a new one for the next
    assert replacement.pid != state.pid


def test_a_hung_server_is_stopped_and_the_check_graded_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "PATIENCE_SECONDS", 3.0)
    state = _start()
    thread, out = _grade_in_thread(SOLUTION_5_1)
    _wait_for_a_job()
    os.kill(state.pid, signal.SIGSTOP)
    try:
        thread.join(timeout=300)
    finally:
        try:
            os.kill(state.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert "error" not in out, out
    assert out["report"].passed
    _wait_gone(state.pid, seconds=10)  # the client killed it, so that a new one can start


def test_a_stale_socket_is_replaced() -> None:
    place = server_place()
    place.socket.unlink(missing_ok=True)
    left = socket.socket(socket.AF_UNIX)
    left.bind(str(place.socket))  # a socket file that nobody listens on, as a killed server leaves it
    left.close()
    report = client.grade_served(SOLUTION_5_1, use_server=True, static=True)
    assert report.passed
    state = _wait_for_server()
    assert state.socket == str(place.socket)
    assert _served_grade(SOLUTION_5_1, static=True).passed


def _connect_as(uid: int, keep_file_access: bool) -> str:
    """In a forked child: become `uid` (keeping root's file access, to reach the 0700 folder, when asked) and
    try the server. What happened, as a word."""
    path = str(server_place().socket)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        answer = "?"
        try:
            if keep_file_access:  # the kernel's peer credentials carry the effective uid; files see the fs uid
                os.seteuid(uid)
                ctypes.CDLL(None, use_errno=True).setfsuid(0)
            else:
                os.setgid(uid)
                os.setuid(uid)
            sock = socket.socket(socket.AF_UNIX)
            sock.settimeout(10)
            try:
                sock.connect(path)
            except PermissionError:
                answer = "no-access"
            else:
                channel = protocol.Channel(sock)
                try:
                    channel.send(protocol.Status())
                    answer = type(channel.receive(10)).__name__
                except (protocol.ProtocolError, BrokenPipeError, ConnectionResetError):
                    answer = "closed"
        except BaseException as exc:  # noqa: BLE001 - told to the parent
            answer = f"error {exc!r}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        return f.read().decode()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_another_users_connection_is_refused() -> None:
    _start()
    assert _connect_as(UNUSED_UID, keep_file_access=False) == "no-access"  # the 0700 folder
    assert _connect_as(UNUSED_UID, keep_file_access=True) == "closed"  # the peer credentials
    assert _connect_as(0, keep_file_access=True) == "State"  # the same way, as the server's own user
    assert "refused a connection from uid 54321" in _log()
    assert client.status() is not None  # and it serves on


FIXTURES = [
    ("5.1", SOLUTION_5_1),
    ("5.2", SOLUTION_5_2),
    ("5.1", SUBMISSIONS / "fails_consumer_raises"),
    ("5.1", SUBMISSIONS / "fails_syntax_error"),
    ("5.1", SUBMISSIONS / "fails_task_os_exit"),
    ("5.2", SUBMISSIONS_5_2 / "fails_or_operator"),
]


def test_verdicts_are_a_fresh_processs() -> None:
    _start()
    for exercise_id, path in FIXTURES:
        served = _served_grade(path, exercise_id=exercise_id)
        fresh = grade(path, exercise_id=exercise_id)
        assert _verdicts(served) == _verdicts(fresh), path.name
        assert served.passed == (path.parent.name == "solution")


HOSTILE_FIXTURES = sorted(p for p in HOSTILE.iterdir() if p.is_dir())


@pytest.mark.skipif(TIER == jail.PROCESS, reason=f"no sandbox here: {WHY_NOT}")
@pytest.mark.parametrize("fixture", HOSTILE_FIXTURES, ids=[p.name for p in HOSTILE_FIXTURES])
def test_hostile_submissions_one_after_another_through_one_server(fixture: Path, one_server: protocol.State) -> None:
    from test_hostile import _left_running, _markers_left

    # What it may reach is the question here: that a served verdict is a fresh process's is
    # test_verdicts_are_a_fresh_processs', and each fixture's verdict test_hostile*'s.
    _served_grade(fixture, task_timeout=30)
    assert _left_running() == []
    assert _markers_left() == []
    assert client.status().pid == one_server.pid  # it reached nothing of the server's


def test_after_the_hostile_submissions_the_solution_passes_through_the_same_server(one_server: protocol.State) -> None:
    report = _served_grade(SOLUTION_5_1)
    assert report.passed and _verdicts(report) == _verdicts(grade(SOLUTION_5_1))
    assert client.status().pid == one_server.pid
