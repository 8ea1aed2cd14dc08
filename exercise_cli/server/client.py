"""The command's side of the grading server: hand a check to it, or grade afresh.

`grade_served` grades as exercise_cli.grading.grader.grade does. With a server running it
launches the grading child through the server (a fork of a warm process) instead of a new Python;
the command watches that child through the same files and bounds it the same way. Anything going
wrong on the server's side (none running, a stale socket, another version, a death, a hang)
is the grader's, never the learner's: that check is graded again in a fresh process, and a new
server is started in the background once it is done, so that the next check finds one.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.install import fingerprint
from exercise_cli.server import protocol
from exercise_cli.server.place import Place, peer_credentials, server_place

# Seconds without a word from the server (it sends one every second) before it counts as hung.
PATIENCE_SECONDS = 10.0
_TAIL = 32 * 1024
_OFF = {"", "0", "false", "no"}


class ServerLost(Exception):
    """The server could not see a check through; the check is graded afresh."""


def server_allowed(no_server: bool = False, isolation: str = "auto") -> bool:
    """Whether this command may use (and start) a server: not when turned off, not for an
    autograder's one-shot run (--require-sandbox, CI)."""
    if no_server or isolation == "sandbox":
        return False
    if os.environ.get("EXERCISE_NO_SERVER", "").strip().lower() not in _OFF:
        return False
    return os.environ.get("CI", "").strip().lower() in _OFF


def grade_served(path, *, use_server: bool = True, **kwargs):
    """grader.grade(path, **kwargs), through this user's server where allowed."""
    from exercise_cli.grading.grader import grade

    if not use_server:
        return grade(path, **kwargs)
    try:
        place = server_place()
    except EnvironmentProblem:
        return grade(path, **kwargs)
    launcher = RemoteLauncher(place)
    if kwargs.get("on_static") is not None:
        kwargs["on_static"] = _once(kwargs["on_static"])  # a check graded again tells its static verdicts once
    try:
        return grade(path, launcher=launcher, **kwargs)
    except ServerLost:
        pass
    report = grade(path, **kwargs)
    start_in_background(place)
    return report


def _once(tell):
    told = []

    def tell_once(report) -> None:
        if not told:
            told.append(True)
            tell(report)

    return tell_once


class RemoteLauncher:
    def __init__(self, place: Place) -> None:
        self.place = place

    def __call__(self, job_path: Path, home: str, env: dict[str, str]) -> RemoteChild:
        channel = _connect(self.place)
        try:
            channel.send(protocol.Grade(job=str(job_path), env=env, fingerprint=fingerprint()))
            reply = channel.receive(PATIENCE_SECONDS)
        except (protocol.ProtocolError, OSError) as exc:
            channel.close()
            raise ServerLost(str(exc)) from None
        if not isinstance(reply, protocol.Started):
            if reply is None:
                _stop_hung(channel)
            channel.close()
            raise ServerLost(f"the server answered {type(reply).__name__}")
        return RemoteChild(channel, reply.pid, home)


class RemoteChild:
    """A grading child the server forked: what run_worker needs of a child (poll, wait, tails, pid)."""

    def __init__(self, channel: protocol.Channel, pid: int, home: str) -> None:
        self.channel, self.pid, self.home = channel, pid, Path(home)
        self.code: int | None = None
        self.lost = ""
        self._heard = time.monotonic()
        self._done = threading.Event()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        try:
            while True:
                message = self.channel.receive(PATIENCE_SECONDS)
                if message is None:
                    self.lost = "the server stopped answering"
                    _stop_hung(self.channel)
                    break
                self._heard = time.monotonic()
                if isinstance(message, protocol.Exited):
                    self.code = message.code
                    break
                if isinstance(message, protocol.Lost):
                    self.lost = message.reason
                    break
        except (protocol.ProtocolError, OSError) as exc:
            self.lost = f"the server went away ({exc})"
        finally:
            self.channel.close()
            self._done.set()

    def poll(self) -> int | None:
        if self.code is not None:
            return self.code
        if self.lost:
            raise ServerLost(self.lost)  # run_worker kills the child's group and the check runs afresh
        return None

    def wait(self, timeout: float | None = None) -> int | None:
        self._done.wait(timeout)
        if self.code is not None:
            return self.code
        return -signal.SIGKILL if self.lost else None

    def tails(self) -> tuple[str, str]:
        return _tail(self.home / "worker.out"), _tail(self.home / "worker.err")


def _connect(place: Place) -> protocol.Channel:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(PATIENCE_SECONDS)
        sock.connect(str(place.socket))
        _, uid = peer_credentials(sock)
        if uid != os.getuid():
            raise ServerLost(f"the socket {place.socket} is served by uid {uid}")
    except OSError as exc:  # none listens (a stale socket), none there
        sock.close()
        raise ServerLost(f"no server: {exc.strerror or exc}") from None
    except ServerLost:
        sock.close()
        raise
    return protocol.Channel(sock)


def _stop_hung(channel: protocol.Channel) -> None:
    """A server that stops answering is killed, so that a new one can take its place."""
    try:
        pid, uid = peer_credentials(channel.sock)
    except OSError:
        return
    if pid > 0 and uid == os.getuid() and pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_in_background(place: Place | None = None) -> bool:
    """Start this user's server unless one runs or is starting (it holds the lock); True if started."""
    try:
        place = place or server_place()
        with open(os.open(place.lock, os.O_RDWR | os.O_CREAT, 0o600), "r+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(lock, fcntl.LOCK_UN)
        log = os.open(place.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except (OSError, EnvironmentProblem):
        return False
    try:
        subprocess.Popen([sys.executable, "-m", "exercise_cli.server.daemon"], cwd=place.folder, env=_server_env(),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True, close_fds=True)
    except OSError:
        return False
    finally:
        os.close(log)
    return True


def _server_env() -> dict[str, str]:
    """The server outlives this command: it keeps what a grading process may have of the user's environment
    (exercise_cli.sandbox.environment) and the grader's own settings, never the rest (tokens, a CI's secrets)."""
    from exercise_cli.sandbox.environment import for_grading_process

    own = {k: v for k, v in os.environ.items() if k.startswith(("EXERCISE_", "XDG_"))}
    return {**for_grading_process(os.environ), **own}


def ask(request: object, place: Place | None = None) -> object | None:
    """The server's answer to a status or stop request; None when no server runs."""
    try:
        channel = _connect(place or server_place())
    except ServerLost:
        return None
    try:
        channel.send(request)
        return channel.receive(PATIENCE_SECONDS)
    except (protocol.ProtocolError, OSError):
        return None
    finally:
        channel.close()


def stop(place: Place | None = None, wait: float = 10.0) -> int | None:
    """Stop the server; its pid, or None if none ran. Waits for it to be gone."""
    answer = ask(protocol.Stop(), place)
    if not isinstance(answer, protocol.Stopping):
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _alive(answer.pid):
        time.sleep(0.05)
    return answer.pid


def status(place: Place | None = None) -> protocol.State | None:
    answer = ask(protocol.Status(), place)
    return answer if isinstance(answer, protocol.State) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (its parent has not reaped it yet) is gone for our purposes
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - _TAIL))
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
