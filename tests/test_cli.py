"""The command line, driven through Typer's CliRunner at a fixed width."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import submission
from exercise_cli.app import app
from exercise_cli.course import load_exercise

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
COMMANDS = ["init", "show", "check", "run-demo", "hint", "quiz", "reset", "solution", "grade", "watch"]


def run(*args: str, **kwargs):
    return CliRunner().invoke(app, list(args), env=ENV, **kwargs)


def test_top_level_help_lists_every_command() -> None:
    for flag in ("--help", "-h"):
        result = run(flag)
        assert result.exit_code == 0
        for command in COMMANDS:
            assert command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "-h")
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("exercise ")


def test_init_writes_the_starter_and_next_steps(tmp_path: Path) -> None:
    target = tmp_path / "dags"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    written = target / load_exercise().starter
    assert written.read_text() == load_exercise().starter_path.read_text()
    assert "exercise check" in result.output


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / load_exercise().starter
    target.write_text("# my work\n")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_text() == "# my work\n"


def test_init_force_keeps_a_backup_that_airflow_does_not_load(tmp_path: Path) -> None:
    target = tmp_path / load_exercise().starter
    target.write_text("# my work\n")
    result = run("init", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    backups = list(tmp_path.glob("*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == "# my work\n"
    assert not backups[0].name.endswith(".py")
    assert target.read_text() == load_exercise().starter_path.read_text()


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    afile = tmp_path / "x"
    afile.write_text("")
    assert run("init", str(afile)).exit_code == 2


def test_show_renders_the_statement() -> None:
    result = run("show")
    assert result.exit_code == 0
    assert "Exercise 5.1: Basic Producer/Consumer" in result.output
    assert "s3://data-lake/processed_data" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "does/not/exist"], "no such file or folder"),
        (["check", "README.md"], "is not a Python file"),
        (["check", "--live", "http://127.0.0.1:9", "--poll", "0"], "Invalid value for '--poll'"),
    ],
)
def test_check_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_check_empty_folder_exits_2(tmp_path: Path) -> None:
    result = run("check", str(tmp_path))
    assert result.exit_code == 2
    assert "exercise init" in result.output


def test_check_json_contract_on_the_starter() -> None:
    result = run("check", str(load_exercise().starter_path), "--static", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert set(doc) == {"version", "exercise", "title", "mode", "passed", "isolation", "criteria"}
    assert doc["version"] == 2
    assert doc["exercise"] == "5.1" and doc["mode"] == "static" and doc["passed"] is False
    assert [c["id"] for c in doc["criteria"]] == [
        "registered", "scheduled_producer", "auto_trigger", "event_access", "assets_view", "understanding",
    ]
    for criterion in doc["criteria"]:
        assert set(criterion) == {"id", "title", "status", "counts", "checks"}
        for check in criterion["checks"]:
            assert set(check) == {"id", "title", "status", "message", "hint", "file", "line"}
            assert check["status"] in {"passed", "failed", "skipped", "pending"}
    statuses = {c["id"]: c["status"] for c in doc["criteria"]}
    assert statuses["registered"] == "failed" and statuses["understanding"] == "pending"


def test_check_checklist_shows_marks_verdict_and_hints() -> None:
    result = run("check", submission("fails_wrong_tags"), "--static")
    assert result.exit_code == 1
    out = result.output
    assert "✘ Tags are exactly as specified" in out
    assert "fails_wrong_tags/dags.py:37" in out
    assert "hint:" in out and "NOT YET" in out
    assert "\x1b[" not in out  # NO_COLOR


def test_check_never_touches_the_users_airflow_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "my_airflow"
    home.mkdir()
    monkeypatch.setenv("AIRFLOW_HOME", str(home))
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(tmp_path / "elsewhere"))
    result = CliRunner().invoke(app, ["check", str(load_exercise().solution_dir), "--static", "--json"], env=ENV)
    assert result.exit_code == 0, result.output
    assert list(home.iterdir()) == []


def test_check_leaves_no_trace_next_to_the_learners_file(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    assert run("init", str(dags)).exit_code == 0
    before = sorted(p.name for p in dags.rglob("*"))
    run("check", str(dags), "--static")
    assert sorted(p.name for p in dags.rglob("*")) == before


def test_the_cli_process_does_not_import_airflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from exercise_cli.app import app\n"
        f"r = CliRunner().invoke(app, ['check', {str(load_exercise().solution_dir)!r}, '--static', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_check_live_with_static_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["check", "--live", "http://127.0.0.1:9", "--static", "--token", "x"])
    assert result.exit_code == 2 and "--static is for a local file or folder" in result.output
