"""Each sandbox tier this machine allows, entered for real in a forked child: what it takes away.

The child reports what it could do as JSON on a pipe; the test decides. Tiers this machine (or an
emulated container, tests/test_hostile_in_container.py) cannot give are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from pathlib import Path

import pytest

from exercise_cli.sandbox import cgroup, jail


def _tier_or_skip(tier: str) -> None:
    got, why_not = jail.choose_tier(tier)
    if got != tier:
        pytest.skip(f"no {tier} tier here: {why_not}")


def _attempts() -> dict[str, str]:
    """What learner code would try; each entry is 'ok' or the error it got."""
    def try_(action) -> str:
        try:
            action()
            return "ok"
        except Exception as exc:  # noqa: BLE001 - the error is the answer
            return f"{type(exc).__name__}: {exc}"

    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    import resource

    return {
        "uid": str(os.getuid()),
        "seccomp": status["Seccomp"].strip(),
        "no_new_privs": status["NoNewPrivs"].strip(),
        "capabilities": status["CapEff"].strip(),
        "open_files": str(resource.getrlimit(resource.RLIMIT_NOFILE)[0]),
        "inet_socket": try_(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()),
        "inet6_socket": try_(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()),
        "unix_socket": try_(lambda: socket.socket(socket.AF_UNIX).close()),
        "memfd": try_(lambda: os.close(os.memfd_create("x"))),
        "new_namespace": try_(lambda: _unshare_user()),
        "write_scratch": try_(lambda: Path("written").write_text("x")),
        "import_after_entering": try_(lambda: __import__("wave")),
    }


def _unshare_user() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _enter_and_report(sandbox: jail.Jail, extra=None) -> dict[str, str]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            jail.enter(sandbox, keep_fds={write})
            said = _attempts()
            if extra:
                said.update(extra())
            os.write(write, json.dumps(said).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    jail.reap(sandbox.uid)
    return json.loads(data)


@pytest.fixture
def grading_root(tmp_path: Path):
    """A grading's folders laid out as the grader lays them out as root (see grading/grader.py)."""
    uid = jail.allocate_uid() if os.geteuid() == 0 else os.getuid()
    root = Path(tempfile.mkdtemp(prefix="exercise-check-"))
    home, scratch = root / "home", root / "scratch"
    home.mkdir(mode=0o700)
    (home / "secret").write_text("the trusted side's")
    scratch.mkdir(mode=0o700)
    if os.geteuid() == 0:
        os.chown(root, 0, uid)
        os.chmod(root, 0o750)
        os.chown(scratch, uid, uid)
    yield uid, root, home, scratch
    jail.sweep_files(uid)
    import shutil

    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("tier", jail.SANDBOX_TIERS)
def test_a_tier_takes_away_network_privileges_and_memory_files(tier: str, grading_root) -> None:
    _tier_or_skip(tier)
    uid, root, home, scratch = grading_root
    said = _enter_and_report(jail.Jail(scratch=str(scratch), hidden=(str(home),), uid=uid, tier=tier),
                             lambda: {"trusted_home": _read(home / "secret")})
    assert said["seccomp"] == "2" and said["no_new_privs"] == "1"
    assert int(said["capabilities"], 16) == 0
    assert said["open_files"] == str(jail.Limits().open_files)
    for refused in ("inet_socket", "inet6_socket", "memfd", "new_namespace"):
        assert said[refused].startswith(("PermissionError", "OSError")), (refused, said[refused])
    assert said["unix_socket"] == "ok"  # Airflow's supervisor talks to its task over one
    assert said["write_scratch"] == "ok" and said["import_after_entering"] == "ok"
    assert said["trusted_home"] != "the trusted side's"
    if os.geteuid() == 0:
        assert int(said["uid"]) == uid


