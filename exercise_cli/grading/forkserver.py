"""The CLI's side of the warm grading process (see exercise_cli/grading_process/server.py).

`exercise watch` and `exercise grade` start one ForkServer and pass its `launch` to the grader:
each submission then runs in a child forked from a process that has already imported Airflow
and built its Execution API, instead of a fresh Python that pays for both.
"""

from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.exits import ended
from exercise_cli.grading.process import GRADER_LOST, GraderLost, airflow_env, install_local_settings, make_throwaway, signal_group
from exercise_cli.grading.template_db import copy_template_into

_TAIL = 32 * 1024


class ForkedChild:
    def __init__(self, server: ForkServer, pid: int, home: str) -> None:
        self.server, self.pid, self.home = server, pid, Path(home)
        self.parent = server.proc  # the server that forked it (a restarted server is another)

    def poll(self) -> int | None:
        code = self.server.exit_codes.get(self.pid)
        if code is None and self.parent.poll() is not None:
            # The server is gone (killed, crashed), so no exit will ever be reported for this child: its
            # death is noticed now, not at --timeout, and the caller kills what is left of its group.
            return GRADER_LOST
        return code

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.server.exited:
            while self.pid not in self.server.exit_codes:
                if self.parent.poll() is not None:
                    return GRADER_LOST  # the server died: its children went with their sessions' kill
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self.server.exited.wait(timeout=0.1 if remaining is None else min(0.1, remaining))
        return self.server.exit_codes[self.pid]

    def tails(self) -> tuple[str, str]:
        return _tail(self.home / "worker.out"), _tail(self.home / "worker.err")


class ForkServer:
    def __init__(self) -> None:
        self.exit_codes: dict[int, int] = {}
        self.exited = threading.Condition()
        self._launch_lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self.home = make_throwaway("exercise-forkserver-")
        try:
            self._spawn()
        except BaseException:  # interrupted or failed while it starts: stop it, remove its folder
            self.close()
            raise
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _spawn(self) -> None:
        self.proc = None
        install_local_settings(self.home)
        (self.home / "dags").mkdir()
        copy_template_into(self.home)  # the warm process's rehearsal grades on it (grading_process/rehearsal.py)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exercise_cli.grading_process.server"],
            cwd=self.home,
            env=airflow_env(self.home, self.home / "dags"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(self.home / "server.err", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        self._started: queue.Queue[int] = queue.Queue()
        ready = self.proc.stdout.readline()
        if b'"ready"' not in ready:
            error = (self.home / "server.err").read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise EnvironmentProblem(f"the warm grading process did not start: {error[0]}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _read(self) -> None:
        for raw in self.proc.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if "started" in message:
                self._started.put(message["started"])
            elif "exit" in message:
                with self.exited:
                    self.exit_codes[message["exit"]] = message["code"]
                    self.exited.notify_all()
        with self.exited:
            self.exited.notify_all()

    def launch(self, job_path: Path, home: str, env: dict[str, str]) -> ForkedChild:
        with self._launch_lock:
            if not self.alive():  # it died (killed from outside, crashed): the next submissions get a new one
                self.close()
                self._start()
            try:
                self.proc.stdin.write((json.dumps({"job": str(job_path), "env": env}) + "\n").encode())
                self.proc.stdin.flush()
                pid = self._started_pid()
            except (OSError, queue.Empty):
                raise GraderLost(f"the warm grading process {ended(self.proc.poll())} while starting a check") from None
        return ForkedChild(self, pid, home)

    def _started_pid(self) -> int:
        """The forked child's pid, as soon as the server says it; queue.Empty once the server is gone."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                return self._started.get(timeout=0.1)
            except queue.Empty:
                if not self.alive():
                    break
        raise queue.Empty

    def close(self) -> None:
        if self.proc is not None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
            except OSError:
                pass
            signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - _TAIL))
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
