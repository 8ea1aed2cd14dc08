"""Learner text (file and folder names, task output, errors, warnings, DAG attributes) as safe data.

`clean` is applied once, where such text enters the trusted side: afterwards it is valid Unicode
that any encoder takes (no lone surrogates: a byte that was not UTF-8 shows as `\\xe9`), holds no
control character but newline and tab (the others show as visible escapes, `\\x1b`, so no escape
sequence reaches a terminal and no NUL reaches a file), and is at most `limit` characters long.
Reporters then escape it for their own format (Rich markup, XML, Markdown, CSV formulas).
"""

from __future__ import annotations

import re

MAX_CHARS = 64 * 1024  # one text (an error, a warning, a name) as kept

# C0 and C1 controls but newline and tab, DEL, the bidirectional overrides (they reorder what a
# terminal or browser shows: "Trojan Source"), and every surrogate (lone ones cannot be encoded;
# U+DC80..U+DCFF are how Python spells a file name's bytes that are not UTF-8).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the original byte
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character (but newline and tab) and surrogate as a visible escape."""
    return _UNSAFE.sub(_escape, text)


def clean(text: str | bytes | None, limit: int | None = MAX_CHARS) -> str:
    """Learner text made safe to keep and show anywhere (see the module's docstring); idempotent.

    Bytes are read as UTF-8. A text longer than `limit` keeps its start and its end (a traceback's
    last line says what failed) with a note of what was cut between them.
    """
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="surrogateescape")
    elif not isinstance(text, str):
        text = str(text)
    text = text.replace("\r\n", "\n")
    if limit is not None and len(text) > limit:
        text = _shorten(text, limit)  # before escaping: a huge text is not escaped whole
    text = visible(text)
    if limit is not None and len(text) > limit:
        text = _shorten(text, limit)  # escapes made it longer
    return text


def _shorten(text: str, limit: int) -> str:
    note = f"\n[... {len(text) - limit} characters cut ...]\n"
    keep = max(0, limit - len(note) - 16)  # the note grows by a few digits at most
    head = keep // 2
    return text[:head] + f"\n[... {len(text) - keep} characters cut ...]\n" + text[len(text) - (keep - head):]
