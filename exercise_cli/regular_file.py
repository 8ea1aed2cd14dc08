"""Read a learner's file only if it is a regular file: the one way both sides open what a submission holds."""

from __future__ import annotations

import os
import stat

MAX_BYTES = 20 * 1024 * 1024  # a submission's .py files in all, and so any one of them


def regular_file_bytes(path: str | os.PathLike, limit: int, dir_fd: int | None = None, own: bool = False) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, or None: a link, a FIFO, a device, a folder,
    a larger file or an unreadable one is never read (checked on the opened file, so a swap after a
    look at its name changes nothing). `dir_fd`: `path` is a name in that opened folder. `own`: only a
    file of this user's that no one else may write (what this process kept for itself)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        if own and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None
