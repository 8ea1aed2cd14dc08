"""The course itself: the starter fails with guidance, the reference solution passes every check."""

from __future__ import annotations

from conftest import graded

from exercise_cli.course import load_exercise


def test_starter_fails_with_no_dags_yet() -> None:
    report = graded(str(load_exercise().starter_path), static=True)
    assert not report.passed
    result = report.check("dag_ids")
    assert result.status == "failed"
    assert result.message == "no DAGs yet: start with the first TODO, the Asset"
    assert result.line == 14  # "# TODO 1: Define the Asset..."
    assert report.check("files_import").status == "passed"


def test_solution_passes_in_full_mode() -> None:
    report = graded(str(load_exercise().solution_dir), static=False)
    failing = [(c.id, c.status, c.message) for cr in report.criteria for c in cr.checks if c.status not in ("passed", "pending")]
    assert failing == []
    assert report.passed and report.exit_code == 0
    assert report.check("quiz").status == "pending"


def test_solution_passes_static_mode() -> None:
    report = graded(str(load_exercise().solution_dir), static=True)
    assert report.passed
    static_ids = {c.id for c in load_exercise().checks if c.kind == "static"}
    assert all(report.check(cid).status == "passed" for cid in static_ids)


def test_every_check_in_the_course_has_a_module() -> None:
    import importlib

    for check in load_exercise().checks:
        module = importlib.import_module(f"exercise_cli.checks.{check.id}")
        assert callable(module.check)


def test_every_check_module_has_an_entry_in_the_course() -> None:
    """The other way round: no module in checks/ that the course file does not name."""
    import pkgutil

    import exercise_cli.checks as package

    modules = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")}
    assert modules == {c.id for c in load_exercise().checks}


def test_every_phase_is_named_once_and_known_to_the_grading_process() -> None:
    from exercise_cli.trusted.protocol import PHASE_DOING

    course = load_exercise()
    phases = {c.phase for c in course.checks if c.phase}
    assert phases <= set(PHASE_DOING) and phases == {course.phase(step) for step in course.scenario}
    for phase in phases:  # the check that fails when a run stops in that phase
        assert course.check_for_phase(phase).phase == phase


def test_requirements_point_at_checks_decided_earlier() -> None:
    seen: set[str] = set()
    for check in load_exercise().checks:
        assert set(check.requires) <= seen, check.id
        seen.add(check.id)


def test_every_check_has_its_own_unit_test_module() -> None:
    from conftest import TESTS

    for check in load_exercise().checks:
        assert (TESTS / "checks" / f"test_{check.id}.py").is_file(), check.id


def test_the_facts_a_check_reads_are_ones_a_mode_can_withhold_and_each_is_read() -> None:
    from exercise_cli.checks import check_module
    from exercise_cli.facts import WITHHOLDABLE

    read = {fact for spec in load_exercise().checks for fact in getattr(check_module(spec.id), "READS", ())}
    assert read == set(WITHHOLDABLE)
