"""The sandbox every untrusted child enters after fork and before any learner code runs (Linux).

Two tiers, the strongest the machine allows (`choose_tier`), each named in the report:

- "namespaces" (a kernel that allows them: root outside containers, or unprivileged user
  namespaces): a new network namespace whose only loopback is down; a new PID namespace whose init
  runs the learner's code, so each process it starts dies with it; the whole mount tree read-only
  but for a private tmpfs scratch folder; the trusted side's folder hidden under an empty tmpfs;
  as root a uid/gid of its own, otherwise a user namespace that drops every capability.
- "container" (root without CAP_SYS_ADMIN, as in Docker's defaults, whose seccomp profile refuses
  namespaces and mounts): a uid/gid of its own with no groups and so no capabilities; files kept
  by ownership and mode (the trusted side's folders 0700 root, the submission copy readable by the
  sandbox's group alone, a scratch folder owned by the sandbox's uid); every process of that uid
  killed when a child ends.

Both then install the same system-call filter (seccomp.py: no network sockets, no tracing, no
mounts or namespaces, no memory files), set no_new_privs, and bound each process with rlimits
(address space, processes, open files, file size, CPU time); where a control group can be made
(cgroup.py), the submission's children share one that bounds their memory, processes and CPU
together.

As root, a closed folder on the way to what Python needs (a 0700 /root holding the Python install
or the venv) would keep the sandbox's uid from importing anything. The namespace tier covers such
folders with a tmpfs and mounts back the folders Python needs; the container tier, which cannot
mount, opens those folders before it drops root and reaches them through /proc/self/fd.
"""

from __future__ import annotations

import ctypes
import importlib
import itertools
import os
import select
import signal
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from exercise_cli.sandbox import cgroup, loaded_modules, seccomp

GiB = 1024**3
MiB = 1024**2

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 0x1000, 0x4000, 1 << 18
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
SANDBOX_UID_BASE = 0x3F000000  # sandbox uids start here: no account has one
NAMESPACES, CONTAINER, PROCESS = "namespaces", "container", "process"
SANDBOX_TIERS = (NAMESPACES, CONTAINER)


@dataclass(frozen=True)
class Limits:
    """What one sandboxed child may use; a real task of the exercise stays far below each.

    `memory_bytes` bounds each process's address space and, where a control group can be made,
    all the submission's processes together (memory files and tmpfs included).
    """

    memory_bytes: int = 2 * GiB
    processes: int = 256
    file_bytes: int = 64 * MiB
    cpu_seconds: int = 300
    open_files: int = 1024

    def describe(self, error_text: str) -> str | None:
        """The limit an error shows was hit, in words, or None."""
        if "MemoryError" in error_text or "Cannot allocate memory" in error_text:
            return f"it used more than {self.memory_bytes / GiB:g} GiB of memory, the sandbox's limit"
        if "Resource temporarily unavailable" in error_text and ("BlockingIOError" in error_text or "thread" in error_text):
            return f"it started more than {self.processes} processes, the sandbox's limit"
        if "File too large" in error_text:
            return f"it wrote a file larger than {self.file_bytes // MiB} MiB, the sandbox's limit"
        if "Too many open files" in error_text:
            return f"it opened more than {self.open_files} files at once, the sandbox's limit"
        return None

    def describe_signal(self, signum: int, out_of_memory: bool = False) -> str | None:
        if signum == signal.SIGXCPU:
            return f"it used more than {self.cpu_seconds} s of CPU time, the sandbox's limit"
        if signum == signal.SIGKILL and out_of_memory:
            return (f"its processes used more than {self.memory_bytes / GiB:g} GiB of memory together, "
                    "the sandbox's limit (the kernel killed it)")
        return None


@dataclass(frozen=True)
class Jail:
    scratch: str  # the only writable folder (namespaces: a fresh tmpfs; container: owned by `uid`)
    hidden: tuple[str, ...] = ()  # folders covered by an empty tmpfs (the trusted side's)
    course: tuple[str, ...] = ()  # the course's folders (course_folders()): never readable inside
    readable: tuple[str, ...] = ()  # folders the child must read (the submission copy)
    limits: Limits = Limits()
    uid: int = 0  # as root, the uid (and gid) the child runs as: allocate_uid() of the CLI
    tier: str = NAMESPACES
    group: cgroup.Group | None = None  # the submission's control group, if one could be made

    def oom_kills(self) -> int:
        return self.group.oom_kills() if self.group else 0


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


_gradings = itertools.count(1)  # next() on it is atomic: `grade` allocates from several threads


