"""Reading Airflow's error texts (import errors, task exceptions) in the learner's terms."""

from __future__ import annotations

import re

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def last_frame_in(text: str, files: set[str]) -> tuple[str | None, int | None]:
    """The deepest traceback frame that lies in one of `files` (a SyntaxError names its own)."""
    found: tuple[str | None, int | None] = (None, None)
    for match in _FRAME.finditer(text):
        if match["file"] in files:
            found = (match["file"], int(match["line"]))
    return found


def exception_line(text: str) -> str:
    """The last meaningful line of a traceback: 'ModuleNotFoundError: No module named ...'."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt|Warning)\b", line) or ": " in line[:80]:
            return line
    return lines[-1] if lines else text.strip()
