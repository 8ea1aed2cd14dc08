"""The course itself, every exercise of it, both ways (rustlings' `dev check`): its data is complete and
consistent with the code, the starter fails with guidance, the solution passes, TODOs done in order earn
credit step by step."""

from __future__ import annotations

import pkgutil
import re

import pytest
from conftest import TESTS, graded

from exercise_cli.checks import check_module
from exercise_cli.course import STEPS, CourseError, load_course, load_exercise
from exercise_cli.facts import WITHHOLDABLE
from exercise_cli.protocol import PHASE_DOING
from exercise_cli.tutor.hints import statement_hints
from exercise_cli.tutor.quiz import load_quiz

EXERCISES = load_course().exercise_ids


@pytest.fixture(params=EXERCISES)
def exercise(request):
    return load_exercise(request.param)


def test_the_course_lists_5_1_first_and_5_2() -> None:
    assert EXERCISES[:2] == ("5.1", "5.2")
    assert load_exercise().id == "5.1"  # the default: every 5.1 command works as it did


def test_hints_titles_and_quiz_are_there(exercise) -> None:
    hints = statement_hints(exercise)
    assert hints and all(h.title and h.body for h in hints)
    for check in exercise.checks:
        assert check.title.strip() and check.hint.strip(), check.id
    questions, pass_mark = load_quiz(exercise)
    assert questions and 0 < pass_mark <= len(questions)
    for question in questions:
        assert 0 <= question.answer < len(question.choices) and question.why


def test_every_check_has_a_module_and_a_unit_test_module(exercise) -> None:
    for check in exercise.checks:
        assert callable(check_module(check.id, exercise).check), check.id
        assert (TESTS / "checks" / f"test_{check.id}.py").is_file(), check.id


def test_every_check_module_is_used_by_some_exercise() -> None:
    """The other way round: no shared module nor exercise's own module that no exercise names."""
    import exercise_cli.checks as package

    used = {c.id for exercise_id in EXERCISES for c in load_exercise(exercise_id).checks}
    shared = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_") and not m.ispkg}
    assert shared <= used, shared - used
    for exercise_id in EXERCISES:
        exercise = load_exercise(exercise_id)
        own = {p.stem for p in exercise.checks_dir.glob("*.py") if not p.name.startswith("_")}
        assert own <= {c.id for c in exercise.checks}, own


def test_requirements_point_at_earlier_checks_and_phases_at_scenario_steps(exercise) -> None:
    seen: set[str] = set()
    phases = {exercise.phase(step) for step in exercise.scenario}
    assert phases <= set(PHASE_DOING)
    for check in exercise.checks:
        assert set(check.requires) <= seen, check.id
        seen.add(check.id)
        if check.kind == "dynamic":
            assert check.phase in phases, (check.id, check.phase)
        assert check.needs in (None, "producer", "consumer", "either")
    for phase in {c.phase for c in exercise.checks if c.phase}:  # the check that fails when a run stops in that phase
        assert exercise.check_for_phase(phase).phase == phase


def test_the_scenario_names_the_exercises_dags(exercise) -> None:
    assert exercise.scenario[0].step == "register" and exercise.scenario[-1].step == "assets_view"
    for step in exercise.scenario:
        assert step.step in STEPS
        if step.dag:
            assert step.dag in exercise.dags
    for spec in exercise.dags.values():
        assert any(step.dag == spec.key for step in exercise.scenario), spec.key  # every DAG takes part
        assert set(spec.outlets) | set(spec.schedule_on) <= set(exercise.assets)


def test_the_facts_a_check_reads_are_ones_a_mode_can_withhold_and_each_is_read() -> None:
    read = {fact for exercise_id in EXERCISES for spec in load_exercise(exercise_id).checks
            for fact in getattr(check_module(spec.id, load_exercise(exercise_id)), "READS", ())}
    assert read == set(WITHHOLDABLE)


def test_the_starter_fails_with_guidance(exercise) -> None:
    report = graded(str(exercise.starter_path), static=True, exercise_id=exercise.id)
    assert not report.passed
    assert report.check("files_import").status == "passed"  # the starter imports as it is
    result = report.check("dag_ids")
    assert result.status == "failed" and result.line and result.hint, result
    todo = exercise.starter_path.read_text().splitlines()[result.line - 1]
    assert re.search(r"#\s*TODO 1\b", todo), todo  # it points at the first TODO


