"""What an exercise must hold to be part of the course, each requirement one function that returns its
problems (none: it holds). `exercise dev check` runs them all; tests/test_course.py calls the same ones.

The file-only requirements read the course; the graded ones grade the starter, the solution and every
fixture submission for real (as `exercise check` does), through `grade`, which the tests replace with
their shared warm grading process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exercise_cli.course import Course, Exercise, LiveCase
from exercise_cli.dev import golden
from exercise_cli.results import Report

# (path, static, task_timeout, exercise id, import timeout or None for the default) -> the report
Grade = Callable[..., Report]

REPO = Path(__file__).resolve().parent.parent.parent  # the repository, in a checkout or an editable install
RECORDED = REPO / "tests" / "live" / "recorded"  # tests/live/recorded/<Airflow version>/<folder>_<fixture>.json
_TODO = re.compile(r"_todo(\d+)_")


def default_grade(path: str, static: bool, task_timeout: float, exercise_id: str, timeout: float | None = None) -> Report:
    from exercise_cli.grading.grader import grade

    return grade(path, static=static, task_timeout=task_timeout, timeout=timeout, exercise_id=exercise_id)


@dataclass
class Finding:
    requirement: str
    problems: list[str] = field(default_factory=list)
    note: str = ""  # said, but not a failure (what is missing that only `make compat` can make)


# Where an exercise's authoring files are: the built-in course's in the repository's tests/, a course
# file's beside it (<root>/submissions/<folder>/, <root>/tests/checks/).
def fixtures_dir(exercise: Exercise) -> Path:
    return (REPO / "tests" / "submissions" if exercise.builtin else exercise.root / "submissions") / exercise.folder


def fixtures(exercise: Exercise) -> list[Path]:
    folder = fixtures_dir(exercise)
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name.startswith(("passes_", "fails_"))) if folder.is_dir() else []


def todo_path(exercise: Exercise) -> list[Path]:
    """The fixtures *_todoN_*: the starter with its TODOs done one by one, in order."""
    steps = [p for p in fixtures(exercise) if _TODO.search(p.name)]
    return sorted(steps, key=lambda p: int(_TODO.search(p.name).group(1)))


def unit_test(check_id: str, exercise: Exercise) -> Path | None:
    """A check's unit test module: tests/checks/ for the course's shared checks, beside the exercise's fixtures
    (tests/submissions/<folder>/, a course's own submissions/<folder>/) for its own, so that an exercise adds files in its own folders only."""
    folders = [REPO / "tests" / "checks"] + ([] if exercise.builtin else [exercise.root / "tests" / "checks"]) + [fixtures_dir(exercise)]
    return next((f / f"test_{check_id}.py" for f in folders if (f / f"test_{check_id}.py").is_file()), None)


def live_cases(exercise: Exercise) -> tuple[LiveCase, ...]:
    """The cases `make compat` grades live for this exercise: its [[live]] entries, else its solution."""
    return exercise.live or (LiveCase(fixture="solution"),)


def recording_name(exercise: Exercise, case: LiveCase) -> str:
    return f"{exercise.folder}_{case.fixture}.json"


def compat_line(exercise: Exercise) -> str:
    course = "" if exercise.builtin else f"EXERCISE_COURSE={exercise.root / 'course.toml'} "
    return f"{course}make compat RECORD=1 EXERCISE={exercise.id}"


# The requirements that read files only.
def checks_have_modules_and_unit_tests(exercise: Exercise) -> list[str]:
    from exercise_cli.checks import check_module

    problems = []
    for check in exercise.checks:
        if not callable(getattr(check_module(check.id, exercise), "check", None)):
            problems.append(f"check {check.id}: its module has no check()")
        if unit_test(check.id, exercise) is None:
            problems.append(f"check {check.id}: no unit test tests/checks/test_{check.id}.py "
                            f"(or {fixtures_dir(exercise) / f'test_{check.id}.py'} for the exercise's own)")
    return problems


def hints_and_quiz(exercise: Exercise) -> list[str]:
    from exercise_cli.tutor.hints import statement_hints
    from exercise_cli.tutor.quiz import load_quiz

    problems = []
    hints = statement_hints(exercise)
    if not hints or not all(h.title and h.body for h in hints):
        problems.append(f"{exercise.statement_path.name}: no hints (<details><summary>title</summary> body)")
    problems += [f"check {c.id}: no title or hint" for c in exercise.checks if not (c.title.strip() and c.hint.strip())]
    if not exercise.quiz:
        problems.append("no [quiz]")
    elif not load_quiz(exercise)[0]:
        problems.append("the quiz has no questions")
    return problems


def scenario_and_phases(exercise: Exercise) -> list[str]:
    """The scenario registers first and ends on the Assets view, every DAG takes part, and each phase's
    first check is the one a run stopped there fails."""
    from exercise_cli.checks import check_module
    from exercise_cli.facts import WITHHOLDABLE

    problems = []
    if exercise.scenario[0].step != "register" or exercise.scenario[-1].step != "assets_view":
        problems.append("the scenario must start with step register and end with step assets_view")
    problems += [f"DAG {key} takes no part in the scenario" for key in exercise.dags
                 if not any(step.dag == key for step in exercise.scenario)]
    for check in exercise.checks:
        if check.phase and exercise.check_for_phase(check.phase).phase != check.phase:
            problems.append(f"check {check.id}: a run stopped in phase {check.phase} would not fail a check of it")
        unknown = set(getattr(check_module(check.id, exercise), "READS", ())) - set(WITHHOLDABLE)
        if unknown:
            problems.append(f"check {check.id} READS {sorted(unknown)}, which no mode can withhold (facts.WITHHOLDABLE)")
    return problems


def live_recordings(exercise: Exercise) -> Finding:
    """Which Airflow versions lack a recording of this exercise's live cases (tests/test_live_recorded.py)."""
    finding = Finding("live recordings (tests/live/recorded/<version>/)")
    versions = sorted(p.name for p in RECORDED.iterdir() if p.is_dir()) if RECORDED.is_dir() else []
    missing = [v for v in versions if any(not (RECORDED / v / recording_name(exercise, c)).is_file() for c in live_cases(exercise))]
    finding.problems = live_cases_name_what_the_exercise_has(exercise)
    if not versions:
        finding.note = "no tests/live/recorded/ here (not a checkout of the repository)"
    elif missing:
        finding.note = f"none for Airflow {', '.join(missing)}: `{compat_line(exercise)}` makes them (four Airflow installs)"
    return finding


def live_cases_name_what_the_exercise_has(exercise: Exercise) -> list[str]:
    """The course file's [[exercises.live]]: a fixture that exists, a criterion and checks of the exercise."""
    checks, criteria = {c.id for c in exercise.checks}, {c.id for c in exercise.criteria}
    problems = []
    for case in exercise.live:
        where = f"live case {case.fixture}"
        if case.fixture != "solution" and not (fixtures_dir(exercise) / case.fixture).is_dir():
            problems.append(f"{where}: no fixture {fixtures_dir(exercise) / case.fixture}")
        if case.fails and case.fails not in criteria:
            problems.append(f"{where}: fails = {case.fails!r} is no criterion of the exercise")
        problems += [f"{where}: no check {c!r}" for c in sorted((set(case.statuses) | set(case.contains)) - checks)]
    return problems


def every_check_module_is_used(course: Course) -> list[str]:
    """The other way round, over the whole course: no shared check module, nor exercise's own, that no exercise names."""
    import pkgutil

    import exercise_cli.checks as package

    exercises = course.exercises()
    used = {c.id for exercise in exercises for c in exercise.checks}
    problems = []
    if course.file is None:
        shared = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_") and not m.ispkg}
        problems += [f"checks/{name}.py: no exercise uses it" for name in sorted(shared - used)]
    for exercise in exercises:
        own = {p.stem for p in exercise.checks_dir.glob("*.py") if not p.name.startswith("_")}
        problems += [f"checks/{exercise.folder}/{name}.py: exercise {exercise.id} does not use it"
                     for name in sorted(own - {c.id for c in exercise.checks})]
    return problems


# The requirements that grade.
def starter_fails_at_todo_1(exercise: Exercise, grade: Grade = default_grade) -> list[str]:
    report = grade(str(exercise.starter_path), True, golden.DEFAULT_TASK_TIMEOUT, exercise.id)
    if report.passed:
        return ["the starter passes: it must fail until its TODOs are done"]
    if (imported := report.check(exercise.checks[0].id)).status != "passed":
        return [f"the starter does not import as it is: {imported.message[:300]}"]
    failed = next((c for cr in report.criteria for c in cr.checks if c.status == "failed"), None)
    if failed is None or not failed.line or not failed.hint:
        return [f"the starter's first failure has no line and hint: {failed}"]
    lines = exercise.starter_path.read_text(encoding="utf-8").splitlines()
    text = lines[failed.line - 1] if failed.line <= len(lines) else ""
    if not re.search(r"#\s*TODO 1\b", text):
        return [f"the starter's first failure ({failed.id}) points at line {failed.line} ({text.strip()!r}), not at '# TODO 1'"]
    return []


def solution_passes(exercise: Exercise, grade: Grade = default_grade) -> list[str]:
    problems = []
    full = grade(str(exercise.solution_dir), False, golden.DEFAULT_TASK_TIMEOUT, exercise.id)
    problems += [f"full mode: {c.id} {c.status}: {c.message[:300]}" for cr in full.criteria for c in cr.checks
                 if c.status not in ("passed", "pending")]
    if not full.passed or full.exit_code != 0:
        problems.append(f"full mode: not passed (exit {full.exit_code})")
    static = grade(str(exercise.solution_dir), True, golden.DEFAULT_TASK_TIMEOUT, exercise.id)
    problems += [f"static mode: {c.id} {static.check(c.id).status}: {static.check(c.id).message[:300]}"
                 for c in exercise.checks if c.kind == "static" and static.check(c.id).status != "passed"]
    if not static.passed:
        problems.append("static mode: not passed")
    return problems


def credit_never_goes_down(exercise: Exercise, grade: Grade = default_grade) -> list[str]:
    """The TODO path fixtures (*_todoN_*): step 0 is the starter untouched, each step passes at least the
    checks the one before passed, the last one passes the exercise."""
    steps = todo_path(exercise)
    if len(steps) < 3:
        return [f"{fixtures_dir(exercise)}: the TODO path needs at least three fixtures *_todoN_* (0: the starter)"]
    problems = []
    if (steps[0] / "dags.py").read_text(encoding="utf-8") != exercise.starter_path.read_text(encoding="utf-8"):
        problems.append(f"{steps[0].name}/dags.py is not the starter as it is")
    before: set[str] = set()
    for step in steps:
        report = grade(str(step), False, golden.task_timeout(step), exercise.id)
        passed = {c.id for cr in report.criteria for c in cr.checks if c.status == "passed"}
        if report.passed != step.name.startswith("passes_"):
            problems.append(f"{step.name}: passed is {report.passed}, its name says otherwise")
        if lost := before - passed:
            problems.append(f"{step.name}: loses credit the step before earned: {', '.join(sorted(lost))}")
        before = passed
    return problems


def fixture_matches_golden(exercise: Exercise, fixture: Path, grade: Grade = default_grade) -> list[str]:
    expected = golden.read(fixture)
    if expected is None:
        return [f"{fixture.name}: no {golden.GOLDEN}: `exercise dev check {exercise.id} --update-golden` writes it"]
    report = grade(str(fixture), expected.get("mode") == "static", golden.task_timeout(fixture), exercise.id, golden.timeout(fixture))
    return [f"{fixture.name}: {line}" for line in golden.differences(expected, report)]


def fixtures_match_golden(exercise: Exercise, grade: Grade = default_grade) -> list[str]:
    without = [f.name for f in fixtures(exercise) if golden.read(f) is None]
    problems = [f"{len(without)} fixtures have no {golden.GOLDEN} ({', '.join(without[:3])}{', ...' if len(without) > 3 else ''}): "
                f"`exercise dev check {exercise.id} --update-golden` writes them"] if without else []
    return problems + [problem for fixture in fixtures(exercise) if fixture.name not in without
                       for problem in fixture_matches_golden(exercise, fixture, grade)]


FILE_REQUIREMENTS: list[tuple[str, Callable[[Exercise], list[str]]]] = [
    ("every check has a module and a unit test", checks_have_modules_and_unit_tests),
    ("hints and a quiz", hints_and_quiz),
    ("scenario, phases and facts", scenario_and_phases),
]
GRADED_REQUIREMENTS: list[tuple[str, Callable[[Exercise, Grade], list[str]]]] = [
    ("the starter imports and fails at TODO 1", starter_fails_at_todo_1),
    ("the solution passes in full and static mode", solution_passes),
    ("credit along the TODO path never goes down", credit_never_goes_down),
    ("every fixture matches its golden file", fixtures_match_golden),
]


def check_exercise(exercise: Exercise, grade: Grade = default_grade, graded: bool = True):
    """Each requirement's Finding, one at a time (the graded ones take a while)."""
    for name, requirement in FILE_REQUIREMENTS:
        yield Finding(name, requirement(exercise))
    if graded:
        for name, graded_requirement in GRADED_REQUIREMENTS:
            yield Finding(name, graded_requirement(exercise, grade))
    yield live_recordings(exercise)


def update_golden(exercise: Exercise, names: list[str] | None = None, grade: Grade = default_grade):
    """Grade each fixture (or those named) in full mode and write its golden file; yields each path written."""
    for fixture in fixtures(exercise):
        if names and fixture.name not in names:
            continue
        timeout = golden.task_timeout(fixture)
        yield golden.write(fixture, grade(str(fixture), False, timeout, exercise.id, golden.timeout(fixture)), timeout)
