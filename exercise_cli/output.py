"""Where the CLI's output goes, and what it does when that place fails.

Conventions of well-made command-line tools, kept here in one place:
- a reader that goes away (`exercise check | head`) ends the command quietly with EXIT_BROKEN_PIPE
  (141, what a shell reports for git or cat stopped by SIGPIPE);
- a closed standard output (`>&-`) is said in one line on stderr at the first write, exit 2;
- COLUMNS or LINES that are not a positive number are ignored, as if unset;
- a terminal whose encoding cannot show a character gets "?" for it, never an encoding error.
"""

from __future__ import annotations

import errno
import io
import os
import sys

from exercise_cli.exits import EXIT_BROKEN_PIPE


class OutputGone(Exception):
    """The reader of our output went away (a broken pipe): nothing more can be said to anyone."""


class _ClosedOutput(io.TextIOBase):
    """Standard output that was closed when the command started: every write fails as a write to a
    closed descriptor does, so the command says so instead of printing into nothing."""

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "cannot write the output: standard output is closed")

    def isatty(self) -> bool:
        return False


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def guard_standard_streams() -> None:
    """Called once at start. A closed descriptor 0-2 gets /dev/null behind it, so no file the command
    opens later (a state file, a child's pipe) takes its number; a closed stdout then fails at the first
    write. Output that a terminal's encoding cannot show is replaced, not raised."""
    for fd in (0, 1, 2):
        if not _is_open(fd):
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd == 1:
                sys.stdout = _ClosedOutput()
            elif fd == 2:
                sys.stderr = open(os.devnull, "w")  # nothing can be said; the exit code still says it
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    clean_terminal_size()


def clean_terminal_size() -> None:
    """COLUMNS or LINES that are not a positive whole number are treated as unset."""
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        if value is not None and not (value.strip().isdigit() and int(value) > 0):
            del os.environ[name]


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, OutputGone) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


def end_quietly_after_broken_pipe() -> int:
    """Point stdout and stderr at /dev/null (Python's last flush must not fail again), and the exit code."""
    null = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        try:
            os.dup2(null, fd)
        except OSError:
            pass
    os.close(null)
    return EXIT_BROKEN_PIPE


def console(**options):
    """A Rich console whose broken pipe reaches `main` as OutputGone (Rich's own answer is a silent exit 1,
    which reads as "not passed")."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise OutputGone()

    return _Console(**options)
