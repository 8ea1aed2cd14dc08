"""The supervisor's readers of a task child's channels, fed through real socket pairs: what reaches
Airflow's generators, and what a hostile child's bytes cannot make them do."""

from __future__ import annotations

import json
import socket

import msgspec
import pytest

from exercise_cli.grading_process import bounded_readers
from exercise_cli.grading_process.bounded_readers import FRAME_LIMIT_BYTES, LINE_LIMIT_BYTES, frame_reader, line_reader


def _collector(into: list):
    while True:
        into.append((yield))


def _drain(callback, receiving: socket.socket) -> None:
    receiving.setblocking(False)
    while True:
        try:
            if not callback(receiving):
                return
        except BlockingIOError:
            return


def _lines_of(sent: bytes, **options) -> list[bytes]:
    got: list[bytes] = []
    sending, receiving = socket.socketpair()
    callback, _ = line_reader(_collector(got), lambda sock: None, **options)
    sending.setblocking(False)
    offset = 0
    while offset < len(sent):  # the reader drains what the socket's buffer cannot hold
        try:
            offset += sending.send(sent[offset:offset + 65536])
        except BlockingIOError:
            _drain(callback, receiving)
    sending.close()
    _drain(callback, receiving)
    receiving.close()
    return got


def test_whole_lines_reach_the_generator_and_the_last_one_at_the_end() -> None:
    assert _lines_of(b"one\ntwo\nthree") == [b"one\n", b"two\n", b"three"]


def test_a_line_with_no_newline_goes_on_in_pieces_of_the_limit() -> None:
    long_line = b"x" * (3 * LINE_LIMIT_BYTES + 5)
    got = _lines_of(long_line + b"\nafter\n")
    assert all(len(line) <= LINE_LIMIT_BYTES + bounded_readers._CHUNK + 1 for line in got)
    assert len(got) > 3 and got[-1] == b"after\n"
    assert b"".join(line.rstrip(b"\n") for line in got[:-1]) == long_line  # nothing lost


def test_a_json_record_over_the_limit_is_dropped_with_a_warning_in_its_place() -> None:
    record = json.dumps({"event": "kept", "level": "info"}).encode() + b"\n"
    got = _lines_of(record + b'{"event": "' + b"y" * (2 * LINE_LIMIT_BYTES) + b'"}\n' + record, json_records=True)
    assert got[0] == record and got[-1] == record and len(got) == 3
    assert json.loads(got[1])["level"] == "warning" and "dropped" in json.loads(got[1])["event"]


def _frames_of(sent: bytes) -> tuple[list, list[str], bool]:
    got: list = []
    refused: list[str] = []
    sending, receiving = socket.socketpair()
    callback, _ = frame_reader(_collector(got), lambda sock: None, refused.append)
    sending.sendall(sent)
    receiving.setblocking(False)
    going = True
    try:
        while going:
            going = callback(receiving)
    except BlockingIOError:
        pass
    sending.close()
    receiving.close()
    return got, refused, going


def _frame(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


def test_a_frame_of_airflow_reaches_the_request_handler() -> None:
    from airflow.sdk.execution_time.comms import _RequestFrame

    body = msgspec.msgpack.encode(_RequestFrame(id=7, body={"type": "GetXCom"}))
    got, refused, _ = _frames_of(_frame(body) + _frame(body))
    assert [frame.id for frame in got] == [7, 7] and refused == []


@pytest.mark.parametrize(("length", "said"), [(2_500_000_000, "a message of 2.3 GiB"),
                                              (FRAME_LIMIT_BYTES + 1, "a message of 16.0 MiB"), (0, "0 bytes")])
def test_an_oversized_or_empty_announcement_is_refused_before_any_allocation(length: int, said: str) -> None:
    got, refused, going = _frames_of(length.to_bytes(4, "big"))
    assert got == [] and not going
    assert len(refused) == 1 and said in refused[0] and "the task was stopped" in refused[0]


def test_a_frame_that_is_not_airflows_is_refused() -> None:
    got, refused, going = _frames_of(_frame(b"\xc1not msgpack"))
    assert got == [] and not going and "not Airflow's" in refused[0]


def test_sizes_read_as_people_say_them() -> None:
    assert bounded_readers._size(2_500_000_000) == "2.3 GiB" and bounded_readers._size(12) == "12 bytes"
