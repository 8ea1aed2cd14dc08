"""The learner's progress file, as the CLI meets it running as root (an autograder, an instructor):
read only as a small regular file, never through a link, never blocking; written by rename as a 0600
file of the folder's owner; not read at all with --exercise; nothing written into a folder root only grades."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO
from exercise_cli.tutor.state import STATE_FILE, find_exercise_folder, load_state, recorded_exercise, save_state
from test_learner_loop import EXERCISE

LEARNER = 65534  # nobody: a folder root grades but does not own
SECRET = "TOPSECRET-of-root"
PASSING_5_1 = REPO / "tests" / "submissions" / "exercise_5_1" / "passes_classic_operators"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="what root does in a learner's folder")


def _secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "root-only.json"
    secret.write_text(json.dumps({"exercise": "5.1", "progress": {"5.1": {"note": SECRET, "quiz_passed": True}}}))
    secret.chmod(0o600)
    return secret


def _hostile(tmp_path: Path, kind: str) -> Path:
    """A learner's folder whose state file is `kind`."""
    folder = tmp_path / kind
    folder.mkdir()
    state = folder / STATE_FILE
    if kind == "dev_zero":
        state.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(state)
    elif kind == "link_to_fifo":
        os.mkfifo(tmp_path / "a-fifo")
        state.symlink_to(tmp_path / "a-fifo")
    elif kind == "root_only_file":
        state.symlink_to(_secret_file(tmp_path))
    elif kind == "directory":
        state.mkdir()
    elif kind == "huge":
        with open(state, "wb") as f:
            f.write(b'{"exercise": "5.2", "progress": {}, "pad": "')
            f.truncate(3 * 2**30)  # sparse: 3 GiB that cost no disk
    return folder


KINDS = ["dev_zero", "fifo", "link_to_fifo", "root_only_file", "directory", "huge"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_state_file_reads_as_no_progress_at_once(tmp_path: Path, kind: str) -> None:
    folder = _hostile(tmp_path, kind)
    started = time.monotonic()
    assert load_state(folder) == {} and recorded_exercise(folder) is None
    assert time.monotonic() - started < 2


@as_root
@pytest.mark.parametrize("kind", ["dev_zero", "link_to_fifo", "root_only_file", "huge"])
def test_a_write_replaces_the_hostile_file_with_the_learners_own(tmp_path: Path, kind: str) -> None:
    folder = _hostile(tmp_path, kind)
    os.chown(folder, LEARNER, LEARNER)
    save_state(folder, exercise="5.1", hints_seen=1)
    state = folder / STATE_FILE
    info = os.lstat(state)
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert (info.st_uid, info.st_gid) == (LEARNER, LEARNER)
    assert SECRET not in state.read_text() and load_state(folder)["hints_seen"] == 1
    if kind == "root_only_file":  # what the link pointed to is untouched
        assert SECRET in (tmp_path / "root-only.json").read_text()
    assert sorted(p.name for p in folder.iterdir()) == [STATE_FILE]  # no temporary left


@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_never_hangs_grows_or_copies_on_a_hostile_state_file(tmp_path: Path, kind: str) -> None:
    folder = _hostile(tmp_path, kind)
    shutil.copy(PASSING_5_1 / "dags.py", folder / "dags.py")
    for args in (["list", "--dags", str(folder)], ["hint", "--dags", str(folder)],
                 ["check", str(folder), "--static", "--exercise", "5.1"]):
        result = subprocess.run([EXERCISE, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                                env={**os.environ, "COLUMNS": "100"})
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr and SECRET not in result.stdout + result.stderr, args
    for path in folder.iterdir():
        if path.name != "dags.py" and stat.S_ISREG(os.lstat(path).st_mode):
            assert SECRET not in path.read_text(errors="replace")


def _snapshot(folder: Path) -> dict[str, tuple]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}


@as_root
def test_root_grading_a_learners_folder_writes_nothing_into_it(tmp_path: Path) -> None:
    """`check --exercise` (how run_autograder and Classroom call it) reads no progress, so a forged quiz
    pass counts for nothing; a check of a folder another user owns records nothing in it."""
    folder = tmp_path / "learner"
    shutil.copytree(PASSING_5_1, folder)
    (folder / STATE_FILE).write_text(json.dumps({"exercise": "5.1", "progress": {"5.1": {"quiz_passed": True}}}))
    for path in (folder, *folder.iterdir()):
        os.chown(path, LEARNER, LEARNER)
    before = _snapshot(folder)
    forged = subprocess.run([EXERCISE, "check", str(folder), "--static", "--json", "--exercise", "5.1"],
                            capture_output=True, text=True, timeout=120)
    understanding = {c["id"]: c for c in json.loads(forged.stdout)["criteria"]}["understanding"]
    assert understanding["status"] != "passed"  # the learner's own file said the quiz was passed
    full = subprocess.run([EXERCISE, "check", str(folder)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "100"})
    assert full.returncode == 0, full.stdout + full.stderr
    assert _snapshot(folder) == before


def test_the_exercise_folder_is_found_upward_and_only_as_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_exercise_folder(tmp_path / "a" / "b") is None
    (tmp_path / "a" / STATE_FILE).symlink_to("/dev/zero")
    assert find_exercise_folder(tmp_path / "a" / "b") is None  # a link marks nothing
    (tmp_path / "a" / STATE_FILE).unlink()
    save_state(tmp_path / "a", exercise="5.2", record=True)
    assert find_exercise_folder(tmp_path / "a" / "b") == Path("..")
    assert find_exercise_folder(tmp_path / "a") == Path(".")
