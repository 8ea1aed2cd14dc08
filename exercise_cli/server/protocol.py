"""What an `exercise` command and its user's grading server say to each other over the socket.

One JSON object a line, each with a `type` naming one of the messages below; `decode` is the one
place a line becomes a message, and it refuses a line that is too long, not JSON, of an unknown
type, or whose fields are missing or of the wrong kind. Nothing here is learner text: the job's
files hold that, and both sides read them as before.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import asdict, dataclass, fields

MAX_LINE = 256 * 1024  # a job's environment is a few KiB; anything longer is not ours


class ProtocolError(Exception):
    """The other side sent something that is not a message, or went away."""


@dataclass
class Grade:
    """Client: fork a grading child for the job file at `job` with this environment."""

    job: str
    env: dict
    fingerprint: str


@dataclass
class Status:
    """Client: what runs?"""


@dataclass
class Stop:
    """Client: stop now."""


@dataclass
class Started:
    pid: int


@dataclass
class Alive:
    """The server's heartbeat while a child it forked runs."""


@dataclass
class Exited:
    code: int


@dataclass
class Lost:
    """The server could not see the job through (its warm process died): the check runs afresh."""

    reason: str


@dataclass
class Stale:
    """The installed package changed since the server started: it stops, the check runs afresh."""


@dataclass
class State:
    pid: int
    uptime: float
    idle: float
    version: str
    fingerprint: str
    socket: str
    jobs: int  # grading now
    served: int  # since it started
    idle_limit: float


@dataclass
class Stopping:
    pid: int


MESSAGES = {cls.__name__.lower(): cls for cls in (Grade, Status, Stop, Started, Alive, Exited, Lost, Stale, State, Stopping)}
_KINDS = {"str": str, "int": int, "float": (int, float), "dict": dict}


def encode(message: object) -> bytes:
    return (json.dumps({"type": type(message).__name__.lower(), **asdict(message)}) + "\n").encode()


def decode(line: bytes) -> object:
    if len(line) > MAX_LINE:
        raise ProtocolError("message too long")
    try:
        data = json.loads(line)
    except ValueError:
        raise ProtocolError("not JSON") from None
    if not isinstance(data, dict) or data.get("type") not in MESSAGES:
        raise ProtocolError(f"unknown message type {str(data.get('type') if isinstance(data, dict) else None)[:40]!r}")
    cls = MESSAGES[data.pop("type")]
    values = {}
    for spec in fields(cls):
        value = data.get(spec.name)
        kind = _KINDS[str(spec.type)]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ProtocolError(f"{cls.__name__}.{spec.name} is missing or not a {spec.type}")
        values[spec.name] = value
    return cls(**values)


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
