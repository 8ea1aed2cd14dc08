"""The machine's faults (a full or read-only disk, an unwritable cache, a missing output folder, a
folder nested past Python's recursion limit) are one line and exit 2, or an error row in `grade`:
never a failed check, never a traceback. Real disks: small tmpfs mounts (Linux, root)."""

from __future__ import annotations

import csv
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from procs import cli_env, error_lines, fill, run, start, tmpdir_of_its_own, tmpfs, wait_for  # noqa: F401 - a fixture

from conftest import SUBMISSIONS, class_folder
from exercise_cli.course import load_exercise
from exercise_cli.grading.template_db import airflow_version

SOLUTION = str(load_exercise().solution_dir)


def _one_error_line(result, *words: str) -> None:
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_a_nearly_full_tmpdir_is_one_line_not_a_failed_check(tmp_path: Path) -> None:
    with tmpfs("24m", fill_to=4 * 2**20) as tmpdir:
        before = sorted(p.name for p in tmpdir.iterdir())
        result = run(["check", "--static", SOLUTION], cli_env(tmpdir))
        assert result.returncode == 2
        _one_error_line(result, str(tmpdir), "No space left on device", "TMPDIR")
        assert sorted(p.name for p in tmpdir.iterdir()) == before  # no half-made throwaway folder