def allocate_uid() -> int:
    """As root: a uid (and gid) no account has, for one grading; unique among this machine's gradings
    while this process lives (its pid, and a count of the gradings it started, of which at most 255
    run at once). The submission copy is readable by that gid alone, process limits count that
    grading's children alone, and they can be reaped by uid."""
    return SANDBOX_UID_BASE + (os.getpid() << 8) + next(_gradings) % 256


def choose_tier(wanted: str = "") -> tuple[str, str]:
    """(the strongest sandbox tier this machine allows, or "process"; why no stronger tier).

    Each tier is tried for real in a child, once per process. `wanted` (or EXERCISE_SANDBOX_TIER,
    for tests and benchmarks) tries that tier alone.
    """
    wanted = wanted or os.environ.get("EXERCISE_SANDBOX_TIER", "")
    reasons = []
    for tier in SANDBOX_TIERS:
        if wanted and tier != wanted:
            continue
        if tier not in _probed:
            _probed[tier] = _probe(tier)
        if not _probed[tier]:
            return tier, "; ".join(reasons)
        reasons.append(f"{tier}: {_probed[tier]}")
    return PROCESS, "; ".join(reasons) or f"no sandbox tier is named {wanted!r}"


_probed: dict[str, str] = {}


def unavailable_reason() -> str | None:
    """Why no sandbox tier can be had here, or None when one can."""
    tier, why_not = choose_tier()
    return why_not if tier == PROCESS else None


def _probe(tier: str) -> str:
    """"" if a child can enter `tier` here and import what it had not imported, else why not."""
    if sys.platform != "linux":
        return f"the sandbox needs Linux; this is {sys.platform}"
    if tier == CONTAINER and os.geteuid() != 0:
        return "a uid of its own needs root"
    if seccomp.unavailable_reason():
        return str(seccomp.unavailable_reason())
    import shutil
    import tempfile

    uid = allocate_uid()
    scratch = tempfile.mkdtemp(prefix="exercise-probe-")
    packages = _package_files()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            if os.geteuid() == 0:
                os.chown(scratch, uid, uid)
            enter(Jail(scratch=scratch, uid=uid, tier=tier), keep_fds={write})
            importlib.import_module("colorsys")  # an import after the uid change (not imported before)
            for path in packages:  # packages find their data files by resolved paths: these must be readable
                try:
                    open(os.path.realpath(path), "rb").close()
                except OSError as exc:
                    raise OSError(f"the sandbox's user cannot read the installed packages at {os.path.dirname(path)} "
                                  f"({exc.strerror}): install the grader where other users may read it") from None
        except BaseException as exc:  # noqa: BLE001 - any failure is the answer
            os.write(write, f"{type(exc).__name__}: {exc}".encode()[:500])
            code = SETUP_FAILED
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    reap(uid)
    shutil.rmtree(scratch, ignore_errors=True)
    if os.waitstatus_to_exitcode(status) == 0 and not said:
        return ""
    return f"refused ({said or 'exit status ' + str(status)})"


def _package_files() -> list[str]:
    """A file of each package the children import, found without importing it (the CLI imports no Airflow).

    The standard library may sit behind a closed folder (the container tier reaches it through
    descriptors); the packages may not, since some find their data files through resolved paths.
    """
    import importlib.util

    found = []
    for name in ("airflow", "exercise_cli"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            found.append(spec.origin)
    return found


def _open_fds() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


def open_fds() -> set[int]:
    """The fds open now; a child given this set before its fork keeps only what was made for it."""
    return _open_fds() if sys.platform == "linux" else set()


def enter(jail: Jail, keep_fds: set[int], inherited: set[int] | None = None) -> None:
    """Called in a freshly forked child, as the trusted side's user. Returns inside the sandbox.

    Namespace tier: it returns in a grandchild. The forked child itself stays outside the new PID
    namespace: it waits for the grandchild, passes on the signals it gets, and exits as the
    grandchild did; if it is killed, the grandchild (init of its namespace, so every process in
    it) is killed with it. Container tier: it returns in the forked child, the leader of its own
    process group, whose processes are reaped by uid once it ends.
    """
    _close_fds_except(keep_fds | {0, 1, 2}, inherited)
    if jail.group is not None:
        cgroup.join(jail.group.join_files())
    if jail.tier == CONTAINER:
        _enter_as_uid(jail)
    else:
        _enter_namespaces(jail)
    seccomp.install()
    os.environ.update({"HOME": jail.scratch, "TMPDIR": jail.scratch})
    import tempfile

    tempfile.tempdir = None
    os.chdir(jail.scratch)


def _enter_namespaces(jail: Jail) -> None:
    root = os.geteuid() == 0
    uid, gid = (jail.uid, jail.uid) if root else (os.getuid(), os.getgid())
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
    _cover_course(jail)
    _cover_shared_tmp(jail)
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
        _become(uid)  # clears every capability
    else:
        _drop_capabilities()
    # Set after the uid change, which would clear it; the relay may have died before it was set.
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if select.select([relay_alive], [], [], 0)[0]:  # end of file: the relay is gone
        os._exit(SETUP_FAILED)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)