@pytest.mark.skipif(os.geteuid() != 0, reason="a uid of its own needs root")
def test_the_container_tier_reaches_python_behind_a_closed_folder_and_cleans_up(grading_root) -> None:
    """As root, Python may live in a 0700 /root: the child reaches it through fds opened before it dropped root,
    and what it writes where anyone may write is removed when its grading ends."""
    _tier_or_skip(jail.CONTAINER)
    uid, root, home, scratch = grading_root
    left = Path(tempfile.gettempdir()) / f"exercise-left-{uid}"
    said = _enter_and_report(jail.Jail(scratch=str(scratch), uid=uid, tier=jail.CONTAINER),
                             lambda: {"left": _write(left)})
    assert said["import_after_entering"] == "ok"
    if said["left"] == "ok":  # a shared writable folder: allowed, and swept
        assert str(left) in jail.sweep_files(uid) or not left.exists()
    assert not left.exists()


@pytest.mark.parametrize("tier", jail.SANDBOX_TIERS)
def test_a_tier_hides_the_course_but_what_a_child_needs_inside_it(tier: str, grading_root) -> None:
    """A course folder open to all (an instructor's, or a checkout holding the venv): inside the sandbox its
    solution and hints can be neither read nor listed, while a folder the child needs below it still can."""
    _tier_or_skip(tier)
    uid, root, home, scratch = grading_root
    course = Path(tempfile.mkdtemp(prefix="exercise-course-"))
    try:
        (course / "solution").mkdir()
        (course / "solution" / "dags.py").write_text("the reference solution")
        (course / "course.toml").write_text("the hints")
        (course / "needed").mkdir()
        (course / "needed" / "module.py").write_text("what Python imports")
        (course / "trusted").mkdir(mode=0o700)  # a TMPDIR inside the course folder: the trusted side's folder there
        for path in (course, course / "solution", course / "needed"):
            path.chmod(0o755)
        said = _enter_and_report(jail.Jail(scratch=str(scratch), uid=uid, tier=tier, course=(str(course),),
                                           readable=(str(course / "needed"),), hidden=(str(course / "trusted"),)),
                                 lambda: {"solution": _read(course / "solution" / "dags.py"),
                                          "hints": _read(course / "course.toml"),
                                          "listed": " ".join(sorted(_listed(course))),
                                          "needed": _read(course / "needed" / "module.py")})
    finally:
        import shutil

        shutil.rmtree(course)
    assert said["solution"].startswith(("FileNotFoundError", "PermissionError")), said["solution"]
    assert said["hints"].startswith(("FileNotFoundError", "PermissionError")), said["hints"]
    assert said["listed"] in ("needed trusted", "course.toml needed solution trusted"), said["listed"]  # names at most, never contents
    assert said["needed"] == "what Python imports"


def test_the_course_folders_cover_the_solutions_hints_and_checkout() -> None:
    folders = jail.course_folders()
    from exercise_cli.course import load_exercise

    exercise = load_exercise()
    for inside in (exercise.solution_dir, exercise.statement_path.parent, exercise.checks_dir):
        assert any(str(inside.resolve()).startswith(f + "/") for f in folders), (inside, folders)
    checkout = Path(jail.__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists():  # this run's grader is a checkout: its tests/ hold passing fixtures
        assert str(checkout) in folders


def _listed(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError as exc:
        return [type(exc).__name__]


@pytest.mark.skipif(os.geteuid() != 0, reason="control groups need root")
def test_a_control_group_bounds_the_children_together() -> None:
    group, why_not = cgroup.create(256 * 1024**2, 32)
    if group is None:
        pytest.skip(why_not)
    try:
        pid = os.fork()
        if pid == 0:
            try:
                cgroup.join(group.join_files())
                hoard = bytearray(512 * 1024**2)
                hoard[::4096] = b"x" * len(hoard[::4096])
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9
        assert group.oom_kills() >= 1
    finally:
        group.remove()
    assert not any(os.path.exists(folder) for folder in group.folders.values())


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


def _write(path: Path) -> str:
    try:
        path.write_text("left behind")
        return "ok"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
