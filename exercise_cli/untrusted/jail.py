"""The sandbox every untrusted child enters after fork and before any learner code runs (Linux).

What it takes away, with the kernel's own mechanisms (namespaces, mounts, rlimits, uids):
- the network: a new network namespace, whose only interface is a loopback left down;
- every process outside: a new PID namespace whose init runs the learner's code, so each process
  it starts (a daemon in a new session too) dies with it, and nothing outside can be signalled;
- writes: the whole mount tree read-only, but for a private tmpfs scratch folder; the trusted
  side's folder (metadata DB, results) hidden under an empty tmpfs;
- privilege: as root, a uid/gid of its own with no groups and no capabilities; otherwise a user
  namespace that maps the user's own uid and drops every capability in it;
- resources: address space, processes, file size and CPU time (rlimits).

As root, a private home (a 0700 /root holding the Python install or the venv) would keep the
dropped uid from importing anything; such folders are covered by a tmpfs into which only the
folders Python needs are mounted back.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

GiB = 1024**3
MiB = 1024**2

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV = 1, 2, 4
AT_FDCWD, AT_EMPTY_PATH, AT_RECURSIVE = -100, 0x1000, 0x8000
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
# The mount API's syscalls have one number on every architecture (the unified table, 424 and up).
SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 4, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

SETUP_FAILED = 97  # exit code of a child whose sandbox could not be set up


@dataclass(frozen=True)
class Limits:
    """What one sandboxed child may use; a real task of the exercise stays far below each."""

    memory_bytes: int = 2 * GiB
    processes: int = 256
    file_bytes: int = 64 * MiB
    cpu_seconds: int = 300

    def describe(self, error_text: str) -> str | None:
        """The limit an error shows was hit, in words, or None."""
        if "MemoryError" in error_text:
            return f"it used more than {self.memory_bytes / GiB:g} GiB of memory, the sandbox's limit"
        if "Resource temporarily unavailable" in error_text and ("BlockingIOError" in error_text or "thread" in error_text):
            return f"it started more than {self.processes} processes, the sandbox's limit"
        if "File too large" in error_text:
            return f"it wrote a file larger than {self.file_bytes // MiB} MiB, the sandbox's limit"
        return None

    def describe_signal(self, signum: int) -> str | None:
        if signum == signal.SIGXCPU:
            return f"it used more than {self.cpu_seconds} s of CPU time, the sandbox's limit"
        return None


@dataclass(frozen=True)
class Jail:
    scratch: str  # the only writable folder: a fresh tmpfs
    hidden: tuple[str, ...] = ()  # folders covered by an empty tmpfs (the trusted side's)
    readable: tuple[str, ...] = ()  # folders the child must read (the submission copy)
    limits: Limits = Limits()
    uid: int = 0  # as root, the uid (and gid) the child runs as: sandbox_uid() of the grading process


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
    return result


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _setattr(path: str, set_: int, clear: int = 0, recursive: bool = True) -> None:
    attr = _MountAttr(set_, clear, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    _check(_libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr)),
           f"mount_setattr {path}")


def _prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl {option}")


def sandbox_uid() -> int:
    """As root: a uid no account has, one per grading process (call it there, not in a child), so process
    limits count that grading's children alone and they can be reaped by uid."""
    return 0x3F000000 + (os.getpid() & 0xFFFFFF)


def unavailable_reason() -> str | None:
    """Why this machine cannot sandbox a child, or None when it can (tried for real in a child)."""
    global _probed
    if _probed is None:
        _probed = _probe()
    return _probed or None


_probed: str | None = None


def _probe() -> str:
    if sys.platform != "linux":
        return f"the sandbox needs Linux namespaces; this is {sys.platform}"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            import tempfile

            enter(Jail(scratch=tempfile.gettempdir()), keep_fds={write})
        except BaseException as exc:  # noqa: BLE001 - any failure is the answer
            os.write(write, f"{type(exc).__name__}: {exc}".encode()[:500])
            code = SETUP_FAILED
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0 and not said:
        return ""
    return f"the kernel refused the sandbox ({said or 'exit status ' + str(status)})"


def _open_fds() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


def open_fds() -> set[int]:
    """The fds open now; a child given this set before its fork keeps only what was made for it."""
    return _open_fds() if sys.platform == "linux" else set()