def test_the_solution_passes_in_full_mode(exercise) -> None:
    report = graded(str(exercise.solution_dir), static=False, exercise_id=exercise.id)
    failing = [(c.id, c.status, c.message) for cr in report.criteria for c in cr.checks if c.status not in ("passed", "pending")]
    assert failing == []
    assert report.passed and report.exit_code == 0
    assert report.check("quiz").status == "pending"


def test_the_solution_passes_static_mode(exercise) -> None:
    report = graded(str(exercise.solution_dir), static=True, exercise_id=exercise.id)
    assert report.passed
    assert all(report.check(c.id).status == "passed" for c in exercise.checks if c.kind == "static")


def test_todos_done_in_order_earn_credit_step_by_step(exercise) -> None:
    folder = TESTS / "submissions" / exercise.folder
    steps = sorted(folder.glob("*_todo*"), key=lambda p: int(re.search(r"_todo(\d+)_", p.name).group(1)))
    assert len(steps) >= 3, f"{folder}: the TODO path fixtures (*_todoN_*)"
    assert (steps[0] / "dags.py").read_text() == exercise.starter_path.read_text()  # step 0: the untouched starter
    passed_checks = []
    for step in steps:
        report = graded(str(step), static=False, exercise_id=exercise.id)
        passed_checks.append(sum(c.status == "passed" for cr in report.criteria for c in cr.checks))
        assert report.passed == step.name.startswith("passes_"), step.name
    assert passed_checks == sorted(passed_checks) and passed_checks[0] < passed_checks[-1], passed_checks


SYNTHETIC = TESTS / "synthetic_course"


def _course_with(tmp_path, old: str, new: str, in_course: bool = False):
    """The synthetic course copied, with `old` replaced by `new` in its exercise file (or its course file)."""
    import shutil

    shutil.copytree(SYNTHETIC, tmp_path / "course")
    path = tmp_path / "course" / ("course.toml" if in_course else "data/fan_out/exercise.toml")
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    lines = text.replace(old, "\0", 1).split("\0")[0].count("\n") + 1  # the line the change is on
    return (tmp_path / "course" / "course.toml").resolve(), path.resolve(), lines


@pytest.mark.parametrize(("old", "new", "says"), [
    ('  hint = "', '  messsage = "', "messsage: unknown key (a typo?)"),
    ('tags = ["fan", "producer"]', 'tags = "fan"', "dags.producer.tags: Input should be a valid list"),
    ('role = "producer"', 'role = "producers"', "dags.producer.role: Input should be 'producer' or 'consumer'"),
    ('  id = "dag_ids"', '  id = "dag_idz"', "check 'dag_idz' has no module"),
    ('phase = "producer_run"', 'phase = "producer_runs"', "phase: Input should be 'parse', 'register'"),
    ('  id = "files_import"\n', '  with = {key = "x"}\n  id = "files_import"\n', "check 'files_import' takes no parameter 'key'"),
])
def test_a_wrong_exercise_file_is_one_line_naming_the_file_and_line(tmp_path, old: str, new: str, says: str) -> None:
    course, path, line = _course_with(tmp_path, old, new)
    with pytest.raises(CourseError) as raised:
        load_course(course).exercise("9.1")
    assert str(raised.value).startswith(f"{path}:{line}: ") and says in str(raised.value), str(raised.value)


def test_a_parameter_of_the_wrong_type_is_named(tmp_path) -> None:
    course, path, line = _course_with(tmp_path, '  id = "files_import"\n', '  id = "reads_triggering_events"\n'
                                      '  with = {key = 3}\n')
    with pytest.raises(CourseError, match=r"parameter key = 3 is not a str"):
        load_course(course).exercise("9.1")


def test_a_wrong_course_file_is_one_line_naming_the_line(tmp_path) -> None:
    course, path, line = _course_with(tmp_path, 'folder = "fan_out"', 'folder = "fan_out"\nfoldr = "x"', in_course=True)
    with pytest.raises(CourseError, match=rf"^{re.escape(str(path))}:{line + 1}: exercises\[0\]\.foldr: unknown key"):
        load_course(course)
