"""The course itself: the starter fails with guidance, the reference solution passes every check."""

from __future__ import annotations

from conftest import graded

from exercise_cli.course import load_course, solution_dir, starter_file


def test_starter_fails_with_no_dags_yet() -> None:
    report = graded(str(starter_file()), static=True)
    assert not report.passed
    result = report.check("dag_ids")
    assert result.status == "failed"
    assert result.message == "no DAGs yet: start with the first TODO, the Asset"
    assert result.line == 14  # "# TODO 1: Define the Asset..."
    assert report.check("files_import").status == "passed"


def test_solution_passes_in_full_mode() -> None:
    report = graded(str(solution_dir()), static=False)
    failing = [(c.id, c.status, c.message) for cr in report.criteria for c in cr.checks if c.status not in ("passed", "pending")]
    assert failing == []
    assert report.passed and report.exit_code == 0
    assert report.check("quiz").status == "pending"


def test_solution_passes_static_mode() -> None:
    report = graded(str(solution_dir()), static=True)
    assert report.passed
    static_ids = {c.id for c in load_course().checks if c.kind == "static"}
    assert all(report.check(cid).status == "passed" for cid in static_ids)


def test_every_check_in_the_course_has_a_module() -> None:
    import importlib

    for check in load_course().checks:
        module = importlib.import_module(f"exercise_cli.checks.{check.id}")
        assert callable(module.check)
