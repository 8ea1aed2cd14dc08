"""Output files (reports, gradebooks, progress) written whole or not at all.

The text goes to a temporary name in the target's own folder (a rename across file systems is
not atomic) and is renamed into place once complete: a reader, a crash, a full disk or a second
writer never sees half a file, and two writers of one file leave one's whole file, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (mkstemp gives 0600); read once, before any thread


def write_atomically(path: str | os.PathLike, text: str | bytes, mode: int | None = None) -> None:
    """Write `text` (UTF-8, or bytes as they are) to `path` through a temporary file renamed into place,
    with `mode` (default: what open() would give). Raises OSError naming `path` (a full disk fails in
    write or fsync, whose errors name no file)."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _naming(exc, target) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _MODE if mode is None else mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _naming(exc, target) from None
        raise


def _naming(exc: OSError, target: Path) -> OSError:
    """The error, naming the file the user asked for (not the temporary one); OSError(errno, ...) is
    still the subclass that errno makes (FileNotFoundError, PermissionError)."""
    return OSError(exc.errno, exc.strerror or str(exc), str(target))
