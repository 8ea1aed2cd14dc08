"""Errors the CLI turns into a one-line message and exit code 2 (usage or environment)."""

from __future__ import annotations

import signal


class UsageError(Exception):
    """The command was given something it cannot work with (a missing path, an empty folder)."""


class EnvironmentProblem(Exception):
    """The machine cannot grade: Airflow missing, the metadata DB template cannot be built."""


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: the command stops the way Ctrl-C stops it (every `except
    KeyboardInterrupt` cleans up for all three), and exits 128 + the signal's number."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def describe_os_error(exc: OSError) -> str:
    """One line for a fault of the machine (a full disk, a read-only folder): the path, and what failed."""
    what = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {what}" if exc.filename else what
