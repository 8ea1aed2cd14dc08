"""Readers for what a task child sends its supervisor, bounded in this (trusted) process.

Airflow's own readers trust the child: its frame reader allocates whatever length a 4-byte header
announces (2.5 GiB measured), and its line reader keeps a line with no newline whole and scans it
again on every read (about 30 s of CPU measured). These readers feed the same Airflow generators
(the request handler, the log forwarders) with the same frames and lines, within fixed bounds:

- a frame over FRAME_LIMIT_BYTES (or an empty one, which Airflow's reader never leaves) ends the
  task: `on_bad_frame` says why;
- a line over LINE_LIMIT_BYTES goes on in pieces of that size (stdout, stderr), or is dropped with
  a warning in its place (the JSON log channel, where a piece would be no record);

so each byte is scanned once and each channel holds at most one line's limit.
"""

from __future__ import annotations

import json
import socket
from typing import Any, Callable, Generator

FRAME_LIMIT_BYTES = 16 * 1024 * 1024  # a request frame: far above any message of a real task (XComs included)
LINE_LIMIT_BYTES = 1024 * 1024  # a line of output or of the JSON log
_CHUNK = 64 * 1024

Reader = tuple[Callable[[socket.socket], bool], Callable[[socket.socket], None]]


def line_reader(gen: Generator[None, bytes, None], on_close: Callable[[socket.socket], None], *, data: bytes = b"",
                json_records: bool = False) -> Reader:
    """A selector callback that sends `gen` each line (newline included) read from its socket."""
    next(gen)
    pending = bytearray()
    dropping = False  # inside a JSON record too long to keep: skipped up to its newline

    def send(line: bytes) -> None:
        gen.send(line)

    def feed(chunk: bytes) -> None:
        nonlocal dropping
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if dropping:
                dropping = False
            else:
                send(bytes(pending) + chunk[start:end + 1])
            pending.clear()
            start = end + 1
        if dropping:
            return
        pending.extend(chunk[start:])
        if len(pending) <= LINE_LIMIT_BYTES:
            return
        if json_records:
            send(_dropped_record())
            pending.clear()
            dropping = True
            return
        while len(pending) > LINE_LIMIT_BYTES:
            send(bytes(pending[:LINE_LIMIT_BYTES]) + b"\n")
            del pending[:LINE_LIMIT_BYTES]

    def callback(sock: socket.socket) -> bool:
        try:
            chunk = sock.recv(_CHUNK)
            if not chunk:
                if pending and not dropping:
                    send(bytes(pending))
                return False
            feed(chunk)
        except StopIteration:
            return False
        return True

    try:
        if data:
            feed(data)
    except StopIteration:
        pass
    return callback, on_close


def _dropped_record() -> bytes:
    return json.dumps({"event": f"a log record over {LINE_LIMIT_BYTES // 1024} KiB was dropped", "level": "warning",
                       "logger": "supervisor"}).encode() + b"\n"


def frame_reader(gen: Generator[None, Any, None], on_close: Callable[[socket.socket], None],
                 on_bad_frame: Callable[[str], None]) -> Reader:
    """A selector callback that decodes each length-prefixed msgpack frame and sends it to `gen`."""
    import msgspec
    from airflow.sdk.execution_time.comms import _RequestFrame

    decoder = msgspec.msgpack.Decoder(_RequestFrame)
    next(gen)
    header = bytearray()
    body: memoryview | None = None
    got = 0

    def callback(sock: socket.socket) -> bool:
        nonlocal body, got
        if body is None:
            chunk = sock.recv(4 - len(header))
            if not chunk:
                return False
            header.extend(chunk)
            if len(header) < 4:
                return True
            length = int.from_bytes(header, "big")
            header.clear()
            if not 0 < length <= FRAME_LIMIT_BYTES:
                on_bad_frame(f"the task sent its supervisor a message of {_size(length)}, over the "
                             f"{_size(FRAME_LIMIT_BYTES)} a message may hold; the task was stopped")
                return False
            body, got = memoryview(bytearray(length)), 0
        received = sock.recv_into(body[got:])
        if not received:
            return False
        got += received
        if got < len(body):
            return True
        frame, body = body, None
        try:
            request = decoder.decode(frame)
        except (msgspec.DecodeError, msgspec.ValidationError):
            on_bad_frame("the task sent its supervisor a message that is not Airflow's; the task was stopped")
            return False
        try:
            gen.send(request)
        except StopIteration:
            return False
        return True

    return callback, on_close


def _size(length: int) -> str:
    if length >= 1024**3:
        return f"{length / 1024**3:.1f} GiB"
    if length >= 1024**2:
        return f"{length / 1024**2:.1f} MiB"
    return f"{length} bytes"