def _enter_as_uid(jail: Jail) -> None:
    parent = os.getppid()
    if os.getpgrp() != os.getpid():
        os.setpgid(0, 0)  # the trusted side ends a child by its process group
    _close_course_to_others(jail)
    reach = _reach_closed_folders(_needed_folders(jail), jail.uid)
    _set_limits(jail.limits)
    _become(jail.uid)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the death signal was set
        os._exit(SETUP_FAILED)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    _reroute_imports(reach)


def course_folders(course_file: str | None = None) -> tuple[str, ...]:
    """The folders of the course, which no child may read: the reference solutions, the checks, the
    hints and quiz answers (exercise.toml), the starters; in a source checkout (an editable install,
    or the grader run from its repository) the whole checkout, whose tests/ hold passing fixtures
    and whose .git holds every version of the solutions; an instructor's course folder.

    What Python must import from inside one of them (a venv in the checkout, the grader's own
    package) stays readable: see `_kept_inside`.
    """
    import importlib.util

    found = []
    package = importlib.util.find_spec("exercise_cli")
    if package is not None and package.submodule_search_locations:
        folder = os.path.realpath(list(package.submodule_search_locations)[0])
        found += [os.path.join(folder, name) for name in ("data", "solution", "checks", "starter")]
        checkout = os.path.dirname(folder)
        if os.path.isfile(os.path.join(checkout, "pyproject.toml")):
            found.append(checkout)
    for name in ("exercise_cli.solution", "exercise_cli.checks", "exercise_cli.starter"):
        spec = importlib.util.find_spec(name)
        found += list(spec.submodule_search_locations or []) if spec is not None else []
    if course_file:
        found.append(os.path.dirname(os.path.realpath(course_file)))
    source = install_source()
    return tuple(sorted({os.path.realpath(f) for f in found if os.path.isdir(f)} | ({source} if source else set())))


def install_source() -> str | None:
    """The local wheel or folder the grader was installed from (pip's direct_url.json), which holds the whole
    course: a wheel left beside the venv (Gradescope's source/*.whl) or in a temporary folder. None for an
    install from an index, or where the source is gone."""
    import importlib.metadata
    import json
    from urllib.parse import unquote, urlparse

    for dist in importlib.metadata.distributions(name="airflow-exercise"):  # (a checkout's egg-info has none)
        try:
            url = urlparse(json.loads(dist.read_text("direct_url.json") or "")["url"])
        except (ValueError, KeyError, TypeError):
            continue
        path = os.path.realpath(unquote(url.path))
        return path if url.scheme == "file" and os.path.exists(path) else None
    return None


def _kept_inside(folder: str, jail: Jail) -> list[str]:
    """What a child needs below a course folder: Python, the venv, the installed packages, the
    submission copy, its scratch folder (and the trusted side's, which gets its own cover); the
    outermost of each, sorted."""
    import site

    needed = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), *jail.readable, jail.scratch,
              *jail.hidden}
    for module in ("airflow", "exercise_cli"):
        found = sys.modules.get(module)
        for path in getattr(found, "__path__", None) or []:
            needed.add(path)
    below = sorted({os.path.realpath(p) for p in needed if p and os.path.isdir(p)})
    below = [p for p in below if p.startswith(folder + "/")]
    return [p for p in below if not any(p.startswith(q + "/") for q in below if q != p)]


def _course_to_close(jail: Jail) -> list[str]:
    """The course folders outermost first, without any that a child needs whole (a course folder that
    is the submission copy or Python itself would be a strange set-up, but it must still work)."""
    kept = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, *jail.readable, jail.scratch)}
    return [f for f in sorted(jail.course, key=len)
            if f not in kept and not any(f.startswith(k + "/") for k in kept)]


def _cover_course(jail: Jail) -> None:
    """Namespace tier: an empty tmpfs over each course folder, with what a child needs below it
    mounted back. Modules the grading process imported before the fork stay usable without their files."""
    for folder in _course_to_close(jail):
        if os.path.isfile(folder):  # the wheel the grader was installed from: an empty file over it
            _mount("/dev/null", folder, None, MS_BIND)
            continue
        _cover_keeping(folder, _kept_inside(folder, jail))