def test_report_files_into_a_read_only_folder_are_one_line(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    with tmpfs("1m", read_only=True) as out:
        result = run(["check", "--static", SOLUTION, "--junit", str(out / "report.xml")], cli_env(tmpdir_of_its_own))
        assert result.returncode == 2
        _one_error_line(result, "report.xml", "Read-only file system")


def test_a_disk_that_fills_during_grading_is_the_machines_fault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check starts with room, then the disk fills: the grading process dies, and that is an
    OSError for the CLI's one line (or the batch's error row), not a failed files_import."""
    from exercise_cli.grading.grader import grade

    with tmpfs("24m") as tmpdir:
        monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
        fillers: list[Path] = []

        def fill_the_disk(event: object) -> None:
            if not fillers:
                fillers.append(fill(tmpdir))

        with pytest.raises(OSError) as raised:
            grade(SOLUTION, static=True, on_event=fill_the_disk)
        assert raised.value.errno == errno.ENOSPC and fillers
        assert [p.name for p in tmpdir.iterdir()] == [fillers[0].name]  # the throwaway folder went


def test_an_unwritable_cache_is_one_line(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    with tmpfs("1m", read_only=True) as cache:
        result = run(["check", SOLUTION], cli_env(tmpdir_of_its_own, EXERCISE_CACHE_DIR=str(cache)))
    assert result.returncode == 2
    _one_error_line(result, "cannot build the metadata DB template", "Read-only file system", "EXERCISE_CACHE_DIR")
    assert not list(tmpdir_of_its_own.iterdir())


def test_grade_into_a_missing_folder_is_one_line(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_cron_schedule"})
    result = run(["grade", str(folder), "--static", "--csv", str(tmp_path / "no" / "grades.csv")], cli_env(tmpdir_of_its_own))
    assert result.returncode == 2
    _one_error_line(result, "grades.csv", "No such file or directory")


def test_grade_records_a_submission_the_machine_could_not_grade_and_exits_2(tmp_path: Path) -> None:
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_cron_schedule", "bob": SUBMISSIONS / "fails_wrong_tags"})
    gradebook = tmp_path / "grades.csv"
    with tmpfs("24m", fill_to=4 * 2**20) as tmpdir:
        result = run(["grade", str(folder), "--static", "--jobs", "1", "--csv", str(gradebook)], cli_env(tmpdir))
    assert result.returncode == 2, result.stdout + result.stderr
    _one_error_line(result, "2 of 2 submissions could not be graded")
    rows = {row["submission"]: row for row in csv.DictReader(gradebook.open(encoding="utf-8"))}
    assert set(rows) == {"alice", "bob"}
    for row in rows.values():
        assert "No space left on device" in row["error"] and row["passed"] == "False"


def test_a_folder_nested_past_the_recursion_limit_is_one_line(tmp_path: Path, tmpdir_of_its_own: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "deep"
    shutil.copytree(SUBMISSIONS / "passes_cron_schedule", deep)
    monkeypatch.chdir(deep)  # 1,100 levels: each mkdir relative, so no path is longer than PATH_MAX (cwd restored after)
    try:
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.py").write_text("x = 1\n")
    finally:
        os.chdir(tmp_path)
    result = run(["check", "--static", str(deep)], cli_env(tmpdir_of_its_own))
    assert result.returncode == 2
    _one_error_line(result, "nests folders more than 64 deep")
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_cron_schedule"})
    os.rename(deep, folder / "mallory")
    result = run(["grade", str(folder), "--static", "--jobs", "1", "--csv", str(tmp_path / "g.csv")], cli_env(tmpdir_of_its_own))
    assert result.returncode == 2 and "RecursionError" not in result.stdout + result.stderr
    rows = {row["submission"]: row for row in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert rows["alice"]["passed"] == "True" and "nests folders" in rows["mallory"]["error"]
    subprocess.run(["rm", "-rf", str(folder / "mallory")], check=True)  # shutil.rmtree (pytest's clean-up) recurses too


def test_template_is_built_once_by_checks_that_start_together(tmp_path: Path) -> None:
    """Three processes ask for the template at once: one `airflow db migrate` (one build folder) under
    the lock; the others wait and use it. A stale build folder of a dead build is removed."""
    cache = tmp_path / "cache"
    version_dir = cache / f"airflow-{airflow_version()}"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = version_dir / f"build-{dead.pid}-stale"
    stale.mkdir(parents=True)
    (stale / "airflow.db").write_text("half-built")
    env = {**os.environ, "EXERCISE_CACHE_DIR": str(cache)}
    code = "from exercise_cli.grading.template_db import ensure_template; print(ensure_template())"
    builders = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    seen: set[str] = set()
    while any(b.poll() is None for b in builders):
        seen |= {p.name for p in version_dir.glob("build-*")}
        time.sleep(0.05)
    outputs = [b.communicate()[0].strip() for b in builders]
    assert [b.returncode for b in builders] == [0, 0, 0]
    assert outputs == [str(version_dir / "airflow.db")] * 3
    assert len(seen - {stale.name}) == 1, seen
    assert not list(version_dir.glob("build-*"))
    assert (version_dir / "airflow.db").stat().st_size > 100_000



def test_watch_says_a_full_tmpdir_and_keeps_watching(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    shutil.copytree(SUBMISSIONS / "passes_cron_schedule", dags)
    with tmpfs("24m", fill_to=4 * 2**20) as tmpdir:
        proc = start(["watch", str(dags)], cli_env(tmpdir))
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
        reader.start()
        try:
            wait_for(lambda: any(line.startswith("error: ") and "No space left on device" in line for line in output),
                     timeout=60, what="the check's error line")
            wait_for(lambda: any("watching" in line for line in output), timeout=10, what="watch to go on")
            assert proc.poll() is None
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        assert proc.returncode == 143 and "Traceback" not in "".join(output) + err


# --- gradebooks survive every fault (issue 23) ---

YESTERDAY_CSV = "submission,score\nalice,5\n"
YESTERDAY_JSON = '[{"submission": "alice", "score": 5}]'


def _yesterdays_gradebooks(folder: Path) -> tuple[Path, Path]:
    csv_path, json_path = folder / "grades.csv", folder / "grades.json"
    csv_path.write_text(YESTERDAY_CSV)
    json_path.write_text(YESTERDAY_JSON)
    return csv_path, json_path


def _kept_byte_for_byte(csv_path: Path, json_path: Path) -> None:
    assert csv_path.read_bytes() == YESTERDAY_CSV.encode() and json_path.read_bytes() == YESTERDAY_JSON.encode()
    assert sorted(p.name for p in csv_path.parent.iterdir() if p.name.startswith(".grades")) == []  # no temporary file left


def test_a_run_that_grades_nothing_leaves_gradebooks_as_they_were(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    """Refused (a folder of stray entries only; a broken template build), the gradebooks are yesterday's, byte for byte."""
    csv_path, json_path = _yesterdays_gradebooks(tmp_path)
    strays = tmp_path / "strays"
    strays.mkdir()
    (strays / "notes.txt").write_text("x")
    result = run(["grade", str(strays), "--csv", str(csv_path), "--json", str(json_path)], cli_env(tmpdir_of_its_own))
    assert result.returncode == 2 and "no submissions" in result.stderr and "notes.txt" in result.stderr
    _kept_byte_for_byte(csv_path, json_path)

    from exercise_cli.grading.batch import Gradebook, Row

    book = Gradebook(csv_path, json_path, listed=[Row("notes.txt", error="not a submission")])
    book.close()  # the run ends before any row is graded: the listed rows alone are never written
    _kept_byte_for_byte(csv_path, json_path)
    assert "left as" in book.kept() and "nothing was graded" in book.kept()


