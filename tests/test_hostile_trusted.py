"""Hostile submissions that aim at the trusted side: a module that claims another file as its own
(/dev/zero, a FIFO, the reference solution), secrets in the grader's environment, and links out of
the submission. Each is graded for real: the verdict, nothing left running, nothing written outside.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SUBMISSIONS, TESTS
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.grading.grader import grade
from exercise_cli.sandbox import jail

HOSTILE = TESTS / "hostile"
REASON = jail.unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no sandbox here: {REASON}")
SANDBOX_UIDS = 0x3F000000  # and up: see jail.sandbox_uid()
SOLUTION = TESTS.parent / "solution" / "exercise_5_1" / "exercise_5_1_producer_consumer.py"
SECRETS = {
    "GITHUB_TOKEN": "ghp_exerciseHostileSecret0001",
    "AWS_SECRET_ACCESS_KEY": "awsExerciseHostileSecret0002",
    "AWS_ACCESS_KEY_ID": "AKIAEXERCISEHOSTILE03",
    "CI_JOB_TOKEN": "glcbt-exerciseHostileSecret04",
    "AIRFLOW__API_AUTH__JWT_SECRET": "userJwtSecretExercise05",
}


def _sandboxed() -> set[str]:
    """Processes of a sandbox uid (as root) that descend from this test process, compared before and after.
    Others may be grading on this machine at the same time (their orphans are reparented to init too),
    and none of these fixtures starts a process of its own: test_hostile.py covers daemons."""
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        uid = int(status.split("Uid:")[1].split()[0])
        if uid >= SANDBOX_UIDS and _ours(int(pid)):
            found.add(f"{pid} uid={uid}")
    return found


def _ours(pid: int) -> bool:
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/status").read_text().split("PPid:")[1].split()[0])
        except (OSError, IndexError):
            return False
        if pid == os.getpid():
            return True
    return False


def _listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.lstat().st_size for p in sorted(folder.rglob("*"))}


def _graded(path: Path | str, **options):
    before, running = _listing(Path(path)), _sandboxed()
    report = grade(str(path), task_timeout=30, **options)
    assert report.isolation != "process"
    assert _sandboxed() - running == set()
    assert _listing(Path(path)) == before  # nothing written into the folder graded
    return report


def _copy_with(fixture: str, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of a hostile fixture with one line changed (what only the test knows: a path)."""
    folder = tmp_path / fixture
    shutil.copytree(HOSTILE / fixture, folder)
    for file in folder.glob("*.py"):
        text = file.read_text(encoding="utf-8")
        if old in text:
            file.write_text(text.replace(old, new), encoding="utf-8")
            return folder
    raise AssertionError(f"{old!r} is not in {fixture}")


def _refused(report, claimed: str) -> None:
    assert not report.passed
    result = report.check("files_import")
    assert result.status == "failed"
    assert f"claims to be defined in {claimed!r}" in result.message and "__file__" in result.message
    assert result.file and result.file.endswith("dags.py") and result.line is not None


def test_reassigns_file_to_dev_zero() -> None:
    report = _graded(HOSTILE / "reassigns_file_to_dev_zero")
    _refused(report, "/dev/zero")
    assert report.check("files_import").line == 4  # the line that reassigns __file__


def test_reassigns_file_to_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = _copy_with("reassigns_file_to_fifo", tmp_path / "sub",
                        'FIFO = os.path.join(tempfile.gettempdir(), "exercise-hostile-fifo")', f"FIFO = {str(fifo)!r}")
    report = _graded(folder, timeout=60)  # a grading process that opened the FIFO would wait until this timeout
    _refused(report, str(fifo))
    assert report.seconds < 50


def test_reassigns_file_to_solution() -> None:
    report = _graded(HOSTILE / "reassigns_file_to_solution")
    _refused(report, str(SOLUTION.resolve()))
    assert report.score()[0] == 0
    # Nothing of the solution's code is quoted as this submission's.
    assert "@hourly" not in json.dumps(report.to_dict())


# The secrets are kept from the children by each tier's launch (run in the container tier with --json); the
# checklist, --junit and --gradescope only render the same report, so one check writes all three.
@pytest.mark.parametrize("output", [pytest.param("checklist, --junit and --gradescope", marks=pytest.mark.tier_independent),
                                    "--json"])
