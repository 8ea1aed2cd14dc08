"""The course: a list of exercises, each one data (data/<folder>/exercise.toml), read here and nowhere else.

An exercise names its statement, starter and solution, its DAGs by role, its Assets, its criteria
with their checks and hints, its quiz and its scenario (the steps one engine runs in every mode).
The machinery never names an exercise: adding one is adding its folders (docs/writing-exercises.md).
The files are read strictly (course_schema.py: a typo or a wrong type is one line naming file:line),
and the built-in course, once read, is kept for the next command (course_cache.py);
course.toml's [defaults] give what an exercise leaves out; a check's parameters are its module's PARAMS
with the exercise's `with = {...}`, and its title and hint may say {name} for each.

Layout, for the built-in course and for any other course file (`--course FILE`):
    <root>/course.toml                 format_version, title, [[exercises]] id + folder
    <root>/data/<folder>/exercise.toml and its statement
    <root>/starter/<folder>/, <root>/solution/<folder>/   DAG files
    <root>/checks/<folder>/<check id>.py                  the exercise's own checks (else checks/<id>.py)
The built-in course's folders are packages of the tool (found through the import system, so that the
repository, an editable install and a wheel all work).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from exercise_cli.phases import PHASES

__all__ = ["FORMAT_VERSION", "PHASES", "ROLES", "STEPS", "CourseError", "LiveCase"]
COURSE_ENV = "EXERCISE_COURSE"  # a course file other than the built-in one (an instructor's, the tests')
FORMAT_VERSION = 1
STEPS = ("register", "run", "event", "not_triggered", "triggered", "assets_view")
ROLES = ("producer", "consumer")


class CourseError(Exception):
    """A course or exercise file that does not hold what it must, in one line naming the file and line."""


@dataclass(frozen=True)
class LiveCase:
    """A case `make compat` grades with `check --live` on every Airflow version, and the recorded test replays."""

    fixture: str  # "solution", or a fixture folder's name under tests/submissions/<folder>/
    fails: str = ""  # the criterion it must fail ("": it must pass)
    statuses: dict[str, str] = field(default_factory=dict, hash=False)  # check id -> its live status
    contains: dict[str, list[str]] = field(default_factory=dict, hash=False)  # check id -> words its live message holds


@dataclass(frozen=True)
class CheckSpec:
    id: str
    kind: str  # "static", "dynamic" or "quiz"
    title: str
    hint: str
    requires: tuple[str, ...] = ()  # the checks that must pass first (the file: one id or a list)
    needs: str | None = None  # "producer", "consumer" or "either": the role of the DAG the check is about
    phase: str | None = None  # one of PHASES: a run stopped in it fails this check (dynamic checks: decided in it)
    params: dict[str, Any] = field(default_factory=dict, hash=False)  # the module's PARAMS, with the exercise's `with`


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    title: str
    checks: tuple[CheckSpec, ...]
    counts: bool = True  # False: never affects the verdict (the quiz)


@dataclass(frozen=True)
class AssetSpec:
    key: str  # the variable name the statement gives the Asset object (messages and hints use it)
    uri: str


@dataclass(frozen=True)
class DagSpec:
    key: str  # the name the scenario and the checks use for this DAG
    id: str
    role: str  # "producer" or "consumer"
    tags: tuple[str, ...]
    schedule: str | None = None  # producers: a cron expression or preset; None: schedule=None (triggered)
    outlets: tuple[str, ...] = ()  # producers: the Asset keys its tasks list in outlets
    schedule_on: tuple[str, ...] = ()  # consumers: the Asset keys it is scheduled on
    logic: str = "all"  # consumers: "all" (every Asset updated) or "any" (one is enough)
    message: str = ""  # consumers: a text the task must print, if the exercise asks for one


@dataclass(frozen=True)
class Step:
    step: str  # one of STEPS
    dag: str = ""  # the DagSpec key it is about
    how: str = ""  # "run" of a producer: "schedule" (the scheduler's due run, else a trigger) or "trigger"
    # "event": the grader posts an asset event to this Asset key, as the Assets view's "Create Asset Event"
    # does, with `extra` and a whole number picked at each grading for each key of `random_ints` (no
    # submission can know it: a consumer that logs it read it from the event)
    asset: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False)
    random_ints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    folder: str
    statement: str
    starter: str
    solution: str
    start_date: str
    assets: dict[str, AssetSpec]
    dags: dict[str, DagSpec]
    scenario: tuple[Step, ...]
    criteria: tuple[CriterionSpec, ...]
    quiz: dict[str, Any]
    root: Path  # the course's root (the built-in course: None's stand-in, see _folder)
    builtin: bool = True
    airflow2_habits: tuple[tuple[str, str], ...] = ()  # the exercise's, then the course's
    trigger_blockers: tuple[str, ...] = ()  # static checks whose failure means no consumer run can come
    live: tuple[LiveCase, ...] = ()  # the cases `make compat` grades live (the course file's [[exercises.live]])

    # the data
    @property
    def producers(self) -> tuple[DagSpec, ...]:
        return tuple(d for d in self.dags.values() if d.role == "producer")

    @property
    def consumers(self) -> tuple[DagSpec, ...]:
        return tuple(d for d in self.dags.values() if d.role == "consumer")

    @property
    def dag_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dags.values())

    def phase(self, step: Step) -> str:
        """The phase of a scenario step: what a check's `phase` names and the progress shows."""
        if step.step in ("triggered", "not_triggered"):
            return "scheduler"
        if step.step == "run":
            return f"{self.dags[step.dag].role}_run"
        if step.step == "event":
            return "producer_run"  # an update of the Asset, as a producer run makes
        return step.step

    def asset(self, key: str) -> AssetSpec:
        return self.assets[key]

    def uris(self, keys: tuple[str, ...]) -> list[str]:
        return [self.assets[k].uri for k in keys]

    def airflow3_fix(self, text: str) -> str | None:
        """The Airflow 3 fix for the first Airflow 2 habit that `text` shows, if any."""
        for found, fix in self.airflow2_habits:
            if found in text:
                return fix
        return None

    @property
    def checks(self) -> tuple[CheckSpec, ...]:
        return tuple(check for criterion in self.criteria for check in criterion.checks)

    def check_for_phase(self, phase: str) -> CheckSpec:
        """The check a run stopped in `phase` fails: the phase's first check; else the parse phase's (the
        DAG files' import); else the first check."""
        for wanted in (phase, "parse"):
            for check in self.checks:
                if check.phase == wanted:
                    return check
        return self.checks[0]

    def check(self, check_id: str) -> CheckSpec:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    # the files
    @property
    def statement_path(self) -> Path:
        return self._folder("data") / self.statement

    @property
    def starter_path(self) -> Path:
        return self._folder("starter") / self.starter

    @property
    def solution_dir(self) -> Path:
        """The folder of the reference solution (a real folder: Airflow parses it)."""
        return self._folder("solution")

    @property
    def checks_dir(self) -> Path:
        return self._folder("checks")

    def statement_text(self) -> str:
        return self.statement_path.read_text(encoding="utf-8")

    def _folder(self, kind: str) -> Path:
        if self.builtin:
            return package_dir({"data": "exercise_cli.data_root", "starter": "exercise_cli.starter",
                                 "solution": "exercise_cli.solution", "checks": "exercise_cli.checks"}[kind]) / self.folder
        return self.root / kind / self.folder


