"""The course itself, every exercise of it, both ways: the requirements of `exercise dev check`
(exercise_cli/dev/check.py, the same code) hold for each, and a wrong exercise file is one line naming
its file and line."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import TESTS, graded

from exercise_cli.checks import check_module
from exercise_cli.course import PHASES, CourseError, LiveCase, derived_scenario, load_course, load_exercise
from exercise_cli.dev import check as dev
from exercise_cli.facts import WITHHOLDABLE
from exercise_cli.protocol import PHASE_DOING

EXERCISES = load_course().exercise_ids


@pytest.fixture(params=EXERCISES)
def exercise(request):
    return load_exercise(request.param)


def test_the_course_lists_5_1_first_and_5_2() -> None:
    assert EXERCISES[:2] == ("5.1", "5.2")
    assert load_exercise().id == "5.1"  # the default: every 5.1 command works as it did


def test_every_check_has_a_module_and_a_unit_test_module(exercise) -> None:
    assert dev.checks_have_modules_and_unit_tests(exercise) == []


def test_hints_titles_and_quiz_are_there(exercise) -> None:
    assert dev.hints_and_quiz(exercise) == []


def test_every_check_module_is_used_by_some_exercise() -> None:
    assert dev.every_check_module_is_used(load_course()) == []


def test_the_scenario_phases_and_facts_agree(exercise) -> None:
    assert dev.scenario_and_phases(exercise) == []


def test_every_phase_a_check_may_name_is_one_the_progress_says() -> None:
    assert set(PHASES) <= set(PHASE_DOING)  # (import_airflow is the grader's own: no check fails in it)


def test_the_facts_a_check_reads_are_each_read_by_some_check() -> None:
    read = {fact for exercise_id in EXERCISES for spec in load_exercise(exercise_id).checks
            for fact in getattr(check_module(spec.id, load_exercise(exercise_id)), "READS", ())}
    assert read == set(WITHHOLDABLE)


def test_the_starter_fails_with_guidance(exercise) -> None:
    assert dev.starter_fails_at_todo_1(exercise, _grade) == []


def test_the_solution_passes_in_full_and_static_mode(exercise) -> None:
    assert dev.solution_passes(exercise, _grade) == []


def test_todos_done_in_order_earn_credit_step_by_step(exercise) -> None:
    assert dev.credit_never_goes_down(exercise, _grade) == []


def test_a_broken_requirement_is_found(exercise, tmp_path) -> None:
    """The requirements can fail: a fixture graded against a golden file that says the opposite."""
    fixture = dev.todo_path(exercise)[-1]
    copy = tmp_path / fixture.name
    copy.mkdir()
    (copy / "dags.py").write_text((fixture / "dags.py").read_text())
    (copy / "expected_results.json").write_text('{"passed": false, "checks": {"files_import": {"status": "failed"}}}')
    problems = dev.fixture_matches_golden(exercise, copy, _grade)
    assert problems == [f"{fixture.name}: passed is True, golden says False",
                        f"{fixture.name}: check files_import is passed, golden says failed: "
                        + graded(str(copy), static=False, exercise_id=exercise.id).check("files_import").message[:200]]


def _grade(path: str, static: bool, task_timeout: float, exercise_id: str, timeout: float | None = None):
    return graded(path, static=static, task_timeout=task_timeout, timeout=timeout, exercise_id=exercise_id)

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
    # a word of the exercise it cannot fill: two consumers have no one id
    ('title = "DAG ids fan_producer, fan_left and fan_right"', 'title = "DAG ids of {consumer_id}"',
     "title says {consumer_id}, which this exercise cannot fill (only with one consumer)"),
    ('[[criteria]]\nid = "fans_out"', '[checks.waits_for_all_assets]\nhint = "x"\n\n[[criteria]]\nid = "fans_out"',
     "checks.waits_for_all_assets: no criterion lists check 'waits_for_all_assets'"),
    ('  id = "producer_run"\n', '  idd = "producer_run"\n', "criteria[1].checks[0].idd: unknown key (a typo?)"),
    ('step = "triggered"\ndag = "left"', 'step = "event"\nasset = "fan_in"', "scenario step 'event' names no Asset of this exercise: 'fan_in'"),
    ('step = "triggered"\ndag = "left"', 'step = "event"\ndag = "left"', "scenario step 'event' takes asset, extra and random_ints, not dag"),
    ('step = "triggered"\ndag = "left"', 'step = "triggered"\ndag = "left"\nrandom_ints = ["n"]',
     "scenario step 'triggered': asset, extra and random_ints belong to an 'event' step"),
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


def test_the_live_cases_name_what_the_exercise_has(exercise) -> None:
    assert dev.live_cases_name_what_the_exercise_has(exercise) == []
    wrong = dataclasses.replace(exercise, live=(LiveCase(fixture="fails_nothing_here", fails="nope", statuses={"nope": "failed"}),))
    assert [p.split(":")[0] for p in dev.live_cases_name_what_the_exercise_has(wrong)] == ["live case fails_nothing_here"] * 3


@pytest.mark.parametrize("course_file", [None, *sorted(TESTS.glob("*/course.toml")), TESTS / "checks" / "data" / "course.toml"],
                         ids=lambda p: "built-in" if p is None else str(p.relative_to(TESTS)))
def test_every_course_file_of_the_repository_reads(course_file) -> None:
    """The built-in course and the tests' own: the schema holds for each, strictly."""
    course = load_course(course_file.resolve() if course_file else None)
    assert [e.id for e in course.exercises()] == list(course.exercise_ids)


