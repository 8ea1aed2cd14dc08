"""Run a command as Docker runs a container's root by default: `python emulate_container.py CMD ...`.

What Gradescope, most CI runners and Kubernetes jobs give a grader: root, but only Docker's 14
default capabilities (no CAP_SYS_ADMIN), a seccomp profile that refuses namespaces and mounts,
a read-only /sys/fs/cgroup, a small /dev/shm, and a memory limit on the container as a whole.
Needs root on Linux; it changes nothing outside its own mount namespace and control group.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exercise_cli.sandbox import cgroup, seccomp  # noqa: E402

DOCKER_CAPABILITIES = {  # chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service net_raw
    0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31,  # sys_chroot mknod audit_write setfcap
}
DOCKER_REFUSED = ("mount", "umount2", "unshare", "setns", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
                  "open_tree", "move_mount", "mount_setattr", "keyctl", "add_key", "request_key", "bpf",
                  "perf_event_open", "kexec_load", "kexec_file_load", "init_module", "finit_module",
                  "delete_module", "reboot", "swapon", "swapoff", "acct", "open_by_handle_at", "userfaultfd")
CONTAINER_MEMORY = 4 * 1024**3
SHM_BYTES = 64 * 1024**2  # Docker's default /dev/shm

CLONE_NEWNS, MS_REC, MS_PRIVATE, MS_NOSUID, MS_NODEV = 0x00020000, 0x4000, 1 << 18, 2, 4
AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY, SYS_MOUNT_SETATTR = -100, 0x8000, 1, 442
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4

libc = ctypes.CDLL(None, use_errno=True)


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _ok(result: int, what: str) -> None:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _own_mounts() -> None:
    _ok(libc.unshare(CLONE_NEWNS), "unshare")
    _ok(libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "make / private")
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    _ok(libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, b"/sys/fs/cgroup", AT_RECURSIVE, ctypes.byref(attr),
                     ctypes.sizeof(attr)), "read-only /sys/fs/cgroup")
    _ok(libc.mount(b"shm", b"/dev/shm", b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV),
                   f"size={SHM_BYTES},mode=1777".encode()), "a small /dev/shm")


def _docker_capabilities() -> None:
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        if cap not in DOCKER_CAPABILITIES:
            _ok(libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0), f"drop capability {cap}")
    _ok(libc.prctl(PR_CAP_AMBIENT, ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0), "clear ambient")
    mask = sum(1 << cap for cap in DOCKER_CAPABILITIES)
    data = (_Data * 2)(_Data(mask & 0xFFFFFFFF, mask & 0xFFFFFFFF, 0), _Data(mask >> 32, mask >> 32, 0))
    _ok(libc.capset(ctypes.byref(_Header(0x20080522, 0)), data), "capset")


def main() -> None:
    if os.geteuid() != 0 or sys.platform != "linux":
        sys.exit("emulate_container: needs root on Linux")
    group, _ = cgroup.create(CONTAINER_MEMORY, 4096, cpus=2)  # the container's own limit, as Docker sets one
    pid = os.fork()
    if pid == 0:
        if group is not None:
            cgroup.join(group.join_files())
        _own_mounts()
        _docker_capabilities()
        seccomp.install(refused=DOCKER_REFUSED, network=True)  # and no namespaces, clone3 answered ENOSYS
        os.environ["EXERCISE_EMULATED_CONTAINER"] = "1"
        os.execvp(sys.argv[1], sys.argv[1:])
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda received, _frame: os.kill(pid, received))
    _, status = os.waitpid(pid, 0)
    if group is not None:
        group.remove()
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
