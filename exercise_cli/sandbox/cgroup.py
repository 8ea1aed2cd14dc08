"""One control group per submission: its sandboxed children's memory, processes and CPU, together.

Rlimits bound one process at a time, and not memory files or tmpfs pages; a control group's
memory limit counts every page its processes charge (memory files and tmpfs included), summed over
them, with no swap. The CPU quota (one core) keeps a submission with many busy processes from
slowing its classmates in the same batch. The grading process (root) creates the group and
removes it; each child joins it before it drops its privileges.

cgroup v1 (a hierarchy per controller) and v2 (one tree) are both read from /proc/self/mountinfo
and /proc/self/cgroup. Where none can be created (not root, a read-only /sys/fs/cgroup as in most
containers, a v2 group that holds processes), `create` says why and the rlimits stay the bound.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from exercise_cli.exits import process_alive

CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000
_PREFIX = "exercise-"


@dataclass(frozen=True)
class Group:
    folders: dict[str, str] = field(default_factory=dict)  # controller -> the group's folder
    version: int = 1

    def join_files(self) -> tuple[str, ...]:
        return tuple(sorted({os.path.join(f, "cgroup.procs") for f in self.folders.values()}))

    def oom_kills(self) -> int:
        """How many of the group's processes the kernel killed for its memory limit so far."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        text = _read(os.path.join(self.folders.get("memory", ""), name))
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def remove(self) -> None:
        for folder in sorted(set(self.folders.values()), key=len, reverse=True):
            _remove(folder)


def join(files: tuple[str, ...]) -> None:
    """Called by the child, while it is still root: it and all it starts belong to the group."""
    for path in files:
        with open(path, "w") as f:
            f.write(str(os.getpid()))


def create(memory_bytes: int, processes: int, cpus: float = 1.0) -> tuple[Group | None, str]:
    """A new group with these limits, or (None, why not)."""
    if os.geteuid() != 0:
        return None, "control groups need root"
    try:
        parents, version = _own_folders()
    except OSError as exc:
        return None, f"control groups cannot be read here ({exc.strerror or exc})"
    missing = [c for c in CONTROLLERS if c not in parents]
    if missing:
        return None, f"no {', '.join(missing)} control group controller here"
    name = f"{_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    created: dict[str, str] = {}
    group = Group(created, version)
    try:
        for controller in CONTROLLERS:
            parent = parents[controller]
            _remove_stale(parent)
            folder = os.path.join(parent, name)
            if folder not in created.values():
                if version == 2:
                    _enable_controllers(parent)
                os.mkdir(folder, 0o755)
            created[controller] = folder
        _write_limits(group, memory_bytes, processes, cpus)
    except OSError as exc:
        group.remove()
        return None, f"a control group could not be made ({exc.strerror or exc}: {getattr(exc, 'filename', '') or ''})"
    return group, ""


def _write_limits(group: Group, memory_bytes: int, processes: int, cpus: float) -> None:
    memory, pids, cpu = (group.folders[c] for c in CONTROLLERS)
    quota = int(CPU_PERIOD_US * cpus)
    if group.version == 1:
        _write(memory, "memory.limit_in_bytes", memory_bytes)
        if os.path.exists(os.path.join(memory, "memory.memsw.limit_in_bytes")):  # swap accounted: none allowed
            _write(memory, "memory.memsw.limit_in_bytes", memory_bytes)
        _write(pids, "pids.max", processes)
        _write(cpu, "cpu.cfs_period_us", CPU_PERIOD_US)
        _write(cpu, "cpu.cfs_quota_us", quota)
    else:
        _write(memory, "memory.max", memory_bytes)
        if os.path.exists(os.path.join(memory, "memory.swap.max")):
            _write(memory, "memory.swap.max", 0)
        _write(pids, "pids.max", processes)
        _write(cpu, "cpu.max", f"{quota} {CPU_PERIOD_US}")


def _own_folders() -> tuple[dict[str, str], int]:
    """controller -> the folder of this process's own group in that controller's hierarchy."""
    membership: dict[str, str] = {}  # controller (or "" for v2) -> path inside its hierarchy
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                membership[controller] = path
    v1: dict[str, str] = {}
    v2_mount = ""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            dash = fields.index("-")
            fstype, options = fields[dash + 1], fields[dash + 3].split(",")
            mount_root, mount_point = fields[3], fields[4]
            if fstype == "cgroup2" and mount_root == "/":
                v2_mount = v2_mount or mount_point
            if fstype != "cgroup":
                continue
            for controller in CONTROLLERS:
                if controller in options and controller in membership and controller not in v1:
                    v1[controller] = _inside(mount_point, mount_root, membership[controller])
    if all(c in v1 for c in CONTROLLERS):
        return v1, 1
    if v2_mount and "" in membership:
        own = _inside(v2_mount, "/", membership[""])
        available = _read(os.path.join(own, "cgroup.controllers")).split()
        return {c: own for c in CONTROLLERS if c in available}, 2
    return v1, 1


def _inside(mount_point: str, mount_root: str, path: str) -> str:
    relative = os.path.relpath(path, mount_root) if path.startswith(mount_root) else path.lstrip("/")
    return os.path.normpath(os.path.join(mount_point, relative))


def _enable_controllers(parent: str) -> None:
    """v2: a group's controllers must be enabled in its parent (which then may hold no processes)."""
    wanted = [c for c in CONTROLLERS if c not in _read(os.path.join(parent, "cgroup.subtree_control")).split()]
    if wanted:
        _write(parent, "cgroup.subtree_control", " ".join(f"+{c}" for c in wanted))


def _remove_stale(parent: str) -> None:
    """Groups left by a grading process that was killed (its pid is in the name and is gone)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(_PREFIX):
            continue
        owner = name[len(_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not process_alive(int(owner)):
            _remove(os.path.join(parent, name), tries=1)


def _remove(folder: str, tries: int = 50) -> None:
    for _ in range(tries):  # a killed process leaves its group a moment after its death
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def _write(folder: str, name: str, value: object) -> None:
    with open(os.path.join(folder, name), "w") as f:
        f.write(str(value))


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""