def enter(jail: Jail, keep_fds: set[int], inherited: set[int] | None = None) -> None:
    """Called in a freshly forked child. Returns in a grandchild, inside the sandbox.

    The forked child itself stays outside the new PID namespace: it waits for the grandchild,
    passes on the signals it gets, and exits as the grandchild did; if it is killed, the
    grandchild (init of its namespace, so every process in it) is killed with it.
    """
    _close_fds_except(keep_fds | {0, 1, 2}, inherited)
    root = os.geteuid() == 0
    uid, gid = (jail.uid or sandbox_uid(), jail.uid or sandbox_uid()) if root else (os.getuid(), os.getgid())
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if not root:
        flags |= CLONE_NEWUSER
    _check(_libc.unshare(flags), "unshare")
    if not root:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    if root:
        _reopen_private_folders(_needed_folders(jail), uid)
    for folder in jail.hidden:
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    owner = f",uid={uid},gid={gid}" if root else ""
    _mount("tmpfs", jail.scratch, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={jail.limits.file_bytes * 4},mode=0700{owner}")
    _setattr("/", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID)
    _setattr(jail.scratch, 0, MOUNT_ATTR_RDONLY, recursive=False)
    relay_alive = _relay_to_grandchild()
    # From here on: the grandchild, PID 1 of the new namespace.
    os.setsid()  # kill(0, ...) now reaches this session alone
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _set_limits(jail.limits)
    if root:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)  # clears every capability
    else:
        _drop_capabilities()
    # Set after the uid change, which would clear it; the relay may have died before it was set.
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if select.select([relay_alive], [], [], 0)[0]:  # end of file: the relay is gone
        os._exit(SETUP_FAILED)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    os.environ.update({"HOME": jail.scratch, "TMPDIR": jail.scratch})
    import tempfile

    tempfile.tempdir = None
    os.chdir(jail.scratch)


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _close_fds_except(keep: set[int], inherited: set[int] | None) -> None:
    """Close what the trusted side had open (its database above all); keep the child's own fds.

    With `inherited` (the fds open before the fork), fds made for this child since are kept too.
    """
    # Each is pointed at /dev/null rather than closed, so the number stays taken: a Python object
    # of the parent's (a database connection) closing "its" fd later cannot hit a new file's.
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    for fd in _open_fds():
        if fd in keep or fd == null or (inherited is not None and fd not in inherited):
            continue
        try:
            os.dup2(null, fd, inheritable=False)
        except OSError:
            pass
    os.close(null)


def _relay_to_grandchild() -> int:
    """Fork the grandchild; in it, return a pipe's read end that ends when the relay dies."""
    alive_read, alive_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(alive_write)
        return alive_read
    os.close(alive_read)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, lambda signum, _frame: _forward(pid, signum))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(SETUP_FAILED)
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def reap(uid: int) -> None:
    """Kill every process left running as the sandbox's `uid` (root only: one uid per grading process)."""
    if sys.platform != "linux" or os.geteuid() != 0 or uid == 0:
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)  # every process this uid may signal: its own, and no other
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def _forward(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _set_limits(limits: Limits) -> None:
    import resource

    for what, value in (
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(what, (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))


def _drop_capabilities() -> None:
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def _needed_folders(jail: Jail) -> list[str]:
    """Folders the child reads: Python's install, the venv, the loaded packages, the submission."""
    found = {sys.base_prefix, sys.prefix, *jail.readable}
    found.update(p for p in sys.path if p and os.path.isdir(p))
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file:
            found.add(os.path.dirname(os.path.realpath(file)))
    hidden = tuple(os.path.realpath(h).rstrip("/") + "/" for h in jail.hidden)
    ordered = sorted({os.path.realpath(p) for p in found if os.path.isdir(p)})
    ordered = [p for p in ordered if not (p + "/").startswith(hidden)]
    kept: list[str] = []
    for path in ordered:  # sorted, so a folder comes before its subfolders
        if not kept or not path.startswith(kept[-1].rstrip("/") + "/"):
            kept.append(path)
    return kept


def _closed_ancestor(path: str) -> str | None:
    """The outermost folder on the way to `path` that others may not enter (mode without o+x)."""
    current = "/"
    for part in Path(path).parts[1:]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & stat.S_IXOTH:
            return current
    return None


def _reopen_private_folders(needed: list[str], uid: int) -> None:
    """Cover each closed folder with an open tmpfs and mount back the needed folders under it.

    A needed folder that is itself closed stays closed (mounting it back keeps its mode): what
    lies in it cannot be read, and an import from it fails with its own error.
    """
    done: set[str] = set()
    for _ in range(8):  # a closed folder inside a mounted-back one is found on the next round
        closed: dict[str, list[str]] = {}
        for path in needed:
            ancestor = _closed_ancestor(path)
            if ancestor is not None and ancestor not in done:
                closed.setdefault(ancestor, []).append(path)
        if not closed:
            return
        for ancestor in sorted(closed, key=len):
            if any(ancestor.startswith(d.rstrip("/") + "/") for d in closed if d != ancestor):
                continue  # under another closed folder: the next round sees it as mounted back
            done.add(ancestor)
            trees = []
            for path in closed[ancestor]:
                fd = _libc.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(),
                                   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
                trees.append((path, _check(fd, f"open_tree {path}")))
            _mount("tmpfs", ancestor, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
            for path, fd in trees:
                if path != ancestor:
                    os.makedirs(path, mode=0o755, exist_ok=True)
                _check(_libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, path.encode(), MOVE_MOUNT_F_EMPTY_PATH),
                       f"move_mount {path}")
                os.close(fd)
    raise OSError(f"folders on the way to {needed} stay closed to uid {uid}")