@dataclass(frozen=True)
class Course:
    title: str
    exercise_ids: tuple[str, ...]
    folders: dict[str, str]
    file: Path | None = None  # None: the built-in course
    live: dict[str, tuple[LiveCase, ...]] = field(default_factory=dict, hash=False)  # by exercise id
    built: dict[str, Exercise] = field(default_factory=dict, hash=False, compare=False)  # read before (course_cache.py)

    def exercise(self, exercise_id: str | None = None) -> Exercise:
        wanted = exercise_id or self.exercise_ids[0]  # the default: the course's first
        if wanted not in self.folders:
            raise CourseError(f"no exercise {wanted!r} in this course (it has {', '.join(self.exercise_ids)}); "
                              "`exercise list` shows them")
        if wanted in self.built:
            return self.built[wanted]
        return _load_exercise(self.file, wanted, self.folders[wanted], self.live.get(wanted, ()))

    def exercises(self) -> list[Exercise]:
        return [self.exercise(i) for i in self.exercise_ids]


def course_file() -> Path | None:
    """The course file chosen for this process (EXERCISE_COURSE), or None for the built-in course."""
    chosen = os.environ.get(COURSE_ENV)
    return Path(chosen).resolve() if chosen else None


def load_course(path: Path | None = None) -> Course:
    return _load_course(path if path is not None else course_file())