def _cover_shared_tmp(jail: Jail) -> None:
    """Namespace tier: /tmp and /var/tmp behind an empty tmpfs, with what a child needs there mounted back
    (the submission copy, the scratch folder, a venv or a PYTHONPATH folder kept there): nothing another
    program left there (a wheel of the grader, a classmate's files) can be read."""
    for folder in SHARED_TMP:
        if os.path.isdir(folder) and not os.path.islink(folder):
            on_path = {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
            kept = sorted({*_kept_inside(folder, jail), *(p for p in on_path if p.startswith(folder + "/"))})
            _cover_keeping(folder, [p for p in kept if not any(p.startswith(q + "/") for q in kept if q != p)])


def _cover_keeping(folder: str, kept: list[str]) -> None:
    """An empty tmpfs over `folder`, with each of `kept` (folders below it) mounted back where it was."""
    if not os.path.isdir(folder):
        return
    trees = []
    for path in kept:
        fd = _libc.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
        trees.append((path, _check(fd, f"open_tree {path}")))
    _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for path, fd in trees:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _check(_libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, path.encode(), MOVE_MOUNT_F_EMPTY_PATH),
               f"move_mount {path}")
        os.close(fd)


def _close_course_to_others(jail: Jail) -> None:
    """Container tier, as root before the uid changes: the sandbox's uid is "other" to every file
    but the submission copy, so each course folder loses its permissions for other users; in one
    that holds something a child needs, each entry not on the way to it does. Set on the files
    themselves, once and for good: after a container-tier grading, users other than the files'
    owner and group cannot read the course either (a container's root is the only user there)."""
    for folder in _course_to_close(jail):
        _close_to_others(folder, _kept_inside(folder, jail))


def _close_to_others(path: str, kept: list[str]) -> None:
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode) or path in kept:
        return  # a link's target is closed where it lies, or is not the course's
    if not any(k.startswith(path + "/") for k in kept):
        if info.st_mode & 0o007:
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o007)
        return
    for name in os.listdir(path):  # on the way to a kept folder: it stays open, its other entries close
        _close_to_others(os.path.join(path, name), kept)


def _become(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # a uid change away from root clears every capability


def _reach_closed_folders(needed: list[str], uid: int) -> dict[str, str]:
    """For each needed folder behind a folder `uid` may not enter: a path through an fd opened now.

    The fd (O_PATH, kept across fork) is the only way in: /proc/self/fd/N leads to the folder
    itself, and what lies below it is checked by its own modes as usual.
    """
    reach = {}
    for path in needed:
        if _closed_ancestor(path, uid) is not None:
            fd = os.open(path, os.O_PATH | os.O_DIRECTORY)
            reach[path] = f"/proc/self/fd/{fd}"
    return reach


def _reroute_imports(reach: dict[str, str]) -> None:
    """Point Python's import paths at the reachable names of folders behind closed ones (only the modules
    with a path there are touched: loaded_modules indexed them before the fork)."""
    if not reach:
        return
    prefixes = sorted(reach, key=len, reverse=True)

    def moved(path: object) -> object:
        if not isinstance(path, str):
            return path
        for prefix in prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return reach[prefix] + path[len(prefix):]
        return path

    sys.path[:] = [moved(p) for p in sys.path]
    for name in ("prefix", "exec_prefix", "base_prefix", "base_exec_prefix"):
        setattr(sys, name, moved(getattr(sys, name)))
    for module in loaded_modules.modules_in(prefixes):
        search = getattr(module, "__path__", None)
        if isinstance(search, list):
            search[:] = [moved(p) for p in search]
        # Packages find their data files beside __file__ (pkgutil.get_data: Airflow's schema.json).
        if isinstance(getattr(module, "__file__", None), str):
            module.__file__ = moved(module.__file__)
        loader = getattr(module, "__loader__", None)
        if isinstance(getattr(loader, "path", None), str):
            loader.path = moved(loader.path)
    # The finders cached for the old paths stay: a rerouted path is a new key, and dropping them (240
    # finders and their folders' listings, pages copied from the parent) took 6-7 ms a child.


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
    """Kill every process running as the sandbox's `uid` (root only: one uid per grading), and wait
    until none is left: a fork bomb's children may be forked while the first signal goes out."""
    if sys.platform != "linux" or os.geteuid() != 0 or uid == 0:
        return
    # The usual case, a task whose sandbox ended with it, costs a look at /proc (2 ms), not a fork of this
    # process (25 ms a task): none of the uid's processes is alive, so none can fork another.
    if not _running_as(uid):
        return
    deadline = time.monotonic() + 5
    while True:
        pid = os.fork()
        if pid == 0:
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)  # every process this uid may signal: its own, and no other
            except OSError:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        if not _running_as(uid) or time.monotonic() > deadline:
            return
        time.sleep(0.01)


