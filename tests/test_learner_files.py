"""No learner work lost: `init --force` and `reset` never write through a symlink, keep a whole
backup or none, and answer a read-only or full folder with one line (exit 2) and the file as it
was; the quiz says when its result could not be saved. Real files; small tmpfs mounts for the disks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from procs import fill, remount_ro, tmpfs
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.course import load_exercise
from exercise_cli.tutor.quiz import load_quiz
from exercise_cli.tutor.state import load_state

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
STARTER = load_exercise().starter
MINE = "# my work: three hours of it\n"
RIGHT_ANSWERS = ",".join(chr(ord("a") + question.answer) for question in load_quiz(load_exercise())[0])


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def _only_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.mark.parametrize("command", [["init", "--force"], ["reset", "--yes"]])
def test_a_symlinked_starter_is_replaced_not_written_through(tmp_path: Path, command: list[str]) -> None:
    dags, elsewhere = tmp_path / "dags", tmp_path / "elsewhere"
    dags.mkdir()
    elsewhere.mkdir()
    (elsewhere / "work.py").write_text(MINE)
    (dags / STARTER).symlink_to(elsewhere / "work.py")
    result = run(command[0], str(dags), *command[1:])
    assert result.exit_code == 0, result.output
    assert (elsewhere / "work.py").read_text() == MINE  # the file the link pointed to is untouched
    assert not (dags / STARTER).is_symlink() and (dags / STARTER).read_text() == load_exercise().starter_path.read_text()
    backups = list(dags.glob("*.bak"))
    assert len(backups) == 1 and not backups[0].is_symlink() and backups[0].read_text() == MINE
    assert sorted(p.name for p in dags.iterdir()) == sorted([STARTER, backups[0].name, ".exercise-state.json"])


def test_a_dangling_symlink_is_kept_by_init_and_replaced_by_reset(tmp_path: Path) -> None:
    dags, elsewhere = tmp_path / "dags", tmp_path / "elsewhere"
    dags.mkdir()
    elsewhere.mkdir()
    (dags / STARTER).symlink_to(elsewhere / "gone.py")
    result = run("init", str(dags))
    assert result.exit_code == 1 and "already exists" in result.output
    assert (dags / STARTER).is_symlink()
    result = run("reset", str(dags), "--yes")
    assert result.exit_code == 0, result.output
    assert not (dags / STARTER).is_symlink() and (dags / STARTER).read_text() == load_exercise().starter_path.read_text()
    assert list(elsewhere.iterdir()) == []  # nothing created where the link pointed


@pytest.mark.parametrize("command", [["init", "--force"], ["reset", "--yes"], ["init"]])
def test_a_read_only_folder_is_one_line_and_the_file_stays(command: list[str]) -> None:
    with tmpfs("1m") as mount:
        dags = mount / "dags"
        if command != ["init"]:
            dags.mkdir()
            (dags / STARTER).write_text(MINE)
        remount_ro(mount)
        result = run(command[0], str(dags), *command[1:])
        assert result.exit_code == 2
        line = _only_line(result)
        assert line.startswith("error: cannot write into") and "Read-only file system" in line
        if command != ["init"]:
            assert [p.name for p in dags.iterdir()] == [STARTER] and (dags / STARTER).read_text() == MINE


def test_a_full_folder_keeps_the_learners_file_and_no_partial_backup() -> None:
    with tmpfs("256k") as mount:
        dags = mount / "dags"
        dags.mkdir()
        (dags / STARTER).write_text(MINE * 2000)  # about 60 KiB: its backup cannot fit
        filler = fill(mount, leave=8192)
        result = run("init", str(dags), "--force")
        assert result.exit_code == 2
        line = _only_line(result)
        assert "No space left on device" in line and f"{STARTER} is unchanged" in line
        assert [p.name for p in dags.iterdir()] == [STARTER] and (dags / STARTER).read_text() == MINE * 2000
        filler.unlink()


def test_a_backup_that_fits_and_a_starter_that_does_not() -> None:
    """Room for the backup but not for the starter: the learner's file stays, the backup is whole, both said."""
    with tmpfs("256k") as mount:
        dags = mount / "dags"
        dags.mkdir()
        (dags / STARTER).write_text("x" * 20)
        fill(mount, leave=4096)  # one page of tmpfs: the 20-byte backup takes it, the starter finds none
        result = run("reset", str(dags), "--yes")
        assert result.exit_code == 2
        line = _only_line(result)
        assert f"{STARTER} is unchanged" in line and "a copy was saved as" in line
        backups = list(dags.glob("*.bak"))
        assert len(backups) == 1 and backups[0].read_text() == "x" * 20 and (dags / STARTER).read_text() == "x" * 20
        assert not list(dags.glob(".*.tmp"))


def test_the_quiz_says_when_its_result_could_not_be_saved() -> None:
    with tmpfs("1m") as mount:
        dags = mount / "dags"
        dags.mkdir()
        remount_ro(mount)
        result = run("quiz", "--dags", str(dags), "--answers", RIGHT_ANSWERS)
        assert result.exit_code == 2
        assert "could not be saved" in result.output and "does not count it" in result.output
        assert "Traceback" not in result.output
        assert load_state(dags) == {}


def test_the_quiz_result_saved_is_said_as_before(tmp_path: Path) -> None:
    result = run("quiz", "--dags", str(tmp_path), "--answers", RIGHT_ANSWERS)
    assert result.exit_code == 0 and "could not be saved" not in result.output
    assert load_state(tmp_path)["quiz_passed"] is True and os.path.isfile(tmp_path / ".exercise-state.json")
