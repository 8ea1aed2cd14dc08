"""Output faults, with real pipes, closed descriptors and real environment variables: a reader that
leaves ends the command quietly with 141; a closed stdout is one line and exit 2; COLUMNS=0 is as if
unset; a terminal that cannot show the marks gets ASCII ones; TERM=dumb and NO_COLOR keep working;
Ctrl-C in watch says it stopped and exits 0."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from conftest import REPO
from exercise_cli.exits import EXIT_BROKEN_PIPE
from test_learner_loop import _ANSI, EXERCISE

PASSING = str(REPO / "tests" / "submissions" / "exercise_5_1" / "passes_classic_operators")
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "PYTHONIOENCODING")}


def _reader_gone(args: list[str]) -> subprocess.CompletedProcess:
    """Run with stdout a pipe whose reader has already left (as `| head` does once it has its lines)."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([EXERCISE, *args], stdout=write, stderr=subprocess.PIPE, text=True, timeout=300,
                              env={**BASE_ENV, "COLUMNS": "100"})
    finally:
        os.close(write)
    return proc


@pytest.fixture(scope="module")
def saved_report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.json"
    result = subprocess.run([EXERCISE, "check", PASSING, "--static", "--json"], capture_output=True, text=True, timeout=300)
    path.write_text(result.stdout)
    return path


@pytest.mark.parametrize("form", ["check", "check --json", "report", "grade"])
def test_a_reader_that_leaves_ends_the_command_quietly_with_141(form: str, tmp_path: Path, saved_report: Path) -> None:
    if form == "grade":
        (tmp_path / "class").mkdir()
        shutil.copytree(PASSING, tmp_path / "class" / "alice")
        args = ["grade", str(tmp_path / "class"), "--static", "--jobs", "1"]
    elif form == "report":
        args = ["report", str(saved_report)]
    else:
        args = [*form.split(), PASSING, "--static"]
    result = _reader_gone(args)
    assert result.returncode == EXIT_BROKEN_PIPE == 141, result.stderr
    assert result.stderr == "", result.stderr  # no "not passed", no traceback, no "Exception ignored"


def test_piped_into_head_shows_the_first_lines_and_nothing_else() -> None:
    result = subprocess.run(f"set -o pipefail; {EXERCISE} check {PASSING} --static | head -n 1", shell=True,
                            executable="/bin/bash", capture_output=True, text=True, timeout=300, env=BASE_ENV)
    assert "Exercise 5.1" in result.stdout and result.stderr == ""
    assert result.returncode in (0, EXIT_BROKEN_PIPE)  # 0 if it all fit in the pipe before head left


@pytest.mark.parametrize("json_output", [True, False])
def test_a_closed_stdout_is_one_line_and_exit_2(json_output: bool) -> None:
    args = [EXERCISE, "check", PASSING, "--static", *(["--json"] if json_output else [])]
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300,
                            env=BASE_ENV, preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: cannot write the output: standard output is closed"]


@pytest.mark.parametrize("columns", ["0", "abc", "-5", ""])
def test_a_columns_that_is_no_width_is_as_if_unset(columns: str) -> None:
    result = subprocess.run([EXERCISE, "check", PASSING, "--static"], capture_output=True, text=True, timeout=300,
                            env={**BASE_ENV, "COLUMNS": columns})
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and any(line.startswith("STATIC CHECKS PASS") for line in lines), result
    assert max(len(line) for line in lines) <= 80  # no terminal: Rich's default width


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_show_the_marks_gets_ascii_ones(encoding: str) -> None:
    result = subprocess.run([EXERCISE, "check", PASSING, "--static"], capture_output=True, timeout=300,
                            env={**BASE_ENV, "PYTHONIOENCODING": encoding, "COLUMNS": "100"})
    text = result.stdout.decode(encoding)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    assert "  + DAG files import without errors" in text and "✔" not in text
    assert text.splitlines()[0].startswith("-----")  # the rule in ASCII too


def _in_pty(args: list[str], env: dict[str, str], columns: int = 100) -> str:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([EXERCISE, *args], stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


# A colour in an SGR sequence (foreground or background); NO_COLOR keeps bold and dim, as no-color.org allows.
_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.mark.parametrize("setting", [{"TERM": "dumb"}, {"NO_COLOR": "1", "TERM": "xterm-256color"}])
def test_term_dumb_and_no_color_get_no_colour_codes(setting: dict[str, str]) -> None:
    text = _in_pty(["check", PASSING, "--static"], {**BASE_ENV, **setting})
    assert "STATIC CHECKS PASS" in text
    assert not _COLOUR.search(text), repr(text[:300])
    if setting.get("TERM") == "dumb":
        assert "\x1b" not in text  # no styles, no spinner, no cursor moves
    coloured = _in_pty(["check", PASSING, "--static"], {**BASE_ENV, "TERM": "xterm-256color"})
    assert _COLOUR.search(coloured)  # the same terminal otherwise shows colour


def _screen_until(leader: int, screen: bytearray, marker: str, deadline: float) -> str:
    """The screen (ANSI codes removed, lines joined) once `marker` is on it, wherever the width broke it."""
    while True:
        text = " ".join(_ANSI.sub("", screen.decode(errors="replace")).split())
        if marker in text or time.monotonic() > deadline:
            return text
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                return text
            if not data:
                return text
            screen.extend(data)


def test_ctrl_c_stops_watch_and_says_so(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(Path(PASSING) / "dags.py", dags / "dags.py")
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    proc = subprocess.Popen([EXERCISE, "watch", str(dags)], stdin=follower, stdout=follower, stderr=follower,
                            env={**BASE_ENV, "TERM": "xterm-256color"}, start_new_session=True)
    os.close(follower)
    screen = bytearray()
    try:
        text = _screen_until(leader, screen, "for saves; Ctrl-C to stop", time.monotonic() + 600)
        assert "for saves; Ctrl-C to stop" in text, text[-2000:]
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at the terminal does: the whole foreground group
        text = _screen_until(leader, screen, "Stopped watching.", time.monotonic() + 60)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(leader)
    tail = text[text.rindex("Ctrl-C to stop"):]
    assert "Stopped watching." in tail and "error" not in tail and "interrupted" not in tail, tail
