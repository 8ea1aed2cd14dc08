"""A user's grading server: `python -m exercise_cli.server.daemon`, started in the background by `exercise check`.

It holds one warm grading process (exercise_cli/grading/forkserver.py: Airflow imported, the
Execution API, the mappers and the scheduler's modules built) and, for each check a command hands
it, has it fork a grading child on that check's job. It runs no learner code and reads no file a
learner chose: the child grades exactly as a fresh grading process would, starting its own
sandboxed children, and the command that asked watches it as it watches a fresh one.

It serves its own user only (the kernel's peer credentials), one at a time per install (a lock
file), and stops when idle for EXERCISE_SERVER_IDLE seconds (900), when the installed package
changes, on `exercise server stop` and on SIGTERM.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from exercise_cli.install import fingerprint, version
from exercise_cli.server import protocol
from exercise_cli.server.place import Place, peer_credentials, server_place

DEFAULT_IDLE_SECONDS = 900.0
HEARTBEAT_SECONDS = 1.0
_FINGERPRINT_EVERY = 10.0  # seconds between looks at the installed files
_REQUEST_SECONDS = 5.0  # a client sends its request at once


def idle_limit() -> float:
    try:
        return max(1.0, float(os.environ.get("EXERCISE_SERVER_IDLE", DEFAULT_IDLE_SECONDS)))
    except ValueError:
        return DEFAULT_IDLE_SECONDS


class Server:
    def __init__(self, place: Place, listener: socket.socket, forks) -> None:
        self.place, self.listener, self.forks = place, listener, forks
        self.started = time.monotonic()
        self.last_active = self.started
        self.jobs = 0
        self.served = 0
        self.idle_limit = idle_limit()
        self.fingerprint = fingerprint()
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def serve(self) -> None:
        next_look = time.monotonic() + _FINGERPRINT_EVERY
        self.listener.settimeout(0.5)
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                conn = None
            if conn is not None:
                threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()
            now = time.monotonic()
            with self._lock:
                idle = self.jobs == 0 and now - self.last_active > self.idle_limit
            if idle:
                _log(f"idle for {self.idle_limit:g} s: stopping")
                break
            if now >= next_look:
                next_look = now + _FINGERPRINT_EVERY
                if fingerprint() != self.fingerprint:
                    _log("the installed package changed: stopping")
                    break

    def _serve_one(self, conn: socket.socket) -> None:
        channel = protocol.Channel(conn)
        try:
            _, uid = peer_credentials(conn)
            if uid != os.getuid():
                _log(f"refused a connection from uid {uid}")
                return
            request = channel.receive(_REQUEST_SECONDS)
            if isinstance(request, protocol.Grade):
                self._grade(channel, request)
            elif isinstance(request, protocol.Status):
                channel.send(self._state())
            elif isinstance(request, protocol.Stop):
                channel.send(protocol.Stopping(os.getpid()))
                _log("asked to stop")
                self.stopping.set()
        except (protocol.ProtocolError, OSError) as exc:
            _log(f"a connection ended: {exc}")
        finally:
            channel.close()

    def _grade(self, channel: protocol.Channel, request: protocol.Grade) -> None:
        if request.fingerprint != self.fingerprint:
            channel.send(protocol.Stale())
            _log("a client runs another version of the package: stopping")
            self.stopping.set()
            return
        env = {str(k): str(v) for k, v in request.env.items()}
        with self._lock:
            self.jobs += 1
        child = None
        try:
            child = self.forks.launch(Path(request.job), env["AIRFLOW_HOME"], env)
            with self._lock:
                self.served += 1
            channel.send(protocol.Started(child.pid))
            while True:
                code = child.wait(timeout=HEARTBEAT_SECONDS)
                if code is not None:
                    break
                if _closed(channel.sock):  # the command went away (killed): its child goes too
                    _kill_group(child.pid)
                    return
                channel.send(protocol.Alive())
            if code != 0 and not self.forks.alive():
                channel.send(protocol.Lost("the warm grading process died"))
            else:
                channel.send(protocol.Exited(code))
        except Exception as exc:  # the warm process failed to fork: the command grades afresh
            _log(f"a job failed: {exc!r}")
            if child is not None:
                _kill_group(child.pid)
            try:
                channel.send(protocol.Lost(f"the server failed: {type(exc).__name__}"))
            except OSError:
                pass
        finally:
            with self._lock:
                self.jobs -= 1
                self.last_active = time.monotonic()

    def _state(self) -> protocol.State:
        now = time.monotonic()
        with self._lock:
            idle = 0.0 if self.jobs else now - self.last_active
            jobs, served = self.jobs, self.served
        return protocol.State(pid=os.getpid(), uptime=now - self.started, idle=idle, version=version(),
                              fingerprint=self.fingerprint, socket=str(self.place.socket), jobs=jobs, served=served,
                              idle_limit=self.idle_limit)


def _closed(sock: socket.socket) -> bool:
    """Whether the client hung up (it sends nothing after its request, so readable means closed)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (BlockingIOError, TimeoutError):
        return False
    except OSError:
        return True


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _log(text: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} [{os.getpid()}] {text}", file=sys.stderr, flush=True)


def main() -> int:
    place = server_place()
    lock = open(os.open(place.lock, os.O_RDWR | os.O_CREAT, 0o600), "r+")  # noqa: SIM115 - held for the server's whole life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # this user's server for this install runs already (or is starting)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the command that started it
    _unlink(place.socket)  # a killed server's: nobody listens on it (we hold the lock)
    from exercise_cli.grading.forkserver import ForkServer

    _log(f"warming up for {place.socket}")
    forks = ForkServer()
    listener = None
    try:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            listener.bind(str(place.socket))
        finally:
            os.umask(old_umask)
        ours = os.stat(place.socket).st_ino
        listener.listen(16)
        _log("ready")
        Server(place, listener, forks).serve()
    finally:
        if listener is not None:
            listener.close()
            try:
                if os.stat(place.socket).st_ino == ours:
                    os.unlink(place.socket)
            except (OSError, UnboundLocalError):
                pass
        forks.close()
        _log("stopped")
    return 0


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    sys.exit(main())
