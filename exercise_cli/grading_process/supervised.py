"""Run one task instance the way an Airflow worker does: Airflow's task supervisor, in this
(trusted) process, forks the task child; the child enters the sandbox, then runs Airflow's task
runner, which parses the DAG file itself and talks to the supervisor over its socket only.

The supervisor answers the child through the in-process Execution API and writes the task's
log (JSON lines) where the trusted side reads it. A watchdog thread bounds each task's time and
output: past either, the task child is killed, which takes its whole sandbox with it. What the
supervisor reads from its child goes through bounded readers (bounded_readers.py): a message too
large for them ends the task too, and the task's log says why.
"""

from __future__ import annotations

import json
import os
import select
import selectors
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise_cli.exits import ended
from exercise_cli.sandbox import environment
from exercise_cli.sandbox import jail as jails

OUTPUT_LIMIT_BYTES = 64 * 1024 * 1024  # what one task's log may hold
_READ_LIMIT = 4 * 1024 * 1024  # how much of a task's log the checks read (its end)


@dataclass
class Supervised:
    exit_code: int | None
    stopped_because: str  # "", "timeout", "output", "message" (a message to the supervisor it refused)
    log_lines: list[dict]  # the task log's records, as Airflow wrote them
    started: float
    ended: float


def run_supervised(ti: Any, client: Any, jail: jails.Jail | None, log_path: Path, timeout: float) -> Supervised:
    from airflow.executors.workloads import ExecuteTask
    from airflow.sdk.execution_time.supervisor import _configure_logging, _subprocess_main

    workload = ExecuteTask.make(ti)
    logger, log_file = _configure_logging(str(log_path), client)
    inherited = jails.open_fds()
    entry = jails.EntryPipe()

    def target() -> None:
        # In the forked child, after Airflow connected its stdio and log channel to the supervisor.
        environment.scrub_for_child()
        if jail is not None:
            jails.enter(jail, keep_fds=set(), inherited=inherited)
        entry.entered_here()
        environment.forget_the_grader()
        _subprocess_main()

    started = time.time()
    proc = _bounded_supervisor().start(
        what=workload.ti,
        dag_rel_path=workload.dag_rel_path,
        bundle_info=workload.bundle_info,
        client=client,
        target=target,
        logger=logger,
    )
    entry.close_child_end()
    watchdog = _Watchdog(proc, log_path, timeout)
    watchdog.start()
    try:
        exit_code = proc.wait()
    finally:
        watchdog.stop()
        log_file.close()
        if jail is not None:
            jails.reap(jail.uid)
            jails.clear_after_child(jail)
    records = read_log(log_path)
    refused = getattr(proc, "refused_message", "")
    if refused:  # the grader's own words, last in the log: the task's failure as the checks read it
        records.append({"event": refused, "error_detail": refused, "logger": "supervisor", "level": "error"})
    if not entry.child_entered() and not watchdog.fired and not refused:
        raise jails.SandboxFailed(f"a task child could not enter the {jail.tier if jail else ''} sandbox "
                                  f"(it {ended(exit_code)}): {_last_error(records)}")
    return Supervised(exit_code, watchdog.fired or ("message" if refused else ""), records, started, time.time())