def test_ctrl_c_while_the_warm_process_starts_keeps_yesterdays_gradebooks(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    csv_path, json_path = _yesterdays_gradebooks(tmp_path)
    folder = class_folder(tmp_path, {name: SUBMISSIONS / "passes_cron_schedule" for name in ("a", "b")})
    proc = start(["grade", str(folder), "--csv", str(csv_path), "--json", str(json_path)], cli_env(tmpdir_of_its_own))
    wait_for(lambda: list(tmpdir_of_its_own.glob("exercise-forkserver-*")), timeout=60, what="the warm process to start")
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert error_lines(err)[-1].startswith("error: interrupted (SIGINT): nothing was graded, so "), err
    assert "left as they were" in err and "Traceback" not in err
    _kept_byte_for_byte(csv_path, json_path)


def test_a_disk_that_fills_stops_the_run_at_once_naming_the_gradebook(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    """The gradebooks' disk fills after the first row: the run stops within seconds (queued work cancelled,
    the one under way killed), exit 2, the file named and its row count said; the file on disk is whole."""
    folder = class_folder(tmp_path, {f"s{i:02}.py": SUBMISSIONS / "passes_cron_schedule" / "dags.py" for i in range(16)})
    with tmpfs("1m") as disk:
        csv_path = disk / "grades.csv"
        proc = start(["grade", str(folder), "--static", "--jobs", "1", "--csv", str(csv_path)], cli_env(tmpdir_of_its_own))
        wait_for(lambda: csv_path.exists(), timeout=120, what="the first row")
        fill(disk)
        filled = time.monotonic()
        out, err = proc.communicate(timeout=120)
        stopped_after = time.monotonic() - filled
        rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert proc.returncode == 2, err
    lines = error_lines(err)
    assert len(lines) == 1 and "Traceback" not in out + err, err
    assert f"{csv_path}: No space left on device" in lines[0] and "cancelled" in lines[0], lines[0]
    assert f"{csv_path} holds {len(rows)} row" in lines[0], lines[0]
    assert 1 <= len(rows) < 16 and all(r["passed"] == "True" for r in rows)
    assert stopped_after < 15, f"grading went on {stopped_after:.0f} s after the disk filled"
    assert list(tmpdir_of_its_own.iterdir()) == []  # the cancelled checks' folders are gone too


def test_writing_a_big_gradebook_is_linear_not_quadratic(tmp_path: Path) -> None:
    """2,000 rows arriving as fast as they can: rewriting whole after each cost 217 s; the budget keeps the
    total near one write per row's share, and the files end whole, sorted, with every row."""
    from exercise_cli.grading.batch import Gradebook, Row

    book = Gradebook(tmp_path / "grades.csv", tmp_path / "grades.json")
    message = "consumer never ran: the scheduler made no run of exercise_5_1_consumer (dags/consumer.py:12) " * 3
    started = time.monotonic()
    for i in reversed(range(2000)):
        book.add(Row(f"learner-{i:04}", 2, 5, False, {"registered": "passed", "auto_trigger": "failed"},
                     {"auto_trigger": message}, 12.5))
    book.close()
    spent = time.monotonic() - started
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    assert [r["submission"] for r in rows] == [f"learner-{i:04}" for i in range(2000)]
    import json

    assert len(json.loads((tmp_path / "grades.json").read_text())) == 2000
    assert spent < 30, f"2,000 rows took {spent:.0f} s to keep"


def test_a_gradebook_that_cannot_be_written_is_said_before_any_grading(tmp_path: Path, tmpdir_of_its_own: Path) -> None:
    folder = class_folder(tmp_path, {"alice": SUBMISSIONS / "passes_cron_schedule"})
    with tmpfs("1m", read_only=True) as out:
        result = run(["grade", str(folder), "--static", "--csv", str(out / "grades.csv")], cli_env(tmpdir_of_its_own))
    assert result.returncode == 2
    _one_error_line(result, "grades.csv", "Read-only file system")
    assert list(tmpdir_of_its_own.iterdir()) == []  # nothing was graded: no warm process, no check was started
