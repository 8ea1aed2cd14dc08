"""Hostile submissions, named by what they attempt, graded for real in the sandbox.

Each must end with the right verdict, leave nothing running, write nothing outside its scratch
folder, make no connection, and leave the other submissions of a class folder as they were.
Where this machine cannot sandbox a child, these tests are skipped with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from conftest import SUBMISSIONS, TESTS, class_folder
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.course import load_exercise
from exercise_cli.grading.grader import grade
from exercise_cli.sandbox import cgroup, jail

HOSTILE = TESTS / "hostile"
TIER, WHY_NOT = jail.choose_tier()
pytestmark = pytest.mark.skipif(TIER == jail.PROCESS, reason=f"no sandbox here: {WHY_NOT}")
SANDBOX_UIDS = jail.SANDBOX_UID_BASE  # and up: see jail.allocate_uid()
MARKERS = (Path("/tmp/exercise-hostile-marker"), Path.home() / "exercise-hostile-marker")


def _left_running() -> list[str]:
    """Processes of this run's sandbox uids (as root), or the daemon fixture's `sleep 4242.5`, still on the machine."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        uid = int(status.split("Uid:")[1].split()[0])
        dead = status.split("State:")[1].split()[0] in ("Z", "X")  # a zombie waits for its reaper; it runs nothing
        # the daemon's sleep runs as a sandbox uid as root (ours), as the test's own uid otherwise (another run's
        # sleep, say the emulated container's running beside this one, has another run's uid)
        if not dead and (_ours(uid) or ("4242.5" in command and uid == os.getuid() != 0)):
            found.append(f"{pid} uid={uid} {command[:80]}")
    return found


def _ours(uid: int) -> bool:
    """A sandbox uid of a grading this test process started (jail.allocate_uid): other runs on the machine are not ours."""
    return uid >= SANDBOX_UIDS and (uid - SANDBOX_UIDS) >> 8 == os.getpid()


def _markers_left() -> list[Path]:
    """Marker files a grading of this test process wrote (by owner: the emulated container's run of this suite
    may be writing its own at the same paths at the same time, and sweeps them when its grading ends)."""
    found = []
    for marker in MARKERS:
        try:
            owner = marker.lstat().st_uid
        except OSError:
            continue
        if _ours(owner) or owner == os.getuid():
            found.append(marker)
    return found


def _graded(name: str, **options):
    report = grade(str(HOSTILE / name), task_timeout=30, **options)
    assert report.isolation == TIER
    assert _left_running() == []
    assert _markers_left() == []
    return report


def _messages(report) -> str:
    return json.dumps(report.to_dict())


def test_the_tier_is_the_one_this_machine_must_give() -> None:
    """tests/test_hostile_in_container.py runs this module again in an emulated container."""
    assert TIER == os.environ.get("EXERCISE_EXPECT_TIER", jail.NAMESPACES), WHY_NOT


def test_forged_result_files_change_nothing() -> None:
    report = _graded("forges_result_files")
    assert not report.passed
    assert report.check("dag_ids").status == "failed"
    assert "forged" not in _messages(report)


def test_patching_the_grader_and_json_at_import_changes_nothing() -> None:
    report = _graded("patches_grader_at_import")
    assert not report.passed
    # The patches ran in the parse child only; its JSON came out forged, and the trusted side refused it.
    result = report.check("files_import")
    assert result.status == "failed" and "not Airflow's parse result" in result.message
    assert "patched" not in _messages(report)