def test_an_exercise_states_only_what_differs() -> None:
    """5.3 lists most checks by id: their fields come from its [checks.<id>], then the course's defaults, whose
    titles and hints say {words} filled from the exercise's DAGs and Assets; a scenario not stated is derived
    from the roles; its quiz is a file of its own."""
    exercise = load_exercise("5.3")
    assert exercise.check("dag_ids").title == "DAG ids exercise_5_3_sales_producer and exercise_5_3_sales_consumer, each defined once"
    assert exercise.check("asset_event").hint == "Airflow records the event when a task with outlets=[daily_sales] succeeds."
    assert exercise.check("event_row_count").kind == "dynamic" and exercise.check("event_row_count").requires == ("asset_event",)
    assert exercise.check("reads_triggering_events").title == "The consumer's code reads triggering_asset_events"
    derived = [("register", "", ""), ("run", "producer", "schedule"), ("triggered", "consumer", ""), ("run", "consumer", "")]
    assert [(s.step, s.dag, s.how) for s in derived_scenario(exercise.dags)] == [*derived, ("assets_view", "", "")]
    # 5.3 states its own: the derived one, then an event of the grader's with a row_count no code can know
    assert [(s.step, s.dag, s.how) for s in exercise.scenario] == [
        *derived, ("event", "", ""), ("triggered", "consumer", ""), ("run", "consumer", ""), ("assets_view", "", "")]
    assert (exercise.scenario[4].asset, exercise.scenario[4].random_ints) == ("daily_sales", ("row_count",))
    assert exercise.quiz["pass_mark"] == 4 and len(exercise.quiz["questions"]) == 5
    assert exercise.airflow3_fix("No module named 'airflow.datasets'") == (
        'Airflow 3 renamed Datasets to Assets: `from airflow.sdk import Asset`, then Asset("s3://data-lake/daily_sales").')


def test_a_wrong_quiz_file_names_its_own_line(tmp_path) -> None:
    course, path, _ = _course_with(tmp_path, "[quiz]\npass_mark = 1", 'quiz = "quiz.toml"\n\n[ignored]\npass_mark = 1')
    text = path.read_text()
    quiz = text[text.index("[ignored]"):].replace("[ignored]\n", "").replace("[[quiz.questions]]", "[[questions]]")
    path.write_text(text[:text.index("[ignored]")].replace('quiz = "quiz.toml"\n', ""))
    head = path.read_text()
    path.write_text(head.replace('start_date = "2024-01-01"\n', 'start_date = "2024-01-01"\nquiz = "quiz.toml"\n'))
    (path.parent / "quiz.toml").write_text(quiz.replace("answer = 1", "answer = 3"))
    with pytest.raises(CourseError) as raised:
        load_course(course).exercise("9.1")
    line = quiz.splitlines().index("answer = 1") + 1
    assert str(raised.value).startswith(f"{path.parent / 'quiz.toml'}:{line}: quiz question 1: answer 3"), str(raised.value)
