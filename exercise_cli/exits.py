"""How a process ended, and the last thing it said, in words: one phrasing for every process."""

from __future__ import annotations

import os
import signal


def ended(returncode: int | None) -> str:
    """'exited with code 5' or 'was killed by SIGKILL' (a negative code is a signal, as subprocess gives it)."""
    if returncode is not None and returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (another user's counts: it is alive, not ours to judge)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# The CLI's exit code when the reader of its output went away (`exercise check | head`): what a shell
# reports for a tool stopped by SIGPIPE (git, cat), said quietly.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
