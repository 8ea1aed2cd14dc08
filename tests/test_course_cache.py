"""The built-in course kept between commands (exercise_cli/course_cache.py): read back without pydantic,
the same course as read from its files, read again when the install changed, and never trusted when it
is not this user's alone or names anything but the course's records."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from exercise_cli import course_cache
from exercise_cli.course import Course
from exercise_cli.course_build import read_course

_LOAD = """
import json, sys
from exercise_cli.course import load_course
course = load_course()
print(json.dumps({"pydantic": "pydantic" in sys.modules, "ids": list(course.exercise_ids),
                  "checks": {i: [c.id for c in course.exercise(i).checks] for i in course.exercise_ids},
                  "live": {i: [case.fixture for case in course.exercise(i).live] for i in course.exercise_ids}}))
"""


def _load_in_a_new_process(cache: Path) -> dict:
    env = {**os.environ, "EXERCISE_CACHE_DIR": str(cache)}
    env.pop("EXERCISE_COURSE", None)
    done = subprocess.run([sys.executable, "-c", _LOAD], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _kept_file(cache: Path) -> Path:
    (found,) = cache.glob("course-*.pickle")
    return found


def test_the_second_command_reads_the_kept_course_without_pydantic(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _load_in_a_new_process(cache)
    assert first["pydantic"] is True  # read from the files: validated
    assert _kept_file(cache).stat().st_mode & 0o777 == 0o600
    second = _load_in_a_new_process(cache)
    assert second["pydantic"] is False
    assert {k: v for k, v in second.items() if k != "pydantic"} == {k: v for k, v in first.items() if k != "pydantic"}


def test_the_kept_course_is_the_course_its_files_make(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    fresh = read_course(None)  # from the files, each exercise built when asked for
    whole = dataclasses.replace(fresh, built={i: fresh.exercise(i) for i in fresh.exercise_ids})
    assert course_cache.kept(lambda: (whole, True)) is whole  # nothing kept yet: read, then kept
    kept = course_cache.kept(lambda: (_ for _ in ()).throw(AssertionError("read again")))
    assert kept == fresh and kept is not whole
    for exercise_id in fresh.exercise_ids:
        assert kept.exercise(exercise_id) == fresh.exercise(exercise_id)


def _a_course(title: str) -> Course:
    return Course(title=title, exercise_ids=("5.1",), folders={"5.1": "exercise_5_1"})


def test_a_course_kept_by_another_install_is_read_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    course_cache.kept(lambda: (_a_course("kept"), True))
    path = _kept_file(tmp_path)
    key, course = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(("0.0.1+another " + key, course)))
    assert course_cache.kept(lambda: (_a_course("read"), True)).title == "read"
    assert pickle.loads(path.read_bytes())[0] == key  # and kept under this install's key


def test_a_course_with_an_exercise_that_does_not_build_is_not_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    assert course_cache.kept(lambda: (_a_course("partial"), False)).title == "partial"
    assert list(tmp_path.glob("course-*")) == []


class _RunsACommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_kept_file_naming_anything_but_course_records_is_never_made(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    course_cache.kept(lambda: (_a_course("kept"), True))
    path = _kept_file(tmp_path)
    key, _ = pickle.loads(path.read_bytes())
    marker = tmp_path / "ran"
    path.write_bytes(pickle.dumps((key, _RunsACommand(marker))))
    assert course_cache.kept(lambda: (_a_course("read"), True)).title == "read"
    assert not marker.exists()


def test_a_kept_file_others_may_write_is_not_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    course_cache.kept(lambda: (_a_course("kept"), True))
    _kept_file(tmp_path).chmod(0o666)
    assert course_cache.kept(lambda: (_a_course("read"), True)).title == "read"


def test_nothing_is_kept_in_a_folder_others_may_write(tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(shared))
    assert course_cache.kept(lambda: (_a_course("read"), True)).title == "read"
    assert list(shared.iterdir()) == []


def test_a_damaged_kept_file_is_read_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EXERCISE_CACHE_DIR", str(tmp_path))
    course_cache.kept(lambda: (_a_course("kept"), True))
    path = _kept_file(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    assert course_cache.kept(lambda: (_a_course("read"), True)).title == "read"


_COMMAND = """
import atexit, sys
atexit.register(lambda: print("pydantic imported:", "pydantic" in sys.modules, file=sys.stderr))
sys.argv = ["exercise", "list"]
from exercise_cli.app import main
main()
"""


def test_a_command_after_the_first_imports_no_pydantic(tmp_path: Path) -> None:
    """Neither the course (kept) nor the command line (Typer 0.28, pinned: 0.29 parses every option through
    pydantic) imports it: 0.15-0.4 s of each `check` before the warm server heard of it."""
    env = {**os.environ, "EXERCISE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("EXERCISE_COURSE", None)
    said = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", _COMMAND], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "5.1" in done.stdout
        said.append(done.stderr.strip().splitlines()[-1])
    assert said == ["pydantic imported: True", "pydantic imported: False"]