def load_exercise(exercise_id: str | None = None, path: Path | None = None) -> Exercise:
    return load_course(path).exercise(exercise_id)


@cache
def _load_course(path: Path | None) -> Course:
    if path is not None:
        return _read_course(path)
    from exercise_cli.course_cache import kept

    return kept(_read_whole_course)


def _read_whole_course() -> tuple[Course, bool]:
    """The built-in course with every exercise built, and whether every one was (a course file that
    reads is not enough: an exercise that does not build says so when it is asked for)."""
    course = _read_course(None)
    try:
        return replace(course, built={exercise_id: course.exercise(exercise_id) for exercise_id in course.exercise_ids}), True
    except CourseError:
        return course, False


def _read_course(path: Path | None) -> Course:
    from exercise_cli.course_build import read_course

    return read_course(path)


@cache
def _load_exercise(course: Path | None, exercise_id: str, folder: str, live: tuple[LiveCase, ...]) -> Exercise:
    """One record per exercise and process, its live cases in it (a course file's exercises are asked for often)."""
    from exercise_cli.course_build import build_exercise

    return replace(build_exercise(course, exercise_id, folder), live=live)


def check_source(check_id: str, exercise: Exercise) -> Path | None:
    """The file of a check's module: the exercise's own (checks/<folder>/<id>.py), else the shared one.
    (Found without importing it: the course is read below the checks' layer.)"""
    for path in (exercise.checks_dir / f"{check_id}.py", package_dir("exercise_cli.checks") / f"{check_id}.py"):
        if not check_id.startswith("_") and path.is_file():
            return path
    return None


