"""The learner's commands in a real pseudo-terminal at 80 and 100 columns: what reaches the screen,
byte for byte (ANSI codes removed), with the terminal's own size and no COLUMNS."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from conftest import REPO, submission
from test_learner_loop import _ANSI, _COLUMN_0, EXERCISE, in_terminal

SOLUTION_FILE = REPO / "solution" / "exercise_5_1" / "exercise_5_1_producer_consumer.py"


@pytest.mark.parametrize("columns", [80, 100])
def test_init_steps_wrap_under_their_column(tmp_path: Path, columns: int) -> None:
    dags = tmp_path / ("a-rather-long-folder-name-for-the-dags-of-this-course" if columns == 80 else "dags")
    lines = [line for line in in_terminal(["init", str(dags)], columns) if line.strip()]
    steps = lines[lines.index("Next steps:") + 1:]
    assert [line.split(":")[0].strip() for line in steps if line.startswith("  ") and line.strip()[:2] in
            ("1.", "2.", "4.", "5.", "6.")] == ["1. Go to the exercise's folder", "2. Read the exercise",
                                                "4. Check your work", "5. Stuck? Reveal a hint", "6. See the pattern work"]
    first = next(i for i, line in enumerate(steps) if line.startswith("  1. Go to the exercise's folder"))
    column = steps[first].rstrip().index(" cd") + 1  # where the command starts
    assert any(line.split() == ["3.", "Complete", "the", "TODOs", "in", "exercise_5_1_producer_consumer_starter.py"]
               for line in steps), steps  # named from inside the folder, where step 1 took the learner
    for line in lines:
        assert len(line) <= columns, line
        assert line.startswith(("Exercise 5.1: ", "Wrote", "Next steps:", " ")), f"wrapped to column 0: {line!r}"
    if columns == 80:  # the long path continues under itself
        assert steps[first + 1].startswith(" " * column) and not steps[first + 1].startswith("  2."), steps


@pytest.mark.parametrize("columns", [80, 100])
def test_check_of_a_todo_step_names_the_next_step_within_the_width(columns: int) -> None:
    lines = [line for line in in_terminal(["check", submission("fails_todo2_producer_without_task"), "--static"], columns)
             if line.strip()]
    for line in lines:
        assert len(line) <= columns, line
        if not line.startswith(" "):
            assert line.startswith(_COLUMN_0), f"a message wrapped to column 0 at {columns} columns: {line!r}"
    text = " ".join(line.strip() for line in lines)
    assert "exercise_5_1_producer has no tasks yet: TODO 3 (line 28) adds the task with outlets" in text
    assert "exercise_5_1_producer starts on 2024-01-01" in text
    assert any(line.startswith("NOT YET") for line in lines)


@pytest.mark.parametrize("columns", [80, 100])
def test_solution_prints_each_line_of_code_whole(tmp_path: Path, columns: int) -> None:
    """Highlighted on a terminal, yet every line of code reaches it as one line: nothing wrapped by us, nothing cut."""
    lines = in_terminal(["solution", "--force", "--dags", str(tmp_path)], columns)
    code = SOLUTION_FILE.read_text().splitlines()
    assert max(len(line) for line in code) > columns  # some lines are wider than the screen
    shown = list(lines)
    position = 0
    for expected in code:
        position = shown.index(expected.rstrip(), position) + 1  # in order, whole
    assert not any(line.startswith(("│", "╭")) for line in shown)  # no panel that would cut lines


def _screen(columns: int) -> tuple[int, int]:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    return leader, follower


def _read_until(leader: int, buffer: bytearray, marker: str, deadline: float) -> str:
    """The screen so far once `marker` is on it (wherever the terminal's width broke its lines)."""
    while time.monotonic() < deadline:
        text = _ANSI.sub("", buffer.decode("utf-8", errors="replace")).replace("\r\n", "\n")
        if marker in " ".join(text.split()):
            return text
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                data = b""
            if not data:
                break
            buffer.extend(data)
    text = _ANSI.sub("", buffer.decode("utf-8", errors="replace")).replace("\r\n", "\n")
    assert marker in " ".join(text.split()), text[-3000:]
    return text


def _start(args: list[str], columns: int) -> tuple[subprocess.Popen, int]:
    leader, follower = _screen(columns)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([EXERCISE, *args], stdin=follower, stdout=follower, stderr=follower, env=env,
                            close_fds=True, start_new_session=True)
    os.close(follower)
    return proc, leader


def test_run_demo_on_a_consumer_that_cannot_be_triggered_says_why_at_once() -> None:
    started = time.monotonic()
    lines = [line for line in in_terminal(["run-demo", "--dags", submission("fails_uri_mismatch")], 100) if line.strip()]
    text = " ".join(line.strip() for line in lines)
    assert time.monotonic() - started < 60  # not the 120 s of waiting for a run that cannot come
    assert "dags.py:34: exercise_5_1_consumer is scheduled on 's3://data-lake/processed-data'" in text  # check's words
    assert "so run-demo stops here instead of waiting 120 s" in text and "--keep" in text
    assert "Airflow is healthy" not in text  # nothing was started
    for line in lines:
        if "\u2800" <= line[0] <= "\u28ff":  # a spinner's frame: the status line, replaced as it goes
            continue
        assert len(line) <= 100 and (line.startswith((" ", "exercise run-demo")) or re.match(r"^\s*\d+\.\ds", line)), line


def test_run_demo_keeps_airflow_up_after_a_failure_and_its_curl_calls_work() -> None:
    """One real run at 100 columns: the failing consumer's own log (not the producer's), Airflow kept up, the
    printed token and curl commands answered by that Airflow, then Ctrl-C stops everything."""
    proc, leader = _start(["run-demo", "--dags", submission("fails_consumer_raises"), "--keep", "--wait", "120"], 100)
    buffer = bytearray()
    try:
        text = _read_until(leader, buffer, "run run-demo again after a change.", time.monotonic() + 600)
        assert re.search(r"Waiting \d+ s of 120 s for the run of exercise_5_1_producer to finish", text)
        flat = " ".join(text.split())
        # the consumer's step, failed, at the line of the learner's file (not Airflow's copy of it)
        assert re.search(r"✘ exercise_5_1_consumer run asset_triggered__\S+ failed: task consume_data ended failed at "
                         r"\S*fails_consumer_raises/dags\.py:43: ValueError: downstream table is locked", flat), flat
        panel = re.sub(r"[│\s]+", " ", text[text.index("exercise_5_1_consumer task log"):])  # as one line
        assert "Data is available for processing!" in panel
        assert "exercise_5_1_producer task log" not in text
        assert "edits to your files have no effect on it" in flat and "Airflow stays up until Ctrl-C" in flat
        commands = [line for line in text.splitlines() if line.startswith(("TOKEN=$(curl", 'curl -s -H "Authorization'))]
        assert len(commands) == 2 and "/auth/token" in commands[0]
        answer = subprocess.run(["bash", "-c", "\n".join(commands)], capture_output=True, text=True, timeout=60)
        assert '"dag_id":"exercise_5_1_consumer"' in answer.stdout and '"state":"failed"' in answer.stdout, answer
        os.killpg(proc.pid, signal.SIGINT)
        text = _read_until(leader, buffer, "removed the home", time.monotonic() + 120)
        assert re.search(r"port \d+ is free", text)
        assert proc.wait(timeout=60) == 1
    finally:
        if proc.poll() is None:  # Ctrl-C first: run-demo stops the Airflow it started (in sessions of their own)
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        os.close(leader)
