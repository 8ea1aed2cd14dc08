"""What an `exercise` command and its user's grading server say to each other over the socket.

One JSON object a line, each with a `type` naming one of the messages below, encoded and decoded by
the typed messages every channel uses (exercise_cli/messages.py); `decode` is the one place a line
becomes a message, and it refuses a line that is too long, not JSON, of an unknown type, or whose
fields are unknown, missing or of the wrong kind. Nothing here is learner text: the job's
files hold that, and both sides read them as before.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from exercise_cli import messages

MAX_LINE = 256 * 1024  # a job's environment is a few KiB; anything longer is not ours


class ProtocolError(Exception):
    """The other side sent something that is not a message, or went away."""


@dataclass(frozen=True)
class Grade(messages.Message):
    """Client: fork a grading child for the job file at `job` with this environment."""
    type = "grade"

    job: str
    env: dict
    fingerprint: str


@dataclass(frozen=True)
class Status(messages.Message):
    """Client: what runs?"""
    type = "status"


@dataclass(frozen=True)
class Stop(messages.Message):
    """Client: stop now."""
    type = "stop"


@dataclass(frozen=True)
class Started(messages.Message):
    type = "started"
    pid: int


@dataclass(frozen=True)
class Alive(messages.Message):
    """The server's heartbeat while a child it forked runs."""
    type = "alive"


@dataclass(frozen=True)
class Exited(messages.Message):
    type = "exited"
    code: int


@dataclass(frozen=True)
class Lost(messages.Message):
    """The server could not see the job through (its warm process died): the check runs afresh."""
    type = "lost"

    reason: str


@dataclass(frozen=True)
class Stale(messages.Message):
    """The installed package changed since the server started: it stops, the check runs afresh."""
    type = "stale"


@dataclass(frozen=True)
class State(messages.Message):
    type = "state"
    pid: int
    uptime: float
    idle: float
    version: str
    fingerprint: str
    socket: str
    jobs: int  # grading now
    served: int  # since it started
    idle_limit: float


@dataclass(frozen=True)
class Stopping(messages.Message):
    type = "stopping"
    pid: int


_decode = messages.decoder(Grade, Status, Stop, Started, Alive, Exited, Lost, Stale, State, Stopping, limit=MAX_LINE)


def encode(message: messages.Message) -> bytes:
    return (messages.encode(message) + "\n").encode()


def decode(line: bytes) -> messages.Message:
    try:
        return _decode(line)
    except ValueError as exc:  # JSON's own errors are ValueErrors too
        raise ProtocolError(str(exc)[:200]) from None


class Channel:
    """One connection: whole messages out, bounded reads in."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    def send(self, message: object) -> None:
        self.sock.sendall(encode(message))

    def receive(self, timeout: float | None) -> object | None:
        """The next message; None when none came within `timeout`. ProtocolError when the other side closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_LINE:
                raise ProtocolError("message too long")
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                return None
            except OSError as exc:
                raise ProtocolError(f"connection failed: {exc}") from None
            if not chunk:
                raise ProtocolError("connection closed")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return decode(line)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
