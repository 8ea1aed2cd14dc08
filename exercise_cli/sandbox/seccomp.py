"""The system-call filter every sandboxed child installs last, after no_new_privs (Linux, libseccomp).

It refuses what a DAG or a task never needs and what an escape or a denial of service would use:
network sockets (every family but AF_UNIX), tracing and reading other processes' memory, mounts,
namespaces and the kernel's keyring, BPF, perf, io_uring, memory files (memory no rlimit counts),
kernel modules, and terminal input injection. A refused call fails with EPERM (clone3 with ENOSYS,
so the C library falls back to clone, whose namespace flags are refused in turn). Calls made for
another architecture's ABI kill the process (libseccomp's default for a foreign architecture).

libseccomp is used through ctypes: it resolves names to this architecture's numbers. Where it is
missing, `unavailable_reason()` says so and the tiers that need the filter are not offered.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import sys

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_NE, SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ = 1, 4, 7
AF_UNIX = 1
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x00000080)

REFUSED = (
    # other processes and the kernel's own objects
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    # memory that address-space limits do not count
    "memfd_create", "memfd_secret",
    # mounts, namespaces, the root
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "move_mount", "mount_setattr",
    "open_by_handle_at", "name_to_handle_at",
    # the machine
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "sethostname", "setdomainname", "syslog", "vhangup",
    "iopl", "ioperm",
)
WHAT_IT_BLOCKS = "network sockets, tracing, mounts, namespaces, memory files"


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def _errno_action(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


def _load_library() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    for name in ("libseccomp.so.2", ctypes.util.find_library("seccomp")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name, use_errno=True)
        except OSError:
            continue
        lib.seccomp_init.restype = ctypes.c_void_p
        lib.seccomp_init.argtypes = [ctypes.c_uint32]
        lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                               ctypes.POINTER(_ArgCmp)]
        lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        lib.seccomp_load.argtypes = [ctypes.c_void_p]
        lib.seccomp_release.argtypes = [ctypes.c_void_p]
        return lib
    return None


_lib = _load_library()


def unavailable_reason() -> str | None:
    if sys.platform != "linux":
        return f"system-call filters need Linux; this is {sys.platform}"
    if _lib is None:
        return "libseccomp (libseccomp.so.2) is not installed"
    return None


def install(refused: tuple[str, ...] = REFUSED, network: bool = False) -> None:
    """Install the filter on this process (after PR_SET_NO_NEW_PRIVS). Raises OSError.

    `refused` and `network` are for tests/emulate_container.py, which installs Docker's profile.
    """
    if _lib is None:
        raise OSError(errno.ENOSYS, unavailable_reason() or "no libseccomp")
    ctx = _lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        raise OSError(errno.ENOMEM, "seccomp_init failed")
    try:
        deny = _errno_action(errno.EPERM)
        for name in refused:
            _rule(ctx, deny, name)
        if not network:
            for name in ("socket", "socketpair"):
                _rule(ctx, deny, name, _ArgCmp(0, SCMP_CMP_NE, AF_UNIX, 0))
            for request in (TIOCSTI, TIOCLINUX):
                _rule(ctx, deny, "ioctl", _ArgCmp(1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFF, request))
        _refuse_namespaces(ctx)
        result = _lib.seccomp_load(ctx)
        if result < 0:
            raise OSError(-result, f"seccomp_load: {errno.errorcode.get(-result, result)}")
    finally:
        _lib.seccomp_release(ctx)


def _refuse_namespaces(ctx: int) -> None:
    """clone with any CLONE_NEW* flag (x86_64 and arm64 both pass the flags first); clone3 looks absent."""
    deny = _errno_action(errno.EPERM)
    for flag in CLONE_NEW_FLAGS:
        _rule(ctx, deny, "clone", _ArgCmp(0, SCMP_CMP_MASKED_EQ, flag, flag))
    _rule(ctx, _errno_action(errno.ENOSYS), "clone3")


def _rule(ctx: int, action: int, name: str, *compare: _ArgCmp) -> None:
    number = _lib.seccomp_syscall_resolve_name(name.encode())
    if number < 0:  # not a call on this architecture: nothing to refuse
        return
    array = (_ArgCmp * len(compare))(*compare) if compare else None
    result = _lib.seccomp_rule_add_array(ctx, action, number, len(compare), array)
    if result < 0:
        raise OSError(-result, f"seccomp rule for {name}: {errno.errorcode.get(-result, result)}")