def _running_as(uid: int) -> bool:
    """Whether a live (not zombie) process runs as `uid`."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                status = f.read()
        except OSError:
            continue
        if int(_status_field(status, b"Uid").split()[0]) == uid and not _status_field(status, b"State").startswith((b"Z", b"X")):
            return True
    return False


def _status_field(status: bytes, name: bytes) -> bytes:
    # One line of /proc/<pid>/status ("Uid:\t0\t0\t0\t0"), found without splitting the other fifty
    start = status.index(b"\n" + name + b":") + len(name) + 2
    return status[start:status.index(b"\n", start)].strip()


# Folders any user may write in (the container tier cannot make them read-only): what a sandbox uid
# leaves there is removed when its grading ends.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")
SHARED_TMP = ("/tmp", "/var/tmp")  # the namespace tier covers these (other programs' files lie there)


def sweep_files(uid: int) -> list[str]:
    """Remove what the sandbox's `uid` created in the shared writable folders; the paths removed."""
    if sys.platform != "linux" or os.geteuid() != 0 or uid == 0:
        return []
    import shutil

    removed = []
    for folder in SHARED_WRITABLE:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
                removed.append(entry.path)
            except OSError:
                continue
    return removed


def clear_after_child(jail: Jail) -> None:
    """After a task child ended and its processes were reaped: remove what its uid left where anyone may
    write, and empty the scratch folder, so that the next child of the grading starts with a fresh TMPDIR,
    HOME and working folder. One grading's children share a uid: without this a task could pass what it
    found to a later task through a file (the container tier, where the scratch is a real folder; the
    namespace tier gives each child a tmpfs of its own)."""
    sweep_files(jail.uid)
    _empty(jail.scratch)


def _empty(folder: str) -> None:
    """Remove what is inside `folder`, never following a link the sandbox made (rmtree works by fd)."""
    import shutil

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


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
        (resource.RLIMIT_NOFILE, limits.open_files),
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
    """Folders the child reads: Python's install, the venv, the loaded packages, the submission (a hidden
    folder's insides left out: the outermost of a hidden folder's insides is inside it too)."""
    hidden = tuple(os.path.realpath(h).rstrip("/") + "/" for h in jail.hidden)
    found = {*loaded_modules.folders(), *(loaded_modules.resolved(p) for p in jail.readable if os.path.isdir(p))}
    return [p for p in loaded_modules.outermost(found) if not (p + "/").startswith(hidden)]


def can_enter(folder: str, uid: int) -> bool:
    """Whether `uid` (gid alike) may walk into `folder` by its path: root's sandbox children must."""
    if os.geteuid() != 0 or uid == os.geteuid():
        return os.access(folder, os.X_OK)
    return _closed_ancestor(os.path.realpath(folder), uid) is None


def _closed_ancestor(path: str, uid: int) -> str | None:
    """The outermost folder on the way to `path` that `uid` (and its gid, of the same number) may
    not enter."""
    current = "/"
    for part in Path(path).parts[1:]:
        current = os.path.join(current, part)
        info = os.stat(current)
        if info.st_uid == uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid == uid:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
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
            ancestor = _closed_ancestor(path, uid)
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


class SandboxFailed(Exception):
    """A child could not enter its sandbox: the grader's problem, never the learner's grade."""


class EntryPipe:
    """Tells the trusted side whether a child entered its sandbox before any learner code ran.

    The child writes one byte once `enter` returned; learner code runs only after that, so it can
    add bytes but never take that one back. No byte from a child that ended: its sandbox failed.
    """

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()

    def entered_here(self) -> None:
        """In the child, right after `enter`."""
        os.write(self.write_fd, b"1")
        os.close(self.write_fd)

    def close_child_end(self) -> None:
        """In the parent, once the child is forked."""
        os.close(self.write_fd)

    def child_entered(self) -> bool:
        """In the parent, once the child ended."""
        os.set_blocking(self.read_fd, False)
        try:
            said = os.read(self.read_fd, 1)
        except BlockingIOError:
            said = b""
        os.close(self.read_fd)
        return said == b"1"