def declared_params(module: Path) -> dict[str, Any]:
    """A check module's PARAMS: the parameters an exercise may give it (`with = {...}`) and their defaults,
    a literal dict at the module's top level, read from its syntax tree."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PARAMS" for t in node.targets):
            return dict(ast.literal_eval(node.value))
    return {}


# What a title, hint or habit's fix may say of the exercise itself, so that no value of its DAGs and
# Assets is written twice: the name, and when the exercise cannot fill it.
WORDS = {
    "dag_ids": "always",
    "dag_id_args": "always",  # 'dag_id="a" and dag_id="b"'
    "every_dag": "always",  # "Both DAGs", "All four DAGs"
    "start_date": "always",  # "January 1, 2024"
    "start_date_code": "always",  # "datetime(2024, 1, 1)"
    "tags_code": "always",  # each DAG's id and its tags=[...]
    "first_uri": "always",  # the first Asset's URI
    "outlets": "always",  # the producers' Assets, by the statement's variable names
    "outlet_uris": "always",
    "outlet": "only when the producers have one Asset",
    "outlet_uri": "only when the producers have one Asset",
    "the_producer": "always",  # "The producer", "Each producer"
    "producer_id": "only with one producer",
    "schedule_code": "only when every producer has the same schedule",  # 'schedule="@daily"', 'schedule=None'
    "schedule_words": "only when every producer has the same schedule",  # "every day at midnight"
    "cron": "only when the producers' schedule is a cron preset",  # "0 0 * * *" for "@daily"
    "consumer_id": "only with one consumer",
    "schedule_on": "only with one consumer",  # "orders, products, customers"
    "message": "only with one consumer, which has a message",  # the text its task must print
}
_CRON_PRESETS = {"@hourly": ("0 * * * *", "every hour on the hour"), "@daily": ("0 0 * * *", "every day at midnight"),
                 "@weekly": ("0 0 * * 0", "every Sunday at midnight"), "@monthly": ("0 0 1 * *", "on the first of each month"),
                 "@yearly": ("0 0 1 1 *", "every January 1")}
_NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def exercise_words(exercise: Exercise) -> dict[str, str]:
    """The WORDS this exercise can fill, from its [dags], [assets] and start date."""
    dags, producers, consumers = list(exercise.dags.values()), exercise.producers, exercise.consumers
    start = date.fromisoformat(exercise.start_date)
    outlets = list(dict.fromkeys(key for dag in producers for key in dag.outlets))
    words = {
        "dag_ids": _and([dag.id for dag in dags]),
        "dag_id_args": _and([f"dag_id={json.dumps(dag.id)}" for dag in dags]),
        "every_dag": {1: "The DAG", 2: "Both DAGs"}.get(len(dags), f"All {_NUMBERS.get(len(dags), len(dags))} DAGs"),
        "start_date": f"{start:%B} {start.day}, {start.year}",
        "start_date_code": f"datetime({start.year}, {start.month}, {start.day})",
        "tags_code": "; ".join(f"{dag.id}: tags={json.dumps(list(dag.tags))}" for dag in dags),
        "first_uri": next(iter(exercise.assets.values())).uri if exercise.assets else "",
        "outlets": _and(outlets),
        "outlet_uris": _and(exercise.uris(tuple(outlets))),
        "the_producer": "The producer" if len(producers) < 2 else "Each producer",
    }
    if len(outlets) == 1:
        words["outlet"], words["outlet_uri"] = outlets[0], exercise.assets[outlets[0]].uri
    if len(producers) == 1:
        words["producer_id"] = producers[0].id
    schedules = {dag.schedule for dag in producers}
    if len(schedules) == 1:
        schedule = schedules.pop()
        words["schedule_code"] = "schedule=None" if schedule is None else f"schedule={json.dumps(schedule)}"
        cron, said = _CRON_PRESETS.get(schedule or "", (None, f"on schedule {json.dumps(schedule)}"))
        words["schedule_words"] = "only when triggered (schedule=None)" if schedule is None else said
        if cron:
            words["cron"] = cron
    if len(consumers) == 1:
        words["consumer_id"] = consumers[0].id
        words["schedule_on"] = ", ".join(consumers[0].schedule_on)
        if consumers[0].message:
            words["message"] = consumers[0].message
    return words


def derived_scenario(dags: dict[str, DagSpec]) -> tuple[Step, ...]:
    """The scenario of an exercise that states none: register; run each producer (by its schedule, else a
    trigger); each consumer triggered by the events, then run; the Assets view."""
    producers = [Step("run", key, "schedule" if dag.schedule else "trigger") for key, dag in dags.items()
                 if dag.role == "producer"]
    consumers = [Step(step, key) for key, dag in dags.items() if dag.role == "consumer" for step in ("triggered", "run")]
    return (Step("register"), *producers, *consumers, Step("assets_view"))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def package_dir(name: str) -> Path:
    # starter/, solution/ and checks/ sit at the repository's top level and inside exercise_cli in the
    # wheel: found through the import system, so that the repo, an editable and a wheel install all work.
    if name == "exercise_cli.data_root":
        return package_dir("exercise_cli") / "data"
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the installed package has no {name}")
    return Path(next(iter(spec.submodule_search_locations)))