def _bounded_supervisor() -> type:
    """Airflow's ActivitySubprocess, reading its child's four channels through bounded readers
    (the same Airflow generators handle what they read)."""
    global _BOUNDED
    if _BOUNDED is not None:
        return _BOUNDED
    import logging

    import structlog
    from airflow.sdk._shared.logging.structlog import reconfigure_logger
    from airflow.sdk.execution_time import supervisor

    from exercise_cli.grading_process.bounded_readers import frame_reader, line_reader

    class BoundedActivitySubprocess(supervisor.ActivitySubprocess):
        refused_message = ""

        def _register_pipe_readers(self, stdout, stderr, requests, logs, *, data) -> None:
            self._open_sockets.update(((stdout, "stdout"), (stderr, "stderr"), (logs, "logs"), (requests, "requests")))
            loggers = self._get_target_loggers()
            with_callsite = tuple(reconfigure_logger(one, structlog.processors.CallsiteParameterAdder) for one in loggers)
            for sock, name, level in ((stdout, "task.stdout", logging.INFO), (stderr, "task.stderr", logging.ERROR)):
                forward = supervisor.forward_to_log(with_callsite, logger=name, level=level)
                self.selector.register(sock, selectors.EVENT_READ,
                                       line_reader(forward, self._on_socket_closed, data=data.get(sock, b"")))
            self.selector.register(logs, selectors.EVENT_READ, line_reader(
                supervisor.process_log_messages_from_subprocess(loggers), self._on_socket_closed, json_records=True))
            self.selector.register(requests, selectors.EVENT_READ, frame_reader(
                self.handle_requests(supervisor.log), self._on_socket_closed, self._refuse))

        def _refuse(self, why: str) -> None:
            self.refused_message = why
            try:  # the group's leader is the sandbox's relay: its death ends the whole sandbox
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    _BOUNDED = BoundedActivitySubprocess
    return _BOUNDED


_BOUNDED: type | None = None


def _last_error(records: list[dict]) -> str:
    for record in reversed(records):
        text = str(record.get("event") or record.get("error_detail") or "")
        if text:
            return text.splitlines()[-1][:300]
    return "no log"


class _Watchdog(threading.Thread):
    """Bounds the task child's time and log; and wakes the supervisor as soon as the child exits.

    Airflow's supervisor notices an exit when its sockets close or, if the child is still
    exiting by then, at its next heartbeat interval (5 s): under load that race costs seconds.
    Here the child's exit (a pidfd turning readable, where Linux has them; else a peek every
    50 ms with waitid WNOWAIT: the child stays for the supervisor to reap) pokes a socket
    registered on the supervisor's selector, which then checks the exit at once.
    """

    def __init__(self, proc: Any, log_path: Path, timeout: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.log_path, self.timeout = proc.pid, log_path, timeout
        self.fired = ""
        self._done = threading.Event()
        self._poke, wake = socket.socketpair()
        self._stop_read, self._stop_write = os.pipe()
        self._exit_or_stop = select.poll()
        self._exit_or_stop.register(self._stop_read, select.POLLIN)
        try:
            self._pidfd: int | None = os.pidfd_open(self.pid)
            self._exit_or_stop.register(self._pidfd, select.POLLIN)
        except (AttributeError, OSError):  # macOS, an old kernel, or the child already reaped
            self._pidfd = None

        def on_wake(sock: socket.socket) -> None:
            proc.selector.unregister(sock)

        proc.selector.register(wake, selectors.EVENT_READ, (lambda sock: False, on_wake))

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            self._exit_or_stop.poll(50)  # ms: until the child exits, stop() is called, or the next look
            if self._done.is_set():
                return
            if _exited(self.pid):
                self._poke.send(b"x")
                return
            if time.monotonic() > deadline:
                self.fired = "timeout"
            elif _size(self.log_path) > OUTPUT_LIMIT_BYTES:
                self.fired = "output"
            if self.fired:
                try:  # the group's leader is the sandbox's relay: its death ends the whole sandbox
                    os.killpg(self.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                return

    def stop(self) -> None:
        self._done.set()
        os.write(self._stop_write, b"x")
        self.join(timeout=2)
        self._poke.close()
        for fd in (self._stop_read, self._stop_write, self._pidfd):
            if fd is not None:
                os.close(fd)


def _exited(pid: int) -> bool:
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def read_log(path: Path) -> list[dict]:
    """The task log's JSON records (its last few MiB: a task may print gigabytes).

    A line that is not UTF-8 is kept (its stray bytes as surrogate escapes): its texts are cleaned
    where they are read (task_logs), which shows such a byte as `\\xe9`.
    """
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - _READ_LIMIT))
            data = f.read()
    except FileNotFoundError:
        return []
    records = []
    for raw in data.splitlines():
        try:
            record = json.loads(raw.decode("utf-8", errors="surrogateescape"))
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