def test_a_printed_fake_report_does_not_reach_the_real_one() -> None:
    result = CliRunner().invoke(app, ["check", str(HOSTILE / "prints_fake_report"), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["passed"] is False and document["isolation"] == TIER
    assert _left_running() == []


def test_killing_the_parent_at_import_reaches_nothing() -> None:
    report = _graded("kills_parent_at_import")
    result = report.check("files_import")
    if TIER == jail.NAMESPACES:  # its namespace holds itself alone, and its init ignores its own SIGKILL
        assert result.status == "passed"
        assert report.check("dag_ids").status == "failed"
    else:  # its parent runs as another user: the signal is refused, and the import fails on it
        assert result.status == "failed" and "PermissionError" in result.message
    assert report.exit_code == 1


def test_killing_the_parent_from_a_task_reaches_nothing() -> None:
    report = _graded("kills_parent_from_task")
    assert report.passed  # the supervisor and the grading process are out of its sight


def test_a_daemon_in_a_new_session_dies_with_its_sandbox() -> None:
    report = _graded("starts_daemon_in_new_session")
    assert report.passed  # the daemon harms nothing, and nothing of it is left (checked in _graded)


def test_a_loopback_connection_is_never_made(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    accepted: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn.recv(100))
            conn.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    # The listener's port goes into a copy of the file: the grader passes no environment of its own to children.
    submission = tmp_path / "connects_to_loopback"
    submission.mkdir()
    for source in (HOSTILE / "connects_to_loopback").glob("*.py"):
        text = source.read_text(encoding="utf-8").replace("PORT = 9\n", f"PORT = {listener.getsockname()[1]}\n")
        (submission / source.name).write_text(text, encoding="utf-8")
    try:
        report = _graded(str(submission))
    finally:
        stop.set()
        server.join()
        listener.close()
    assert accepted == []
    assert report.passed  # its exercise work is right; only its connections failed


def test_a_6_gib_allocation_hits_the_memory_limit() -> None:
    result = _graded("allocates_6_gib_in_task").check("producer_run")
    assert result.status == "failed"
    assert "MemoryError" in result.message and "more than 2 GiB of memory" in result.message


def test_300_processes_hit_the_process_limit() -> None:
    result = _graded("starts_300_processes_in_task").check("producer_run")
    assert result.status == "failed" and "more than 256 processes" in result.message


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_class_folder_is_graded_exactly_beside_a_vandal(tmp_path: Path) -> None:
    folder = class_folder(tmp_path, {"mallory": HOSTILE / "writes_outside_and_into_siblings", "oscar": HOSTILE / "kills_parent_from_task",
                                     "alice": SUBMISSIONS / "passes_classic_operators", "bob": SUBMISSIONS / "fails_uri_mismatch"})
    before = _digest(folder)
    gradebook = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(folder), "--jobs", "2", "--csv", str(gradebook)],
                                env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 1, result.output  # all graded; bob did not pass
    assert _digest(folder) == before
    assert _left_running() == [] and _markers_left() == []
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    assert {r["isolation"] for r in rows.values()} == {TIER}
    assert rows["alice"]["passed"] == "True" and rows["mallory"]["passed"] == "True"
    assert rows["bob"]["passed"] == "False" and rows["bob"]["auto_trigger"] == "failed"
    assert rows["oscar"]["passed"] == "True"


def _group_possible() -> bool:
    """Whether this machine lets the grader make a control group (root, a writable cgroup tree)."""
    group, _ = cgroup.create(jail.GiB, 16)
    if group is not None:
        group.remove()
    return group is not None


def test_another_grading_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader waits until it sees the other grading's folder, then fails itself if it can read anything in it.

    Both gradings' folders go to a TMPDIR of this test's own (open to others, as /tmp is), so that what
    other runs on the machine left elsewhere cannot decide it."""
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="exercise-test-tmpdir-", dir="/tmp"))
    shared.chmod(0o755)
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = class_folder(tmp_path, {"reader": HOSTILE / "reads_other_gradings_copies",
                                     "slow": SUBMISSIONS / "fails_producer_hangs"})
    gradebook = tmp_path / "grades.csv"
    try:
        result = CliRunner().invoke(app, ["grade", str(folder), "--jobs", "2", "--task-timeout", "25", "--csv",
                                          str(gradebook)], env={"COLUMNS": "120", "NO_COLOR": "1"})
        assert list(shared.iterdir()) == []  # both gradings' folders are gone
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    assert result.exit_code == 1, result.output  # all graded; slow did not pass
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    if TIER == jail.NAMESPACES:  # /tmp is covered there: the reader does not even see the other grading's folder
        assert rows["reader"]["scheduled_producer"] == "failed", rows["reader"]
        assert "RuntimeError: saw no other" in result.output, result.output
    else:
        assert rows["reader"]["passed"] == "True", rows["reader"]
    assert rows["slow"]["scheduled_producer"] == "failed"
    assert _left_running() == []


def test_memory_files_are_refused_or_bounded() -> None:
    report = _graded("holds_memory_in_memory_files")
    result = report.check("producer_run")
    # It fails its own task past 2 GiB; bounded, it either passes (refused, a small /dev/shm) or the
    # kernel stops it at the submission's limit, which the message names.
    assert result.status == "passed" or "more than 2 GiB of memory together" in result.message, result.message
    assert not list(Path("/dev/shm").glob("exercise-hoard-*"))  # what it wrote where anyone may write is gone


def test_several_big_children_do_not_pass_together() -> None:
    result = _graded("starts_big_child_interpreters").check("producer_run")
    assert result.status == "failed"
    if _group_possible():  # one limit on the submission's processes together, named in the check
        assert "more than 2 GiB of memory together" in result.message, result.message
    else:  # a container whose own memory limit stops it (tests/emulate_container.py sets one, as Docker does)
        assert "was stopped" in result.message, result.message


def test_a_cpu_hog_passes_beside_a_classmate_and_leaves_nothing(tmp_path: Path) -> None:
    folder = class_folder(tmp_path, {"hog": HOSTILE / "hogs_cpu_in_new_sessions", "alice": SUBMISSIONS / "passes_classic_operators"})
    gradebook = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(folder), "--jobs", "2", "--csv", str(gradebook)],
                                env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open())}
    assert rows["hog"]["passed"] == "True" and rows["alice"]["passed"] == "True"
    assert _left_running() == []


def _checked_with_cost(name: str) -> tuple[dict, float, int]:
    """`exercise check --json` on a fixture in a process of its own: (the report, CPU seconds and peak
    memory in KiB of the CLI and the grading process, the task children's included)."""
    import subprocess
    import sys

    with open(os.devnull, "wb") as quiet:
        child = subprocess.Popen([sys.executable, "-m", "exercise_cli", "check", "--json", str(HOSTILE / name)],
                                 stdout=subprocess.PIPE, stderr=quiet)
        output = child.stdout.read()
        _, _, usage = os.wait4(child.pid, 0)
    assert _left_running() == []
    return json.loads(output), usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _check_of(document: dict, check_id: str) -> dict:
    return next(c for crit in document["criteria"] for c in crit["checks"] if c["id"] == check_id)


def test_a_huge_frame_announced_to_the_supervisor_ends_that_task_alone() -> None:
    """Airflow's own reader allocated the 2.5 GiB it announces inside the grading process (2.7 GiB measured)."""
    document, _, peak_kib = _checked_with_cost("announces_huge_supervisor_frame")
    result = _check_of(document, "producer_run")
    assert result["status"] == "failed"
    assert "sent its supervisor a message of 2.3 GiB" in result["message"], result["message"]
    assert _check_of(document, "files_import")["status"] == "passed"
    assert peak_kib < 1024 * 1024, peak_kib  # no process of this grading held 1 GiB


def test_megabytes_without_a_newline_cost_the_grader_little() -> None:
    """40 MiB on one line: Airflow's own line reader scanned it again on every 4 KiB read (30 s of CPU measured)."""
    document, cpu_seconds, peak_kib = _checked_with_cost("prints_megabytes_without_newline")
    assert document["passed"] is True, [(c["id"], c["message"]) for crit in document["criteria"]
                                         for c in crit["checks"] if c["status"] == "failed"]
    assert cpu_seconds < 20, cpu_seconds  # a whole grading, this output included: 7.4 s measured (Airflow's reader: past 60 s)
    assert peak_kib < 1024 * 1024, peak_kib


def test_the_course_cannot_be_read_nor_run() -> None:
    """It runs the reference solution if it can read it, fails its import if it reads any other course file,
    and otherwise its producer task looks again and fails saying how many it read."""
    report = _graded("reads_course_solution_and_hints")
    assert not report.passed
    assert report.check("files_import").status == "passed", report.check("files_import").message
    result = report.check("producer_run")
    assert result.status == "failed" and "read 0 course files" in result.message, result.message


def test_an_instructors_course_folder_cannot_be_read_nor_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The course as an instructor's --course folder, open to every user as most are."""
    import tempfile

    from exercise_cli.course import COURSE_ENV

    builtin = load_exercise()
    course = Path(tempfile.mkdtemp(prefix="exercise-test-course-", dir="/tmp"))
    try:
        shutil.copy(builtin.statement_path.parent.parent / "course.toml", course / "course.toml")
        for kind, source in (("data", builtin.statement_path.parent), ("solution", builtin.solution_dir),
                             ("starter", builtin.starter_path.parent)):
            shutil.copytree(source, course / kind / builtin.folder)
        for path in (course, *course.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        monkeypatch.setenv(COURSE_ENV, str(course / "course.toml"))
        report = _graded("reads_course_solution_and_hints")
    finally:
        shutil.rmtree(course)
    assert not report.passed
    assert report.check("files_import").status == "passed", report.check("files_import").message
    result = report.check("producer_run")
    assert result.status == "failed" and "read 0 course files" in result.message, result.message


def test_a_closed_tmpdir_puts_the_copies_where_the_sandbox_may_enter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(closed))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    report = grade(str(load_exercise().solution_dir), task_timeout=30)
    assert report.isolation == TIER and report.passed, _messages(report)
    assert list(closed.iterdir()) == []


# Credit only for definitions in the learner's own files (issue 22): DAGs made from code that is not in the
# file, and a file that changes Airflow while it is imported, earn nothing, and the report says why.
@pytest.mark.parametrize("name", ["execs_the_reference_solution", "execs_solution_beside_decoy_definitions",
                                  "runs_solution_code_as_a_function",
                                  "imports_the_solution_module", "builds_dags_from_strings",
                                  "execs_wheel_solution_on_decoy_lines"])
def test_dags_whose_code_is_not_in_the_file_earn_nothing(name: str) -> None:
    report = _graded(name)
    assert report.score()[0] == 0 and not report.passed
    imported = report.check("files_import")
    if imported.status == "failed":  # the sandbox hides the course's solution: reading it fails the import
        # the course is out of reach: its files hidden or closed, and no wheel of the grader readable
        assert any(word in imported.message for word in ("solution", "Permission", "no wheel of the grader")), \
            imported.message
        return
    result = report.check("own_definitions")
    assert result.status == "failed", result.message
    assert "its code is not in your file" in result.message and result.file.endswith("dags.py")
    assert report.check("consumer_schedule").status == "skipped"
    assert "@hourly" not in _messages(report)  # nothing of the borrowed code is quoted as this submission's


# The consumer's logged count must be its event's (exercise 5.3): a constant beside its label, or every count
# at once, meets the event the grader posts with a row_count picked at each grading, and fails.
@pytest.mark.tier_independent  # the check decides from the event the grader posted, whatever the sandbox
@pytest.mark.parametrize(("name", "says"), [
    ("constant_row_count_beside_its_label", "logged Rows received: 417, but the event the grader posted to"),
    ("logs_every_possible_row_count", "different numbers ("),
])
def test_a_count_not_read_from_the_event_fails_on_the_graders_own_event(name: str, says: str) -> None:
    report = _graded(name, exercise_id="5.3")
    result = report.check("logs_row_count")
    assert result.status == "failed" and says in result.message, result.message
    assert not report.passed and report.check("consumer_run").status == "passed"


def test_changing_or_into_and_at_import_fails_and_quotes_the_line() -> None:
    report = _graded("swaps_or_for_and_at_import", exercise_id="5.2")
    result = report.check("loaded_as_written")
    assert result.status == "failed" and result.line == 76, result.message
    assert "line 76 says schedule=orders | products | customers (any one of its 3 Assets), but Airflow loaded all of them" \
        in result.message
    assert report.check("consumer_schedule").status == "skipped"
    criteria = {criterion.id: criterion.status for criterion in report.criteria}
    assert criteria["consumer_multi_asset"] != "passed" and criteria["waits_for_all"] != "passed"


def test_a_sign_of_the_grader_gains_nothing() -> None:
    """Whatever sign of the grader the file still finds, its OR consumer passes neither consumer criterion."""
    report = _graded("swaps_or_for_and_when_graded", exercise_id="5.2")
    swapped = report.check("loaded_as_written")
    if swapped.status == "failed":
        assert swapped.line == 96 and "orders | products | customers" in swapped.message
    else:  # no sign found: Airflow's own | (OR), which the consumer's checks fail
        assert report.check("consumer_schedule").status == "failed"
    criteria = {criterion.id: criterion.status for criterion in report.criteria}
    assert criteria["consumer_multi_asset"] != "passed" and criteria["waits_for_all"] != "passed"
    assert "waits for all three" not in _messages(report)


def test_the_children_show_no_grader_module_argv_or_environment_name() -> None:
    """The parse child and the task children forget the grader's modules, __main__ and argv before the learner's
    code runs (exercise_cli/sandbox/environment.forget_the_grader); this file fails wherever it finds them."""
    report = _graded("looks_for_grader_modules")
    assert report.check("files_import").status == "passed", report.check("files_import").message
    assert report.check("producer_run").status == "passed", report.check("producer_run").message
    assert report.passed, _messages(report)


@pytest.mark.parametrize(("name", "exercise_id"), [("consumer_prints_asset_without_reading_events", "5.1"),
                                                   ("consumer_lists_assets_without_reading_events", "5.2")])
def test_a_uri_known_in_advance_does_not_show_the_events_were_read(name: str, exercise_id: str) -> None:
    """The consumer prints its Assets' URIs from the file and mentions triggering_asset_events in dead code only:
    no value of a consumed event (its timestamp, its source run id) reaches its log."""
    report = _graded(name, exercise_id=exercise_id)
    result = report.check("consumer_names_asset")
    assert result.status == "failed" and "no value of its triggering events" in result.message, result.message
    assert "event.timestamp" in result.hint
    assert _criterion_of(report, "consumer_names_asset").status != "passed" and not report.passed


def test_a_task_cannot_ask_its_supervisor_for_another_dags_runs() -> None:
    """The Execution API the grader serves answers a task about its own DAG's runs only (execution_api.py):
    GetPreviousDagRun for the producer is refused, so the task that prints the producer's run id fails."""
    report = _graded("asks_the_supervisor_for_the_producer_run", exercise_id="5.4")
    assert report.check("reads_upstream_event").status != "passed", report.check("reads_upstream_event").message
    assert _criterion_of(report, "reads_upstream_event").status != "passed" and not report.passed


def _criterion_of(report, check_id: str):
    return next(criterion for criterion in report.criteria if any(check.id == check_id for check in criterion.checks))


def test_a_run_id_left_in_a_shared_folder_does_not_reach_the_next_task() -> None:
    """One grading's task children share a uid: what the producer's task leaves where anyone may write, and in
    its TMPDIR, HOME and working folder, is gone before the consumer's task starts (jail.clear_after_child)."""
    report = _graded("passes_run_id_through_shared_tmp", exercise_id="5.4")
    assert not report.passed
    result = report.check("reads_upstream_event")
    assert result.status == "failed" and "does not name the run" in result.message, result.message
    assert report.check("producer_run").status == "passed", report.check("producer_run").message
    assert not any(Path(folder, "exercise-note-run-id").exists() for folder in ("/tmp", "/var/tmp", "/dev/shm"))


def test_a_wheel_of_the_grader_cannot_be_read() -> None:
    """A wheel of the grader in a folder of /tmp (the fixture reads any it finds): the namespace tier covers /tmp;
    the container tier cannot, and relies on the wheel being root's alone, as setup.sh leaves Gradescope's."""
    import glob
    import tempfile
    import zipfile

    if TIER == jail.CONTAINER:
        strays = [w for pattern in ("/tmp/*/*.whl", "/tmp/*/*/*.whl", "/tmp/*/*/*/*.whl", "/var/tmp/*/*.whl")
                  for w in glob.glob(pattern) if _others_may_read(Path(w)) and _holds_the_course(w)]
        if strays:  # left by another program on this machine, open to every user: no mode-only tier hides it
            pytest.skip(f"wheels others may read lie in /tmp ({strays[0]}): the container tier cannot hide them")
    folder = Path(tempfile.mkdtemp(prefix="exercise-test-wheel-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        wheel = folder / "airflow_exercise-0.1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr("exercise_cli/solution/exercise_5_1/dags.py", "SOLUTION = 1\n")
            z.writestr("exercise_cli/data/exercise_5_1/exercise.toml", "answer = 1\n")
        wheel.chmod(0o600 if TIER == jail.CONTAINER else 0o644)
        report = _graded("reads_solution_from_the_shipped_wheel")
    finally:
        shutil.rmtree(folder)
    assert report.check("producer_run").status == "passed", report.check("producer_run").message
    assert report.passed, _messages(report)


def _others_may_read(path: Path) -> bool:
    """Whether another uid can read the file: it is readable by others and every folder above it searchable
    (a test's wheel in pytest's own 0700 folder is out of any sandboxed uid's reach)."""
    try:
        return bool(path.stat().st_mode & 0o004) and all(folder.stat().st_mode & 0o001 for folder in path.parents)
    except OSError:
        return False


def _holds_the_course(wheel: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(wheel) as z:
            return any("/solution/" in name or name.endswith("exercise.toml") for name in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
