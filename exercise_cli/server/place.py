"""Where a user's grading server lives, which install it serves, and who is on the other end of its socket.

One server per user and install: its socket, lock and log sit in a folder only that user may
enter (EXERCISE_SERVER_DIR, else $XDG_RUNTIME_DIR/exercise, else the user's cache folder),
named after the install they serve. A folder that is a link, belongs to someone else or lets
others in is not used: the check then runs without a server.
"""

from __future__ import annotations

import os
import socket
import stat
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from exercise_cli.errors import EnvironmentProblem
from exercise_cli.install import install_id

_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


@dataclass(frozen=True)
class Place:
    folder: Path
    name: str

    @property
    def socket(self) -> Path:
        return self.folder / f"{self.name}.sock"

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.name}.lock"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"


def server_place() -> Place:
    """This user's and install's place, its folder made 0700 if new; EnvironmentProblem if it is not safe."""
    folder = _folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        raise EnvironmentProblem(f"the grading server's folder {folder} cannot be made: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EnvironmentProblem(f"the grading server's folder {folder} is not a folder of this user's alone (mode 0700)")
    place = Place(folder, f"server-{install_id()}")
    if len(os.fsencode(place.socket)) > _SOCKET_PATH_MAX:
        raise EnvironmentProblem(f"the grading server's socket path is too long for a socket: {place.socket}")
    return place


def _folder() -> Path:
    override = os.environ.get("EXERCISE_SERVER_DIR")
    if override:
        return Path(override)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "exercise"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("exercise")) / "server"


def peer_credentials(sock: socket.socket) -> tuple[int, int]:
    """(pid, uid) of the process at the other end of a connected Unix socket, from the kernel;
    pid is 0 where the platform does not say (macOS)."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid, uid, gid}
        pid, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        return pid, uid
    if sys.platform == "darwin":  # getpeereid(3) reads LOCAL_PEERCRED: struct xucred {version, uid, ngroups, groups[16]}
        sol_local, local_peercred = 0, 0x001
        raw = sock.getsockopt(sol_local, local_peercred, struct.calcsize("IIh16I"))
        _, uid = struct.unpack_from("II", raw)
        return 0, uid
    raise OSError("this platform does not say who is on the other end of a socket")