def test_prints_environment_secrets(tmp_path: Path, output: str) -> None:
    args = ["check", str(HOSTILE / "prints_environment_secrets")]
    files = [tmp_path / "junit.xml", tmp_path / "results.json"]
    if output == "--json":
        args.append("--json")
    else:
        args += ["--junit", str(files[0]), "--gradescope", str(files[1])]
    running = _sandboxed()
    result = CliRunner().invoke(app, args, env={**SECRETS, "COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 1, result.output
    outputs = [result.output] + [f.read_text(encoding="utf-8") for f in files if output != "--json"]
    # The fixture's dumps reached the output (else this test could not fail) ...
    assert "AIRFLOW_HOME" in result.output and "PYTHONUNBUFFERED" in result.output
    # ... and nothing secret was in any of them: no token of the user's, no JWT secret of the grader's.
    for everything in outputs:
        for name, value in SECRETS.items():
            assert value not in everything, name
        assert "JWT_SECRET" not in everything
    assert _sandboxed() - running == set()


def test_prints_environment_secrets_none_reach_a_child() -> None:
    saved = {k: os.environ.get(k) for k in SECRETS}
    os.environ.update(SECRETS)
    try:
        report = _graded(HOSTILE / "prints_environment_secrets")
        # Its DAG file alone imports, so its tasks run (with the other file, they wait for the import check).
        tasks = _graded(HOSTILE / "prints_environment_secrets" / "dags.py")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    text = json.dumps(report.to_dict()) + json.dumps(tasks.to_dict())
    assert "environment at import" in report.check("files_import").message  # the import-time dump
    assert "os.environ: {" in tasks.check("consumer_run").message  # the task's dump
    for value in SECRETS.values():
        assert value not in text
    assert "JWT_SECRET" not in text and "GITHUB" not in text and "AWS_" not in text


def test_links_outside_submission(tmp_path: Path) -> None:
    secret = tmp_path / "root-only.py"
    secret.write_text('TOPSECRET = "exercise-hostile-linked-secret"\n# airflow dag\n', encoding="utf-8")
    os.chmod(secret, 0o600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "more.py").write_text('raise RuntimeError("exercise-hostile-linked-folder")  # airflow dag\n')
    folder = tmp_path / "links_outside_submission"
    folder.mkdir()
    shutil.copy(SOLUTION, folder / "dags.py")
    (folder / "helper.py").write_text("# a second regular file, so .airflowignore would be copied\n")
    (folder / "leak.py").symlink_to(secret)
    (folder / ".airflowignore").symlink_to(secret)
    (folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    (folder / "dangling.py").symlink_to(tmp_path / "missing.py")

    running = _sandboxed()
    result = CliRunner().invoke(app, ["check", str(folder), "--json"])
    assert result.exit_code == 0, result.output  # the solution passes; the links are not graded
    assert "Traceback" not in result.output
    assert "exercise-hostile-linked" not in result.output  # neither file was read, let alone quoted
    document = json.loads(result.stdout)
    assert document["isolation"] != "process" and document["passed"] is True
    message = next(c for crit in document["criteria"] for c in crit["checks"] if c["id"] == "files_import")["message"]
    for name in ("leak.py", ".airflowignore", "linked/", "dangling.py"):
        assert name in message, message
    assert "never followed" in message
    assert _sandboxed() - running == set()


@pytest.mark.tier_independent
def test_latin1_coding_line_is_read_as_python_reads_it() -> None:
    """PEP 263: a Latin-1 file with its coding line is valid Python, not "not UTF-8"; its lines are found, and it
    is graded as its UTF-8 twin is, registration included (Airflow stores a DAG's code read as UTF-8)."""
    report = grade(str(SUBMISSIONS / "passes_latin1_coding_line"))
    assert report.check("files_import").status == "passed"
    assert "UTF-8" not in report.check("files_import").message
    schedule = report.check("producer_schedule")
    assert schedule.status == "passed" and schedule.line == 19 and schedule.file.endswith("dags.py")
    assert report.check("registered_in_db").status == "passed"
    assert report.passed and report.score()[0] == 5


@pytest.mark.tier_independent
def test_a_6_mib_generated_file_beside_the_solution_costs_the_grader_nothing(tmp_path: Path) -> None:
    """Only the files that define DAGs become syntax trees here (the tree of this one took GiBs, which
    every task child inherited past its memory limit)."""
    import resource

    folder = tmp_path / "with_generated_table"
    folder.mkdir()
    shutil.copy(SOLUTION, folder / "dags.py")
    rows = [f"ROW_{i:06d} = [{'0,' * 100}]" for i in range(30_000)]  # ~3 million syntax tree nodes
    (folder / "generated_table.py").write_text('"""Generated (no DAG here)."""\n' + "\n".join(rows) + "\n")
    assert (folder / "generated_table.py").stat().st_size > 6 * 2**20
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = _graded(folder)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert report.passed, [(c.id, c.message) for crit in report.criteria for c in crit.checks if c.status != "passed"]
    assert after == before or after < 1024 * 1024  # KiB: no process of this grading held 1 GiB
